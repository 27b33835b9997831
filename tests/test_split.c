/* test_split.c - segments split over several chiplets, worked out by hand.
 *
 * Package (mesh 3x2, XY routes, 100 GB/s links and ports, 35 ns per hop):
 *
 *   y=1   s ----- c ----- e        s: 1024 PEs (16 NVDLA clusters), the rest 4096 (64)
 *         |       |       |
 *   y=0   a ----- m ----- b        DRAM d on m: 64 GB/s, 200 ns
 *
 * NVDLA-like, 500 MHz (2 ns a cycle), ideal L2 bandwidth, so a matmul takes
 * ceil(n / clusters) * ceil(k / 64) * m * b' cycles for b' samples.
 * Model w, int8, batch 8 in mini-batches of 2 (4 of them):
 *   l0 = matmul m=64 k=64 n=128: weights 64 x 128 = 8192 B, output 64 x 128 = 8192 B a sample
 *   l1 = matmul m=64 k=128 n=64: weights 8192 B, output 4096 B a sample
 *   l2 = matmul m=64 k=64 n=64:  weights 4096 B, output 4096 B a sample
 * The model input is 64 x 64 = 4096 B a sample. */
#include "testutil.h"
#include "estimate.h"
#include "plan.h"
#include "runner.h"
#include "search.h"

#define NS 1e-9

static const char *plat_text =
    "[package]\nname = t6\nmesh = 3x2\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n"
    "[defaults]\ndataflow = nvdla\npes = 4096\nclock = 500MHz\nl2_bandwidth = ideal\n"
    "mac_energy = 0.23pJ\n"
    "[chiplet a]\nat = 0,0\n[chiplet m]\nat = 1,0\n[chiplet b]\nat = 2,0\n"
    "[chiplet s]\nat = 0,1\npes = 1024\n[chiplet c]\nat = 1,1\n[chiplet e]\nat = 2,1\n"
    "[dram d]\nchiplet = m\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

static const char *wl_text = "[model]\nname = w\n[layers]\nl0 = matmul m=64 k=64 n=128\n"
                             "l1 = matmul m=64 k=128 n=64\nl2 = matmul m=64 k=64 n=64\n";

typedef struct {
    char *plat, *wl, *scn, *sched;
    plat_t p;
    scn_t scn_s;
    sched_t s;
    plan_t pl;
} fixture;

/* Writes the files; loads the schedule of model x with WINDOWS into F,
   returning sched_load's status (E its message). */
static int load(fixture *f, const char *wl, const char *windows, err_t *e)
{
    char buf[1024];
    memset(f, 0, sizeof *f);
    f->plat = tu_write_tmp(plat_text, ".ini");
    f->wl = tu_write_tmp(wl, ".ini");
    snprintf(buf, sizeof buf, "[model x]\nworkload = %s\nbatch = 8\n", f->wl);
    f->scn = tu_write_tmp(buf, ".ini");
    snprintf(buf, sizeof buf, "[schedule]\nscenario = %s\n%s", f->scn, windows);
    f->sched = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load(f->plat, &f->p, e) == ERR_OK, "%s", e->msg);
    return sched_load(f->sched, &f->p, &f->scn_s, &f->s, e);
}

