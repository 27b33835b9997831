/* plan_cache.c - spans and per-layer costs remembered across plans; see
 * plan_int.h. A search re-estimates the same cuts on chiplets of the same
 * configuration many times over: each span is summed once, and later plans
 * find it by hashing its key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cost.h"
#include "split.h"
#include "nop.h"
#include "plan_int.h"
#include "pool.h"

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

/* A cache is one thread's (a search worker's): on lines of its own, or the
   threads would share the lines its counts and its plan's header sit on. */
plan_cache *plan_cache_new(void)
{
    return pool_own(sizeof(plan_cache));
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
    free(c->modes);
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
        while (k < c->nconfigs && !plat_chiplet_same_cost(&c->configs[k], &p->chiplets[ch]))
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

/* Layer L of SP as it runs there: itself, or its slice (into *BUF) with
   its cost worked out here, since a layer's mode depends on the span. */
static const wl_layer *span_layer(const plan_cache *c, const plan_span *sp, const wl_model *m,
                                  const plat_chiplet *chip, const plan_layer_cost *lc, int l,
                                  wl_layer *buf, plan_layer_cost *cost)
{
    if (lc) {
        *cost = lc[l];
        return &m->layers[l];
    }
    cost_t ct;
    split_layer(&m->layers[l], c->modes[l - sp->first], sp->nslices, sp->slice, buf);
    cost_layer(chip, buf, m->elem_bytes, sp->minibatch, &ct);
    *cost = (plan_layer_cost){ct.cycles, ct.macs, ct.e_mac_pj, ct.e_l1_pj, ct.e_l2_pj};
    return buf;
}

/* Sums, inputs and outputs of SP's layers, in layer order. */
static int fill_span(plan_cache *c, plan_span *sp, const wl_model *m, const plat_chiplet *chip)
{
    int n = sp->last - sp->first + 1, split = sp->split != SPLIT_NONE;
    const plan_layer_cost *lc = split ? NULL : layer_costs(c, sp, m, chip);
    if ((!split && !lc) || plan_grow(&c->srcs, &c->cap_srcs, c->nsrcs + n * WL_MAX_INPUTS, sizeof *c->srcs) ||
        plan_grow(&c->cands, &c->cap_cands, c->ncands + n, sizeof *c->cands) ||
        plan_grow(&c->modes, &c->cap_modes, n, sizeof *c->modes))
        return ERR_INTERNAL;
    int bad;
    char why[160];
    if (split && split_modes(m, sp->first, sp->last, sp->split, sp->nslices, c->modes, &bad, why, sizeof why))
        return ERR_INTERNAL; /* sched_validate let it through */
    const int *last_consumer = c->models[sp->model].last_consumer;
    sp->src0 = c->nsrcs;
    sp->cand0 = c->ncands;
    for (int l = sp->first; l <= sp->last; l++) {
        wl_layer buf;
        plan_layer_cost cost;
        const wl_layer *ly = span_layer(c, sp, m, chip, lc, l, &buf, &cost);
        split_mode mode = split ? c->modes[l - sp->first] : SPLIT_M_WHOLE;
        sp->cycles += cost.cycles;
        sp->macs += cost.macs;
        sp->e_mac_pj += cost.e_mac_pj;
        sp->e_l1_pj += cost.e_l1_pj;
        sp->e_l2_pj += cost.e_l2_pj;
        sp->weight_bytes += ly->weight_bytes;
        sp->gather_bytes += ly->dram_bytes * (double)sp->minibatch;
        if (ly->in_bytes + ly->out_bytes > sp->act_bytes)
            sp->act_bytes = ly->in_bytes + ly->out_bytes;
        double lo, hi;
        split_needs(&m->layers[l], mode, sp->nslices, sp->slice, &lo, &hi);
        for (int j = 0; j < ly->ninputs; j++) {
            int src = ly->inputs[j], k = sp->src0;
            if (src >= sp->first)
                continue; /* produced inside the span */
            while (k < c->nsrcs && c->srcs[k].layer != src)
                k++;
            if (k == c->nsrcs)
                c->srcs[c->nsrcs++] = (plan_src){src, src < 0 ? m->input_bytes : m->layers[src].out_bytes,
                                                 lo, hi};
            else if (lo < c->srcs[k].lo || hi > c->srcs[k].hi) /* read by two layers: the union */
                c->srcs[k].lo = lo < c->srcs[k].lo ? lo : c->srcs[k].lo,
                c->srcs[k].hi = hi > c->srcs[k].hi ? hi : c->srcs[k].hi;
        }
        if (last_consumer[l] < 0 || last_consumer[l] > sp->last) {
            plan_cand *cd = &c->cands[c->ncands++];
            *cd = (plan_cand){l, last_consumer[l], m->layers[l].out_bytes, SPLIT_H_WHOLE, 0, 1};
            cd->hold = split_holds(&m->layers[l], mode, sp->nslices, sp->slice, &cd->lo, &cd->hi);
        }
    }
    sp->nsrc = c->nsrcs - sp->src0;
    sp->ncand = c->ncands - sp->cand0;
    return ERR_OK;
}

static uint32_t span_hash(const plan_key *k)
{
    uint64_t h = (uint64_t)k->model * 0x9e3779b97f4a7c15ULL;
    h = (h ^ (uint64_t)k->config) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (uint64_t)k->minibatch) * 0x94d049bb133111ebULL;
    h = (h ^ ((uint64_t)(uint32_t)k->first << 32 | (uint32_t)k->last)) * 0x9e3779b97f4a7c15ULL;
    if (k->split != SPLIT_NONE) /* whole spans hash as they always did */
        h = (h ^ ((uint64_t)k->split << 48 | (uint64_t)(uint32_t)k->nslices << 24 | (uint32_t)k->slice)) *
            0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(h >> 32);
}

static plan_key key_of(const plan_span *sp)
{
    return (plan_key){sp->model, sp->config, sp->first, sp->last, sp->minibatch, sp->split, sp->slice,
                      sp->nslices};
}

static int same_key(const plan_span *sp, const plan_key *k)
{
    return sp->first == k->first && sp->last == k->last && sp->minibatch == k->minibatch &&
           sp->model == k->model && sp->config == k->config && sp->split == k->split &&
           sp->slice == k->slice && sp->nslices == k->nslices;
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
        plan_key k = key_of(&c->spans[s]);
        uint32_t i = span_hash(&k) & (uint32_t)(n - 1);
        while (slots[i] >= 0)
            i = (i + 1) & (uint32_t)(n - 1);
        slots[i] = s;
    }
    free(c->slots);
    c->slots = slots;
    c->nslots = n;
    return ERR_OK;
}

int plan_cache_span(plan_cache *c, const plan_key *k, const wl_model *m, const plat_chiplet *chip)
{
    if (2 * (c->nspans + 1) > c->nslots && rehash(c))
        return -1;
    uint32_t mask = (uint32_t)(c->nslots - 1);
    uint32_t i = span_hash(k) & mask;
    for (; c->slots[i] >= 0; i = (i + 1) & mask)
        if (same_key(&c->spans[c->slots[i]], k))
            return c->slots[i];
    if (plan_grow(&c->spans, &c->cap_spans, c->nspans + 1, sizeof *c->spans))
        return -1;
    plan_span *sp = &c->spans[c->nspans];
    *sp = (plan_span){.model = k->model, .config = k->config, .first = k->first, .last = k->last,
                      .minibatch = k->minibatch, .split = k->split, .slice = k->slice,
                      .nslices = k->nslices};
    if (fill_span(c, sp, m, chip))
        return -1;
    c->slots[i] = c->nspans;
    return c->nspans++;
}
