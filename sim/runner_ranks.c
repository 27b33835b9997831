/* runner_ranks.c - batches spread over the ranks; see runner.h.
 *
 * An exchange carries one block per rank, in rank order: the rank's status
 * (and its message when it failed), whether its items follow, then the
 * outputs of its items in index order. Every rank decodes every block, its
 * own status included, so all of them reach the same verdict: the first
 * failed rank's error. The split is cyclic, as the cost of a batch's items
 * drifts along it (the parts of one model, then of the next). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "runner_int.h"

int runner_rank(const runner_ranks *g)
{
    return g ? g->rank : 0;
}

int runner_nranks(const runner_ranks *g)
{
    return g ? g->n : 1;
}

int runner_local_ranks(const runner_ranks *g)
{
    return g ? g->local : 1;
}

runner_cost runner_ranks_cost(const runner_ranks *g)
{
    runner_cost none = {0};
    return g ? g->cost : none;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall and CPU clocks: on a shared machine the wall time of a rank's share
   says as much about the other processes as about the share. */
typedef struct {
    double wall, cpu;
} stamp;

static stamp stamp_now(void)
{
    return (stamp){clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_PROCESS_CPUTIME_ID)};
}

static void add_since(stamp t0, double *wall, double *cpu)
{
    stamp t = stamp_now();
    *wall += t.wall - t0.wall;
    *cpu += t.cpu - t0.cpu;
}

/* Items R, R + P, ... of N: this many. */
static long share_size(long n, int r, int p)
{
    return n > r ? (n - r + p - 1) / p : 0;
}

typedef struct {
    pool_fn fn;
    void *arg;
    long rank, p;
} share;

static void run_share(void *v, long j, int worker)
{
    const share *s = v;
    s->fn(s->arg, s->rank + j * s->p, worker);
}

/* A loop too short to give every rank this many items runs whole on every
   rank (the same outputs), as its share would take less time than the
   exchange: an item takes 1 us (a combination's estimate) to 10 us (a
   part's cut and estimate), an exchange of two ranks on one machine some
   microseconds, and most of the annealing's loops are of 3 to 81 items. */
enum { RUNNER_GRAIN = 16 };

/* Same binary, same inputs: a block that does not decode is a fault of
   the transport, after which the ranks cannot stay in step. */
_Noreturn static void unreadable(runner_ranks *g, int r, err_t *e)
{
    err_internal(e, "rank %d received an unreadable block from rank %d", g->rank, r);
    runner_abort(g, e);
}

static void put_status(wire_t *w, int rc, const err_t *e, int32_t items)
{
    int32_t r = rc;
    wire_put(w, &r, sizeof r);
    if (rc)
        wire_put(w, e->msg, sizeof e->msg);
    wire_put(w, &items, sizeof items);
}

/* A rank that cannot encode its outputs says so in a block of its own,
   which needs no allocation. */
typedef struct {
    unsigned char b[2 * sizeof(int32_t) + sizeof(err_t)];
} small_block;

/* Exchanges MINE (freed here), in blocks of SLOT bytes at most (0: of any
   size): G->block[r] is then a reader of rank r's block past its status,
   G->items[r] whether items follow, and the return the first failed rank's
   status (its message in E). */
static int exchange(runner_ranks *g, wire_t *mine, size_t slot, err_t *e)
{
    stamp t0 = stamp_now();
    small_block sb;
    wire_t oom = {.b = sb.b, .cap = sizeof sb.b};
    if (mine->failed) {
        err_t m;
        err_internal(&m, "rank %d: out of memory encoding its results", g->rank);
        put_status(&oom, ERR_INTERNAL, &m, 0);
    }
    if (slot)
        runner_allgather_fixed(g, mine->failed ? &oom : mine, slot, e);
    else
        runner_allgather(g, mine->failed ? &oom : mine, e);
    wire_free(mine);
    add_since(t0, &g->cost.exchange_s, &g->cost.exchange_cpu_s);
    g->cost.batches++;
    g->cost.bytes_in += (double)(g->all.n - (g->at[g->rank + 1] - g->at[g->rank]));
    int rc = ERR_OK;
    for (int r = 0; r < g->n; r++) {
        wire_t *b = &g->block[r];
        *b = (wire_t){.b = g->all.b + g->at[r], .n = g->at[r + 1] - g->at[r]};
        int32_t st;
        err_t msg;
        if (wire_get(b, &st, sizeof st) || (st && wire_get(b, msg.msg, sizeof msg.msg)) ||
            wire_get(b, &g->items[r], sizeof g->items[r]))
            unreadable(g, r, e);
        if (st && !rc) {
            msg.msg[sizeof msg.msg - 1] = '\0';
            rc = st == ERR_INPUT ? ERR_INPUT : ERR_INTERNAL;
            *e = msg;
        }
    }
    return rc;
}

