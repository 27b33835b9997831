/* test_flit.c - the flit engine: figures worked out by hand from the
 * pipeline, credit and bucket rules of flit.h (zero-load latency, sharing,
 * back-pressure, head-of-line blocking, rates, shared budgets), the same
 * results however flit_run is stepped, flit_next_done as a lower bound,
 * the single-word and several-word allocators agreeing, every result of
 * two dozen mixed networks as the engine gave them before it was made
 * faster, and bad input. */
#include <limits.h>
#include <stdint.h>
#include "testutil.h"
#include "flit.h"
#include "flit_int.h"

static flit_net *make(int w, int h, int vcs, int buf, int rc, int lc, int nends, const flit_end *ends)
{
    flit_config c = {w, h, vcs, buf, rc, lc, nends, ends, NULL};
    flit_net *n = NULL;
    ck_assert_int_eq(flit_new(&c, &n), ERR_OK);
    return n;
}

/* Runs N until every message is done; their cycles by tag into CYCLE. */
static void drain(flit_net *n, long *cycle, int ntags)
{
    long tag, c;
    while (flit_next_done(n) != LONG_MAX)
        ck_assert_int_eq(flit_run(n, flit_now(n) + 1000), ERR_OK);
    while (flit_pop_done(n, &tag, &c)) {
        ck_assert(tag >= 0 && tag < ntags);
        cycle[tag] = c;
    }
}

static long lone(int rc, int lc, int flits, int buf)
{
    flit_end e[2] = {{0, 1, 1, 0}, {14, 1, 1, 0}}; /* (0,0) to (4,2) of 5x3: 6 hops */
    flit_net *n = make(5, 3, 2, buf, rc, lc, 2, e);
    long c[1] = {-1};
    ck_assert_int_eq(flit_send(n, 10, 0, 1, flits, flits, 0), ERR_OK);
    drain(n, c, 1);
    flit_free(n);
    return c[0];
}

/* A lone packet: (hops + 1) router pipelines, hops channels, 3 cycles of
   injection and ejection, and its flits one a cycle behind the head. */
START_TEST(zero_load_latency)
{
    static const int pipes[][2] = {{4, 1}, {4, 3}, {6, 2}, {3, 1}, {2, 1}, {1, 1}};
    for (size_t i = 0; i < sizeof pipes / sizeof *pipes; i++)
        for (int p = 1; p <= 20; p += 19) {
            int rc = pipes[i][0], lc = pipes[i][1];
            ck_assert_int_eq(lone(rc, lc, p, 16), 10 + 7 * rc + 6 * lc + 3 + p - 1);
        }
    /* BookSim's 7 + 5 hops + (P - 1) */
    ck_assert_int_eq(lone(4, 1, 16, 16) - 10, 7 + 5 * 6 + 15);
    /* a packet of 20 in buffers of 5 spans routers: the credit loop (flit out at
       s, in and out of the next router at s + 3, credit back at s + 5) keeps
       up with a buffer of 5 */
    ck_assert_int_eq(lone(4, 1, 20, 5), 10 + 7 * 4 + 6 + 3 + 19);
    /* ... but not with 4: each VC sends 4 flits per 5 cycles; the first four
       go at once, then four every five cycles, the last 20 - 4 = 16 in 20 */
    ck_assert_int_gt(lone(4, 1, 20, 4), 10 + 7 * 4 + 6 + 3 + 19);
    /* channels of 3: the credit loop is 9 cycles, a buffer of 8 falls short */
    ck_assert_int_gt(lone(4, 3, 20, 8), 10 + 7 * 4 + 6 * 3 + 3 + 19);
}
END_TEST

