/* search.c - the outer scheduler's public side (search.h): options and
 * names, the phases of a search in order, and the validation of the best
 * candidates by simulation. The space and its pieces are in search_space.c,
 * the window structures in search_windows.c, the allocation strategies in
 * strategy_*.c (the table below), the baselines in search_baseline.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "estimate.h"
#include "runner.h"
#include "search_int.h"

/* ---- options and names ---- */

static const char *const obj_names[] = {"latency", "throughput", "energy", "edp"};

/* The strategies --strategy names; "auto" chooses among them (srch_setup). */
static const srch_strategy *const strategies[] = {&srch_exhaustive, &srch_anneal, &srch_ea,
                                                  &srch_nsga2};
#define NSTRATEGIES (int)(sizeof strategies / sizeof strategies[0])

void search_defaults(search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->objective = OBJ_EDP;
    o->validate = 8;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = n > 0 ? (int)n : 1;
    o->seed = 1;
    o->max_exhaustive = 20000;
    o->anneal_steps = 1500;
    o->strategy = "auto";
    o->population = 10;
    o->generations = 4;
    o->objectives[0] = OBJ_LATENCY;
    o->objectives[1] = OBJ_ENERGY;
}

int srch_lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int search_objective_parse(const char *name)
{
    return srch_lookup(obj_names, 4, name);
}

const char *search_objective_name(search_objective o)
{
    return o >= 0 && o <= OBJ_EDP ? obj_names[o] : "?";
}

/* latency: the mean model latency; throughput: all samples over the makespan
   (so its score is the makespan); energy; EDP = makespan x energy. */
double search_score(search_objective o, const search_point *pt)
{
    switch (o) {
    case OBJ_LATENCY: return pt->latency_s;
    case OBJ_THROUGHPUT: return pt->makespan_s;
    case OBJ_ENERGY: return pt->energy_j;
    case OBJ_EDP: break;
    }
    return pt->makespan_s * pt->energy_j;
}

/* The figure each objective ranks by, in the order ties are broken. */
static double cmp_figure(int k, const search_point *pt)
{
    static const search_objective tie_order[] = {OBJ_THROUGHPUT, OBJ_ENERGY, OBJ_LATENCY};
    return search_score(tie_order[k], pt);
}

int search_cmp(search_objective o, const search_point *a, const search_point *b)
{
    double sa = search_score(o, a), sb = search_score(o, b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    for (int k = 0; k < 3; k++) {
        double fa = cmp_figure(k, a), fb = cmp_figure(k, b);
        if (fa != fb)
            return fa < fb ? -1 : 1;
    }
    return 0;
}

int search_objectives_parse(const char *text, search_objective out[2], err_t *e)
{
    const char *comma = strchr(text, ',');
    char first[16];
    size_t n = comma ? (size_t)(comma - text) : 0;
    if (comma && n < sizeof first) {
        memcpy(first, text, n);
        first[n] = 0;
        int a = search_objective_parse(first), b = search_objective_parse(comma + 1);
        if (a >= 0 && b >= 0 && a != b) {
            out[0] = (search_objective)a;
            out[1] = (search_objective)b;
            return ERR_OK;
        }
    }
    return err_input(e, "--objectives: '%s' is not two different objectives A,B among latency, "
                        "throughput, energy and edp", text);
}

const srch_strategy *srch_strategy_find(const char *name)
{
    for (int i = 0; i < NSTRATEGIES; i++)
        if (strcmp(name, strategies[i]->name) == 0)
            return strategies[i];
    return NULL;
}

int search_strategy_check(const char *name, err_t *e)
{
    if (strcmp(name, "auto") == 0 || srch_strategy_find(name))
        return ERR_OK;
    char names[256] = "auto";
    for (int i = 0; i < NSTRATEGIES; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s %s",
                 i + 1 < NSTRATEGIES ? "," : " or", strategies[i]->name);
    return err_input(e, "--strategy: '%s' is not %s", name, names);
}

/* ---- validation by simulation ---- */

/* The figures a search ranks by, from a full result. */
static search_point point_of(const res_result *r)
{
    search_point pt = {r->makespan_s, r->energy_j, 0};
    for (int m = 0; m < r->nmodels; m++)
        pt.latency_s += r->models[m].latency_s / r->nmodels;
    return pt;
}

/* Simulates the kept candidates, -j at a time, each in a worker of its own;
   the best simulated one is *WIN (-1 if none ran) and its full result is
   R's sim: it is not simulated again. */
static int validate(const plat_t *p, const scn_t *scn, const srch_state *x, const search_opts *o,
                    search_result *r, int *win, err_t *e)
{
    run_job *jobs = calloc((size_t)x->ntop + 1, sizeof *jobs);
    if (!jobs)
        return err_internal(e, "out of memory");
    const evaluator *sim = eval_find("simulate");
    eval_opts eo = {.nop = o->nop};
    for (int i = 0; i < x->ntop; i++)
        jobs[i] = (run_job){.p = p, .scn = scn, .s = &x->top[i], .ev = sim, .opts = &eo};
    int rc = runner_run(jobs, x->ntop, o->jobs > 0 ? o->jobs : 1, e);
    r->simulated = x->ntop;
    double best = INFINITY;
    *win = -1;
    for (int i = 0; i < x->ntop; i++) {
        r->val_ok[i] = jobs[i].rc == ERR_OK;
        if (!r->val_ok[i]) {
            r->val_err[i] = jobs[i].err;
            continue;
        }
        r->val_sim[i] = point_of(&jobs[i].r);
        if (search_score(o->objective, &r->val_sim[i]) < best) {
            best = search_score(o->objective, &r->val_sim[i]);
            *win = i;
        }
    }
    if (*win >= 0) {
        r->sim = jobs[*win].r; /* ownership moves */
        memset(&jobs[*win].r, 0, sizeof jobs[*win].r);
    }
    for (int i = 0; i < x->ntop; i++)
        res_free(&jobs[i].r);
    free(jobs);
    return rc;
}

static double kendall_tau(const double *a, const double *b, const int *ok, int n)
{
    double conc = 0, disc = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (!ok[i] || !ok[j])
                continue;
            double s = (a[i] - a[j]) * (b[i] - b[j]);
            conc += s > 0;
            disc += s < 0;
        }
    return conc + disc > 0 ? (conc - disc) / (conc + disc) : 1;
}

