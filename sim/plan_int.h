/* plan_int.h - private to the plan module (plan.c, plan_cache.c): the cache.
 *
 * A span is what one segment is made of before it is placed: a model's layers
 * first..last at a mini-batch on a chiplet configuration. Its figures are the
 * sums and lists plan.h's rules need, each worked out once, in layer order,
 * exactly as a walk over the layers would give them, so that a plan lowered
 * from cached spans is bit for bit the plan of a fresh walk. Where the span
 * sits in a schedule (which segment produced an input, in which window the
 * last consumer of an output runs) is not part of it: plan.c looks that up
 * per plan. */
#ifndef MCM_PLAN_INT_H
#define MCM_PLAN_INT_H

#include <stddef.h>
#include "plan.h"

/* An input a span reads from outside itself, once per producer layer
   (layer -1: the model input); bytes per sample of the whole tensor, of
   which a slice needs the channels [lo, hi) (split.h). */
typedef struct {
    int layer;
    double bytes;
    double lo, hi;
} plan_src;

/* A layer of a span whose output is read outside it or by no one (a final
   output); last_consumer -1 for the latter; bytes per sample. */
typedef struct {
    int layer, last_consumer;
    double bytes;            /* of the whole tensor */
    split_hold hold;         /* what the span holds of it: channels [lo, hi) */
    double lo, hi;
} plan_cand;

typedef struct {
    int model, config, first, last; /* the key, with the mini-batch and the slice */
    long minibatch;
    split_kind split;        /* SPLIT_K or SPLIT_C: slice SLICE of NSLICES; else unsplit */
    int slice, nslices;
    double cycles, macs, e_mac_pj, e_l1_pj, e_l2_pj; /* per mini-batch */
    double weight_bytes, gather_bytes;
    double act_bytes;        /* the largest in + out bytes of one of its layers, per sample */
    int src0, nsrc;          /* its inputs: plan_cache.srcs[src0 ..] in first-read order */
    int cand0, ncand;        /* its outputs: plan_cache.cands[cand0 ..] in layer order */
} plan_span;

typedef struct {
    double cycles, macs, e_mac_pj, e_l1_pj, e_l2_pj;
} plan_layer_cost;

typedef struct {
    const wl_layer *layers;  /* the model: its layer array, which views of a
                                scenario share with the model they copy */
    int nlayers;
    int *last_consumer;      /* layer -> the last layer reading it, -1 if none */
} plan_model;

typedef struct {
    int model, config;
    long minibatch;
    plan_layer_cost *costs;  /* per layer, valid where have[l] */
    unsigned char *have;
} plan_costs;

struct plan_cache {
    int nmodels, cap_models;
    plan_model *models;
    int nconfigs, cap_configs;
    plat_chiplet *configs;   /* distinct configurations (plan.c's same_config) */
    const plat_t *plat;      /* the platform CHIP_CONFIG and CHIP_DRAM are of */
    int cap_chip_config, cap_chip_dram;
    int *chip_config;        /* chiplet -> its configuration */
    int *chip_dram;          /* chiplet -> its DRAM channel (nop_dram_for) */
    int ntables, cap_tables;
    plan_costs *tables;
    int nspans, cap_spans;
    plan_span *spans;
    int nslots;              /* a power of two, at least twice nspans */
    int *slots;              /* open addressing: span index or -1 */
    int nsrcs, cap_srcs;
    plan_src *srcs;
    int ncands, cap_cands;
    plan_cand *cands;
    /* what plan_lower lowers into, reused from one schedule to the next */
    plan_t plan;
    int cap_segs, cap_win, cap_edges, cap_span_of, cap_by_model, cap_model_first, cap_model_slot;
    int cap_acc_weights, cap_acc_act;
    plan_edge *edges;        /* every segment's in and out, end to end */
    int *span_of;            /* plan segment -> span */
    int *by_model;           /* plan segments grouped by model, in plan order */
    int *model_first;        /* model -> its first entry in by_model; [nmodels + 1] entries */
    int *model_slot;         /* scenario model -> plan_cache.models */
    double *acc_weights, *acc_act; /* per chiplet, for residency */
    int cap_scratch;
    double *scratch;         /* plan_cache_scratch's */
    int cap_modes;
    split_mode *modes;       /* a split span's layer modes, while it is filled */
};

/* Makes *BUF (of *CAP elements of SIZE bytes) hold at least N. */
int plan_grow(void *buf, int *cap, int n, size_t size);

/* Index of M in C->models, added on first use; -1 when out of memory. */
int plan_cache_model(plan_cache *c, const wl_model *m);
/* Makes C->chip_config and C->chip_dram those of P's chiplets. */
int plan_cache_platform(plan_cache *c, const plat_t *p);
/* Index in C->spans of layers FIRST..LAST of M (C->models[MODEL]) at
   MINIBATCH on CHIP (of configuration CONFIG), slice SLICE of NSLICES of
   a SPLIT (SPLIT_K or SPLIT_C; SPLIT_NONE with 0 of 1 for a whole span),
   worked out on first use; -1 when out of memory. Pointers into C's
   arrays do not survive it. */
typedef struct {
    int model, config, first, last;
    long minibatch;
    split_kind split;
    int slice, nslices;
} plan_key;
int plan_cache_span(plan_cache *c, const plan_key *k, const wl_model *m, const plat_chiplet *chip);

#endif
