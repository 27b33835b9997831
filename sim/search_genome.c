/* search_genome.c - the genome the evolutionary strategies (ea, nsga2)
 * search the whole space with, and what they share: seeding, variation,
 * decoding into a schedule, estimation and a local search.
 *
 * A genome holds, for each of the M models, the window it runs in (a label;
 * windows run in label order, so labels say both the grouping and the
 * order) and which of its kept parts it takes (pick: fastest, leanest or
 * best product), and for each label a row of N owners, chiplet c of that
 * window going to model own - 1 (0: unused). What a model's part is on its
 * chiplet set, the chiplet order its segments take (placement), the cut
 * points (segmentation) and the mini-batch, comes from the memo of parts
 * kept per (model, chiplet set) (search_space.c: every order tried at
 * every mini-batch, each cut where its slowest segment is fastest); the
 * pick chooses among them. Every genome decodes to a valid schedule: after
 * each change it is normalised (labels made 0 .. W-1 in order, owners that
 * are not in their row's window cleared, a window of more models than
 * chiplets split, a model without a chiplet given the window's unused
 * ones, or one from the model holding most) and the normal form is kept
 * (Lamarckian), so equal genomes are equal schedules.
 *
 * Random draws come from the search's one stream in a fixed order and
 * every estimate is made in that order: a seed gives the same search for
 * every -j. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "search_int.h"

/* Local-search neighbours per individual: enough, with SCAR's population
   10 and 4 generations, to land within 2 % of the exhaustive optimum on the
   2x2 and 3x3 cases of test_search_optimum.c. They are drawn GEN_TRIALS at
   a time, so that their new parts are made in one loop of the team. */
#define GEN_TRIALS 8
#define GEN_LS_CHIPLETS 64
static long gen_ls_steps(const srch_state *x)
{
    /* past 64 chiplets the neighbourhood grows with the models only: each
       step costs more there already (normal forms and chiplet sets of N) */
    return 8L * ((x->N < GEN_LS_CHIPLETS ? x->N : GEN_LS_CHIPLETS) + x->M);
}

int srch_evo_init(srch_evo *v, srch_state *x, int cap)
{
    memset(v, 0, sizeof *v);
    v->x = x;
    size_t M = (size_t)x->M, N = (size_t)x->N, per = 2 * M + M * N;
    v->cap = cap + GEN_TRIALS + 1; /* and scratch: the trials, the normal form's */
    v->g = calloc((size_t)v->cap, sizeof *v->g);
    v->genes = calloc((size_t)v->cap * per, sizeof *v->genes);
    v->map = malloc(M * sizeof *v->map);
    v->mw = malloc(M * sizeof *v->mw);
    v->cnt = malloc(M * sizeof *v->cnt);
    v->sets = malloc(M * (size_t)x->words * sizeof *v->sets);
    v->miss = malloc(GEN_TRIALS * M * sizeof *v->miss);
    v->made = malloc(GEN_TRIALS * M * sizeof *v->made);
    v->ords = malloc(GEN_TRIALS * M * SRCH_MAX_ORDERS * N * sizeof *v->ords);
    if (!v->g || !v->genes || !v->map || !v->mw || !v->cnt || !v->sets || !v->miss || !v->made ||
        !v->ords) {
        srch_evo_free(v);
        return err_internal(x->e, "out of memory");
    }
    for (int i = 0; i < v->cap; i++) {
        v->g[i].win = &v->genes[(size_t)i * per];
        v->g[i].pick = v->g[i].win + M;
        v->g[i].own = v->g[i].pick + M;
    }
    return ERR_OK;
}

void srch_evo_free(srch_evo *v)
{
    free(v->g);
    free(v->genes);
    free(v->map);
    free(v->mw);
    free(v->cnt);
    free(v->sets);
    free(v->miss);
    free(v->made);
    free(v->ords);
    memset(v, 0, sizeof *v);
}

srch_genome *srch_evo_at(srch_evo *v, int i)
{
    return &v->g[i];
}

void srch_evo_gather(srch_evo *v, const int *idx, int P, int n, int *where)
{
    srch_genome *tmp = &v->g[v->cap - 2];
    for (int i = 0; i < n; i++)
        where[i] = i;
    for (int i = 0; i < P; i++) {
        int from = where[idx[i]];
        if (from == i)
            continue;
        srch_gen_copy(v->x, tmp, &v->g[i]);
        srch_gen_copy(v->x, &v->g[i], &v->g[from]);
        srch_gen_copy(v->x, &v->g[from], tmp);
        for (int j = 0; j < n; j++)
            if (where[j] == i)
                where[j] = from;
        where[idx[i]] = i;
    }
}