static void setup(fixture *f, const char *windows)
{
    err_t e;
    ck_assert_msg(load(f, wl_text, windows, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(plan_build(&f->p, &f->scn_s, &f->s, &f->pl, &e) == ERR_OK, "%s", e.msg);
}

static void teardown(fixture *f)
{
    plan_free(&f->pl);
    sched_free(&f->s);
    scn_free(&f->scn_s);
    plat_free(&f->p);
    char *paths[] = {f->plat, f->wl, f->scn, f->sched};
    tu_remove_tmp(paths, 4);
}

static int chip(const fixture *f, const char *name)
{
    int c = plat_find_chiplet(&f->p, name);
    ck_assert_int_ge(c, 0);
    return c;
}

static int link_named(const plat_t *p, const char *name)
{
    for (int l = 0; l < p->nlinks; l++)
        if (strcmp(p->links[l].name, name) == 0)
            return l;
    ck_abort_msg("no link %s", name);
    return -1;
}

/* The input edge of segment I from segment FROM, which must be there. */
static const plan_edge *edge_from(const plan_t *pl, int i, int from)
{
    for (int j = 0; j < pl->segs[i].nin; j++)
        if (pl->segs[i].in[j].kind == PLAN_SEG && pl->segs[i].in[j].seg == from)
            return &pl->segs[i].in[j];
    ck_abort_msg("segment %d has no input from %d", i, from);
    return NULL;
}

START_TEST(split_k_slices_output_channels)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a+b split=k\nx.2 = l1 .. l2 @ c\n");
    ck_assert_int_eq(f.pl.nsegs, 3);
    for (int i = 0; i < 2; i++) {
        const plan_seg *ps = &f.pl.segs[i];
        ck_assert_int_eq(ps->chiplet, chip(&f, i ? "b" : "a"));
        ck_assert_int_eq(ps->slice, i);
        ck_assert_int_eq(ps->nslices, 2);
        /* each slice is 64 x 64 x 64: ceil(64/64) * ceil(64/64) * 64 * 2 = 128
           cycles (the whole layer: ceil(128/64) = 2 times that) */
        ck_assert_rel(ps->cycles, 128, 1e-12);
        ck_assert_rel(ps->macs, 64.0 * 64 * 64 * 2, 1e-12);
        /* it holds k x n/2 = 64 x 64 weights */
        ck_assert_rel(ps->weight_bytes, 4096, 1e-12);
        ck_assert(ps->resident);
        /* it reads the whole input, 4096 B x 2 samples, from DRAM */
        ck_assert_int_eq(ps->nin, 1);
        ck_assert_int_eq(ps->in[0].kind, PLAN_DRAM);
        ck_assert_rel(ps->in[0].bytes, 8192, 1e-12);
    }
    /* the gather: each slice sends its m x n/2 = 64 x 64 B a sample, x 2 */
    ck_assert_int_eq(f.pl.segs[2].nin, 2);
    ck_assert_rel(edge_from(&f.pl, 2, 0)->bytes, 8192, 1e-12);
    ck_assert_rel(edge_from(&f.pl, 2, 1)->bytes, 8192, 1e-12);
    /* l1 .. l2 whole on c: (ceil(64/64) * ceil(128/64) + 1 * 1) * 64 * 2 = 384 cycles */
    ck_assert_rel(f.pl.segs[2].cycles, 384, 1e-12);
    teardown(&f);
}
END_TEST

START_TEST(split_c_reduces_partial_sums)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ c\nx.2 = l1 @ a+b split=c\nx.3 = l2 @ c\n");
    ck_assert_int_eq(f.pl.nsegs, 4);
    for (int i = 1; i <= 2; i++) {
        const plan_seg *ps = &f.pl.segs[i];
        /* each slice reduces over k/2 = 64 input channels: 1 * 1 * 64 * 2 = 128
           cycles (whole: ceil(128/64) = 2 times that); k/2 x n = 64 x 64 weights */
        ck_assert_rel(ps->cycles, 128, 1e-12);
        ck_assert_rel(ps->weight_bytes, 4096, 1e-12);
        /* it reads its half of l0's 64 x 128 output: 64 x 64 B x 2 samples */
        ck_assert_rel(edge_from(&f.pl, i, 0)->bytes, 8192, 1e-12);
    }
    /* the reduction: each slice sends its whole partial sum, 64 x 64 B x 2
       samples: twice the tensor in all */
    ck_assert_int_eq(f.pl.segs[3].nin, 2);
    ck_assert_rel(edge_from(&f.pl, 3, 1)->bytes, 8192, 1e-12);
    ck_assert_rel(edge_from(&f.pl, 3, 2)->bytes, 8192, 1e-12);
    teardown(&f);
}
END_TEST

/* Megatron-LM's pair in one segment: l0 by output channels, then l1, which
   reads l0's slice, by the input channels that slice is; its partial sums
   are reduced at l2. */
