/* runner.h - executes batches of evaluation jobs.
 *
 * A job is one schedule for one evaluator (eval.h). Jobs of in-process
 * evaluators (the estimate) run here, one after another; jobs of isolated
 * ones (the simulation) each get a forked worker process, at most WORKERS
 * at once, which sends the full result back in the wire format (wire.h).
 * A job that fails - a bad schedule, a crash, an engine deadlock - fails
 * alone, with its own message; the runner waits only for the workers it
 * started. Results do not depend on WORKERS.
 *
 * The ranks (runner_ranks.c; runner_mpi.c over Open MPI): the processes of
 * one `mpirun`, each running the same command on the same inputs. Every rank
 * keeps the whole state and goes through the same steps; a batch - a loop of
 * estimates, a list of jobs - is split cyclically (item i on rank i mod P),
 * each rank runs its share, and the outputs are exchanged in the wire format
 * so that every rank holds every item's output, as one process would have
 * made it. The ranks so stay in step with no master, a rank's failure
 * travels in the exchange to all of them (each returns the same error), and
 * rank 0 alone prints. Without MPI, or not started by mpirun, a run is one
 * rank and nothing is exchanged. */
#ifndef MCM_RUNNER_H
#define MCM_RUNNER_H

#include "eval.h"
#include "pool.h"
#include "wire.h"

typedef struct {
    /* in */
    const plat_t *p;
    const scn_t *scn;
    const sched_t *s;
    const plan_t *pl;        /* NULL: built from S */
    const evaluator *ev;
    const eval_opts *opts;   /* NULL: defaults */
    /* out */
    int rc;                  /* ERR_OK, or the job's error (its message in err) */
    err_t err;
    res_result r;            /* owned by the job when rc == ERR_OK: res_free it */
} run_job;

/* Runs the N JOBS. Returns ERR_OK when every job ran (each its rc), or
   ERR_INTERNAL with E set when the runner itself could not go on (no pipe,
   no fork); jobs it could not run then carry that error too. */
int runner_run(run_job *jobs, int n, int workers, err_t *e);

/* runner_run, calling DONE(ARG, JOB, NDONE) as each job ends (in the
   caller's process, in the order they end), for progress lines. */
int runner_run_watched(run_job *jobs, int n, int workers, void (*done)(void *arg, int job, int ndone),
                       void *arg, err_t *e);

/* One job: evaluates S with EV into R (res_init'd here, freed on failure);
   returns the job's status with its message in E. */
int runner_one(const evaluator *ev, const plat_t *p, const scn_t *scn, const sched_t *s,
               const plan_t *pl, const eval_opts *o, res_result *r, err_t *e);

/* ---- ranks ---- */

typedef struct runner_ranks runner_ranks;

/* Joins the MPI job this process was started in by mpirun (*OUT then holds
   its ranks), or makes *OUT NULL: this process alone. */
int runner_ranks_start(int *argc, char ***argv, runner_ranks **out, err_t *e);
/* Leaves the MPI job; G may be NULL. */
void runner_ranks_end(runner_ranks *g);
int runner_rank(const runner_ranks *g);        /* 0 for NULL */
int runner_nranks(const runner_ranks *g);      /* 1 for NULL */
int runner_local_ranks(const runner_ranks *g); /* ranks on this machine: 1 for NULL */

/* What spreading cost this rank so far: the batches exchanged, the bytes it
   received, and the seconds (wall and CPU) it spent running its share of
   them and in the exchanges. */
typedef struct {
    long batches;
    double bytes_in, run_s, run_cpu_s, exchange_s, exchange_cpu_s;
} runner_cost;
runner_cost runner_ranks_cost(const runner_ranks *g);

/* How the outputs of a loop's items cross between ranks: PUT writes item
   I's, at most MAX bytes, into W on the rank that ran it; GET reads them
   from W into ARG's slot I on every other rank (-1: not an output of this
   shape). The bound lets a batch cross in one collective call. */
typedef struct {
    void (*put)(void *arg, long i, wire_t *w);
    int (*get)(void *arg, long i, wire_t *w);
    size_t max;
} runner_items;

/* pool_run(POOL, N, FN, ARG) over the ranks: this rank runs its share on
   POOL, then every rank holds every item's output. The first failed rank's
   error (in E, the same on every rank) when a rank could not send its share. */
int runner_loop(runner_ranks *g, pool_t *pool, long n, pool_fn fn, const runner_items *io, void *arg,
                err_t *e);

/* runner_run_watched over the ranks: each runs its share of the jobs,
   WORKERS at a time, and then every rank holds every job's status and
   result. DONE (may be NULL) is called as runner_run_watched calls it on one
   rank; over several, for every job in order once all have crossed (a rank
   sees only its own share end). */
int runner_run_ranks(runner_ranks *g, run_job *jobs, int n, int workers,
                     void (*done)(void *arg, int job, int ndone), void *arg, err_t *e);

#endif
