/* search_offer.c - the candidates of a search: a part estimated alone,
 * schedules assembled from parts and offered to the top-K list and the
 * Pareto front, the combinations of kept parts tried, and the score of a
 * chiplet allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "search_int.h"

static sched_part srch_part_view(const srch_part *pt, int model)
{
    return (sched_part){.model = model, .minibatch = pt->minibatch, .nsegs = pt->nsegs,
                        .segs = pt->segs};
}

/* The static power (W) of the chiplets outside SET (K of them) that the
   package keeps on: all of them without power gating, none with it. */
static double outside_static_w(const plat_t *p, const int *set, int k)
{
    if (p->power_gating)
        return 0;
    double w = 0;
    for (int c = 0; c < p->nchiplets; c++)
        w += p->chiplets[c].static_w;
    for (int i = 0; i < k; i++)
        w -= p->chiplets[set[i]].static_w;
    return w;
}

/* A part alone is charged the static power of the chiplets it is given,
   used or not, over its latency; not the whole package's, whose other
   chiplets burn whatever part a model gets and are counted when parts are
   combined into a schedule. Charged the whole package, every model would be
   pushed to finish early at any cost in energy, though only the last sets
   the makespan. With power gating est_quick charges the part's own
   chiplets already. */
int srch_estimate_part(srch_state *x, srch_worker *w, int m, const int *set, int k, srch_part *pt)
{
    scn_t one = {.path = NULL, .nmodels = 1, .models = &((scn_t *)x->scn)->models[m]};
    sched_part sp = srch_part_view(pt, 0);
    sched_window win = {.nparts = 1, .parts = &sp};
    sched_t s = {.path = NULL, .nwindows = 1, .windows = &win};
    double mk, en;
    int rc = est_quick(x->p, &one, &s, w->cache, &mk, &en, NULL, &w->err);
    pt->lat_s = mk;
    pt->energy_j = en - outside_static_w(x->p, set, k) * mk;
    return rc;
}

/* Worker W's error as the search's. */
static int srch_fail(srch_state *x, const srch_worker *w, int rc)
{
    *x->e = w->err;
    return rc;
}

int srch_eval_part(srch_state *x, int m, const int *set, int k, srch_part *pt)
{
    int rc = srch_estimate_part(x, &x->wk[0], m, set, k, pt);
    x->estimated++;
    return rc ? srch_fail(x, &x->wk[0], rc) : ERR_OK;
}

/* A schedule to keep: S, or when S is NULL the one BUILD makes of PICK,
   made only if it is kept (most are not). */
typedef struct {
    const sched_t *s;
    srch_build_fn build;
    void *arg;
    const int *pick;
} srch_cand;

/* A copy of C's schedule in OUT. */
static int srch_cand_copy(srch_state *x, const srch_cand *c, sched_t *out)
{
    sched_t built;
    const sched_t *s = c->s;
    if (!s) {
        built = c->build(x, c->arg, c->pick, &x->wk[0]);
        s = &built;
    }
    return sched_copy(out, s);
}

/* Whether PT could enter the sorted list PTS of capacity K (N used). */
static int srch_may_top(search_objective o, const search_point *pts, int n, int K, const search_point *pt)
{
    return n < K || search_cmp(o, pt, &pts[K - 1]) < 0;
}

/* A point the front has one as good as on both axes stays out: the front
   can lose that point only to one at least as good again. */
static int srch_may_pareto(const srch_state *x, const search_point *pt)
{
    for (int i = 0; i < x->npareto; i++)
        if (x->pareto[i].makespan_s <= pt->makespan_s && x->pareto[i].energy_j <= pt->energy_j)
            return 0;
    return 1;
}

/* The makespan-energy front of every schedule estimated, each point with
   its schedule: C joins it unless a point is as good on both axes, and
   pushes out the points it is as good as on both. */
