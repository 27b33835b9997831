/* test_scenario.c - model mixes: the shipped scenarios load with the batch
 * sizes SCAR gives, and each kind of bad scenario names file and line. */
#include "testutil.h"
#include "scenario.h"

START_TEST(shipped_scenarios)
{
    const char *files[] = {"workloads/scenarios/gpt2-resnet50.ini", "workloads/scenarios/sc1.ini",
                           "workloads/scenarios/sc2.ini", "workloads/scenarios/sc3.ini"};
    /* SCAR: Sc1 GPT2-L(1) + BERT-L(3); Sc2 + ResNet-50(1); Sc3 GPT2-L(1) + BERT-L(3) +
       ResNet-50(32); the default mix GPT-2 small(8) + ResNet-50(32) */
    const long batches[4][3] = {{8, 32, 0}, {1, 3, 0}, {1, 3, 1}, {1, 3, 32}};
    const int counts[] = {2, 2, 3, 3};
    for (int i = 0; i < 4; i++) {
        scn_t s;
        err_t e;
        ck_assert_msg(scn_load(files[i], &s, &e) == ERR_OK, "%s", e.msg);
        ck_assert_int_eq(s.nmodels, counts[i]);
        for (int m = 0; m < s.nmodels; m++)
            ck_assert_int_eq(s.models[m].batch, batches[i][m]);
        scn_free(&s);
    }
    scn_t s;
    err_t e;
    ck_assert_int_eq(scn_load("workloads/scenarios/sc3.ini", &s, &e), ERR_OK);
    ck_assert_int_eq(scn_find(&s, "bert-l"), 1);
    ck_assert_int_eq(s.models[0].model.nlayers, 435); /* GPT-2 large: 1 + 36 * 12 + 2 */
    scn_free(&s);
}
END_TEST

/* Expects scn_load of TEXT to fail at LINE (0: the file as a whole) with
   WHAT in the message. */
static void expect_bad(const char *text, int line, const char *what)
{
    char *path = tu_write_tmp(text, ".ini");
    scn_t s;
    err_t e;
    ck_assert_int_eq(scn_load(path, &s, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, line, what);
    unlink(path);
    free(path);
}

START_TEST(bad_scenarios)
{
    char wl[256], buf[1024];
    char *abs = realpath("workloads/resnet50.ini", NULL);
    snprintf(wl, sizeof wl, "workload = %s\n", abs);
    free(abs);
    snprintf(buf, sizeof buf, "[model r]\n%sbatch = 0\n", wl);
    expect_bad(buf, 3, "out of range");
    snprintf(buf, sizeof buf, "[model r]\n%sbatch = 2x\n", wl);
    expect_bad(buf, 3, "bad integer");
    snprintf(buf, sizeof buf, "[model r]\n%s", wl);
    expect_bad(buf, 1, "missing key 'batch'");
    snprintf(buf, sizeof buf, "[model r]\n%sbatch = 1\nbacth = 2\n", wl);
    expect_bad(buf, 4, "unknown key in [model r] (expected batch, workload, share, prompt_tokens, "
                       "output_tokens)");
    snprintf(buf, sizeof buf, "[models r]\n%sbatch = 1\n", wl);
    expect_bad(buf, 1, "unknown section (expected [model NAME])");
    snprintf(buf, sizeof buf, "[model r]\n%sbatch = 1\n[model r ]\n%sbatch = 1\n", wl, wl);
    expect_bad(buf, 4, "duplicate section (first at line 1)");
    snprintf(buf, sizeof buf, "[model r.x]\n%sbatch = 1\n", wl);
    expect_bad(buf, 1, "letters, digits");
    expect_bad("", 0, "no [model NAME] section");
    /* a workload that does not exist is reported at its own path */
    char *path = tu_write_tmp("[model r]\nworkload = no-such-model.ini\nbatch = 1\n", ".ini");
    scn_t s;
    err_t e;
    ck_assert_int_eq(scn_load(path, &s, &e), ERR_INPUT);
    ck_assert_msg(strstr(e.msg, "/no-such-model.ini: cannot open"), "%s", e.msg);
    unlink(path);
    free(path);
}
END_TEST

/* Serving keys: the shipped serving scenario's lengths; "N" is N..N; GPT-2
   without keys prompts its workload's seq (128) for one output token; a CNN
   has no lengths; wrong values name their line. */
START_TEST(serving_keys)
{
    scn_t s;
    err_t e;
    ck_assert_msg(scn_load("workloads/scenarios/gpt2-resnet50-serving.ini", &s, &e) == ERR_OK, "%s",
                  e.msg);
    ck_assert(s.models[0].llm && !s.models[1].llm);
    ck_assert_int_eq(s.models[0].prompt.lo, 32);
    ck_assert_int_eq(s.models[0].prompt.hi, 256);
    ck_assert_int_eq(s.models[0].output.lo, 16);
    ck_assert_int_eq(s.models[0].output.hi, 128);
    ck_assert_double_eq(s.models[1].share, 3);
    scn_free(&s);
    ck_assert_int_eq(scn_load("workloads/scenarios/gpt2-resnet50.ini", &s, &e), ERR_OK);
    ck_assert_int_eq(s.models[0].prompt.lo, 128);
    ck_assert_int_eq(s.models[0].output.hi, 1);
    ck_assert_double_eq(s.models[0].share, 1);
    scn_free(&s);

    char gpt[512], cnn[512], buf[1024];
    char *g = realpath("workloads/gpt2-small.ini", NULL);
    char *c = realpath("workloads/resnet50.ini", NULL);
    snprintf(gpt, sizeof gpt, "[model g]\nworkload = %s\nbatch = 2\n", g);
    snprintf(cnn, sizeof cnn, "[model c]\nworkload = %s\nbatch = 2\n", c);
    free(g);
    free(c);
    snprintf(buf, sizeof buf, "%sprompt_tokens = 7\noutput_tokens = uniform 2 5\n", gpt);
    char *path = tu_write_tmp(buf, ".ini");
    ck_assert_msg(scn_load(path, &s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(s.models[0].prompt.lo, 7);
    ck_assert_int_eq(s.models[0].prompt.hi, 7);
    ck_assert_int_eq(s.models[0].output.hi, 5);
    scn_free(&s);
    unlink(path);
    free(path);
    snprintf(buf, sizeof buf, "%sprompt_tokens = uniform 9 3\n", gpt);
    expect_bad(buf, 4, "1 <= LO <= HI");
    snprintf(buf, sizeof buf, "%sprompt_tokens = normal 9 3\n", gpt);
    expect_bad(buf, 4, "expected N or 'uniform LO HI'");
    snprintf(buf, sizeof buf, "%sprompt_tokens = uniform 1 2 3\n", gpt);
    expect_bad(buf, 4, "expected N or 'uniform LO HI'");
    /* GPT-2's context is 1024 positions: 1000 + 25 is one too many */
    snprintf(buf, sizeof buf, "%sprompt_tokens = 1000\noutput_tokens = uniform 1 25\n", gpt);
    expect_bad(buf, 5, "can reach 1025");
    snprintf(buf, sizeof buf, "%soutput_tokens = 4\n", cnn);
    expect_bad(buf, 4, "is for GPT-2 models");
    snprintf(buf, sizeof buf, "%sshare = 0\n", cnn);
    expect_bad(buf, 4, "share");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("scenario");
    tcase_add_test(tc, shipped_scenarios);
    tcase_add_test(tc, bad_scenarios);
    tcase_add_test(tc, serving_keys);
    suite_add_tcase(s, tc);
    return s;
}
