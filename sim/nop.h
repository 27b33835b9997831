/* nop.h - the network-on-package: endpoints, routes, links, transfers.
 *
 * Endpoints are numbered as the simulation numbers its hosts: chiplets
 * 0 .. nchiplets-1, then DRAM channel d as nchiplets + d. A route is the list
 * of link indices (plat_t.links) a transfer crosses: the source's injection
 * port, XY dimension order through the mesh, the destination's ejection
 * port, and a DRAM channel's own link outside its port at its end of the
 * route.
 * This module is the only code that builds routes, knows where the DRAM
 * links sit in the link table, prices a transfer in closed form, or chooses
 * how the simulated network behaves (its fidelity level), so that the two
 * evaluators and the reporter cannot disagree about paths. */
#ifndef MCM_NOP_H
#define MCM_NOP_H

#include <stdio.h>
#include <stdlib.h>
#include <simgrid/host.h>
#include "platform.h"

/* The closed form's pieces are inline: the estimator prices every edge of
   every schedule a search tries with them, and a call per piece was a
   fifth of an estimate. */
static inline int nop_dram_endpoint(const plat_t *p, int d)
{
    return p->nchiplets + d;
}

static inline int nop_is_dram(const plat_t *p, int ep)
{
    return ep >= p->nchiplets;
}

/* The chiplet whose router EP sits at (a DRAM channel's attachment). */
static inline int nop_router(const plat_t *p, int ep)
{
    return nop_is_dram(p, ep) ? p->drams[ep - p->nchiplets].chiplet : ep;
}
/* Index of DRAM channel D's link in plat_t.links. */
int nop_dram_link(const plat_t *p, int d);
/* Index of endpoint EP's injection or ejection port in plat_t.links. */
static inline int nop_port_link(const plat_t *p, int ep, plat_port k)
{
    return p->port0 + 2 * ep + (k == PLAT_PORT_EJECT);
}

/* Mesh hops between the routers of two endpoints (Manhattan distance). */
static inline int nop_hops(const plat_t *p, int from, int to)
{
    const plat_chiplet *a = &p->chiplets[nop_router(p, from)];
    const plat_chiplet *b = &p->chiplets[nop_router(p, to)];
    return abs(a->x - b->x) + abs(a->y - b->y);
}
/* The most links any route crosses: the size of a buffer for nop_route. */
int nop_route_cap(const plat_t *p);
/* The links from endpoint FROM to endpoint TO into OUT; returns how many.
   Zero when FROM == TO. */
int nop_route(const plat_t *p, int from, int to, int *out);
/* The mesh links alone between two routers (id x + width * y), XY. */
int nop_mesh_route(const plat_t *p, int from_router, int to_router, int *out);
/* Sum of the latencies of the N links of ROUTE, in route order. */
double nop_route_latency(const plat_t *p, const int *route, int n);

/* The DRAM channel serving chiplet C: fewest hops, then lowest index. */
int nop_dram_for(const plat_t *p, int c);

/* The channel at one end of a transfer, or NULL. */
static inline const plat_dram *nop_dram_end(const plat_t *p, int from, int to)
{
    if (nop_is_dram(p, from))
        return &p->drams[from - p->nchiplets];
    return nop_is_dram(p, to) ? &p->drams[to - p->nchiplets] : NULL;
}

/* The smaller of two bandwidths (fmin without its NaN cases and its call). */
static inline double nop_min_bw(double a, double b)
{
    return b < a ? b : a;
}

/* Closed form of BYTES from FROM to TO, contention ignored: bytes over the
   slowest link or port on the route, plus hops x hop latency, plus the DRAM
   latency when one end is a channel. Free when FROM == TO.
   Mesh links all have link_bw, so the slowest link is one of the two
   ports, the channel's, or a mesh link, the latter only where the route
   crosses one. */
static inline double nop_transfer_s(const plat_t *p, int from, int to, double bytes)
{
    if (from == to)
        return 0;
    const plat_dram *d = nop_dram_end(p, from, to);
    int hops = nop_hops(p, from, to);
    double bw = nop_min_bw(p->links[nop_port_link(p, from, PLAT_PORT_INJECT)].bw,
                           p->links[nop_port_link(p, to, PLAT_PORT_EJECT)].bw);
    if (d)
        bw = nop_min_bw(bw, d->bw);
    if (hops > 0)
        bw = nop_min_bw(bw, p->link_bw);
    double t = bytes / bw + hops * p->hop_latency_s;
    return d ? t + d->latency_s : t;
}

/* Adds the energy of BYTES from FROM to TO: bits x hops x NoP pJ/bit to
   *E_NOP_J, bits x the channel's pJ/bit to *E_DRAM_J when an end is DRAM. */
static inline void nop_transfer_energy(const plat_t *p, int from, int to, double bytes,
                                       double *e_nop_j, double *e_dram_j)
{
    const plat_dram *d = nop_dram_end(p, from, to);
    double bits = bytes * 8;
    *e_nop_j += bits * nop_hops(p, from, to) * p->nop_pj_per_bit * 1e-12;
    if (d)
        *e_dram_j += bits * d->pj_per_bit * 1e-12;
}
/* Energy of BYTES crossing link L (NoP or DRAM, by the link's kind; a port
   costs nothing of its own). */
double nop_link_energy_j(const plat_t *p, int l, double bytes);

/* How the simulation models the network, as CODES puts several network
   models behind one API: the simulation asks a level to move bytes between
   two endpoints from inside an actor, and does everything else (routes for
   the link statistics, latencies, buffers) the same way for every level. */
typedef struct nop_net nop_net; /* a level's state during one simulation */
typedef void (*nop_arrived_fn)(void *arg, double t);

typedef struct {
    const char *name;
    const char *summary;
    /* engine settings: after simgrid_init, before the platform is loaded;
       NULL: none */
    void (*configure)(void);
    /* the <link> elements of the platform XML, one per plat_t link; NULL
       when the level moves no bytes over SimGrid links (and the XML needs
       no routes) */
    void (*write_links)(FILE *fp, const plat_t *p);
    /* once the platform is loaded: HOSTS[ep] is endpoint EP's host */
    int (*open)(const plat_t *p, const sg_host_t *hosts, nop_net **out, err_t *e);
    /* in an actor: moves BYTES from endpoint FROM to TO (FROM != TO) and
       returns once the last byte has left FROM; ARRIVED(ARG, T) is called,
       from whichever actor, once the last byte is through the network at
       time T (then `latency` follows): before send returns, or later */
    void (*send)(nop_net *n, int from, int to, double bytes, nop_arrived_fn arrived, void *arg);
    /* what passes between send's return and the bytes being at TO, for the
       N links of ROUTE */
    double (*latency)(const plat_t *p, const int *route, int n);
    void (*close)(nop_net *n);
} nop_level;

/* The levels; each is defined in a file of its own (nop_flow.c, ...). */
extern const nop_level nop_level_flow, nop_level_packet;

/* NULL when NAME is no level; NULL NAME gives the default (flow). A
   simulation uses the level its options name, else the platform's [nop]
   model. */
const nop_level *nop_level_find(const char *name);
/* The I-th level, NULL past the last: for listing them. */
const nop_level *nop_level_at(int i);
/* The XML id of link L. */
void nop_link_id(int l, char *buf, size_t size);

#endif
