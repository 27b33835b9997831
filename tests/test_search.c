/* test_search.c - the outer scheduler: the exhaustive search finds the
 * optimum that brute force finds, annealing lands within a stated gap of it,
 * auto is the strategy it picks, runs repeat byte for byte, a searched
 * schedule reloads and simulates to the same figures, and the baselines have
 * the shapes the README promises. */
#include "testutil.h"
#include "des.h"
#include "runner.h"
#include "estimate.h"
#include "search.h"
#include "search_int.h"

/* Chiplet a is NVDLA-like, b ShiDianNao-like; one model of two layers: a 7x7
   conv over 3 channels (ShiDianNao runs it at 21.9 %, NVDLA at 3/64) and a
   wide matmul over 64 of its positions, its 64 channels as K (NVDLA at
   100 %, ShiDianNao at 1/64 over 64 positions). */
static const char *plat_text =
    "[package]\nname = t2\nmesh = 2x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n"
    "[chiplet a]\nat = 0,0\ndataflow = nvdla\n[chiplet b]\nat = 1,0\ndataflow = shidiannao\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";
static const char *wl_text =
    "[model]\nname = two\n[layers]\nc = conv k=64 c=3 r=7 h=224 w=224 stride=2\n"
    "m = matmul m=64 k=64 n=4096\n";

typedef struct {
    char *paths[3];
    plat_t p;
    scn_t scn;
} fixture;

static void setup(fixture *f)
{
    tu_load_texts(plat_text, wl_text, 4, f->paths, &f->p, &f->scn);
}

static void teardown(fixture *f)
{
    scn_free(&f->scn);
    plat_free(&f->p);
    for (int i = 0; i < 3; i++) {
        unlink(f->paths[i]);
        free(f->paths[i]);
    }
}

/* Like setup, with three copies of the model (x, y, z): more models than the
   package has chiplets, so no single window can hold them all. */
