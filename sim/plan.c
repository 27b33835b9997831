/* plan.c - lowering a schedule to segments and edges; see plan.h for the
 * rules. Every plan is lowered through a cache (plan_int.h): plan_build uses
 * one of its own and then gives the plan arrays of its own. */
#include <stdlib.h>
#include <string.h>
#include "nop.h"
#include "plan_int.h"

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

double plan_static_power(const plat_t *p, const plan_t *pl, double *powered_w)
{
    for (int c = 0; c < p->nchiplets; c++)
        powered_w[c] = p->power_gating ? 0 : p->chiplets[c].static_w;
    for (int i = 0; p->power_gating && i < pl->nsegs; i++)
        powered_w[pl->segs[i].chiplet] = p->chiplets[pl->segs[i].chiplet].static_w;
    double w = 0;
    for (int c = 0; c < p->nchiplets; c++)
        w += powered_w[c];
    return w;
}

/* The plan segment that runs layer L of the model whose segments are
   SEGS[0..N-1]: the last to start at or before it (they cover the model's
   layers in order). */
static int producer(const plan_t *pl, const int *segs, int n, int l)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (pl->segs[segs[mid]].first <= l)
            lo = mid;
        else
            hi = mid - 1;
    }
    return segs[lo];
}

/* The segments of S in schedule order with their spans' figures. */
static int place(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *c)
{
    plan_t *pl = &c->plan;
    for (int m = 0; m < scn->nmodels; m++)
        if ((c->model_slot[m] = plan_cache_model(c, &scn->models[m].model)) < 0)
            return ERR_INTERNAL;
    if (plan_cache_platform(c, p))
        return ERR_INTERNAL;
    pl->nsegs = 0;
    pl->nwindows = s->nwindows;
    for (int w = 0; w < s->nwindows; w++) {
        pl->win_first[w] = pl->nsegs;
        for (int i = 0; i < s->windows[w].nparts; i++) {
            const sched_part *pt = &s->windows[w].parts[i];
            const wl_model *m = &scn->models[pt->model].model;
            long nmb = scn->models[pt->model].batch / pt->minibatch;
            for (int k = 0; k < pt->nsegs; k++)
                for (int j = 0, nj = sched_seg_slices(pt, k); j < nj; j++) {
                    const sched_seg *sg = &pt->segs[k];
                    split_kind kind = sched_seg_split(pt, k);
                    int ch = sched_seg_chiplet(pt, k, j);
                    const plat_chiplet *chip = &p->chiplets[ch];
                    /* a sample slice is a whole span at its share of the mini-batch */
                    int by_samples = kind == SPLIT_N;
                    long mb = by_samples ? split_share(pt->minibatch, nj, j) : pt->minibatch;
                    plan_key key = {c->model_slot[pt->model], c->chip_config[ch], sg->first, sg->last, mb,
                                    by_samples ? SPLIT_NONE : kind, by_samples ? 0 : j,
                                    by_samples ? 1 : nj};
                    int si = plan_cache_span(c, &key, m, chip);
                    if (si < 0)
                        return ERR_INTERNAL;
                    const plan_span *sp = &c->spans[si];
                    c->span_of[pl->nsegs] = si;
                    pl->segs[pl->nsegs++] = (plan_seg){
                        .window = w, .part = i, .seg = k, .model = pt->model, .chiplet = ch,
                        .first = sg->first, .last = sg->last, .split = kind, .slice = j,
                        .nslices = nj, .samp0 = by_samples ? split_offset(pt->minibatch, nj, j) : 0,
                        .minibatch = mb, .nminibatches = nmb, .cycles = sp->cycles,
                        .compute_s = sp->cycles / chip->clock_hz, .macs = sp->macs,
                        .e_mac_pj = sp->e_mac_pj, .e_l1_pj = sp->e_l1_pj, .e_l2_pj = sp->e_l2_pj,
                        .weight_bytes = sp->weight_bytes, .dram = c->chip_dram[ch],
                        .gather_bytes = sp->gather_bytes};
                }
        }
    }
    pl->win_first[s->nwindows] = pl->nsegs;
    return ERR_OK;
}

/* BY_MODEL: the segments of each model in plan order, model m's from
   model_first[m] to model_first[m + 1] (a counting sort). */
static void group_by_model(plan_cache *c, int nmodels)
{
    const plan_t *pl = &c->plan;
    memset(c->model_first, 0, (size_t)(nmodels + 2) * sizeof *c->model_first);
    for (int i = 0; i < pl->nsegs; i++)
        c->model_first[pl->segs[i].model + 2]++;
    for (int m = 2; m < nmodels + 2; m++)
        c->model_first[m] += c->model_first[m - 1];
    for (int i = 0; i < pl->nsegs; i++)
        c->by_model[c->model_first[pl->segs[i].model + 1]++] = i;
}

/* The length of [A0, A1) and [B0, B1) in common. */
static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* What slice Q holds of the output of LAYER, as the cand of its span. */
static const plan_cand *held(const plan_cache *c, int q, int layer)
{
    const plan_span *sp = &c->spans[c->span_of[q]];
    for (int j = 0; j < sp->ncand; j++)
        if (c->cands[sp->cand0 + j].layer == layer)
            return &c->cands[sp->cand0 + j];
    return NULL; /* cannot happen: a layer read outside its span is a cand */
}