START_TEST(to_self_and_shared_router)
{
    /* two endpoints on router 4 of 3x3 and one at router 0 */
    flit_end e[3] = {{4, 1, 1, 0}, {4, 1, 1, 0}, {0, 1, 1, 0}};
    flit_net *n = make(3, 3, 2, 8, 4, 1, 3, e);
    long c[3];
    ck_assert_int_eq(flit_send(n, 0, 0, 0, 5, 5, 0), ERR_OK); /* to itself: no hop */
    ck_assert_int_eq(flit_send(n, 0, 1, 1, 5, 5, 1), ERR_OK); /* so its router neighbour */
    ck_assert_int_eq(flit_send(n, 0, 2, 1, 5, 5, 2), ERR_OK); /* 2 hops */
    drain(n, c, 3);
    /* each through its own injection and ejection ports, at zero load */
    ck_assert_int_eq(c[0], 4 + 3 + 4);
    ck_assert_int_eq(c[1], 4 + 3 + 4);
    /* the third reaches endpoint 1's ejection port after the second has left it */
    ck_assert_int_eq(c[2], 3 * 4 + 2 + 3 + 4);
    long in, out, f, busy;
    flit_port_stats(n, 0, &in, &out);
    ck_assert(in == 5 && out == 5);
    flit_port_stats(n, 1, &in, &out);
    ck_assert(in == 5 && out == 10);
    for (int l = 0; l < 9 * 4; l++) {
        flit_link_stats(n, l, &f, &busy);
        /* 0 -> 1 east, then 1 -> 4 north */
        ck_assert_int_eq(f, l == 0 * 4 + 0 || l == 1 * 4 + 2 ? 5 : 0);
        ck_assert_int_eq(busy, f);
    }
    flit_free(n);
}
END_TEST

/* Four neighbours to one ejection port: 6400 flits at one a cycle; round
   robin gives each a quarter, so all end within a few cycles of each other. */
START_TEST(sharing_one_port)
{
    flit_end e[5] = {{4, 1, 1, 0}, {1, 1, 1, 0}, {3, 1, 1, 0}, {5, 1, 1, 0}, {7, 1, 1, 0}};
    flit_net *n = make(3, 3, 4, 16, 4, 1, 5, e);
    long c[5];
    for (int s = 1; s <= 4; s++)
        ck_assert_int_eq(flit_send(n, 0, s, 0, 1600, 16, s), ERR_OK);
    drain(n, c, 5);
    /* the first flit ejects at 7 + 5 = 12, the 6400th 6399 cycles later */
    for (int s = 1; s <= 4; s++) {
        ck_assert_int_le(c[s], 12 + 6399);
        ck_assert_int_ge(c[s], 12 + 6399 - 4);
    }
    flit_free(n);
}
END_TEST

/* A destination ejecting 0.25 flit a cycle: its bucket starts full (1.25),
   so the head's SA at 9 moves a flit, then one every 4th cycle: flit k at
   9 + 4k - 1, the 100th at 404, ejected 3 cycles on. Credits stall the
   source: it cannot have sent more than what the path's buffers hold. */
START_TEST(slow_ejection_back_pressure)
{
    long c[1];
    for (int slow = 0; slow < 2; slow++) {
        flit_end e[2] = {{0, 1, 1, 0}, {1, 1, slow ? 0.25 : 1, 0}};
        flit_net *n = make(2, 1, 2, 16, 4, 1, 2, e);
        ck_assert_int_eq(flit_send(n, 0, 0, 1, 100, 100, 0), ERR_OK);
        if (slow) {
            long in, out;
            ck_assert_int_eq(flit_run(n, 200), ERR_OK);
            flit_port_stats(n, 0, &in, &out);
            /* ejected by 200: (200 - 9 - 3) / 4 + 1 = 48; in buffers at most
               two VCs of 16 and the rings */
            ck_assert_int_le(in, 48 + 16 + 16 + 6);
            ck_assert_int_lt(in, 100);
        }
        drain(n, c, 1);
        ck_assert_int_eq(c[0], slow ? 407 : 7 + 5 + 99);
        flit_free(n);
    }
}
END_TEST

