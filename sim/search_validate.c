/* search_validate.c - which estimated candidates a search simulates, and
 * simulating them. The --validate K are chosen for what they can teach, not
 * as the K best estimates (which are often one allocation at K mini-batches):
 * the estimated best; then up to K/2 points of the estimated makespan-energy
 * front, spread evenly along it (both ends first); then the best of the pool
 * (SRCH_POOL x K kept by estimate) whose window structure and chiplet
 * allocation no chosen one has; then, if places are left, the best of the
 * rest. Each is simulated in a worker of its own, -j at a time; the best
 * simulated (search_cmp) wins, and its simulation is the one reported. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "runner.h"
#include "search_int.h"

search_point srch_point_of(const res_result *r)
{
    search_point pt = {r->makespan_s, r->energy_j, 0};
    for (int m = 0; m < r->nmodels; m++)
        pt.latency_s += r->models[m].latency_s / r->nmodels;
    return pt;
}

static int seg_has(const sched_part *pt, int c)
{
    for (int i = 0; i < pt->nsegs; i++)
        if (pt->segs[i].chiplet == c)
            return 1;
    return 0;
}

/* Whether the parts PA and PB are alike: the same chiplets, in any order
   (EXACT: the same segments in order, cuts and mini-batch too). */
static int parts_alike(const sched_part *pa, const sched_part *pb, int exact)
{
    if (!pb || pa->nsegs != pb->nsegs || (exact && pa->minibatch != pb->minibatch))
        return 0;
    for (int k = 0; k < pa->nsegs; k++) {
        const sched_seg *sa = &pa->segs[k], *sb = &pb->segs[k];
        if (exact ? sa->first != sb->first || sa->last != sb->last || sa->chiplet != sb->chiplet
                  : !seg_has(pb, sa->chiplet))
            return 0;
    }
    return 1;
}

/* Whether A and B have the same windows and each model the same chiplets
   in each (EXACT: the same schedule, the line numbers of a file aside). */
static int sched_alike(const sched_t *a, const sched_t *b, int exact)
{
    if (a->nwindows != b->nwindows)
        return 0;
    for (int w = 0; w < a->nwindows; w++) {
        const sched_window *wa = &a->windows[w], *wb = &b->windows[w];
        if (wa->nparts != wb->nparts)
            return 0;
        for (int i = 0; i < wa->nparts; i++) {
            const sched_part *pa = &wa->parts[i];
            const sched_part *pb = exact ? (wb->parts[i].model == pa->model ? &wb->parts[i] : NULL)
                                         : sched_part_of(wb, pa->model);
            if (!parts_alike(pa, pb, exact))
                return 0;
        }
    }
    return 1;
}

int srch_same_structure(const sched_t *a, const sched_t *b)
{
    return sched_alike(a, b, 0);
}

/* The front in order of makespan, each schedule moved with its point. */
static void sort_front(srch_state *x)
{
    for (int i = 1; i < x->npareto; i++)
        for (int j = i; j > 0 && x->pareto[j].makespan_s < x->pareto[j - 1].makespan_s; j--) {
            search_point t = x->pareto[j];
            x->pareto[j] = x->pareto[j - 1];
            x->pareto[j - 1] = t;
            sched_t ts = x->pareto_s[j];
            x->pareto_s[j] = x->pareto_s[j - 1];
            x->pareto_s[j - 1] = ts;
        }
}

typedef struct {
    const sched_t **s;
    search_point *pt;
    int *front;
    int n, cap;
} pick_list;

/* Adds S at PT unless a chosen one has the same figures (then marks that
   one as on the front when FRONT); 1 if added. */
static int pick_add(const srch_state *x, pick_list *l, const sched_t *s, const search_point *pt,
                    int front)
{
    for (int i = 0; i < l->n; i++)
        if (search_cmp(x->o->objective, &l->pt[i], pt) == 0) {
            l->front[i] |= front;
            return 0;
        }
    if (l->n == l->cap)
        return 0;
    l->s[l->n] = s;
    l->pt[l->n] = *pt;
    l->front[l->n++] = front;
    return 1;
}

