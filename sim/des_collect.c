/* des_collect.c - what a finished run measured, as a res_result: per link
 * bytes, busy time, peak concurrency and load over time; per chiplet busy
 * time and energy, static included; per segment the service time the
 * closed form's Lat stands for; per model its latency and mini-batch
 * completions; the timeline. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cost.h"
#include "des_int.h"
#include "nop.h"

void des_seg_label(const des_ctx *c, int si, char *buf, size_t size)
{
    const plan_seg *ps = &c->pl->segs[si];
    const scn_model *m = &c->scn->models[ps->model];
    const wl_layer *ly = m->model.layers;
    int n = ps->first == ps->last
                ? snprintf(buf, size, "%s/%s", m->name, ly[ps->first].name)
                : snprintf(buf, size, "%s/%s..%s", m->name, ly[ps->first].name, ly[ps->last].name);
    if (n < 0 || (size_t)n >= size)
        buf[size - 2] = '~'; /* cut: say so rather than look complete */
}

typedef struct {
    int key;               /* link or chiplet */
    int delta;             /* +1 an interval opens, -1 it closes */
    double t;
} des_point;

static int point_before(const des_point *x, const des_point *y)
{
    if (x->key != y->key)
        return x->key < y->key;
    if (x->t != y->t)
        return x->t < y->t;
    return x->delta < y->delta; /* closings first: touching intervals do not overlap */
}

/* Where the ascending run of PT that starts at I ends. */
static long run_end(const des_point *pt, long i, long n)
{
    for (i++; i < n && !point_before(&pt[i], &pt[i - 1]); i++)
        ;
    return i;
}

static void merge(const des_point *a, long na, const des_point *b, long nb, des_point *out)
{
    long i = 0, j = 0;
    while (i < na && j < nb)
        *out++ = point_before(&b[j], &a[i]) ? b[j++] : a[i++];
    while (i < na)
        *out++ = a[i++];
    while (j < nb)
        *out++ = b[j++];
}

/* Sorts the N points of PT by key, time and closings first; TMP is scratch
   space as large, and the answer is in whichever of the two is returned.
   The points come in ascending runs (the transfers of one flow over one
   link, the computes of one segment), so merging neighbouring runs takes
   log2(runs) passes and no call per comparison, against qsort's log2(N)
   passes; this sort was most of the collection's time. */
static des_point *sort_points(des_point *pt, des_point *tmp, long n)
{
    for (;;) {
        long runs = 0;
        for (long i = 0; i < n; runs++) {
            long mid = run_end(pt, i, n), end = mid < n ? run_end(pt, mid, n) : n;
            merge(pt + i, mid - i, pt + mid, end - mid, tmp + i);
            i = end;
        }
        des_point *sorted = tmp;
        tmp = pt;
        pt = sorted;
        if (runs <= 1)
            return pt;
    }
}

/* Sweeps sorted points: per key, the time covered and the most open at once. */
static void sweep(const des_point *pt, long n, double *busy, int *peak)
{
    long i = 0;
    while (i < n) {
        int key = pt[i].key, open = 0, most = 0;
        double since = 0, covered = 0;
        for (; i < n && pt[i].key == key; i++) {
            if (pt[i].delta > 0 && open++ == 0)
                since = pt[i].t;
            if (pt[i].delta < 0 && --open == 0)
                covered += pt[i].t - since;
            if (open > most)
                most = open;
        }
        busy[key] = covered;
        if (peak)
            peak[key] = most;
    }
}

/* Spreads each transfer's bytes evenly over its interval into buckets. */
static void add_series(res_link *rl, double t0, double t1, double bytes)
{
    if (!(t1 > t0) || rl->nseries < 1)
        return;
    double bs = rl->bucket_s, rate = bytes / (t1 - t0);
    long b0 = (long)(t0 / bs), b1 = (long)(t1 / bs);
    if (b1 >= rl->nseries)
        b1 = rl->nseries - 1;
    for (long b = b0 < 0 ? 0 : b0; b <= b1; b++) {
        double lo = fmax(t0, (double)b * bs), hi = fmin(t1, (double)(b + 1) * bs);
        if (hi > lo)
            rl->series[b] += rate * (hi - lo);
    }
}

