/* test_search_optimum.c - evidence that ea and nsga2 with their default
 * budget (SCAR's population 10, 4 generations) find the optimum: on every
 * case small enough to enumerate (the 2x2 package with two and three
 * models, the 3x3 ones with two and, at 5-10 s of exhaustive search each,
 * three; several batch sizes, so several sets of mini-batches), their best
 * estimated EDP lies within 2 % of the exhaustive strategy's, computed here
 * by running it. And the evolutionary searches repeat: the same seed gives
 * the same schedule. */
#include "testutil.h"
#include "estimate.h"
#include "search.h"

typedef struct {
    const char *platform;
    const char *models[3]; /* workload files; NULL past the last */
    long batch[3];
} opt_case;

/* The scenario of C as a temporary file (workload paths made absolute). */
static char *write_scenario(const opt_case *c)
{
    char buf[4096] = "", *path;
    for (int i = 0; i < 3 && c->models[i]; i++) {
        char *abs = realpath(c->models[i], NULL);
        ck_assert_msg(abs != NULL, "%s", c->models[i]);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                 "[model m%d]\nworkload = %s\nbatch = %ld\n", i, abs, c->batch[i]);
        free(abs);
    }
    path = tu_write_tmp(buf, ".ini");
    return path;
}

static double best_edp(const plat_t *p, const scn_t *scn, const char *strategy, unsigned long seed)
{
    search_opts o;
    search_defaults(&o);
    o.no_simulate = 1;
    o.jobs = 2;
    o.strategy = strategy;
    o.seed = seed;
    o.max_exhaustive = 1000000000L;
    search_result r;
    err_t e;
    ck_assert_msg(search_run(p, scn, &o, &r, &e) == ERR_OK, "%s: %s", strategy, e.msg);
    ck_assert_str_eq(r.strategy, strategy);
    ck_assert_int_eq(sched_validate(p, scn, &r.best, &e), ERR_OK);
    double edp = r.est.edp_js;
    search_result_free(&r);
    return edp;
}

static const opt_case cases[] = {
    {"platforms/het-2x2.ini", {"workloads/gpt2-small.ini", "workloads/resnet50.ini"}, {8, 32}},
    {"platforms/het-2x2.ini", {"workloads/gpt2-small.ini", "workloads/resnet50.ini"}, {6, 12}},
    {"platforms/het-2x2.ini",
     {"workloads/gpt2-small.ini", "workloads/resnet50.ini", "workloads/googlenet.ini"},
     {8, 32, 8}},
    {"platforms/het-2x2.ini",
     {"workloads/gpt2-small.ini", "workloads/resnet50.ini", "workloads/googlenet.ini"},
     {6, 12, 3}},
    {"platforms/het-sides-3x3.ini", {"workloads/gpt2-small.ini", "workloads/resnet50.ini"}, {8, 32}},
    {"platforms/het-cb-3x3.ini", {"workloads/bert-base.ini", "workloads/resnet50.ini"}, {4, 16}},
    {"platforms/het-sides-3x3.ini",
     {"workloads/gpt2-small.ini", "workloads/resnet50.ini", "workloads/googlenet.ini"},
     {8, 32, 8}},
    {"platforms/het-sides-3x3.ini",
     {"workloads/gpt2-small.ini", "workloads/resnet50.ini", "workloads/googlenet.ini"},
     {6, 12, 3}},
};

START_TEST(within_two_percent_of_exhaustive)
{
    const opt_case *c = &cases[_i];
    plat_t p;
    scn_t scn;
    err_t e;
    char *path = write_scenario(c);
    ck_assert_msg(plat_load(c->platform, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(scn_load(path, &scn, &e) == ERR_OK, "%s", e.msg);
    double ex = best_edp(&p, &scn, "exhaustive", 1);
    const char *strategies[] = {"ea", "nsga2"};
    for (int k = 0; k < 2; k++) {
        double got = best_edp(&p, &scn, strategies[k], 1);
        ck_assert_msg(got <= 1.02 * ex, "%s on %s: %s EDP %.6g, exhaustive %.6g (+%.2f %%)",
                      path, c->platform, strategies[k], got, ex, 100 * (got / ex - 1));
    }
    scn_free(&scn);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("search_optimum");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, within_two_percent_of_exhaustive, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
