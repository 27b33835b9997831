/* strategy_ea.c - SCAR's evolutionary search over the whole space (the
 * genome of search_genome.c: windows, chiplets per model, the kept part
 * that fixes order, cuts and mini-batch). A population of --population
 * individuals (default 10: the heuristic structures first, then random
 * ones) evolves for --generations (default 4): each generation makes as
 * many children, each of two parents drawn by binary tournament, crossed
 * gene by gene and changed at random; every individual is refined by a
 * short local search (memetic), and the best of parents and children
 * together survive, by the objective with its ties broken on the others
 * (search_cmp), a copy of a survivor's figures only after every distinct
 * one. With --sim-budget, the last generations' survivors are chosen on
 * simulated figures (search_genome.c). Everything it estimates is offered
 * to the top list and the front. */
#include <stdlib.h>
#include "search_int.h"

/* The better of two individuals drawn at random among the first N. */
static int ea_tournament(srch_state *x, srch_evo *v, int n)
{
    int a = (int)(srch_rand(&x->rng) % (uint64_t)n), b = (int)(srch_rand(&x->rng) % (uint64_t)n);
    return srch_gen_better_objective(x, srch_evo_at(v, b), srch_evo_at(v, a), NULL) ? b : a;
}

/* Sorts the indices IDX[0..n-1] by the objective, equal figures keeping
   their order (insertion sort: populations are small). */
static void ea_sort(const srch_state *x, srch_evo *v, int *idx, int n)
{
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && search_cmp(x->o->objective, &srch_evo_at(v, idx[k])->pt,
                                            &srch_evo_at(v, idx[k - 1])->pt) < 0; k--) {
            int t = idx[k];
            idx[k] = idx[k - 1];
            idx[k - 1] = t;
        }
}

/* The P survivors of the 2P individuals, moved to 0 .. P-1. */
static int ea_survive(srch_state *x, srch_evo *v, int P)
{
    int n = 2 * P, *idx = malloc((size_t)n * 2 * sizeof *idx);
    if (!idx)
        return err_internal(x->e, "out of memory");
    int *order = idx + n;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    ea_sort(x, v, idx, n);
    /* distinct figures first, copies after */
    int k = 0, prev = -1;
    for (int i = 0; i < n; i++) {
        int cur = idx[i];
        if (prev < 0 || search_cmp(x->o->objective, &srch_evo_at(v, cur)->pt,
                                   &srch_evo_at(v, prev)->pt) != 0)
            order[k++] = cur, idx[i] = -1;
        prev = cur;
    }
    for (int i = 0; i < n; i++)
        if (idx[i] >= 0)
            order[k++] = idx[i];
    srch_evo_gather(v, order, P, n, idx);
    free(idx);
    return ERR_OK;
}

static int ea_run(srch_state *x)
{
    int P = x->o->population, G = x->o->generations;
    srch_evo v;
    int rc = srch_evo_init(&v, x, 2 * P);
    for (int i = 0; !rc && i < P; i++)
        rc = srch_gen_start(&v, srch_evo_at(&v, i), i, srch_gen_better_objective, NULL);
    for (int gen = 0; !rc && gen < G; gen++) {
        for (int i = 0; !rc && i < P; i++) {
            int a = ea_tournament(x, &v, P), b = ea_tournament(x, &v, P);
            rc = srch_gen_child(&v, srch_evo_at(&v, a), srch_evo_at(&v, b), srch_evo_at(&v, P + i),
                                srch_gen_better_objective, NULL);
        }
        if (!rc && srch_evo_simulated(x, gen))
            rc = srch_evo_simulate(&v, 2 * P);
        if (!rc)
            rc = ea_survive(x, &v, P);
        srch_progress(x, (double)(gen + 1) / G);
    }
    srch_evo_free(&v);
    return rc;
}

const srch_strategy srch_ea = {.name = "ea", .method = "evolutionary search", .whole = ea_run};
