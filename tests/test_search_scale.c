/* test_search_scale.c - the search on inputs of any size: more models than
 * chiplets, many models, large meshes. Whatever the size, the winner covers
 * every layer of every model exactly once, reloads from the file it is
 * written to, and its estimate is est_run's of the reloaded schedule; where
 * the space's size has a closed form, the search reports it. */
#include "testutil.h"
#include "runner.h"
#include "estimate.h"
#include "search.h"

/* Chiplet a is NVDLA-like, b ShiDianNao-like (as in test_search.c). */
static const char *t2_text =
    "[package]\nname = t2\nmesh = 2x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n"
    "[chiplet a]\nat = 0,0\ndataflow = nvdla\n[chiplet b]\nat = 1,0\ndataflow = shidiannao\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";
/* two layers: a 7x7 conv over 3 channels and a wide matmul over 64 of its
   positions (K = its 64 channels) */
static const char *two_text =
    "[model]\nname = two\n[layers]\nc = conv k=64 c=3 r=7 h=224 w=224 stride=2\n"
    "m = matmul m=64 k=64 n=4096\n";

/* the same with a vector op between them, whose 802,816 elements the
   matmul reads as 196 rows of K = 4096 */
static const char *three_text =
    "[model]\nname = three\n[layers]\nc = conv k=64 c=3 r=7 h=224 w=224 stride=2\n"
    "r = relu elems=802816\nm = matmul m=64 k=4096 n=4096\n";
/* one layer */
static const char *one_text = "[model]\nname = one\n[layers]\nm = matmul m=64 k=1024 n=1024\n";
static const char *t1_text =
    "[package]\nname = t1\nmesh = 1x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n[chiplet a]\nat = 0,0\ndataflow = nvdla\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

/* Files written for a test, removed by its end. */
typedef struct {
    char *paths[16];
    int n;
} files;

static const char *add_file(files *f, const char *text)
{
    ck_assert_int_lt(f->n, 16);
    return f->paths[f->n++] = tu_write_tmp(text, ".ini");
}

static void remove_files(files *f)
{
    for (int i = 0; i < f->n; i++) {
        unlink(f->paths[i]);
        free(f->paths[i]);
    }
}

/* A scenario of N models m0 .. m{N-1}: workload WL[i % NWL], batch i + 1. */
static const char *add_scenario(files *f, int n, const char *const *wl, int nwl)
{
    char buf[4096];
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "[model m%d]\nworkload = %s\nbatch = %d\n",
                                i, wl[i % nwl], i + 1);
    ck_assert_uint_lt(len, sizeof buf);
    return add_file(f, buf);
}

/* One search, its inputs made at test time. */
typedef struct {
    files f;
    plat_t p;
    scn_t scn;
    search_result r;
} run_t;

static void run_platform(run_t *k, const char *text)
{
    err_t e;
    ck_assert_msg(plat_load(add_file(&k->f, text), &k->p, &e) == ERR_OK, "%s", e.msg);
}

/* A W x W mesh of alternately NVDLA- and ShiDianNao-like chiplets with a
   DRAM channel at two corners, built in memory: plat_load's checks of
   names and positions are quadratic in the chiplets (seconds at 64x64). */
static void run_mesh(run_t *k, int w)
{
    plat_t *p = &k->p;
    snprintf(p->name, sizeof p->name, "m%d", w);
    p->width = p->height = w;
    p->link_bw = 100e9;
    p->hop_latency_s = 35e-9;
    p->nop_pj_per_bit = 2.04;
    p->nchiplets = w * w;
    p->chiplets = calloc((size_t)p->nchiplets, sizeof *p->chiplets);
    for (int i = 0; i < p->nchiplets; i++) {
        plat_chiplet *c = &p->chiplets[i];
        plat_chiplet_defaults(c);
        c->x = i % w, c->y = i / w;
        snprintf(c->name, sizeof c->name, "c%d_%d", c->x, c->y);
        c->dataflow = (c->x + c->y) % 2 ? PLAT_SHIDIANNAO : PLAT_NVDLA;
    }
    p->ndrams = 2;
    p->drams = calloc(2, sizeof *p->drams);
    for (int d = 0; d < 2; d++)
        p->drams[d] = (plat_dram){.chiplet = d * (p->nchiplets - 1), .bw = 64e9, .latency_s = 200e-9,
                                  .pj_per_bit = 14.8};
    snprintf(p->drams[0].name, sizeof p->drams[0].name, "d0");
    snprintf(p->drams[1].name, sizeof p->drams[1].name, "d1");
    err_t e;
    ck_assert_msg(plat_finish(p, &e) == ERR_OK, "%s", e.msg);
}

