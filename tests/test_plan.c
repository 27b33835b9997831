/* test_plan.c - the lowering on random schedules: plan_build's plan obeys
 * plan.h's rules as a direct reading of them derives each figure, edge and
 * residency decision; the cached lowering gives the same plan, and the
 * estimate through a cache, without one and in full agree bit for bit.
 *
 * Schedules: a mix with residual adds, attention and concats (GPT-2 small,
 * ResNet-50, GoogLeNet) and U-Net, whose activations overflow L2, on the 3x3
 * Het-Sides package (two chiplet configurations, two DRAM channels); 1 to 3
 * windows, each model cut into contiguous runs over windows chosen at random,
 * each run cut into segments on random chiplets (shared ones too), at a random
 * divisor of the batch as mini-batch. */
#include <stdint.h>
#include "testutil.h"
#include "cost.h"
#include "estimate.h"
#include "nop.h"

enum { NSCHEDULES = 150, MAXW = 3, MAXSEGS = 6 };

typedef struct {
    plat_t p;
    scn_t scn;
    char *path;
} fixture;

static void setup(fixture *f)
{
    err_t e;
    char cwd[1024], buf[8192];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(buf, sizeof buf,
             "[model gpt2]\nworkload = %s/workloads/gpt2-small.ini\nbatch = 8\n"
             "[model resnet50]\nworkload = %s/workloads/resnet50.ini\nbatch = 32\n"
             "[model googlenet]\nworkload = %s/workloads/googlenet.ini\nbatch = 12\n"
             "[model unet]\nworkload = %s/workloads/unet.ini\nbatch = 2\n",
             cwd, cwd, cwd, cwd);
    f->path = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load("platforms/het-sides-3x3.ini", &f->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(scn_load(f->path, &f->scn, &e) == ERR_OK, "%s", e.msg);
}

static void teardown(fixture *f)
{
    scn_free(&f->scn);
    plat_free(&f->p);
    unlink(f->path);
    free(f->path);
}

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int pick(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

/* N - 1 distinct sorted cut points in 1 .. L - 1 into CUT[1 .. N - 1], with
   CUT[0] = 0 and CUT[N] = L: N contiguous non-empty runs of L items. */
static void cuts(uint64_t *s, int L, int n, int *cut)
{
    cut[0] = 0;
    cut[n] = L;
    for (int i = 1; i < n; i++) {
        int c;
        do {
            c = 1 + pick(s, L - 1);
            for (int j = 1; j < i; j++)
                if (cut[j] == c)
                    c = -1;
        } while (c < 0);
        int j = i;
        while (j > 1 && cut[j - 1] > c) {
            cut[j] = cut[j - 1];
            j--;
        }
        cut[j] = c;
    }
}

/* A random valid schedule into S (which owns its arrays). */
static void random_schedule(uint64_t *rng, const plat_t *p, const scn_t *scn, sched_t *s)
{
    int W = 1 + pick(rng, MAXW);
    *s = (sched_t){.path = NULL, .nwindows = W};
    s->windows = calloc((size_t)W, sizeof *s->windows);
    for (int w = 0; w < W; w++)
        s->windows[w].parts = calloc((size_t)scn->nmodels, sizeof(sched_part));
    for (int m = 0; m < scn->nmodels; m++) {
        int L = scn->models[m].model.nlayers;
        int k = 1 + pick(rng, W), wins[MAXW + 1], run[MAXW + 1];
        cuts(rng, W, k, wins); /* the windows it runs in: one in each of k bands */
        cuts(rng, L, k, run);
        for (int r = 0; r < k; r++) {
            int w = wins[r] + pick(rng, wins[r + 1] - wins[r]);
            sched_window *sw = &s->windows[w];
            /* at a random place among the window's parts */
            int at = pick(rng, sw->nparts + 1);
            memmove(&sw->parts[at + 1], &sw->parts[at], (size_t)(sw->nparts - at) * sizeof(sched_part));
            sw->nparts++;
            sched_part *pt = &sw->parts[at];
            int len = run[r + 1] - run[r];
            int nsegs = 1 + pick(rng, len < MAXSEGS ? len : MAXSEGS), seg[MAXSEGS + 1];
            cuts(rng, len, nsegs, seg);
            long b = scn->models[m].batch, mb;
            do
                mb = 1 + pick(rng, (int)b);
            while (b % mb);
            *pt = (sched_part){.model = m, .minibatch = mb, .nsegs = nsegs,
                               .segs = calloc((size_t)nsegs, sizeof(sched_seg))};
            for (int i = 0; i < nsegs; i++)
                pt->segs[i] = (sched_seg){run[r] + seg[i], run[r] + seg[i + 1] - 1,
                                          pick(rng, p->nchiplets)};
        }
    }
    err_t e;
    ck_assert_msg(sched_validate(p, scn, s, &e) == ERR_OK, "%s", e.msg);
}

/* The plan segment of model M that runs layer L. */
static int seg_of(const plan_t *pl, int m, int l)
{
    for (int i = 0; i < pl->nsegs; i++)
        if (pl->segs[i].model == m && pl->segs[i].first <= l && l <= pl->segs[i].last)
            return i;
    ck_abort_msg("layer %d of model %d is in no segment", l, m);
    return -1;
}

static int count_edges(const plan_edge *v, int n, plan_edge want)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += v[i].kind == want.kind && v[i].seg == want.seg && v[i].dram == want.dram &&
             v[i].layer == want.layer && v[i].bytes == want.bytes;
    return k;
}

/* Segment SI's figures, inputs and outputs as plan.h states them. */
static void check_segment(const plat_t *p, const scn_t *scn, const plan_t *pl, int si)
{
    const plan_seg *ps = &pl->segs[si];
    const wl_model *m = &scn->models[ps->model].model;
    const plat_chiplet *c = &p->chiplets[ps->chiplet];
    double b = (double)ps->minibatch, cycles = 0, weights = 0, gather = 0;
    for (int l = ps->first; l <= ps->last; l++) {
        cost_t ct;
        cost_layer(c, &m->layers[l], m->elem_bytes, ps->minibatch, &ct);
        cycles += ct.cycles;
        weights += m->layers[l].weight_bytes;
        gather += m->layers[l].dram_bytes * b;
    }
    ck_assert_rel(ps->cycles, cycles, 1e-12);
    ck_assert_rel(ps->compute_s, cycles / c->clock_hz, 1e-12);
    ck_assert_rel(ps->weight_bytes, weights, 1e-12);
    ck_assert_rel(ps->gather_bytes, gather, 1e-12);
    ck_assert_int_eq(ps->dram, nop_dram_for(p, ps->chiplet));
    ck_assert_int_eq(ps->nminibatches, scn->models[ps->model].batch / ps->minibatch);
    /* inputs: once per producer layer outside the segment */
    int nin = 0;
    for (int src = -1; src < ps->first; src++) {
        int read = 0;
        for (int l = ps->first; l <= ps->last; l++)
            for (int j = 0; j < m->layers[l].ninputs; j++)
                read |= m->layers[l].inputs[j] == src;
        if (!read)
            continue;
        plan_edge want = {PLAN_DRAM, -1, ps->dram, src, (src < 0 ? m->input_bytes : m->layers[src].out_bytes) * b};
        int from = src < 0 ? -1 : seg_of(pl, ps->model, src);
        if (from >= 0 && pl->segs[from].window == ps->window)
            want = (plan_edge){PLAN_SEG, from, -1, src, m->layers[src].out_bytes * b};
        ck_assert_int_eq(count_edges(ps->in, ps->nin, want), 1);
        nin++;
    }
    ck_assert_int_eq(ps->nin, nin);
    /* outputs: to every other segment that lists one of ours as input, and to
       DRAM when a layer has no reader or one in a later window */
    int nout = 0;
    for (int t = 0; t < pl->nsegs; t++)
        for (int j = 0; j < pl->segs[t].nin; j++) {
            const plan_edge *in = &pl->segs[t].in[j];
            if (in->kind == PLAN_SEG && in->seg == si) {
                plan_edge want = {PLAN_SEG, t, -1, in->layer, in->bytes};
                ck_assert_int_eq(count_edges(ps->out, ps->nout, want), 1);
                nout++;
            }
        }
    for (int l = ps->first; l <= ps->last; l++) {
        int readers = 0, later = 0;
        for (int r = l + 1; r < m->nlayers; r++)
            for (int j = 0; j < m->layers[r].ninputs; j++)
                if (m->layers[r].inputs[j] == l) {
                    readers++;
                    later |= pl->segs[seg_of(pl, ps->model, r)].window > ps->window;
                }
        if (readers == 0 || later) {
            plan_edge want = {PLAN_DRAM, -1, ps->dram, l, m->layers[l].out_bytes * b};
            ck_assert_int_eq(count_edges(ps->out, ps->nout, want), 1);
            nout++;
        }
    }
    ck_assert_int_eq(ps->nout, nout);
}

/* Weights resident when all on the chiplet in the window fit next to the
   double-buffered activations of its largest layer. */
static void check_residency(const plat_t *p, const scn_t *scn, const plan_t *pl)
{
    for (int i = 0; i < pl->nsegs; i++) {
        const plan_seg *ps = &pl->segs[i];
        double weights = 0, act = 0;
        for (int t = 0; t < pl->nsegs; t++) {
            const plan_seg *q = &pl->segs[t];
            if (q->window != ps->window || q->chiplet != ps->chiplet)
                continue;
            weights += q->weight_bytes;
            const wl_model *m = &scn->models[q->model].model;
            for (int l = q->first; l <= q->last; l++)
                act = fmax(act, 2 * (m->layers[l].in_bytes + m->layers[l].out_bytes) * (double)q->minibatch);
        }
        ck_assert_int_eq(ps->resident, weights + act <= p->chiplets[ps->chiplet].l2_bytes);
    }
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_edges(const plan_edge *a, int na, const plan_edge *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (a[i].kind != b[i].kind || a[i].seg != b[i].seg || a[i].dram != b[i].dram ||
            a[i].layer != b[i].layer || !same_bits(a[i].bytes, b[i].bytes))
            return 0;
    return 1;
}

/* Q (plan_lower's) is FULL without the outputs to other segments. */
static void check_lowered(const plan_t *full, const plan_t *q)
{
    ck_assert_int_eq(q->nsegs, full->nsegs);
    ck_assert_int_eq(q->nwindows, full->nwindows);
    for (int w = 0; w <= q->nwindows; w++)
        ck_assert_int_eq(q->win_first[w], full->win_first[w]);
    for (int i = 0; i < q->nsegs; i++) {
        const plan_seg *a = &full->segs[i], *b = &q->segs[i];
        ck_assert(a->window == b->window && a->part == b->part && a->seg == b->seg &&
                  a->model == b->model && a->chiplet == b->chiplet && a->first == b->first &&
                  a->last == b->last && a->minibatch == b->minibatch &&
                  a->nminibatches == b->nminibatches && a->resident == b->resident &&
                  a->dram == b->dram);
        ck_assert(same_bits(a->cycles, b->cycles) && same_bits(a->compute_s, b->compute_s) &&
                  same_bits(a->macs, b->macs) && same_bits(a->e_mac_pj, b->e_mac_pj) &&
                  same_bits(a->e_l1_pj, b->e_l1_pj) && same_bits(a->e_l2_pj, b->e_l2_pj) &&
                  same_bits(a->weight_bytes, b->weight_bytes) &&
                  same_bits(a->gather_bytes, b->gather_bytes));
        ck_assert(same_edges(a->in, a->nin, b->in, b->nin));
        int seg_outs = 0;
        while (seg_outs < a->nout && a->out[seg_outs].kind == PLAN_SEG)
            seg_outs++;
        ck_assert(same_edges(a->out + seg_outs, a->nout - seg_outs, b->out, b->nout));
    }
}

START_TEST(random_schedules_follow_the_rules)
{
    fixture f;
    setup(&f);
    uint64_t rng = 42;
    plan_cache *cache = plan_cache_new();
    /* what the schedules exercised: inputs from a segment, from DRAM across
       windows, outputs to DRAM for a later window, streamed weights */
    int seg_in = 0, win_in = 0, win_out = 0, streamed = 0;
    for (int n = 0; n < NSCHEDULES / 3; n++) {
        sched_t s;
        random_schedule(&rng, &f.p, &f.scn, &s);
        plan_t pl;
        const plan_t *q;
        err_t e;
        ck_assert_msg(plan_build(&f.p, &f.scn, &s, &pl, &e) == ERR_OK, "%s", e.msg);
        for (int i = 0; i < pl.nsegs; i++) {
            const plan_seg *ps = &pl.segs[i];
            check_segment(&f.p, &f.scn, &pl, i);
            for (int j = 0; j < ps->nin; j++) {
                seg_in += ps->in[j].kind == PLAN_SEG;
                win_in += ps->in[j].kind == PLAN_DRAM && ps->in[j].layer >= 0;
            }
            for (int j = 0; j < ps->nout; j++)
                win_out += ps->out[j].kind == PLAN_DRAM && ps->out[j].layer < ps->last;
            streamed += !ps->resident;
        }
        check_residency(&f.p, &f.scn, &pl);
        ck_assert_msg(plan_lower(&f.p, &f.scn, &s, cache, &q, &e) == ERR_OK, "%s", e.msg);
        check_lowered(&pl, q);
        plan_free(&pl);
        sched_free(&s);
    }
    ck_assert(seg_in > 0 && win_in > 0 && win_out > 0 && streamed > 0);
    plan_cache_free(cache);
    teardown(&f);
}
END_TEST

/* S with each part's mini-batch or its chiplets drawn again: the same spans
   under other keys, for the cache to tell apart. */
static void redraw(uint64_t *rng, const plat_t *p, const scn_t *scn, sched_t *s)
{
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++) {
            sched_part *pt = &s->windows[w].parts[i];
            long b = scn->models[pt->model].batch;
            if (pick(rng, 2))
                do
                    pt->minibatch = 1 + pick(rng, (int)b);
                while (b % pt->minibatch);
            else
                for (int k = 0; k < pt->nsegs; k++)
                    pt->segs[k].chiplet = pick(rng, p->nchiplets);
        }
}

START_TEST(cached_estimates_are_bit_for_bit)
{
    fixture f;
    setup(&f);
    uint64_t rng = 7;
    plan_cache *cache = plan_cache_new();
    int M = f.scn.nmodels;
    for (int n = 0; n < NSCHEDULES; n++) {
        sched_t s;
        random_schedule(&rng, &f.p, &f.scn, &s);
        for (int v = 0; v < 3; v++) {
            err_t e;
            res_result r;
            if (v)
                redraw(&rng, &f.p, &f.scn, &s);
            ck_assert_msg(est_run(&f.p, &f.scn, &s, &r, &e) == ERR_OK, "%s", e.msg);
            /* twice through the cache (filling it, then from what it holds), once without */
            for (int round = 0; round < 3; round++) {
                double mk, en, lat[8];
                ck_assert_int_eq(est_quick(&f.p, &f.scn, &s, round < 2 ? cache : NULL, &mk, &en, lat, &e),
                                 ERR_OK);
                ck_assert_msg(same_bits(mk, r.makespan_s) && same_bits(en, r.energy_j),
                              "schedule %d.%d round %d: %.17g %.17g vs %.17g %.17g", n, v, round, mk, en,
                              r.makespan_s, r.energy_j);
                for (int m = 0; m < M; m++)
                    ck_assert(same_bits(lat[m], r.models[m].latency_s));
            }
            res_free(&r);
        }
        sched_free(&s);
    }
    plan_cache_free(cache);
    teardown(&f);
}
END_TEST

/* Two systolic chiplets of 1024 PEs each, one an 8x128 array, the other
   32x32: the array's shape sets a layer's cycles, so the cache must not
   take one's costs for the other's. Window 1 runs the model on a, window 2
   on b; each segment's compute time is its chiplet's own cost_layer sum. */
START_TEST(array_shape_is_part_of_a_configuration)
{
    const char *plat_text =
        "[package]\nname = sys\nmesh = 2x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
        "energy_per_bit = 2pJ\n"
        "[chiplet a]\nat = 0,0\ndataflow = systolic-ws\npes = 1024\narray = 8x128\n"
        "[chiplet b]\nat = 1,0\ndataflow = systolic-ws\npes = 1024\narray = 32x32\n"
        "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 15pJ\n";
    const char *wl_text = "[model]\nname = two\n[layers]\nc = conv k=64 c=3 r=7 h=224 w=224 stride=2\n"
                          "m = matmul m=64 k=64 n=4096\n";
    char *paths[3];
    plat_t p;
    scn_t scn;
    err_t e;
    tu_load_texts(plat_text, wl_text, 2, paths, &p, &scn);
    sched_seg segs[2] = {{0, 1, 0}, {0, 1, 1}};
    sched_part parts[2] = {{.model = 0, .minibatch = 2, .nsegs = 1, .segs = &segs[0]},
                           {.model = 0, .minibatch = 2, .nsegs = 1, .segs = &segs[1]}};
    sched_window w[2] = {{.nparts = 1, .parts = &parts[0]}, {.nparts = 1, .parts = &parts[1]}};
    sched_t s = {.nwindows = 2, .windows = w};
    res_result r;
    ck_assert_msg(est_run(&p, &scn, &s, &r, &e) == ERR_OK, "%s", e.msg);
    const wl_model *m = &scn.models[0].model;
    double want[2];
    for (int c = 0; c < 2; c++) {
        double cycles = 0;
        for (int l = 0; l < m->nlayers; l++) {
            cost_t ct;
            cost_layer(&p.chiplets[c], &m->layers[l], m->elem_bytes, 2, &ct);
            cycles += ct.cycles;
        }
        want[c] = cycles / p.chiplets[c].clock_hz;
        ck_assert_rel(r.segs[c].compute_s, want[c], 1e-12);
    }
    ck_assert_msg(fabs(want[0] - want[1]) > 0.01 * want[1], "the shapes must cost differently");
    res_free(&r);
    scn_free(&scn);
    plat_free(&p);
    tu_remove_tmp(paths, 3);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("plan");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_schedules_follow_the_rules);
    tcase_add_test(tc, cached_estimates_are_bit_for_bit);
    tcase_add_test(tc, array_shape_is_part_of_a_configuration);
    suite_add_tcase(s, tc);
    return s;
}