static int pick_has_structure(const pick_list *l, const sched_t *s)
{
    for (int i = 0; i < l->n; i++)
        if (srch_same_structure(l->s[i], s))
            return 1;
    return 0;
}

/* The cached simulation with the best simulated figures, or NULL. */
static const srch_sim *sim_best(const srch_state *x)
{
    const srch_sim *b = NULL;
    for (int i = 0; i < x->nsims; i++)
        if (x->sims[i].ok && (!b || search_cmp(x->o->objective, &x->sims[i].pt, &b->pt) < 0))
            b = &x->sims[i];
    return b;
}

static void choose(srch_state *x, pick_list *l)
{
    int K = l->cap;
    pick_add(x, l, &x->top[0], &x->top_pt[0], 0);
    const srch_sim *sb = sim_best(x);
    if (sb) /* the best the generations simulated */
        pick_add(x, l, &sb->s, &sb->est, 0);
    int F = x->npareto < K / 2 ? x->npareto : K / 2;
    for (int i = 0; i < F; i++) {
        /* both ends first, then evenly between */
        int at = F == 1 ? 0 : i == 0 ? 0 : i == 1 ? x->npareto - 1
                                       : (int)lround((double)(i - 1) * (x->npareto - 1) / (F - 1));
        pick_add(x, l, &x->pareto_s[at], &x->pareto[at], 1);
    }
    for (int i = 1; i < x->ntop && l->n < K; i++)
        if (!pick_has_structure(l, &x->top[i]))
            pick_add(x, l, &x->top[i], &x->top_pt[i], 0);
    for (int i = 1; i < x->ntop && l->n < K; i++)
        pick_add(x, l, &x->top[i], &x->top_pt[i], 0);
}

/* The simulations as they end, for the progress line. */
typedef struct {
    srch_state *x;
    const run_job *jobs;
    int n;
    double best;
} val_watch;

/* The line of the simulations: how many are done, the best simulated score. */
static void val_show(val_watch *w, int ndone)
{
    srch_state *x = w->x;
    char stage[64], fig[96];
    snprintf(stage, sizeof stage, "simulating %d candidates", w->n);
    if (isfinite(w->best))
        snprintf(fig, sizeof fig, "%d of %d simulated, best %s %.4g (simulated)", ndone, w->n,
                 search_objective_name(x->o->objective), w->best);
    else
        snprintf(fig, sizeof fig, "%d of %d simulated", ndone, w->n);
    prog_step(&x->prog, prog_now_s(), "search", stage, fig, (double)ndone / w->n);
}

static void val_done(void *arg, int job, int ndone)
{
    val_watch *w = arg;
    if (w->jobs[job].rc == ERR_OK) {
        search_point pt = srch_point_of(&w->jobs[job].r);
        double sc = search_score(w->x->o->objective, &pt);
        if (sc < w->best)
            w->best = sc;
    }
    val_show(w, ndone);
}

/* Simulates the N schedules S[], -j at a time (over the MPI ranks, when
   there are); JOBS[i] holds each result. */
