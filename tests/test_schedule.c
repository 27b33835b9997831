/* test_schedule.c - schedule files: the shipped one loads as written, a
 * written schedule reads back the same, and each kind of bad schedule names
 * its file and line. */
#include "testutil.h"
#include "schedule.h"

static const char *P = "platforms/het-2x2.ini";

START_TEST(shipped_schedule)
{
    plat_t p;
    scn_t scn;
    sched_t s;
    err_t e;
    ck_assert_int_eq(plat_load(P, &p, &e), ERR_OK);
    ck_assert_msg(sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &p, &scn, &s, &e) == ERR_OK,
                  "%s", e.msg);
    ck_assert_int_eq(s.nwindows, 1);
    ck_assert_int_eq(s.windows[0].nparts, 2);
    const sched_part *g = &s.windows[0].parts[0];
    /* GPT-2 small: embed, 12 blocks of 12 layers (ln1 qkv qk softmax av proj
       add1 ln2 fc1 gelu fc2 add2), ln_f, lm_head: 1 + 144 + 2 = 147 layers.
       Block 7 (the 8th) ends at 1 + 8 * 12 - 1 = 96. */
    ck_assert_int_eq(scn.models[g->model].model.nlayers, 147);
    ck_assert_int_eq(g->minibatch, 2);
    ck_assert_int_eq(g->nsegs, 2);
    ck_assert_int_eq(g->segs[0].first, 0);
    ck_assert_int_eq(g->segs[0].last, 96);
    ck_assert_int_eq(g->segs[1].first, 97);
    ck_assert_int_eq(g->segs[1].last, 146);
    ck_assert_str_eq(p.chiplets[g->segs[1].chiplet].name, "n10");
    ck_assert_int_eq(scn.models[1].batch, 32);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
}
END_TEST

