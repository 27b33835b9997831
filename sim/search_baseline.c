/* search_baseline.c - the field's baselines as schedules (search.h):
 * monolithic-os, standalone and Simba-like, each model's mini-batch chosen
 * for the objective. */
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "search_int.h"

static const char *const base_names[] = {"monolithic-os", "standalone", "simba"};

int search_baseline_parse(const char *name)
{
    return srch_lookup(base_names, 3, name);
}

const char *search_baseline_name(search_base b)
{
    return b >= 0 && b <= BASE_SIMBA ? base_names[b] : "?";
}

/* A part alone as the search ranks it: its latency is the makespan. */
static search_point base_point(const srch_part *pt)
{
    return (search_point){pt->lat_s, pt->energy_j, pt->lat_s};
}

/* Whether part A serves the objective better than B (ties broken on the
   other figures). */
static int base_better(const srch_state *x, const srch_part *a, const srch_part *b)
{
    search_point pa = base_point(a), pb = base_point(b);
    return search_cmp(x->o->objective, &pa, &pb) < 0;
}

/* The mini-batch that serves the objective best for model M on the chiplets ORD. */
static int base_best_part(srch_state *x, int m, const int *ord, int k, srch_part *best)
{
    srch_part pt = {.segs = x->segs};
    for (int bi = 0; bi < x->models[m].nmbs; bi++) {
        srch_cut(x, m, ord, k, bi, &pt);
        int rc = srch_eval_part(x, m, ord, k, &pt);
        if (rc)
            return rc;
        if (bi == 0 || base_better(x, &pt, best))
            srch_part_copy(best, &pt);
    }
    return ERR_OK;
}

/* The whole chip runs one model after another, layer by layer. */
static int base_monolithic(srch_state *x, srch_part *parts)
{
    if (x->N != 1)
        return err_input(x->e, "baseline monolithic-os needs a one-chip platform such as "
                               "platforms/mono-os.ini; %s has %d chiplets", x->p->name, x->N);
    int chip = 0, rc = ERR_OK;
    for (int m = 0; !rc && m < x->M; m++)
        rc = base_best_part(x, m, &chip, 1, &parts[m]);
    return rc;
}

/* Each model alone on one chiplet, no layer pipelining; the models with the
   most work choose their chiplet first. PARTS[M] is scratch. */
static int base_standalone(srch_state *x, srch_part *parts)
{
    if (x->M > x->N)
        return err_input(x->e, "baseline standalone needs a chiplet per model: %d models, %d chiplets",
                         x->M, x->N);
    int *taken = x->alloc, *order = x->pick, rc = ERR_OK; /* the state's scratch */
    memset(taken, 0, (size_t)x->N * sizeof *taken);
    srch_by_work(x, order);
    for (int i = 0; !rc && i < x->M; i++) {
        int m = order[i], pick = -1;
        for (int c = 0; !rc && c < x->N; c++) {
            if (taken[c] || (rc = base_best_part(x, m, &c, 1, &parts[x->M])))
                continue;
            if (pick < 0 || base_better(x, &parts[x->M], &parts[m])) {
                srch_part_copy(&parts[m], &parts[x->M]);
                pick = c;
            }
        }
        if (pick >= 0)
            taken[pick] = 1;
    }
    return rc;
}

/* Simba-like: chiplets shared out in proportion to work, each model's
   layers pipelined over its block in mesh order. */
static int base_simba(srch_state *x, srch_part *parts)
{
    if (x->M > x->N)
        return err_input(x->e, "baseline simba needs a chiplet per model: %d models, %d chiplets",
                         x->M, x->N);
    int *alloc = x->alloc, *ord = x->list, rc = ERR_OK; /* the state's scratch */
    srch_proportional_allocation(x, alloc);
    for (int m = 0; !rc && m < x->M; m++) {
        int k = 0;
        for (int i = 0; i < x->nsnake; i++)
            if (alloc[x->snake[i]] == m + 1)
                ord[k++] = x->snake[i];
        rc = base_best_part(x, m, ord, k, &parts[m]);
    }
    return rc;
}