void srch_gen_copy(const srch_state *x, srch_genome *dst, const srch_genome *src)
{
    size_t M = (size_t)x->M;
    memcpy(dst->win, src->win, (2 * M + M * (size_t)x->N) * sizeof *dst->win);
    dst->nwin = src->nwin;
    dst->pt = src->pt;
    dst->f[0] = src->f[0], dst->f[1] = src->f[1];
    dst->rank = src->rank;
    dst->crowd = src->crowd;
}

static int *gen_row(const srch_state *x, srch_genome *g, int w)
{
    return &g->own[(size_t)w * (size_t)x->N];
}

/* The models of window W, ascending, in V->mw; their number. */
static int gen_models_of(srch_evo *v, const srch_genome *g, int w)
{
    int n = 0;
    for (int m = 0; m < v->x->M; m++)
        if (g->win[m] == w)
            v->mw[n++] = m;
    return n;
}

/* Labels made 0 .. W-1 in their order, rows moved with them, the rest zero. */
static void gen_compact(srch_evo *v, srch_genome *g)
{
    const srch_state *x = v->x;
    srch_genome *t = &v->g[v->cap - 1];
    size_t N = (size_t)x->N;
    for (int l = 0; l < x->M; l++)
        v->map[l] = -1;
    for (int m = 0; m < x->M; m++)
        v->map[g->win[m]] = 0;
    int W = 0;
    for (int l = 0; l < x->M; l++)
        if (v->map[l] == 0)
            v->map[l] = W++;
    memset(t->own, 0, (size_t)x->M * N * sizeof *t->own);
    for (int l = 0; l < x->M; l++)
        if (v->map[l] >= 0)
            memcpy(gen_row(x, t, v->map[l]), gen_row(x, g, l), N * sizeof *t->own);
    memcpy(g->own, t->own, (size_t)x->M * N * sizeof *g->own);
    for (int m = 0; m < x->M; m++)
        g->win[m] = v->map[g->win[m]];
    g->nwin = W;
}

/* Window W's row made valid for its models MW[0..n-1] (at most N). */
static void gen_repair_row(srch_evo *v, srch_genome *g, int w, int n)
{
    const srch_state *x = v->x;
    int *row = gen_row(x, g, w);
    for (int c = 0; c < x->N; c++)
        if (row[c] > 0 && g->win[row[c] - 1] != w)
            row[c] = 0;
    for (int m = 0; m < x->M; m++)
        v->cnt[m] = 0;
    int unused = 0;
    for (int c = 0; c < x->N; c++) {
        if (row[c] > 0)
            v->cnt[row[c] - 1]++;
        else
            unused++;
    }
    int needy = 0;
    for (int i = 0; i < n; i++)
        needy += v->cnt[v->mw[i]] == 0;
    if (!needy)
        return;
    if (unused) {
        /* the unused chiplets, in snake order, dealt out to the models without one */
        int k = 0;
        for (int s = 0; s < x->nsnake; s++) {
            int c = x->snake[s];
            if (row[c] > 0)
                continue;
            int seen = 0;
            for (int i = 0; i < n; i++)
                if (v->cnt[v->mw[i]] == 0 && seen++ == k % needy) {
                    row[c] = -(v->mw[i] + 1); /* marked: still counted as needy */
                    break;
                }
            k++;
        }
        for (int c = 0; c < x->N; c++)
            if (row[c] < 0)
                row[c] = -row[c];
        return;
    }
    for (int i = 0; i < n; i++) {
        int m = v->mw[i];
        if (v->cnt[m])
            continue;
        int donor = -1;
        for (int j = 0; j < n; j++)
            if (donor < 0 || v->cnt[v->mw[j]] > v->cnt[donor])
                donor = v->mw[j];
        for (int s = x->nsnake - 1; s >= 0; s--)
            if (row[x->snake[s]] == donor + 1) {
                row[x->snake[s]] = m + 1;
                break;
            }
        v->cnt[donor]--;
        v->cnt[m] = 1;
    }
}

void srch_gen_normalize(srch_evo *v, srch_genome *g)
{
    const srch_state *x = v->x;
    gen_compact(v, g);
    for (int w = 0; w < g->nwin; w++) {
        int n = gen_models_of(v, g, w);
        if (n > x->N) { /* the models past the first N move to a window of their own, last */
            for (int i = x->N; i < n; i++)
                g->win[v->mw[i]] = g->nwin;
            memset(gen_row(x, g, g->nwin), 0, (size_t)x->N * sizeof *g->own);
            g->nwin++;
            n = x->N;
        }
        gen_repair_row(v, g, w, n);
    }
}

