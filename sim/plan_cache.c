/* plan_cache.c - spans and per-layer costs remembered across plans; see
 * plan_int.h. A search re-estimates the same cuts on chiplets of the same
 * configuration many times over: each span is summed once, and later plans
 * find it by hashing its key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cost.h"
#include "nop.h"
#include "plan_int.h"

int plan_grow(void *buf, int *cap, int n, size_t size)
{
    if (n <= *cap)
        return ERR_OK;
    int ncap = *cap > n / 2 ? 2 * *cap : n;
    void *nv = realloc(*(void **)buf, (size_t)ncap * size);
    if (!nv)
        return ERR_INTERNAL;
    *(void **)buf = nv;
    *cap = ncap;
    return ERR_OK;
}

plan_cache *plan_cache_new(void)
{
    return calloc(1, sizeof(plan_cache));
}

void plan_cache_free(plan_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nmodels; i++)
        free(c->models[i].last_consumer);
    for (int i = 0; i < c->ntables; i++) {
        free(c->tables[i].costs);
        free(c->tables[i].have);
    }
    free(c->models);
    free(c->configs);
    free(c->chip_config);
    free(c->chip_dram);
    free(c->tables);
    free(c->spans);
    free(c->slots);
    free(c->srcs);
    free(c->cands);
    free(c->plan.segs);
    free(c->plan.win_first);
    free(c->edges);
    free(c->span_of);
    free(c->by_model);
    free(c->model_first);
    free(c->model_slot);
    free(c->acc_weights);
    free(c->acc_act);
    free(c->scratch);
    free(c);
}

double *plan_cache_scratch(plan_cache *c, int n)
{
    return plan_grow(&c->scratch, &c->cap_scratch, n, sizeof *c->scratch) ? NULL : c->scratch;
}

int plan_cache_model(plan_cache *c, const wl_model *m)
{
    for (int i = 0; i < c->nmodels; i++)
        if (c->models[i].layers == m->layers && c->models[i].nlayers == m->nlayers)
            return i;
    if (plan_grow(&c->models, &c->cap_models, c->nmodels + 1, sizeof *c->models))
        return -1;
    int *lc = malloc((size_t)m->nlayers * sizeof *lc + 1);
    if (!lc)
        return -1;
    for (int l = 0; l < m->nlayers; l++)
        lc[l] = -1;
    for (int l = 0; l < m->nlayers; l++)
        for (int j = 0; j < m->layers[l].ninputs; j++)
            if (m->layers[l].inputs[j] >= 0)
                lc[m->layers[l].inputs[j]] = l; /* layers are in order: the last write is the last reader */
    c->models[c->nmodels] = (plan_model){.layers = m->layers, .nlayers = m->nlayers, .last_consumer = lc};
    return c->nmodels++;
}

/* Chiplets that cost every layer the same. */
static int same_config(const plat_chiplet *a, const plat_chiplet *b)
{
    return a->dataflow == b->dataflow && a->pes == b->pes && a->l1_bytes == b->l1_bytes &&
           a->l2_bytes == b->l2_bytes && a->clock_hz == b->clock_hz &&
           a->vector_per_cycle == b->vector_per_cycle && a->l2_bw == b->l2_bw &&
           a->pj_mac == b->pj_mac && a->pj_l1 == b->pj_l1 && a->pj_l2 == b->pj_l2;
}

int plan_cache_platform(plan_cache *c, const plat_t *p)
{
    if (p == c->plat)
        return ERR_OK;
    c->plat = NULL;
    if (plan_grow(&c->chip_config, &c->cap_chip_config, p->nchiplets, sizeof *c->chip_config) ||
        plan_grow(&c->chip_dram, &c->cap_chip_dram, p->nchiplets, sizeof *c->chip_dram))
        return ERR_INTERNAL;
    for (int ch = 0; ch < p->nchiplets; ch++) {
        int k = 0;
        while (k < c->nconfigs && !same_config(&c->configs[k], &p->chiplets[ch]))
            k++;
        if (k == c->nconfigs) {
            if (plan_grow(&c->configs, &c->cap_configs, k + 1, sizeof *c->configs))
                return ERR_INTERNAL;
            c->configs[c->nconfigs++] = p->chiplets[ch];
        }
        c->chip_config[ch] = k;
        c->chip_dram[ch] = nop_dram_for(p, ch);
    }
    c->plat = p;
    return ERR_OK;
}

/* The per-layer costs of a span's layers, computed where not yet known. */
static const plan_layer_cost *layer_costs(plan_cache *c, const plan_span *key, const wl_model *m,
                                          const plat_chiplet *chip)
{
    plan_costs *t = NULL;
    for (int i = 0; i < c->ntables && !t; i++)
        if (c->tables[i].model == key->model && c->tables[i].config == key->config &&
            c->tables[i].minibatch == key->minibatch)
            t = &c->tables[i];
    if (!t) {
        if (plan_grow(&c->tables, &c->cap_tables, c->ntables + 1, sizeof *c->tables))
            return NULL;
        t = &c->tables[c->ntables];
        *t = (plan_costs){.model = key->model, .config = key->config, .minibatch = key->minibatch,
                          .costs = malloc((size_t)m->nlayers * sizeof *t->costs + 1),
                          .have = calloc((size_t)m->nlayers + 1, 1)};
        if (!t->costs || !t->have) {
            free(t->costs);
            free(t->have);
            return NULL;
        }
        c->ntables++;
    }
    for (int l = key->first; l <= key->last; l++)
        if (!t->have[l]) {
            cost_t ct;
            cost_layer(chip, &m->layers[l], m->elem_bytes, key->minibatch, &ct);
            t->costs[l] = (plan_layer_cost){ct.cycles, ct.macs, ct.e_mac_pj, ct.e_l1_pj, ct.e_l2_pj};
            t->have[l] = 1;
        }
    return t->costs;
}

