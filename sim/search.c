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

/* The allocation strategies --strategy names; "auto" chooses among them. */
static const srch_strategy *const strategies[] = {&srch_exhaustive, &srch_anneal};
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

/* The validations as they end, for the progress line. */
typedef struct {
    srch_state *x;
    const run_job *jobs;
    double best;
} val_watch;

/* The line of the validations: how many are done, the best simulated score. */
static void val_show(val_watch *w, int ndone)
{
    srch_state *x = w->x;
    char stage[64], fig[96];
    snprintf(stage, sizeof stage, "simulating the %d best", x->ntop);
    if (isfinite(w->best))
        snprintf(fig, sizeof fig, "%d of %d simulated, best %s %.4g (simulated)", ndone, x->ntop,
                 search_objective_name(x->o->objective), w->best);
    else
        snprintf(fig, sizeof fig, "%d of %d simulated", ndone, x->ntop);
    prog_step(&x->prog, prog_now_s(), "search", stage, fig, (double)ndone / x->ntop);
}

static void val_done(void *arg, int job, int ndone)
{
    val_watch *w = arg;
    if (w->jobs[job].rc == ERR_OK) {
        search_point pt = point_of(&w->jobs[job].r);
        double sc = search_score(w->x->o->objective, &pt);
        if (sc < w->best)
            w->best = sc;
    }
    val_show(w, ndone);
}

/* Simulates the kept candidates, -j at a time, each in a worker of its own;
   the best simulated one is *WIN (-1 if none ran) and its full result is
   R's sim: it is not simulated again. */
static int validate(const plat_t *p, const scn_t *scn, srch_state *x, const search_opts *o,
                    search_result *r, int *win, err_t *e)
{
    run_job *jobs = calloc((size_t)x->ntop + 1, sizeof *jobs);
    if (!jobs)
        return err_internal(e, "out of memory");
    const evaluator *sim = eval_find("simulate");
    eval_opts eo = {.nop = o->nop, .verbose = o->verbose};
    for (int i = 0; i < x->ntop; i++)
        jobs[i] = (run_job){.p = p, .scn = scn, .s = &x->top[i], .ev = sim, .opts = &eo};
    val_watch w = {x, jobs, INFINITY};
    if (x->prog.out)
        val_show(&w, 0);
    int rc = runner_run_ranks(o->ranks, jobs, x->ntop, o->jobs > 0 ? o->jobs : 1,
                              x->prog.out ? val_done : NULL, &w, e);
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
    x.t0 = prog_now_s();
    prog_init(&x.prog, o->progress ? stderr : NULL);
    /* the estimating stage: one window's run, then each packing's windows,
       their steps shared out (srch_packing) */
    x.units = 1;
    for (int W = 2; W < x.M; W++)
        x.units += W * srch_steps_share(&x, o->anneal_steps / W);
    const srch_strategy *used = NULL;
    if (!rc)
        rc = srch_sequential(&x);
    if (!rc)
        rc = srch_one_window(&x, &used);
    if (!rc)
        rc = srch_packings(&x);
    if (!rc)
        rc = srch_splits(&x);
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
    if (!rc) {
        x.units_done = x.units, x.unit = 0;
        srch_progress(&x, 1);
    }
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
    r->wall_s = prog_now_s() - x.t0;
    prog_end(&x.prog);
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