/* ---- seeds and variation ---- */

/* A random owner for a chiplet of window W: one of its models, or none. */
static int gen_random_owner(srch_evo *v, const srch_genome *g, int w)
{
    int n = gen_models_of(v, g, w);
    int k = (int)(srch_rand(&v->x->rng) % (uint64_t)(n + 1));
    return k == n ? 0 : v->mw[k] + 1;
}

/* Window W of G gets the proportional allocation of its models. */
static void gen_proportional(srch_evo *v, srch_genome *g, int w)
{
    srch_state *x = v->x;
    int n = gen_models_of(v, g, w);
    srch_set_group(x, v->mw, n);
    srch_proportional_allocation(x, x->alloc);
    int *row = gen_row(x, g, w);
    for (int c = 0; c < x->N; c++)
        row[c] = x->alloc[c] ? x->gm[x->alloc[c] - 1] + 1 : 0;
    srch_set_group(x, NULL, x->M);
}

void srch_gen_seed(srch_evo *v, srch_genome *g, int i)
{
    srch_state *x = v->x;
    memset(g->own, 0, (size_t)x->M * (size_t)x->N * sizeof *g->own);
    for (int m = 0; m < x->M; m++)
        g->pick[m] = SRCH_PER_SET - 1; /* the best product */
    if (i == 0 || i < x->M) {
        /* every model in one window; then one model per window (i == 1,
           the most work first) and the greedy packings into i windows */
        int W = i == 0 ? 1 : i == 1 ? x->M : i;
        int *order = v->cnt;
        srch_by_work(x, order);
        double *load = x->work;
        for (int w = 0; w < W; w++)
            load[w] = 0;
        for (int k = 0; k < x->M; k++) {
            int best = 0;
            for (int w = 1; w < W; w++)
                if (load[w] < load[best])
                    best = w;
            g->win[order[k]] = best;
            load[best] += srch_model_work(&x->scn->models[order[k]]);
        }
        srch_gen_normalize(v, g);
        for (int w = 0; w < g->nwin; w++)
            gen_proportional(v, g, w);
    } else {
        int W = 1 + (int)(srch_rand(&x->rng) % (uint64_t)x->M);
        for (int m = 0; m < x->M; m++) {
            g->win[m] = (int)(srch_rand(&x->rng) % (uint64_t)W);
            g->pick[m] = (int)(srch_rand(&x->rng) % SRCH_PER_SET);
        }
        srch_gen_normalize(v, g);
        for (int w = 0; w < g->nwin; w++)
            for (int c = 0; c < x->N; c++)
                gen_row(x, g, w)[c] = gen_random_owner(v, g, w);
    }
    srch_gen_normalize(v, g);
}

/* One random change: a chiplet to another owner (or none), two chiplets
   swapped, another kept part, a model to another window or one of its own,
   or two windows' order swapped. */
static void gen_move(srch_evo *v, srch_genome *g)
{
    srch_state *x = v->x;
    uint64_t *r = &x->rng;
    double u = srch_unit(r);
    int W = g->nwin;
    if (u < 0.45) {
        int w = (int)(srch_rand(r) % (uint64_t)W), c = (int)(srch_rand(r) % (uint64_t)x->N);
        int *row = gen_row(x, g, w), o = gen_random_owner(v, g, w);
        row[c] = o != row[c] ? o : (o == 0 ? v->mw[0] + 1 : 0);
    } else if (u < 0.6) {
        int w = (int)(srch_rand(r) % (uint64_t)W), *row = gen_row(x, g, w);
        int a = (int)(srch_rand(r) % (uint64_t)x->N), b = (int)(srch_rand(r) % (uint64_t)x->N);
        int t = row[a];
        row[a] = row[b];
        row[b] = t;
    } else if (u < 0.75) {
        int m = (int)(srch_rand(r) % (uint64_t)x->M);
        g->pick[m] = (g->pick[m] + 1 + (int)(srch_rand(r) % (SRCH_PER_SET - 1))) % SRCH_PER_SET;
    } else if (u < 0.9 || W < 2) {
        int m = (int)(srch_rand(r) % (uint64_t)x->M);
        int most = W < x->M ? W + 1 : W, to = (int)(srch_rand(r) % (uint64_t)most);
        if (to == W) /* a window of its own, last: the row of label W is zero */
            memset(gen_row(x, g, W), 0, (size_t)x->N * sizeof *g->own);
        g->win[m] = to;
    } else {
        int a = (int)(srch_rand(r) % (uint64_t)W), b = (int)(srch_rand(r) % (uint64_t)W);
        for (int m = 0; m < x->M; m++)
            g->win[m] = g->win[m] == a ? b : g->win[m] == b ? a : g->win[m];
        int *ra = gen_row(x, g, a), *rb = gen_row(x, g, b);
        for (int c = 0; c < x->N; c++) {
            int t = ra[c];
            ra[c] = rb[c];
            rb[c] = t;
        }
    }
    srch_gen_normalize(v, g);
}