START_TEST(split_k_pairs_output_then_input_channels)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l1 @ a+b split=k\nx.2 = l2 @ c\n");
    for (int i = 0; i < 2; i++) {
        const plan_seg *ps = &f.pl.segs[i];
        /* l0: 64 x 64 x 64, 1 * 1 * 128 = 128 cycles; l1: 64 x 64 x 64 (k 128 -> 64),
           128 cycles; weights 64 x 64 of each */
        ck_assert_rel(ps->cycles, 256, 1e-12);
        ck_assert_rel(ps->weight_bytes, 8192, 1e-12);
        ck_assert_int_eq(ps->nin, 1);
        ck_assert_rel(ps->in[0].bytes, 8192, 1e-12); /* the whole input, 4096 B x 2 */
        /* nothing moves between the slices; l2 sums their whole 64 x 64 partials */
        ck_assert_rel(edge_from(&f.pl, 2, i)->bytes, 8192, 1e-12);
    }
    ck_assert_int_eq(f.pl.segs[2].nin, 2);
    teardown(&f);
}
END_TEST

START_TEST(split_n_slices_samples)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a+b split=n\nx.2 = l1 .. l2 @ c\n");
    for (int i = 0; i < 2; i++) {
        const plan_seg *ps = &f.pl.segs[i];
        /* one sample each: 2 * 1 * 64 * 1 = 128 cycles; all the weights */
        ck_assert_int_eq(ps->minibatch, 1);
        ck_assert_int_eq(ps->samp0, i);
        ck_assert_rel(ps->cycles, 128, 1e-12);
        ck_assert_rel(ps->weight_bytes, 8192, 1e-12);
        ck_assert_rel(ps->in[0].bytes, 4096, 1e-12);   /* its sample's input */
        ck_assert_rel(edge_from(&f.pl, 2, i)->bytes, 8192, 1e-12); /* its sample's output */
    }
    teardown(&f);
}
END_TEST

/* Closed form (estimate.c): Lat = inputs + compute + outputs; a split
   segment counts as its slowest slice; pipeline = preload of resident
   weights + sum of Lat + 3 x the largest Lat. A transfer takes bytes / bw
   + hops x 35 ns (+ 200 ns to or from DRAM), bw the smallest on its way. */
START_TEST(estimate_split_vs_unsplit)
{
    static const struct {
        const char *seg1;
        double want_ns;
    } cases[] = {
        /* a: DRAM (1 hop) 8192 B / 64 GB/s + 235 ns = 363, compute 256 cycles
           = 512 ns: 875. c: 16384 B from a (2 hops) 163.84 + 70 = 233.84,
           compute 384 cycles = 768 ns, output to DRAM (1 hop) 128 + 235 = 363:
           1364.84. Preload: c's 12288 B, 192 + 235 = 427.
           427 + 875 + 1364.84 + 3 x 1364.84 */
        {"l0 @ a", 427 + 875 + 1364.84 + 3 * 1364.84},
        /* each slice: 363 + 128 cycles = 256 ns: 619; c: two gathers of 8192 B,
           2 hops each, 81.92 + 70 = 151.92 twice, + 768 + 363 = 1434.84 */
        {"l0 @ a+b split=k", 427 + 619 + 1434.84 + 3 * 1434.84},
        /* on s (1024 PEs: ceil(64/16) = 4 times the cycles, 1024 ns; DRAM 2 hops
           away: 128 + 70 + 200 = 398): 1422, the slowest slice; c: 151.92 from a,
           81.92 + 35 = 116.92 from s, + 768 + 363 = 1399.84; the largest Lat is s's */
        {"l0 @ a+s split=k", 427 + 1422 + 1399.84 + 3 * 1422},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char win[256];
        snprintf(win, sizeof win, "[window 1]\nx.minibatch = 2\nx.1 = %s\nx.2 = l1 .. l2 @ c\n",
                 cases[k].seg1);
        fixture f;
        setup(&f, win);
        res_result r;
        err_t e;
        ck_assert_msg(est_run(&f.p, &f.scn_s, &f.s, &r, &e) == ERR_OK, "%s", e.msg);
        ck_assert_rel(r.makespan_s, cases[k].want_ns * NS, 1e-12);
        if (k == 1) {
            /* m -> c carries both gathers, 2 x 8192 B x 4 mini-batches, and c's
               weights once */
            ck_assert_rel(r.links[link_named(&f.p, "x1y0->x1y1")].bytes, 2 * 8192.0 * 4 + 12288, 1e-12);
            ck_assert_rel(r.segs[0].latency_s, 619 * NS, 1e-12);
            ck_assert_int_eq(r.segs[1].slice, 1);
        }
        res_free(&r);
        teardown(&f);
    }
}
END_TEST

