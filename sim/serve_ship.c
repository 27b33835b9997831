/* serve_ship.c - the KV-cache shipment of a disaggregated model, from the
 * chiplets its prefill wrote the cache on to those its decode reads it
 * from; see serve_int.h.
 *
 * Each b=kv layer's bytes go from the chiplet that runs the layer in the
 * schedule's windows to the one that runs it in [decode]; a split segment's
 * slices hold equal shares, each slice of one side sending an equal part
 * of its share to each slice of the other. Bytes between the same two
 * chiplets form one flow. All flows of a shipment start together at the end
 * of the prefill and share the NoP's links and ports max-min fairly: the
 * simulation's flow level (nop_flow.c), solved directly (fluid.h) since
 * nothing else moves in this model of the shipment. It ends when the last
 * flow is through and its route's latency has passed. */
#include <math.h>
#include <stdlib.h>
#include "fluid.h"
#include "nop.h"
#include "serve_int.h"

struct srv_ship {
    const plat_t *p;
    int nflows;
    int *from, *to;
    double *per_token;         /* bytes a cached token adds to each flow */
    int *first, *res;          /* fluid_problem's routes */
    double *latency_s, *cap;
};

void srv_ship_free(srv_ship *sh)
{
    if (!sh)
        return;
    free(sh->from);
    free(sh->to);
    free(sh->per_token);
    free(sh->first);
    free(sh->res);
    free(sh->latency_s);
    free(sh->cap);
    free(sh);
}

/* The segment of PT holding layer L, or -1. */
static int seg_of(const sched_part *pt, int l)
{
    for (int k = 0; pt && k < pt->nsegs; k++)
        if (pt->segs[k].first <= l && l <= pt->segs[k].last)
            return k;
    return -1;
}

/* Adds layer L's KV bytes per token (KV) to the chiplet pairs' volumes VOL. */
static void add_layer(const plat_t *p, const sched_t *s, int model, int l, double kv, double *vol)
{
    const sched_part *dp = sched_part_of(&s->decode, model), *pp = NULL;
    int pk = -1, dk = seg_of(dp, l);
    for (int w = 0; pk < 0 && w < s->nwindows; w++)
        pk = seg_of(pp = sched_part_of(&s->windows[w], model), l);
    int np = sched_seg_slices(pp, pk), nd = sched_seg_slices(dp, dk);
    for (int i = 0; i < np; i++)
        for (int j = 0; j < nd; j++)
            vol[(size_t)sched_seg_chiplet(pp, pk, i) * (size_t)p->nchiplets +
                sched_seg_chiplet(dp, dk, j)] += kv / (np * nd);
}

static int build(srv_ship *sh, const double *vol, err_t *e)
{
    const plat_t *p = sh->p;
    int nch = p->nchiplets, cap = nop_route_cap(p), n = 0;
    for (int i = 0; i < nch * nch; i++)
        n += vol[i] > 0;
    sh->from = malloc((size_t)n * sizeof *sh->from + 1);
    sh->to = malloc((size_t)n * sizeof *sh->to + 1);
    sh->per_token = malloc((size_t)n * sizeof *sh->per_token + 1);
    sh->latency_s = malloc((size_t)n * sizeof *sh->latency_s + 1);
    sh->first = malloc(((size_t)n + 1) * sizeof *sh->first);
    sh->res = malloc((size_t)n * (size_t)cap * sizeof *sh->res + 1);
    sh->cap = malloc((size_t)p->nlinks * sizeof *sh->cap + 1);
    if (!sh->from || !sh->to || !sh->per_token || !sh->latency_s || !sh->first || !sh->res ||
        !sh->cap)
        return err_internal(e, "out of memory");
    for (int l = 0; l < p->nlinks; l++)
        sh->cap[l] = p->links[l].bw;
    sh->first[0] = 0;
    for (int a = 0; a < nch; a++)
        for (int b = 0; b < nch; b++) {
            double v = vol[(size_t)a * (size_t)nch + b];
            if (v <= 0)
                continue;
            int f = sh->nflows++;
            sh->from[f] = a;
            sh->to[f] = b;
            sh->per_token[f] = v;
            int len = nop_route(p, a, b, sh->res + sh->first[f]);
            sh->latency_s[f] = nop_route_latency(p, sh->res + sh->first[f], len);
            sh->first[f + 1] = sh->first[f] + len;
        }
    return ERR_OK;
}

int srv_ship_new(const plat_t *p, const scn_t *scn, const sched_t *s, int model,
                 const double *kv_layers, srv_ship **out, err_t *e)
{
    srv_ship *sh = calloc(1, sizeof *sh);
    size_t nch = (size_t)p->nchiplets;
    double *vol = calloc(nch * nch, sizeof *vol);
    int rc = sh && vol ? ERR_OK : err_internal(e, "out of memory");
    if (!rc) {
        sh->p = p;
        for (int l = 0; l < scn->models[model].model.nlayers; l++)
            if (kv_layers[l] > 0)
                add_layer(p, s, model, l, kv_layers[l], vol);
        rc = build(sh, vol, e);
    }
    free(vol);
    if (rc) {
        srv_ship_free(sh);
        return rc;
    }
    *out = sh;
    return ERR_OK;
}

int srv_ship_cost(const srv_ship *sh, double tokens, double *time_s, double *energy_j, err_t *e)
{
    int n = sh->nflows;
    double *vol = malloc((size_t)n * sizeof *vol + 1), *fin = malloc((size_t)n * sizeof *fin + 1);
    if (!vol || !fin) {
        free(vol);
        free(fin);
        return err_internal(e, "out of memory");
    }
    for (int f = 0; f < n; f++)
        vol[f] = sh->per_token[f] * tokens;
    fluid_problem pb = {sh->p->nlinks, sh->cap, n, sh->first, sh->res, vol};
    int rc = fluid_solve(&pb, fin) ? err_internal(e, "out of memory") : ERR_OK;
    double t = 0, e_nop = 0, e_dram = 0;
    for (int f = 0; !rc && f < n; f++) {
        t = fmax(t, fin[f] + sh->latency_s[f]);
        nop_transfer_energy(sh->p, sh->from[f], sh->to[f], vol[f], &e_nop, &e_dram);
    }
    *time_s = t;
    *energy_j = e_nop + e_dram;
    free(vol);
    free(fin);
    return rc;
}
