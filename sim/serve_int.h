/* serve_int.h - private to the serve module: what one iteration runs, and
 * its evaluation (serve_iter.c) behind a cache keyed by that composition. */
#ifndef MCM_SERVE_INT_H
#define MCM_SERVE_INT_H

#include "serve.h"

/* What one iteration runs of one scenario model. */
typedef struct {
    long prefill;   /* requests prefilled (other models: run whole) */
    long prompt;    /* GPT-2: the longest of their prompts, rounded up to the bucket */
    long decode;    /* GPT-2: requests that decode one token */
    long kv;        /* GPT-2: their mean KV length, rounded up to the bucket */
} srv_mix;

typedef struct {
    double latency_s, energy_j;
    int kv_dram;    /* some KV cache did not fit in L2 and was read from DRAM */
} srv_cost;

typedef struct srv_iter srv_iter;

int srv_iter_new(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_opts *o,
                 srv_iter **out, err_t *e);
void srv_iter_free(srv_iter *it);
/* The cost of MIX (one entry per scenario model), evaluated on first use. */
int srv_iter_cost(srv_iter *it, const srv_mix *mix, srv_cost *c, err_t *e);
long srv_iter_evaluated(const srv_iter *it);
/* KV-cache bytes one cached token of MODEL takes: every b=kv layer of its
   decode step; 0 for a model that does not decode. */
double srv_iter_kv_per_token(const srv_iter *it, int model);

#endif
