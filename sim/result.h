/* result.h - what an evaluation of a schedule yields.
 *
 * estimate (closed form) and simulate (SimGrid) fill the same struct, so that
 * compare is a diff of two results. Fields only a simulation knows (waits,
 * peak flows, time series, mini-batch completion times, the timeline) are
 * zero / empty in an estimate. The struct owns its arrays; res_free frees. */
#ifndef MCM_RESULT_H
#define MCM_RESULT_H

#include "platform.h"
#include "schedule.h"

typedef struct {
    int window, part, seg;       /* position in the schedule */
    int slice, nslices;          /* a split segment has one entry per slice, in order */
    int model, chiplet;
    int first, last;             /* layers */
    int dram;                    /* the DRAM channel it uses */
    double compute_s;            /* per mini-batch */
    double in_comm_s;            /* inputs from other chiplets and DRAM, per mini-batch */
    double out_comm_s;           /* outputs to DRAM, per mini-batch */
    double weight_s;             /* weight loads per mini-batch (streamed) or once (resident) */
    double latency_s;            /* per mini-batch: estimate's Lat(seg|b'); sim: mean time from
                                    when the segment and its inputs were ready to compute end */
    double weight_bytes;
    int weights_streamed;        /* weights do not fit in L2: fetched per mini-batch */
    double wait_input_s;         /* sim: total time blocked on inputs */
    double wait_weight_s;        /* sim: total time blocked on weights */
    int shared;                  /* sim: other segments on its chiplet in its window */
    int busiest_in;              /* sim: most utilised link on its input routes, -1 if none */
} res_seg;

typedef struct {
    int window, model;
    double start_s, end_s;       /* the model's pipeline in that window */
} res_part;

typedef struct {
    char name[64];
    long batch;
    double latency_s;            /* first window start to last mini-batch done */
    double throughput_per_s;     /* batch / latency */
    int nminibatches;            /* sim: completion times of the last segment */
    double *minibatch_done_s;
} res_model;

typedef struct {
    double busy_s;               /* time computing (union over its segments) */
    double utilization;          /* busy / makespan */
    double wait_input_s, wait_weight_s; /* sim: summed over its segments */
    double energy_j;             /* compute + buffers of the layers run there, and its
                                    static energy when powered */
} res_chiplet;

typedef struct {
    double bytes;
    double busy_s;               /* time with at least one transfer (estimate: bytes / bw) */
    double utilization;          /* busy / makespan */
    int peak_flows;              /* sim: most concurrent transfers */
    int nseries;                 /* sim: load per time bucket, fraction of bandwidth */
    double bucket_s;
    double *series;
} res_link;

/* A layer's slice is its share of a compute slice: the simulation runs a
   segment's layers as one computation, so the slice is split over them in
   proportion to their cycles in the cost model. */
typedef enum { RES_EV_COMPUTE, RES_EV_TRANSFER, RES_EV_LAYER } res_ev_kind;

typedef struct {
    res_ev_kind kind;
    int track;                   /* chiplet index (compute, layer) or link index (transfer) */
    int parent;                  /* layer: the index of its compute event, which comes first */
    char name[96];               /* "model/layer..layer/mb3", a layer's "model/layer/mb3" */
    double start_s, dur_s;
    double bytes;
} res_event;

typedef struct {
    int simulated;
    char nop[16];                /* sim: the network level, "flow" or "packet" */
    double makespan_s;
    double energy_j, e_mac_j, e_l1_j, e_l2_j, e_nop_j, e_dram_j;
    double e_static_j;           /* static power of the powered chiplets x makespan */
    double edp_js;
    double throughput_per_s;     /* all samples of all models / makespan */
    int nwindows;
    double *window_s;            /* duration of each window */
    int nparts;
    res_part *parts;
    int nsegs;
    res_seg *segs;
    int nmodels;
    res_model *models;
    int nchiplets;
    res_chiplet *chiplets;
    int nlinks;                  /* as plat_t.links */
    res_link *links;
    int nevents, cap_events;
    res_event *events;
} res_result;

/* Allocates the per-window/part/segment/model/chiplet/link arrays, zeroed,
   and fills the positions and names from the schedule. */
int res_init(res_result *r, const plat_t *p, const scn_t *scn, const sched_t *s);
void res_free(res_result *r);
/* Appends one timeline event; returns ERR_INTERNAL on allocation failure. */
int res_add_event(res_result *r, const res_event *ev);
/* The static energy over the makespan (set before): chiplet c burns
   POWERED_W[c] (plan_static_power) the whole time. */
void res_add_static(res_result *r, const double *powered_w);
/* energy_j, edp_js, throughput, utilizations from the parts filled in. */
void res_finish(res_result *r, const scn_t *scn);

#endif
