/* strategy_nsga2.c - NSGA-II (Deb et al., 2002) over the whole space (the
 * genome of search_genome.c), on two objectives (--objectives, default
 * latency and energy). A population of --population (default 10) evolves
 * for --generations (default 4): parents by binary tournament on (front,
 * crowding distance), children by crossover and random change, then the
 * best fronts of parents and children together survive, the last front to
 * fit cut by crowding distance (its ends kept). Each individual is refined
 * by a short local search on a weighted product of the two objectives, the
 * weights spread over the population (child i: f0^w f1^(1-w), w = (i+1/2)/P),
 * so that the refinements pull towards different parts of the front; the
 * first individual of each generation refines on --objective itself, so
 * that the point the search reports is sought directly too.
 * With --sim-budget, the last generations rank on simulated figures.
 * Every estimate is offered to the top list (by --objective, ties broken
 * on the others) and to the makespan-energy front. */
#include <math.h>
#include <stdlib.h>
#include "search_int.h"

static void ns_objectives(const srch_state *x, srch_genome *g)
{
    for (int k = 0; k < 2; k++)
        g->f[k] = search_score(x->o->objectives[k], &g->pt);
}

static int ns_dominates(const srch_genome *a, const srch_genome *b)
{
    return a->f[0] <= b->f[0] && a->f[1] <= b->f[1] && (a->f[0] < b->f[0] || a->f[1] < b->f[1]);
}

/* The local search's test: the weighted log-sum of the objectives falls,
   or stays while the search's own objective improves. */
static int ns_better(const srch_state *x, const srch_genome *a, const srch_genome *b,
                     const void *arg)
{
    double w = *(const double *)arg;
    double fa[2], fb[2];
    for (int k = 0; k < 2; k++) {
        fa[k] = search_score(x->o->objectives[k], &a->pt);
        fb[k] = search_score(x->o->objectives[k], &b->pt);
    }
    double sa = w * log(fa[0]) + (1 - w) * log(fa[1]), sb = w * log(fb[0]) + (1 - w) * log(fb[1]);
    if (sa != sb)
        return sa < sb;
    return search_cmp(x->o->objective, &a->pt, &b->pt) < 0;
}

/* The local search of individual I: the first refines on the search's own
   --objective, the others on their weighted products. */
static srch_better_fn ns_refine(int i)
{
    return i == 0 ? srch_gen_better_objective : ns_better;
}

/* Fronts (rank) and crowding distances of the N individuals IDX[0..n-1];
   IDX comes back ordered by (rank, crowding descending, index). */