static void setup3(fixture *f)
{
    err_t e;
    char buf[1024];
    f->paths[0] = tu_write_tmp(plat_text, ".ini");
    f->paths[1] = tu_write_tmp(wl_text, ".ini");
    snprintf(buf, sizeof buf,
             "[model x]\nworkload = %s\nbatch = 4\n[model y]\nworkload = %s\nbatch = 2\n"
             "[model z]\nworkload = %s\nbatch = 1\n",
             f->paths[1], f->paths[1], f->paths[1]);
    f->paths[2] = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load(f->paths[0], &f->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(scn_load(f->paths[2], &f->scn, &e) == ERR_OK, "%s", e.msg);
}

static double edp_of(const plat_t *p, const scn_t *scn, const sched_t *s)
{
    double mk, en;
    err_t e;
    ck_assert_int_eq(est_quick(p, scn, s, NULL, &mk, &en, NULL, &e), ERR_OK);
    return mk * en;
}

START_TEST(exhaustive_finds_the_brute_force_optimum)
{
    fixture f;
    setup(&f);
    /* Brute force over every schedule of one window: one segment on a or b,
       or the two layers on two different chiplets in either order; mini-batch
       1, 2 or 4. */
    double best = INFINITY;
    sched_seg one[1], two[2];
    sched_part pt = {.model = 0};
    sched_window w = {.nparts = 1, .parts = &pt};
    sched_t s = {.nwindows = 1, .windows = &w};
    int best_first = -1, best_mb = 0, best_n = 0;
    for (long mb = 1; mb <= 4; mb *= 2) {
        pt.minibatch = mb;
        for (int c = 0; c < 2; c++) {
            one[0] = (sched_seg){0, 1, c};
            pt.nsegs = 1, pt.segs = one;
            double v = edp_of(&f.p, &f.scn, &s);
            if (v < best)
                best = v, best_first = c, best_mb = (int)mb, best_n = 1;
            two[0] = (sched_seg){0, 0, c};
            two[1] = (sched_seg){1, 1, 1 - c};
            pt.nsegs = 2, pt.segs = two;
            v = edp_of(&f.p, &f.scn, &s);
            if (v < best)
                best = v, best_first = c, best_mb = (int)mb, best_n = 2;
        }
    }
    /* by hand: the conv belongs on b (ShiDianNao), the matmul on a (NVDLA) */
    ck_assert_int_eq(best_n, 2);
    ck_assert_int_eq(best_first, 1);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    search_result r;
    err_t e;
    ck_assert_msg(search_run(&f.p, &f.scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert(r.exhaustive);
    /* 3 allocations (a, b, both) and the sequential structure */
    ck_assert_int_eq(r.allocations, 3);
    ck_assert_rel(r.est.edp_js, best, 1e-12);
    const sched_part *bp = &r.best.windows[0].parts[0];
    ck_assert_int_eq(bp->nsegs, 2);
    ck_assert_int_eq(bp->segs[0].chiplet, 1);
    ck_assert_int_eq(bp->segs[1].chiplet, 0);
    ck_assert_int_eq(bp->minibatch, best_mb);
    search_result_free(&r);
    teardown(&f);
}
END_TEST

START_TEST(packing_windows)
{
    fixture f;
    setup3(&f);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    search_result r;
    err_t e;
    ck_assert_msg(search_run(&f.p, &f.scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    /* no allocation gives each of 3 models one of 2 chiplets */
    ck_assert_int_eq(sched_validate(&f.p, &f.scn, &r.best, &e), ERR_OK);
    ck_assert(r.best.nwindows == 2 || r.best.nwindows == 3);
    /* the packing of x (the most work) alone, then y and z side by side,
       is in the space, so the result is no worse than its best form here:
       conv on b then matmul on a for each model, whole batch at once */
    sched_seg xs[2] = {{0, 0, 1}, {1, 1, 0}}, ys[1] = {{0, 1, 0}}, zs[1] = {{0, 1, 1}};
    sched_part px = {.model = 0, .minibatch = 4, .nsegs = 2, .segs = xs};
    sched_part pyz[2] = {{.model = 1, .minibatch = 2, .nsegs = 1, .segs = ys},
                         {.model = 2, .minibatch = 1, .nsegs = 1, .segs = zs}};
    sched_window w[2] = {{.nparts = 1, .parts = &px}, {.nparts = 2, .parts = pyz}};
    sched_t hand = {.nwindows = 2, .windows = w};
    ck_assert_int_eq(sched_validate(&f.p, &f.scn, &hand, &e), ERR_OK);
    ck_assert(r.est.edp_js <= edp_of(&f.p, &f.scn, &hand) * (1 + 1e-12));
    search_result_free(&r);
    teardown(&f);
}
END_TEST

static void load_default(plat_t *p, scn_t *scn)
{
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-2x2.ini", p, &e), ERR_OK);
    ck_assert_int_eq(scn_load("workloads/scenarios/gpt2-resnet50.ini", scn, &e), ERR_OK);
}

static char *schedule_text(const plat_t *p, const scn_t *scn, const sched_t *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    ck_assert_int_eq(sched_write(fp, p, scn, s, "x.ini"), ERR_OK);
    fclose(fp);
    return buf;
}

START_TEST(annealing_within_gap_and_repeatable)
{
    plat_t p;
    scn_t scn;
    load_default(&p, &scn);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    search_result ex, ex2, an, an2;
    err_t e;
    ck_assert_int_eq(search_run(&p, &scn, &o, &ex, &e), ERR_OK);
    ck_assert(ex.exhaustive);
    ck_assert_str_eq(ex.strategy, "exhaustive");
    /* the space of the 2x2 package: 3^4 allocations, 50 give both models a chiplet */
    ck_assert_int_eq(ex.allocations, 50);
    /* auto chose exhaustive: the same search as asking for it */
    o.strategy = "exhaustive";
    ck_assert_int_eq(search_run(&p, &scn, &o, &ex2, &e), ERR_OK);
    ck_assert_int_eq(ex2.estimated, ex.estimated);
    char *a = schedule_text(&p, &scn, &ex.best), *b = schedule_text(&p, &scn, &ex2.best);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    o.strategy = "anneal";
    o.anneal_steps = 200;
    o.seed = 7;
    ck_assert_int_eq(search_run(&p, &scn, &o, &an, &e), ERR_OK);
    ck_assert(!an.exhaustive);
    ck_assert_str_eq(an.method, "simulated annealing");
    /* the stated gap: annealing within 5 % of the exhaustive optimum here */
    ck_assert_msg(an.est.edp_js <= 1.05 * ex.est.edp_js, "annealing %g vs exhaustive %g", an.est.edp_js,
                  ex.est.edp_js);
    ck_assert(an.est.edp_js >= ex.est.edp_js * (1 - 1e-12)); /* it cannot beat the optimum */
    /* the same again */
    ck_assert_int_eq(search_run(&p, &scn, &o, &an2, &e), ERR_OK);
    ck_assert_int_eq(an2.estimated, an.estimated);
    a = schedule_text(&p, &scn, &an.best), b = schedule_text(&p, &scn, &an2.best);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    /* where the allocations are too many to enumerate, auto runs NSGA-II */
    search_result_free(&an2);
    o.strategy = "auto";
    o.max_exhaustive = 0;
    ck_assert_int_eq(search_run(&p, &scn, &o, &an2, &e), ERR_OK);
    ck_assert_str_eq(an2.strategy, "nsga2");
    search_result_free(&ex);
    search_result_free(&ex2);
    search_result_free(&an);
    search_result_free(&an2);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

START_TEST(searched_schedule_reloads_and_simulates_the_same)
{
    plat_t p;
    scn_t scn;
    load_default(&p, &scn);
    search_opts o;
    search_defaults(&o);
    o.validate = 3;
    search_result r, r2;
    err_t e;
    o.jobs = 2;
    ck_assert_msg(search_run(&p, &scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(r.simulated, 3);
    o.jobs = 1; /* parallelism does not change the answer */
    ck_assert_int_eq(search_run(&p, &scn, &o, &r2, &e), ERR_OK);
    char *a = schedule_text(&p, &scn, &r.best), *b = schedule_text(&p, &scn, &r2.best);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    /* the winner is the best simulated of the validated */
    for (int i = 0; i < r.nvalid; i++)
        if (r.val_ok[i])
            ck_assert(r.sim.edp_js <= search_score(OBJ_EDP, &r.val_sim[i]) * (1 + 1e-12));
    char path[] = "/tmp/mcmbestXXXXXX.ini";
    int fd = mkstemps(path, 4);
    FILE *fp = fdopen(fd, "w");
    char *scn_abs = realpath("workloads/scenarios/gpt2-resnet50.ini", NULL);
    ck_assert_int_eq(sched_write(fp, &p, &scn, &r.best, scn_abs), ERR_OK);
    fclose(fp);
    free(scn_abs);
    scn_t scn2;
    sched_t s2;
    ck_assert_msg(sched_load(path, &p, &scn2, &s2, &e) == ERR_OK, "%s", e.msg);
    res_result sim;
    eval_opts d = {0};
    ck_assert_int_eq(runner_one(eval_find("simulate"), &p, &scn2, &s2, NULL, &d, &sim, &e), ERR_OK);
    ck_assert_rel(sim.makespan_s, r.sim.makespan_s, 0);
    ck_assert_rel(sim.energy_j, r.sim.energy_j, 0);
    res_free(&sim);
    sched_free(&s2);
    scn_free(&scn2);
    unlink(path);
    search_result_free(&r);
    search_result_free(&r2);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

START_TEST(baselines)
{
    plat_t p, mono;
    scn_t scn;
    err_t e;
    load_default(&p, &scn);
    ck_assert_int_eq(plat_load("platforms/mono-os.ini", &mono, &e), ERR_OK);
    search_opts o;
    search_defaults(&o);
    sched_t s;
    /* monolithic: one window per model, the whole model on the chip */
    ck_assert_int_eq(search_baseline(&mono, &scn, BASE_MONOLITHIC, &o, &s, &e), ERR_OK);
    ck_assert_int_eq(s.nwindows, 2);
    for (int w = 0; w < 2; w++) {
        ck_assert_int_eq(s.windows[w].nparts, 1);
        ck_assert_int_eq(s.windows[w].parts[0].nsegs, 1);
    }
    ck_assert_int_eq(sched_validate(&mono, &scn, &s, &e), ERR_OK);
    sched_free(&s);
    ck_assert_int_eq(search_baseline(&p, &scn, BASE_MONOLITHIC, &o, &s, &e), ERR_INPUT);
    /* standalone: one window, each model on one chiplet of its own */
    ck_assert_int_eq(search_baseline(&p, &scn, BASE_STANDALONE, &o, &s, &e), ERR_OK);
    ck_assert_int_eq(s.nwindows, 1);
    ck_assert_int_eq(s.windows[0].parts[0].nsegs, 1);
    ck_assert_int_eq(s.windows[0].parts[1].nsegs, 1);
    ck_assert_int_ne(s.windows[0].parts[0].segs[0].chiplet, s.windows[0].parts[1].segs[0].chiplet);
    ck_assert_int_eq(sched_validate(&p, &scn, &s, &e), ERR_OK);
    sched_free(&s);
    /* Simba-like: GPT-2 (8 x 16.1 GMAC) and ResNet-50 (32 x 4.09 GMAC) have
       about equal work: two chiplets each, along the snake n00 n10 | n11 s01 */
    ck_assert_int_eq(search_baseline(&p, &scn, BASE_SIMBA, &o, &s, &e), ERR_OK);
    ck_assert_int_eq(s.windows[0].parts[0].nsegs, 2);
    ck_assert_int_eq(s.windows[0].parts[1].nsegs, 2);
    ck_assert_str_eq(p.chiplets[s.windows[0].parts[0].segs[0].chiplet].name, "n00");
    ck_assert_str_eq(p.chiplets[s.windows[0].parts[0].segs[1].chiplet].name, "n10");
    ck_assert_str_eq(p.chiplets[s.windows[0].parts[1].segs[0].chiplet].name, "n11");
    ck_assert_str_eq(p.chiplets[s.windows[0].parts[1].segs[1].chiplet].name, "s01");
    ck_assert_int_eq(sched_validate(&p, &scn, &s, &e), ERR_OK);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
    plat_free(&mono);
}
END_TEST

/* Under the throughput objective the Simba-like baseline's mini-batches
   break ties on energy. Brute force over every pair of mini-batches of the
   default mix (4 x 6, each model cut over its Simba block n00 n10 | n11 s01
   at its mini-batch as the baseline cuts): the least makespan, and the least
   energy among the pairs that reach it. The baseline must have both; the
   model that does not set the makespan is then free to save energy. */
START_TEST(simba_throughput_ties_go_to_energy)
{
    plat_t p;
    scn_t scn;
    err_t e;
    load_default(&p, &scn);
    search_opts o;
    search_defaults(&o);
    o.objective = OBJ_THROUGHPUT;
    o.jobs = 1;
    sched_t s;
    ck_assert_int_eq(search_baseline(&p, &scn, BASE_SIMBA, &o, &s, &e), ERR_OK);
    double got_mk, got_en;
    ck_assert_int_eq(est_quick(&p, &scn, &s, NULL, &got_mk, &got_en, NULL, &e), ERR_OK);
    srch_state x;
    ck_assert_int_eq(srch_setup(&x, &p, &scn, &o, &e), ERR_OK);
    int ord[2][2];
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < 2; i++)
            ord[m][i] = s.windows[0].parts[m].segs[i].chiplet;
    sched_seg segs[2][4];
    double best_mk = INFINITY, best_en = INFINITY;
    for (int b0 = 0; b0 < x.models[0].nmbs; b0++)
        for (int b1 = 0; b1 < x.models[1].nmbs; b1++) {
            srch_part pt[2] = {{.segs = segs[0]}, {.segs = segs[1]}};
            srch_cut(&x, 0, ord[0], 2, b0, &pt[0]);
            srch_cut(&x, 1, ord[1], 2, b1, &pt[1]);
            sched_part sp[2];
            for (int m = 0; m < 2; m++)
                sp[m] = (sched_part){.model = m, .minibatch = pt[m].minibatch,
                                     .nsegs = pt[m].nsegs, .segs = pt[m].segs};
            sched_window w = {.nparts = 2, .parts = sp};
            sched_t t = {.nwindows = 1, .windows = &w};
            double mk, en;
            ck_assert_int_eq(est_quick(&p, &scn, &t, NULL, &mk, &en, NULL, &e), ERR_OK);
            if (mk < best_mk || (mk == best_mk && en < best_en))
                best_mk = mk, best_en = en;
        }
    ck_assert_rel(got_mk, best_mk, 1e-12);
    ck_assert_rel(got_en, best_en, 1e-12);
    srch_teardown(&x);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

/* srch_cut against two references written here: the plain bisection,
   filling at each of its 48 steps (the cut must be the same, segment for
   segment, since it only skips fills whose answer it knows), and a
   dynamic program over every way to cut the layers into at most K runs
   (the slowest segment must be the optimum's, unless the cut had to give a
   chiplet a layer slower than the bound). Every model of the default
   mix, every chiplet order of 1 to 4 chiplets, every mini-batch. */
static double seg_time(const double *t, int a, int z)
{
    double sum = 0;
    for (int l = a; l <= z; l++)
        sum += t[l];
    return sum;
}

START_TEST(cut_is_the_bisection_and_the_optimum)
{
    plat_t p;
    scn_t scn;
    err_t e;
    load_default(&p, &scn);
    search_opts o;
    search_defaults(&o);
    srch_state x;
    ck_assert_int_eq(srch_setup(&x, &p, &scn, &o, &e), ERR_OK);
    int N = p.nchiplets, ncut = 0, nopt = 0;
    for (int m = 0; m < scn.nmodels; m++) {
        int L = scn.models[m].model.nlayers;
        const srch_model *sm = &x.models[m];
        double *best = malloc((size_t)(L + 1) * sizeof *best), *next = malloc((size_t)(L + 1) * sizeof *next);
        sched_seg *segs = malloc((size_t)N * sizeof *segs);
        for (int k = 1; k <= N; k++)
            for (int code = 0; code < 1 << (2 * k); code++) {
                int ord[4], used = 0, ok = 1;
                for (int i = 0; i < k; i++) {
                    ord[i] = (code >> (2 * i)) & 3;
                    ok &= !(used & 1 << ord[i]);
                    used |= 1 << ord[i];
                }
                for (int bi = 0; ok && bi < sm->nmbs; bi++) {
                    const double *t[4];
                    for (int i = 0; i < k; i++)
                        t[i] = &sm->lt[((size_t)ord[i] * (size_t)sm->nmbs + (size_t)bi) * (size_t)L];
                    /* the plain bisection */
                    double lo = 0, hi = seg_time(t[0], 0, L - 1);
                    for (int it = 0; it < 48; it++) {
                        double mid = 0.5 * (lo + hi);
                        int idx = 0;
                        for (int s = 0; s < k && idx < L; s++) {
                            double sum = 0;
                            while (idx < L && sum + t[s][idx] <= mid)
                                sum += t[s][idx++];
                        }
                        if (idx == L)
                            hi = mid;
                        else
                            lo = mid;
                    }
                    srch_part pt = {.segs = segs};
                    srch_cut(&x, m, ord, k, bi, &pt);
                    int idx = 0, s = 0;
                    double worst = 0;
                    for (; s < k && idx < L; s++) {
                        int first = idx;
                        double sum = 0;
                        while (idx < L && (idx == first || sum + t[s][idx] <= hi * (1 + 1e-12)))
                            sum += t[s][idx++];
                        if (s == k - 1)
                            idx = L;
                        ck_assert_int_eq(pt.segs[s].first, first);
                        ck_assert_int_eq(pt.segs[s].last, idx - 1);
                        ck_assert_int_eq(pt.segs[s].chiplet, ord[s]);
                        double ts = seg_time(t[s], first, idx - 1);
                        worst = ts > worst ? ts : worst;
                    }
                    ck_assert_int_eq(pt.nsegs, s);
                    /* best[i]: the least bottleneck of layers 0..i-1 on the chiplets so far */
                    for (int i = 0; i <= L; i++)
                        best[i] = i ? INFINITY : 0;
                    for (int c = 0; c < k; c++) {
                        for (int i = 0; i <= L; i++) {
                            next[i] = best[i]; /* chiplet c left without layers */
                            for (int j = 0; j < i; j++) {
                                double v = fmax(best[j], seg_time(t[c], j, i - 1));
                                next[i] = fmin(next[i], v);
                            }
                        }
                        memcpy(best, next, (size_t)(L + 1) * sizeof *best);
                    }
                    /* a chiplet always gets the next layer, even one slower alone than
                       the bound (the layer must go somewhere; a set without that
                       chiplet is another candidate): then the cut is only no better */
                    ck_assert(worst >= best[L] * (1 - 1e-12));
                    if (worst <= hi * (1 + 1e-12)) {
                        ck_assert_rel(worst, best[L], 1e-9);
                        nopt++;
                    }
                    ncut++;
                }
            }
        free(best);
        free(next);
        free(segs);
    }
    ck_assert_int_gt(ncut, 100);
    ck_assert_int_gt(nopt, ncut / 2);
    srch_teardown(&x);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

START_TEST(large_package_annealing)
{
    /* 36 chiplets, two big models: many chiplet sets, so the memo of parts
       grows (and moves) while an allocation is being assembled */
    plat_t p;
    scn_t scn;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-6x6.ini", &p, &e), ERR_OK);
    ck_assert_int_eq(scn_load("workloads/scenarios/sc1.ini", &scn, &e), ERR_OK);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    o.anneal_steps = 400;
    o.strategy = "anneal";
    search_result r;
    ck_assert_msg(search_run(&p, &scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert(!r.exhaustive);
    ck_assert_int_eq(sched_validate(&p, &scn, &r.best, &e), ERR_OK);
    ck_assert(r.est.makespan_s > 0);
    search_result_free(&r);
    /* its 3^36 allocations are not enumerated when asked for */
    o.strategy = "exhaustive";
    ck_assert_int_eq(search_run(&p, &scn, &o, &r, &e), ERR_INPUT);
    ck_assert_msg(strstr(e.msg, "3^36"), "%s", e.msg);
    o.strategy = "greedy";
    ck_assert_int_eq(search_run(&p, &scn, &o, &r, &e), ERR_INPUT);
    ck_assert_msg(strstr(e.msg, "auto, exhaustive, anneal, ea or nsga2"), "%s", e.msg);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

/* Every figure of a search, not only its winner, is the same whatever the
   size of the team that estimates: the counts, the kept candidates' estimates
   and the Pareto front, bit for bit (sc2 on 9 chiplets: annealing with the
   packings of its three models, ea and nsga2). */
START_TEST(same_search_for_every_team_size)
{
    plat_t p;
    scn_t scn;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-sides-3x3.ini", &p, &e), ERR_OK);
    ck_assert_int_eq(scn_load("workloads/scenarios/sc2.ini", &scn, &e), ERR_OK);
    static const char *const strategies[] = {"anneal", "ea", "nsga2"};
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    o.anneal_steps = 30;
    o.strategy = strategies[_i];
    search_result r[3];
    for (int j = 0; j < 3; j++) {
        o.jobs = j + 1;
        ck_assert_msg(search_run(&p, &scn, &o, &r[j], &e) == ERR_OK, "%s", e.msg);
    }
    ck_assert(!r[0].exhaustive);
    ck_assert_int_gt(r[0].estimated, 1000);
    char *want = schedule_text(&p, &scn, &r[0].best);
    for (int j = 1; j < 3; j++) {
        ck_assert_int_eq(r[j].estimated, r[0].estimated);
        ck_assert_int_eq(r[j].allocations, r[0].allocations);
        ck_assert_int_eq(r[j].nvalid, r[0].nvalid);
        ck_assert(memcmp(r[j].val_est, r[0].val_est, (size_t)r[0].nvalid * sizeof *r[0].val_est) == 0);
        ck_assert_int_eq(r[j].npareto, r[0].npareto);
        ck_assert(memcmp(r[j].pareto, r[0].pareto, (size_t)r[0].npareto * sizeof *r[0].pareto) == 0);
        char *got = schedule_text(&p, &scn, &r[j].best);
        ck_assert_str_eq(got, want);
        free(got);
    }
    free(want);
    for (int j = 0; j < 3; j++)
        search_result_free(&r[j]);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

/* --sim-budget: the last generations rank on simulations, each schedule
   simulated once (cached); the winner is chosen among simulated candidates
   and the counts add up: at most the budget in the generations, at most
   --validate more in the validation, and one ranking per simulated
   generation (population 10, budget 20: the last two) plus the
   validation's. The same for -j 1 and -j 2. */
START_TEST(simulation_in_the_loop)
{
    plat_t p;
    scn_t scn;
    load_default(&p, &scn);
    search_opts o;
    search_defaults(&o);
    o.strategy = "ea";
    o.sim_budget = 20;
    o.validate = 4;
    search_result r[2];
    err_t e;
    for (int j = 0; j < 2; j++) {
        o.jobs = j + 1;
        ck_assert_msg(search_run(&p, &scn, &o, &r[j], &e) == ERR_OK, "%s", e.msg);
    }
    ck_assert_int_eq(r[0].rankings, 3);
    ck_assert_int_le(r[0].best_differs, r[0].rankings);
    ck_assert_int_gt(r[0].simulated, 4);
    ck_assert_int_le(r[0].simulated, 20 + 4);
    ck_assert_int_le(r[0].nvalid, 4);
    /* the winner's simulation is the one reported */
    ck_assert(r[0].val_ok[r[0].val_win]);
    ck_assert_rel(r[0].sim.makespan_s, r[0].val_sim[r[0].val_win].makespan_s, 1e-12);
    for (int i = 0; i < r[0].nvalid; i++)
        if (r[0].val_ok[i])
            ck_assert(search_cmp(o.objective, &r[0].val_sim[r[0].val_win], &r[0].val_sim[i]) <= 0);
    char *a = schedule_text(&p, &scn, &r[0].best), *b = schedule_text(&p, &scn, &r[1].best);
    ck_assert_str_eq(a, b);
    ck_assert_int_eq(r[1].simulated, r[0].simulated);
    ck_assert_int_eq(r[1].best_differs, r[0].best_differs);
    free(a);
    free(b);
    for (int j = 0; j < 2; j++)
        search_result_free(&r[j]);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

/* Validation chooses distinct candidates: the estimated best, points
   spread along the estimated front (its two ends among them), and then
   candidates each of which gives the models other chiplets (or windows)
   than every one chosen before it, where the pool has enough of them (the
   exhaustive search of two models on 9 chiplets keeps 32, of many
   allocations). */
START_TEST(validation_is_diverse)
{
    plat_t p;
    scn_t scn;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-sides-3x3.ini", &p, &e), ERR_OK);
    ck_assert_int_eq(scn_load("workloads/scenarios/gpt2-resnet50.ini", &scn, &e), ERR_OK);
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    search_result r;
    ck_assert_msg(search_run(&p, &scn, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(r.nvalid, 8);
    int same = 0, front = 0;
    for (int i = 0; i < r.nvalid; i++) {
        front += r.val_front[i];
        for (int j = 0; j < i && !r.val_front[i]; j++)
            same += srch_same_structure(&r.val_sched[i], &r.val_sched[j]);
    }
    ck_assert_int_eq(same, 0);
    ck_assert_int_ge(r.npareto, 2);
    ck_assert_int_ge(front, 2);
    /* the front's ends: its fastest and its leanest points */
    int fast = 0, lean = 0;
    for (int i = 0; i < r.nvalid; i++) {
        fast |= r.val_est[i].makespan_s == r.pareto[0].makespan_s;
        lean |= r.val_est[i].energy_j == r.pareto[r.npareto - 1].energy_j;
    }
    ck_assert(fast && lean);
    search_result_free(&r);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

/* A model's part alone is charged the static power of the chiplets it is
   given, not the whole package's: on three 1 W chiplets without power
   gating, x on a alone (the whole model, one mini-batch of 4) costs what
   est_run gives less 2 W of the others over its makespan; given a and b,
   1 W less; with gating, what est_run gives, a alone being on. */
START_TEST(a_part_pays_for_its_own_chiplets)
{
    for (int gating = 0; gating < 2; gating++) {
        char plat[1024];
        snprintf(plat, sizeof plat,
                 "[package]\nname = t3\nmesh = 3x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
                 "energy_per_bit = 2.04pJ\npower_gating = %s\n[defaults]\nstatic_power = 1W\n"
                 "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\n[chiplet c]\nat = 2,0\n"
                 "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n",
                 gating ? "yes" : "no");
        char *paths[3];
        plat_t p;
        scn_t scn;
        err_t e;
        tu_load_texts(plat, wl_text, 4, paths, &p, &scn);
        sched_seg seg = {0, 1, 0};
        sched_part sp = {.model = 0, .minibatch = 4, .nsegs = 1, .segs = &seg};
        sched_window w = {.nparts = 1, .parts = &sp};
        sched_t s = {.nwindows = 1, .windows = &w};
        res_result r;
        ck_assert_int_eq(est_run(&p, &scn, &s, &r, &e), ERR_OK);
        ck_assert_rel(r.e_static_j, (gating ? 1 : 3) * r.makespan_s, 1e-12);
        search_opts o;
        search_defaults(&o);
        srch_state x;
        ck_assert_msg(srch_setup(&x, &p, &scn, &o, &e) == ERR_OK, "%s", e.msg);
        sched_seg part_seg = seg;
        srch_part pt = {.nsegs = 1, .segs = &part_seg, .minibatch = 4};
        const int set[2] = {0, 1};
        ck_assert_int_eq(srch_eval_part(&x, 0, set, 1, &pt), ERR_OK);
        ck_assert(pt.lat_s == r.makespan_s);
        ck_assert_rel(pt.energy_j, r.energy_j - (gating ? 0 : 2) * r.makespan_s, 1e-12);
        ck_assert_int_eq(srch_eval_part(&x, 0, set, 2, &pt), ERR_OK);
        ck_assert_rel(pt.energy_j, r.energy_j - (gating ? 0 : 1) * r.makespan_s, 1e-12);
        srch_teardown(&x);
        res_free(&r);
        scn_free(&scn);
        plat_free(&p);
        tu_remove_tmp(paths, 3);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("search");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, exhaustive_finds_the_brute_force_optimum);
    tcase_add_test(tc, annealing_within_gap_and_repeatable);
    tcase_add_test(tc, searched_schedule_reloads_and_simulates_the_same);
    tcase_add_test(tc, baselines);
    tcase_add_test(tc, simba_throughput_ties_go_to_energy);
    tcase_add_test(tc, cut_is_the_bisection_and_the_optimum);
    tcase_add_test(tc, large_package_annealing);
    tcase_add_test(tc, packing_windows);
    tcase_add_loop_test(tc, same_search_for_every_team_size, 0, 3);
    tcase_add_test(tc, simulation_in_the_loop);
    tcase_add_test(tc, validation_is_diverse);
    tcase_add_test(tc, a_part_pays_for_its_own_chiplets);
    suite_add_tcase(s, tc);
    return s;
}