static int collect_links(const des_ctx *c, const eval_opts *o, res_result *r)
{
    const plat_t *p = c->p;
    long npt = 0;
    for (int i = 0; i < c->nflows; i++)
        if (c->flows[i].moved)
            npt += 2 * c->flows[i].n * c->flows[i].nroute;
    des_point *pt = malloc(((size_t)npt + 1) * sizeof *pt);
    des_point *tmp = malloc(((size_t)npt + 1) * sizeof *tmp);
    double *busy = calloc((size_t)p->nlinks + 1, sizeof *busy);
    int *peak = calloc((size_t)p->nlinks + 1, sizeof *peak);
    if (!pt || !tmp || !busy || !peak) {
        free(pt);
        free(tmp);
        free(busy);
        free(peak);
        return ERR_INTERNAL;
    }
    int nb = o->series_buckets > 0 ? o->series_buckets : DES_DEFAULT_BUCKETS;
    int rc = ERR_OK;
    for (int l = 0; l < p->nlinks && r->makespan_s > 0; l++) {
        res_link *rl = &r->links[l];
        rl->series = calloc((size_t)nb, sizeof *rl->series);
        if (!rl->series) {
            rc = ERR_INTERNAL;
            break;
        }
        rl->nseries = nb;
        rl->bucket_s = r->makespan_s / nb;
    }
    for (int i = 0; !rc && i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        for (long j = 0; f->moved && j < f->n; j++) {
            const des_xfer *x = &c->xfer[f->rec0 + j];
            for (int h = 0; h < f->nroute; h++) {
                int l = c->route[f->route0 + h];
                r->links[l].bytes += f->bytes;
                add_series(&r->links[l], x->start, x->end, f->bytes);
            }
        }
    }
    /* link by link within a flow: one ascending run per flow and link */
    long k = 0;
    for (int i = 0; !rc && i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        for (int h = 0; f->moved && h < f->nroute; h++)
            for (long j = 0; j < f->n; j++) {
                const des_xfer *x = &c->xfer[f->rec0 + j];
                int l = c->route[f->route0 + h];
                pt[k++] = (des_point){.key = l, .delta = 1, .t = x->start};
                pt[k++] = (des_point){.key = l, .delta = -1, .t = x->end};
            }
    }
    if (!rc)
        sweep(sort_points(pt, tmp, k), k, busy, peak);
    for (int l = 0; !rc && l < p->nlinks; l++) {
        res_link *rl = &r->links[l];
        rl->busy_s = busy[l];
        rl->peak_flows = peak[l];
        for (int b = 0; b < rl->nseries; b++)
            rl->series[b] /= p->links[l].bw * rl->bucket_s;
        if (p->links[l].is_dram)
            r->e_dram_j += nop_link_energy_j(p, l, rl->bytes);
        else
            r->e_nop_j += nop_link_energy_j(p, l, rl->bytes);
    }
    free(pt);
    free(tmp);
    free(busy);
    free(peak);
    return rc;
}

static int collect_chiplets(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    des_point *pt = malloc(((size_t)c->nmb * 2 + 1) * sizeof *pt);
    des_point *tmp = malloc(((size_t)c->nmb * 2 + 1) * sizeof *tmp);
    double *busy = calloc((size_t)c->p->nchiplets + 1, sizeof *busy);
    if (!pt || !tmp || !busy) {
        free(pt);
        free(tmp);
        free(busy);
        return ERR_INTERNAL;
    }
    long k = 0;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        res_chiplet *rc = &r->chiplets[ps->chiplet];
        for (long i = 0; i < ps->nminibatches; i++) {
            long m = c->seg[si].mb0 + i;
            if (c->ce[m] > c->cs[m]) {
                pt[k++] = (des_point){.key = ps->chiplet, .delta = 1, .t = c->cs[m]};
                pt[k++] = (des_point){.key = ps->chiplet, .delta = -1, .t = c->ce[m]};
            }
        }
        rc->wait_input_s += c->seg[si].wait_input_s;
        rc->wait_weight_s += c->seg[si].wait_weight_s;
        double n = (double)ps->nminibatches;
        rc->energy_j += (ps->e_mac_pj + ps->e_l1_pj + ps->e_l2_pj) * n * 1e-12;
        r->e_mac_j += ps->e_mac_pj * n * 1e-12;
        r->e_l1_j += ps->e_l1_pj * n * 1e-12;
        r->e_l2_j += ps->e_l2_pj * n * 1e-12;
    }
    sweep(sort_points(pt, tmp, k), k, busy, NULL);
    for (int ch = 0; ch < c->p->nchiplets; ch++)
        r->chiplets[ch].busy_s = busy[ch];
    free(pt);
    free(tmp);
    free(busy);
    return ERR_OK;
}

