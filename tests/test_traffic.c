/* test_traffic.c - traffic patterns from their definitions (destination
 * tables on 4x4 and a mesh of unequal sides, randperm, perm: and its
 * errors, uniform's reach), the batch driver's bookkeeping, and the
 * calibration set: BookSim's 4x4 drain times, which the model must meet
 * within 10 % and never beat by more than 10 %. */
#include "testutil.h"
#include "traffic.h"

static traffic_pattern parse(const char *spec, int w, int h, long seed)
{
    traffic_pattern t;
    char msg[256] = "";
    ck_assert_msg(traffic_parse(spec, 0, seed, w, h, &t, msg, sizeof msg) == ERR_OK, "%s: %s", spec, msg);
    return t;
}

static void check_table(const char *spec, int w, int h, const int *want)
{
    traffic_pattern t = parse(spec, w, h, 1);
    for (int s = 0; s < w * h; s++)
        ck_assert_msg(traffic_dest(&t, s, 0) == want[s] && traffic_dest(&t, s, 99) == want[s],
                      "%s: node %d sends to %d, want %d", spec, s, traffic_dest(&t, s, 0), want[s]);
    traffic_free(&t);
}

START_TEST(tables_4x4)
{
    /* id = x + 4y: transpose swaps the two halves of 4 bits, so x and y */
    static const int transpose[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
    static const int bitcomp[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    /* bits rotated left: the top bit becomes the bottom one */
    static const int shuffle[16] = {0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15};
    /* (x+1, y+1) mod 4; tornado's ceil(4/2) - 1 = 1 makes it the same */
    static const int neighbor[16] = {5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0};
    check_table("transpose", 4, 4, transpose);
    check_table("bitcomp", 4, 4, bitcomp);
    check_table("shuffle", 4, 4, shuffle);
    check_table("neighbor", 4, 4, neighbor);
    check_table("tornado", 4, 4, neighbor);
    static const int hot[16] = {0};
    check_table("hotspot", 4, 4, hot);
}
END_TEST

START_TEST(tables_unequal_sides)
{
    /* 5x3: tornado moves x by ceil(5/2) - 1 = 2 and y by ceil(3/2) - 1 = 1 */
    int want[15];
    for (int s = 0; s < 15; s++)
        want[s] = (s % 5 + 2) % 5 + 5 * ((s / 5 + 1) % 3);
    ck_assert_int_eq(want[0], 7);
    ck_assert_int_eq(want[14], 1);
    check_table("tornado", 5, 3, want);
    for (int s = 0; s < 15; s++)
        want[s] = (s % 5 + 1) % 5 + 5 * ((s / 5 + 1) % 3);
    check_table("neighbor", 5, 3, want);
    /* 6x6: x + 2 */
    traffic_pattern t = parse("tornado", 6, 6, 1);
    ck_assert_int_eq(traffic_dest(&t, 0, 0), 2 + 6 * 2);
    ck_assert_int_eq(traffic_dest(&t, 5, 0), 1 + 6 * 2);
    traffic_free(&t);
    /* 8x2 has 16 nodes: transpose swaps id bits, not x and y */
    t = parse("transpose", 8, 2, 1);
    ck_assert_int_eq(traffic_dest(&t, 1, 0), 4);
    ck_assert_int_eq(traffic_dest(&t, 8, 0), 2);
    traffic_free(&t);
}
END_TEST

START_TEST(randperm_and_uniform)
{
    int seen[16], first[16];
    for (long seed = 1; seed <= 3; seed++) {
        traffic_pattern t = parse("randperm", 4, 4, seed), u = parse("randperm", 4, 4, seed);
        memset(seen, 0, sizeof seen);
        int moved = 0;
        for (int s = 0; s < 16; s++) {
            int d = traffic_dest(&t, s, 0);
            seen[d]++;
            ck_assert_int_eq(d, traffic_dest(&u, s, 5));
            if (seed == 1)
                first[s] = d;
            else
                moved |= d != first[s];
        }
        for (int d = 0; d < 16; d++)
            ck_assert_int_eq(seen[d], 1);
        ck_assert(seed == 1 || moved);
        traffic_free(&t);
        traffic_free(&u);
    }
    /* uniform: every node, itself included, about equally; the same again
       for the same seed, another stream for another */
    traffic_pattern t = parse("uniform", 4, 4, 7), u = parse("uniform", 4, 4, 8);
    int count[16] = {0}, same = 0;
    for (int s = 0; s < 16; s++)
        for (long k = 0; k < 1600; k++) {
            int d = traffic_dest(&t, s, k);
            ck_assert(d >= 0 && d < 16);
            count[d]++;
            ck_assert_int_eq(d, traffic_dest(&t, s, k));
            same += d == traffic_dest(&u, s, k);
        }
    for (int d = 0; d < 16; d++) {
        ck_assert_int_gt(count[d], 1600 * 9 / 10);
        ck_assert_int_lt(count[d], 1600 * 11 / 10);
    }
    ck_assert_int_lt(same, 16 * 1600 / 8);
    int self = 0;
    for (long k = 0; k < 1600; k++)
        self += traffic_dest(&t, 3, k) == 3;
    ck_assert_int_gt(self, 50);
    traffic_free(&t);
    traffic_free(&u);
}
END_TEST

static void assert_fails(const char *spec, int w, int h, const char *what)
{
    traffic_pattern t;
    char msg[256] = "";
    ck_assert_int_eq(traffic_parse(spec, 0, 1, w, h, &t, msg, sizeof msg), ERR_INPUT);
    ck_assert_msg(strstr(msg, what), "%s: got '%s', want '%s'", spec, msg, what);
}

START_TEST(perm_and_errors)
{
    int want[4] = {3, 3, 0, 1};
    check_table("perm:3,3,0,1", 2, 2, want);
    assert_fails("perm:3,3,0", 2, 2, "3 destinations, want one per node (4)");
    assert_fails("perm:3,3,0,1,2", 2, 2, "more than 4 destinations");
    assert_fails("perm:3,4,0,1", 2, 2, "destination of node 1 is 4");
    assert_fails("perm:3,-1,0,1", 2, 2, "destination of node 1 is -1");
    assert_fails("perm:3,x,0,1", 2, 2, "destination 1 is not a number");
    assert_fails("perm:3;1,0,1", 2, 2, "expected ','");
    assert_fails("perm:", 2, 2, "not a number");
    assert_fails("transpose", 4, 2, "even number of id bits");
    assert_fails("bitcomp", 3, 3, "power-of-two number of nodes; 3x3 has 9");
    assert_fails("shuffle", 6, 6, "power-of-two");
    assert_fails("zigzag", 4, 4, "unknown traffic pattern 'zigzag'");
    traffic_pattern t;
    char msg[256];
    ck_assert_int_eq(traffic_parse("hotspot", 16, 1, 4, 4, &t, msg, sizeof msg), ERR_INPUT);
    ck_assert(strstr(msg, "node 16 is not a node of 0..15"));
    ck_assert_int_eq(traffic_parse("hotspot", 9, 1, 4, 4, &t, msg, sizeof msg), ERR_OK);
    ck_assert_int_eq(traffic_dest(&t, 4, 0), 9);
    traffic_free(&t);
}
END_TEST

static traffic_batch_cfg cfg44(long packets)
{
    return (traffic_batch_cfg){4, 4, 4, 16, 4, 1, NULL, NULL, NULL, NULL, packets, 16};
}

/* Neighbor on 4x4 gives every flow links of its own: each source's packets
   leave one a 16 cycles, the last tail of the 6-hop flows ejects at
   7 + 30 + 15 cycles after its packet's start; BookSim counts hops as
   routers crossed. */
START_TEST(batch_bookkeeping)
{
    traffic_pattern t = parse("neighbor", 4, 4, 1);
    traffic_batch_cfg c = cfg44(10);
    traffic_batch_result r;
    ck_assert_int_eq(traffic_batch(&c, &t, &r), ERR_OK);
    ck_assert_int_eq(r.nodes, 16);
    ck_assert_rel(r.mean_hops, 4.0, 1e-12);
    ck_assert_int_ge(r.drain, 16 * 9 + 7 + 30 + 15 + 1);
    ck_assert_int_le(r.drain, 16 * 9 + 7 + 30 + 15 + 1 + 20);
    long most = 0, sum = 0;
    for (int s = 0; s < 16; s++)
        most = r.finish[s] > most ? r.finish[s] : most;
    ck_assert_int_eq(most, r.drain);
    /* node 0 goes 1 east, 1 north: 2 hops */
    ck_assert_int_ge(r.finish[0], 16 * 9 + 7 + 10 + 15 + 1);
    ck_assert_int_le(r.finish[0], 16 * 9 + 7 + 10 + 15 + 1 + 20);
    for (int l = 0; l < 64; l++) {
        sum += r.link_flits[l];
        ck_assert_int_le(r.link_flits[l], 160);
    }
    ck_assert_int_eq(sum, 16L * 10 * 16 * 3); /* 3 mesh hops each */
    ck_assert_rel(traffic_bottleneck(&c, &t), 160.0, 1e-12);
    traffic_batch_free(&r);
    c.packets = 0;
    ck_assert_int_eq(traffic_batch(&c, &t, &r), ERR_INPUT);
    traffic_free(&t);
}
END_TEST

/* BookSim2 on 4x4 (/work/shared/noc-calibration.md): iq routers, 4 VCs of
   16 flits, 1000 packets of 16 flits per node. */
static void calibrate(const char *spec, double booksim, const long *seeds, int nseeds)
{
    traffic_batch_cfg c = cfg44(1000);
    double sum = 0;
    for (int i = 0; i < nseeds; i++) {
        traffic_pattern t = parse(spec, 4, 4, seeds[i]);
        traffic_batch_result r;
        ck_assert_int_eq(traffic_batch(&c, &t, &r), ERR_OK);
        sum += (double)r.drain;
        traffic_batch_free(&r);
        traffic_free(&t);
    }
    double ratio = sum / nseeds / booksim;
    ck_assert_msg(ratio >= 0.9 && ratio <= 1.1, "%s: %.0f cycles, BookSim %.0f (ratio %.3f)", spec,
                  sum / nseeds, booksim, ratio);
}

static const long one_seed[1] = {1};

START_TEST(calibration_permutations)
{
    calibrate("transpose", 48044, one_seed, 1);
    calibrate("bitcomp", 33298, one_seed, 1);
    calibrate("shuffle", 32025, one_seed, 1);
    calibrate("neighbor", 16037, one_seed, 1);
    calibrate("perm:15,13,8,5,4,7,0,11,6,10,14,9,12,3,2,1", 35203, one_seed, 1);
    calibrate("perm:12,14,13,8,9,3,15,10,2,0,7,5,4,11,1,6", 33283, one_seed, 1);
    calibrate("perm:9,11,14,8,13,0,10,5,3,4,2,12,6,7,15,1", 34921, one_seed, 1);
}
END_TEST

START_TEST(calibration_uniform_hotspot)
{
    static const long seeds[5] = {1, 2, 3, 4, 5};
    calibrate("uniform", 23595, seeds, 5);
    calibrate("hotspot", 256007, one_seed, 1);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("traffic");
    TCase *tc = tcase_create("traffic");
    tcase_add_test(tc, tables_4x4);
    tcase_add_test(tc, tables_unequal_sides);
    tcase_add_test(tc, randperm_and_uniform);
    tcase_add_test(tc, perm_and_errors);
    tcase_add_test(tc, batch_bookkeeping);
    suite_add_tcase(s, tc);
    /* a few seconds each, ten times that under the sanitizers */
    TCase *cal = tcase_create("calibration");
    tcase_set_timeout(cal, 300);
    tcase_add_test(cal, calibration_permutations);
    tcase_add_test(cal, calibration_uniform_hotspot);
    suite_add_tcase(s, cal);
    return s;
}
