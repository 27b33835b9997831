/* search_batch.c - the search's estimates on the -j threads of a team.
 *
 * Two loops are shared out: the parts of a model on a chiplet set (every
 * chiplet order at every mini-batch: a cut, then an estimate), and the
 * combinations of kept parts a window tries. Each thread estimates with a
 * worker of its own (its plan cache and scratch); the results land in
 * slots indexed by the loop, and the caller then consumes them in the
 * loop's order, exactly as one thread would have: the same top list, the
 * same Pareto front, the same counts, whatever -j is. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "estimate.h"
#include "runner.h"
#include "search_int.h"

static int srch_worker_init(srch_worker *w, int M)
{
    size_t m = (size_t)M + 1;
    w->cache = plan_cache_new();
    w->gpart = pool_own(m * sizeof *w->gpart);
    w->sp = pool_own(m * sizeof *w->sp);
    w->sw = pool_own(m * sizeof *w->sw);
    w->lat = pool_own(m * sizeof *w->lat);
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

/* The team: -j threads, but never more than the machine has cores (its
   share of them, when MPI ranks share the machine). A loop
   ends when every thread has left it, so a thread without a core to run on
   would hold up every loop for a scheduler time slice (-j 8 on 2 cores made
   a search ten times slower). The results do not depend on the team's size. */
static int srch_team_size(const srch_state *x)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN) / runner_local_ranks(x->o->ranks);
    int n = x->o->jobs > 1 ? x->o->jobs : 1;
    return n > cores ? (cores > 1 ? (int)cores : 1) : n;
}

