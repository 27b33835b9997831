/* search_batch.c - the search's estimates on the -j threads of a team.
 *
 * Two loops are shared out: the parts of a model on a chiplet set (every
 * chiplet order at every mini-batch: a cut, then an estimate), and the
 * combinations of kept parts a window tries. Each thread estimates with a
 * worker of its own (its plan cache and scratch); the results land in
 * slots indexed by the loop, and the caller then consumes them in the
 * loop's order, exactly as one thread would have: the same top list, the
 * same Pareto front, the same counts, whatever -j is.
 *
 * A loop of combinations is a few dozen estimates of a microsecond, and
 * every cache line one thread writes and the other reads costs a tenth of
 * one: so each thread works out the combinations it estimates from their
 * index, scores them and rules out those the lists cannot take (it reads
 * the lists, which stay as they are until the loop ends), and the caller
 * reads back a score and a verdict, and the figures only of the few
 * combinations that may be kept. */
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
    w->pick = pool_own(m * sizeof *w->pick);
    return w->cache && w->gpart && w->sp && w->sw && w->lat && w->pick ? ERR_OK : ERR_INTERNAL;
}

static void srch_worker_free_figures(srch_worker *w)
{
    free(w->mk);
    free(w->en);
    free(w->lats);
    w->mk = w->en = w->lats = NULL;
    w->cap = 0;
}