/* The slices a (0,0) and b (2,0) are each one hop from DRAM on m, so they
   get their inputs, compute and send their gathers to c (1,1) at the same
   moments; both routes end in m -> c, where the two flows share 100 GB/s:
   each 8192 B transfer lasts 2 x 8192 / 100e9 = 163.84 ns, twice what it
   would alone. */
START_TEST(simulated_gather_shares_a_link)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a+b split=k\nx.2 = l1 .. l2 @ c\n");
    eval_opts o = {.timeline = 1};
    res_result r;
    err_t e;
    ck_assert_msg(runner_one(eval_find("simulate"), &f.p, &f.scn_s, &f.s, &f.pl, &o, &r, &e) == ERR_OK, "%s",
                  e.msg);
    int shared = link_named(&f.p, "x1y0->x1y1"), alone = link_named(&f.p, "x0y0->x1y0");
    ck_assert_rel(r.links[shared].bytes, 2 * 8192.0 * 4 + 12288, 1e-12);
    ck_assert_int_eq(r.links[shared].peak_flows, 2);
    int gathers = 0;
    for (int i = 0; i < r.nevents; i++) {
        const res_event *ev = &r.events[i];
        size_t n = strlen(ev->name); /* "x/l1..l2/mbI in": into c from a slice */
        if (ev->kind != RES_EV_TRANSFER || ev->bytes != 8192 || n < 3 || strcmp(ev->name + n - 3, " in"))
            continue;
        if (ev->track == shared || ev->track == alone) {
            ck_assert_rel(ev->dur_s, 163.84 * NS, 1e-6);
            gathers += ev->track == shared;
        }
    }
    ck_assert_int_eq(gathers, 2 * 4);
    res_free(&r);
    teardown(&f);
}
END_TEST

START_TEST(split_reads_back_as_written)
{
    fixture f;
    setup(&f, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ b+a split=k\nx.2 = l1 .. l2 @ c+e split=n\n");
    char path[] = "/tmp/mcmsplitXXXXXX.ini";
    int fd = mkstemps(path, 4);
    FILE *fp = fdopen(fd, "w");
    ck_assert_int_eq(sched_write(fp, &f.p, &f.scn_s, &f.s, f.scn), ERR_OK);
    fclose(fp);
    scn_t scn2;
    sched_t s2;
    err_t e;
    ck_assert_msg(sched_load(path, &f.p, &scn2, &s2, &e) == ERR_OK, "%s", e.msg);
    const sched_part *a = &f.s.windows[0].parts[0], *b = &s2.windows[0].parts[0];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(sched_seg_split(b, k), k ? SPLIT_N : SPLIT_K);
        ck_assert_int_eq(sched_seg_slices(b, k), sched_seg_slices(a, k));
        for (int i = 0; i < sched_seg_slices(a, k); i++)
            ck_assert_int_eq(sched_seg_chiplet(b, k, i), sched_seg_chiplet(a, k, i));
    }
    ck_assert_int_eq(sched_seg_chiplet(b, 0, 0), chip(&f, "b"));
    unlink(path);
    sched_free(&s2);
    scn_free(&scn2);
    teardown(&f);
}
END_TEST

