/* serve_int.h - private to the serve module: what one iteration runs, and
 * its evaluation (serve_iter.c) behind a cache keyed by that composition;
 * the KV-cache shipment of a disaggregated model (serve_ship.c). */
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
/* The same per layer of the model (NULL for a model that does not decode). */
const double *srv_iter_kv_layers(const srv_iter *it, int model);

/* The KV-cache shipment of a model whose decode S's [decode] places
   (serve_ship.c). */
typedef struct srv_ship srv_ship;

/* KV_LAYERS: the model's KV bytes per cached token, per layer. */
int srv_ship_new(const plat_t *p, const scn_t *scn, const sched_t *s, int model,
                 const double *kv_layers, srv_ship **out, err_t *e);
void srv_ship_free(srv_ship *sh);
/* How long shipping the KV cache of TOKENS tokens takes, and its NoP energy. */
int srv_ship_cost(const srv_ship *sh, double tokens, double *time_s, double *energy_j, err_t *e);

#endif