/* The whole schedule's figures with PARTS (PP: room for M pointers). */
static int base_schedule_point(srch_state *x, const srch_part *parts, const srch_part **pp,
                               int separate, search_point *pt)
{
    srch_worker *w = &x->wk[0];
    for (int m = 0; m < x->M; m++)
        pp[m] = &parts[m];
    sched_t s = srch_assemble(w, pp, x->M, separate);
    double mk, en;
    int rc = est_quick(x->p, x->scn, &s, w->cache, &mk, &en, w->lat, x->e);
    *pt = srch_point(x, mk, en, w->lat);
    return rc;
}

/* Each model's mini-batch chosen again, the others fixed, on the whole
   schedule's figures (search_cmp): a model whose time does not set the
   makespan then takes, under the throughput objective, the mini-batch of
   least energy among those that keep the makespan, not the one that is
   fastest alone. PARTS[M] is scratch. */
static int base_refine(srch_state *x, srch_part *parts, const srch_part **pp, int separate)
{
    search_point cur, pt;
    int rc = base_schedule_point(x, parts, pp, separate, &cur);
    for (int m = 0; !rc && m < x->M; m++) {
        int k = parts[m].nsegs;
        for (int i = 0; i < k; i++)
            x->list[i] = parts[m].segs[i].chiplet;
        for (int bi = 0; !rc && bi < x->models[m].nmbs; bi++) {
            srch_part_copy(&parts[x->M], &parts[m]);
            srch_cut(x, m, x->list, k, bi, &parts[m]);
            rc = base_schedule_point(x, parts, pp, separate, &pt);
            if (!rc && search_cmp(x->o->objective, &pt, &cur) < 0)
                cur = pt;
            else
                srch_part_copy(&parts[m], &parts[x->M]);
        }
    }
    return rc;
}

int search_baseline(const plat_t *p, const scn_t *scn, search_base kind, const search_opts *o,
                    sched_t *out, err_t *e)
{
    srch_state x;
    search_opts so = *o;
    so.validate = 1;
    so.jobs = 1; /* a baseline makes few estimates, one at a time */
    memset(out, 0, sizeof *out);
    int rc = srch_setup(&x, p, scn, &so, e);
    /* M parts and one of scratch, each with room for as many segments as
       there are chiplets or layers */
    size_t cap = 0;
    for (int m = 0; !rc && m < x.M; m++)
        if ((size_t)scn->models[m].model.nlayers > cap)
            cap = (size_t)scn->models[m].model.nlayers;
    cap = cap < (size_t)x.N ? cap : (size_t)x.N;
    srch_part *parts = rc ? NULL : calloc((size_t)x.M + 1, sizeof *parts);
    sched_seg *segs = rc ? NULL : malloc(((size_t)x.M + 1) * cap * sizeof *segs);
    const srch_part **pp = rc ? NULL : malloc((size_t)x.M * sizeof *pp);
    if (!rc && (!parts || !segs || !pp))
        rc = err_internal(e, "out of memory");
    for (int m = 0; !rc && m <= x.M; m++)
        parts[m].segs = &segs[(size_t)m * cap];
    if (!rc)
        rc = kind == BASE_MONOLITHIC ? base_monolithic(&x, parts)
             : kind == BASE_STANDALONE ? base_standalone(&x, parts)
                                       : base_simba(&x, parts);
    if (!rc)
        rc = base_refine(&x, parts, pp, kind == BASE_MONOLITHIC);
    if (!rc) {
        for (int m = 0; m < x.M; m++)
            pp[m] = &parts[m];
        sched_t s = srch_assemble(&x.wk[0], pp, x.M, kind == BASE_MONOLITHIC);
        if (sched_copy(out, &s))
            rc = err_internal(e, "out of memory");
    }
    free(parts);
    free(segs);
    free(pp);
    srch_teardown(&x);
    return rc;
}
