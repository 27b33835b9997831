/* search_batch.c - the search's estimates on the -j threads of a team.
 *
 * Two loops are shared out: the parts of a model on a chiplet set (every
 * chiplet order at every mini-batch: a cut, then an estimate), and the
 * combinations of kept parts a window tries. Each thread estimates with a
 * worker of its own (its plan cache and scratch); the results land in
 * slots indexed by the loop, and the caller then consumes them in the
 * loop's order, exactly as one thread would have: the same top list, the
 * same Pareto front, the same counts, whatever -j is. */
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "search_int.h"

static int srch_worker_init(srch_worker *w, int M)
{
    size_t m = (size_t)M + 1;
    w->cache = plan_cache_new();
    w->gpart = malloc(m * sizeof *w->gpart);
    w->sp = malloc(m * sizeof *w->sp);
    w->sw = malloc(m * sizeof *w->sw);
    w->lat = malloc(m * sizeof *w->lat);
    return w->cache && w->gpart && w->sp && w->sw && w->lat ? ERR_OK : ERR_INTERNAL;
}

static void srch_worker_free(srch_worker *w)
{
    plan_cache_free(w->cache);
    free(w->gpart);
    free(w->sp);
    free(w->sw);
    free(w->lat);
}

int srch_team_start(srch_state *x)
{
    int n = x->o->jobs > 1 ? x->o->jobs : 1;
    x->wk = calloc((size_t)n, sizeof *x->wk);
    if (!x->wk)
        return ERR_INTERNAL;
    if (n > 1 && !(x->pool = pool_new(n)))
        return ERR_INTERNAL;
    for (int i = 0; i < n; i++)
        if (srch_worker_init(&x->wk[i], x->M))
            return ERR_INTERNAL;
    x->cache = x->wk[0].cache;
    return ERR_OK;
}

void srch_team_stop(srch_state *x)
{
    pool_free(x->pool);
    x->pool = NULL;
}

static void srch_batch_free(srch_batch *b)
{
    free(b->pick);
    free(b->parts);
    free(b->segs);
    free(b->mk);
    free(b->en);
    free(b->lat);
    free(b->rc);
    memset(b, 0, sizeof *b);
}

void srch_team_free(srch_state *x)
{
    int n = x->o->jobs > 1 ? x->o->jobs : 1;
    srch_team_stop(x);
    for (int i = 0; x->wk && i < n; i++)
        srch_worker_free(&x->wk[i]);
    free(x->wk);
    srch_batch_free(&x->batch);
    x->cache = NULL;
}

int srch_batch_reserve(srch_state *x, long n, int width)
{
    srch_batch *b = &x->batch;
    if (n <= b->cap && width <= b->width)
        return ERR_OK;
    long cap = n > 2 * b->cap ? n : 2 * b->cap;
    int wd = width > b->width ? width : b->width;
    size_t c = (size_t)cap, w = (size_t)wd, m = (size_t)x->M;
    srch_batch_free(b);
    b->pick = malloc(c * w * sizeof *b->pick);
    b->parts = malloc(c * sizeof *b->parts);
    b->segs = malloc(c * w * sizeof *b->segs);
    b->mk = malloc(c * sizeof *b->mk);
    b->en = malloc(c * sizeof *b->en);
    b->lat = malloc(c * m * sizeof *b->lat);
    b->rc = malloc(c * sizeof *b->rc);
    if (!b->pick || !b->parts || !b->segs || !b->mk || !b->en || !b->lat || !b->rc)
        return ERR_INTERNAL;
    b->cap = cap;
    b->width = wd;
    for (long i = 0; i < cap; i++)
        b->parts[i].segs = &b->segs[(size_t)i * w];
    return ERR_OK;
}

/* The first failed slot's error as the search's. */
static int srch_batch_failed(srch_state *x, long n)
{
    for (long i = 0; i < n; i++)
        if (x->batch.rc[i])
            return err_internal(x->e, "out of memory estimating");
    return ERR_OK;
}

typedef struct {
    srch_state *x;
    int n;
    srch_build_fn build;
    void *arg;
} srch_combine_job;

static void srch_combine_one(void *v, long i, int worker)
{
    const srch_combine_job *j = v;
    srch_state *x = j->x;
    srch_batch *b = &x->batch;
    srch_worker *w = &x->wk[worker];
    sched_t s = j->build(x, j->arg, &b->pick[(size_t)i * (size_t)b->width], w);
    b->rc[i] = est_quick(x->p, &x->view, &s, w->cache, &b->mk[i], &b->en[i],
                         &b->lat[(size_t)i * (size_t)x->M], &w->err);
}

int srch_batch_combine(srch_state *x, long npick, int n, srch_build_fn build, void *arg,
                       double *best)
{
    srch_batch *b = &x->batch;
    srch_combine_job job = {x, n, build, arg};
    pool_run(x->pool, npick, srch_combine_one, &job);
    int rc = srch_batch_failed(x, npick);
    for (long i = 0; !rc && i < npick; i++) {
        sched_t s = build(x, arg, &b->pick[(size_t)i * (size_t)b->width], &x->wk[0]);
        double sc;
        rc = srch_keep(x, &s, b->mk[i], b->en[i], &b->lat[(size_t)i * (size_t)x->M], &sc);
        if (!rc && sc < *best)
            *best = sc;
    }
    return rc;
}

typedef struct {
    srch_state *x;
    int m, k, nmbs;
    const int *ords;
} srch_parts_job;

static void srch_parts_one(void *v, long i, int worker)
{
    const srch_parts_job *j = v;
    srch_state *x = j->x;
    srch_part *pt = &x->batch.parts[i];
    srch_cut(x, j->m, &j->ords[(size_t)(i / j->nmbs) * (size_t)x->N], j->k, (int)(i % j->nmbs), pt);
    x->batch.rc[i] = srch_estimate_part(x, &x->wk[worker], j->m, pt);
}

int srch_batch_parts(srch_state *x, int m, const int *ords, int no, int k)
{
    int nmbs = x->models[m].nmbs;
    long n = (long)no * nmbs;
    if (srch_batch_reserve(x, n, x->N))
        return err_internal(x->e, "out of memory");
    srch_parts_job job = {x, m, k, nmbs, ords};
    pool_run(x->pool, n, srch_parts_one, &job);
    x->estimated += n;
    return srch_batch_failed(x, n);
}