/* Edges into segment I (at ED) from every slice of the segment FROM
   belongs to, for input SRC: each carries the part of its slice's output
   that I needs (plan.h); none where they share nothing. Returns the end. */
static plan_edge *gather(const plan_cache *c, int i, int from, const plan_src *src, plan_edge *ed)
{
    const plan_seg *ps = &c->plan.segs[i];
    int g = from - c->plan.segs[from].slice;
    for (int q = g; q < g + c->plan.segs[from].nslices; q++) {
        const plan_seg *qs = &c->plan.segs[q];
        const plan_cand *cd = held(c, q, src->layer);
        double chan = cd->hold == SPLIT_H_SLICE ? overlap(cd->lo, cd->hi, src->lo, src->hi)
                      : cd->hold == SPLIT_H_REPLICA && qs->slice > 0 ? 0
                                                                        : src->hi - src->lo;
        double samples = overlap((double)ps->samp0, (double)(ps->samp0 + ps->minibatch), (double)qs->samp0,
                                 (double)(qs->samp0 + qs->minibatch));
        if (chan > 0 && samples > 0)
            *ed++ = (plan_edge){.kind = PLAN_SEG, .seg = q, .dram = -1, .layer = src->layer,
                                .bytes = src->bytes * samples * chan};
    }
    return ed;
}

/* Each segment's inputs and its outputs to DRAM, end to end in c->edges:
   an input from the same window comes from its producer's segment (each
   of its slices), any other from DRAM; an output goes to DRAM when it has
   no reader or its last reader runs in a later window. */
static void connect(plan_cache *c)
{
    plan_t *pl = &c->plan;
    plan_edge *ed = c->edges;
    for (int i = 0; i < pl->nsegs; i++) {
        plan_seg *ps = &pl->segs[i];
        const plan_span *sp = &c->spans[c->span_of[i]];
        const int *mine = c->by_model + c->model_first[ps->model];
        int nmine = c->model_first[ps->model + 1] - c->model_first[ps->model];
        double b = (double)ps->minibatch;
        ps->in = ed;
        for (int j = 0; j < sp->nsrc; j++) {
            const plan_src *src = &c->srcs[sp->src0 + j];
            int from = src->layer < 0 ? -1 : producer(pl, mine, nmine, src->layer);
            if (from >= 0 && pl->segs[from].window == ps->window)
                ed = gather(c, i, from, src, ed);
            else
                *ed++ = (plan_edge){.kind = PLAN_DRAM, .seg = -1, .dram = ps->dram, .layer = src->layer,
                                    .bytes = src->bytes * b * (src->hi - src->lo)};
        }
        ps->nin = (int)(ed - ps->in);
        ps->out = ed;
        for (int j = 0; j < sp->ncand; j++) {
            const plan_cand *cd = &c->cands[sp->cand0 + j];
            if ((cd->last_consumer >= 0 &&
                 pl->segs[producer(pl, mine, nmine, cd->last_consumer)].window <= ps->window) ||
                (cd->hold == SPLIT_H_REPLICA && ps->slice > 0))
                continue;
            double part = cd->hold == SPLIT_H_SLICE ? cd->hi - cd->lo : 1; /* partial sums: whole */
            *ed++ = (plan_edge){.kind = PLAN_DRAM, .seg = -1, .dram = ps->dram, .layer = cd->layer,
                                .bytes = cd->bytes * b * part};
        }
        ps->nout = (int)(ed - ps->out);
    }
}

/* Weights stay in L2 when everything placed on a chiplet in a window fits
   next to the double-buffered activations of its largest layer. */
static void decide_residency(const plat_t *p, plan_cache *c)
{
    plan_t *pl = &c->plan;
    for (int w = 0; w < pl->nwindows; w++) {
        int a = pl->win_first[w], z = pl->win_first[w + 1];
        for (int i = a; i < z; i++)
            c->acc_weights[pl->segs[i].chiplet] = c->acc_act[pl->segs[i].chiplet] = 0;
        for (int i = a; i < z; i++) {
            const plan_seg *ps = &pl->segs[i];
            double act = 2.0 * c->spans[c->span_of[i]].act_bytes * (double)ps->minibatch;
            c->acc_weights[ps->chiplet] += ps->weight_bytes;
            if (act > c->acc_act[ps->chiplet])
                c->acc_act[ps->chiplet] = act;
        }
        for (int i = a; i < z; i++) {
            int ch = pl->segs[i].chiplet;
            pl->segs[i].resident = c->acc_weights[ch] + c->acc_act[ch] <= p->chiplets[ch].l2_bytes;
        }
    }
}