/* Two endpoints on router 0 of 3x2: P1 (40 flits) to X at router 4, whose
   ejection runs at 0.001, and, at 100, P2 (4 flits) to Y at router 2. P1
   fills the buffers on its way and stalls. With 2 VCs, P2 takes the other
   VC of router 0's east output and of router 1's west input and arrives at
   the zero-load 100 + 3*4 + 2 + 3 + 3 = 120. With 1 VC it waits behind P1
   until P1's tail leaves router 1, which needs room in router 4's south
   buffer of 4: P1's flit 35 must have left, and X lets one flit out per
   1000 cycles after the first. */
START_TEST(head_of_line_blocking)
{
    long c[2];
    for (int vcs = 1; vcs <= 2; vcs++) {
        flit_end e[4] = {{0, 1, 1, 0}, {0, 1, 1, 0}, {4, 1, 0.001, 0}, {2, 1, 1, 0}};
        flit_net *n = make(3, 2, vcs, 4, 4, 1, 4, e);
        ck_assert_int_eq(flit_send(n, 0, 0, 2, 40, 40, 0), ERR_OK);
        ck_assert_int_eq(flit_send(n, 100, 1, 3, 4, 4, 1), ERR_OK);
        drain(n, c, 2);
        if (vcs == 2) {
            ck_assert_int_eq(c[1], 120);
        } else {
            ck_assert_int_ge(c[1], 35 * 1000);
            ck_assert_int_le(c[1], 36 * 1000);
        }
        /* P1's last flit: 39 whole bucket refills after its first */
        ck_assert_int_ge(c[0], 39 * 1000);
        ck_assert_int_le(c[0], 39 * 1000 + 100);
        flit_free(n);
    }
}
END_TEST

/* An interface of rate 0.5, bucket full at 1.5: flits at 0, 1, 3, 5, ...,
   the 100th at 197; a body flit then takes 2 + 3 + 3 = 8 cycles to eject
   one hop on. A shared endpoint spends one bucket both ways: twice the
   time of separate ones. */
START_TEST(rates_and_shared_budget)
{
    long c[3];
    flit_end e[2] = {{0, 0.5, 1, 0}, {1, 1, 1, 0}};
    flit_net *n = make(2, 1, 2, 16, 4, 1, 2, e);
    ck_assert_int_eq(flit_send(n, 0, 0, 1, 100, 100, 0), ERR_OK);
    drain(n, c, 1);
    ck_assert_int_eq(c[0], 197 + 8);
    flit_free(n);
    long sep[3], both[3];
    for (int sh = 0; sh < 2; sh++) {
        /* D at router 1 receives 400 flits from router 0 and sends 400 to router 2 */
        flit_end f[3] = {{0, 1, 1, 0}, {1, 0.5, 0.5, sh}, {2, 1, 1, 0}};
        n = make(3, 1, 2, 16, 4, 1, 3, f);
        ck_assert_int_eq(flit_send(n, 0, 0, 1, 400, 16, 1), ERR_OK);
        ck_assert_int_eq(flit_send(n, 0, 1, 2, 400, 16, 2), ERR_OK);
        drain(n, sh ? both : sep, 3);
        flit_free(n);
    }
    for (int m = 1; m <= 2; m++) {
        ck_assert_int_ge(sep[m], 800);
        ck_assert_int_le(sep[m], 820);
        /* the two directions alternate on the one bucket: both near 1600 */
        ck_assert_int_ge(both[m], 1580);
        ck_assert_int_le(both[m], 1610);
    }
    /* a rate of 2 with 4 VCs sends to both sides at once: 400 flits each */
    for (int k = 1; k <= 2; k++) {
        flit_end g[3] = {{1, k, 1, 0}, {0, 1, 1, 0}, {2, 1, 1, 0}};
        n = make(3, 1, 4, 16, 4, 1, 3, g);
        ck_assert_int_eq(flit_send(n, 0, 0, 1, 400, 16, 1), ERR_OK);
        ck_assert_int_eq(flit_send(n, 0, 0, 2, 400, 16, 2), ERR_OK);
        drain(n, c, 3);
        ck_assert_int_le(c[1] > c[2] ? c[1] : c[2], k == 2 ? 400 + 20 : 820);
        ck_assert_int_ge(c[1] > c[2] ? c[1] : c[2], k == 2 ? 400 + 11 : 800);
        flit_free(n);
    }
}
END_TEST

