/* estimate.c - the closed-form evaluation of a schedule; see estimate.h.
 *
 * One addition to SCAR's model: a chiplet shared by several segments in a
 * window cannot finish before it has computed all of them, so a window lasts
 * at least as long as its busiest chiplet's compute. Without it a schedule
 * that stacks segments on one chiplet would look free.
 *
 * The slices of a split segment run side by side: in the pipeline the
 * segment counts as its slowest slice (each slice's Lat has its own
 * compute, gather or reduction inputs, and weights). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "nop.h"

/* Adds BYTES moved N times from endpoint FROM to endpoint TO (nop.h) to
   the energy and, when R is not NULL, to the links of its route (ROUTE is
   scratch space of nop_route_cap). */
static void account(const plat_t *p, res_result *r, int *route, int from, int to, double bytes,
                    double n, double *e_nop, double *e_dram)
{
    nop_transfer_energy(p, from, to, bytes * n, e_nop, e_dram);
    if (!r)
        return;
    int k = nop_route(p, from, to, route);
    for (int i = 0; i < k; i++)
        r->links[route[i]].bytes += bytes * n;
}

/* Fills R (when not NULL) and returns makespan, energy and (when MODEL_LAT
   is not NULL) each model's latency; energy includes the static power of
   the chiplets the package powers over the makespan. SCRATCH holds
   est_scratch_len doubles;
   ROUTE, needed with R, nop_route_cap ints. */
static void evaluate(const plat_t *p, const scn_t *scn, const plan_t *pl, res_result *r,
                     double *scratch, int *route, double *makespan, double *energy,
                     double *model_lat)
{
    double e_nop = 0, e_dram = 0, e_mac = 0, e_l1 = 0, e_l2 = 0, t = 0;
    double *model_start = scratch, *model_end = scratch + scn->nmodels;
    double *chip_busy = scratch + 2 * scn->nmodels;
    int np = 0;
    for (int m = 0; m < scn->nmodels; m++)
        model_start[m] = -1, model_end[m] = 0;
    for (int w = 0; w < pl->nwindows; w++) {
        double win = 0;
        memset(chip_busy, 0, (size_t)p->nchiplets * sizeof(double));
        int i = pl->win_first[w];
        while (i < pl->win_first[w + 1]) {
            /* one part: consecutive segments of one model */
            int part = pl->segs[i].part;
            double sum = 0, max = 0, preload = 0, slowest = 0; /* of the current segment's slices */
            double n = (double)pl->segs[i].nminibatches;
            int model = pl->segs[i].model;
            for (; i < pl->win_first[w + 1] && pl->segs[i].part == part; i++) {
                const plan_seg *ps = &pl->segs[i];
                int c = ps->chiplet;
                double in = 0, out = 0;
                if (ps->slice == 0) {
                    sum += slowest;
                    slowest = 0;
                }
                int dram = nop_dram_endpoint(p, ps->dram);
                for (int j = 0; j < ps->nin; j++) {
                    const plan_edge *ed = &ps->in[j];
                    int from = ed->kind == PLAN_SEG ? pl->segs[ed->seg].chiplet
                                                    : nop_dram_endpoint(p, ed->dram);
                    in += nop_transfer_s(p, from, c, ed->bytes);
                    account(p, r, route, from, c, ed->bytes, n, &e_nop, &e_dram);
                }
                if (ps->gather_bytes > 0) {
                    in += nop_transfer_s(p, dram, c, ps->gather_bytes);
                    account(p, r, route, dram, c, ps->gather_bytes, n, &e_nop, &e_dram);
                }
                for (int j = 0; j < ps->nout; j++)
                    if (ps->out[j].kind == PLAN_DRAM) {
                        int to = nop_dram_endpoint(p, ps->out[j].dram);
                        out += nop_transfer_s(p, c, to, ps->out[j].bytes);
                        account(p, r, route, c, to, ps->out[j].bytes, n, &e_nop, &e_dram);
                    }
                double wt = ps->weight_bytes > 0 ? nop_transfer_s(p, dram, c, ps->weight_bytes) : 0;
                account(p, r, route, dram, c, ps->weight_bytes, ps->resident ? 1 : n, &e_nop, &e_dram);
                double lat = in + ps->compute_s + out + (ps->resident ? 0 : wt);
                if (ps->resident && wt > preload)
                    preload = wt;
                if (lat > slowest)
                    slowest = lat;
                if (lat > max)
                    max = lat;
                chip_busy[c] += ps->compute_s * n;
                e_mac += ps->e_mac_pj * n * 1e-12;
                e_l1 += ps->e_l1_pj * n * 1e-12;
                e_l2 += ps->e_l2_pj * n * 1e-12;
                if (r) {
                    res_seg *rs = &r->segs[i];
                    rs->dram = ps->dram;
                    rs->compute_s = ps->compute_s;
                    rs->in_comm_s = in;
                    rs->out_comm_s = out;
                    rs->weight_s = wt;
                    rs->latency_s = lat;
                    rs->weight_bytes = ps->weight_bytes;
                    rs->weights_streamed = !ps->resident;
                    r->chiplets[c].busy_s += ps->compute_s * n;
                    r->chiplets[c].energy_j += (ps->e_mac_pj + ps->e_l1_pj + ps->e_l2_pj) * n * 1e-12;
                }
            }
            sum += slowest;
            double pipe = preload + sum + (n - 1) * max;
            if (pipe > win)
                win = pipe;
            if (model_start[model] < 0)
                model_start[model] = t;
            model_end[model] = t + pipe;
            if (r) {
                r->parts[np].start_s = t;
                r->parts[np].end_s = t + pipe;
            }
            np++;
        }
        for (int c = 0; c < p->nchiplets; c++)
            if (chip_busy[c] > win)
                win = chip_busy[c];
        if (r)
            r->window_s[w] = win;
        t += win;
    }
    double *powered_w = chip_busy + p->nchiplets;
    double e_static = plan_static_power(p, pl, powered_w) * t;
    *makespan = t;
    *energy = e_mac + e_l1 + e_l2 + e_nop + e_dram + e_static;
    for (int m = 0; model_lat && m < scn->nmodels; m++)
        model_lat[m] = model_end[m] - model_start[m];
    if (r) {
        r->makespan_s = t;
        r->e_mac_j = e_mac, r->e_l1_j = e_l1, r->e_l2_j = e_l2;
        r->e_nop_j = e_nop, r->e_dram_j = e_dram;
        for (int m = 0; m < scn->nmodels; m++)
            r->models[m].latency_s = model_end[m] - model_start[m];
        for (int l = 0; l < p->nlinks; l++)
            r->links[l].busy_s = r->links[l].bytes / p->links[l].bw;
        res_add_static(r, powered_w);
        res_finish(r, scn);
    }
}