static int lower(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *c)
{
    int n = 0, nm = scn->nmodels;
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++)
            for (int k = 0; k < s->windows[w].parts[i].nsegs; k++)
                n += sched_seg_slices(&s->windows[w].parts[i], k);
    if (plan_grow(&c->plan.segs, &c->cap_segs, n + 1, sizeof *c->plan.segs) ||
        plan_grow(&c->plan.win_first, &c->cap_win, s->nwindows + 1, sizeof *c->plan.win_first) ||
        plan_grow(&c->span_of, &c->cap_span_of, n + 1, sizeof *c->span_of) ||
        plan_grow(&c->by_model, &c->cap_by_model, n + 1, sizeof *c->by_model) ||
        plan_grow(&c->model_first, &c->cap_model_first, nm + 2, sizeof *c->model_first) ||
        plan_grow(&c->model_slot, &c->cap_model_slot, nm + 1, sizeof *c->model_slot) ||
        plan_grow(&c->acc_weights, &c->cap_acc_weights, p->nchiplets, sizeof *c->acc_weights) ||
        plan_grow(&c->acc_act, &c->cap_acc_act, p->nchiplets, sizeof *c->acc_act) ||
        place(p, scn, s, c))
        return ERR_INTERNAL;
    int nedges = 0, wmax = 1; /* an input comes from up to wmax slices */
    for (int i = 0; i < n; i++)
        if (c->plan.segs[i].nslices > wmax)
            wmax = c->plan.segs[i].nslices;
    for (int i = 0; i < n; i++)
        nedges += c->spans[c->span_of[i]].nsrc * wmax + c->spans[c->span_of[i]].ncand;
    if (plan_grow(&c->edges, &c->cap_edges, nedges + 1, sizeof *c->edges))
        return ERR_INTERNAL;
    group_by_model(c, nm);
    connect(c);
    decide_residency(p, c);
    return ERR_OK;
}

int plan_lower(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *c, const plan_t **pl,
               err_t *e)
{
    if (lower(p, scn, s, c))
        return err_internal(e, "out of memory building the plan");
    *pl = &c->plan;
    return ERR_OK;
}

/* A copy of the N edges at V with room for EXTRA more; NULL when there are
   none, as for a segment that never had any. */
static plan_edge *dup_edges(const plan_edge *v, int n, int extra)
{
    if (n + extra == 0)
        return NULL;
    plan_edge *d = malloc((size_t)(n + extra) * sizeof *d);
    if (d && n)
        memcpy(d, v, (size_t)n * sizeof *d);
    return d;
}

/* PL: Q with arrays of its own, and the outputs to other segments, each
   mirroring its consumer's input, before the outputs to DRAM. */
static int own(const plan_t *q, plan_t *pl)
{
    int n = q->nsegs;
    pl->segs = calloc((size_t)n + 1, sizeof *pl->segs);
    pl->win_first = malloc(((size_t)q->nwindows + 1) * sizeof *pl->win_first);
    int *nseg_out = calloc((size_t)n + 1, sizeof *nseg_out);
    int rc = pl->segs && pl->win_first && nseg_out ? ERR_OK : ERR_INTERNAL;
    if (!rc) {
        pl->nsegs = n;
        pl->nwindows = q->nwindows;
        memcpy(pl->win_first, q->win_first, ((size_t)q->nwindows + 1) * sizeof *pl->win_first);
        for (int t = 0; t < n; t++)
            for (int j = 0; j < q->segs[t].nin; j++)
                if (q->segs[t].in[j].kind == PLAN_SEG)
                    nseg_out[q->segs[t].in[j].seg]++;
    }
    for (int i = 0; !rc && i < n; i++) {
        const plan_seg *qs = &q->segs[i];
        plan_seg *ps = &pl->segs[i];
        *ps = *qs;
        ps->in = dup_edges(qs->in, qs->nin, 0);
        ps->out = dup_edges(NULL, 0, nseg_out[i] + qs->nout);
        ps->nout = 0;
        if ((qs->nin && !ps->in) || (nseg_out[i] + qs->nout && !ps->out))
            rc = ERR_INTERNAL;
    }
    for (int t = 0; !rc && t < n; t++)
        for (int j = 0; j < q->segs[t].nin; j++) {
            const plan_edge *in = &q->segs[t].in[j];
            if (in->kind == PLAN_SEG) {
                plan_seg *from = &pl->segs[in->seg];
                from->out[from->nout++] = (plan_edge){.kind = PLAN_SEG, .seg = t, .dram = -1,
                                                      .layer = in->layer, .bytes = in->bytes};
            }
        }
    for (int i = 0; !rc && i < n; i++)
        for (int j = 0; j < q->segs[i].nout; j++)
            pl->segs[i].out[pl->segs[i].nout++] = q->segs[i].out[j];
    free(nseg_out);
    return rc;
}

int plan_build(const plat_t *p, const scn_t *scn, const sched_t *s, plan_t *pl, err_t *e)
{
    memset(pl, 0, sizeof *pl);
    plan_cache *c = plan_cache_new();
    const plan_t *q = NULL;
    int rc = c ? plan_lower(p, scn, s, c, &q, e) : err_internal(e, "out of memory building the plan");
    if (!rc && own(q, pl)) {
        plan_free(pl);
        rc = err_internal(e, "out of memory building the plan");
    }
    plan_cache_free(c);
    return rc;
}
