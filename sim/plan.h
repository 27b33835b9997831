/* plan.h - a schedule lowered to what both evaluators need.
 *
 * For every segment: its cycles and on-chip energy per mini-batch (from the
 * cost model), its weights and whether they stay resident in L2, and its
 * data edges - which inputs come from which other segment or from DRAM, and
 * which outputs go to another segment or back to DRAM, with their bytes per
 * mini-batch. estimate turns the plan into closed-form times, des into
 * events; deriving it once keeps the two evaluators from disagreeing about
 * what the schedule means.
 *
 * Rules (README "The model"):
 * - an edge producer->consumer crosses segments when they are in different
 *   segments; it carries the producer's output for the mini-batch, once per
 *   (producer layer, consumer segment). Same chiplet: a dependency, no bytes
 *   on the NoP.
 * - the model input, embedding/KV gathers and outputs whose consumer runs in
 *   an earlier window come from DRAM; outputs consumed in a later window,
 *   and the model's final outputs, go to DRAM. Each chiplet uses the DRAM
 *   channel nop_dram_for gives.
 * - weights are resident when the weights of all segments on that chiplet in
 *   that window, plus the double-buffered activations of the largest layer,
 *   fit in its L2; resident weights load once per window, others stream from
 *   DRAM every mini-batch.
 * - a segment split over W chiplets is W plan segments, its slices, one after
 *   another; each slice's layers are sliced as split.h says and priced by the
 *   cost model on their own shapes, its weights are its share (all of them
 *   for split=n), and its residency is decided like any segment's. A slice
 *   of split=n runs its share of the mini-batch's samples. An input edge
 *   comes from every slice of the producer that holds part of what the
 *   consumer needs, carrying the overlap: a gather of output-channel
 *   slices, a reduction of partial sums (every slice sends its whole part),
 *   a scatter of samples. */
#ifndef MCM_PLAN_H
#define MCM_PLAN_H

#include "schedule.h"

typedef enum { PLAN_SEG, PLAN_DRAM } plan_end;

typedef struct {
    plan_end kind;
    int seg;            /* PLAN_SEG: the other segment (index in plan_t.segs) */
    int dram;           /* PLAN_DRAM: the channel */
    int layer;          /* producer layer (inputs) / consumer-side producer layer (outputs) */
    double bytes;       /* per mini-batch */
} plan_edge;

typedef struct {
    int window, part, seg;   /* position in the schedule */
    int model, chiplet;
    int first, last;         /* layers */
    split_kind split;        /* of its schedule segment; SPLIT_NONE: unsplit */
    int slice, nslices;      /* which slice of how many (0 of 1 unsplit) */
    long samp0;              /* its first sample in a mini-batch (split=n; else 0) */
    long minibatch, nminibatches; /* minibatch: the samples it runs of each */
    double cycles;           /* per mini-batch, all its layers */
    double compute_s;        /* cycles / clock */
    double macs;             /* per mini-batch */
    double e_mac_pj, e_l1_pj, e_l2_pj; /* per mini-batch */
    double weight_bytes;
    int resident;
    int dram;                /* its DRAM channel */
    double gather_bytes;     /* per mini-batch DRAM reads that are not weights (embeddings, KV) */
    int nin, nout;
    plan_edge *in, *out;     /* in: from PLAN_SEG (same window) or PLAN_DRAM; out likewise */
} plan_seg;

typedef struct {
    int nsegs;
    plan_seg *segs;          /* in schedule order: window, part, segment */
    int nwindows;
    int *win_first;          /* first segment of each window; win_first[nwindows] = nsegs */
} plan_t;

/* The static power (W) the package burns while PL runs, the same for its
   whole makespan: every chiplet's without power gating; with it, only that
   of the chiplets PL places a segment on, in any window. POWERED_W
   (nchiplets doubles) receives each chiplet's part, 0 for one gated off;
   the total is their sum in chiplet order. */
double plan_static_power(const plat_t *p, const plan_t *pl, double *powered_w);

/* S must pass sched_validate; PL owns its arrays (plan_free). */
int plan_build(const plat_t *p, const scn_t *scn, const sched_t *s, plan_t *pl, err_t *e);
void plan_free(plan_t *pl);

/* What plan_build works out once per segment, remembered across plans for
   the search, which lowers many schedules of the same models on the same
   chiplets: per model, chiplet configuration and mini-batch the per-layer
   costs, and per span of layers their sums, inputs and outputs. Chiplets
   that differ only in name and position share entries. The cache keeps
   pointers to the models' layer arrays and to the platform it last saw:
   they must outlive it, unchanged. */
typedef struct plan_cache plan_cache;
plan_cache *plan_cache_new(void);
void plan_cache_free(plan_cache *c);
/* S lowered with CACHE into *PL, which the cache holds until its next
   plan_lower: plan_build's plan, bit for bit, except that outputs to other
   segments are left out (out holds the outputs to DRAM; each segment's
   inputs list its sources). Allocates only for what the cache has not met. */
int plan_lower(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *cache,
               const plan_t **pl, err_t *e);
/* N doubles of scratch space held by the cache, for the reader of a plan it
   lowered; their contents last until the next call. NULL when out of memory. */
double *plan_cache_scratch(plan_cache *c, int n);

#endif