void srch_gen_vary(srch_evo *v, const srch_genome *a, const srch_genome *b, srch_genome *child)
{
    srch_state *x = v->x;
    srch_gen_copy(x, child, a);
    /* uniform crossover, gene by gene */
    for (int m = 0; m < x->M; m++)
        if (srch_rand(&x->rng) & 1) {
            child->win[m] = b->win[m];
            child->pick[m] = b->pick[m];
        }
    size_t n = (size_t)x->M * (size_t)x->N;
    for (size_t i = 0; i < n; i++)
        if (srch_rand(&x->rng) & 1)
            child->own[i] = b->own[i];
    srch_gen_normalize(v, child);
    int moves = 1 + (int)(srch_rand(&x->rng) % 3);
    for (int k = 0; k < moves; k++)
        gen_move(v, child);
}

/* ---- decoding and estimating ---- */

/* The chiplet set (V->sets) and its size (V->cnt) of each model of G. */
static void gen_sets(srch_evo *v, const srch_genome *g)
{
    srch_state *x = v->x;
    size_t W = (size_t)x->words;
    memset(v->sets, 0, (size_t)x->M * W * sizeof *v->sets);
    for (int m = 0; m < x->M; m++) {
        v->cnt[m] = 0;
        const int *row = &g->own[(size_t)g->win[m] * (size_t)x->N];
        for (int c = 0; c < x->N; c++)
            if (row[c] == m + 1) {
                v->sets[(size_t)m * W + (size_t)c / 64] |= 1ULL << (c % 64);
                v->cnt[m]++;
            }
    }
}

/* The memo entries the N genomes at slots FIRST.. need and lack, made in one
   loop of the team (in the order one thread would make them). */
static int gen_make_parts(srch_evo *v, int first, int n)
{
    srch_state *x = v->x;
    size_t W = (size_t)x->words, per = (size_t)SRCH_MAX_ORDERS * (size_t)x->N;
    int nm = 0, rc = ERR_OK;
    for (int t = 0; !rc && t < n; t++) {
        gen_sets(v, &v->g[first + t]);
        for (int m = 0; !rc && m < x->M; m++) {
            const uint64_t *set = &v->sets[(size_t)m * W];
            if (srch_memo_find(x, m, set))
                continue;
            int dup = 0;
            for (int j = 0; j < nm && !dup; j++)
                dup = v->made[j]->model == m && memcmp(v->made[j]->set, set, W * sizeof *set) == 0;
            if (dup)
                continue;
            int no;
            int *ords = &v->ords[(size_t)nm * per];
            if (!(rc = srch_memo_new(x, m, set, v->cnt[m], ords, &no, &v->made[nm])))
                v->miss[nm++] = (srch_miss){m, v->cnt[m], no, ords, 0};
        }
    }
    if (!rc && nm)
        rc = srch_batch_parts(x, v->miss, nm);
    for (int j = 0; j < nm; j++) {
        if (rc) {
            free(v->made[j]);
            continue;
        }
        srch_memo_fill(v->made[j], &x->batch.parts[v->miss[j].first],
                       (long)v->miss[j].no * x->models[v->miss[j].m].nmbs);
        rc = srch_memo_add(x, v->made[j]);
    }
    return rc;
}

