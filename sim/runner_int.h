/* runner_int.h - private to the runner (sim/runner*.c); nothing else includes it.
 *
 * The ranks as the transport (runner_mpi.c) gives them to the spreading of
 * batches (runner_ranks.c), both built only with MPI (runner_solo.c stands
 * for them without), and the job's answer as both a forked worker and a
 * rank send it (runner.c). */
#ifndef MCM_RUNNER_INT_H
#define MCM_RUNNER_INT_H

#include <stddef.h>
#include <stdint.h>
#include "runner.h"

struct runner_comm; /* the transport's own */

/* Everything an exchange needs is allocated with the ranks: a rank that
   could not allocate during a batch would leave the others waiting. */
struct runner_ranks {
    int rank, n, local;
    runner_cost cost;
    wire_t all;               /* the last exchange's bytes */
    size_t *at;               /* n + 1: where each rank's block starts in ALL */
    wire_t *block;            /* n: a reader of each block */
    int32_t *items;           /* n: whether each block holds items */
    struct runner_comm *comm;
};

/* Every rank's MINE, in rank order, into G->all (replacing what it held):
   rank r's bytes are [G->at[r], G->at[r + 1]). A failure of the transport,
   or a rank that cannot hold the bytes, ends the job (runner_abort) with
   E's message: the ranks could not go on in step. */
void runner_allgather(runner_ranks *g, const wire_t *mine, err_t *e);
/* The same where every rank's bytes fit in SLOT (MINE padded to it): one
   collective call instead of two; rank r's block starts at r x SLOT. */
void runner_allgather_fixed(runner_ranks *g, const wire_t *mine, size_t slot, err_t *e);
/* Ends the whole job with E's message, from any one rank (G may be NULL):
   for what leaves that rank unable to go on in step with the others. */
_Noreturn void runner_abort(runner_ranks *g, const err_t *e);

/* Job J's answer: magic, status, message, [result], magic. */
void runner_put_answer(wire_t *w, int32_t rc, const err_t *e, const res_result *r);
/* Reads an answer from W into J: -1 when it is incomplete. */
int runner_get_answer(wire_t *w, run_job *j);

#endif
