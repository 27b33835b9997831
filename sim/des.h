/* des.h - the schedule as a discrete-event simulation on SimGrid.
 *
 * Chiplets and DRAM channels are SimGrid hosts, mesh links are full-duplex
 * links with XY routes; each segment is an actor that, per mini-batch, waits
 * for its inputs, fetches weights that are not resident, computes the cost
 * model's cycles and sends its outputs. What the closed form ignores -
 * contention on links and DRAM channels, chiplets shared by two segments,
 * pipeline stalls - happens here and is measured.
 *
 * SimGrid keeps one engine per process and cannot load a platform twice, so
 * each simulation runs in a forked child that returns its result through a
 * pipe: a crash or deadlock of one candidate is an error for that candidate,
 * never a dead caller. */
#ifndef MCM_DES_H
#define MCM_DES_H

#include "plan.h"
#include "result.h"

typedef struct {
    int verbose;        /* SimGrid's own log on stderr */
    int timeline;       /* record compute and transfer events (for --trace) */
    int series_buckets; /* time buckets of per-link load; 0 = default 100 */
} des_opts;

/* Simulates S; R is initialised here (res_init) and freed again on failure.
   A schedule that cannot complete is ERR_INPUT with "deadlock" in E. */
int des_run(const plat_t *p, const scn_t *scn, const sched_t *s, const des_opts *o,
            res_result *r, err_t *e);

/* Fault injection for tests: DES_FAULT_ABORT makes the simulating child
   abort as SimGrid starts, as a crash inside the engine would. */
typedef enum { DES_FAULT_NONE, DES_FAULT_ABORT } des_fault;

/* des_run on a plan the caller built or altered (tests make plans that
   plan_build never would, such as one whose edges form a cycle). PL must
   belong to S: one plan segment per schedule segment, in schedule order. */
int des_run_plan(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const des_opts *o, des_fault fault, res_result *r, err_t *e);

/* The compute and transfer events simulating PL costs SimGrid (DRAM and
   chiplet-to-chiplet transfers; same-chiplet edges move no bytes), for
   measuring event rates against a plain SimGrid program. */
void des_count(const plan_t *pl, long *execs, long *transfers);

#endif
