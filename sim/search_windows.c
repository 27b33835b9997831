/* search_windows.c - the window structures the search tries: every model in
 * one window on disjoint chiplets; one model per window on every chiplet;
 * and, with three models or more, greedy packings into 2 .. M-1 windows.
 * The models of a window on disjoint chiplets (the one window, each window
 * of a packing) get their chiplet allocations searched by the chosen
 * allocation strategy (exhaustive or anneal; auto chooses exhaustive here,
 * in srch_setup, and nsga2 over the whole space where the allocations are
 * too many). */
#include <stdlib.h>
#include <string.h>
#include "search_int.h"

int srch_allocate(srch_state *x, long steps)
{
    const srch_strategy *st = x->strategy;
    void *priv = NULL;
    x->unit = srch_steps_share(x, steps);
    int rc = st->start(x, steps, &priv);
    /* 0: one at a time; else at most that many allocations scored together
       (a strategy that must hear each score first still gets its one
       allocation's new parts and combinations each made in one loop) */
    int ahead = srch_batch_allocations(x);
    if (ahead > st->ahead)
        ahead = st->ahead;
    while (!rc && ahead == 0 && st->propose(x, priv, x->alloc)) {
        double score;
        rc = srch_try_allocation(x, x->alloc, &score);
        if (!rc)
            st->accept(x, priv, x->alloc, score);
    }
    /* proposals that need no score first: scored together, accepted in order */
    while (!rc && ahead > 0) {
        int n = 0;
        while (n < ahead && st->propose(x, priv, &x->ahead.alloc[(size_t)n * (size_t)x->N]))
            n++;
        if (n == 0)
            break;
        rc = srch_try_allocations(x, x->ahead.alloc, n, x->ahead.score);
        for (int i = 0; !rc && i < n; i++)
            st->accept(x, priv, &x->ahead.alloc[(size_t)i * (size_t)x->N], x->ahead.score[i]);
    }
    st->free(priv);
    x->units_done += x->unit;
    return rc;
}

int srch_one_window(srch_state *x)
{
    srch_set_group(x, NULL, x->M);
    return srch_allocate(x, x->o->anneal_steps);
}

int srch_sequential(srch_state *x)
{
    size_t W = (size_t)x->words;
    uint64_t *all = x->gsets;
    memset(all, 0, W * sizeof *all);
    for (int c = 0; c < x->N; c++)
        all[c / 64] |= 1ULL << (c % 64);
    srch_set_group(x, NULL, x->M);
    for (int m = 0; m < x->M; m++) {
        int rc = srch_parts_for(x, m, all, x->N, &x->gmemo[m]);
        if (rc)
            return rc;
    }
    double best;
    return srch_cross(x, x->gmemo, x->M, 1, &best);
}

typedef struct {
    const sched_t *kept;
    int W;
} srch_pack_arg;

/* The packing's schedule with window w's PICK[w]-th kept schedule. */
static sched_t srch_pack_build(srch_state *x, void *arg, const int *pick, srch_worker *wk)
{
    (void)x;
    const srch_pack_arg *a = arg;
    for (int w = 0; w < a->W; w++)
        wk->sw[w] = a->kept[w * SRCH_GROUP_KEEP + pick[w]].windows[0];
    return (sched_t){.path = NULL, .nwindows = a->W, .windows = wk->sw};
}

/* One packing into W windows: the models, ORDER's most work first, each
   join the window with the least work so far; each window's allocation is
   searched on its own (its best SRCH_GROUP_KEEP kept in KEPT), and their
   combinations offered, windows in order. A packing with a window that
   cannot be placed (more models than chiplets) is left out. */
static int srch_packing(srch_state *x, const int *order, int W, int *win_of, int *grp, double *load,
                        sched_t *kept, int *nkept, int *pick)
{
    memset(load, 0, (size_t)W * sizeof *load);
    for (int i = 0; i < x->M; i++) {
        int best = 0;
        for (int w = 1; w < W; w++)
            if (load[w] < load[best])
                best = w;
        win_of[i] = best;
        load[best] += srch_model_work(&x->scn->models[order[i]]);
    }
    int rc = ERR_OK, placed = 1;
    memset(nkept, 0, (size_t)W * sizeof *nkept);
    for (int w = 0; !rc && placed && w < W; w++) {
        int g = 0;
        for (int i = 0; i < x->M; i++)
            if (win_of[i] == w)
                grp[g++] = order[i];
        srch_set_group(x, grp, g);
        rc = srch_allocate(x, x->o->anneal_steps / W);
        sched_t *kw = &kept[w * SRCH_GROUP_KEEP];
        for (int i = 0; i < x->ngbest; i++) {
            kw[i] = x->gbest[i]; /* ownership moves */
            memset(&x->gbest[i], 0, sizeof x->gbest[i]);
            /* number the parts' models as the scenario does */
            for (int k = 0; k < kw[i].windows[0].nparts; k++)
                kw[i].windows[0].parts[k].model = x->gm[kw[i].windows[0].parts[k].model];
        }
        nkept[w] = x->ngbest;
        x->ngbest = 0;
        placed = nkept[w] > 0;
    }
    srch_set_group(x, NULL, x->M);
    srch_pack_arg a = {kept, W};
    double best;
    if (!rc && placed)
        rc = srch_combine(x, W, nkept, 0, pick, srch_pack_build, &a, &best);
    for (int w = 0; w < W; w++)
        for (int i = 0; i < nkept[w]; i++)
            sched_free(&kept[w * SRCH_GROUP_KEEP + i]);
    return rc;
}

int srch_packings(srch_state *x)
{
    size_t M = (size_t)x->M;
    int *order = malloc(M * sizeof *order), *win_of = malloc(M * sizeof *win_of);
    int *grp = malloc(M * sizeof *grp), *nkept = malloc(M * sizeof *nkept);
    int *pick = malloc(M * sizeof *pick);
    double *load = malloc(M * sizeof *load);
    sched_t *kept = calloc(M * SRCH_GROUP_KEEP, sizeof *kept);
    int rc = order && win_of && grp && nkept && pick && load && kept
                 ? ERR_OK
                 : err_internal(x->e, "out of memory");
    if (!rc)
        srch_by_work(x, order);
    for (int W = 2; !rc && W < x->M; W++)
        rc = srch_packing(x, order, W, win_of, grp, load, kept, nkept, pick);
    free(order);
    free(win_of);
    free(grp);
    free(nkept);
    free(pick);
    free(load);
    free(kept);
    return rc;
}