int srch_team_start(srch_state *x)
{
    int n = srch_team_size(x);
    x->wk = calloc((size_t)n, sizeof *x->wk);
    if (!x->wk)
        return ERR_INTERNAL;
    x->nwk = n;
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

int srch_team_resume(srch_state *x)
{
    if (x->nwk > 1 && !x->pool && !(x->pool = pool_new(x->nwk)))
        return ERR_INTERNAL;
    return ERR_OK;
}

static void srch_batch_free_rows(srch_batch *b)
{
    free(b->pick);
    free(b->mk);
    free(b->en);
    free(b->lat);
    free(b->rc);
    b->pick = b->rc = NULL;
    b->mk = b->en = b->lat = NULL;
    b->cap = b->width = 0;
}

static void srch_batch_free_parts(srch_batch *b)
{
    free(b->parts);
    free(b->segs);
    free(b->prc);
    free(b->task);
    b->parts = NULL;
    b->segs = NULL;
    b->prc = b->task = NULL;
    b->pcap = 0;
}

static void srch_ahead_free(srch_ahead *a)
{
    free(a->alloc);
    free(a->score);
    free(a->sets);
    free(a->count);
    free(a->memo);
    free(a->pending);
    free(a->miss);
    free(a->made);
    free(a->ords);
    memset(a, 0, sizeof *a);
}

void srch_team_free(srch_state *x)
{
    srch_team_stop(x);
    for (int i = 0; x->wk && i < x->nwk; i++)
        srch_worker_free(&x->wk[i]);
    free(x->wk);
    srch_batch_free_rows(&x->batch);
    srch_batch_free_parts(&x->batch);
    srch_ahead_free(&x->ahead);
    x->cache = NULL;
}

/* The capacity to grow to for N: at least doubling, so that growth is rare. */
static long srch_grown(long cap, long n)
{
    return n > 2 * cap ? n : 2 * cap;
}

int srch_batch_reserve(srch_state *x, long n, int width)
{
    srch_batch *b = &x->batch;
    if (n <= b->cap && width <= b->width)
        return ERR_OK;
    long cap = srch_grown(b->cap, n);
    int wd = width > b->width ? width : b->width;
    size_t c = (size_t)cap, m = (size_t)x->M;
    srch_batch_free_rows(b);
    b->pick = malloc(c * (size_t)wd * sizeof *b->pick);
    b->mk = malloc(c * sizeof *b->mk);
    b->en = malloc(c * sizeof *b->en);
    b->lat = malloc(c * m * sizeof *b->lat);
    b->rc = malloc(c * sizeof *b->rc);
    if (!b->pick || !b->mk || !b->en || !b->lat || !b->rc)
        return ERR_INTERNAL;
    b->cap = cap;
    b->width = wd;
    return ERR_OK;
}

/* Room in x->batch for N parts. */
static int srch_parts_reserve(srch_state *x, long n)
{
    srch_batch *b = &x->batch;
    if (n <= b->pcap)
        return ERR_OK;
    long cap = srch_grown(b->pcap, n);
    size_t c = (size_t)cap, w = (size_t)x->N;
    srch_batch_free_parts(b);
    b->parts = malloc(c * sizeof *b->parts);
    b->segs = malloc(c * w * sizeof *b->segs);
    b->prc = malloc(c * sizeof *b->prc);
    b->task = malloc(c * sizeof *b->task);
    if (!b->parts || !b->segs || !b->prc || !b->task)
        return ERR_INTERNAL;
    b->pcap = cap;
    for (long i = 0; i < cap; i++)
        b->parts[i].segs = &b->segs[(size_t)i * w];
    return ERR_OK;
}

/* The search's error when one of the N slots of RC failed. */
static int srch_batch_failed(srch_state *x, const int *rc, long n)
{
    for (long i = 0; i < n; i++)
        if (rc[i])
            return err_internal(x->e, "out of memory estimating");
    return ERR_OK;
}

typedef struct {
    srch_state *x;
    srch_build_fn build;
    void *arg;
} srch_combine_job;

/* What a combination's estimate leaves in the batch, for the MPI ranks. */
static void srch_combine_put(void *v, long i, wire_t *w)
{
    const srch_combine_job *j = v;
    const srch_batch *b = &j->x->batch;
    wire_put(w, &b->rc[i], sizeof b->rc[i]);
    if (b->rc[i])
        return; /* the batch fails: nothing else is read */
    wire_put(w, &b->mk[i], sizeof b->mk[i]);
    wire_put(w, &b->en[i], sizeof b->en[i]);
    wire_put(w, &b->lat[(size_t)i * (size_t)j->x->M], (size_t)j->x->G * sizeof *b->lat);
}

static int srch_combine_get(void *v, long i, wire_t *w)
{
    const srch_combine_job *j = v;
    srch_batch *b = &j->x->batch;
    if (wire_get(w, &b->rc[i], sizeof b->rc[i]))
        return -1;
    return !b->rc[i] && (wire_get(w, &b->mk[i], sizeof b->mk[i]) ||
           wire_get(w, &b->en[i], sizeof b->en[i]) ||
           wire_get(w, &b->lat[(size_t)i * (size_t)j->x->M], (size_t)j->x->G * sizeof *b->lat));
}

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

int srch_batch_combine(srch_state *x, long npick, srch_build_fn build, void *arg, int key,
                       double *best)
{
    srch_batch *b = &x->batch;
    srch_combine_job job = {x, build, arg};
    /* what srch_combine_put writes at the most */
    runner_items io = {srch_combine_put, srch_combine_get,
                       sizeof *b->rc + sizeof *b->mk + sizeof *b->en + (size_t)x->G * sizeof *b->lat};
    int rc = runner_loop(x->o->ranks, x->pool, npick, srch_combine_one, &io, &job, x->e);
    if (!rc)
        rc = srch_batch_failed(x, b->rc, npick);
    for (long i = 0; !rc && i < npick; i++) {
        const int *pick = &b->pick[(size_t)i * (size_t)b->width];
        double sc, *bk = &best[key < 0 ? 0 : pick[key]];
        rc = srch_keep_pick(x, build, arg, pick, b->mk[i], b->en[i],
                            &b->lat[(size_t)i * (size_t)x->M], &sc);
        if (!rc && sc < *bk)
            *bk = sc;
    }
    return rc;
}

static void srch_parts_one(void *v, long i, int worker)
{
    srch_state *x = v;
    const srch_miss *ms = &x->batch.miss[x->batch.task[i]];
    int nmbs = x->models[ms->m].nmbs;
    long local = i - ms->first;
    srch_part *pt = &x->batch.parts[i];
    const int *ord = &ms->ords[(size_t)(local / nmbs) * (size_t)x->N];
    srch_cut(x, ms->m, ord, ms->k, (int)(local % nmbs), pt);
    x->batch.prc[i] = srch_estimate_part(x, &x->wk[worker], ms->m, ord, ms->k, pt);
}

static void srch_parts_put(void *v, long i, wire_t *w)
{
    const srch_state *x = v;
    const srch_part *pt = &x->batch.parts[i];
    wire_put(w, &x->batch.prc[i], sizeof x->batch.prc[i]);
    if (x->batch.prc[i])
        return;
    wire_put(w, &pt->nsegs, sizeof pt->nsegs);
    wire_put(w, &pt->minibatch, sizeof pt->minibatch);
    wire_put(w, &pt->lat_s, sizeof pt->lat_s);
    wire_put(w, &pt->energy_j, sizeof pt->energy_j);
    wire_put(w, pt->segs, (size_t)pt->nsegs * sizeof *pt->segs);
}

static int srch_parts_get(void *v, long i, wire_t *w)
{
    srch_state *x = v;
    srch_part *pt = &x->batch.parts[i];
    if (wire_get(w, &x->batch.prc[i], sizeof x->batch.prc[i]))
        return -1;
    return !x->batch.prc[i] &&
           (wire_get(w, &pt->nsegs, sizeof pt->nsegs) || pt->nsegs < 0 || pt->nsegs > x->N ||
           wire_get(w, &pt->minibatch, sizeof pt->minibatch) ||
           wire_get(w, &pt->lat_s, sizeof pt->lat_s) || wire_get(w, &pt->energy_j, sizeof pt->energy_j) ||
           wire_get(w, pt->segs, (size_t)pt->nsegs * sizeof *pt->segs));
}

int srch_batch_parts(srch_state *x, srch_miss *miss, int n)
{
    long total = 0;
    for (int i = 0; i < n; i++) {
        miss[i].first = total;
        total += (long)miss[i].no * x->models[miss[i].m].nmbs;
    }
    if (srch_parts_reserve(x, total))
        return err_internal(x->e, "out of memory");
    for (int i = 0; i < n; i++)
        for (long t = miss[i].first; t < (i + 1 < n ? miss[i + 1].first : total); t++)
            x->batch.task[t] = i;
    x->batch.miss = miss;
    /* what srch_parts_put writes at the most: a part has at most N segments */
    const srch_part *pt = x->batch.parts;
    runner_items io = {srch_parts_put, srch_parts_get,
                       sizeof *x->batch.prc + sizeof pt->nsegs + sizeof pt->minibatch + sizeof pt->lat_s +
                           sizeof pt->energy_j + (size_t)x->N * sizeof *pt->segs};
    int rc = runner_loop(x->o->ranks, x->pool, total, srch_parts_one, &io, x, x->e);
    x->batch.miss = NULL;
    x->estimated += total;
    return rc ? rc : srch_batch_failed(x, x->batch.prc, total);
}

/* ---- allocations scored together ---- */

/* Combinations per allocation, and allocations at once: about 8192 estimates
   a loop, which keeps the team busy and the buffers small. */
enum { SRCH_AHEAD_ROWS = 8192, SRCH_AHEAD_MAX = 256 };

static long srch_combos(int g)
{
    long c = 1;
    for (int j = 0; j < g; j++)
        c *= SRCH_PER_SET;
    return c;
}

int srch_batch_allocations(srch_state *x)
{
    if (x->G > 8)
        return 0;
    long n = SRCH_AHEAD_ROWS / srch_combos(x->G);
    if (n > SRCH_AHEAD_MAX)
        n = SRCH_AHEAD_MAX;
    if (n < 1)
        n = 1;
    srch_ahead *a = &x->ahead;
    if (a->cap >= n)
        return (int)n;
    srch_ahead_free(a);
    size_t c = (size_t)n, N = (size_t)x->N, MW = (size_t)x->M * (size_t)x->words;
    size_t cm = c * (size_t)x->M;
    a->alloc = malloc(c * N * sizeof *a->alloc);
    a->score = malloc(c * sizeof *a->score);
    a->sets = malloc(c * MW * sizeof *a->sets);
    a->count = malloc(cm * sizeof *a->count);
    a->memo = malloc(cm * sizeof *a->memo);
    a->pending = malloc(cm * sizeof *a->pending);
    a->miss = malloc(cm * sizeof *a->miss);
    a->made = malloc(cm * sizeof *a->made);
    a->ords = malloc(cm * SRCH_MAX_ORDERS * N * sizeof *a->ords);
    if (!a->alloc || !a->score || !a->sets || !a->count || !a->memo || !a->pending || !a->miss ||
        !a->made || !a->ords) {
        srch_ahead_free(a);
        return 0;
    }
    a->cap = (int)n;
    return (int)n;
}

/* The combination PICK of its allocation's kept parts (the allocation is
   the pick's last column). */
static sched_t srch_ahead_build(srch_state *x, void *arg, const int *pick, srch_worker *w)
{
    (void)arg;
    const srch_memo **me = &x->ahead.memo[(size_t)pick[x->G] * (size_t)x->M];
    for (int j = 0; j < x->G; j++)
        w->gpart[j] = &me[j]->parts[pick[j]];
    return srch_assemble(w, w->gpart, x->G, 0);
}

/* The sets of allocation I's models, and its new memo entries. */
static int srch_ahead_sets(srch_state *x, const int *alloc, int i, int *nmiss)
{
    srch_ahead *a = &x->ahead;
    size_t W = (size_t)x->words, M = (size_t)x->M;
    uint64_t *sets = &a->sets[(size_t)i * M * W];
    int *count = &a->count[(size_t)i * M];
    srch_alloc_sets(x, alloc, sets, count);
    for (int j = 0; j < x->G; j++) {
        size_t at = (size_t)i * M + (size_t)j;
        a->pending[at] = -1;
        if (!count[j])
            return ERR_OK; /* no score: the rest is never looked at */
        const uint64_t *set = &sets[(size_t)j * W];
        if ((a->memo[at] = srch_memo_find(x, x->gm[j], set)))
            continue;
        for (int p = 0; p < *nmiss && a->pending[at] < 0; p++)
            if (a->miss[p].m == x->gm[j] && memcmp(a->made[p]->set, set, W * sizeof *set) == 0)
                a->pending[at] = p;
        if (a->pending[at] >= 0)
            continue;
        int p = (*nmiss)++, no;
        int *ords = &a->ords[(size_t)p * SRCH_MAX_ORDERS * (size_t)x->N];
        int rc = srch_memo_new(x, x->gm[j], set, count[j], ords, &no, &a->made[p]);
        if (rc)
            return rc;
        a->miss[p] = (srch_miss){x->gm[j], count[j], no, ords, 0};
        a->pending[at] = p;
    }
    return ERR_OK;
}

int srch_try_allocations(srch_state *x, const int *allocs, int n, double *scores)
{
    srch_ahead *a = &x->ahead;
    size_t M = (size_t)x->M;
    int nmiss = 0, rc = ERR_OK;
    for (int i = 0; !rc && i < n; i++)
        rc = srch_ahead_sets(x, &allocs[(size_t)i * (size_t)x->N], i, &nmiss);
    if (!rc)
        rc = srch_batch_parts(x, a->miss, nmiss);
    /* the entries join the memo in the order one allocation after another
       would have made them */
    for (int p = 0; p < nmiss; p++) {
        if (!rc) {
            srch_memo_fill(a->made[p], &x->batch.parts[a->miss[p].first],
                           (long)a->miss[p].no * x->models[a->miss[p].m].nmbs);
            rc = srch_memo_add(x, a->made[p]);
        } else {
            free(a->made[p]);
        }
    }
    if (rc)
        return rc;
    long combos = srch_combos(x->G), rows = 0;
    int width = x->G + 1; /* the picks, then the allocation */
    if (srch_batch_reserve(x, (long)n * combos, width))
        return err_internal(x->e, "out of memory");
    for (int i = 0; i < n; i++) {
        scores[i] = INFINITY;
        int whole = 1;
        for (int j = 0; j < x->G; j++) {
            size_t at = (size_t)i * M + (size_t)j;
            whole = whole && a->count[at];
            if (whole && a->pending[at] >= 0)
                a->memo[at] = a->made[a->pending[at]];
        }
        if (!whole)
            continue;
        x->allocations++;
        memset(x->pick, 0, (size_t)x->G * sizeof *x->pick);
        do {
            int *row = &x->batch.pick[(size_t)rows++ * (size_t)x->batch.width];
            memcpy(row, x->pick, (size_t)x->G * sizeof *row);
            row[x->G] = i;
        } while (srch_next(x->pick, x->G, NULL, SRCH_PER_SET));
    }
    return srch_batch_combine(x, rows, srch_ahead_build, NULL, x->G, scores);
}