int runner_loop(runner_ranks *g, pool_t *pool, long n, pool_fn fn, const runner_items *io, void *arg,
                err_t *e)
{
    if (runner_nranks(g) == 1 || n < RUNNER_GRAIN * (long)g->n) {
        pool_run(pool, n, fn, arg);
        return ERR_OK;
    }
    int p = g->n, me = g->rank;
    stamp t0 = stamp_now();
    share s = {fn, arg, me, p};
    pool_run(pool, share_size(n, me, p), run_share, &s);
    wire_t mine = {0};
    put_status(&mine, ERR_OK, NULL, 1);
    for (long i = me; i < n; i += p)
        io->put(arg, i, &mine);
    add_since(t0, &g->cost.run_s, &g->cost.run_cpu_s);
    /* rank 0 has the longest share; a failed rank's block is the small one */
    size_t slot = 2 * sizeof(int32_t) + (size_t)share_size(n, 0, p) * io->max;
    int rc = exchange(g, &mine, slot > sizeof(small_block) ? slot : sizeof(small_block), e);
    for (int r = 0; r < p; r++)
        for (long i = r; r != me && g->items[r] && i < n; i += p)
            if (io->get(arg, i, &g->block[r]))
                unreadable(g, r, e);
    return rc;
}

/* A job's answer with its size in front, so that the reader finds the
   next one even where it could not take this one in (out of memory). */
static void put_sized_answer(wire_t *w, const run_job *j)
{
    uint64_t size = 0;
    size_t at = w->n;
    wire_put(w, &size, sizeof size);
    runner_put_answer(w, j->rc, &j->err, &j->r);
    if (!w->failed) {
        size = w->n - at - sizeof size;
        memcpy(w->b + at, &size, sizeof size);
    }
}

static int get_sized_answer(wire_t *w, run_job *j)
{
    uint64_t size;
    if (wire_get(w, &size, sizeof size) || size > w->n - w->pos)
        return -1;
    wire_t one = {.b = w->b + w->pos, .n = (size_t)size};
    w->pos += (size_t)size;
    memset(&j->r, 0, sizeof j->r);
    return runner_get_answer(&one, j) < 0 || one.pos != one.n ? -1 : 0;
}

/* Job J, whose rank could not send it, failed with the exchange's verdict
   (the first failed rank's status and message). */
static void job_failed(run_job *j, int rc, const err_t *e)
{
    res_free(&j->r);
    j->rc = rc ? rc : ERR_INTERNAL;
    j->err = *e;
}

int runner_run_ranks(runner_ranks *g, run_job *jobs, int n, int workers,
                     void (*done)(void *arg, int job, int ndone), void *arg, err_t *e)
{
    if (runner_nranks(g) == 1)
        return runner_run_watched(jobs, n, workers, done, arg, e);
    int p = g->n, me = g->rank;
    long k = share_size(n, me, p);
    run_job *mine = calloc((size_t)k + 1, sizeof *mine);
    err_t my_err = {{0}};
    stamp t0 = stamp_now();
    int rc = mine ? ERR_OK : err_internal(&my_err, "rank %d: out of memory", me);
    for (long j = 0; mine && j < k; j++)
        mine[j] = jobs[me + j * p];
    if (!rc)
        rc = runner_run(mine, (int)k, workers, &my_err);
    wire_t w = {0};
    put_status(&w, rc, &my_err, mine != NULL);
    for (long j = 0; mine && j < k; j++)
        put_sized_answer(&w, &mine[j]);
    add_since(t0, &g->cost.run_s, &g->cost.run_cpu_s);
    for (long j = 0; mine && j < k; j++) /* the results move back */
        jobs[me + j * p] = mine[j];
    free(mine);
    int st = exchange(g, &w, 0, e);
    for (int r = 0; r < p; r++)
        for (long i = r; i < n; i += p) {
            if (!g->items[r]) {
                job_failed(&jobs[i], st, e);
            } else if (r != me) {
                if (get_sized_answer(&g->block[r], &jobs[i]))
                    unreadable(g, r, e);
            }
        }
    for (int i = 0; done && i < n; i++)
        done(arg, i, i + 1);
    return st;
}