/* A mixed workload on 4x4: messages of many sizes from several sources at
   several cycles, some to themselves, one slow and one shared endpoint. */
static flit_net *mixed(int words)
{
    static flit_end e[16];
    for (int i = 0; i < 16; i++)
        e[i] = (flit_end){i, i == 5 ? 0.7 : 1, i == 10 ? 0.4 : 1, i == 6};
    flit_net *n = make(4, 4, 3, 6, 4, 2, 16, e);
    if (words)
        flit_set_words(n);
    uint64_t z = 12345;
    for (int m = 0; m < 300; m++) {
        z = z * 6364136223846793005ULL + 1442695040888963407ULL;
        int src = (int)(z >> 33) % 16, dst = (int)(z >> 45) % 16;
        long flits = 1 + (long)(z >> 20) % 70, at = (long)(z >> 8) % 3000;
        ck_assert_int_eq(flit_send(n, at, src, dst, flits, 1 + (int)(z >> 55) % 20, m), ERR_OK);
    }
    return n;
}

typedef struct {
    long tag, cycle;
} done_rec;

/* Runs N to its end in steps of STEP cycles (0: one run), checking
   flit_next_done at every step; the completions in order into OUT. */
static int run_all(flit_net *n, long step, done_rec *out, int cap)
{
    int k = 0;
    long tag, c, bound = flit_next_done(n), from = flit_now(n);
    while (bound != LONG_MAX) {
        ck_assert_int_ge(bound, flit_now(n));
        ck_assert_int_eq(flit_run(n, step ? flit_now(n) + step : 1000000), ERR_OK);
        int first = 1;
        while (flit_pop_done(n, &tag, &c)) {
            /* the bound held for every cycle from which it was asked */
            if (first)
                ck_assert_int_le(bound, c);
            ck_assert_int_ge(c, from);
            first = 0;
            ck_assert_int_lt(k, cap);
            out[k++] = (done_rec){tag, c};
        }
        from = flit_now(n);
        bound = flit_next_done(n);
    }
    return k;
}

START_TEST(stepping_and_next_done)
{
    static done_rec once[300], steps[300], lazy[300], words[300];
    flit_net *n = mixed(0);
    int k1 = run_all(n, 0, once, 300);
    flit_free(n);
    n = mixed(0);
    int k2 = run_all(n, 1, steps, 300);
    flit_free(n);
    ck_assert_int_eq(k1, 300);
    ck_assert_int_eq(k2, 300);
    /* completions in cycle order, a cycle's by tag */
    for (int i = 0; i < 300; i++) {
        ck_assert(once[i].tag == steps[i].tag && once[i].cycle == steps[i].cycle);
        if (i)
            ck_assert(once[i].cycle > once[i - 1].cycle ||
                      (once[i].cycle == once[i - 1].cycle && once[i].tag > once[i - 1].tag));
    }
    /* uneven steps, asking the bound between them */
    n = mixed(0);
    int k = 0;
    long tag, c;
    for (long s = 1; flit_next_done(n) != LONG_MAX; s = s * 7 % 97 + 1) {
        long b = flit_next_done(n);
        ck_assert_int_eq(flit_run(n, flit_now(n) + s), ERR_OK);
        for (int first = 1; flit_pop_done(n, &tag, &c); first = 0) {
            if (first)
                ck_assert_int_le(b, c);
            lazy[k++] = (done_rec){tag, c};
        }
    }
    flit_free(n);
    ck_assert_int_eq(k, 300);
    for (int i = 0; i < 300; i++)
        ck_assert(lazy[i].tag == once[i].tag && lazy[i].cycle == once[i].cycle);
    /* the several-word allocator gives the same */
    n = mixed(1);
    ck_assert_int_eq(run_all(n, 0, words, 300), 300);
    flit_free(n);
    for (int i = 0; i < 300; i++)
        ck_assert(words[i].tag == once[i].tag && words[i].cycle == once[i].cycle);
}
END_TEST

