/* traffic.h - synthetic traffic patterns as BookSim defines them, and a
 * batch driver of the flit engine (BookSim's sim_type = batch).
 *
 * Nodes are routers, id = x + width*y, one endpoint each. Patterns:
 * uniform (each packet's destination drawn anew over all nodes, itself
 * included), transpose (the halves of the id's bits swapped), bitcomp (the
 * id's bits inverted), shuffle (the id's bits rotated left by one), these
 * three on power-of-two node counts (transpose on an even number of bits),
 * neighbor ((x+1, y+1) mod k), tornado ((x + ceil(k/2) - 1, y + ceil(k/2) -
 * 1) mod k), each dimension with its own k, randperm (a permutation drawn
 * from the seed), perm:D0,D1,... (node i sends to Di) and hotspot (every
 * node to one node). Random draws use splitmix64 (Steele, Lea and Flood):
 * randperm is Fisher-Yates on its stream from the seed; uniform hashes
 * (seed, source, packet index) with its finaliser, so a packet's
 * destination does not depend on the order packets are made in, and the
 * same seed gives the same destinations. */
#ifndef MCM_TRAFFIC_H
#define MCM_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TRAFFIC_UNIFORM,
    TRAFFIC_TRANSPOSE,
    TRAFFIC_BITCOMP,
    TRAFFIC_SHUFFLE,
    TRAFFIC_NEIGHBOR,
    TRAFFIC_TORNADO,
    TRAFFIC_RANDPERM,
    TRAFFIC_PERM,
    TRAFFIC_HOTSPOT
} traffic_kind;

typedef struct {
    traffic_kind kind;
    int width, height, nodes;
    uint64_t seed;
    int *dest;              /* per source, for every pattern but uniform */
} traffic_pattern;

/* Parses SPEC for a WIDTH x HEIGHT mesh into OUT (free with traffic_free).
   HOTSPOT_NODE is hotspot's destination, SEED drives uniform and randperm.
   0, or ERR_INPUT with a line in MSG, ERR_INTERNAL out of memory. */
int traffic_parse(const char *spec, int hotspot_node, long seed, int width, int height,
                  traffic_pattern *out, char *msg, size_t msgsize);
void traffic_free(traffic_pattern *t);
/* The destination of packet INDEX (0, 1, ...) of node SRC. */
int traffic_dest(const traffic_pattern *t, int src, long index);

typedef struct {
    int width, height, vcs, vc_buffer, router_cycles, link_cycles;
    const double *inject_rate, *eject_rate; /* per node; NULL: 1 */
    const int *shared;                      /* per node, as flit_end.shared; NULL: none */
    const double *link_rate;                /* as flit_config.link_rate */
    long packets;                           /* per node, >= 1 */
    int packet_flits;                       /* >= 1 */
} traffic_batch_cfg;

typedef struct {
    int nodes;
    long drain;          /* BookSim's batch time: cycles from the start through the last ejection */
    long *finish;        /* per node: likewise through its last packet's last flit */
    double mean_latency; /* BookSim's packet latency: tail ejection cycle less the packet's
                            creation stamp, which batch mode sets to its index at its source */
    double mean_hops;    /* routers a packet crosses, as BookSim counts: mesh hops + 1 */
    long *link_flits, *link_busy; /* per directed mesh link [router*4 + dir], flit_link_stats */
} traffic_batch_result;

/* Every node sends CFG->packets packets of CFG->packet_flits flits to T's
   destinations, all ready at cycle 0; the network as CFG says. Each packet
   is a message of its own, fed to the engine a window at a time. 0, or
   ERR_INPUT (bad configuration), ERR_INTERNAL. Free OUT with
   traffic_batch_free. */
int traffic_batch(const traffic_batch_cfg *cfg, const traffic_pattern *t, traffic_batch_result *out);
void traffic_batch_free(traffic_batch_result *r);
/* The fluid bottleneck of the batch: the most flits any mesh link,
   injection or ejection port carries, over its rate (cycles). */
double traffic_bottleneck(const traffic_batch_cfg *cfg, const traffic_pattern *t);

#endif
