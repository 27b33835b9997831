/* test_estimate.c - the closed form of a small schedule, worked out by hand.
 *
 * Package: chiplets a (0,0) and b (1,0), NVDLA-like, 4096 PEs (64 clusters of
 * 64), 500 MHz, ideal on-chip bandwidth; NoP 100 GB/s, 35 ns/hop, 2.04 pJ/bit;
 * one DRAM channel on a: 64 GB/s, 200 ns, 14.8 pJ/bit.
 * Model: two matmuls (64x64).(64x64), int8: each output is 64*64 = 4096 B per
 * sample. NVDLA-like cycles = ceil(N/64) * ceil(K/64) * positions with
 * positions = M * mini-batch = 64 * b'. */
#include "testutil.h"
#include "estimate.h"

static const char *plat_text =
    "[package]\nname = t2\nmesh = 2x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n"
    "[defaults]\ndataflow = nvdla\npes = 4096\nclock = 500MHz\nl2_bandwidth = ideal\n"
    "mac_energy = 0.23pJ\n"
    "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

static const char *wl_text =
    "[model]\nname = mm\n[layers]\nl0 = matmul m=64 k=64 n=64\nl1 = matmul m=64 k=64 n=64\n";

typedef struct {
    char *plat, *wl, *scn, *sched;
    plat_t p;
    scn_t scn_s;
    sched_t s;
    res_result r;
} fixture;

/* MODELS: how many models (x, y) of the workload WL run, each with batch 8,
   on the package PLAT. */
