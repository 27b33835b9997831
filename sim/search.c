/* search.c - the outer scheduler's public side (search.h): options and
 * names, the order of objectives and ties, and the phases of a search. The
 * space and its pieces are in search_space.c, the window structures in
 * search_windows.c, the strategies in strategy_*.c (the table below; ea and
 * nsga2 share search_genome.c), the choice and simulation of the validated
 * candidates in search_validate.c, the baselines in search_baseline.c. */
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

/* ---- the search ---- */

int search_run(const plat_t *p, const scn_t *scn, const search_opts *o, search_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    srch_state x;
    double t0 = prog_now_s();
    int rc = srch_setup(&x, p, scn, o, e);
    prog_init(&x.prog, o->progress ? stderr : NULL);
    const srch_strategy *used = rc ? NULL : x.strategy;
    if (!rc && used->whole) {
        x.units = x.unit = 1; /* the estimating stage is its generations alone */
        rc = used->whole(&x);
    } else if (!rc) {
        /* the estimating stage: one window's run, then each packing's
           windows, their steps shared out (srch_packing) */
        x.units = 1;
        for (int W = 2; W < x.M; W++)
            x.units += W * srch_steps_share(&x, o->anneal_steps / W);
        rc = srch_sequential(&x);
        if (!rc)
            rc = srch_one_window(&x);
        if (!rc)
            rc = srch_packings(&x);
    }
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
    r->simulated = x.simulated;
    r->rankings = x.rankings;
    r->best_differs = x.best_differs;
    if (!rc) {
        x.units_done = x.units, x.unit = 0;
        srch_progress(&x, 1);
    }
    srch_team_stop(&x); /* no thread but this one when the simulations fork */
    r->threads = x.nwk;
    double t1 = prog_now_s();
    r->search_s = t1 - t0;
    int win = 0;
    if (!rc)
        rc = srch_validate(&x, r, &win);
    r->validate_s = prog_now_s() - t1;
    r->val_win = win;
    if (!rc && sched_copy(&r->best, &r->val_sched[win]))
        rc = err_internal(e, "out of memory");
    if (!rc)
        rc = est_run(p, scn, &r->best, &r->est, e);
    if (!rc) {
        r->npareto = x.npareto;
        r->pareto = x.pareto;
        x.pareto = NULL;
    }
    r->wall_s = prog_now_s() - t0;
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
    free(r->val_front);
    for (int i = 0; r->val_sched && i < r->nvalid; i++)
        sched_free(&r->val_sched[i]);
    free(r->val_sched);
    free(r->pareto);
    memset(r, 0, sizeof *r);
}