START_TEST(write_then_read_back)
{
    plat_t p;
    scn_t scn, scn2;
    sched_t s, s2;
    err_t e;
    ck_assert_int_eq(plat_load(P, &p, &e), ERR_OK);
    ck_assert_int_eq(sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &p, &scn, &s, &e), ERR_OK);
    char path[] = "/tmp/mcmschedXXXXXX.ini";
    int fd = mkstemps(path, 4);
    FILE *fp = fdopen(fd, "w");
    char *abs = realpath("workloads/scenarios/gpt2-resnet50.ini", NULL);
    ck_assert_int_eq(sched_write(fp, &p, &scn, &s, abs), ERR_OK);
    fclose(fp);
    ck_assert_msg(sched_load(path, &p, &scn2, &s2, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(s2.nwindows, s.nwindows);
    for (int w = 0; w < s.nwindows; w++) {
        ck_assert_int_eq(s2.windows[w].nparts, s.windows[w].nparts);
        for (int i = 0; i < s.windows[w].nparts; i++) {
            const sched_part *a = &s.windows[w].parts[i], *b = &s2.windows[w].parts[i];
            ck_assert_int_eq(a->model, b->model);
            ck_assert_int_eq(a->minibatch, b->minibatch);
            ck_assert_int_eq(a->nsegs, b->nsegs);
            ck_assert_int_eq(memcmp(a->segs, b->segs, (size_t)a->nsegs * sizeof *a->segs), 0);
        }
    }
    free(abs);
    unlink(path);
    sched_free(&s);
    sched_free(&s2);
    scn_free(&scn);
    scn_free(&scn2);
    plat_free(&p);
}
END_TEST

/* Loads a schedule whose windows are TEXT (line 3 on) and expects an input
   error at LINE mentioning WHAT. */
static void expect_bad(const char *text, int line, const char *what)
{
    char buf[2048];
    char *scn = realpath("workloads/scenarios/gpt2-resnet50.ini", NULL);
    snprintf(buf, sizeof buf, "[schedule]\nscenario = %s\n%s", scn, text);
    free(scn);
    char *path = tu_write_tmp(buf, ".ini");
    plat_t p;
    scn_t sc;
    sched_t s;
    err_t e;
    ck_assert_int_eq(plat_load(P, &p, &e), ERR_OK);
    ck_assert_int_eq(sched_load(path, &p, &sc, &s, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, line, what);
    plat_free(&p);
    unlink(path);
    free(path);
}

#define GOOD_R "resnet50.minibatch = 8\nresnet50.1 = conv1 .. fc @ s01\n"

START_TEST(bad_schedules)
{
    /* lines: 3 = [window 1], 4 on = keys */
    expect_bad("[window 1]\ngpt2.minibatch = 3\ngpt2.1 = embed .. lm_head @ n00\n" GOOD_R, 4,
               "does not divide");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = embed .. lm_head @ n99\n" GOOD_R, 5,
               "no chiplet 'n99'");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = embed .. nope @ n00\n" GOOD_R, 5,
               "no layer 'nope'");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = embed .. h0.add2 @ n00\n"
               "gpt2.2 = h2.ln1 .. lm_head @ n10\n" GOOD_R, 4, "expected h1.ln1");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = embed .. h0.add2 @ n00\n" GOOD_R, 4,
               "layers from h1.ln1 on are in no segment");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.2 = embed .. lm_head @ n00\n" GOOD_R, 5,
               "number segments 1, 2");
    expect_bad("[window 1]\nbert.minibatch = 2\n" GOOD_R, 4, "no model 'bert'");
    expect_bad("[window 2]\ngpt2.minibatch = 2\ngpt2.1 = embed .. lm_head @ n00\n" GOOD_R, 3,
               "numbered 1, 2");
    expect_bad("[window 1]\ngpt2.1 = embed .. lm_head @ n00\n" GOOD_R, 4, "missing key 'gpt2.minibatch'");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = h0.add2 .. embed @ n00\n" GOOD_R, 5,
               "ends (embed) before it starts");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = embed .. lm_head n00\n" GOOD_R, 5,
               "FIRST .. LAST @ CHIPLET");
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = #0 .. #999 @ n00\n" GOOD_R, 5, "not in 0..146");
    expect_bad("[windows 1]\n", 3, "unknown section (expected [schedule], [window N] or [decode])");
    /* a model split over two windows must keep its layers in order */
    expect_bad("[window 1]\ngpt2.minibatch = 2\ngpt2.1 = h0.ln1 .. lm_head @ n00\n" GOOD_R
               "[window 2]\ngpt2.minibatch = 2\ngpt2.1 = embed @ n00\n", 4, "expected embed");
}
END_TEST

START_TEST(indices_and_windows)
{
    char buf[1024];
    char *scn = realpath("workloads/scenarios/gpt2-resnet50.ini", NULL);
    snprintf(buf, sizeof buf,
             "[schedule]\nscenario = %s\n[window 1]\nresnet50.minibatch = 32\nresnet50.1 = #0 .. #71 @ s01\n"
             "[window 2]\ngpt2.minibatch = 8\ngpt2.1 = #0 .. #50 @ n00\ngpt2.2 = #51 .. #146 @ n11\n", scn);
    free(scn);
    char *path = tu_write_tmp(buf, ".ini");
    plat_t p;
    scn_t sc;
    sched_t s;
    err_t e;
    ck_assert_int_eq(plat_load(P, &p, &e), ERR_OK);
    ck_assert_msg(sched_load(path, &p, &sc, &s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(s.nwindows, 2);
    ck_assert_int_eq(s.windows[1].parts[0].segs[1].first, 51);
    sched_free(&s);
    scn_free(&sc);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("schedule");
    TCase *tc = tcase_create("schedule");
    tcase_add_test(tc, shipped_schedule);
    tcase_add_test(tc, write_then_read_back);
    tcase_add_test(tc, bad_schedules);
    tcase_add_test(tc, indices_and_windows);
    suite_add_tcase(s, tc);
    return s;
}
