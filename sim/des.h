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

#include "result.h"

typedef struct {
    int verbose;        /* SimGrid's own log on stderr */
    int timeline;       /* record compute and transfer events (for --trace) */
    int series_buckets; /* time buckets of per-link load; 0 = default 100 */
} des_opts;

int des_run(const plat_t *p, const scn_t *scn, const sched_t *s, const des_opts *o,
            res_result *r, err_t *e);

#endif
