/* strategy_exhaustive.c - every chiplet allocation of the group, in the
 * order of the base-(G+1) numbers 0 .. (G+1)^N - 1 (chiplet 0 the lowest
 * digit). Refuses a space of more than SRCH_ENUM_MAX allocations: they
 * would not finish. */
#include <math.h>
#include <stdlib.h>
#include "search_int.h"

#define SRCH_ENUM_MAX 1000000000L

typedef struct {
    long total, proposed, accepted;
} ex_priv;

static int ex_start(srch_state *x, long steps, void **priv)
{
    (void)steps;
    long total = srch_alloc_count(x->G + 1, x->N, SRCH_ENUM_MAX);
    if (total > SRCH_ENUM_MAX)
        return err_input(x->e,
                         "--strategy exhaustive: %d model%s on %d chiplets have %d^%d (about "
                         "10^%.1f) chiplet allocations, more than the 10^9 that can be enumerated; "
                         "use --strategy anneal or auto",
                         x->G, x->G == 1 ? "" : "s", x->N, x->G + 1, x->N, x->N * log10(x->G + 1.0));
    ex_priv *ex = calloc(1, sizeof *ex);
    if (!ex)
        return err_internal(x->e, "out of memory");
    ex->total = total;
    *priv = ex;
    return ERR_OK;
}

static int ex_propose(srch_state *x, void *priv, int *alloc)
{
    ex_priv *ex = priv;
    if (ex->proposed == ex->total)
        return 0;
    long v = ex->proposed++;
    for (int c = 0; c < x->N; c++) {
        alloc[c] = (int)(v % (x->G + 1));
        v /= x->G + 1;
    }
    return 1;
}

static void ex_accept(srch_state *x, void *priv, const int *alloc, double score)
{
    ex_priv *ex = priv;
    (void)alloc, (void)score;
    srch_progress(x, (double)++ex->accepted / (double)ex->total);
}

/* Its proposals do not depend on the scores: any number may be scored together. */
const srch_strategy srch_exhaustive = {"exhaustive", "exhaustive", 1 << 30, ex_start, ex_propose,
                                       ex_accept, free, NULL};
