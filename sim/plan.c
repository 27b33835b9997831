/* plan.c - lowering a schedule to segments and edges; see plan.h for the rules. */
#include <stdlib.h>
#include <string.h>
#include "cost.h"
#include "nop.h"
#include "plan.h"

void plan_free(plan_t *pl)
{
    for (int i = 0; i < pl->nsegs; i++) {
        free(pl->segs[i].in);
        free(pl->segs[i].out);
    }
    free(pl->segs);
    free(pl->win_first);
    memset(pl, 0, sizeof *pl);
}

static int push_edge(plan_edge **v, int *n, plan_edge ed)
{
    for (int i = 0; i < *n; i++)
        if ((*v)[i].kind == ed.kind && (*v)[i].seg == ed.seg && (*v)[i].layer == ed.layer)
            return ERR_OK; /* one transfer per (producer layer, other end) */
    /* grow in powers of two: edges per segment are few */
    if ((*n & (*n - 1)) == 0) {
        plan_edge *nv = realloc(*v, (size_t)(*n ? 2 * *n : 1) * sizeof *nv);
        if (!nv)
            return ERR_INTERNAL;
        *v = nv;
    }
    (*v)[(*n)++] = ed;
    return ERR_OK;
}

/* Per model: which plan segment runs each layer, and where its output goes. */
typedef struct {
    int *seg_of;        /* layer -> plan segment */
    int *last_window;   /* layer -> latest window of a consumer, -1 if none */
} layer_map;

/* What a segment needs of a layer's cost. */
typedef struct {
    double cycles, macs, e_mac_pj, e_l1_pj, e_l2_pj;
} layer_cost;

typedef struct {
    const wl_layer *layers;  /* the model: its layer array, which views of a
                                scenario share with the model they copy */
    const plat_chiplet *chip;
    long minibatch;
    layer_cost *costs;       /* one per layer */
} cache_entry;

struct plan_cache {
    int n, cap;
    cache_entry *v;
};

plan_cache *plan_cache_new(void)
{
    return calloc(1, sizeof(plan_cache));
}

void plan_cache_free(plan_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        free(c->v[i].costs);
    free(c->v);
    free(c);
}

static void cost_one(const plat_chiplet *c, const wl_model *m, int l, long mb, layer_cost *out)
{
    cost_t ct;
    cost_layer(c, &m->layers[l], m->elem_bytes, mb, &ct);
    out->cycles = ct.cycles;
    out->macs = ct.macs;
    out->e_mac_pj = ct.e_mac_pj;
    out->e_l1_pj = ct.e_l1_pj;
    out->e_l2_pj = ct.e_l2_pj;
}

/* Chiplets that cost every layer the same. */
static int same_config(const plat_chiplet *a, const plat_chiplet *b)
{
    return a->dataflow == b->dataflow && a->pes == b->pes && a->l1_bytes == b->l1_bytes &&
           a->l2_bytes == b->l2_bytes && a->clock_hz == b->clock_hz &&
           a->vector_per_cycle == b->vector_per_cycle && a->l2_bw == b->l2_bw &&
           a->pj_mac == b->pj_mac && a->pj_l1 == b->pj_l1 && a->pj_l2 == b->pj_l2;
}

/* The costs of every layer of M on C at MB, from the cache; NULL on OOM.
   The cache keeps pointers to C and M's layers: they must outlive it. */