static void ns_rank(srch_evo *v, int *idx, int n, int *tmp)
{
    for (int i = 0; i < n; i++)
        srch_evo_at(v, idx[i])->rank = -1;
    int done = 0;
    for (int r = 0; done < n; r++) {
        /* the front of rank r: not dominated by any individual not ranked before r */
        int nf = 0;
        for (int i = 0; i < n; i++) {
            srch_genome *a = srch_evo_at(v, idx[i]);
            if (a->rank >= 0)
                continue;
            int dom = 0;
            for (int j = 0; j < n && !dom; j++) {
                srch_genome *b = srch_evo_at(v, idx[j]);
                dom = b->rank < 0 && j != i && ns_dominates(b, a);
            }
            if (!dom)
                tmp[nf++] = idx[i];
        }
        for (int i = 0; i < nf; i++)
            srch_evo_at(v, tmp[i])->rank = r;
        done += nf;
        /* crowding: per objective, the front sorted, ends infinite, inner
           points the normalised gap between their neighbours */
        for (int i = 0; i < nf; i++)
            srch_evo_at(v, tmp[i])->crowd = 0;
        for (int k = 0; k < 2; k++) {
            for (int i = 1; i < nf; i++)
                for (int j = i; j > 0 && srch_evo_at(v, tmp[j])->f[k] <
                                             srch_evo_at(v, tmp[j - 1])->f[k]; j--) {
                    int t = tmp[j];
                    tmp[j] = tmp[j - 1];
                    tmp[j - 1] = t;
                }
            double lo = srch_evo_at(v, tmp[0])->f[k], hi = srch_evo_at(v, tmp[nf - 1])->f[k];
            srch_evo_at(v, tmp[0])->crowd = INFINITY;
            srch_evo_at(v, tmp[nf - 1])->crowd = INFINITY;
            for (int i = 1; i + 1 < nf && hi > lo; i++)
                srch_evo_at(v, tmp[i])->crowd +=
                    (srch_evo_at(v, tmp[i + 1])->f[k] - srch_evo_at(v, tmp[i - 1])->f[k]) / (hi - lo);
        }
    }
    /* order: rank, then crowding (descending), then index */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            const srch_genome *a = srch_evo_at(v, idx[j]), *b = srch_evo_at(v, idx[j - 1]);
            int before = a->rank != b->rank     ? a->rank < b->rank
                         : a->crowd != b->crowd ? a->crowd > b->crowd
                                                : idx[j] < idx[j - 1];
            if (!before)
                break;
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

/* Binary tournament on (front, crowding). */
static int ns_tournament(srch_state *x, srch_evo *v, int n)
{
    int a = (int)(srch_rand(&x->rng) % (uint64_t)n), b = (int)(srch_rand(&x->rng) % (uint64_t)n);
    const srch_genome *ga = srch_evo_at(v, a), *gb = srch_evo_at(v, b);
    if (ga->rank != gb->rank)
        return ga->rank < gb->rank ? a : b;
    return gb->crowd > ga->crowd ? b : a;
}

static int ns_run(srch_state *x)
{
    int P = x->o->population, G = x->o->generations, n = 2 * P;
    srch_evo v;
    int rc = srch_evo_init(&v, x, n);
    int *idx = rc ? NULL : malloc(3 * (size_t)n * sizeof *idx);
    if (!rc && !idx)
        rc = err_internal(x->e, "out of memory");
    for (int i = 0; !rc && i < P; i++) {
        double w = (i + 0.5) / P;
        srch_genome *g = srch_evo_at(&v, i);
        if (!(rc = srch_gen_start(&v, g, i, ns_refine(i), &w)))
            ns_objectives(x, g);
    }
    for (int i = 0; !rc && i < P; i++)
        idx[i] = i;
    if (!rc)
        ns_rank(&v, idx, P, idx + n);
    for (int gen = 0; !rc && gen < G; gen++) {
        for (int i = 0; !rc && i < P; i++) {
            double w = (i + 0.5) / P;
            int a = ns_tournament(x, &v, P), b = ns_tournament(x, &v, P);
            srch_genome *c = srch_evo_at(&v, P + i);
            if (!(rc = srch_gen_child(&v, srch_evo_at(&v, a), srch_evo_at(&v, b), c, ns_refine(i),
                                      &w)))
                ns_objectives(x, c);
        }
        if (!rc && srch_evo_simulated(x, gen) && !(rc = srch_evo_simulate(&v, n)))
            for (int i = 0; i < n; i++)
                ns_objectives(x, srch_evo_at(&v, i));
        if (rc)
            break;
        for (int i = 0; i < n; i++)
            idx[i] = i;
        ns_rank(&v, idx, n, idx + n);
        srch_evo_gather(&v, idx, P, n, idx + 2 * n);
        /* the survivors' fronts and crowding among themselves */
        for (int i = 0; i < P; i++)
            idx[i] = i;
        ns_rank(&v, idx, P, idx + n);
        srch_progress(x, (double)(gen + 1) / G);
    }
    free(idx);
    srch_evo_free(&v);
    return rc;
}

const srch_strategy srch_nsga2 = {.name = "nsga2", .method = "NSGA-II", .whole = ns_run};
