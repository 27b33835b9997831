/* fluid.h - fluid flows over fixed routes sharing their resources max-min
 * fairly, all starting at time 0: the flow level's model (SimGrid's CM02
 * with unit factors, nop_flow.c) solved directly, for the NoP alone
 * (`mcmsim traffic`), where a thousand flows and nothing else make
 * SimGrid's general solver the whole cost. Progressive filling, phase by
 * phase: every unfinished flow's rate rises at the same pace until a
 * resource is full, the flows through it keep that rate, the others go on;
 * a phase lasts until the next flow finishes. Exact up to rounding. */
#ifndef MCM_FLUID_H
#define MCM_FLUID_H

typedef struct {
    int nres;
    const double *cap;       /* per resource, bytes/s, > 0 */
    int nflows;
    const int *first;        /* flow f crosses res[first[f] .. first[f + 1] - 1] */
    const int *res;
    const double *volume;    /* bytes, >= 0; a flow of 0 finishes at 0 */
} fluid_problem;

/* FINISH[f] receives when flow f's last byte is through. ERR_INTERNAL when
   out of memory. */
int fluid_solve(const fluid_problem *pb, double *finish);

#endif