/* Mean over mini-batches of the span of a segment's flows of one direction
   (inputs: data in; outputs: writes to DRAM). */
static double mean_span(const des_ctx *c, const int *ids, int nids, long nmb, int drams_only)
{
    double sum = 0;
    for (long i = 0; i < nmb; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int k = 0; k < nids; k++) {
            const des_flow *f = &c->flows[ids[k]];
            if (!f->moved || i >= f->n || (drams_only && f->kind != FLOW_DRAM_OUT))
                continue;
            lo = fmin(lo, c->xfer[f->rec0 + i].start);
            hi = fmax(hi, des_arrival(c, f, i));
        }
        if (hi >= lo)
            sum += hi - lo;
    }
    return nmb > 0 ? sum / (double)nmb : 0;
}

static void collect_segments(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        const des_segrt *rt = &c->seg[si];
        res_seg *rs = &r->segs[si];
        double compute = 0, latency = 0, ws = c->win_start[ps->window];
        for (long i = 0; i < ps->nminibatches; i++) {
            /* from when both the segment and its producers' outputs were
               ready: the service time the closed form's Lat stands for, not
               the time mini-batch i queued behind i-1 */
            double ready = i > 0 ? fmax(ws, c->ce[rt->mb0 + i - 1]) : ws;
            for (int k = 0; k < rt->nin; k++) {
                const des_flow *f = &c->flows[c->ins[rt->in0 + k]];
                if (f->kind == FLOW_SEG && i < pl->segs[f->src].nminibatches)
                    ready = fmax(ready, c->ce[c->seg[f->src].mb0 + i]);
            }
            compute += c->ce[rt->mb0 + i] - c->cs[rt->mb0 + i];
            latency += c->ce[rt->mb0 + i] - ready;
        }
        double n = (double)ps->nminibatches;
        rs->compute_s = compute / n;
        rs->latency_s = latency / n;
        rs->in_comm_s = mean_span(c, c->ins + rt->in0, rt->nin, ps->nminibatches, 0);
        rs->out_comm_s = mean_span(c, c->outs + rt->out0, rt->nout, ps->nminibatches, 1);
        if (rt->weights >= 0) {
            const des_flow *f = &c->flows[rt->weights];
            double sum = 0;
            for (long i = 0; i < f->n; i++)
                sum += des_arrival(c, f, i) - c->xfer[f->rec0 + i].start;
            rs->weight_s = sum / (double)f->n;
        }
        rs->dram = ps->dram;
        rs->weight_bytes = ps->weight_bytes;
        rs->weights_streamed = !ps->resident;
        rs->wait_input_s = rt->wait_input_s;
        rs->wait_weight_s = rt->wait_weight_s;
    }
}

/* When mini-batch I of segment SI is done: computed and written out. */
static double seg_done(const des_ctx *c, int si, long i)
{
    const des_segrt *rt = &c->seg[si];
    double t = c->ce[rt->mb0 + i];
    for (int k = 0; k < rt->nout; k++) {
        const des_flow *f = &c->flows[c->outs[rt->out0 + k]];
        if (f->moved && i < f->n)
            t = fmax(t, des_arrival(c, f, i));
    }
    return t;
}

