/* search_space.c - the search state and what every phase of the search
 * shares: the layer-time table, the cut of a model over a chiplet order, the
 * memo of parts kept per (model, chiplet set), and the size of the space. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cost.h"
#include "num.h"
#include "search_int.h"

uint64_t srch_rand(uint64_t *s)
{
    uint64_t z = num_splitmix64(*s); /* the state steps as splitmix64's does */
    *s += 0x9e3779b97f4a7c15ULL;
    return z;
}

double srch_unit(uint64_t *s)
{
    return (double)(srch_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

static int srch_has(const uint64_t *set, int c)
{
    return (int)(set[c / 64] >> (c % 64) & 1);
}

/* ---- setup ---- */

/* The divisors of B, ascending, in *OUT (malloc'd). */
static int srch_divisors(long b, long **out, int *n)
{
    int small = 0;
    for (long d = 1; d <= b / d; d++)
        small += b % d == 0;
    long *v = malloc(2 * (size_t)small * sizeof *v + sizeof *v);
    if (!v)
        return ERR_INTERNAL;
    int k = 0;
    for (long d = 1; d <= b / d; d++)
        if (b % d == 0)
            v[k++] = d;
    for (int i = k - 1; i >= 0; i--)
        if (v[i] != b / v[i])
            v[k++] = b / v[i];
    *out = v;
    *n = k;
    return ERR_OK;
}

static double *srch_layer_times(const srch_state *x, int m, int c, int bi)
{
    const srch_model *sm = &x->models[m];
    size_t L = (size_t)x->scn->models[m].model.nlayers;
    return &sm->lt[((size_t)c * (size_t)sm->nmbs + (size_t)bi) * L];
}

/* The layer seconds of model M on chiplet C, at every mini-batch size. */
static void srch_time_layers(srch_state *x, int m, int c)
{
    const srch_model *sm = &x->models[m];
    const wl_model *wm = &x->scn->models[m].model;
    for (int bi = 0; bi < sm->nmbs; bi++) {
        double *t = srch_layer_times(x, m, c, bi);
        for (int l = 0; l < wm->nlayers; l++) {
            cost_t ct;
            cost_layer(&x->p->chiplets[c], &wm->layers[l], wm->elem_bytes, sm->mbs[bi], &ct);
            t[l] = ct.cycles / x->p->chiplets[c].clock_hz;
        }
    }
}

typedef struct {
    srch_state *x;
    const int *twin; /* [c]: the first chiplet that costs every layer as c does */
} srch_timing;

/* pool_fn: item I is model I / N on chiplet I % N, timed where the chiplet
   is the first of its kind (the others copy it after). */
static void srch_time_one(void *v, long i, int worker)
{
    (void)worker;
    const srch_timing *tm = v;
    int m = (int)(i / tm->x->N), c = (int)(i % tm->x->N);
    if (tm->twin[c] == c)
        srch_time_layers(tm->x, m, c);
}

/* Mini-batch sizes and layer seconds of every model on every chiplet: the
   cost model runs once per kind of chiplet, over the team's threads. */
static int srch_setup_models(srch_state *x)
{
    int *twin = malloc((size_t)x->N * sizeof *twin), *kinds = malloc((size_t)x->N * sizeof *kinds);
    int nkinds = 0, rc = twin && kinds ? ERR_OK : ERR_INTERNAL;
    for (int c = 0; !rc && c < x->N; c++) {
        int k = 0;
        while (k < nkinds && !plat_chiplet_same_cost(&x->p->chiplets[kinds[k]], &x->p->chiplets[c]))
            k++;
        if (k == nkinds)
            kinds[nkinds++] = c;
        twin[c] = kinds[k];
    }
    for (int m = 0; !rc && m < x->M; m++) {
        const scn_model *sc = &x->scn->models[m];
        srch_model *sm = &x->models[m];
        if (srch_divisors(sc->batch, &sm->mbs, &sm->nmbs) ||
            !(sm->lt = malloc((size_t)x->N * (size_t)sm->nmbs * (size_t)sc->model.nlayers * sizeof(double) +
                              1)))
            rc = ERR_INTERNAL;
    }
    if (!rc) {
        srch_timing tm = {x, twin};
        pool_run(x->pool, (long)x->M * x->N, srch_time_one, &tm);
    }
    for (int c = 0; !rc && c < x->N; c++)
        for (int m = 0; twin[c] != c && m < x->M; m++)
            memcpy(srch_layer_times(x, m, c, 0), srch_layer_times(x, m, twin[c], 0),
                   (size_t)x->models[m].nmbs * (size_t)x->scn->models[m].model.nlayers * sizeof(double));
    free(twin);
    free(kinds);
    return rc;
}

/* The chiplets along the mesh snake: rows in turn, every other one backwards. */
static void srch_setup_snake(srch_state *x)
{
    const plat_t *p = x->p;
    x->nsnake = 0;
    for (int y = 0; y < p->height; y++)
        for (int i = 0; i < p->width; i++) {
            int c = p->chiplet_at[y * p->width + (y % 2 ? p->width - 1 - i : i)];
            if (c >= 0)
                x->snake[x->nsnake++] = c;
        }
}

int srch_setup(srch_state *x, const plat_t *p, const scn_t *scn, const search_opts *o, err_t *e)
{
    memset(x, 0, sizeof *x);
    x->p = p, x->scn = scn, x->o = o, x->e = e;
    x->M = scn->nmodels;
    x->N = p->nchiplets;
    x->words = (x->N + 63) / 64;
    x->rng = o->seed;
    x->eo = (eval_opts){.nop = o->nop, .verbose = o->verbose};
    if (o->validate < 1)
        return err_input(e, "--validate must be at least 1");
    if (o->strategy && strcmp(o->strategy, "auto") != 0 &&
        !(x->strategy = srch_strategy_find(o->strategy)))
        return search_strategy_check(o->strategy, e);
    /* auto: every allocation of the all-models window (the largest) when
       they are few enough, otherwise NSGA-II over the whole space */
    if (!x->strategy)
        x->strategy = srch_alloc_count(x->M + 1, x->N, o->max_exhaustive) <= o->max_exhaustive
                          ? &srch_exhaustive
                          : &srch_nsga2;
    if (x->strategy->whole && (o->population < 2 || o->generations < 0))
        return err_input(e, "--population must be at least 2 and --generations at least 0");
    size_t M = (size_t)x->M, N = (size_t)x->N;
    x->models = calloc(M, sizeof *x->models);
    x->snake = malloc(N * sizeof *x->snake);
    x->gm = malloc(M * sizeof *x->gm);
    x->view_models = malloc(M * sizeof *x->view_models);
    x->alloc = calloc(N, sizeof *x->alloc);
    x->ords = malloc(SRCH_MAX_ORDERS * N * sizeof *x->ords);
    x->list = malloc(N * sizeof *x->list);
    x->segs = malloc(N * sizeof *x->segs);
    x->gsets = malloc(M * (size_t)x->words * sizeof *x->gsets);
    x->gcount = malloc(M * sizeof *x->gcount);
    x->gmemo = malloc(M * sizeof *x->gmemo);
    x->pick = malloc(M * sizeof *x->pick);
    x->work = malloc(M * sizeof *x->work);
    x->top_cap = SRCH_POOL * o->validate;
    x->top = calloc((size_t)x->top_cap, sizeof *x->top);
    x->top_pt = calloc((size_t)x->top_cap, sizeof *x->top_pt);
    if (!x->models || !x->snake || !x->gm || !x->view_models || !x->alloc || !x->ords ||
        !x->list || !x->segs || !x->gsets || !x->gcount || !x->gmemo || !x->pick || !x->work ||
        !x->top || !x->top_pt || srch_team_start(x) || srch_setup_models(x))
        return err_internal(e, "out of memory");
    srch_setup_snake(x);
    srch_set_group(x, NULL, x->M);
    return ERR_OK;
}

void srch_teardown(srch_state *x)
{
    for (int i = 0; i < x->ngbest; i++)
        sched_free(&x->gbest[i]);
    for (int i = 0; x->top && i < x->top_cap; i++)
        sched_free(&x->top[i]);
    for (int i = 0; i < x->npareto; i++)
        sched_free(&x->pareto_s[i]);
    free(x->pareto_s);
    srch_sims_free(x);
    for (long i = 0; i < x->memo_cap; i++)
        free(x->memo[i]);
    for (int m = 0; x->models && m < x->M; m++) {
        free(x->models[m].mbs);
        free(x->models[m].lt);
    }
    free(x->memo);
    free(x->models);
    free(x->snake);
    free(x->gm);
    free(x->view_models);
    free(x->alloc);
    free(x->ords);
    free(x->list);
    free(x->segs);
    free(x->gsets);
    free(x->gcount);
    free(x->gmemo);
    free(x->pick);
    free(x->work);
    free(x->top);
    free(x->top_pt);
    free(x->pareto);
    srch_team_free(x);
}

void srch_set_group(srch_state *x, const int *gm, int g)
{
    x->G = g;
    for (int j = 0; j < g; j++) {
        x->gm[j] = gm ? gm[j] : j;
        x->view_models[j] = x->scn->models[x->gm[j]];
    }
    x->view = (scn_t){.path = x->scn->path, .nmodels = g, .models = x->view_models};
    for (int i = 0; i < x->ngbest; i++)
        sched_free(&x->gbest[i]);
    x->ngbest = 0;
}

double srch_steps_share(const srch_state *x, long steps)
{
    return x->o->anneal_steps > 0 ? (double)steps / (double)x->o->anneal_steps : 1;
}

void srch_progress(srch_state *x, double frac)
{
    if (!x->prog.out)
        return;
    char fig[128];
    if (x->ntop)
        snprintf(fig, sizeof fig, "%ld schedules, best %s %.4g (estimated)", x->estimated,
                 search_objective_name(x->o->objective), search_score(x->o->objective, &x->top_pt[0]));
    else
        snprintf(fig, sizeof fig, "%ld schedules", x->estimated);
    /* the runs laid end to end: the line never goes back when one ends */
    double all = x->units > 0 ? (x->units_done + x->unit * frac) / x->units : frac;
    prog_step(&x->prog, prog_now_s(), "search", "estimating", fig, all < 1 ? all : 1);
}

/* ---- small shared pieces ---- */

/* MACs x batch (and one, so that none is nothing). */
double srch_model_work(const scn_model *sm)
{
    return wl_total_macs(&sm->model) * (double)sm->batch + 1;
}

void srch_by_work(const srch_state *x, int *order)
{
    for (int m = 0; m < x->M; m++)
        order[m] = m;
    for (int i = 1; i < x->M; i++)
        for (int k = i; k > 0 && srch_model_work(&x->scn->models[order[k]]) >
                                     srch_model_work(&x->scn->models[order[k - 1]]); k--) {
            int t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
}

long srch_alloc_count(int base, int n, long limit)
{
    long total = 1;
    for (int c = 0; c < n && total <= limit; c++)
        total = total > LONG_MAX / base ? LONG_MAX : total * base;
    return total;
}

/* Chiplets in snake order, cut into one block per model of the group sized
   by the model's work: the annealing's start and the Simba-like baseline. */
void srch_proportional_allocation(srch_state *x, int *alloc)
{
    double total = 0;
    for (int j = 0; j < x->G; j++) {
        x->work[j] = srch_model_work(&x->view.models[j]);
        total += x->work[j];
    }
    int m = 0, have = 0;
    double acc = 0;
    for (int pos = 0; pos < x->nsnake; pos++) {
        /* the next model starts when this one has its share, leaving one
           chiplet for each model still to come */
        if (m < x->G - 1 && have > 0 &&
            (pos >= (acc + x->work[m]) / total * x->N - 0.5 || x->N - pos <= x->G - 1 - m)) {
            acc += x->work[m];
            m++;
            have = 0;
        }
        alloc[x->snake[pos]] = m + 1;
        have++;
    }
}

/* ---- a model's part on a set of chiplets ---- */

void srch_part_copy(srch_part *dst, const srch_part *src)
{
    sched_seg *segs = dst->segs;
    memcpy(segs, src->segs, (size_t)src->nsegs * sizeof *segs);
    *dst = *src;
    dst->segs = segs;
}

/* The greedy filling of the layers of model M over chiplets ORD[0..k-1]
   under the bound MID: whether it places every layer. A run that does
   also places them under any bound from its largest segment sum (*FITS:
   each comparison comes out the same), and one that does not fails under
   every bound below the smallest sum it refused (*SHORT), so the caller
   learns the answer for a whole interval of bounds from one run. */
static int srch_fill(const srch_state *x, int m, const int *ord, int k, int bi, double mid, double *fits,
                     double *shrt)
{
    int L = x->scn->models[m].model.nlayers, idx = 0;
    double most = 0, refused = INFINITY;
    for (int s = 0; s < k && idx < L; s++) {
        const double *t = srch_layer_times(x, m, ord[s], bi);
        double sum = 0;
        while (idx < L && sum + t[idx] <= mid)
            sum += t[idx++];
        if (idx < L && sum + t[idx] < refused)
            refused = sum + t[idx];
        if (sum > most)
            most = sum;
    }
    if (idx == L)
        *fits = most;
    else
        *shrt = refused;
    return idx == L;
}

/* Cut the layers of model M over chiplets ORD[0..k-1] so that the slowest
   segment is as fast as it can be: greedy filling is exact for a fixed order,
   and bisection finds the smallest feasible bound. Chiplets left without
   layers are dropped. PT->segs holds min(K, layers) segments.
   Feasibility grows with the bound (in floating point too: rounding is
   monotone and the times are not negative), so every fill's answer for an
   interval of bounds (srch_fill) answers the later steps that fall in it:
   the same 48 steps and the same bound as filling at each, from a few fills. */
int srch_cut(srch_state *x, int m, const int *ord, int k, int bi, srch_part *pt)
{
    int L = x->scn->models[m].model.nlayers;
    double hi = 0, lo = 0;
    const double *t0 = srch_layer_times(x, m, ord[0], bi);
    for (int l = 0; l < L; l++)
        hi += t0[l];
    double fits = hi, shrt = -INFINITY; /* feasible from FITS on, infeasible below SHRT */
    for (int it = 0; it < 48; it++) {
        double mid = 0.5 * (lo + hi);
        int ok = mid >= fits ? 1 : mid < shrt ? 0 : srch_fill(x, m, ord, k, bi, mid, &fits, &shrt);
        if (ok)
            hi = mid;
        else
            lo = mid;
    }
    int idx = 0;
    pt->nsegs = 0;
    for (int s = 0; s < k && idx < L; s++) {
        const double *t = srch_layer_times(x, m, ord[s], bi);
        double sum = 0;
        int first = idx;
        while (idx < L && (idx == first || sum + t[idx] <= hi * (1 + 1e-12)))
            sum += t[idx++];
        if (s == k - 1)
            idx = L; /* the last chiplet takes what is left (bisection rounding) */
        pt->segs[pt->nsegs++] = (sched_seg){first, idx - 1, ord[s]};
    }
    pt->minibatch = x->models[m].mbs[bi];
    return pt->nsegs;
}

/* Chiplet orders to try for the K chiplets of SET (LIST: them, ascending),
   rows of N in OUT: every permutation of small sets; for larger ones the
   snake through the mesh both ways, and the same with output-stationary
   chiplets first (early layers of CNNs suit them). */
static int srch_orders(const srch_state *x, const uint64_t *set, const int *list, int k, int *out)
{
    int n = 0;
    if (k <= 3) {
        int idx[3];
        for (int i = 0; i < k; i++)
            idx[i] = i;
        for (;;) {
            for (int i = 0; i < k; i++)
                out[n * x->N + i] = list[idx[i]];
            n++;
            /* next permutation */
            int i = k - 2;
            while (i >= 0 && idx[i] > idx[i + 1])
                i--;
            if (i < 0)
                break;
            int j = k - 1;
            while (idx[j] < idx[i])
                j--;
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            for (int a = i + 1, b = k - 1; a < b; a++, b--) {
                t = idx[a];
                idx[a] = idx[b];
                idx[b] = t;
            }
        }
        return n;
    }
    for (int v = 0; v < 4; v++) {
        int pos = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < x->nsnake; i++) {
                int c = x->snake[v % 2 ? x->nsnake - 1 - i : i];
                if (!srch_has(set, c))
                    continue;
                int os = x->p->chiplets[c].dataflow == PLAT_SHIDIANNAO ||
                         x->p->chiplets[c].dataflow == PLAT_OS_AUTO;
                if (v < 2 ? pass == 0 : (pass == 0) == os)
                    out[n * x->N + pos++] = c;
            }
        n++;
    }
    return n;
}

static uint64_t srch_hash(const uint64_t *set, int words, int m)
{
    uint64_t h = (uint64_t)(m + 1) * 0xc2b2ae3d27d4eb4fULL;
    for (int i = 0; i < words; i++) {
        h ^= set[i] * 0x9e3779b97f4a7c15ULL;
        h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
    }
    return h ^ (h >> 32);
}

/* Doubles the memo's table (its capacity stays a power of two). */
static int srch_memo_grow(srch_state *x)
{
    long cap = x->memo_cap ? 2 * x->memo_cap : 1024;
    srch_memo **nv = calloc((size_t)cap, sizeof *nv);
    if (!nv)
        return ERR_INTERNAL;
    for (long i = 0; i < x->memo_cap; i++)
        if (x->memo[i]) {
            uint64_t j = srch_hash(x->memo[i]->set, x->words, x->memo[i]->model);
            while (nv[j & (uint64_t)(cap - 1)])
                j++;
            nv[j & (uint64_t)(cap - 1)] = x->memo[i];
        }
    free(x->memo);
    x->memo = nv;
    x->memo_cap = cap;
    return ERR_OK;
}

const srch_memo *srch_memo_find(const srch_state *x, int m, const uint64_t *set)
{
    if (!x->memo_cap)
        return NULL;
    uint64_t mask = (uint64_t)(x->memo_cap - 1), j = srch_hash(set, x->words, m);
    for (; x->memo[j & mask]; j++) {
        const srch_memo *me = x->memo[j & mask];
        if (me->model == m && memcmp(me->set, set, (size_t)x->words * sizeof *set) == 0)
            return me;
    }
    return NULL;
}

int srch_memo_new(srch_state *x, int m, const uint64_t *set, int k, int *ords, int *no,
                  srch_memo **out)
{
    int L = x->scn->models[m].model.nlayers, cap = k < L ? k : L;
    srch_memo *me = malloc(sizeof *me + (size_t)x->words * sizeof *me->set +
                           SRCH_PER_SET * (size_t)cap * sizeof(sched_seg));
    if (!me)
        return err_internal(x->e, "out of memory");
    me->model = m;
    me->set = (uint64_t *)(me + 1);
    memcpy(me->set, set, (size_t)x->words * sizeof *set);
    for (int i = 0; i < SRCH_PER_SET; i++)
        me->parts[i].segs = (sched_seg *)(me->set + x->words) + (size_t)i * (size_t)cap;
    int n = 0;
    for (int c = 0; c < x->N; c++)
        if (srch_has(set, c))
            x->list[n++] = c;
    *no = srch_orders(x, set, x->list, k, ords);
    *out = me;
    return ERR_OK;
}

/* The first of the fastest, of the leanest and of the best products: the
   winners are chosen on the figures alone and only their segments copied,
   as the parts were made on the team's threads and each line read here
   moves between cores. */
void srch_memo_fill(srch_memo *me, const srch_part *parts, long n)
{
    long best[SRCH_PER_SET] = {0};
    for (long i = 1; i < n; i++) {
        const srch_part *pt = &parts[i];
        if (pt->lat_s < parts[best[0]].lat_s)
            best[0] = i;
        if (pt->energy_j < parts[best[1]].energy_j)
            best[1] = i;
        if (pt->lat_s * pt->energy_j < parts[best[2]].lat_s * parts[best[2]].energy_j)
            best[2] = i;
    }
    for (int k = 0; n > 0 && k < SRCH_PER_SET; k++)
        srch_part_copy(&me->parts[k], &parts[best[k]]);
}

int srch_memo_add(srch_state *x, srch_memo *me)
{
    if (x->memo_n * 2 >= x->memo_cap && srch_memo_grow(x)) {
        free(me);
        return err_internal(x->e, "out of memory");
    }
    uint64_t mask = (uint64_t)(x->memo_cap - 1), j = srch_hash(me->set, x->words, me->model);
    while (x->memo[j & mask])
        j++;
    x->memo[j & mask] = me;
    x->memo_n++;
    return ERR_OK;
}

int srch_parts_for(srch_state *x, int m, const uint64_t *set, int k, const srch_memo **out)
{
    if ((*out = srch_memo_find(x, m, set)))
        return ERR_OK;
    srch_memo *me;
    int no, rc = srch_memo_new(x, m, set, k, x->ords, &no, &me);
    if (rc)
        return rc;
    srch_miss miss = {m, k, no, x->ords, 0};
    if ((rc = srch_batch_parts(x, &miss, 1))) {
        free(me);
        return rc;
    }
    srch_memo_fill(me, x->batch.parts, (long)no * x->models[m].nmbs);
    *out = me;
    return srch_memo_add(x, me);
}

/* ---- the size of the space ---- */

/* How many schedules the explored structures hold: for every allocation,
   each model's orders x cut points x mini-batch sizes. A model on k
   chiplets has C(L-1, k-1) cuts x k! orders (none when k > L); allocations
   are counted by the size each model gets, through a dynamic program over
   chiplets. The products and sums run in a fixed order: the figure is
   printed to the last digit. */
int srch_space_size(const srch_state *x, double *space)
{
    int N = x->N, K = 0;
    for (int m = 0; m < x->M; m++) {
        int L = x->scn->models[m].model.nlayers, most = L < N ? L : N;
        if (most > K)
            K = most;
    }
    size_t stride = (size_t)K + 1;
    double *per_k = calloc((size_t)x->M * stride, sizeof *per_k);
    double *ways = calloc((size_t)N + 1, sizeof *ways), *next = calloc((size_t)N + 1, sizeof *next);
    double *choose = calloc(stride, sizeof *choose);
    int rc = per_k && ways && next && choose ? ERR_OK : err_internal(x->e, "out of memory");
    for (int m = 0; !rc && m < x->M; m++) {
        int L = x->scn->models[m].model.nlayers;
        for (int k = 1; k <= N && k <= L; k++) {
            double comb = 1; /* C(L-1, k-1) */
            for (int i = 1; i < k; i++)
                comb *= (double)(L - i) / i;
            double fact = 1;
            for (int i = 2; i <= k; i++)
                fact *= i;
            per_k[(size_t)m * stride + (size_t)k] = comb * fact * x->models[m].nmbs;
        }
    }
    if (!rc)
        ways[0] = 1;
    for (int m = 0; !rc && m < x->M; m++) {
        const double *pk = &per_k[(size_t)m * stride];
        int L = x->scn->models[m].model.nlayers;
        memset(next, 0, ((size_t)N + 1) * sizeof *next);
        for (int t = 1; t <= N; t++) {
            /* choose[k] = C(N - t + k, k): chiplets for model m when the
               models so far and it hold t */
            int kmax = t < L ? t : L;
            choose[0] = 1;
            for (int k = 1; k <= kmax; k++)
                choose[k] = choose[k - 1] * ((double)(N - t + k) / k);
            for (int used = t - kmax; used < t; used++)
                if (ways[used] != 0)
                    next[t] += ways[used] * choose[t - used] * pk[t - used];
        }
        double *tmp = ways;
        ways = next;
        next = tmp;
    }
    double total = 0, seq = 1;
    for (int used = 0; !rc && used <= N; used++)
        total += ways[used];
    for (int m = 0; !rc && m < x->M; m++)
        seq *= N <= x->scn->models[m].model.nlayers ? per_k[(size_t)m * stride + (size_t)N] : 0;
    if (!rc)
        *space = total + seq;
    free(per_k);
    free(ways);
    free(next);
    free(choose);
    return rc;
}