/* Sums, inputs and outputs of SP's layers, in layer order. */
static int fill_span(plan_cache *c, plan_span *sp, const wl_model *m, const plat_chiplet *chip)
{
    const plan_layer_cost *lc = layer_costs(c, sp, m, chip);
    int n = sp->last - sp->first + 1;
    if (!lc || plan_grow(&c->srcs, &c->cap_srcs, c->nsrcs + n * WL_MAX_INPUTS, sizeof *c->srcs) ||
        plan_grow(&c->cands, &c->cap_cands, c->ncands + n, sizeof *c->cands))
        return ERR_INTERNAL;
    const int *last_consumer = c->models[sp->model].last_consumer;
    sp->src0 = c->nsrcs;
    sp->cand0 = c->ncands;
    for (int l = sp->first; l <= sp->last; l++) {
        const wl_layer *ly = &m->layers[l];
        sp->cycles += lc[l].cycles;
        sp->macs += lc[l].macs;
        sp->e_mac_pj += lc[l].e_mac_pj;
        sp->e_l1_pj += lc[l].e_l1_pj;
        sp->e_l2_pj += lc[l].e_l2_pj;
        sp->weight_bytes += ly->weight_bytes;
        sp->gather_bytes += ly->dram_bytes * (double)sp->minibatch;
        if (ly->in_bytes + ly->out_bytes > sp->act_bytes)
            sp->act_bytes = ly->in_bytes + ly->out_bytes;
        for (int j = 0; j < ly->ninputs; j++) {
            int src = ly->inputs[j], k = sp->src0;
            if (src >= sp->first)
                continue; /* produced inside the span */
            while (k < c->nsrcs && c->srcs[k].layer != src)
                k++;
            if (k == c->nsrcs)
                c->srcs[c->nsrcs++] = (plan_src){src, src < 0 ? m->input_bytes : m->layers[src].out_bytes};
        }
        if (last_consumer[l] < 0 || last_consumer[l] > sp->last)
            c->cands[c->ncands++] = (plan_cand){l, last_consumer[l], ly->out_bytes};
    }
    sp->nsrc = c->nsrcs - sp->src0;
    sp->ncand = c->ncands - sp->cand0;
    return ERR_OK;
}

static uint32_t span_hash(int model, int config, long minibatch, int first, int last)
{
    uint64_t h = (uint64_t)model * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (uint64_t)config) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (uint64_t)minibatch) * 0x94d049bb133111ebULL;
    h = (h ^ ((uint64_t)(uint32_t)first << 32 | (uint32_t)last)) * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)(h >> 32);
}

static int same_key(const plan_span *sp, int model, int config, long minibatch, int first, int last)
{
    return sp->first == first && sp->last == last && sp->minibatch == minibatch &&
           sp->model == model && sp->config == config;
}

/* Doubles the hash index and puts every span back. */
static int rehash(plan_cache *c)
{
    int n = c->nslots ? 2 * c->nslots : 1024;
    int *slots = malloc((size_t)n * sizeof *slots);
    if (!slots)
        return ERR_INTERNAL;
    for (int i = 0; i < n; i++)
        slots[i] = -1;
    for (int s = 0; s < c->nspans; s++) {
        const plan_span *sp = &c->spans[s];
        uint32_t i = span_hash(sp->model, sp->config, sp->minibatch, sp->first, sp->last) & (uint32_t)(n - 1);
        while (slots[i] >= 0)
            i = (i + 1) & (uint32_t)(n - 1);
        slots[i] = s;
    }
    free(c->slots);
    c->slots = slots;
    c->nslots = n;
    return ERR_OK;
}

int plan_cache_span(plan_cache *c, int model, int config, const wl_model *m, const plat_chiplet *chip,
                    long minibatch, int first, int last)
{
    if (2 * (c->nspans + 1) > c->nslots && rehash(c))
        return -1;
    uint32_t mask = (uint32_t)(c->nslots - 1);
    uint32_t i = span_hash(model, config, minibatch, first, last) & mask;
    for (; c->slots[i] >= 0; i = (i + 1) & mask)
        if (same_key(&c->spans[c->slots[i]], model, config, minibatch, first, last))
            return c->slots[i];
    if (plan_grow(&c->spans, &c->cap_spans, c->nspans + 1, sizeof *c->spans))
        return -1;
    plan_span *sp = &c->spans[c->nspans];
    *sp = (plan_span){.model = model, .config = config, .first = first, .last = last,
                      .minibatch = minibatch};
    if (fill_span(c, sp, m, chip))
        return -1;
    c->slots[i] = c->nspans;
    return c->nspans++;
}
