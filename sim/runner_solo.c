/* runner_solo.c - the ranks where mcmsim is built without MPI: always this
 * process alone, so a batch is the thread team's loop or runner_run as it
 * is (see runner.h). */
#include "runner.h"

int runner_ranks_start(int *argc, char ***argv, runner_ranks **out, err_t *e)
{
    (void)argc, (void)argv, (void)e;
    *out = NULL;
    return ERR_OK;
}

void runner_ranks_end(runner_ranks *g)
{
    (void)g;
}

int runner_rank(const runner_ranks *g)
{
    (void)g;
    return 0;
}

int runner_nranks(const runner_ranks *g)
{
    (void)g;
    return 1;
}

int runner_local_ranks(const runner_ranks *g)
{
    (void)g;
    return 1;
}

runner_cost runner_ranks_cost(const runner_ranks *g)
{
    (void)g;
    return (runner_cost){0};
}

int runner_loop(runner_ranks *g, pool_t *pool, long n, pool_fn fn, const runner_items *io, void *arg,
                err_t *e)
{
    (void)g, (void)io, (void)e;
    pool_run(pool, n, fn, arg);
    return ERR_OK;
}

int runner_run_ranks(runner_ranks *g, run_job *jobs, int n, int workers,
                     void (*done)(void *arg, int job, int ndone), void *arg, err_t *e)
{
    (void)g;
    return runner_run_watched(jobs, n, workers, done, arg, e);
}
