/* test_csv.c - CSV fields: RFC 4180 quoting and exact numbers, each expected
 * text worked out from the rule in csv.h. */
#include "testutil.h"
#include "csv.h"

/* The line the fields written by FILL make, without its LF. */
static char *line_of(void (*fill)(csv_t *c))
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(fp);
    csv_t c;
    csv_init(&c, fp);
    fill(&c);
    csv_end(&c);
    ck_assert_int_eq(csv_status(&c), 0);
    fclose(fp);
    ck_assert(n > 0 && buf[n - 1] == '\n');
    buf[n - 1] = '\0';
    return buf;
}

static void quoting(csv_t *c)
{
    csv_str(c, "plain");
    csv_str(c, "a,b");           /* a comma: quoted */
    csv_str(c, "say \"hi\"");    /* quotes: quoted, each doubled */
    csv_str(c, "two\nlines");    /* a line break stays inside the quotes */
    csv_str(c, "");              /* empty: nothing between the commas */
    csv_none(c);
    csv_str(c, "end");
}

START_TEST(fields_are_quoted_as_rfc4180_says)
{
    char *s = line_of(quoting);
    ck_assert_str_eq(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,end");
    free(s);
}
END_TEST

static void integers(csv_t *c)
{
    csv_int(c, -42);
    csv_real(c, 150428424448.0);        /* U-Net's MACs: every digit, no exponent */
    csv_real(c, 1536000.0);             /* %g would say 1.536e+06 */
    csv_real(c, 9007199254740991.0);    /* 2^53 - 1: the largest integer always exact */
    csv_real(c, 0.0);
}

START_TEST(integral_doubles_are_integers)
{
    char *s = line_of(integers);
    ck_assert_str_eq(s, "-42,150428424448,1536000,9007199254740991,0");
    free(s);
}
END_TEST

static void reals(csv_t *c)
{
    csv_real(c, 0.1);                  /* the shortest text that reads back: 1 digit */
    csv_real(c, 0.06144563861999999);  /* needs 16 digits */
    csv_real(c, 1.0 / 3.0);            /* needs 16: 0.3333333333333333 */
    csv_real(c, 2.0 / 3.0);            /* needs 16 too, the last rounded up */
    csv_real(c, 1e-9);
    csv_real(c, 9007199254740992.0 * 2); /* 2^54: past exact integers, %g at 17 digits */
    csv_real(c, 1e300);
    csv_real(c, INFINITY);
    csv_real(c, -INFINITY);
    csv_real(c, NAN);
}

START_TEST(reals_are_the_shortest_text_that_reads_back)
{
    char *s = line_of(reals);
    ck_assert_str_eq(s, "0.1,0.06144563861999999,0.3333333333333333,0.6666666666666666,1e-09,"
                        "18014398509481984,1e+300,inf,-inf,nan");
    free(s);
}
END_TEST

/* Every double written reads back as itself: a sample over the exponents. */
START_TEST(every_real_round_trips)
{
    unsigned long x = 88172645463325252UL;
    for (int i = 0; i < 20000; i++) {
        /* xorshift: 20000 doubles of every sign and magnitude but NaN/inf */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        char *buf = NULL;
        size_t n = 0;
        FILE *fp = open_memstream(&buf, &n);
        csv_t c;
        csv_init(&c, fp);
        csv_real(&c, v);
        fclose(fp);
        ck_assert_msg(strtod(buf, NULL) == v, "%s does not read back as %.17g", buf, v);
        ck_assert(strlen(buf) <= 24);
        free(buf);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, fields_are_quoted_as_rfc4180_says);
    tcase_add_test(tc, integral_doubles_are_integers);
    tcase_add_test(tc, reals_are_the_shortest_text_that_reads_back);
    tcase_add_test(tc, every_real_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