static int srch_offer_pareto(srch_state *x, const srch_cand *c, const search_point *pt)
{
    if (!srch_may_pareto(x, pt))
        return ERR_OK;
    int n = 0;
    for (int i = 0; i < x->npareto; i++) {
        const search_point *q = &x->pareto[i];
        if (!(pt->makespan_s <= q->makespan_s && pt->energy_j <= q->energy_j)) {
            x->pareto_s[n] = x->pareto_s[i];
            x->pareto[n++] = *q;
        } else
            sched_free(&x->pareto_s[i]);
    }
    x->npareto = n;
    if (n == x->cap_pareto) {
        int cap = x->cap_pareto ? 2 * x->cap_pareto : 32;
        search_point *nv = realloc(x->pareto, (size_t)cap * sizeof *nv);
        if (nv)
            x->pareto = nv;
        sched_t *ns = nv ? realloc(x->pareto_s, (size_t)cap * sizeof *ns) : NULL;
        if (!ns)
            return err_internal(x->e, "out of memory");
        x->pareto_s = ns;
        x->cap_pareto = cap;
    }
    if (srch_cand_copy(x, c, &x->pareto_s[x->npareto]))
        return err_internal(x->e, "out of memory");
    x->pareto[x->npareto++] = *pt;
    return ERR_OK;
}

/* Inserts C at PT into the list TOP/PTS of capacity K (N used), sorted by
   the objective with ties broken on the other figures (search_cmp). A
   candidate equal on every figure to one kept is taken for the same
   schedule. Most candidates are worse than the last of a full list, and
   one that is cannot equal any kept (the list is sorted): that test comes
   first, one comparison instead of K. */
static int srch_keep_top(srch_state *x, sched_t *top, search_point *pts, int *n, int K,
                         const srch_cand *c, const search_point *pt)
{
    search_objective o = x->o->objective;
    if (!srch_may_top(o, pts, *n, K, pt))
        return ERR_OK;
    for (int i = 0; i < *n; i++)
        if (search_cmp(o, &pts[i], pt) == 0)
            return ERR_OK;
    int pos = *n < K ? (*n)++ : K - 1;
    sched_free(&top[pos]);
    /* shifting moves ownership down; the slot left at POS is overwritten */
    while (pos > 0 && search_cmp(o, &pts[pos - 1], pt) > 0) {
        top[pos] = top[pos - 1];
        pts[pos] = pts[pos - 1];
        pos--;
    }
    if (srch_cand_copy(x, c, &top[pos])) {
        memset(&top[pos], 0, sizeof top[pos]);
        pts[pos] = (search_point){INFINITY, INFINITY, INFINITY};
        return err_internal(x->e, "out of memory");
    }
    pts[pos] = *pt;
    return ERR_OK;
}

/* C is kept when it is among the best: of the search when VIEW is the
   whole scenario, of the current group otherwise. */
search_point srch_point(const srch_state *x, double mk, double en, const double *lat)
{
    search_point pt = {mk, en, 0};
    for (int j = 0; j < x->G; j++)
        pt.latency_s += lat[j] / x->G;
    return pt;
}

int srch_may_keep(const srch_state *x, const search_point *pt)
{
    search_objective o = x->o->objective;
    if (x->G < x->M)
        return srch_may_top(o, x->gpt, x->ngbest, SRCH_GROUP_KEEP, pt);
    return srch_may_pareto(x, pt) || srch_may_top(o, x->top_pt, x->ntop, x->top_cap, pt);
}

static int srch_keep_cand(srch_state *x, const srch_cand *c, double mk, double en,
                          const double *lat, double *score_out)
{
    x->estimated++;
    search_point pt = srch_point(x, mk, en, lat);
    double score = search_score(x->o->objective, &pt);
    *score_out = score;
    if (x->G < x->M)
        return srch_keep_top(x, x->gbest, x->gpt, &x->ngbest, SRCH_GROUP_KEEP, c, &pt);
    int rc = srch_offer_pareto(x, c, &pt);
    return rc ? rc : srch_keep_top(x, x->top, x->top_pt, &x->ntop, x->top_cap, c, &pt);
}

int srch_keep(srch_state *x, const sched_t *s, double mk, double en, const double *lat,
              double *score)
{
    srch_cand c = {.s = s};
    return srch_keep_cand(x, &c, mk, en, lat, score);
}

int srch_keep_pick(srch_state *x, srch_build_fn build, void *arg, const int *pick, double mk,
                   double en, const double *lat, double *score)
{
    srch_cand c = {NULL, build, arg, pick};
    return srch_keep_cand(x, &c, mk, en, lat, score);
}

/* Estimates schedule S (of the models in VIEW) with worker 0 and keeps it. */
int srch_offer(srch_state *x, const sched_t *s, double *score)
{
    srch_worker *w = &x->wk[0];
    double mk, en;
    int rc = est_quick(x->p, &x->view, s, w->cache, &mk, &en, w->lat, &w->err);
    return rc ? srch_fail(x, w, rc) : srch_keep(x, s, mk, en, w->lat, score);
}