int srch_simulate(srch_state *x, const sched_t *const *s, int n, run_job *jobs)
{
    const evaluator *sim = eval_find("simulate");
    for (int i = 0; i < n; i++)
        jobs[i] = (run_job){.p = x->p, .scn = x->scn, .s = s[i], .ev = sim, .opts = &x->eo};
    val_watch w = {x, jobs, n, INFINITY};
    if (x->prog.out && n > 0)
        val_show(&w, 0);
    return runner_run_ranks(x->o->ranks, jobs, n, x->o->jobs > 0 ? x->o->jobs : 1,
                            x->prog.out && n > 0 ? val_done : NULL, &w, x->e);
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

static int alloc_result(search_result *r, int n)
{
    r->val_est = calloc((size_t)n, sizeof *r->val_est);
    r->val_sim = calloc((size_t)n, sizeof *r->val_sim);
    r->val_ok = calloc((size_t)n, sizeof *r->val_ok);
    r->val_err = calloc((size_t)n, sizeof *r->val_err);
    r->val_front = calloc((size_t)n, sizeof *r->val_front);
    r->val_sched = calloc((size_t)n, sizeof *r->val_sched);
    return r->val_est && r->val_sim && r->val_ok && r->val_err && r->val_front && r->val_sched
               ? ERR_OK
               : ERR_INTERNAL;
}

/* Kendall's tau of the objective's estimated and simulated scores. */
static int rank_agreement(const search_opts *o, search_result *r)
{
    int n = r->nvalid;
    double *a = calloc((size_t)n + 1, sizeof *a), *b = calloc((size_t)n + 1, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return ERR_INTERNAL;
    }
    for (int i = 0; i < n; i++) {
        a[i] = search_score(o->objective, &r->val_est[i]);
        b[i] = search_score(o->objective, &r->val_sim[i]);
    }
    r->rank_agreement = kendall_tau(a, b, r->val_ok, n);
    free(a);
    free(b);
    return ERR_OK;
}

/* ---- simulations cached by schedule ---- */

static int sched_equal(const sched_t *a, const sched_t *b)
{
    return sched_alike(a, b, 1);
}

static srch_sim *sim_find(const srch_state *x, const sched_t *s)
{
    for (int i = 0; i < x->nsims; i++)
        if (sched_equal(&x->sims[i].s, s))
            return &x->sims[i];
    return NULL;
}

int srch_sim_fitness(srch_state *x, sched_t *s, search_point *pt, int n)
{
    int *todo = malloc((size_t)n * sizeof *todo + 1);
    const sched_t **ts = malloc((size_t)n * sizeof *ts + 1);
    run_job *jobs = calloc((size_t)n + 1, sizeof *jobs);
    int nt = 0, rc = todo && ts && jobs ? ERR_OK : err_internal(x->e, "out of memory");
    for (int i = 0; !rc && i < n; i++) {
        if (sim_find(x, &s[i]))
            continue;
        int dup = 0;
        for (int k = 0; k < nt && !dup; k++)
            dup = sched_equal(ts[k], &s[i]);
        if (!dup && x->nsims + nt < x->o->sim_budget) {
            todo[nt] = i;
            ts[nt++] = &s[i];
        }
    }
    if (!rc && nt && x->nsims + nt > x->cap_sims) {
        srch_sim *nv = realloc(x->sims, (size_t)(x->nsims + nt) * sizeof *nv);
        if (nv) {
            x->sims = nv;
            x->cap_sims = x->nsims + nt;
        } else
            rc = err_internal(x->e, "out of memory");
    }
    if (!rc && nt) {
        srch_team_stop(x); /* no thread but this one when the simulations fork */
        rc = srch_simulate(x, ts, nt, jobs);
        if (srch_team_resume(x) && !rc)
            rc = err_internal(x->e, "cannot start the search's threads");
    }
    for (int k = 0; !rc && k < nt; k++) {
        srch_sim *c = &x->sims[x->nsims];
        memset(c, 0, sizeof *c);
        c->est = pt[todo[k]];
        c->ok = jobs[k].rc == ERR_OK;
        if (c->ok) {
            c->pt = srch_point_of(&jobs[k].r);
            c->r = jobs[k].r; /* ownership moves */
            memset(&jobs[k].r, 0, sizeof jobs[k].r);
        }
        if (sched_copy(&c->s, ts[k])) {
            res_free(&c->r);
            rc = err_internal(x->e, "out of memory");
            break;
        }
        x->nsims++;
    }
    x->simulated += nt;
    /* fitness: the simulated figures where there are; and whether the
       best by simulation is the best by estimate among them */
    const srch_sim *eb = NULL, *sb = NULL;
    for (int i = 0; !rc && i < n; i++) {
        const srch_sim *c = sim_find(x, &s[i]);
        if (!c || !c->ok)
            continue;
        if (!eb || search_cmp(x->o->objective, &c->est, &eb->est) < 0)
            eb = c;
        if (!sb || search_cmp(x->o->objective, &c->pt, &sb->pt) < 0)
            sb = c;
        pt[i] = c->pt;
    }
    if (eb) {
        x->rankings++;
        x->best_differs += eb != sb;
    }
    for (int k = 0; k < nt; k++)
        res_free(&jobs[k].r);
    free(todo);
    free(ts);
    free(jobs);
    return rc;
}

void srch_sims_free(srch_state *x)
{
    for (int i = 0; i < x->nsims; i++) {
        sched_free(&x->sims[i].s);
        res_free(&x->sims[i].r);
    }
    free(x->sims);
    x->sims = NULL;
    x->nsims = x->cap_sims = 0;
}

int srch_validate(srch_state *x, search_result *r, int *win)
{
    const search_opts *o = x->o;
    int K = o->validate;
    sort_front(x);
    pick_list l = {malloc((size_t)K * sizeof *l.s), malloc((size_t)K * sizeof *l.pt),
                   malloc((size_t)K * sizeof *l.front), 0, K};
    run_job *jobs = calloc((size_t)K, sizeof *jobs);
    int rc = l.s && l.pt && l.front && jobs ? ERR_OK : ERR_INTERNAL;
    if (!rc)
        choose(x, &l);
    r->nvalid = l.n;
    if (!rc)
        rc = alloc_result(r, l.n);
    for (int i = 0; !rc && i < l.n; i++) {
        r->val_est[i] = l.pt[i];
        r->val_front[i] = l.front[i];
        if (sched_copy(&r->val_sched[i], l.s[i]))
            rc = ERR_INTERNAL;
    }
    if (rc) {
        free(l.s), free(l.pt), free(l.front), free(jobs);
        return err_internal(x->e, "out of memory");
    }
    *win = 0;
    if (!o->no_simulate) {
        /* what the generations simulated is not simulated again */
        int nj = 0;
        for (int i = 0; i < l.n; i++)
            if (!sim_find(x, l.s[i]))
                l.s[nj++] = l.s[i];
        rc = srch_simulate(x, l.s, nj, jobs);
        r->simulated += nj;
        *win = -1;
        for (int i = 0, j = 0; i < l.n; i++) {
            srch_sim *c = sim_find(x, &r->val_sched[i]);
            run_job *jb = c ? NULL : &jobs[j++];
            r->val_ok[i] = c ? c->ok : jb->rc == ERR_OK;
            if (!r->val_ok[i]) {
                if (jb)
                    r->val_err[i] = jb->err;
                else
                    err_input(&r->val_err[i], "its simulation failed");
                continue;
            }
            r->val_sim[i] = c ? c->pt : srch_point_of(&jb->r);
            if (*win < 0 || search_cmp(o->objective, &r->val_sim[i], &r->val_sim[*win]) < 0)
                *win = i;
        }
        if (*win >= 0) {
            /* the winner's full result moves to R: it is not simulated again */
            srch_sim *c = sim_find(x, &r->val_sched[*win]);
            int j = 0;
            for (int i = 0; !c && i < *win; i++)
                j += !sim_find(x, &r->val_sched[i]);
            res_result *from = c ? &c->r : &jobs[j].r;
            r->sim = *from;
            memset(from, 0, sizeof *from);
            /* the estimated best is candidate 0 */
            r->rankings++;
            r->best_differs += *win != 0;
        }
        for (int i = 0; i < nj; i++)
            res_free(&jobs[i].r);
        if (!rc && *win < 0)
            rc = err_input(x->e, "none of the %d candidates chosen could be simulated", l.n);
        if (!rc && rank_agreement(o, r))
            rc = err_internal(x->e, "out of memory");
    }
    free(l.s), free(l.pt), free(l.front), free(jobs);
    return rc;
}