/* Searches N models (workload text WL[i % NWL], batch i + 1) on K's
   platform, simulating VALIDATE (none: 0), annealing for STEPS (0: the
   default strategy, auto), two simulations at a time. */
static void run_search(run_t *k, const char *const *wl, int nwl, int n, int validate, long steps)
{
    search_opts o;
    search_defaults(&o);
    o.validate = validate ? validate : 1;
    o.no_simulate = !validate;
    o.jobs = 2;
    if (steps) { /* annealing asked for: auto would run nsga2 on these packages */
        o.anneal_steps = steps;
        o.strategy = "anneal";
    }
    const char *wl_path[4];
    ck_assert_int_le(nwl, 4);
    for (int i = 0; i < nwl; i++)
        wl_path[i] = add_file(&k->f, wl[i]);
    err_t e;
    ck_assert_msg(scn_load(add_scenario(&k->f, n, wl_path, nwl), &k->scn, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(search_run(&k->p, &k->scn, &o, &k->r, &e) == ERR_OK, "%s", e.msg);
}

static void run_free(run_t *k)
{
    search_result_free(&k->r);
    scn_free(&k->scn);
    plat_free(&k->p);
    remove_files(&k->f);
}

/* The properties every winner has: each layer of each model in exactly one
   segment; written and read back it estimates as the search said, and (when
   SIMULATE) simulates to a makespan > 0, the search's own when it simulated. */
static void check_winner(const plat_t *p, const scn_t *scn, const search_result *r, int simulate)
{
    for (int m = 0; m < scn->nmodels; m++) {
        int L = scn->models[m].model.nlayers;
        int *seen = calloc((size_t)L, sizeof *seen);
        for (int w = 0; w < r->best.nwindows; w++)
            for (int k = 0; k < r->best.windows[w].nparts; k++) {
                const sched_part *sp = &r->best.windows[w].parts[k];
                if (sp->model != m)
                    continue;
                for (int s = 0; s < sp->nsegs; s++)
                    for (int l = sp->segs[s].first; l <= sp->segs[s].last; l++)
                        seen[l]++;
            }
        for (int l = 0; l < L; l++)
            ck_assert_msg(seen[l] == 1, "model %d layer %d scheduled %d times", m, l, seen[l]);
        free(seen);
    }
    char path[] = "/tmp/mcmscaleXXXXXX.ini";
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    FILE *fp = fdopen(fd, "w");
    ck_assert_int_eq(sched_write(fp, p, scn, &r->best, scn->path), ERR_OK);
    fclose(fp);
    err_t e;
    scn_t scn2;
    sched_t s2;
    ck_assert_msg(sched_load(path, p, &scn2, &s2, &e) == ERR_OK, "%s", e.msg);
    unlink(path);
    res_result est;
    ck_assert_msg(est_run(p, &scn2, &s2, &est, &e) == ERR_OK, "%s", e.msg);
    ck_assert_rel(est.makespan_s, r->est.makespan_s, 0);
    ck_assert_rel(est.energy_j, r->est.energy_j, 0);
    ck_assert(est.makespan_s > 0);
    res_free(&est);
    if (simulate) {
        res_result sim;
        eval_opts d = {0};
        ck_assert_msg(runner_one(eval_find("simulate"), p, &scn2, &s2, NULL, &d, &sim, &e) == ERR_OK, "%s", e.msg);
        ck_assert(sim.makespan_s > 0);
        if (r->simulated)
            ck_assert_rel(sim.makespan_s, r->sim.makespan_s, 0);
        res_free(&sim);
    }
    sched_free(&s2);
    scn_free(&scn2);
}

START_TEST(packings_that_cannot_be_placed_are_left_out)
{
    /* Five models on two chiplets: a packing into 2 windows puts 3 models in
       one of them, which no allocation can place; the search goes on
       without it. Space: no window holds 5 models on 2 chiplets, and one
       model per window gives each model its 2 layers on both chiplets in
       either order (2 ways) x the divisors of its batch: for batches 1..5,
       2^5 x (1 x 2 x 2 x 3 x 2) = 768. */
    run_t k = {0};
    run_platform(&k, t2_text);
    run_search(&k, &two_text, 1, 5, 0, 0);
    ck_assert_rel(k.r.space, 768, 0);
    ck_assert_int_ge(k.r.best.nwindows, 3);
    check_winner(&k.p, &k.scn, &k.r, 1);
    run_free(&k);
}
END_TEST

START_TEST(twelve_models)
{
    /* Models alternately of 2 and 3 layers, batches 1 .. 12, on two
       chiplets: a window holds at most 2 models, so at least 6 windows.
       Space: one model per window, a model of L layers on both chiplets
       has L - 1 cuts x 2 orders x the divisors of its batch (1 2 2 3 2 4
       2 4 3 4 2 6): 2^6 x 4^6 x 110592 = 28991029248. Sequential windows
       combine 3^12 kept parts: more than are tried in full. */
    const char *wl[2] = {two_text, three_text};
    run_t k = {0};
    run_platform(&k, t2_text);
    run_search(&k, wl, 2, 12, 2, 0);
    ck_assert_rel(k.r.space, 28991029248.0, 0);
    ck_assert_int_ge(k.r.best.nwindows, 6);
    ck_assert_int_eq(k.r.simulated, 2);
    check_winner(&k.p, &k.scn, &k.r, 1);
    run_free(&k);
}
END_TEST

START_TEST(nine_models_one_chiplet)
{
    /* Nine one-layer models (a space_size overflow once) on one chiplet:
       no window can hold two of them, so one model per window it is.
       Space: one schedule per mini-batch size, the divisors of 1 .. 9:
       1x2x2x3x2x4x2x4x3 = 2304. */
    run_t k = {0};
    run_platform(&k, t1_text);
    run_search(&k, &one_text, 1, 9, 2, 0);
    ck_assert_rel(k.r.space, 2304, 0);
    ck_assert_int_eq(k.r.best.nwindows, 9);
    check_winner(&k.p, &k.scn, &k.r, 1);
    run_free(&k);
}
END_TEST

START_TEST(mesh_16x16)
{
    /* 256 chiplets, two models: 3^256 allocations, annealed. Space: the
       first model (2 layers, batch 1) has 1 schedule on one chiplet and 2
       on two; the second (3 layers, batch 2) 2, 8 and 12 on one, two and
       three; disjoint chiplet sets for both, sum over k1, k2 of
       C(256, k1) C(256 - k1, k2) x theirs = 2139561530880 (one model per
       window uses all 256 chiplets: none). */
    const char *wl[2] = {two_text, three_text};
    run_t k = {0};
    run_mesh(&k, 16);
    run_search(&k, wl, 2, 2, 2, 30);
    ck_assert(!k.r.exhaustive);
    ck_assert_rel(k.r.space, 2139561530880.0, 1e-12);
    ck_assert_int_eq(k.r.simulated, 2);
    check_winner(&k.p, &k.scn, &k.r, 1);
    run_free(&k);
}
END_TEST

START_TEST(mesh_64x64)
{
    /* 4096 chiplets (64 words a chiplet set), one model of 3 layers, batch
       1: 2^4096 allocations, annealed. Space: 1 schedule on one chiplet,
       2 cuts x 2 orders on two, 1 cut x 6 orders on three:
       4096 + 4 x C(4096, 2) + 6 x C(4096, 3) = 68702703616. */
    run_t k = {0};
    run_mesh(&k, 64);
    run_search(&k, &three_text, 1, 1, 0, 20);
    ck_assert(!k.r.exhaustive);
    ck_assert_rel(k.r.space, 68702703616.0, 1e-12);
    check_winner(&k.p, &k.scn, &k.r, 1);
    run_free(&k);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("search_scale");
    TCase *tc = tcase_create("search_scale");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, packings_that_cannot_be_placed_are_left_out);
    tcase_add_test(tc, twelve_models);
    tcase_add_test(tc, nine_models_one_chiplet);
    tcase_add_test(tc, mesh_16x16);
    tcase_add_test(tc, mesh_64x64);
    suite_add_tcase(s, tc);
    return s;
}
