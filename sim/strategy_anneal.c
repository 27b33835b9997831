/* strategy_anneal.c - simulated annealing over the group's chiplet
 * allocations, from the proportional one: each step moves one chiplet to
 * another model (or to none) and, three times in ten, swaps it with another
 * chiplet; a worse allocation is taken with probability exp(-d / T), d its
 * relative loss, T falling geometrically from 0.05 to 0.001. Its random
 * draws come from the search's one stream, in a fixed order, so a seed
 * gives the same search every time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "search_int.h"

typedef struct {
    long steps;
    long k;           /* steps scored; -1 until the start has been */
    int *cur;
    double cur_score;
} an_priv;

static void an_free(void *priv)
{
    an_priv *an = priv;
    if (an)
        free(an->cur);
    free(an);
}

static int an_start(srch_state *x, long steps, void **priv)
{
    an_priv *an = calloc(1, sizeof *an);
    if (an)
        an->cur = malloc((size_t)x->N * sizeof *an->cur);
    if (!an || !an->cur) {
        an_free(an);
        return err_internal(x->e, "out of memory");
    }
    an->steps = steps;
    an->k = -1;
    srch_proportional_allocation(x, an->cur);
    *priv = an;
    return ERR_OK;
}

static int an_propose(srch_state *x, void *priv, int *alloc)
{
    an_priv *an = priv;
    if (an->k >= an->steps)
        return 0;
    memcpy(alloc, an->cur, sizeof(int) * (size_t)x->N);
    if (an->k < 0)
        return 1;
    int c = (int)(srch_rand(&x->rng) % (uint64_t)x->N);
    int v = (int)(srch_rand(&x->rng) % (uint64_t)(x->G + 1));
    if (v == alloc[c])
        v = (v + 1) % (x->G + 1);
    alloc[c] = v;
    if (srch_unit(&x->rng) < 0.3) { /* and swap two chiplets */
        int c2 = (int)(srch_rand(&x->rng) % (uint64_t)x->N);
        int t = alloc[c];
        alloc[c] = alloc[c2];
        alloc[c2] = t;
    }
    return 1;
}

static void an_accept(srch_state *x, void *priv, const int *alloc, double sc)
{
    an_priv *an = priv;
    if (an->k < 0) {
        an->cur_score = sc;
        an->k = 0;
        return;
    }
    double temp = 0.05 * pow(0.001 / 0.05, (double)an->k / (double)an->steps);
    double d = (sc - an->cur_score) / an->cur_score;
    /* the draw is made only for a finite loss: the stream stays as it was */
    if (isfinite(sc) && (d <= 0 || srch_unit(&x->rng) < exp(-d / temp))) {
        memcpy(an->cur, alloc, sizeof(int) * (size_t)x->N);
        an->cur_score = sc;
    }
    an->k++;
    srch_progress(x, (double)an->k / (double)an->steps);
}

/* Each proposal starts from the state the last score left. */
const srch_strategy srch_anneal = {"anneal", "simulated annealing", 1, an_start, an_propose,
                                   an_accept, an_free, NULL};