static void setup_on(fixture *f, const char *plat, const char *wl, int models, const char *windows)
{
    char buf[1024];
    err_t e;
    f->plat = tu_write_tmp(plat, ".ini");
    f->wl = tu_write_tmp(wl, ".ini");
    snprintf(buf, sizeof buf, "[model x]\nworkload = %s\nbatch = 8\n", f->wl);
    if (models == 2)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "[model y]\nworkload = %s\nbatch = 8\n", f->wl);
    f->scn = tu_write_tmp(buf, ".ini");
    snprintf(buf, sizeof buf, "[schedule]\nscenario = %s\n%s", f->scn, windows);
    f->sched = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load(f->plat, &f->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(f->sched, &f->p, &f->scn_s, &f->s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(est_run(&f->p, &f->scn_s, &f->s, &f->r, &e) == ERR_OK, "%s", e.msg);
}

static void setup(fixture *f, const char *wl, int models, const char *windows)
{
    setup_on(f, plat_text, wl, models, windows);
}

static void teardown(fixture *f)
{
    res_free(&f->r);
    sched_free(&f->s);
    scn_free(&f->scn_s);
    plat_free(&f->p);
    char *paths[] = {f->plat, f->wl, f->scn, f->sched};
    tu_remove_tmp(paths, 4);
}

START_TEST(two_chiplet_pipeline)
{
    fixture f;
    setup(&f, wl_text, 1, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
    double W = f.scn_s.models[0].model.layers[0].weight_bytes;
    ck_assert(W >= 4096);
    /* segment 1 on a: input from DRAM (0 hops) 8192 B / 64 GB/s + 200 ns = 328 ns;
       compute 128 cycles / 500 MHz = 256 ns; its output goes to b: counted at b. */
    ck_assert_rel(f.r.segs[0].compute_s, 256e-9, 1e-12);
    ck_assert_rel(f.r.segs[0].in_comm_s, 328e-9, 1e-12);
    ck_assert_rel(f.r.segs[0].latency_s, 584e-9, 1e-12);
    /* segment 2 on b: 8192 B / 100 GB/s + 35 ns = 116.92 ns in; 256 ns compute;
       final output to DRAM on a, 1 hop: 8192 / 64 GB/s + 35 ns + 200 ns = 363 ns */
    ck_assert_rel(f.r.segs[1].in_comm_s, 116.92e-9, 1e-12);
    ck_assert_rel(f.r.segs[1].out_comm_s, 363e-9, 1e-12);
    ck_assert_rel(f.r.segs[1].latency_s, 735.92e-9, 1e-12);
    ck_assert(!f.r.segs[0].weights_streamed && !f.r.segs[1].weights_streamed);
    /* resident weights load once, in parallel; b's are 1 hop further:
       W / 64 GB/s + 35 ns + 200 ns. Pipeline of 4 mini-batches:
       preload + (584 + 735.92) + 3 * 735.92 ns */
    double preload = W / 64e9 + 235e-9;
    double want = preload + 584e-9 + 735.92e-9 + 3 * 735.92e-9;
    ck_assert_rel(f.r.makespan_s, want, 1e-12);
    ck_assert_rel(f.r.models[0].latency_s, want, 1e-12);
    ck_assert_rel(f.r.throughput_per_s, 8 / want, 1e-12);
    /* energy: MACs 2 layers x 64^3 x 8 samples x 0.23 pJ; NoP: a->b 8192 B x 4 and the
       output b->a 8192 B x 4, 1 hop each, plus b's weights once, 1 hop;
       DRAM: input and output 8192 B x 4 each, both weight sets once */
    ck_assert_rel(f.r.e_mac_j, 2 * 64.0 * 64 * 64 * 8 * 0.23e-12, 1e-12);
    ck_assert_rel(f.r.e_nop_j, (8192.0 * 4 * 2 + W) * 8 * 2.04e-12, 1e-12);
    ck_assert_rel(f.r.e_dram_j, (8192.0 * 4 * 2 + 2 * W) * 8 * 14.8e-12, 1e-12);
    ck_assert_rel(f.r.edp_js, f.r.energy_j * want, 1e-12);
    /* links: x0y0->x1y0 carries activations and b's weights; the way back the
       output; the DRAM channel everything that touches DRAM */
    ck_assert_rel(f.r.links[0].bytes, 8192.0 * 4 + W, 1e-12);
    ck_assert_str_eq(f.p.links[1].name, "x1y0->x0y0");
    ck_assert_rel(f.r.links[1].bytes, 8192.0 * 4, 1e-12);
    ck_assert_rel(f.r.links[2].bytes, 8192.0 * 8 + 2 * W, 1e-12);
    ck_assert_rel(f.r.links[0].busy_s, (8192.0 * 4 + W) / 100e9, 1e-12);
    /* chiplet busy: 4 mini-batches x 256 ns */
    ck_assert_rel(f.r.chiplets[1].busy_s, 4 * 256e-9, 1e-12);
    teardown(&f);
}
END_TEST

/* t2's package with a third chiplet c at (2,0), off every route of the
   schedule; every chiplet burns 250 mW but c, 1.5 W; POWER_GATING as given. */
static const char *static_fmt =
    "[package]\nname = t3\nmesh = 3x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\npower_gating = %s\n"
    "[defaults]\ndataflow = nvdla\npes = 4096\nclock = 500MHz\nl2_bandwidth = ideal\n"
    "mac_energy = 0.23pJ\nstatic_power = 250mW\n"
    "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\n[chiplet c]\nat = 2,0\nstatic_power = 1.5W\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

START_TEST(static_power_over_the_makespan)
{
    for (int gating = 0; gating < 2; gating++) {
        char plat[1024];
        snprintf(plat, sizeof plat, static_fmt, gating ? "yes" : "no");
        fixture f;
        setup_on(&f, plat, wl_text, 1, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
        /* two_chiplet_pipeline's schedule, whose makespan c does not change */
        double W = f.scn_s.models[0].model.layers[0].weight_bytes;
        double t = W / 64e9 + 235e-9 + 584e-9 + 4 * 735.92e-9;
        ck_assert_rel(f.r.makespan_s, t, 1e-12);
        /* without gating a, b and c burn 0.25 + 0.25 + 1.5 = 2 W over it; with
           it, only a and b, which the schedule uses: 0.5 W, and c nothing */
        double watts = gating ? 0.5 : 2.0;
        ck_assert_rel(f.r.e_static_j, watts * t, 1e-12);
        double dynamic = f.r.e_mac_j + f.r.e_l1_j + f.r.e_l2_j + f.r.e_nop_j + f.r.e_dram_j;
        ck_assert_rel(f.r.energy_j, dynamic + watts * t, 1e-12);
        ck_assert_rel(f.r.edp_js, (dynamic + watts * t) * t, 1e-12);
        ck_assert_rel(f.r.chiplets[2].energy_j, gating ? 0 : 1.5 * t, 1e-12);
        ck_assert(gating || f.r.chiplets[2].energy_j > 0);
        /* a and b: their layers' energy and 0.25 W each; the whole adds up */
        double chips = 0;
        for (int c = 0; c < 3; c++)
            chips += f.r.chiplets[c].energy_j;
        ck_assert_rel(chips, f.r.e_mac_j + f.r.e_l1_j + f.r.e_l2_j + watts * t, 1e-12);
        /* the search's estimate counts it the same, to the bit */
        double mk, en;
        err_t e;
        ck_assert_int_eq(est_quick(&f.p, &f.scn_s, &f.s, NULL, &mk, &en, NULL, &e), ERR_OK);
        ck_assert(mk == f.r.makespan_s && en == f.r.energy_j);
        teardown(&f);
    }
}
END_TEST

START_TEST(two_windows_go_through_dram)
{
    fixture f;
    setup(&f, wl_text, 1, "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a\n"
              "[window 2]\nx.minibatch = 4\nx.1 = l1 @ b\n");
    double W = f.scn_s.models[0].model.layers[0].weight_bytes;
    /* window 1: in 328 ns, compute 256 ns, out to DRAM (0 hops) 8192/64e9 + 200 ns
       = 328 ns: 912 ns per mini-batch, 4 of them, after W/64e9 + 200 ns of preload */
    ck_assert_rel(f.r.segs[0].out_comm_s, 328e-9, 1e-12);
    double w1 = W / 64e9 + 200e-9 + 4 * 912e-9;
    ck_assert_rel(f.r.window_s[0], w1, 1e-12);
    /* window 2 (b' = 4): 16384 B from DRAM over 1 hop: 256 + 35 + 200 = 491 ns in,
       the same out; compute 256 positions = 512 ns; 2 mini-batches */
    ck_assert_rel(f.r.segs[1].compute_s, 512e-9, 1e-12);
    double w2 = W / 64e9 + 235e-9 + 2 * (491e-9 + 512e-9 + 491e-9);
    ck_assert_rel(f.r.window_s[1], w2, 1e-12);
    ck_assert_rel(f.r.makespan_s, w1 + w2, 1e-12);
    teardown(&f);
}
END_TEST

START_TEST(shared_chiplet_bounds_the_window)
{
    fixture f;
    /* Two one-layer models on chiplet a, 8 mini-batches of 1 each. The layer
       (64x64).(64x4096): ceil(4096/64) * 1 * 64 = 4096 cycles = 8192 ns; input
       4096 B from DRAM: 64 + 200 ns; output 262144 B to DRAM: 4096 + 200 ns;
       Lat = 12752 ns. Each pipeline alone: preload + 8 * 12752 ns = ~106 us,
       but a computes both: 2 * 8 * 8192 ns = 131072 ns, and that bounds the window. */
    setup(&f, "[model]\nname = wide\n[layers]\nl0 = matmul m=64 k=64 n=4096\n", 2,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\ny.minibatch = 1\ny.1 = l0 @ a\n");
    double W = f.scn_s.models[0].model.layers[0].weight_bytes;
    ck_assert_rel(f.r.segs[0].latency_s, 12752e-9, 1e-12);
    double pipe = W / 64e9 + 200e-9 + 8 * 12752e-9;
    ck_assert_rel(f.r.models[0].latency_s, pipe, 1e-12);
    ck_assert(pipe < 131072e-9);
    ck_assert_rel(f.r.makespan_s, 131072e-9, 1e-12);
    ck_assert_rel(f.r.chiplets[0].busy_s, 131072e-9, 1e-12);
    ck_assert_rel(f.r.chiplets[0].utilization, 1.0, 1e-12);
    /* nothing crosses the NoP */
    ck_assert_rel(f.r.links[0].bytes + f.r.links[1].bytes, 0, 1e-12);
    teardown(&f);
}
END_TEST

START_TEST(cost_cache_keys_on_the_model)
{
    /* The search estimates through views of a scenario that put different
       models at the same address; the cost cache must not mistake one for
       the other. */
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-2x2.ini", &p, &e), ERR_OK);
    wl_model a, b;
    ck_assert_int_eq(wl_load("workloads/gpt2-small.ini", &a, &e), ERR_OK);
    ck_assert_int_eq(wl_load("workloads/bert-base.ini", &b, &e), ERR_OK);
    scn_model slot = {.name = "m", .batch = 1};
    scn_t view = {.nmodels = 1, .models = &slot};
    plan_cache *cache = plan_cache_new();
    double mk_a, mk_b, mk, en, en_b;
    for (int round = 0; round < 2; round++) {
        const wl_model *m = round ? &b : &a;
        slot.model = *m;
        sched_seg seg = {0, m->nlayers - 1, 0};
        sched_part pt = {.model = 0, .minibatch = 1, .nsegs = 1, .segs = &seg};
        sched_window w = {.nparts = 1, .parts = &pt};
        sched_t s = {.nwindows = 1, .windows = &w};
        ck_assert_int_eq(est_quick(&p, &view, &s, cache, &mk, &en, NULL, &e), ERR_OK);
        ck_assert_int_eq(est_quick(&p, &view, &s, NULL, round ? &mk_b : &mk_a, &en_b, NULL, &e), ERR_OK);
        ck_assert_rel(mk, round ? mk_b : mk_a, 1e-12);
        ck_assert_rel(en, en_b, 1e-12);
    }
    ck_assert(mk_a != mk_b);
    plan_cache_free(cache);
    wl_free(&a);
    wl_free(&b);
    plat_free(&p);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("estimate");
    TCase *tc = tcase_create("estimate");
    tcase_add_test(tc, two_chiplet_pipeline);
    tcase_add_test(tc, static_power_over_the_makespan);
    tcase_add_test(tc, two_windows_go_through_dram);
    tcase_add_test(tc, shared_chiplet_bounds_the_window);
    tcase_add_test(tc, cost_cache_keys_on_the_model);
    suite_add_tcase(s, tc);
    return s;
}
