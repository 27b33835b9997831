/* test_progress.c - the progress line: fed fractions that go back, repeat
 * 100 % or change stage, it prints percentages that never go back within a
 * stage, each stage's 100 % once, and a time left only when it means
 * something. */
#include "testutil.h"
#include "progress.h"

/* The percentages printed, in order, and each line's stage, parsed back
   from the text the line wrote ("\rsearch: STAGE, ..., NN% done"). */
typedef struct {
    int pct[64];
    char stage[64][32];
    int n, newlines;
} seen;

static void parse(const char *text, seen *sn)
{
    memset(sn, 0, sizeof *sn);
    for (const char *s = text; *s; s++) {
        if (*s == '\n')
            sn->newlines++;
        if (*s != '\r')
            continue;
        const char *colon = strchr(s, ':'), *comma = strchr(s, ','), *pc = strstr(s, "% done");
        ck_assert(colon && comma && pc && sn->n < 64);
        snprintf(sn->stage[sn->n], sizeof sn->stage[0], "%.*s", (int)(comma - colon - 2), colon + 2);
        const char *d = pc;
        while (d > s && d[-1] >= '0' && d[-1] <= '9')
            d--;
        sn->pct[sn->n++] = atoi(d);
    }
}

START_TEST(monotone_per_stage)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    prog_t p;
    prog_init(&p, out);
    /* a second apart, so that none is held back by the half-second rule */
    const double fr[] = {0.1, 0.4, 0.3, 0.9, 1.0, 1.0, 1.0, 0.7};
    for (int i = 0; i < 8; i++)
        prog_step(&p, 10.0 + i, "search", "estimating", "42 schedules", fr[i]);
    prog_step(&p, 20, "search", "simulating the 8 best", "1 of 8 simulated", 0.125);
    prog_step(&p, 20.1, "search", "simulating the 8 best", "2 of 8 simulated", 0.25); /* held back */
    prog_step(&p, 20.2, "search", "simulating the 8 best", "8 of 8 simulated", 1.0);  /* the last: shown */
    prog_end(&p);
    fclose(out);
    seen sn;
    parse(buf, &sn);
    /* estimating: 10, 40, 40 (0.3 does not lower it), 90, 100, and nothing
       after its 100; simulating: 12 (%3.0f of 12.5 rounds to even), 100 */
    const int want[] = {10, 40, 40, 90, 100, 12, 100};
    ck_assert_int_eq(sn.n, 7);
    for (int i = 0; i < sn.n; i++) {
        ck_assert_int_eq(sn.pct[i], want[i]);
        ck_assert_str_eq(sn.stage[i], i < 5 ? "estimating" : "simulating the 8 best");
    }
    /* one newline closes each stage */
    ck_assert_int_eq(sn.newlines, 2);
    ck_assert_ptr_null(strstr(buf, "100% done, ~"));
    free(buf);
}
END_TEST

START_TEST(format)
{
    char line[128];
    /* 25 % after 3 s: 3 / 0.25 - 3 = 9 s left */
    prog_format(line, sizeof line, "search", "estimating", "7 schedules", 0.25, 3);
    ck_assert_str_eq(line, "search: estimating, 7 schedules,  25% done, ~9 s left");
    /* done, or too early to tell: no time left */
    prog_format(line, sizeof line, "run", "baselines", NULL, 1, 30);
    ck_assert_str_eq(line, "run: baselines, 100% done");
    prog_format(line, sizeof line, "run", "baselines", NULL, 0.5, 0.2);
    ck_assert_str_eq(line, "run: baselines,  50% done");
    /* no output stream: nothing happens */
    prog_t p;
    prog_init(&p, NULL);
    prog_step(&p, 1, "x", "y", NULL, 0.5);
    prog_end(&p);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, monotone_per_stage);
    tcase_add_test(tc, format);
    suite_add_tcase(s, tc);
    return s;
}