/* When a lone message of FLITS flits from (0,0) to (4,2) has left its
   interface (*SENT) and arrived (*DONE), the interface injecting at RATE. */
static void sent_and_done(int flits, double rate, long *sent, long *done)
{
    flit_end e[2] = {{0, rate, 1, 0}, {14, 1, 1, 0}};
    flit_net *n = make(5, 3, 4, 16, 4, 1, 2, e);
    ck_assert_int_eq(flit_send(n, 10, 0, 1, flits, 16, 0), ERR_OK);
    long tag, c;
    *sent = *done = -1;
    while (flit_next_event(n) != LONG_MAX) {
        long b = flit_next_event(n);
        ck_assert_int_eq(flit_run(n, flit_now(n) + 1), ERR_OK);
        if (flit_pop_sent(n, &tag, &c)) {
            ck_assert_int_le(b, c);
            *sent = c;
        }
        if (flit_pop_done(n, &tag, &c)) {
            ck_assert_int_le(b, c);
            *done = c;
        }
    }
    flit_free(n);
}

/* A message has left when its last flit enters the network: one flit a
   cycle from its interface (19 cycles more for 20 flits than for 1, 39 for
   three packets of 40 back to back), and the last flit then takes as long
   to arrive as a lone packet's tail, whatever the message's length: the
   flits cannot overtake each other. At half a flit a cycle the bucket, full
   at 1.5 flits, sends a packet's first two flits back to back and then one
   every other cycle: 1 + 2 x 14 = 29 cycles more for 16 flits than for 1.
   The bound flit_next_event holds for both kinds of notice at every cycle. */
START_TEST(sent_notices)
{
    long s1, d1, s20, d20, s40, d40, h1, hd1, h16, hd16;
    sent_and_done(1, 1, &s1, &d1);
    sent_and_done(20, 1, &s20, &d20);
    sent_and_done(40, 1, &s40, &d40);
    ck_assert_int_eq(s20 - s1, 19);
    ck_assert_int_eq(s40 - s1, 39); /* three packets back to back: no bubble */
    ck_assert_int_ge(s1, 10);
    ck_assert_int_eq(d1 - s1, d20 - s20);
    ck_assert_int_eq(d40 - s40, d20 - s20);
    sent_and_done(1, 0.5, &h1, &hd1);
    sent_and_done(16, 0.5, &h16, &hd16);
    ck_assert_int_eq(h16 - h1, 29);
    ck_assert_int_ge(hd16, h16);
}
END_TEST

/* Sends made as a SimGrid actor would: run to each message's cycle, send. */
START_TEST(lazy_sends)
{
    static done_rec ahead[200], lazy[200];
    long at[200], tag, c;
    flit_end e[9];
    for (int i = 0; i < 9; i++)
        e[i] = (flit_end){i, 1, 1, 0};
    for (int pass = 0; pass < 2; pass++) {
        flit_net *n = make(3, 3, 2, 8, 4, 1, 9, e);
        int k = 0;
        for (int m = 0; m < 200; m++) {
            at[m] = m * 13 % 1500 + m / 2;
            if (pass == 0)
                ck_assert_int_eq(flit_send(n, at[m], m % 9, m * 5 % 9, 30 + m % 50, 8, m), ERR_OK);
        }
        if (pass == 0) {
            k = run_all(n, 0, ahead, 200);
        } else {
            /* in cycle order, each when its cycle comes */
            for (long t = 0; t <= 1600; t++) {
                ck_assert_int_eq(flit_run(n, t), ERR_OK);
                for (int m = 0; m < 200; m++)
                    if (at[m] == t)
                        ck_assert_int_eq(flit_send(n, t, m % 9, m * 5 % 9, 30 + m % 50, 8, m), ERR_OK);
                while (flit_pop_done(n, &tag, &c))
                    lazy[k++] = (done_rec){tag, c};
            }
            k += run_all(n, 0, lazy + k, 200 - k);
        }
        ck_assert_int_eq(k, 200);
        flit_free(n);
    }
    for (int i = 0; i < 200; i++)
        ck_assert(ahead[i].tag == lazy[i].tag && ahead[i].cycle == lazy[i].cycle);
}
END_TEST

