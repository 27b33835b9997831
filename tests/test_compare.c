/* test_compare.c - the two evaluators side by side: where nothing is shared
 * they agree, and where two transfers share a DRAM channel the simulation is
 * slower than the closed form by exactly what the sharing costs.
 *
 * Package: b (0,0), a (1,0), c (2,0) in a row; one DRAM channel on a
 * (64 GB/s, 200 ns); NoP 100 GB/s, 35 ns per hop; ideal on-chip bandwidth,
 * 256 vector operations per cycle at 500 MHz. Each model is one ReLU over
 * N = 640000 int8 elements, batch 1: no weights, so nothing loads but the
 * input, and the vector unit needs N / 256 = 2500 cycles = 5 us. Each
 * chiplet burns 1 W of static power unless a test says otherwise. */
#include "testutil.h"
#include "des.h"
#include "runner.h"
#include "estimate.h"

/* PACKAGE: more [package] keys (power_gating), CHIPLET_C: more keys of c. */
static const char *plat_fmt =
    "[package]\nname = row\nmesh = 3x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n%s"
    "[defaults]\nclock = 500MHz\nvector_width = 256\nl2_bandwidth = ideal\nstatic_power = 1W\n"
    "[chiplet b]\nat = 0,0\n[chiplet a]\nat = 1,0\n[chiplet c]\nat = 2,0\n%s"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

typedef struct {
    double makespan_s, static_j, c_energy_j;
} side;

/* Estimates and simulates WINDOWS of MODELS copies of the ReLU model on the
   package with PACKAGE and CHIPLET_C; returns each evaluator's makespan, static
   energy and chiplet c's energy. */
static void run_on(const char *package, const char *chiplet_c, const char *windows, int models,
                   side *est, side *sim)
{
    char buf[1024];
    err_t e;
    snprintf(buf, sizeof buf, plat_fmt, package, chiplet_c);
    char *plat = tu_write_tmp(buf, ".ini");
    char *wl = tu_write_tmp("[model]\nname = r\n[layers]\nrelu = relu elems=640000\n", ".ini");
    snprintf(buf, sizeof buf, "[model x]\nworkload = %s\nbatch = 1\n", wl);
    if (models == 2)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "[model y]\nworkload = %s\nbatch = 1\n", wl);
    char *scn_path = tu_write_tmp(buf, ".ini");
    snprintf(buf, sizeof buf, "[schedule]\nscenario = %s\n[window 1]\n%s", scn_path, windows);
    char *sched_path = tu_write_tmp(buf, ".ini");
    plat_t p;
    scn_t scn;
    sched_t s;
    res_result re, rs;
    eval_opts o = {0};
    ck_assert_msg(plat_load(plat, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(sched_path, &p, &scn, &s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(est_run(&p, &scn, &s, &re, &e), ERR_OK);
    ck_assert_msg(runner_one(eval_find("simulate"), &p, &scn, &s, NULL, &o, &rs, &e) == ERR_OK, "%s", e.msg);
    *est = (side){re.makespan_s, re.e_static_j, re.chiplets[2].energy_j};
    *sim = (side){rs.makespan_s, rs.e_static_j, rs.chiplets[2].energy_j};
    /* dynamic energy is counted, not timed: the same in both; the static
       part is one power over each one's makespan */
    ck_assert_rel(rs.energy_j - rs.e_static_j, re.energy_j - re.e_static_j, 1e-12);
    ck_assert_rel(rs.e_static_j / rs.makespan_s, re.e_static_j / re.makespan_s, 1e-12);
    ck_assert_rel(rs.edp_js, rs.energy_j * rs.makespan_s, 1e-12);
    ck_assert_rel(re.edp_js, re.energy_j * re.makespan_s, 1e-12);
    res_free(&re);
    res_free(&rs);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
    char *paths[] = {plat, wl, scn_path, sched_path};
    for (int i = 0; i < 4; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
}

static void run_both(const char *windows, int models, double *est, double *sim)
{
    side se, ss;
    run_on("", "", windows, models, &se, &ss);
    *est = se.makespan_s;
    *sim = ss.makespan_s;
}

START_TEST(no_contention_agrees)
{
    double est, sim;
    /* x alone on b, one hop from DRAM: in 640000 / 64 GB/s = 10 us + 35 + 200 ns,
       5 us of compute, the same out: 25.47 us both ways */
    run_both("x.minibatch = 1\nx.1 = relu @ b\n", 1, &est, &sim);
    ck_assert_rel(est, 25.47e-6, 1e-9);
    ck_assert_rel(sim, est, 0.01);
    ck_assert_rel(sim, 25.47e-6, 1e-9);
}
END_TEST

START_TEST(shared_dram_costs_what_sharing_predicts)
{
    double est, sim;
    /* x on b and y on c, both one hop from a, read and write at the same
       moments through the one DRAM channel. The closed form gives each the
       whole channel: 25.47 us. Sharing it halves each transfer's rate, so the
       read and the write each take 2 x 10 us: 45.47 us, 20 us slower. */
    run_both("x.minibatch = 1\nx.1 = relu @ b\ny.minibatch = 1\ny.1 = relu @ c\n", 2, &est, &sim);
    ck_assert_rel(est, 25.47e-6, 1e-9);
    ck_assert_rel(sim, 45.47e-6, 1e-9);
    ck_assert_rel(sim - est, 2 * 640000 / 64e9, 1e-9);
}
END_TEST

START_TEST(static_power_over_the_makespan)
{
    /* x alone on b: 25.47 us in both evaluators (no_contention_agrees). Without
       power gating all three chiplets burn 1 W: 3 x 25.47 us = 76.41 uJ, c
       included though no segment runs there. */
    const char *x_on_b = "x.minibatch = 1\nx.1 = relu @ b\n";
    side est, sim;
    run_on("", "", x_on_b, 1, &est, &sim);
    ck_assert_rel(est.static_j, 76.41e-6, 1e-9);
    ck_assert_rel(sim.static_j, 76.41e-6, 1e-9);
    ck_assert_rel(est.c_energy_j, 25.47e-6, 1e-9);
    ck_assert_rel(sim.c_energy_j, 25.47e-6, 1e-9);
    /* with it, only b: 25.47 uJ, and c costs nothing */
    run_on("power_gating = yes\n", "", x_on_b, 1, &est, &sim);
    ck_assert_rel(est.static_j, 25.47e-6, 1e-9);
    ck_assert_rel(sim.static_j, 25.47e-6, 1e-9);
    ck_assert(est.c_energy_j == 0 && sim.c_energy_j == 0);
    /* y on c too, which burns 250 mW: b's 1 W and c's 0.25 W over the
       45.47 us the simulation takes and the 25.47 us of the closed form
       (shared_dram_costs_what_sharing_predicts) */
    run_on("power_gating = yes\n", "static_power = 250mW\n",
           "x.minibatch = 1\nx.1 = relu @ b\ny.minibatch = 1\ny.1 = relu @ c\n", 2, &est, &sim);
    ck_assert_rel(est.static_j, 1.25 * 25.47e-6, 1e-9);
    ck_assert_rel(sim.static_j, 1.25 * 45.47e-6, 1e-9);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("compare");
    tcase_add_test(tc, no_contention_agrees);
    tcase_add_test(tc, shared_dram_costs_what_sharing_predicts);
    tcase_add_test(tc, static_power_over_the_makespan);
    suite_add_tcase(s, tc);
    return s;
}