/* The schedule G decodes to, in worker 0's scratch (parts made as needed). */
static int gen_build(srch_evo *v, const srch_genome *g, sched_t *out)
{
    srch_state *x = v->x;
    srch_worker *w = &x->wk[0];
    size_t W = (size_t)x->words;
    gen_sets(v, g);
    for (int m = 0; m < x->M; m++) {
        int rc = srch_parts_for(x, m, &v->sets[(size_t)m * W], v->cnt[m], &x->gmemo[m]);
        if (rc)
            return rc;
    }
    /* windows in label order, each one's models ascending */
    int k = 0;
    for (int wi = 0; wi < g->nwin; wi++) {
        int first = k;
        for (int m = 0; m < x->M; m++)
            if (g->win[m] == wi) {
                const srch_part *pt = &x->gmemo[m]->parts[g->pick[m]];
                w->sp[k++] = (sched_part){.model = m, .minibatch = pt->minibatch,
                                          .nsegs = pt->nsegs, .segs = pt->segs};
            }
        w->sw[wi] = (sched_window){.nparts = k - first, .parts = &w->sp[first]};
    }
    *out = (sched_t){.path = NULL, .nwindows = g->nwin, .windows = w->sw};
    return ERR_OK;
}

int srch_gen_eval(srch_evo *v, srch_genome *g)
{
    srch_state *x = v->x;
    srch_worker *w = &x->wk[0];
    sched_t s;
    double mk, en, score;
    int rc = gen_build(v, g, &s);
    if (rc)
        return rc;
    if ((rc = est_quick(x->p, x->scn, &s, w->cache, &mk, &en, w->lat, &w->err))) {
        *x->e = w->err;
        return rc;
    }
    g->pt = srch_point(x, mk, en, w->lat);
    x->allocations++;
    return srch_keep(x, &s, mk, en, w->lat, &score);
}

int srch_evo_simulate(srch_evo *v, int n)
{
    srch_state *x = v->x;
    sched_t *s = calloc((size_t)n, sizeof *s);
    search_point *pt = malloc((size_t)n * sizeof *pt);
    int rc = s && pt ? ERR_OK : err_internal(x->e, "out of memory");
    for (int i = 0; !rc && i < n; i++) {
        sched_t b;
        pt[i] = v->g[i].pt;
        if (!(rc = gen_build(v, &v->g[i], &b)) && sched_copy(&s[i], &b))
            rc = err_internal(x->e, "out of memory");
    }
    if (!rc)
        rc = srch_sim_fitness(x, s, pt, n);
    for (int i = 0; !rc && i < n; i++)
        v->g[i].pt = pt[i];
    for (int i = 0; s && i < n; i++)
        sched_free(&s[i]);
    free(s);
    free(pt);
    return rc;
}

int srch_evo_simulated(const srch_state *x, int gen)
{
    long per = x->o->population, gens = (x->o->sim_budget + per - 1) / per;
    return x->o->sim_budget > 0 && !x->o->no_simulate && gen >= x->o->generations - gens;
}

int srch_gen_improve(srch_evo *v, srch_genome *g, srch_better_fn better, const void *arg)
{
    int first = v->cap - 1 - GEN_TRIALS;
    long rounds = gen_ls_steps(v->x) / GEN_TRIALS;
    for (long r = 0; r < rounds; r++) {
        /* GEN_TRIALS random neighbours, their new parts made together; the
           best of them replaces G if it is better */
        for (int t = 0; t < GEN_TRIALS; t++) {
            srch_gen_copy(v->x, &v->g[first + t], g);
            gen_move(v, &v->g[first + t]);
        }
        int rc = gen_make_parts(v, first, GEN_TRIALS), best = -1;
        for (int t = 0; !rc && t < GEN_TRIALS; t++) {
            rc = srch_gen_eval(v, &v->g[first + t]);
            if (!rc && (best < 0 || better(v->x, &v->g[first + t], &v->g[first + best], arg)))
                best = t;
        }
        if (rc)
            return rc;
        if (better(v->x, &v->g[first + best], g, arg))
            srch_gen_copy(v->x, g, &v->g[first + best]);
    }
    return ERR_OK;
}

int srch_gen_better_objective(const srch_state *x, const srch_genome *a, const srch_genome *b,
                              const void *arg)
{
    (void)arg;
    return search_cmp(x->o->objective, &a->pt, &b->pt) < 0;
}

int srch_gen_start(srch_evo *v, srch_genome *g, int i, srch_better_fn better, const void *arg)
{
    srch_gen_seed(v, g, i);
    int rc = srch_gen_eval(v, g);
    return rc ? rc : srch_gen_improve(v, g, better, arg);
}

int srch_gen_child(srch_evo *v, const srch_genome *a, const srch_genome *b, srch_genome *child,
                   srch_better_fn better, const void *arg)
{
    srch_gen_vary(v, a, b, child);
    int rc = srch_gen_eval(v, child);
    return rc ? rc : srch_gen_improve(v, child, better, arg);
}