static const layer_cost *cached(plan_cache *cache, const plat_chiplet *c, const wl_model *m, long mb)
{
    for (int i = 0; i < cache->n; i++)
        if (cache->v[i].layers == m->layers && cache->v[i].minibatch == mb &&
            same_config(cache->v[i].chip, c))
            return cache->v[i].costs;
    if (cache->n == cache->cap) {
        int cap = cache->cap ? 2 * cache->cap : 16;
        cache_entry *nv = realloc(cache->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return NULL;
        cache->v = nv;
        cache->cap = cap;
    }
    cache_entry *en = &cache->v[cache->n];
    en->costs = malloc((size_t)m->nlayers * sizeof *en->costs + 1);
    if (!en->costs)
        return NULL;
    en->layers = m->layers;
    en->chip = c;
    en->minibatch = mb;
    for (int l = 0; l < m->nlayers; l++)
        cost_one(c, m, l, mb, &en->costs[l]);
    cache->n++;
    return en->costs;
}

static int cost_segment(const plat_t *p, const scn_t *scn, plan_cache *cache, plan_seg *ps)
{
    const wl_model *m = &scn->models[ps->model].model;
    const plat_chiplet *c = &p->chiplets[ps->chiplet];
    const layer_cost *table = cache ? cached(cache, c, m, ps->minibatch) : NULL;
    if (cache && !table)
        return ERR_INTERNAL;
    for (int l = ps->first; l <= ps->last; l++) {
        const wl_layer *ly = &m->layers[l];
        layer_cost lc;
        if (table)
            lc = table[l];
        else
            cost_one(c, m, l, ps->minibatch, &lc);
        ps->cycles += lc.cycles;
        ps->macs += lc.macs;
        ps->e_mac_pj += lc.e_mac_pj;
        ps->e_l1_pj += lc.e_l1_pj;
        ps->e_l2_pj += lc.e_l2_pj;
        ps->weight_bytes += ly->weight_bytes;
        ps->gather_bytes += ly->dram_bytes * (double)ps->minibatch;
    }
    ps->compute_s = ps->cycles / c->clock_hz;
    return ERR_OK;
}

static int add_inputs(const scn_t *scn, plan_t *pl, int si, const layer_map *lm)
{
    plan_seg *ps = &pl->segs[si];
    const wl_model *m = &scn->models[ps->model].model;
    double b = (double)ps->minibatch;
    for (int l = ps->first; l <= ps->last; l++) {
        const wl_layer *ly = &m->layers[l];
        for (int j = 0; j < ly->ninputs; j++) {
            int src = ly->inputs[j];
            plan_edge ed = {.kind = PLAN_DRAM, .seg = -1, .dram = ps->dram, .layer = src};
            if (src < 0) {
                ed.bytes = m->input_bytes * b;
            } else if (src >= ps->first) {
                continue; /* produced inside the segment */
            } else {
                int from = lm->seg_of[src];
                ed.bytes = m->layers[src].out_bytes * b;
                if (pl->segs[from].window == ps->window) {
                    ed.kind = PLAN_SEG;
                    ed.seg = from;
                    ed.dram = -1;
                }
            }
            if (push_edge(&ps->in, &ps->nin, ed))
                return ERR_INTERNAL;
        }
    }
    return ERR_OK;
}

/* Outputs to other segments mirror their inputs; the rest goes to DRAM. */
static int add_outputs(const scn_t *scn, plan_t *pl, int si, const layer_map *lm)
{
    plan_seg *ps = &pl->segs[si];
    const wl_model *m = &scn->models[ps->model].model;
    for (int t = pl->win_first[ps->window]; t < pl->win_first[ps->window + 1]; t++) {
        const plan_seg *cs = &pl->segs[t];
        for (int j = 0; j < cs->nin; j++)
            if (cs->in[j].kind == PLAN_SEG && cs->in[j].seg == si) {
                plan_edge ed = {.kind = PLAN_SEG, .seg = t, .dram = -1, .layer = cs->in[j].layer,
                                .bytes = cs->in[j].bytes};
                if (push_edge(&ps->out, &ps->nout, ed))
                    return ERR_INTERNAL;
            }
    }
    for (int l = ps->first; l <= ps->last; l++) {
        int lw = lm->last_window[l];
        if (lw >= 0 && lw <= ps->window)
            continue; /* all its consumers run in this window */
        plan_edge ed = {.kind = PLAN_DRAM, .seg = -1, .dram = ps->dram, .layer = l,
                        .bytes = m->layers[l].out_bytes * (double)ps->minibatch};
        if (push_edge(&ps->out, &ps->nout, ed))
            return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* Weights stay in L2 when everything placed on a chiplet in a window fits
   next to the double-buffered activations of its largest layer. */
static void decide_residency(const plat_t *p, const scn_t *scn, plan_t *pl, int w)
{
    for (int c = 0; c < p->nchiplets; c++) {
        double weights = 0, act = 0;
        for (int i = pl->win_first[w]; i < pl->win_first[w + 1]; i++) {
            const plan_seg *ps = &pl->segs[i];
            if (ps->chiplet != c)
                continue;
            weights += ps->weight_bytes;
            const wl_model *m = &scn->models[ps->model].model;
            for (int l = ps->first; l <= ps->last; l++) {
                double a = 2.0 * (m->layers[l].in_bytes + m->layers[l].out_bytes) * (double)ps->minibatch;
                if (a > act)
                    act = a;
            }
        }
        int fits = weights + act <= p->chiplets[c].l2_bytes;
        for (int i = pl->win_first[w]; i < pl->win_first[w + 1]; i++)
            if (pl->segs[i].chiplet == c)
                pl->segs[i].resident = fits;
    }
}

static int build(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *cache, plan_t *pl,
                 layer_map *maps)
{
    int n = 0;
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++)
            n += s->windows[w].parts[i].nsegs;
    pl->segs = calloc((size_t)n + 1, sizeof *pl->segs);
    pl->win_first = calloc((size_t)s->nwindows + 1, sizeof *pl->win_first);
    if (!pl->segs || !pl->win_first)
        return ERR_INTERNAL;
    pl->nwindows = s->nwindows;
    for (int w = 0; w < s->nwindows; w++) {
        pl->win_first[w] = pl->nsegs;
        for (int i = 0; i < s->windows[w].nparts; i++) {
            const sched_part *pt = &s->windows[w].parts[i];
            long batch = scn->models[pt->model].batch;
            for (int k = 0; k < pt->nsegs; k++) {
                plan_seg *ps = &pl->segs[pl->nsegs];
                ps->window = w, ps->part = i, ps->seg = k;
                ps->model = pt->model;
                ps->chiplet = pt->segs[k].chiplet;
                ps->first = pt->segs[k].first;
                ps->last = pt->segs[k].last;
                ps->minibatch = pt->minibatch;
                ps->nminibatches = batch / pt->minibatch;
                ps->dram = nop_dram_for(p, ps->chiplet);
                if (cost_segment(p, scn, cache, ps))
                    return ERR_INTERNAL;
                for (int l = ps->first; l <= ps->last; l++)
                    maps[pt->model].seg_of[l] = pl->nsegs;
                pl->nsegs++;
            }
        }
    }
    pl->win_first[s->nwindows] = pl->nsegs;
    for (int m = 0; m < scn->nmodels; m++) {
        const wl_model *wm = &scn->models[m].model;
        for (int l = 0; l < wm->nlayers; l++)
            maps[m].last_window[l] = -1;
        for (int l = 0; l < wm->nlayers; l++)
            for (int j = 0; j < wm->layers[l].ninputs; j++) {
                int src = wm->layers[l].inputs[j];
                int cw = pl->segs[maps[m].seg_of[l]].window;
                if (src >= 0 && cw > maps[m].last_window[src])
                    maps[m].last_window[src] = cw;
            }
    }
    for (int i = 0; i < pl->nsegs; i++)
        if (add_inputs(scn, pl, i, &maps[pl->segs[i].model]))
            return ERR_INTERNAL;
    for (int i = 0; i < pl->nsegs; i++)
        if (add_outputs(scn, pl, i, &maps[pl->segs[i].model]))
            return ERR_INTERNAL;
    for (int w = 0; w < s->nwindows; w++)
        decide_residency(p, scn, pl, w);
    return ERR_OK;
}

int plan_build(const plat_t *p, const scn_t *scn, const sched_t *s, plan_t *pl, err_t *e)
{
    return plan_build_cached(p, scn, s, NULL, pl, e);
}

int plan_build_cached(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *cache,
                      plan_t *pl, err_t *e)
{
    memset(pl, 0, sizeof *pl);
    layer_map *maps = calloc((size_t)scn->nmodels, sizeof *maps);
    int rc = maps ? ERR_OK : ERR_INTERNAL;
    for (int m = 0; !rc && m < scn->nmodels; m++) {
        size_t nl = (size_t)scn->models[m].model.nlayers + 1;
        maps[m].seg_of = calloc(nl, sizeof(int));
        maps[m].last_window = calloc(nl, sizeof(int));
        if (!maps[m].seg_of || !maps[m].last_window)
            rc = ERR_INTERNAL;
    }
    if (!rc)
        rc = build(p, scn, s, cache, pl, maps);
    for (int m = 0; maps && m < scn->nmodels; m++) {
        free(maps[m].seg_of);
        free(maps[m].last_window);
    }
    free(maps);
    if (rc) {
        plan_free(pl);
        return err_internal(e, "out of memory building the plan");
    }
    return ERR_OK;
}