static int est_scratch_len(const plat_t *p, const scn_t *scn)
{
    return 2 * scn->nmodels + 2 * p->nchiplets;
}

int est_evaluate(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const eval_opts *o, res_result *r, err_t *e)
{
    (void)o; /* the closed form has no options */
    plan_t own = {0};
    int rc = ERR_OK;
    if (!pl && !(rc = plan_build(p, scn, s, &own, e)))
        pl = &own;
    if (rc)
        return rc;
    double *scratch = malloc((size_t)est_scratch_len(p, scn) * sizeof *scratch);
    int *route = malloc((size_t)nop_route_cap(p) * sizeof *route);
    if (!scratch || !route || res_init(r, p, scn, s)) {
        rc = err_internal(e, "out of memory");
    } else {
        double mk, en;
        evaluate(p, scn, pl, r, scratch, route, &mk, &en, NULL);
    }
    free(scratch);
    free(route);
    plan_free(&own);
    return rc;
}

int est_run(const plat_t *p, const scn_t *scn, const sched_t *s, res_result *r, err_t *e)
{
    return est_evaluate(p, scn, s, NULL, NULL, r, e);
}

int est_quick(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *cache,
              double *makespan_s, double *energy_j, double *model_lat, err_t *e)
{
    plan_cache *own = cache ? NULL : plan_cache_new();
    plan_cache *c = cache ? cache : own;
    const plan_t *pl = NULL;
    int rc = c ? plan_lower(p, scn, s, c, &pl, e) : err_internal(e, "out of memory");
    double *scratch = rc ? NULL : plan_cache_scratch(c, est_scratch_len(p, scn));
    if (!rc && !scratch)
        rc = err_internal(e, "out of memory");
    if (!rc)
        evaluate(p, scn, pl, NULL, scratch, NULL, makespan_s, energy_j, model_lat);
    plan_cache_free(own);
    return rc;
}