START_TEST(bad_splits_are_located)
{
    static const struct {
        const char *wl, *windows;
        int line;
        const char *what;
    } cases[] = {
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+b+a split=k\n", 5, "split over chiplet a twice"},
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+b split=q\n", 5, "unknown split kind 'q'"},
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+b\n", 5, "needs split=k, c or n"},
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a split=k\n", 5, "two or more chiplets"},
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+zz split=k\n", 5, "no chiplet 'zz'"},
        /* 2 samples cannot go to 3 chiplets */
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+b+c split=n\n", 5, "mini-batch of at least 3"},
        /* l1 would sum l0's partial sums inside the segment */
        {NULL, "[window 1]\nx.minibatch = 2\nx.1 = l0 .. l2 @ a+b split=c\n", 5,
         "layer l1 reads the partial sums of l0"},
        /* n = 2 output channels over 3 slices */
        {"[model]\nname = w\n[layers]\nt = matmul m=4 k=4 n=2\n",
         "[window 1]\nx.minibatch = 2\nx.1 = t @ a+b+c split=k\n", 5, "has 2 output channels, fewer than the 3"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fixture f;
        err_t e;
        ck_assert_int_eq(load(&f, cases[k].wl ? cases[k].wl : wl_text, cases[k].windows, &e), ERR_INPUT);
        tu_assert_located(e.msg, f.sched, cases[k].line, cases[k].what);
        teardown(&f);
    }
}
END_TEST

/* One layer of 1024 x 2048 = 2 MB of weights on chiplets of 1.5 MB of L2:
   on one chiplet they stream, every mini-batch (at least 2 MB / 64 GB/s =
   32.8 us each, against 32 * 16 * b' cycles = b' us of compute); split by
   output channels over two, a slice holds 1 MB, which with the double-
   buffered activations (2 x (1024 + 1024) B x b') fits. Nothing else can
   keep them on chip, so the search must split the layer over two of the
   five idle chiplets, and each slice be resident. */
START_TEST(search_splits_a_layer_that_does_not_fit)
{
    char plat[1024], *pp, *wl, *sc;
    const char *defaults = strstr(plat_text, "[defaults]\n") + strlen("[defaults]\n");
    snprintf(plat, sizeof plat, "%.*sl2 = 1536KB\n%s", (int)(defaults - plat_text), plat_text, defaults);
    pp = tu_write_tmp(plat, ".ini");
    wl = tu_write_tmp("[model]\nname = w\n[layers]\nbig = matmul m=1 k=1024 n=2048\n", ".ini");
    char buf[256];
    snprintf(buf, sizeof buf, "[model x]\nworkload = %s\nbatch = 8\n", wl);
    sc = tu_write_tmp(buf, ".ini");
    plat_t p;
    scn_t scn;
    err_t e;
    ck_assert_msg(plat_load(pp, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(scn_load(sc, &scn, &e) == ERR_OK, "%s", e.msg);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    o.jobs = 1;
    search_result r;
    ck_assert_msg(search_run(&p, &scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    const sched_part *pt = &r.best.windows[0].parts[0];
    ck_assert_int_eq(pt->nsegs, 1);
    ck_assert_int_eq(sched_seg_split(pt, 0), SPLIT_K);
    ck_assert_int_eq(sched_seg_slices(pt, 0), 2);
    plan_t pl;
    ck_assert_msg(plan_build(&p, &scn, &r.best, &pl, &e) == ERR_OK, "%s", e.msg);
    for (int i = 0; i < 2; i++) {
        ck_assert_rel(pl.segs[i].weight_bytes, 1024.0 * 1024, 1e-12);
        ck_assert(pl.segs[i].resident);
    }
    plan_free(&pl);
    search_result_free(&r);
    scn_free(&scn);
    plat_free(&p);
    char *paths[] = {pp, wl, sc};
    tu_remove_tmp(paths, 3);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("split");
    TCase *tc = tcase_create("split");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, split_k_slices_output_channels);
    tcase_add_test(tc, split_c_reduces_partial_sums);
    tcase_add_test(tc, split_k_pairs_output_then_input_channels);
    tcase_add_test(tc, split_n_slices_samples);
    tcase_add_test(tc, estimate_split_vs_unsplit);
    tcase_add_test(tc, simulated_gather_shares_a_link);
    tcase_add_test(tc, split_reads_back_as_written);
    tcase_add_test(tc, bad_splits_are_located);
    tcase_add_test(tc, search_splits_a_layer_that_does_not_fit);
    suite_add_tcase(s, tc);
    return s;
}
