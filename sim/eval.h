/* eval.h - the evaluators of a schedule behind one signature.
 *
 * An evaluator turns (platform, scenario, schedule, plan) into a res_result:
 * "estimate" is the closed form (microseconds, in process), "simulate" the
 * SimGrid simulation (milliseconds; SimGrid keeps one engine per process,
 * so it must run in a process of its own: the runner gives it one). They
 * are chosen by name, so a further fidelity level is one more row of the
 * table in eval.c; compare is a diff of two results. */
#ifndef MCM_EVAL_H
#define MCM_EVAL_H

#include "nop.h"
#include "plan.h"
#include "result.h"

/* Fault injection for tests: EVAL_FAULT_ABORT makes a simulation abort as
   SimGrid starts, as a crash inside the engine would. */
typedef enum { EVAL_FAULT_NONE, EVAL_FAULT_ABORT } eval_fault;

typedef struct {
    int verbose;            /* SimGrid's own log on stderr */
    int timeline;           /* record compute and transfer events (for --trace) */
    int series_buckets;     /* time buckets of per-link load; 0 = default 100 */
    const nop_level *nop;   /* network fidelity of a simulation; NULL = default */
    eval_fault fault;
} eval_opts;

/* Evaluates S (lowered to PL, which may be NULL: then built from S) into R,
   which it initialises (res_init) and frees again on failure. */
typedef int (*eval_fn)(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                       const eval_opts *o, res_result *r, err_t *e);

typedef struct {
    const char *name;
    int isolated;           /* needs a fresh process of its own */
    eval_fn run;
} evaluator;

/* NULL when NAME is none of them. */
const evaluator *eval_find(const char *name);

#endif