/* Sizes past a word: 70 VCs, and 66 endpoints on one router. */
START_TEST(many_vcs_and_ports)
{
    long c[66];
    flit_end two[2] = {{0, 1, 1, 0}, {5, 1, 1, 0}};
    flit_net *n = make(3, 2, 70, 16, 4, 1, 2, two);
    ck_assert_int_eq(flit_send(n, 0, 0, 1, 20, 20, 0), ERR_OK);
    drain(n, c, 1);
    ck_assert_int_eq(c[0], 4 * 4 + 3 + 3 + 19);
    for (int m = 0; m < 30; m++)
        ck_assert_int_eq(flit_send(n, flit_now(n), m % 2, 1 - m % 2, 64, 8, m), ERR_OK);
    drain(n, c, 30);
    flit_free(n);
    static flit_end e[66];
    for (int i = 0; i < 66; i++)
        e[i] = (flit_end){i < 65 ? 0 : 3, 1, 1, 0};
    n = make(2, 2, 2, 8, 4, 1, 66, e);
    for (int s = 0; s < 65; s++)
        ck_assert_int_eq(flit_send(n, 0, s, 65, 16, 16, s), ERR_OK);
    drain(n, c, 65);
    /* 1040 flits through router 0's east output, the first ejected at 7 + 10:
       no sooner than 17 + 1039, and the VC turnarounds of 65 packets on 2 VCs
       cost a few per cent */
    long last = 0;
    for (int s = 0; s < 65; s++)
        last = c[s] > last ? c[s] : last;
    ck_assert_int_ge(last, 17 + 1039);
    ck_assert_int_le(last, (17 + 1039) * 11 / 10);
    flit_free(n);
}
END_TEST

/* FNV-1a over V's 8 bytes. */
static uint64_t hash_in(uint64_t h, long v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint64_t)(((unsigned long)v >> (8 * i)) & 0xff)) * 1099511628211ULL;
    return h;
}

/* Network ID of a mixed set (mesh, VCs, buffers, pipeline, channels, rates,
   shared and extra endpoints, link rates, packet sizes, the several-word
   allocator, stepping) and its traffic, run to its end; its every result
   hashed: notices of both kinds in order, the bounds asked between runs,
   link and port stats. */
