/* des.h - the schedule as a discrete-event simulation on SimGrid.
 *
 * Chiplets and DRAM channels are SimGrid hosts, the network is the chosen
 * level's (nop.h); each segment is an actor that, per mini-batch, waits
 * for its inputs, fetches weights that are not resident, computes the cost
 * model's cycles and sends its outputs. What the closed form ignores -
 * contention on links and DRAM channels, chiplets shared by two segments,
 * pipeline stalls - happens here and is measured.
 *
 * SimGrid keeps one engine per process and cannot load a platform twice:
 * des_simulate runs at most once in a process. Callers go through the
 * runner (runner.h), which gives each simulation a forked process of its
 * own, so a crash or deadlock of one candidate is an error for that
 * candidate, never a dead caller. */
#ifndef MCM_DES_H
#define MCM_DES_H

#include "eval.h"

/* The "simulate" evaluator (eval.h): simulates S, lowered to PL (NULL:
   built here; tests pass plans that plan_build never would, such as one
   whose edges form a cycle; PL must belong to S: one plan segment per
   schedule segment, in schedule order). A schedule that cannot complete is
   ERR_INPUT with "deadlock" in E. */
int des_simulate(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const eval_opts *o, res_result *r, err_t *e);

/* The most computes and transfers a simulation runs (des_count): ten
   million take about a minute and a GB of records; more is an input error
   before the engine starts, not a run that seems to hang. */
#define DES_MAX_EVENTS 10000000L

/* The compute and transfer events simulating PL costs SimGrid (DRAM and
   chiplet-to-chiplet transfers; same-chiplet edges move no bytes), for
   measuring event rates against a plain SimGrid program. */
void des_count(const plan_t *pl, long *execs, long *transfers);

#endif
