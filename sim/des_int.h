/* des_int.h - private to the simulation (des*.c): the run's state.
 *
 * A plan becomes flows (streams of bytes, one transfer per mini-batch: a
 * segment-to-segment edge, a DRAM read, a DRAM write, a weight fetch) and
 * per-segment lists of them (des_flows.c); the platform becomes a SimGrid
 * XML file (des_xml.c); segments and the movers of flows are actors
 * (des_actors.c); what they recorded becomes a res_result (des_collect.c).
 * des.c drives the engine. */
#ifndef MCM_DES_INT_H
#define MCM_DES_INT_H

#include <stddef.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include "des.h"

/* Two buffers at each end of a flow: the L2 double buffer. */
enum { DES_BUFFERS = 2, DES_DEFAULT_BUCKETS = 100 };

typedef enum { FLOW_SEG, FLOW_DRAM_IN, FLOW_GATHER, FLOW_WEIGHT, FLOW_DRAM_OUT } flow_kind;

/* One stream of bytes between two ends, one transfer per mini-batch. */
typedef struct {
    flow_kind kind;
    int src, dst;          /* producing / consuming segment; -1 is DRAM */
    int layer;             /* FLOW_SEG: producer layer, pairs the two ends' edges */
    int paired;            /* FLOW_SEG: the producer lists it among its outputs */
    int moved;             /* bytes cross links: a mover carries them */
    int window;            /* when its mover runs */
    int from, to;          /* hosts: chiplets, then DRAM channels */
    double bytes, latency_s;
    int route0, nroute;    /* its links in des_ctx.route */
    long n;                /* transfers */
    long rec0;             /* its first transfer in des_ctx.xfer */
    long produced, moved_n, consumed; /* mini-batches computed, carried, used up */
} des_flow;

struct des_ctx;

typedef struct {
    double start, end;     /* the bytes leave their source */
    double arrive;         /* they are at the other end; -1 until the network says */
    struct des_ctx *ctx;   /* for the network's word that they arrived */
    int flow;
} des_xfer;

/* An actor (a segment or a flow's mover): its data, and which flow it
   waits for, if any: only news of that flow wakes it. */
typedef struct {
    struct des_ctx *ctx;
    int index;             /* segment or flow */
    sg_actor_t actor;
    int waiting_on;        /* a flow, or -1 */
} des_party;

typedef struct {
    int in0, nin;          /* data inputs in des_ctx.ins */
    int out0, nout;        /* outputs in des_ctx.outs */
    int weights;           /* its weight flow, -1 if none */
    long mb0;              /* its first compute record */
    double wait_input_s, wait_weight_s;
    long done;             /* mini-batches computed */
    int wait_flow;         /* what it blocks on, for the deadlock message */
    int wait_out;          /* ... an output buffer rather than an input */
} des_segrt;

typedef struct des_ctx {
    const plat_t *p;
    const scn_t *scn;
    const plan_t *pl;
    const eval_opts *o;
    const nop_level *level;
    nop_net *net;          /* the level's state, once the platform is loaded */
    int nhosts;
    sg_host_t *hosts;
    int nflows;
    des_flow *flows;
    int *ins, *outs;
    des_segrt *seg;
    int *route;
    long nxfer;
    des_xfer *xfer;
    long nmb;
    double *cs, *ce;       /* compute start and end per (segment, mini-batch) */
    des_party *party;      /* segments, then the movers of flows */
    double *win_start, *win_end;
    int window;            /* the window running */
    int finished;          /* the controller got through every window */
    sg_sem_t done;         /* one release per actor that ended */
} des_ctx;

/* When the bytes of transfer I of F are at the other end (once known). */
static inline double des_arrival(const des_ctx *c, const des_flow *f, long i)
{
    return c->xfer[f->rec0 + i].arrive;
}

/* des.c: SimGrid started and set up for LEVEL (once per process). */
void des_engine_init(const eval_opts *o, const nop_level *level);

/* des_flows.c: the flows of C's plan and the lists of each segment. */
int des_build_flows(des_ctx *c);
void des_ctx_free(des_ctx *c);

/* des_xml.c: host H's SimGrid name; the platform in an anonymous file
   (anonfile.h) that *FD keeps open (close it once loaded) and PATH names. */
void des_host_name(const des_ctx *c, int h, char *buf, size_t size);
int des_write_platform(const des_ctx *c, int *fd, char *path, size_t size, err_t *e);

/* des_actors.c: the actor that runs the windows one after another; the
   input error that says who waits for whom when a run did not finish. */
void des_controller_main(int argc, char **argv);
int des_deadlock_error(const des_ctx *c, err_t *e);

/* des_collect.c: "model/first..last" of segment SI; R's figures from the
   finished run. */
void des_seg_label(const des_ctx *c, int si, char *buf, size_t size);
int des_collect(const des_ctx *c, res_result *r, err_t *e);
int des_input_causes(const des_ctx *c, res_result *r);

#endif
