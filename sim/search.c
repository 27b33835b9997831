/* search.c - the outer scheduler; see search.h for the space and the method. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cost.h"
#include "runner.h"
#include "estimate.h"
#include "search.h"

#define MAX_MB 16        /* mini-batch sizes tried per model */
#define PER_SET 3        /* parts kept per (model, chiplet set): fastest, leanest, best product */
#define MAX_ORDERS 24
#define GROUP_KEEP 2     /* schedules kept per window of a packing */

/* ---- small helpers ---- */

static const char *const obj_names[] = {"latency", "throughput", "energy", "edp"};

void search_defaults(search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->objective = OBJ_EDP;
    o->validate = 8;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = n > 0 ? (int)n : 1;
    o->seed = 1;
    o->max_exhaustive = 20000;
    o->anneal_steps = 1500;
}

/* Index of NAME among the N NAMES, -1 if absent. */
static int lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int search_objective_parse(const char *name)
{
    return lookup(obj_names, 4, name);
}

const char *search_objective_name(search_objective o)
{
    return o >= 0 && o <= OBJ_EDP ? obj_names[o] : "?";
}

/* latency: the mean model latency; throughput: all samples over the makespan
   (so its score is the makespan); energy; EDP = makespan x energy. */
double search_score(search_objective o, const search_point *pt)
{
    switch (o) {
    case OBJ_LATENCY: return pt->latency_s;
    case OBJ_THROUGHPUT: return pt->makespan_s;
    case OBJ_ENERGY: return pt->energy_j;
    case OBJ_EDP: break;
    }
    return pt->makespan_s * pt->energy_j;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64: small, seedable, the same on every machine */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- a model's part on a set of chiplets ---- */

typedef struct {
    int nsegs;
    sched_seg segs[64];
    long minibatch;
    double lat_s, energy_j;
} part_t;

typedef struct {
    uint64_t mask;
    int model;
    int n;
    part_t parts[PER_SET];
    int used;
} memo_entry;

typedef struct {
    const plat_t *p;
    const scn_t *scn;
    const search_opts *o;
    plan_cache *cache;
    int M, N;
    long mbs[8][MAX_MB];
    int nmbs[8];
    double *lt;          /* layer seconds: [((m * N + c) * MAX_MB + bi) * Lmax + l] */
    int Lmax;
    memo_entry *memo;
    long memo_cap, memo_n;
    int ords[MAX_ORDERS][64]; /* scratch for parts_for */
    /* the best candidates so far, by estimated score */
    sched_t *top;
    search_point *top_pt;
    double *top_score;
    int ntop;
    search_point *pareto;
    int npareto, cap_pareto;
    long estimated, allocations;
    double t0, last_progress;
    err_t *e;
    /* the models being placed in one window: all of them, or one group of
       a packing; VIEW is the scenario restricted to them, for estimates */
    int G;
    int gm[8];
    scn_model view_models[8];
    scn_t view;
    /* a group's best single-window schedules (models numbered as in VIEW) */
    sched_t gbest[GROUP_KEEP];
    double gscore[GROUP_KEEP];
    int ngbest;
} ctx_t;

static double *layer_times(ctx_t *x, int m, int c, int bi)
{
    return &x->lt[(((size_t)m * (size_t)x->N + (size_t)c) * MAX_MB + (size_t)bi) * (size_t)x->Lmax];
}

/* Cut the layers of model M over chiplets ORD[0..k-1] so that the slowest
   segment is as fast as it can be: greedy filling is exact for a fixed order,
   and bisection finds the smallest feasible bound. Chiplets left without
   layers are dropped. */
static int cut(ctx_t *x, int m, const int *ord, int k, int bi, part_t *pt)
{
    int L = x->scn->models[m].model.nlayers;
    double hi = 0, lo = 0;
    const double *t0 = layer_times(x, m, ord[0], bi);
    for (int l = 0; l < L; l++)
        hi += t0[l];
    for (int it = 0; it < 48; it++) {
        double mid = 0.5 * (lo + hi);
        int idx = 0;
        for (int s = 0; s < k && idx < L; s++) {
            const double *t = layer_times(x, m, ord[s], bi);
            double sum = 0;
            while (idx < L && sum + t[idx] <= mid)
                sum += t[idx++];
        }
        if (idx == L)
            hi = mid;
        else
            lo = mid;
    }
    int idx = 0;
    pt->nsegs = 0;
    for (int s = 0; s < k && idx < L; s++) {
        const double *t = layer_times(x, m, ord[s], bi);
        double sum = 0;
        int first = idx;
        while (idx < L && (idx == first || sum + t[idx] <= hi * (1 + 1e-12)))
            sum += t[idx++];
        if (s == k - 1)
            idx = L; /* the last chiplet takes what is left (bisection rounding) */
        pt->segs[pt->nsegs++] = (sched_seg){first, idx - 1, ord[s]};
    }
    pt->minibatch = x->mbs[m][bi];
    return pt->nsegs;
}

/* Estimated latency and energy of model M alone running PT. */
static int eval_part(ctx_t *x, int m, part_t *pt)
{
    scn_t one = {.path = NULL, .nmodels = 1, .models = &((scn_t *)x->scn)->models[m]};
    sched_part sp = {.model = 0, .minibatch = pt->minibatch, .nsegs = pt->nsegs, .segs = pt->segs};
    sched_window w = {.nparts = 1, .parts = &sp};
    sched_t s = {.path = NULL, .nwindows = 1, .windows = &w};
    double mk, en;
    int rc = est_quick(x->p, &one, &s, x->cache, &mk, &en, NULL, x->e);
    x->estimated++;
    pt->lat_s = mk;
    pt->energy_j = en;
    return rc;
}

/* Chiplet orders to try for a set: every permutation of small sets; for
   larger ones the snake through the mesh both ways, and the same with
   output-stationary chiplets first (early layers of CNNs suit them). */
static int orders(const ctx_t *x, const int *set, int k, int out[][64])
{
    int n = 0;
    if (k <= 3) {
        int idx[64];
        for (int i = 0; i < k; i++)
            idx[i] = i;
        for (;;) {
            for (int i = 0; i < k; i++)
                out[n][i] = set[idx[i]];
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
    int snake[64];
    int ns = 0;
    for (int y = 0; y < x->p->height; y++)
        for (int i = 0; i < x->p->width; i++) {
            int xx = y % 2 ? x->p->width - 1 - i : i;
            int c = x->p->chiplet_at[y * x->p->width + xx];
            for (int j = 0; j < k; j++)
                if (set[j] == c)
                    snake[ns++] = c;
        }
    for (int v = 0; v < 4; v++) {
        int pos = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < ns; i++) {
                int c = snake[v % 2 ? ns - 1 - i : i];
                int os = plat_dataflow_is_os(x->p->chiplets[c].dataflow);
                if (v < 2 ? pass == 0 : (pass == 0) == os)
                    out[n][pos++] = c;
            }
        n++;
    }
    return n;
}

static void keep_best(memo_entry *me, const part_t *pt)
{
    if (me->n == 0) {
        for (int i = 0; i < PER_SET; i++)
            me->parts[i] = *pt;
        me->n = PER_SET;
        return;
    }
    if (pt->lat_s < me->parts[0].lat_s)
        me->parts[0] = *pt;
    if (pt->energy_j < me->parts[1].energy_j)
        me->parts[1] = *pt;
    if (pt->lat_s * pt->energy_j < me->parts[2].lat_s * me->parts[2].energy_j)
        me->parts[2] = *pt;
}

static uint64_t hash_key(uint64_t mask, int m)
{
    uint64_t h = mask * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(m + 1) * 0xc2b2ae3d27d4eb4fULL;
    return h ^ (h >> 29);
}

/* The kept parts of model M on chiplet set MASK, computed on first use. */
static memo_entry *parts_for(ctx_t *x, int m, uint64_t mask)
{
    if (x->memo_n * 2 >= x->memo_cap) {
        long cap = x->memo_cap ? 2 * x->memo_cap : 1024;
        memo_entry *nv = calloc((size_t)cap, sizeof *nv);
        if (!nv)
            return NULL;
        for (long i = 0; i < x->memo_cap; i++)
            if (x->memo[i].used) {
                long j = (long)(hash_key(x->memo[i].mask, x->memo[i].model) % (uint64_t)cap);
                while (nv[j].used)
                    j = (j + 1) % cap;
                nv[j] = x->memo[i];
            }
        free(x->memo);
        x->memo = nv;
        x->memo_cap = cap;
    }
    long j = (long)(hash_key(mask, m) % (uint64_t)x->memo_cap);
    while (x->memo[j].used) {
        if (x->memo[j].mask == mask && x->memo[j].model == m)
            return &x->memo[j];
        j = (j + 1) % x->memo_cap;
    }
    memo_entry *me = &x->memo[j];
    me->used = 1;
    me->mask = mask;
    me->model = m;
    x->memo_n++;
    int set[64], k = 0;
    for (int c = 0; c < x->N; c++)
        if (mask >> c & 1)
            set[k++] = c;
    int no = orders(x, set, k, x->ords);
    for (int oi = 0; oi < no; oi++)
        for (int bi = 0; bi < x->nmbs[m]; bi++) {
            part_t pt;
            cut(x, m, x->ords[oi], k, bi, &pt);
            if (eval_part(x, m, &pt))
                return NULL;
            keep_best(me, &pt);
        }
    return me;
}

/* ---- candidates ---- */

static void offer_pareto(ctx_t *x, const search_point *pt)
{
    for (int i = 0; i < x->npareto; i++) {
        const search_point *q = &x->pareto[i];
        if (q->makespan_s <= pt->makespan_s && q->energy_j <= pt->energy_j)
            return;
    }
    int n = 0;
    for (int i = 0; i < x->npareto; i++) {
        const search_point *q = &x->pareto[i];
        if (!(pt->makespan_s <= q->makespan_s && pt->energy_j <= q->energy_j))
            x->pareto[n++] = *q;
    }
    x->npareto = n;
    if (n == x->cap_pareto) {
        int cap = x->cap_pareto ? 2 * x->cap_pareto : 32;
        search_point *nv = realloc(x->pareto, (size_t)cap * sizeof *nv);
        if (!nv)
            return;
        x->pareto = nv;
        x->cap_pareto = cap;
    }
    x->pareto[x->npareto++] = *pt;
}

/* Inserts S with SCORE into the sorted list TOP/SCORES of capacity K (N
   used), with PT beside it when PTS is not NULL. Equal scores are taken for
   the same schedule. */
static int keep_top(ctx_t *x, sched_t *top, double *scores, search_point *pts, int *n, int K,
                    const sched_t *s, double score, const search_point *pt)
{
    for (int i = 0; i < *n; i++)
        if (scores[i] == score)
            return ERR_OK;
    if (*n == K && score >= scores[K - 1])
        return ERR_OK;
    int pos = *n < K ? (*n)++ : K - 1;
    sched_free(&top[pos]);
    /* shifting moves ownership down; the slot left at POS is overwritten */
    while (pos > 0 && scores[pos - 1] > score) {
        top[pos] = top[pos - 1];
        scores[pos] = scores[pos - 1];
        if (pts)
            pts[pos] = pts[pos - 1];
        pos--;
    }
    if (sched_copy(&top[pos], s)) {
        memset(&top[pos], 0, sizeof top[pos]);
        scores[pos] = INFINITY;
        return err_internal(x->e, "out of memory");
    }
    scores[pos] = score;
    if (pts)
        pts[pos] = *pt;
    return ERR_OK;
}

/* Estimates schedule S (of the models in VIEW), returns its score in *SCORE
   and keeps it when it is among the best: of the search when VIEW is the
   whole scenario, of the current group otherwise. */
static int offer(ctx_t *x, const sched_t *s, double *score_out)
{
    double mk, en, lat[8];
    int rc = est_quick(x->p, &x->view, s, x->cache, &mk, &en, lat, x->e);
    if (rc)
        return rc;
    x->estimated++;
    search_point pt = {mk, en, 0};
    for (int j = 0; j < x->G; j++)
        pt.latency_s += lat[j] / x->G;
    double score = search_score(x->o->objective, &pt);
    *score_out = score;
    if (x->G < x->M)
        return keep_top(x, x->gbest, x->gscore, NULL, &x->ngbest, GROUP_KEEP, s, score, &pt);
    offer_pareto(x, &pt);
    return keep_top(x, x->top, x->top_score, x->top_pt, &x->ntop, x->o->validate, s, score, &pt);
}

/* Places the models GM[0..G-1] from now on (G = M: the whole scenario). */
static void set_group(ctx_t *x, const int *gm, int g)
{
    x->G = g;
    for (int j = 0; j < g; j++) {
        x->gm[j] = gm[j];
        x->view_models[j] = x->scn->models[gm[j]];
    }
    x->view = (scn_t){.path = x->scn->path, .nmodels = g, .models = x->view_models};
    for (int i = 0; i < x->ngbest; i++)
        sched_free(&x->gbest[i]);
    x->ngbest = 0;
}

static void progress(ctx_t *x, double frac)
{
    if (!x->o->progress)
        return;
    double t = now_s();
    if (t - x->last_progress < 0.5 && frac < 1)
        return;
    x->last_progress = t;
    double el = t - x->t0;
    fprintf(stderr, "\rsearch: %ld estimated, best %s %.4g, %3.0f%% done, ~%.0f s left   ",
            x->estimated, search_objective_name(x->o->objective),
            x->ntop ? x->top_score[0] : 0.0, 100 * frac, frac > 0 ? el / frac - el : 0);
    if (frac >= 1)
        fputc('\n', stderr);
}

/* The group's models in one window, its j-th model on the chiplets with
   alloc[c] == j + 1: tries the cross product of each model's kept parts.
   Returns the best score. The entries are copied: a later parts_for may grow
   the memo and move them. */
static int try_allocation(ctx_t *x, const int *alloc, double *best)
{
    memo_entry me[8];
    *best = INFINITY;
    for (int j = 0; j < x->G; j++) {
        uint64_t mask = 0;
        for (int c = 0; c < x->N; c++)
            if (alloc[c] == j + 1)
                mask |= 1ULL << c;
        if (!mask)
            return ERR_OK;
        const memo_entry *found = parts_for(x, x->gm[j], mask);
        if (!found)
            return err_internal(x->e, "out of memory");
        me[j] = *found;
    }
    x->allocations++;
    sched_part sp[8];
    sched_window w = {.nparts = x->G, .parts = sp};
    sched_t s = {.path = NULL, .nwindows = 1, .windows = &w};
    int pick[8] = {0};
    for (;;) {
        for (int j = 0; j < x->G; j++) {
            const part_t *pt = &me[j].parts[pick[j]];
            sp[j] = (sched_part){.model = j, .minibatch = pt->minibatch, .nsegs = pt->nsegs,
                                 .segs = (sched_seg *)pt->segs};
        }
        double sc;
        int rc = offer(x, &s, &sc);
        if (rc)
            return rc;
        if (sc < *best)
            *best = sc;
        int j = 0;
        while (j < x->G && ++pick[j] == PER_SET)
            pick[j++] = 0;
        if (j == x->G)
            break;
    }
    return ERR_OK;
}

/* One model per window, each on every chiplet. */
static int try_sequential(ctx_t *x)
{
    uint64_t all = x->N == 64 ? ~0ULL : (1ULL << x->N) - 1;
    memo_entry me[8];
    for (int m = 0; m < x->M; m++) {
        const memo_entry *found = parts_for(x, m, all);
        if (!found)
            return err_internal(x->e, "out of memory");
        me[m] = *found;
    }
    sched_part sp[8];
    sched_window w[8];
    sched_t s = {.path = NULL, .nwindows = x->M, .windows = w};
    int pick[8] = {0};
    for (;;) {
        for (int m = 0; m < x->M; m++) {
            const part_t *pt = &me[m].parts[pick[m]];
            sp[m] = (sched_part){.model = m, .minibatch = pt->minibatch, .nsegs = pt->nsegs,
                                 .segs = (sched_seg *)pt->segs};
            w[m] = (sched_window){.nparts = 1, .parts = &sp[m]};
        }
        double sc;
        int rc = offer(x, &s, &sc);
        if (rc)
            return rc;
        int m = 0;
        while (m < x->M && ++pick[m] == PER_SET)
            pick[m++] = 0;
        if (m == x->M)
            return ERR_OK;
    }
}

static int exhaustive(ctx_t *x, long total)
{
    int alloc[64] = {0};
    double best;
    for (long i = 0; i < total; i++) {
        long v = i;
        for (int c = 0; c < x->N; c++) {
            alloc[c] = (int)(v % (x->G + 1));
            v /= x->G + 1;
        }
        int rc = try_allocation(x, alloc, &best);
        if (rc)
            return rc;
        progress(x, (double)(i + 1) / (double)total);
    }
    return ERR_OK;
}

/* A model's work: MACs x batch (and one, so that none is nothing). */
static double model_work(const scn_model *sm)
{
    return wl_total_macs(&sm->model) * (double)sm->batch + 1;
}

/* Chiplets in snake order, cut into one block per model of the group sized
   by the model's work: the annealing's start and the Simba-like baseline. */
static void proportional_allocation(const ctx_t *x, int *alloc)
{
    double work[8], total = 0;
    for (int j = 0; j < x->G; j++) {
        work[j] = model_work(&x->view.models[j]);
        total += work[j];
    }
    int pos = 0, m = 0, have = 0;
    double acc = 0;
    for (int y = 0; y < x->p->height; y++)
        for (int i = 0; i < x->p->width; i++) {
            int xx = y % 2 ? x->p->width - 1 - i : i;
            int c = x->p->chiplet_at[y * x->p->width + xx];
            if (c < 0)
                continue;
            /* the next model starts when this one has its share, leaving one
               chiplet for each model still to come */
            if (m < x->G - 1 && have > 0 &&
                (pos >= (acc + work[m]) / total * x->N - 0.5 || x->N - pos <= x->G - 1 - m)) {
                acc += work[m];
                m++;
                have = 0;
            }
            alloc[c] = m + 1;
            have++;
            pos++;
        }
}

/* Simulated annealing over allocations, from the proportional one. */
static int anneal(ctx_t *x, uint64_t *rng, long steps)
{
    int cur[64], cand[64];
    proportional_allocation(x, cur);
    double cur_score;
    int rc = try_allocation(x, cur, &cur_score);
    if (rc)
        return rc;
    for (long k = 0; k < steps; k++) {
        memcpy(cand, cur, sizeof(int) * (size_t)x->N);
        int c = (int)(rng_next(rng) % (uint64_t)x->N);
        int v = (int)(rng_next(rng) % (uint64_t)(x->G + 1));
        if (v == cand[c])
            v = (v + 1) % (x->G + 1);
        cand[c] = v;
        if (rng_unit(rng) < 0.3) { /* and swap two chiplets */
            int c2 = (int)(rng_next(rng) % (uint64_t)x->N);
            int t = cand[c];
            cand[c] = cand[c2];
            cand[c2] = t;
        }
        double sc;
        if ((rc = try_allocation(x, cand, &sc)))
            return rc;
        double temp = 0.05 * pow(0.001 / 0.05, (double)k / (double)steps);
        double d = (sc - cur_score) / cur_score;
        if (isfinite(sc) && (d <= 0 || rng_unit(rng) < exp(-d / temp))) {
            memcpy(cur, cand, sizeof(int) * (size_t)x->N);
            cur_score = sc;
        }
        progress(x, (double)(k + 1) / (double)steps);
    }
    return ERR_OK;
}

/* Allocations of the current group's models in one window: every one when
   there are at most max_exhaustive, else STEPS of annealing. */
static int allocate(ctx_t *x, uint64_t *rng, long steps)
{
    long total = 1;
    for (int c = 0; c < x->N && total <= x->o->max_exhaustive; c++)
        total *= x->G + 1;
    return total <= x->o->max_exhaustive ? exhaustive(x, total) : anneal(x, rng, steps);
}

/* Greedy window packing (three models or more): for W = 2 .. M-1 windows,
   the models, heaviest first, each join the window with the least work so
   far; each window's allocation is searched on its own, and the best two of
   each are combined, windows in order. */
static int packings(ctx_t *x, uint64_t *rng)
{
    int order[8], all[8];
    for (int m = 0; m < x->M; m++)
        order[m] = all[m] = m;
    for (int i = 1; i < x->M; i++)
        for (int k = i; k > 0 && model_work(&x->scn->models[order[k]]) >
                                     model_work(&x->scn->models[order[k - 1]]); k--) {
            int t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    int rc = ERR_OK;
    for (int W = 2; !rc && W < x->M; W++) {
        int members[8][8], nmem[8] = {0};
        double load[8] = {0};
        for (int i = 0; i < x->M; i++) {
            int best = 0;
            for (int w = 1; w < W; w++)
                if (load[w] < load[best])
                    best = w;
            members[best][nmem[best]++] = order[i];
            load[best] += model_work(&x->scn->models[order[i]]);
        }
        sched_t kept[8][GROUP_KEEP];
        int nkept[8] = {0};
        for (int w = 0; !rc && w < W; w++) {
            set_group(x, members[w], nmem[w]);
            rc = allocate(x, rng, x->o->anneal_steps / W);
            for (int i = 0; i < x->ngbest; i++) {
                kept[w][i] = x->gbest[i]; /* ownership moves */
                memset(&x->gbest[i], 0, sizeof x->gbest[i]);
                /* number the parts' models as the scenario does */
                for (int k = 0; k < kept[w][i].windows[0].nparts; k++)
                    kept[w][i].windows[0].parts[k].model = x->gm[kept[w][i].windows[0].parts[k].model];
            }
            nkept[w] = x->ngbest;
            x->ngbest = 0;
            rc = rc ? rc : nkept[w] ? ERR_OK : err_input(x->e, "a window of the packing found no schedule");
        }
        set_group(x, all, x->M);
        sched_window win[8];
        sched_t s = {.path = NULL, .nwindows = W, .windows = win};
        int pick[8] = {0};
        while (!rc) {
            for (int w = 0; w < W; w++)
                win[w] = kept[w][pick[w]].windows[0];
            double sc;
            rc = offer(x, &s, &sc);
            int w = 0;
            while (w < W && ++pick[w] == nkept[w])
                pick[w++] = 0;
            if (w == W)
                break;
        }
        for (int w = 0; w < W; w++)
            for (int i = 0; i < nkept[w]; i++)
                sched_free(&kept[w][i]);
    }
    return rc;
}

/* ---- validation by simulation ---- */

typedef struct {
    int rc;
    search_point pt;
} sim_msg;

static void simulate_child(const plat_t *p, const scn_t *scn, const sched_t *s, int fd)
{
    sim_msg msg = {0};
    res_result r;
    err_t e;
    msg.rc = runner_one(eval_find("simulate"), p, scn, s, NULL, NULL, &r, &e);
    if (!msg.rc) {
        msg.pt.makespan_s = r.makespan_s;
        msg.pt.energy_j = r.energy_j;
        for (int m = 0; m < r.nmodels; m++)
            msg.pt.latency_s += r.models[m].latency_s / r.nmodels;
        res_free(&r);
    }
    ssize_t n = write(fd, &msg, sizeof msg);
    _exit(n == (ssize_t)sizeof msg ? 0 : 1);
}

/* Simulates the N schedules S, at most JOBS at once, each in its own process. */
static int simulate_all(const plat_t *p, const scn_t *scn, const sched_t *s, int n, int jobs,
                        search_point *out, int *ok, err_t *e)
{
    pid_t *pid = calloc((size_t)n + 1, sizeof *pid);
    int *fd = calloc((size_t)n + 1, sizeof *fd);
    if (!pid || !fd) {
        free(pid);
        free(fd);
        return err_internal(e, "out of memory");
    }
    int started = 0, running = 0, done = 0, rc = ERR_OK;
    fflush(NULL);
    while (done < n) {
        while (!rc && started < n && running < jobs) {
            int pf[2];
            if (pipe(pf)) {
                rc = err_internal(e, "pipe: %s", strerror(errno));
                break;
            }
            pid_t c = fork();
            if (c == 0) {
                close(pf[0]);
                simulate_child(p, scn, &s[started], pf[1]);
            }
            close(pf[1]);
            if (c < 0) {
                close(pf[0]);
                rc = err_internal(e, "fork: %s", strerror(errno));
                break;
            }
            pid[started] = c;
            fd[started++] = pf[0];
            running++;
        }
        if (running == 0)
            break;
        int status;
        pid_t w = waitpid(-1, &status, 0);
        if (w < 0)
            break;
        for (int i = 0; i < started; i++)
            if (pid[i] == w) {
                sim_msg msg;
                ok[i] = read(fd[i], &msg, sizeof msg) == (ssize_t)sizeof msg && msg.rc == 0 &&
                        WIFEXITED(status) && WEXITSTATUS(status) == 0;
                if (ok[i])
                    out[i] = msg.pt;
                close(fd[i]);
                pid[i] = 0;
                running--;
                done++;
            }
    }
    free(pid);
    free(fd);
    return rc;
}

static double kendall_tau(const double *a, const double *b, const int *ok, int n)
{
    double conc = 0, disc = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (!ok[i] || !ok[j])
                continue;
            double s = (a[i] - a[j]) * (b[i] - b[j]);
            conc += s > 0;
            disc += s < 0;
        }
    return conc + disc > 0 ? (conc - disc) / (conc + disc) : 1;
}

/* ---- the search ---- */

static int setup(ctx_t *x, const plat_t *p, const scn_t *scn, const search_opts *o, err_t *e)
{
    memset(x, 0, sizeof *x);
    x->p = p, x->scn = scn, x->o = o, x->e = e;
    x->M = scn->nmodels;
    x->N = p->nchiplets;
    if (x->M > 8)
        return err_input(e, "the search handles at most 8 models, the scenario has %d", x->M);
    if (x->N > 64)
        return err_input(e, "the search handles at most 64 chiplets, the platform has %d", x->N);
    if (o->validate < 1)
        return err_input(e, "--validate must be at least 1");
    for (int m = 0; m < x->M; m++) {
        long b = scn->models[m].batch;
        for (long d = 1; d <= b && x->nmbs[m] < MAX_MB; d++)
            if (b % d == 0)
                x->mbs[m][x->nmbs[m]++] = d;
        if (scn->models[m].model.nlayers > x->Lmax)
            x->Lmax = scn->models[m].model.nlayers;
    }
    int all[8];
    for (int m = 0; m < x->M; m++)
        all[m] = m;
    set_group(x, all, x->M);
    x->cache = plan_cache_new();
    x->lt = malloc((size_t)x->M * (size_t)x->N * MAX_MB * (size_t)x->Lmax * sizeof(double));
    x->top = calloc((size_t)o->validate, sizeof *x->top);
    x->top_pt = calloc((size_t)o->validate, sizeof *x->top_pt);
    x->top_score = calloc((size_t)o->validate, sizeof *x->top_score);
    if (!x->cache || !x->lt || !x->top || !x->top_pt || !x->top_score)
        return err_internal(e, "out of memory");
    for (int m = 0; m < x->M; m++) {
        const wl_model *wm = &scn->models[m].model;
        for (int c = 0; c < x->N; c++)
            for (int bi = 0; bi < x->nmbs[m]; bi++) {
                double *t = layer_times(x, m, c, bi);
                for (int l = 0; l < wm->nlayers; l++) {
                    cost_t ct;
                    cost_layer(&p->chiplets[c], &wm->layers[l], wm->elem_bytes, x->mbs[m][bi], &ct);
                    t[l] = ct.cycles / p->chiplets[c].clock_hz;
                }
            }
    }
    return ERR_OK;
}

static void teardown(ctx_t *x)
{
    for (int i = 0; i < x->ngbest; i++)
        sched_free(&x->gbest[i]);
    for (int i = 0; x->top && i < x->o->validate; i++)
        sched_free(&x->top[i]);
    free(x->top);
    free(x->top_pt);
    free(x->top_score);
    free(x->pareto);
    free(x->memo);
    free(x->lt);
    plan_cache_free(x->cache);
}

/* How many schedules the explored structures hold: for every allocation,
   each model's orders x cut points x mini-batch sizes. */
static double space_size(const ctx_t *x)
{
    double total = 0;
    double per_k[8][65];
    for (int m = 0; m < x->M; m++) {
        int L = x->scn->models[m].model.nlayers;
        for (int k = 1; k <= x->N; k++) {
            double comb = 1; /* C(L-1, k-1) */
            for (int i = 1; i < k; i++)
                comb *= (double)(L - i) / i;
            double fact = 1;
            for (int i = 2; i <= k; i++)
                fact *= i;
            per_k[m][k] = k <= L ? comb * fact * x->nmbs[m] : 0;
        }
    }
    /* allocations counted by the size each model gets: multinomial sums via a
       small dynamic program over chiplets */
    double ways[9][65] = {{0}};
    ways[0][0] = 1;
    for (int m = 0; m < x->M; m++)
        for (int used = 0; used <= x->N; used++) {
            if (ways[m][used] == 0)
                continue;
            for (int k = 1; used + k <= x->N; k++) {
                double choose = 1;
                for (int i = 1; i <= k; i++)
                    choose *= (double)(x->N - used - k + i) / i;
                ways[m + 1][used + k] += ways[m][used] * choose * per_k[m][k];
            }
        }
    for (int used = 0; used <= x->N; used++)
        total += ways[x->M][used];
    double seq = 1;
    for (int m = 0; m < x->M; m++)
        seq *= per_k[m][x->N];
    return total + seq;
}

/* Pareto points in order of makespan (no two are equal on both axes). */
static int by_makespan(const void *a, const void *b)
{
    const search_point *x = a, *y = b;
    if (x->makespan_s != y->makespan_s)
        return x->makespan_s < y->makespan_s ? -1 : 1;
    return (x->energy_j > y->energy_j) - (x->energy_j < y->energy_j);
}

int search_run(const plat_t *p, const scn_t *scn, const search_opts *o, search_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    ctx_t x;
    int rc = setup(&x, p, scn, o, e);
    x.t0 = x.last_progress = now_s();
    uint64_t rng = o->seed;
    long total = 1;
    for (int c = 0; c < x.N && total <= o->max_exhaustive; c++)
        total *= x.M + 1;
    r->exhaustive = total <= o->max_exhaustive;
    if (!rc)
        rc = try_sequential(&x);
    if (!rc)
        rc = allocate(&x, &rng, o->anneal_steps);
    if (!rc)
        rc = packings(&x, &rng);
    if (!rc && x.ntop == 0)
        rc = err_input(e, "no schedule found");
    r->space = space_size(&x);
    r->allocations = x.allocations;
    r->estimated = x.estimated;
    /* validate */
    if (!rc) {
        r->nvalid = x.ntop;
        r->val_est = calloc((size_t)x.ntop, sizeof *r->val_est);
        r->val_sim = calloc((size_t)x.ntop, sizeof *r->val_sim);
        r->val_ok = calloc((size_t)x.ntop, sizeof *r->val_ok);
        if (!r->val_est || !r->val_sim || !r->val_ok)
            rc = err_internal(e, "out of memory");
    }
    int win = 0;
    if (!rc) {
        memcpy(r->val_est, x.top_pt, (size_t)x.ntop * sizeof *r->val_est);
        if (o->no_simulate) {
            for (int i = 0; i < x.ntop; i++)
                r->val_ok[i] = 0;
        } else {
            rc = simulate_all(p, scn, x.top, x.ntop, o->jobs > 0 ? o->jobs : 1, r->val_sim, r->val_ok, e);
            r->simulated = x.ntop;
            double best = INFINITY;
            win = -1;
            for (int i = 0; !rc && i < x.ntop; i++)
                if (r->val_ok[i] && search_score(o->objective, &r->val_sim[i]) < best) {
                    best = search_score(o->objective, &r->val_sim[i]);
                    win = i;
                }
            if (!rc && win < 0)
                rc = err_input(e, "none of the %d best candidates could be simulated", x.ntop);
            double *a = calloc((size_t)x.ntop + 1, sizeof *a), *b = calloc((size_t)x.ntop + 1, sizeof *b);
            for (int i = 0; a && b && i < x.ntop; i++) {
                a[i] = search_score(o->objective, &r->val_est[i]);
                b[i] = search_score(o->objective, &r->val_sim[i]);
            }
            r->rank_agreement = a && b ? kendall_tau(a, b, r->val_ok, x.ntop) : 0;
            free(a);
            free(b);
        }
    }
    if (!rc && sched_copy(&r->best, &x.top[win]))
        rc = err_internal(e, "out of memory");
    if (!rc)
        rc = est_run(p, scn, &r->best, &r->est, e);
    if (!rc && !o->no_simulate) {
        rc = runner_one(eval_find("simulate"), p, scn, &r->best, NULL, NULL, &r->sim, e);
    }
    if (!rc) {
        qsort(x.pareto, (size_t)x.npareto, sizeof *x.pareto, by_makespan);
        r->npareto = x.npareto;
        r->pareto = x.pareto;
        x.pareto = NULL;
    }
    r->wall_s = now_s() - x.t0;
    teardown(&x);
    if (rc)
        search_result_free(r);
    return rc;
}

void search_result_free(search_result *r)
{
    sched_free(&r->best);
    res_free(&r->est);
    res_free(&r->sim);
    free(r->val_est);
    free(r->val_sim);
    free(r->val_ok);
    free(r->pareto);
    memset(r, 0, sizeof *r);
}

/* ---- baselines ---- */

static const char *const base_names[] = {"monolithic-os", "standalone", "simba"};

int search_baseline_parse(const char *name)
{
    return lookup(base_names, 3, name);
}

const char *search_baseline_name(search_base b)
{
    return b >= 0 && b <= BASE_SIMBA ? base_names[b] : "?";
}

/* The mini-batch that serves OBJ best for model M on the chiplets ORD. */
static int best_part(ctx_t *x, int m, const int *ord, int k, part_t *best)
{
    double best_score = INFINITY;
    for (int bi = 0; bi < x->nmbs[m]; bi++) {
        part_t pt;
        cut(x, m, ord, k, bi, &pt);
        int rc = eval_part(x, m, &pt);
        if (rc)
            return rc;
        search_point sp = {pt.lat_s, pt.energy_j, pt.lat_s};
        double sc = search_score(x->o->objective, &sp);
        if (sc < best_score) {
            best_score = sc;
            *best = pt;
        }
    }
    return ERR_OK;
}

/* Fills OUT with one window per model (WINDOWS) or one window for all. */
static int make_schedule(ctx_t *x, const part_t *parts, int windows, sched_t *out)
{
    sched_part sp[8];
    sched_window w[8];
    sched_t s = {.path = NULL, .nwindows = windows ? x->M : 1, .windows = w};
    for (int m = 0; m < x->M; m++) {
        sp[m] = (sched_part){.model = m, .minibatch = parts[m].minibatch, .nsegs = parts[m].nsegs,
                             .segs = (sched_seg *)parts[m].segs};
        w[m] = (sched_window){.nparts = 1, .parts = &sp[m]};
    }
    if (!windows)
        w[0] = (sched_window){.nparts = x->M, .parts = sp};
    return sched_copy(out, &s) ? err_internal(x->e, "out of memory") : ERR_OK;
}

int search_baseline(const plat_t *p, const scn_t *scn, search_base kind, const search_opts *o,
                    sched_t *out, err_t *e)
{
    ctx_t x;
    search_opts so = *o;
    so.validate = 1;
    int rc = setup(&x, p, scn, &so, e);
    part_t parts[8];
    memset(out, 0, sizeof *out);
    if (!rc && kind == BASE_MONOLITHIC) {
        /* the whole chip runs one model after another, layer by layer */
        if (p->nchiplets != 1)
            rc = err_input(e, "baseline monolithic-os needs a one-chip platform such as "
                              "platforms/mono-os.ini; %s has %d chiplets", p->name, p->nchiplets);
        int chip = 0;
        for (int m = 0; !rc && m < x.M; m++)
            rc = best_part(&x, m, &chip, 1, &parts[m]);
        if (!rc)
            rc = make_schedule(&x, parts, 1, out);
    } else if (!rc && kind == BASE_STANDALONE) {
        /* each model alone on one chiplet, no layer pipelining; the models with
           the most work choose their chiplet first */
        if (x.M > x.N)
            rc = err_input(e, "baseline standalone needs a chiplet per model: %d models, %d chiplets",
                           x.M, x.N);
        int taken[64] = {0}, order[8];
        for (int m = 0; m < x.M; m++)
            order[m] = m;
        for (int i = 1; i < x.M; i++)
            for (int k = i; k > 0; k--) {
                const scn_model *a = &scn->models[order[k]], *b = &scn->models[order[k - 1]];
                if (wl_total_macs(&a->model) * (double)a->batch <= wl_total_macs(&b->model) * (double)b->batch)
                    break;
                int t = order[k];
                order[k] = order[k - 1];
                order[k - 1] = t;
            }
        for (int i = 0; !rc && i < x.M; i++) {
            int m = order[i], pick = -1;
            double best = INFINITY;
            for (int c = 0; !rc && c < x.N; c++) {
                part_t pt;
                if (taken[c] || (rc = best_part(&x, m, &c, 1, &pt)))
                    continue;
                search_point sp = {pt.lat_s, pt.energy_j, pt.lat_s};
                if (search_score(o->objective, &sp) < best) {
                    best = search_score(o->objective, &sp);
                    parts[m] = pt;
                    pick = c;
                }
            }
            if (pick >= 0)
                taken[pick] = 1;
        }
        if (!rc)
            rc = make_schedule(&x, parts, 0, out);
    } else if (!rc) {
        /* Simba-like: chiplets shared out in proportion to work, each model's
           layers pipelined over its block in mesh order */
        if (x.M > x.N)
            rc = err_input(e, "baseline simba needs a chiplet per model: %d models, %d chiplets", x.M,
                           x.N);
        int alloc[64];
        if (!rc)
            proportional_allocation(&x, alloc);
        for (int m = 0; !rc && m < x.M; m++) {
            int ord[64], k = 0;
            for (int y = 0; y < p->height; y++)
                for (int i = 0; i < p->width; i++) {
                    int c = p->chiplet_at[y * p->width + (y % 2 ? p->width - 1 - i : i)];
                    if (c >= 0 && alloc[c] == m + 1)
                        ord[k++] = c;
                }
            rc = best_part(&x, m, ord, k, &parts[m]);
        }
        if (!rc)
            rc = make_schedule(&x, parts, 0, out);
    }
    teardown(&x);
    return rc;
}