sched_t srch_assemble(srch_worker *w, const srch_part *const *pt, int n, int separate)
{
    for (int j = 0; j < n; j++) {
        w->sp[j] = srch_part_view(pt[j], j);
        w->sw[j] = (sched_window){.nparts = 1, .parts = &w->sp[j]};
    }
    if (!separate)
        w->sw[0] = (sched_window){.nparts = n, .parts = w->sp};
    return (sched_t){.path = NULL, .nwindows = separate ? n : 1, .windows = w->sw};
}

/* Up to 3^8 combinations (eight models' kept parts) every one is offered;
   beyond, their number grows exponentially with the models and a
   coordinate descent, linear in them, takes over. */
#define SRCH_CROSS_MAX 6561
#define SRCH_DESCENT_PASSES 8

/* Offers BUILD's schedule for PICK. */
static int srch_offer_pick(srch_state *x, srch_build_fn build, void *arg, const int *pick,
                           double *score)
{
    sched_t s = build(x, arg, pick, &x->wk[0]);
    return srch_offer(x, &s, score);
}

int srch_combine(srch_state *x, int n, const int *base, int radix, int *pick, srch_build_fn build,
                 void *arg, double *best)
{
    long total = 1;
    for (int i = 0; i < n && total <= SRCH_CROSS_MAX; i++)
        total *= base ? base[i] : radix;
    *best = INFINITY;
    memset(pick, 0, (size_t)n * sizeof *pick);
    double sc;
    int rc;
    if (total <= SRCH_CROSS_MAX) {
        srch_rows rows = {n, base, radix, total, NULL};
        return srch_batch_combine(x, &rows, total, build, arg, -1, best);
    }
    if ((rc = srch_offer_pick(x, build, arg, pick, best)))
        return rc;
    int improved = 1;
    for (int pass = 0; improved && pass < SRCH_DESCENT_PASSES; pass++) {
        improved = 0;
        for (int i = 0; i < n; i++) {
            int keep = pick[i];
            for (int v = 0; v < (base ? base[i] : radix); v++) {
                if (v == keep)
                    continue;
                pick[i] = v;
                if ((rc = srch_offer_pick(x, build, arg, pick, &sc)))
                    return rc;
                if (sc < *best) {
                    *best = sc;
                    keep = v;
                    improved = 1;
                }
            }
            pick[i] = keep;
        }
    }
    return ERR_OK;
}

typedef struct {
    const srch_memo *const *me;
    int n, separate;
} srch_cross_arg;

static sched_t srch_cross_build(srch_state *x, void *arg, const int *pick, srch_worker *w)
{
    (void)x;
    const srch_cross_arg *a = arg;
    for (int j = 0; j < a->n; j++)
        w->gpart[j] = &a->me[j]->parts[pick[j]];
    return srch_assemble(w, w->gpart, a->n, a->separate);
}

int srch_cross(srch_state *x, const srch_memo *const *me, int n, int separate, double *best)
{
    srch_cross_arg a = {me, n, separate};
    return srch_combine(x, n, NULL, SRCH_PER_SET, x->pick, srch_cross_build, &a, best);
}

void srch_alloc_sets(const srch_state *x, const int *alloc, uint64_t *sets, int *count)
{
    size_t W = (size_t)x->words;
    memset(sets, 0, (size_t)x->G * W * sizeof *sets);
    memset(count, 0, (size_t)x->G * sizeof *count);
    for (int c = 0; c < x->N; c++)
        if (alloc[c] > 0) {
            size_t j = (size_t)alloc[c] - 1;
            sets[j * W + (size_t)c / 64] |= 1ULL << (c % 64);
            count[j]++;
        }
}

int srch_try_allocation(srch_state *x, const int *alloc, double *best)
{
    size_t W = (size_t)x->words;
    *best = INFINITY;
    srch_alloc_sets(x, alloc, x->gsets, x->gcount);
    for (int j = 0; j < x->G; j++) {
        if (!x->gcount[j])
            return ERR_OK;
        int rc = srch_parts_for(x, x->gm[j], &x->gsets[(size_t)j * W], x->gcount[j], &x->gmemo[j]);
        if (rc)
            return rc;
    }
    x->allocations++;
    return srch_cross(x, x->gmemo, x->G, 0, best);
}

