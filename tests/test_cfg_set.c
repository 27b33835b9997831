/* test_cfg_set.c - values given from outside a file (cfg_apply, sweep's
 * --set): they replace the file's, add keys and sections, and are checked by
 * the loader as the file's own, their messages naming the file, not a line. */
#include "testutil.h"
#include "platform.h"

static const char *plat_text =
    "[package]\nname = t2\nmesh = 2x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2.04pJ\n"
    "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\npes = 1024\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n";

START_TEST(sets_replace_and_add)
{
    char *path = tu_write_tmp(plat_text, ".ini");
    const cfg_set sets[] = {
        {"package", "link_bandwidth", "25GB/s"}, /* replaces line 4 */
        {"chiplet a", "pes", "256"},             /* a key [chiplet a] does not give */
        {"chiplet b", "pes", "64"},              /* replaces b's 1024 */
        {"nop", "vcs", "8"},                     /* a section the file lacks */
    };
    plat_t p;
    err_t e;
    ck_assert_msg(plat_load_set(path, sets, 4, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert(p.link_bw == 25e9);
    ck_assert_int_eq(p.chiplets[0].pes, 256);
    ck_assert_int_eq(p.chiplets[1].pes, 64);
    ck_assert_int_eq(p.nop.vcs, 8);
    /* every mesh link takes the package's bandwidth */
    ck_assert(p.links[0].bw == 25e9);
    plat_free(&p);
    /* the file itself is as it was */
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert(p.link_bw == 100e9);
    ck_assert_int_eq(p.chiplets[1].pes, 1024);
    ck_assert_int_eq(p.nop.vcs, 4);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(bad_sets_are_the_loaders_errors)
{
    char *path = tu_write_tmp(plat_text, ".ini");
    plat_t p;
    err_t e;
    /* below PLAT_MIN_RATE (1 B/s): the key's own range check, at no line */
    const cfg_set slow = {"package", "link_bandwidth", "0.5B/s"};
    ck_assert_int_eq(plat_load_set(path, &slow, 1, &p, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, 0, "'link_bandwidth' = 0.5B/s is out of range");
    const cfg_set bogus = {"package", "bogus", "1"};
    ck_assert_int_eq(plat_load_set(path, &bogus, 1, &p, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, 0, "unknown key in [package]");
    const cfg_set vcs = {"nop", "vcs", "65"};
    ck_assert_int_eq(plat_load_set(path, &vcs, 1, &p, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, 0, "'vcs' = 65 is out of range [1, 64]");
    unlink(path);
    free(path);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cfg_set");
    TCase *tc = tcase_create("cfg_set");
    tcase_add_test(tc, sets_replace_and_add);
    tcase_add_test(tc, bad_sets_are_the_loaders_errors);
    suite_add_tcase(s, tc);
    return s;
}