static int collect_models(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    double *first = malloc(((size_t)r->nmodels + 1) * sizeof *first);
    int *part0 = malloc(((size_t)pl->nwindows + 1) * sizeof *part0);
    if (!first || !part0) {
        free(first);
        free(part0);
        return ERR_INTERNAL;
    }
    for (int m = 0; m < r->nmodels; m++)
        first[m] = -1;
    for (int k = r->nparts - 1; k >= 0; k--)
        part0[r->parts[k].window] = k;
    int rc = ERR_OK;
    for (int si = 0; !rc && si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        res_part *rp = &r->parts[part0[ps->window] + ps->part];
        double ws = c->win_start[ps->window];
        rp->start_s = ws;
        rp->end_s = fmax(rp->end_s, seg_done(c, si, ps->nminibatches - 1));
        if (first[ps->model] < 0)
            first[ps->model] = ws;
        /* a part's segments are consecutive; its last one ends the model's layer range */
        int last = si + 1 == pl->nsegs || pl->segs[si + 1].window != ps->window ||
                   pl->segs[si + 1].part != ps->part;
        if (!last)
            continue;
        res_model *rm = &r->models[ps->model];
        size_t n = (size_t)rm->nminibatches + (size_t)ps->nminibatches;
        double *grown = realloc(rm->minibatch_done_s, n * sizeof *grown);
        if (!grown) {
            rc = ERR_INTERNAL;
            break;
        }
        rm->minibatch_done_s = grown;
        for (long i = 0; i < ps->nminibatches; i++) { /* split: when its last slice is done */
            double t = 0;
            for (int q = si - ps->slice; q <= si; q++)
                t = fmax(t, seg_done(c, q, i));
            rm->minibatch_done_s[rm->nminibatches++] = t;
        }
    }
    for (int k = 0; !rc && k < r->nparts; k++) {
        res_model *rm = &r->models[r->parts[k].model];
        if (first[r->parts[k].model] >= 0)
            rm->latency_s = fmax(rm->latency_s, r->parts[k].end_s - first[r->parts[k].model]);
    }
    free(first);
    free(part0);
    return rc;
}

static const char *flow_what(flow_kind k)
{
    static const char *const what[] = {"in", "dram-in", "gather", "weights", "out"};
    return what[k];
}

/* Event EV's name as printf makes it, cut with a mark rather than look complete. */
static void event_name(res_event *ev, int n)
{
    if (n < 0 || (size_t)n >= sizeof ev->name)
        ev->name[sizeof ev->name - 2] = '~';
}

/* SHARE[k]: the cycles of segment PS's k-th layer on its chiplet at its
   mini-batch, as the cost model gives them; returns their sum. */
static double layer_cycles(const des_ctx *c, const plan_seg *ps, double *share)
{
    const scn_model *sm = &c->scn->models[ps->model];
    double total = 0;
    for (int k = 0; k <= ps->last - ps->first; k++) {
        cost_t ct;
        cost_layer(&c->p->chiplets[ps->chiplet], &sm->model.layers[ps->first + k],
                   sm->model.elem_bytes, ps->minibatch, &ct);
        share[k] = ct.cycles;
        total += ct.cycles;
    }
    return total;
}

/* The layers' slices inside the compute slice r->events[PARENT] of segment
   PS on mini-batch MB: the slice split in proportion to SHARE (of TOTAL). */
static int layer_events(const des_ctx *c, const plan_seg *ps, int parent, long mb,
                        const double *share, double total, res_result *r)
{
    const scn_model *sm = &c->scn->models[ps->model];
    int nl = ps->last - ps->first + 1;
    double t = r->events[parent].start_s, dur = r->events[parent].dur_s, done = 0;
    for (int k = 0; k < nl; k++) {
        /* cumulative, so that the last ends where the segment does */
        double f0 = total > 0 ? done / total : (double)k / nl;
        done += share[k];
        double f1 = k == nl - 1 ? 1 : total > 0 ? done / total : (double)(k + 1) / nl;
        res_event ev = {.kind = RES_EV_LAYER, .track = ps->chiplet, .parent = parent,
                        .start_s = t + f0 * dur, .dur_s = (f1 - f0) * dur};
        event_name(&ev, snprintf(ev.name, sizeof ev.name, "%s/%s/mb%ld", sm->name,
                                 sm->model.layers[ps->first + k].name, mb));
        if (res_add_event(r, &ev))
            return ERR_INTERNAL;
    }
    return ERR_OK;
}