static uint64_t golden_run(int id)
{
    static const int mesh[][2] = {{3, 3}, {4, 4}, {6, 6}, {5, 3}, {2, 1}, {8, 2}};
    static const int vcs[] = {1, 2, 4, 3}, bufs[] = {4, 16, 1, 6}, pfs[] = {4, 16, 40, 1};
    static const double rates[] = {0.5, 1, 2, 1.5};
    uint64_t z = 7919ULL * (uint64_t)id + 13, h = 14695981039346656037ULL;
#define RND(m) ((z = z * 6364136223846793005ULL + 1442695040888963407ULL), (unsigned)(z >> 33) % (m))
    int w = mesh[id % 6][0], ht = mesh[id % 6][1], R = w * ht;
    int extra = RND(2) ? 0 : (int)RND(5), E = R + extra;
    int nv = vcs[RND(4)], buf = bufs[RND(4)], rc = 1 + (int)RND(6), lc = RND(3) ? 1 : 1 + (int)RND(3);
    int pf = pfs[RND(4)], mode = id % 3;
    double rate = rates[RND(4)];
    flit_end ends[64];
    double lr[4 * 64];
    for (int i = 0; i < E; i++) {
        double ir = RND(5) ? rate : 0.3 + RND(20) * 0.1, er = RND(5) ? rate : 0.3 + RND(20) * 0.1;
        ends[i] = (flit_end){i < R ? i : (int)RND((unsigned)R), ir, er, RND(6) == 0};
    }
    for (int l = 0; l < 4 * R; l++)
        lr[l] = id % 4 == 3 && RND(3) == 0 ? 0.5 + RND(8) * 0.25 : 1;
    flit_config c = {w, ht, nv, buf, rc, lc, E, ends, lr};
    flit_net *n = NULL;
    if (flit_new(&c, &n))
        return 0;
    if (id % 7 == 5)
        flit_set_words(n);
    int nm = 30 + (int)RND(120);
    long at[150], fl[150];
    int src[150], dst[150], pk[150];
    for (int m = 0; m < nm; m++) {
        at[m] = RND(4) ? RND(1500) : RND(30);
        src[m] = (int)RND((unsigned)E);
        dst[m] = (int)RND((unsigned)E);
        fl[m] = RND(3) ? 1 + RND(120) : 1 + RND(8);
        pk[m] = RND(4) ? pf : 1 + (int)RND(45);
    }
    for (int i = 1; mode == 2 && i < nm; i++) /* sent lazily, in order */
        for (int j = i; j > 0 && at[j - 1] > at[j]; j--) {
            long a = at[j];
            at[j] = at[j - 1];
            at[j - 1] = a;
        }
    for (int m = 0; mode != 2 && m < nm; m++)
        flit_send(n, at[m], src[m], dst[m], fl[m], pk[m], m);
    long tag, cy;
    for (int sent = mode == 2 ? 0 : nm;;) {
        while (sent < nm && at[sent] <= flit_now(n)) {
            flit_send(n, flit_now(n), src[sent], dst[sent], fl[sent], pk[sent], sent);
            sent++;
        }
        long ne = flit_next_event(n);
        h = hash_in(hash_in(h, ne), flit_next_done(n));
        if (ne == LONG_MAX && sent == nm)
            break;
        long until = mode == 0 ? flit_now(n) + 100000 : mode == 1 ? ne + 1 : flit_now(n) + 1 + (long)RND(37);
        if (sent < nm && at[sent] < until)
            until = at[sent] > flit_now(n) ? at[sent] : flit_now(n) + 1;
        if (flit_run(n, until))
            return 1;
        while (flit_pop_sent(n, &tag, &cy))
            h = hash_in(hash_in(h, tag), cy);
        while (flit_pop_done(n, &tag, &cy))
            h = hash_in(hash_in(h, ~tag), cy);
    }
    for (int l = 0; l < 4 * R; l++) {
        long a, b;
        flit_link_stats(n, l, &a, &b);
        h = hash_in(hash_in(h, a), b);
    }
    for (int e = 0; e < E; e++) {
        long a, b;
        flit_port_stats(n, e, &a, &b);
        h = hash_in(hash_in(h, a), b);
    }
    h = hash_in(h, flit_now(n));
    flit_free(n);
#undef RND
    return h;
}

/* The engine was made several times faster without changing any result:
   these hashes were computed by it as it stood before (commit 46e8202),
   and the same networks must give them bit for bit. */
