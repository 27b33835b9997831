/* traffic_run.h - `mcmsim traffic`: the NoP alone under a synthetic pattern,
 * in batch mode, at either network level, in seconds and NoP cycles.
 *
 * Every router of the mesh is a node (id x + width * y) whose ports have
 * the bandwidth of the chiplet there (the package's interface bandwidth
 * where there is none); every node sends `packets` packets of
 * `packet_flits` flits of the platform's flit size, to destinations the
 * pattern (traffic.h) draws. The flow level moves each (source,
 * destination) volume as one fluid flow from time 0, max-min shared: the
 * model of the simulation's flow level, solved directly (fluid.h), which
 * the tests check against SimGrid; the packet level runs the flit-level
 * routers (flit.h) as BookSim runs a batch. No SimGrid engine is used, so
 * a process may run any number of these. */
#ifndef MCM_TRAFFIC_RUN_H
#define MCM_TRAFFIC_RUN_H

#include "nop.h"

typedef struct {
    const char *pattern;     /* traffic.h's names */
    int hotspot;             /* node of `hotspot` */
    long seed;
    long packets;            /* per node */
    int packet_flits;
    const nop_level *level;  /* NULL: the platform's [nop] model */
} trun_opts;

typedef struct {
    char name[2 * PLAT_NAME_MAX + 8];
    const char *kind;        /* "mesh", "inject", "eject" */
    double bw, bytes, busy_s, utilization;
} trun_link;

typedef struct {
    const nop_level *level;
    int nnodes;
    char (*node_names)[PLAT_NAME_MAX];
    double *finish_s;        /* per source: its last byte delivered */
    double cycle_s;          /* flit / link bandwidth */
    double drain_s;
    double mean_latency_s;   /* packet level: creation to last flit out; flow: 0 */
    double mean_hops;
    long packets, packet_flits;
    double flit_bytes;
    int nlinks;              /* the mesh links (plat_t order), then each node's two ports */
    trun_link *links;
} trun_result;

/* Runs O on P into R (initialised here; trun_free frees). A bad pattern or
   option is ERR_INPUT. */
int trun_run(const plat_t *p, const trun_opts *o, trun_result *r, err_t *e);
void trun_free(trun_result *r);

#endif
