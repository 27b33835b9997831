/* test_runner_ranks.c - the ranks' contract at any number of ranks: after a
 * spread loop every rank holds every item's output, having run only its
 * cyclic share of a long loop and all of a short one; after spread jobs
 * every rank holds every job's status and result, a failure on another
 * rank included. `make test` runs it as one process (no MPI started);
 * tests/mpi.sh runs it again under mpirun -np 3 with CK_FORK=no (a forked
 * test process must not call MPI). */
#include <stdlib.h>
#include "testutil.h"
#include "estimate.h"
#include "runner.h"

/* MPI starts once per process: the ranks are the suite's, ended at exit. */
static runner_ranks *ranks;

static void end_ranks(void)
{
    runner_ranks_end(ranks);
}

/* Item i's output is i * i + 0.5, worked out here without the loop; RAN
   says which items this rank computed itself. */
typedef struct {
    double *out;
    int *ran;
} squares;

static void square(void *arg, long i, int worker)
{
    (void)worker;
    squares *s = arg;
    s->out[i] = (double)i * (double)i + 0.5;
    s->ran[i] = 1;
}

static void square_put(void *arg, long i, wire_t *w)
{
    const squares *s = arg;
    wire_put(w, &s->out[i], sizeof s->out[i]);
}

static int square_get(void *arg, long i, wire_t *w)
{
    squares *s = arg;
    return wire_get(w, &s->out[i], sizeof s->out[i]);
}

START_TEST(every_rank_holds_every_item)
{
    int p = runner_nranks(ranks), me = runner_rank(ranks);
    ck_assert(me >= 0 && me < p);
    ck_assert(runner_local_ranks(ranks) >= 1 && runner_local_ranks(ranks) <= p);
    /* 16 items a rank is the least that is spread (runner_ranks.c): below
       it every rank runs the whole loop */
    const long sizes[] = {0, 1, 7, 16L * p - 1, 16L * p, 1000};
    pool_t *pool = pool_new(2);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        long n = sizes[k];
        squares s = {calloc((size_t)n + 1, sizeof *s.out), calloc((size_t)n + 1, sizeof *s.ran)};
        ck_assert(s.out && s.ran);
        err_t e;
        runner_items io = {square_put, square_get, sizeof *s.out};
        ck_assert_int_eq(runner_loop(ranks, pool, n, square, &io, &s, &e), ERR_OK);
        int spread = p > 1 && n >= 16L * p;
        for (long i = 0; i < n; i++) {
            ck_assert_msg(s.out[i] == (double)i * (double)i + 0.5, "n %ld: item %ld is %g on rank %d", n,
                          i, s.out[i], me);
            ck_assert_int_eq(s.ran[i], spread ? i % p == me : 1);
        }
        free(s.out);
        free(s.ran);
    }
    pool_free(pool);
}
END_TEST

START_TEST(every_rank_holds_every_job)
{
    plat_t p;
    scn_t scn;
    sched_t s;
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &p, &scn, &s, &e) ==
                      ERR_OK, "%s", e.msg);
    res_result want;
    ck_assert_msg(est_run(&p, &scn, &s, &want, &e) == ERR_OK, "%s", e.msg);
    /* job 1 - rank 1's under three ranks - simulates with an engine that
       aborts as it starts; the others estimate in process */
    eval_opts crash = {.fault = EVAL_FAULT_ABORT};
    enum { NJOBS = 5 };
    run_job jobs[NJOBS];
    for (int i = 0; i < NJOBS; i++)
        jobs[i] = (run_job){.p = &p, .scn = &scn, .s = &s, .ev = eval_find(i == 1 ? "simulate" : "estimate"),
                            .opts = i == 1 ? &crash : NULL};
    ck_assert_int_eq(runner_run_ranks(ranks, jobs, NJOBS, 2, NULL, NULL, &e), ERR_OK);
    for (int i = 0; i < NJOBS; i++) {
        if (i == 1) {
            ck_assert_int_eq(jobs[i].rc, ERR_INTERNAL);
            ck_assert_msg(strstr(jobs[i].err.msg, "worker crashed"), "job 1: %s", jobs[i].err.msg);
            continue;
        }
        ck_assert_msg(jobs[i].rc == ERR_OK, "job %d: %s", i, jobs[i].err.msg);
        /* bit for bit what this rank estimates itself */
        ck_assert(jobs[i].r.makespan_s == want.makespan_s);
        ck_assert(jobs[i].r.energy_j == want.energy_j);
        ck_assert_int_eq(jobs[i].r.nsegs, want.nsegs);
        for (int m = 0; m < want.nmodels; m++)
            ck_assert(jobs[i].r.models[m].latency_s == want.models[m].latency_s);
        res_free(&jobs[i].r);
    }
    res_free(&want);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

Suite *test_suite(void)
{
    err_t e;
    if (runner_ranks_start(NULL, NULL, &ranks, &e) != ERR_OK) {
        fprintf(stderr, "%s\n", e.msg);
        exit(EXIT_FAILURE);
    }
    atexit(end_ranks);
    Suite *s = suite_create("runner_ranks");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_rank_holds_every_item);
    tcase_add_test(tc, every_rank_holds_every_job);
    suite_add_tcase(s, tc);
    return s;
}