/* ---- the search ---- */

/* Pareto points in order of makespan (no two are equal on both axes). */
static int by_makespan(const void *a, const void *b)
{
    const search_point *x = a, *y = b;
    if (x->makespan_s != y->makespan_s)
        return x->makespan_s < y->makespan_s ? -1 : 1;
    return (x->energy_j > y->energy_j) - (x->energy_j < y->energy_j);
}

int search_run(const plat_t *p, const scn_t *scn, const search_opts *o, search_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    srch_state x;
    int rc = srch_setup(&x, p, scn, o, e);
    x.t0 = x.last_progress = srch_now_s();
    const srch_strategy *used = rc ? NULL : x.strategy;
    if (!rc && used->whole)
        rc = used->whole(&x);
    else if (!rc) {
        rc = srch_sequential(&x);
        if (!rc)
            rc = srch_one_window(&x);
        if (!rc)
            rc = srch_packings(&x);
    }
    if (!rc && x.ntop == 0)
        rc = err_input(e, "no schedule found");
    if (!rc)
        rc = srch_space_size(&x, &r->space);
    if (used) {
        r->strategy = used->name;
        r->method = used->method;
        r->exhaustive = used == &srch_exhaustive;
    }
    r->allocations = x.allocations;
    r->estimated = x.estimated;
    srch_team_stop(&x); /* no thread but this one when the simulations fork */
    /* validate */
    if (!rc) {
        r->nvalid = x.ntop;
        r->val_est = calloc((size_t)x.ntop, sizeof *r->val_est);
        r->val_sim = calloc((size_t)x.ntop, sizeof *r->val_sim);
        r->val_ok = calloc((size_t)x.ntop, sizeof *r->val_ok);
        r->val_err = calloc((size_t)x.ntop, sizeof *r->val_err);
        if (!r->val_est || !r->val_sim || !r->val_ok || !r->val_err)
            rc = err_internal(e, "out of memory");
    }
    int win = 0;
    if (!rc) {
        memcpy(r->val_est, x.top_pt, (size_t)x.ntop * sizeof *r->val_est);
        if (o->no_simulate) {
            for (int i = 0; i < x.ntop; i++)
                r->val_ok[i] = 0;
        } else {
            rc = validate(p, scn, &x, o, r, &win, e);
            if (!rc && win < 0)
                rc = err_input(e, "none of the %d best candidates could be simulated", x.ntop);
            double *a = calloc((size_t)x.ntop + 1, sizeof *a), *b = calloc((size_t)x.ntop + 1, sizeof *b);
            for (int i = 0; a && b && i < x.ntop; i++) {
                a[i] = search_score(o->objective, &r->val_est[i]);
                b[i] = search_score(o->objective, &r->val_sim[i]);
            }
            r->rank_agreement = a && b ? kendall_tau(a, b, r->val_ok, x.ntop) : 0;
            free(a);
            free(b);
        }
    }
    if (!rc && sched_copy(&r->best, &x.top[win]))
        rc = err_internal(e, "out of memory");
    if (!rc)
        rc = est_run(p, scn, &r->best, &r->est, e);
    if (!rc) {
        qsort(x.pareto, (size_t)x.npareto, sizeof *x.pareto, by_makespan);
        r->npareto = x.npareto;
        r->pareto = x.pareto;
        x.pareto = NULL;
    }
    r->wall_s = srch_now_s() - x.t0;
    srch_teardown(&x);
    if (rc)
        search_result_free(r);
    return rc;
}

void search_result_free(search_result *r)
{
    sched_free(&r->best);
    res_free(&r->est);
    res_free(&r->sim);
    free(r->val_est);
    free(r->val_sim);
    free(r->val_ok);
    free(r->val_err);
    free(r->pareto);
    memset(r, 0, sizeof *r);
}
