/* runner.h - executes batches of evaluation jobs.
 *
 * A job is one schedule for one evaluator (eval.h). Jobs of in-process
 * evaluators (the estimate) run here, one after another; jobs of isolated
 * ones (the simulation) each get a forked worker process, at most WORKERS
 * at once, which sends the full result back in the wire format (wire.h).
 * A job that fails - a bad schedule, a crash, an engine deadlock - fails
 * alone, with its own message; the runner waits only for the workers it
 * started. Results do not depend on WORKERS. */
#ifndef MCM_RUNNER_H
#define MCM_RUNNER_H

#include "eval.h"

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

#endif
