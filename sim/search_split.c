/* search_split.c - the last phase of a search: splitting segments of the best
 * schedule over idle chiplets (split.h).
 *
 * A segment is worth splitting where its weights do not fit in its chiplet's
 * L2 (they stream from DRAM every mini-batch) or where it is its pipeline's
 * slowest stage. Such a segment is tried split by output channels, then by
 * samples, over itself and 1, 2, 3 more chiplets that run nothing in its
 * window: those like its own first (same dataflow and PE count), then the
 * nearest, then in chiplet order. A split that passes sched_validate is
 * offered like any candidate (so it may be among those simulated); the first
 * that beats the best score found replaces it and the pass starts again, up
 * to SPLIT_PASSES times. Everything is in a fixed order: the same inputs give
 * the same schedule. */
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "nop.h"
#include "search_int.h"

#define SPLIT_PASSES 4
#define SPLIT_MAX_WAYS 4

/* Segment I of R: its weights stream, or no segment of its part is slower. */
static int worth_splitting(const res_result *r, int i)
{
    const res_seg *rs = &r->segs[i];
    if (rs->nslices > 1)
        return 0;
    if (rs->weights_streamed)
        return 1;
    for (int j = 0; j < r->nsegs; j++)
        if (r->segs[j].window == rs->window && r->segs[j].part == rs->part &&
            r->segs[j].latency_s > rs->latency_s)
            return 0;
    return 1;
}

/* A helper's rank for HOME: 0 like it, 1 not; *HOPS away. */
static int idle_key(const plat_t *p, int home, int c, int *hops)
{
    const plat_chiplet *a = &p->chiplets[home], *b = &p->chiplets[c];
    *hops = nop_hops(p, home, c);
    return !(a->dataflow == b->dataflow && a->pes == b->pes);
}

/* The chiplets of window W that run nothing, best helpers of HOME first,
   into IDLE; returns how many. */
static int idle_chiplets(const plat_t *p, const res_result *r, int w, int home, int *idle)
{
    int n = 0;
    for (int c = 0; c < p->nchiplets; c++) {
        int used = 0;
        for (int i = 0; i < r->nsegs && !used; i++)
            used = r->segs[i].window == w && r->segs[i].chiplet == c;
        if (used)
            continue;
        /* insertion by (unlike, hops, index): a handful of chiplets */
        int hc, kc = idle_key(p, home, c, &hc), at = n;
        while (at > 0) {
            int hp, kp = idle_key(p, home, idle[at - 1], &hp);
            if (kp < kc || (kp == kc && hp <= hc))
                break;
            idle[at] = idle[at - 1];
            at--;
        }
        idle[at] = c;
        n++;
    }
    return n;
}

/* CUR with segment RS split KIND over its chiplet and IDLE[0..W-2], into
   *OUT (its own memory); ERR_INPUT when it cannot be split so. */
static int split_copy(const srch_state *x, const sched_t *cur, const res_seg *rs, split_kind kind, int w,
                      const int *idle, sched_t *out)
{
    if (sched_copy(out, cur))
        return ERR_INTERNAL;
    sched_part *pt = &out->windows[rs->window].parts[rs->part];
    int *chips = malloc((size_t)w * sizeof *chips);
    if (!pt->splits)
        pt->splits = calloc((size_t)pt->nsegs + 1, sizeof *pt->splits);
    if (!chips || !pt->splits) {
        free(chips);
        sched_free(out);
        return ERR_INTERNAL;
    }
    chips[0] = rs->chiplet;
    memcpy(chips + 1, idle, (size_t)(w - 1) * sizeof *chips);
    pt->splits[rs->seg] = (sched_split){.kind = kind, .nslices = w, .chips = chips};
    err_t e;
    if (sched_validate(x->p, x->scn, out, &e)) {
        sched_free(out);
        return ERR_INPUT;
    }
    return ERR_OK;
}

/* One pass over CUR (scored BEST): replaces it with the first split that
   scores better; *IMPROVED says whether one did. */
static int split_pass(srch_state *x, sched_t *cur, double *best, int *improved, int *idle)
{
    static const split_kind kinds[] = {SPLIT_K, SPLIT_N};
    res_result r;
    int rc = est_run(x->p, x->scn, cur, &r, x->e);
    *improved = 0;
    for (int i = 0; !rc && !*improved && i < r.nsegs; i++) {
        if (!worth_splitting(&r, i))
            continue;
        int nidle = idle_chiplets(x->p, &r, r.segs[i].window, r.segs[i].chiplet, idle);
        for (int k = 0; !rc && !*improved && k < 2; k++)
            for (int w = 2; !rc && !*improved && w <= SPLIT_MAX_WAYS && w - 1 <= nidle; w++) {
                sched_t cand;
                int sc = split_copy(x, cur, &r.segs[i], kinds[k], w, idle, &cand);
                if (sc == ERR_INPUT)
                    continue;
                if (sc) {
                    rc = err_internal(x->e, "out of memory");
                    continue;
                }
                double score;
                rc = srch_offer(x, &cand, &score);
                if (!rc && score < *best) {
                    *best = score;
                    sched_free(cur);
                    *cur = cand;
                    *improved = 1;
                } else {
                    sched_free(&cand);
                }
            }
    }
    res_free(&r);
    return rc;
}

int srch_splits(srch_state *x)
{
    if (x->ntop == 0)
        return ERR_OK;
    srch_set_group(x, NULL, x->M);
    sched_t cur;
    int *idle = malloc((size_t)x->N * sizeof *idle + 1);
    if (!idle || sched_copy(&cur, &x->top[0])) {
        free(idle);
        return err_internal(x->e, "out of memory");
    }
    double best = search_score(x->o->objective, &x->top_pt[0]);
    int rc = ERR_OK, improved = 1;
    for (int pass = 0; !rc && improved && pass < SPLIT_PASSES; pass++)
        rc = split_pass(x, &cur, &best, &improved, idle);
    sched_free(&cur);
    free(idle);
    return rc;
}
