/* estimate.h - the closed-form model of a schedule (SCAR's, with delta = 0).
 *
 * Per segment at mini-batch b': Lat = input comm + compute + output comm,
 * where a transfer costs Sz/BW + hops * hop latency (+ DRAM latency and
 * DRAM bandwidth when it comes from or goes to DRAM) and same-chiplet data is
 * free. A model's pipeline in a window is preload + sum_k Lat_k +
 * (b/b' - 1) * max_k Lat_k; a window lasts as long as its slowest model; the
 * schedule is the sum of its windows. Contention is ignored by design: that
 * is what `simulate` measures. Runs in microseconds; est_quick with a cache
 * that has met the schedule's spans allocates nothing. */
#ifndef MCM_ESTIMATE_H
#define MCM_ESTIMATE_H

#include "eval.h"

/* The "estimate" evaluator (eval.h): S lowered to PL (NULL: built here). */
int est_evaluate(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const eval_opts *o, res_result *r, err_t *e);
/* est_evaluate of S with its own plan. */
int est_run(const plat_t *p, const scn_t *scn, const sched_t *s, res_result *r, err_t *e);

/* Makespan, energy and per-model latencies only (MODEL_LAT may be NULL), as
   est_run gives them bit for bit, with S lowered through CACHE (may be NULL):
   what the search calls in its inner loop. */
int est_quick(const plat_t *p, const scn_t *scn, const sched_t *s, plan_cache *cache,
              double *makespan_s, double *energy_j, double *model_lat, err_t *e);

#endif