static void srch_worker_free(srch_worker *w)
{
    plan_cache_free(w->cache);
    free(w->gpart);
    free(w->sp);
    free(w->sw);
    free(w->lat);
    free(w->pick);
    srch_worker_free_figures(w);
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
    free(b->verdict);
    b->verdict = NULL;
    b->cap = 0;
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
    free(a->whole);
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

int srch_batch_reserve(srch_state *x, long n)
{
    srch_batch *b = &x->batch;
    if (n <= b->cap)
        return ERR_OK;
    long cap = srch_grown(b->cap, n);
    size_t c = (size_t)cap, m = (size_t)x->M;
    srch_batch_free_rows(b);
    if (!(b->verdict = malloc(c * sizeof *b->verdict)))
        return ERR_INTERNAL;
    /* each worker's figures on lines of their own: the threads write them side by side */
    for (int i = 0; i < x->nwk; i++) {
        srch_worker *w = &x->wk[i];
        srch_worker_free_figures(w);
        w->mk = pool_own(c * sizeof *w->mk);
        w->en = pool_own(c * sizeof *w->en);
        w->lats = pool_own(c * m * sizeof *w->lats);
        if (!w->mk || !w->en || !w->lats)
            return ERR_INTERNAL;
        w->cap = cap;
    }
    b->cap = cap;
    return ERR_OK;
}

void srch_rows_pick(const srch_rows *rows, long r, int *pick)
{
    long c = r % rows->combos;
    for (int j = 0; j < rows->n; j++) {
        int base = rows->base ? rows->base[j] : rows->radix;
        pick[j] = (int)(c % base);
        c /= base;
    }
    if (rows->whole)
        pick[rows->n] = rows->whole[r / rows->combos];
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

/* The search's error when an estimate of a loop failed. */
static int srch_batch_oom(srch_state *x)
{
    return err_internal(x->e, "out of memory estimating");
}

/* The same when one of the N slots of RC failed. */
static int srch_batch_failed(srch_state *x, const int *rc, long n)
{
    for (long i = 0; i < n; i++)
        if (rc[i])
            return srch_batch_oom(x);
    return ERR_OK;
}

typedef struct {
    srch_state *x;
    srch_build_fn build;
    void *arg;
} srch_combine_job;

/* What a combination's estimate leaves, for the MPI ranks: its verdict,
   and its figures when it may be kept. */
static void srch_combine_put(void *v, long i, wire_t *w)
{
    const srch_combine_job *j = v;
    const srch_state *x = j->x;
    const srch_verdict *vd = &x->batch.verdict[i];
    wire_put(w, &vd->rc, sizeof vd->rc);
    if (vd->rc)
        return; /* the batch fails: nothing else is read */
    int held = vd->held >= 0;
    wire_put(w, &vd->score, sizeof vd->score);
    wire_put(w, &held, sizeof held);
    if (!held)
        return;
    const srch_worker *wk = &x->wk[vd->held];
    wire_put(w, &wk->mk[i], sizeof wk->mk[i]);
    wire_put(w, &wk->en[i], sizeof wk->en[i]);
    wire_put(w, &wk->lats[(size_t)i * (size_t)x->M], (size_t)x->G * sizeof *wk->lats);
}

/* The same read back, its figures held by worker 0. */
static int srch_combine_get(void *v, long i, wire_t *w)
{
    const srch_combine_job *j = v;
    srch_state *x = j->x;
    srch_verdict *vd = &x->batch.verdict[i];
    srch_worker *wk = &x->wk[0];
    int held;
    if (wire_get(w, &vd->rc, sizeof vd->rc))
        return -1;
    if (vd->rc)
        return 0;
    if (wire_get(w, &vd->score, sizeof vd->score) || wire_get(w, &held, sizeof held))
        return -1;
    vd->held = held ? 0 : -1;
    return held && (wire_get(w, &wk->mk[i], sizeof wk->mk[i]) || wire_get(w, &wk->en[i], sizeof wk->en[i]) ||
                    wire_get(w, &wk->lats[(size_t)i * (size_t)x->M], (size_t)x->G * sizeof *wk->lats));
}

static void srch_combine_one(void *v, long i, int worker)
{
    const srch_combine_job *j = v;
    srch_state *x = j->x;
    srch_worker *w = &x->wk[worker];
    srch_verdict *vd = &x->batch.verdict[i];
    srch_rows_pick(x->batch.rows, i, w->pick);
    sched_t s = j->build(x, j->arg, w->pick, w);
    double *lat = &w->lats[(size_t)i * (size_t)x->M];
    vd->rc = est_quick(x->p, &x->view, &s, w->cache, &w->mk[i], &w->en[i], lat, &w->err);
    if (vd->rc)
        return;
    /* the lists do not change while the loop runs */
    search_point pt = srch_point(x, w->mk[i], w->en[i], lat);
    vd->score = search_score(x->o->objective, &pt);
    vd->held = srch_may_keep(x, &pt) ? worker : -1;
}

int srch_batch_combine(srch_state *x, const srch_rows *rows, long nrows, srch_build_fn build, void *arg,
                       int key, double *best)
{
    srch_batch *b = &x->batch;
    if (srch_batch_reserve(x, nrows))
        return err_internal(x->e, "out of memory");
    srch_combine_job job = {x, build, arg};
    /* what srch_combine_put writes at the most */
    runner_items io = {srch_combine_put, srch_combine_get,
                       sizeof(int) + sizeof(double) + sizeof(int) + 2 * sizeof(double) +
                           (size_t)x->G * sizeof(double)};
    b->rows = rows;
    int rc = runner_loop(x->o->ranks, x->pool, nrows, srch_combine_one, &io, &job, x->e);
    for (long i = 0; !rc && i < nrows; i++)
        if (b->verdict[i].rc)
            rc = srch_batch_oom(x);
    int *pick = x->wk[0].pick;
    for (long i = 0; !rc && i < nrows; i++) {
        const srch_verdict *vd = &b->verdict[i];
        double sc = vd->score;
        srch_rows_pick(rows, i, pick);
        if (vd->held < 0) {
            x->estimated++; /* all srch_keep_pick would have done */
        } else {
            const srch_worker *w = &x->wk[vd->held];
            rc = srch_keep_pick(x, build, arg, pick, w->mk[i], w->en[i], &w->lats[(size_t)i * (size_t)x->M],
                                &sc);
        }
        double *bk = &best[key < 0 ? 0 : pick[key]];
        if (!rc && sc < *bk)
            *bk = sc;
    }
    b->rows = NULL;
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
    a->whole = malloc(c * sizeof *a->whole);
    if (!a->alloc || !a->score || !a->sets || !a->count || !a->memo || !a->pending || !a->miss ||
        !a->made || !a->ords || !a->whole) {
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
    int nwhole = 0;
    for (int i = 0; i < n; i++) {
        scores[i] = INFINITY;
        int whole = 1;
        for (int j = 0; j < x->G; j++) {
            size_t at = (size_t)i * M + (size_t)j;
            whole = whole && a->count[at];
            if (whole && a->pending[at] >= 0)
                a->memo[at] = a->made[a->pending[at]];
        }
        if (whole)
            a->whole[nwhole++] = i;
    }
    x->allocations += nwhole;
    srch_rows rows = {x->G, NULL, SRCH_PER_SET, srch_combos(x->G), a->whole};
    return srch_batch_combine(x, &rows, (long)nwhole * rows.combos, srch_ahead_build, NULL, x->G, scores);
}