static int collect_events(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    char label[128];
    int most = 1;
    for (int si = 0; si < pl->nsegs; si++)
        if (pl->segs[si].last - pl->segs[si].first + 1 > most)
            most = pl->segs[si].last - pl->segs[si].first + 1;
    double *share = malloc((size_t)most * sizeof *share);
    if (!share)
        return ERR_INTERNAL;
    for (int si = 0; si < pl->nsegs; si++) {
        des_seg_label(c, si, label, sizeof label);
        double total = layer_cycles(c, &pl->segs[si], share);
        for (long i = 0; i < pl->segs[si].nminibatches; i++) {
            long m = c->seg[si].mb0 + i;
            res_event ev = {.kind = RES_EV_COMPUTE, .track = pl->segs[si].chiplet, .parent = -1,
                            .start_s = c->cs[m], .dur_s = c->ce[m] - c->cs[m]};
            event_name(&ev, snprintf(ev.name, sizeof ev.name, "%s/mb%ld", label, i));
            if (res_add_event(r, &ev) ||
                layer_events(c, &pl->segs[si], r->nevents - 1, i, share, total, r)) {
                free(share);
                return ERR_INTERNAL;
            }
        }
    }
    free(share);
    for (int fi = 0; fi < c->nflows; fi++) {
        const des_flow *f = &c->flows[fi];
        if (!f->moved)
            continue;
        des_seg_label(c, f->dst >= 0 ? f->dst : f->src, label, sizeof label);
        for (long i = 0; i < f->n; i++) {
            const des_xfer *x = &c->xfer[f->rec0 + i];
            for (int h = 0; h < f->nroute; h++) {
                res_event ev = {.kind = RES_EV_TRANSFER, .track = c->route[f->route0 + h],
                                .parent = -1, .start_s = x->start, .dur_s = x->end - x->start,
                                .bytes = f->bytes};
                event_name(&ev, snprintf(ev.name, sizeof ev.name, "%s/mb%ld %s", label, i,
                                         flow_what(f->kind)));
                if (res_add_event(r, &ev))
                    return ERR_INTERNAL;
            }
        }
    }
    return ERR_OK;
}

/* The powered chiplets' static power over the simulated makespan, as the
   closed form counts it over its own. */
static int collect_static(const des_ctx *c, res_result *r)
{
    double *powered_w = malloc(((size_t)c->p->nchiplets + 1) * sizeof *powered_w);
    if (!powered_w)
        return ERR_INTERNAL;
    plan_static_power(c->p, c->pl, powered_w);
    res_add_static(r, powered_w);
    free(powered_w);
    return ERR_OK;
}

int des_collect(const des_ctx *c, res_result *r, err_t *e)
{
    const plan_t *pl = c->pl;
    r->makespan_s = pl->nwindows > 0 ? c->win_end[pl->nwindows - 1] : 0;
    for (int w = 0; w < pl->nwindows; w++)
        r->window_s[w] = c->win_end[w] - c->win_start[w];
    collect_segments(c, r);
    if (collect_links(c, c->o, r) || collect_chiplets(c, r) || collect_models(c, r) ||
        collect_static(c, r) || (c->o->timeline && collect_events(c, r)))
        return err_internal(e, "out of memory collecting the simulation's figures");
    return ERR_OK;
}

/* What compare gives as the cause of a gap: the other segments on each
   segment's chiplet, and the most utilised link on its input routes (ties:
   the first on the first route). Needs R's utilisations (res_finish). */
int des_input_causes(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    int *route = malloc((size_t)nop_route_cap(c->p) * sizeof *route);
    if (!route)
        return ERR_INTERNAL;
    for (int i = 0; i < pl->nsegs; i++) {
        const plan_seg *ps = &pl->segs[i];
        res_seg *rs = &r->segs[i];
        rs->shared = 0;
        for (int k = pl->win_first[ps->window]; k < pl->win_first[ps->window + 1]; k++)
            rs->shared += k != i && pl->segs[k].chiplet == ps->chiplet;
        double best_u = 0;
        rs->busiest_in = -1;
        for (int j = 0; j < ps->nin; j++) {
            const plan_edge *ed = &ps->in[j];
            int from = ed->kind == PLAN_SEG ? pl->segs[ed->seg].chiplet
                                            : nop_dram_endpoint(c->p, ed->dram);
            int k = nop_route(c->p, from, ps->chiplet, route);
            for (int q = 0; q < k; q++)
                if (r->links[route[q]].utilization > best_u) {
                    best_u = r->links[route[q]].utilization;
                    rs->busiest_in = route[q];
                }
        }
    }
    free(route);
    return ERR_OK;
}