START_TEST(same_as_before)
{
    static const uint64_t want[24] = {
        0x059e84ee8affbcddULL,        0x2d755ec240efea7dULL,
        0x07bfc28361d9199cULL,        0x9a054fb810a3f879ULL,
        0xb992225ac39278d9ULL,        0x9a58b8717cd0eb49ULL,
        0x440f093c741fec4dULL,        0xcd9cf19a18bea5daULL,
        0xdb2f6ffa4e3dcb78ULL,        0x9ae662a32f9380f8ULL,
        0x90cd1acd1535bfcbULL,        0x975e9512260f4759ULL,
        0xcc2fa23dcd907c9aULL,        0x535186c24b42a45dULL,
        0xb9d849f73f40a2f3ULL,        0x8af66cf7c9df37aeULL,
        0xad644dd357c2ee5eULL,        0xd1a29ffeac8416b3ULL,
        0x56ca8bec7a33f206ULL,        0x99e57e471f330132ULL,
        0x0e2c0ef167d7e70eULL,        0xbea291affed7bea6ULL,
        0xc955567905acf719ULL,        0x3b6ea93bcbee70d9ULL,
    };
    for (int i = 0; i < 24; i++)
        ck_assert_msg(golden_run(i) == want[i], "network %d", i);
}
END_TEST

START_TEST(bad_input)
{
    flit_end e[2] = {{0, 1, 1, 0}, {1, 1, 1, 0}};
    flit_config ok = {2, 1, 2, 4, 4, 1, 2, e, NULL}, c;
    flit_net *n;
    ck_assert_int_eq(flit_new(NULL, &n), ERR_INPUT);
    c = ok, c.width = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    c = ok, c.vcs = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    c = ok, c.vc_buffer = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    c = ok, c.router_cycles = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    c = ok, c.link_cycles = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    c = ok, c.nends = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    flit_end bad[2] = {{2, 1, 1, 0}, {1, 0, 1, 0}};
    c = ok, c.ends = bad;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    bad[0].router = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT); /* rate 0 */
    bad[1].inject_rate = 1, bad[1].eject_rate = -1;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    /* a link rate: only the links that exist are read */
    double rates[8] = {0, 7, 7, 7, 7, 7, 7, 7};
    c = ok, c.link_rate = rates;
    ck_assert_int_eq(flit_new(&c, &n), ERR_INPUT);
    rates[0] = 0.5, rates[4] = 0;
    ck_assert_int_eq(flit_new(&c, &n), ERR_OK);
    ck_assert_int_eq(flit_send(n, -1, 0, 1, 1, 1, 0), ERR_INPUT);
    ck_assert_int_eq(flit_send(n, 0, 0, 2, 1, 1, 0), ERR_INPUT);
    ck_assert_int_eq(flit_send(n, 0, 0, 1, 0, 1, 0), ERR_INPUT);
    ck_assert_int_eq(flit_send(n, 0, 0, 1, 1, 0, 0), ERR_INPUT);
    ck_assert_int_eq(flit_next_done(n), LONG_MAX);
    ck_assert_int_eq(flit_run(n, 50), ERR_OK);
    ck_assert_int_eq(flit_now(n), 50);
    ck_assert_int_eq(flit_run(n, 49), ERR_INPUT);
    ck_assert_int_eq(flit_send(n, 49, 0, 1, 1, 1, 0), ERR_INPUT);
    /* a link of rate 0.5 east: 40 flits, one every other cycle */
    long d[1];
    ck_assert_int_eq(flit_send(n, 50, 0, 1, 40, 40, 0), ERR_OK);
    drain(n, d, 1);
    ck_assert_int_ge(d[0] - 50, 2 * 40);
    ck_assert_int_le(d[0] - 50, 2 * 40 + 12);
    flit_free(n);
    flit_free(NULL);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("flit");
    TCase *tc = tcase_create("flit");
    tcase_add_test(tc, zero_load_latency);
    tcase_add_test(tc, to_self_and_shared_router);
    tcase_add_test(tc, sharing_one_port);
    tcase_add_test(tc, slow_ejection_back_pressure);
    tcase_add_test(tc, head_of_line_blocking);
    tcase_add_test(tc, rates_and_shared_budget);
    tcase_add_test(tc, stepping_and_next_done);
    tcase_add_test(tc, sent_notices);
    tcase_add_test(tc, lazy_sends);
    tcase_add_test(tc, many_vcs_and_ports);
    tcase_add_test(tc, same_as_before);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return s;
}
