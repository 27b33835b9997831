/* test_des.c - SimGrid runs of tiny schedules against timings worked out by hand.
 *
 * The closed forms take what the cost model says (the plan's cycles and
 * bytes) as given and check only the event arithmetic on top of it: a
 * transfer's bytes occupy its links for bytes / bandwidth from its start
 * and arrive a route latency (hops x 35 ns, + 200 ns to or from DRAM)
 * after the last byte left; concurrent flows share a link equally; a DRAM
 * channel is one link shared by reads and writes; mini-batches stream
 * through double buffers.
 *
 * Common package: 500 MHz chiplets, vector unit 256 elements per cycle,
 * ideal L2 bandwidth, NoP 35 ns per hop; DRAM channels 64 GB/s, 200 ns. */
#include "testutil.h"
#include "des.h"
#include "runner.h"
#include "plan.h"

#define NS 1e-9
#define DRAM_LAT (200 * NS)
#define DRAM_BW 64e9
#define HOP (35 * NS)
#define TIGHT 1e-9 /* relative: what "exact" means for sums of float times */

typedef struct {
    char *files[4];
    plat_t p;
    scn_t scn;
    sched_t s;
    plan_t pl;
    res_result r;
} fixture;

static const char *chiplet_defaults =
    "[defaults]\ndataflow = nvdla\npes = 4096\nclock = 500MHz\nvector_width = 256\n"
    "l2_bandwidth = ideal\nmac_energy = 0.23pJ\n";

/* PACKAGE: mesh, link bandwidth, chiplets and DRAM sections; WL: the layers
   of model "w", run as MODELS models x (and y) of batch BATCH; WINDOWS: the
   schedule's window sections. Loads everything and builds the plan. */
static void setup(fixture *f, const char *package, const char *wl, int models, int batch,
                  const char *windows)
{
    char buf[4096];
    err_t e;
    memset(f, 0, sizeof *f);
    snprintf(buf, sizeof buf, "[package]\nname = t\nhop_latency = 35ns\nenergy_per_bit = 2pJ\n%s%s",
             package, chiplet_defaults);
    f->files[0] = tu_write_tmp(buf, ".ini");
    snprintf(buf, sizeof buf, "[model]\nname = w\n[layers]\n%s", wl);
    f->files[1] = tu_write_tmp(buf, ".ini");
    int n = 0;
    for (int m = 0; m < models; m++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "[model %s]\nworkload = %s\nbatch = %d\n",
                      m ? "y" : "x", f->files[1], batch);
    f->files[2] = tu_write_tmp(buf, ".ini");
    snprintf(buf, sizeof buf, "[schedule]\nscenario = %s\n%s", f->files[2], windows);
    f->files[3] = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load(f->files[0], &f->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(f->files[3], &f->p, &f->scn, &f->s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(plan_build(&f->p, &f->scn, &f->s, &f->pl, &e) == ERR_OK, "%s", e.msg);
}

static void run(fixture *f, const eval_opts *o)
{
    err_t e;
    ck_assert_msg(runner_one(eval_find("simulate"), &f->p, &f->scn, &f->s, NULL, o, &f->r, &e) == ERR_OK, "%s", e.msg);
    ck_assert(f->r.simulated);
}

static void teardown(fixture *f)
{
    res_free(&f->r);
    plan_free(&f->pl);
    sched_free(&f->s);
    scn_free(&f->scn);
    plat_free(&f->p);
    for (int i = 0; i < 4; i++) {
        unlink(f->files[i]);
        free(f->files[i]);
    }
}

static double compute_s(const fixture *f, int seg)
{
    return f->pl.segs[seg].cycles / 500e6;
}

/* The bytes of segment SEG's only input edge / only output edge. */
static double in_bytes(const fixture *f, int seg)
{
    ck_assert_int_eq(f->pl.segs[seg].nin, 1);
    return f->pl.segs[seg].in[0].bytes;
}

static double out_bytes(const fixture *f, int seg)
{
    ck_assert_int_eq(f->pl.segs[seg].nout, 1);
    return f->pl.segs[seg].out[0].bytes;
}

static int find_link(const fixture *f, const char *name)
{
    for (int l = 0; l < f->p.nlinks; l++)
        if (strcmp(f->p.links[l].name, name) == 0)
            return l;
    ck_abort_msg("no link %s", name);
    return -1;
}

static const char *one_chiplet =
    "mesh = 1x1\nlink_bandwidth = 100GB/s\n[chiplet a]\nat = 0,0\n"
    "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 10pJ\n";

static const char *two_matmuls =
    "l0 = matmul m=64 k=64 n=64\nl1 = matmul m=64 k=64 n=64\n";

START_TEST(one_chiplet_only_dram)
{
    fixture f;
    setup(&f, one_chiplet, two_matmuls, 1, 2,
          "[window 1]\nx.minibatch = 2\nx.1 = l0 @ a\nx.2 = l1 @ a\n");
    /* One mini-batch. At t = 0 three DRAM reads start together: l0's input
       and both weight sets (resident). Each waits 200 ns, then they share
       the channel; the last of them ends when all their bytes went through:
       200 ns + (in + W0 + W1) / 64 GB/s - the input, the largest. Then l0
       computes, l1 (same chiplet: no transfer) computes, and l1's output
       goes back: 200 ns + out / 64 GB/s. */
    double in = in_bytes(&f, 0), w0 = f.pl.segs[0].weight_bytes, w1 = f.pl.segs[1].weight_bytes;
    double out = out_bytes(&f, 1);
    ck_assert(f.pl.segs[0].resident && f.pl.segs[1].resident);
    ck_assert(in >= w0 && in >= w1 && w0 > 0);
    ck_assert_int_eq(f.pl.segs[1].in[0].kind, PLAN_SEG);
    double read = DRAM_LAT + (in + w0 + w1) / DRAM_BW;
    double c0 = compute_s(&f, 0), c1 = compute_s(&f, 1);
    double want = read + c0 + c1 + DRAM_LAT + out / DRAM_BW;
    run(&f, NULL);
    ck_assert_rel(f.r.makespan_s, want, TIGHT);
    ck_assert_rel(f.r.window_s[0], want, TIGHT);
    ck_assert_rel(f.r.models[0].latency_s, want, TIGHT);
    ck_assert_int_eq(f.r.models[0].nminibatches, 1);
    ck_assert_rel(f.r.models[0].minibatch_done_s[0], want, TIGHT);
    ck_assert_rel(f.r.parts[0].end_s, want, TIGHT);
    /* waits: l0 blocks on its input until `read`; l1 on l0 until l0 is done;
       the weights were there before the inputs */
    ck_assert_rel(f.r.segs[0].wait_input_s, read, TIGHT);
    ck_assert_rel(f.r.segs[1].wait_input_s, read + c0, TIGHT);
    ck_assert(f.r.segs[0].wait_weight_s == 0 && f.r.segs[1].wait_weight_s == 0);
    ck_assert_rel(f.r.chiplets[0].wait_input_s, 2 * read + c0, TIGHT);
    /* latency per mini-batch: from the producer's (or the window's) start */
    ck_assert_rel(f.r.segs[0].latency_s, read + c0, TIGHT);
    ck_assert_rel(f.r.segs[1].latency_s, c1, TIGHT);
    ck_assert_rel(f.r.segs[0].compute_s, c0, TIGHT);
    ck_assert_rel(f.r.segs[0].in_comm_s, read, TIGHT);
    ck_assert_rel(f.r.segs[1].out_comm_s, DRAM_LAT + out / DRAM_BW, TIGHT);
    /* the DRAM channel carried every byte; it was busy while bytes flowed */
    int dl = nop_dram_link(&f.p, 0);
    double bytes = in + w0 + w1 + out;
    ck_assert_rel(f.r.links[dl].bytes, bytes, TIGHT);
    ck_assert_rel(f.r.links[dl].busy_s, bytes / DRAM_BW, TIGHT);
    ck_assert_rel(f.r.links[dl].utilization, bytes / DRAM_BW / want, TIGHT);
    ck_assert_int_eq(f.r.links[dl].peak_flows, 3);
    ck_assert_rel(f.r.chiplets[0].busy_s, c0 + c1, TIGHT);
    ck_assert_rel(f.r.e_dram_j, bytes * 8 * 10e-12, TIGHT);
    ck_assert(f.r.e_nop_j == 0);
    ck_assert_rel(f.r.e_mac_j, (f.pl.segs[0].e_mac_pj + f.pl.segs[1].e_mac_pj) * 1e-12, TIGHT);
    /* the load series holds the bytes: sum(load * bw * bucket) = bytes.
       (Each transfer's bytes are spread evenly over it, so a bucket where
       a short flow overlaps a long one may read above 1.) */
    const res_link *rl = &f.r.links[dl];
    ck_assert_int_eq(rl->nseries, 100);
    double sum = 0;
    for (int b = 0; b < rl->nseries; b++) {
        ck_assert(rl->series[b] >= 0);
        sum += rl->series[b] * DRAM_BW * rl->bucket_s;
    }
    ck_assert_rel(sum, bytes, 1e-9);
    teardown(&f);
}
END_TEST

/* Two chiplets in a row, each with its own DRAM channel, so that no two
   stages of the pipeline share a resource. */
static const char *two_chiplets_fmt =
    "mesh = 2x1\nlink_bandwidth = %s\n[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\n"
    "[dram da]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 10pJ\n"
    "[dram db]\nchiplet = b\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 10pJ\n";

static void two_chiplets(char *buf, size_t size, const char *bw)
{
    snprintf(buf, size, two_chiplets_fmt, bw);
}

/* A pipeline of identical mini-batches through stages that each own a
   resource (a link or a chiplet) - a flow shop: the first mini-batch takes
   the sum of the stages, each further one the longest time a stage holds
   its resource. Latencies delay but hold nothing: a link takes the next
   mini-batch's bytes while the last ones are still on their way. With
   n = 4: done(i) = sum + i * max. The stages: read from da (in/64 GB/s, or
   in/bw when a's ejection port, as wide as a link, is narrower; then
   200 ns), compute on a, a->b (bytes/bw, then 35 ns), compute on b, write
   to db (out/64 GB/s or out/bw, then 200 ns). Each stage owns its port. */
static void check_pipeline(const char *bw_text, double bw, const char *wl)
{
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, bw_text);
    setup(&f, pkg, wl, 1, 4, "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
    ck_assert(f.pl.segs[0].weight_bytes == 0 && f.pl.segs[1].weight_bytes == 0);
    ck_assert_int_eq(f.pl.segs[0].nminibatches, 4);
    double chan = fmin(DRAM_BW, bw); /* a channel's bytes pass the chiplet's port too */
    double st[5] = {in_bytes(&f, 0) / chan, compute_s(&f, 0), in_bytes(&f, 1) / bw,
                    compute_s(&f, 1), out_bytes(&f, 1) / chan};
    double sum = 2 * DRAM_LAT + HOP, max = 0;
    for (int k = 0; k < 5; k++) {
        sum += st[k];
        max = fmax(max, st[k]);
    }
    run(&f, NULL);
    ck_assert_rel(f.r.makespan_s, sum + 3 * max, TIGHT);
    ck_assert_int_eq(f.r.models[0].nminibatches, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(f.r.models[0].minibatch_done_s[i], sum + i * max, TIGHT);
    ck_assert_rel(f.r.models[0].throughput_per_s, 4 / (sum + 3 * max), TIGHT);
    /* a->b never waits for the link */
    ck_assert_rel(f.r.segs[1].in_comm_s, st[2] + HOP, TIGHT);
    int ab = find_link(&f, "x0y0->x1y0"), ba = find_link(&f, "x1y0->x0y0");
    ck_assert_rel(f.r.links[ab].bytes, 4 * in_bytes(&f, 1), TIGHT);
    ck_assert_rel(f.r.links[ab].busy_s, 4 * in_bytes(&f, 1) / bw, TIGHT);
    ck_assert_int_eq(f.r.links[ab].peak_flows, 1);
    ck_assert(f.r.links[ba].bytes == 0 && f.r.links[ba].busy_s == 0);
    ck_assert_rel(f.r.e_nop_j, 4 * in_bytes(&f, 1) * 8 * 2e-12, TIGHT);
    ck_assert_rel(f.r.chiplets[1].busy_s, 4 * st[3], TIGHT);
    teardown(&f);
}

START_TEST(pipeline_bound_by_the_link)
{
    /* relu over 65536 elements: 256 cycles, 512 ns per stage on a chiplet;
       a 10 GB/s link makes the hop (6553.6 ns) the slowest stage */
    check_pipeline("10GB/s", 10e9, "l0 = relu elems=65536\nl1 = relu elems=65536\n");
}
END_TEST

START_TEST(pipeline_bound_by_compute)
{
    /* gelu costs 8 operations per element: l0 takes 4096 ns, more than any transfer */
    check_pipeline("100GB/s", 100e9, "l0 = gelu elems=65536\nl1 = relu elems=65536\n");
}
END_TEST

/* The link-bound pipeline at the packet level: 32 B flits on 10 GB/s links
   make a 3.2 ns cycle, each 64 KiB transfer is 2048 flits, and a lone
   stream of packets keeps its link busy every cycle (4 VCs of 16 flits hide
   the credit loop), so the period of the pipeline is the slowest stage's
   2048 cycles = 6553.6 ns, as in the fluid model, and the makespan is the
   flow level's but for the latencies: the router model's few cycles a hop
   instead of 35 ns, the same 200 ns of each DRAM access. */
START_TEST(packet_level_pipeline_bound_by_the_link)
{
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "10GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\nl1 = relu elems=65536\n", 1, 4,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
    eval_opts o = {.nop = nop_level_find("packet")};
    run(&f, &o);
    ck_assert_str_eq(f.r.nop, "packet");
    double period = 2048 * 3.2e-9;
    for (int i = 1; i < 4; i++)
        ck_assert_rel(f.r.models[0].minibatch_done_s[i] - f.r.models[0].minibatch_done_s[i - 1],
                      period, 1e-6);
    /* five stages of 6553.6, 512, 6553.6, 512, 6553.6 ns, then 3 periods,
       2 x 200 ns of DRAM; the hops' latency: at most 64 cycles a transfer */
    double want = 3 * period + 2 * 512e-9 + 3 * period + 2 * DRAM_LAT;
    ck_assert(f.r.makespan_s >= want && f.r.makespan_s <= want + 3 * 64 * 3.2e-9);
    ck_assert_rel(f.r.links[find_link(&f, "x0y0->x1y0")].bytes, 4 * 65536.0, TIGHT);
    teardown(&f);
}
END_TEST

/* l0 on a feeds K one-layer segments on b: K flows leave a at the same
   time over the one link a->b. */
static double fan_out(int k)
{
    char pkg[1024], wl[512], win[512];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    int n = snprintf(wl, sizeof wl, "l0 = relu elems=65536\n");
    int m = snprintf(win, sizeof win, "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\n");
    for (int i = 1; i <= k; i++) {
        n += snprintf(wl + n, sizeof wl - (size_t)n, "l%d = relu elems=65536 in=l0\n", i);
        m += snprintf(win + m, sizeof win - (size_t)m, "x.%d = l%d @ b\n", i + 1, i);
    }
    setup(&f, pkg, wl, 1, 1, win);
    run(&f, NULL);
    double bytes = f.pl.segs[1].in[0].bytes;
    int ab = find_link(&f, "x0y0->x1y0");
    ck_assert_int_eq(f.r.links[ab].peak_flows, k);
    ck_assert_rel(f.r.links[ab].bytes, k * bytes, TIGHT);
    ck_assert_rel(f.r.links[ab].busy_s, k * bytes / 100e9, TIGHT);
    double t = f.r.segs[1].in_comm_s;
    for (int i = 2; i <= k; i++)
        ck_assert_rel(f.r.segs[i].in_comm_s, t, TIGHT);
    ck_assert_rel(t, HOP + k * bytes / 100e9, TIGHT);
    teardown(&f);
    return t - HOP; /* the time the bytes flowed */
}

START_TEST(equal_flows_share_a_link)
{
    double one = fan_out(1), three = fan_out(3);
    ck_assert_rel(three, 3 * one, TIGHT);
}
END_TEST

START_TEST(opposite_directions_do_not_interfere)
{
    /* x runs a -> b, y runs b -> a, at the same times: each hop takes
       35 ns + bytes / 100 GB/s as if alone */
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\nl1 = relu elems=65536\n", 2, 1,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1 @ b\n"
          "y.minibatch = 1\ny.1 = l0 @ b\ny.2 = l1 @ a\n");
    run(&f, NULL);
    double alone = HOP + in_bytes(&f, 1) / 100e9;
    ck_assert_rel(f.r.segs[1].in_comm_s, alone, TIGHT);
    ck_assert_rel(f.r.segs[3].in_comm_s, alone, TIGHT);
    int ab = find_link(&f, "x0y0->x1y0"), ba = find_link(&f, "x1y0->x0y0");
    ck_assert_int_eq(f.r.links[ab].peak_flows, 1);
    ck_assert_int_eq(f.r.links[ba].peak_flows, 1);
    ck_assert_rel(f.r.makespan_s, f.r.models[0].latency_s, TIGHT);
    ck_assert_rel(f.r.models[0].latency_s, f.r.models[1].latency_s, TIGHT);
    teardown(&f);
}
END_TEST

START_TEST(two_reads_split_a_dram_channel)
{
    /* One channel on a; x reads its input on a, y on b, one hop further.
       Both reads start at 0 and get half the channel each: both last bytes
       leave at 2B / 64 GB/s; x's arrive 200 ns later, y's 235 ns. */
    fixture f;
    setup(&f,
          "mesh = 2x1\nlink_bandwidth = 100GB/s\n[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\n"
          "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 10pJ\n",
          "l0 = relu elems=65536\n", 2, 1,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\ny.minibatch = 1\ny.1 = l0 @ b\n");
    double b = in_bytes(&f, 0);
    run(&f, NULL);
    ck_assert_rel(f.r.segs[0].in_comm_s, 2 * b / DRAM_BW + DRAM_LAT, TIGHT);
    ck_assert_rel(f.r.segs[1].in_comm_s, 2 * b / DRAM_BW + DRAM_LAT + HOP, TIGHT);
    /* the writes follow the same way, y's 35 ns after x's, while x's lasts
       longer than that: the channel carries 4B, busy 4B / 64 GB/s in all */
    ck_assert(b / DRAM_BW > HOP);
    const res_link *d = &f.r.links[nop_dram_link(&f.p, 0)];
    ck_assert_int_eq(d->peak_flows, 2);
    ck_assert_rel(d->bytes, 4 * b, TIGHT);
    ck_assert_rel(d->busy_s, 4 * b / DRAM_BW, TIGHT);
    teardown(&f);
}
END_TEST

START_TEST(a_shared_chiplet_halves_its_speed)
{
    /* x and y, one relu each, both on a with one DRAM channel: both reads
       share the channel (2B / 64 GB/s, + 200 ns), both computations share
       a (2c each), both writes share the channel again */
    fixture f;
    setup(&f, one_chiplet, "l0 = relu elems=65536\n", 2, 1,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\ny.minibatch = 1\ny.1 = l0 @ a\n");
    double b = in_bytes(&f, 0), c = compute_s(&f, 0);
    ck_assert_rel(out_bytes(&f, 0), b, TIGHT);
    run(&f, NULL);
    double want = 2 * (2 * b / DRAM_BW + DRAM_LAT) + 2 * c;
    ck_assert_rel(f.r.makespan_s, want, TIGHT);
    ck_assert_rel(f.r.segs[0].compute_s, 2 * c, TIGHT);
    ck_assert_rel(f.r.segs[1].compute_s, 2 * c, TIGHT);
    ck_assert_rel(f.r.chiplets[0].busy_s, 2 * c, TIGHT);
    ck_assert_rel(f.r.models[0].latency_s, want, TIGHT);
    ck_assert_rel(f.r.models[1].latency_s, want, TIGHT);
    teardown(&f);
}
END_TEST

START_TEST(windows_run_one_after_another)
{
    /* window 1: l0 on a, its output to DRAM (a's channel); window 2: l1 on b
       reads it from b's channel. One mini-batch each, so each window is
       read + compute + write. */
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\nl1 = relu elems=65536\n", 1, 1,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\n[window 2]\nx.minibatch = 1\nx.1 = l1 @ b\n");
    double w1 = 2 * DRAM_LAT + (in_bytes(&f, 0) + out_bytes(&f, 0)) / DRAM_BW + compute_s(&f, 0);
    double w2 = 2 * DRAM_LAT + (in_bytes(&f, 1) + out_bytes(&f, 1)) / DRAM_BW + compute_s(&f, 1);
    run(&f, NULL);
    ck_assert_rel(f.r.window_s[0], w1, TIGHT);
    ck_assert_rel(f.r.window_s[1], w2, TIGHT);
    ck_assert_rel(f.r.makespan_s, w1 + w2, TIGHT);
    ck_assert_rel(f.r.parts[1].start_s, w1, TIGHT);
    ck_assert_int_eq(f.r.models[0].nminibatches, 2);
    ck_assert_rel(f.r.models[0].minibatch_done_s[0], w1, TIGHT);
    ck_assert_rel(f.r.models[0].minibatch_done_s[1], w1 + w2, TIGHT);
    ck_assert_rel(f.r.models[0].latency_s, w1 + w2, TIGHT);
    teardown(&f);
}
END_TEST

START_TEST(streamed_weights_come_every_minibatch)
{
    /* an L2 of 8 KB cannot hold 4 KB of weights next to 2 x (4 + 4) KB of
       activations: the weights stream, once per mini-batch */
    fixture f;
    setup(&f,
          "mesh = 1x1\nlink_bandwidth = 100GB/s\n[chiplet a]\nat = 0,0\nl2 = 8KB\n"
          "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 10pJ\n",
          "l0 = matmul m=64 k=64 n=64\n", 1, 3, "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\n");
    ck_assert(!f.pl.segs[0].resident);
    double w = f.pl.segs[0].weight_bytes;
    run(&f, NULL);
    ck_assert(f.r.segs[0].weights_streamed);
    ck_assert_rel(f.r.segs[0].weight_bytes, w, TIGHT);
    double bytes = 3 * (w + in_bytes(&f, 0) + out_bytes(&f, 0));
    ck_assert_rel(f.r.links[nop_dram_link(&f.p, 0)].bytes, bytes, TIGHT);
    /* the first mini-batch's weights and input start together and share the
       channel; the weights, not larger, end no later than the input */
    ck_assert(f.r.segs[0].wait_input_s > 0);
    teardown(&f);
}
END_TEST

START_TEST(timeline_and_event_count)
{
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\nl1 = relu elems=65536\n", 1, 4,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
    long execs, transfers;
    des_count(&f.pl, &execs, &transfers);
    ck_assert_int_eq(execs, 8);
    ck_assert_int_eq(transfers, 12); /* per mini-batch: read, a->b, write */
    eval_opts o = {.timeline = 1, .series_buckets = 10};
    run(&f, &o);
    int computes = 0, hops = 0, layers = 0;
    for (int i = 0; i < f.r.nevents; i++) {
        const res_event *ev = &f.r.events[i];
        computes += ev->kind == RES_EV_COMPUTE;
        hops += ev->kind == RES_EV_TRANSFER;
        if (ev->kind == RES_EV_LAYER) {
            /* a one-layer segment: its layer's slice is the whole of it */
            const res_event *pa = &f.r.events[ev->parent];
            layers++;
            ck_assert_int_eq(pa->kind, RES_EV_COMPUTE);
            ck_assert(ev->start_s == pa->start_s && ev->dur_s == pa->dur_s);
            ck_assert_int_eq(ev->track, pa->track);
        }
        ck_assert(ev->dur_s > 0 && ev->start_s >= 0);
        ck_assert(ev->start_s + ev->dur_s <= f.r.makespan_s * (1 + 1e-12));
    }
    ck_assert_int_eq(computes, 8);
    ck_assert_int_eq(layers, 8);
    ck_assert_int_eq(hops, 36); /* every transfer here crosses two ports and one link */
    ck_assert_str_eq(f.r.events[0].name, "x/l0/mb0");
    ck_assert_int_eq(f.r.events[0].track, 0);
    ck_assert_int_eq(f.r.links[0].nseries, 10);
    teardown(&f);
}
END_TEST

/* A segment's slice split over its layers by their cycles: gelu costs 8
   vector operations an element and relu 1 (README, Workload), so on 256
   lanes 65536 elements take 2048 and 256 cycles: 8/9 and 1/9 of each
   mini-batch's compute, the gelu first. */
START_TEST(layer_slices_by_cycles)
{
    char pkg[1024];
    fixture f;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = gelu elems=65536\nl1 = relu elems=65536\n", 1, 2,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 .. l1 @ a\n");
    eval_opts o = {.timeline = 1};
    run(&f, &o);
    int layers = 0;
    for (int i = 0; i < f.r.nevents; i++) {
        const res_event *ev = &f.r.events[i];
        if (ev->kind != RES_EV_COMPUTE)
            continue;
        /* its two layers follow it */
        const res_event *g = &f.r.events[i + 1], *r = &f.r.events[i + 2];
        ck_assert(g->kind == RES_EV_LAYER && r->kind == RES_EV_LAYER);
        ck_assert(g->parent == i && r->parent == i);
        ck_assert_rel(ev->dur_s, 2304 / 500e6, 1e-9); /* 2048 + 256 cycles at 500 MHz */
        ck_assert_rel(g->dur_s, ev->dur_s * 8 / 9, 1e-12);
        ck_assert_rel(r->dur_s, ev->dur_s / 9, 1e-12);
        ck_assert(g->start_s == ev->start_s);
        ck_assert_rel(r->start_s, ev->start_s + ev->dur_s * 8 / 9, 1e-12);
        ck_assert_rel(r->start_s + r->dur_s, ev->start_s + ev->dur_s, 1e-12);
        ck_assert_str_eq(g->name, layers ? "x/l0/mb1" : "x/l0/mb0");
        layers += 2;
    }
    ck_assert_int_eq(layers, 4); /* batch 2 in mini-batches of 1 */
    teardown(&f);
}
END_TEST

START_TEST(same_inputs_same_result)
{
    char pkg[1024];
    fixture f, g;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    const char *wl =
        "l0 = gelu elems=65536\nl1 = relu elems=65536\nl2 = add elems=65536 in=l0,l1\n";
    const char *win = "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1..l2 @ b\n"
                      "y.minibatch = 2\ny.1 = l0..l1 @ b\ny.2 = l2 @ a\n";
    setup(&f, pkg, wl, 2, 4, win);
    setup(&g, pkg, wl, 2, 4, win);
    eval_opts o = {.timeline = 1};
    run(&f, &o);
    run(&g, &o);
    ck_assert(f.r.makespan_s == g.r.makespan_s && f.r.energy_j == g.r.energy_j);
    ck_assert(memcmp(f.r.segs, g.r.segs, (size_t)f.r.nsegs * sizeof *f.r.segs) == 0);
    ck_assert(memcmp(f.r.parts, g.r.parts, (size_t)f.r.nparts * sizeof *f.r.parts) == 0);
    ck_assert(memcmp(f.r.chiplets, g.r.chiplets, (size_t)f.r.nchiplets * sizeof *f.r.chiplets) ==
              0);
    for (int l = 0; l < f.r.nlinks; l++) {
        ck_assert(f.r.links[l].bytes == g.r.links[l].bytes);
        ck_assert(f.r.links[l].busy_s == g.r.links[l].busy_s);
        ck_assert(memcmp(f.r.links[l].series, g.r.links[l].series,
                         (size_t)f.r.links[l].nseries * sizeof(double)) == 0);
    }
    for (int m = 0; m < f.r.nmodels; m++)
        ck_assert(memcmp(f.r.models[m].minibatch_done_s, g.r.models[m].minibatch_done_s,
                         (size_t)f.r.models[m].nminibatches * sizeof(double)) == 0);
    ck_assert_int_eq(f.r.nevents, g.r.nevents);
    ck_assert(memcmp(f.r.events, g.r.events, (size_t)f.r.nevents * sizeof *f.r.events) == 0);
    teardown(&f);
    teardown(&g);
}
END_TEST

/* Appends ED to a plan segment's inputs or outputs (plan_free frees them). */
static void push(plan_edge **v, int *n, plan_edge ed)
{
    plan_edge *nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv);
    ck_assert_ptr_nonnull(nv);
    nv[(*n)++] = ed;
    *v = nv;
}

START_TEST(a_cycle_is_a_deadlock)
{
    /* plan_build never makes a cycle; the test adds l1 -> l0 to a pipeline
       l0 -> l1: each segment waits for the other's first mini-batch */
    char pkg[1024];
    fixture f;
    err_t e;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\nl1 = relu elems=65536\n", 1, 2,
          "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\nx.2 = l1 @ b\n");
    push(&f.pl.segs[0].in, &f.pl.segs[0].nin,
         (plan_edge){.kind = PLAN_SEG, .seg = 1, .dram = -1, .layer = 1, .bytes = 1024});
    push(&f.pl.segs[1].out, &f.pl.segs[1].nout,
         (plan_edge){.kind = PLAN_SEG, .seg = 0, .dram = -1, .layer = 1, .bytes = 1024});
    int rc = runner_one(eval_find("simulate"), &f.p, &f.scn, &f.s, &f.pl, NULL, &f.r, &e);
    ck_assert_int_eq(rc, ERR_INPUT);
    ck_assert_msg(strstr(e.msg, "deadlock") != NULL, "%s", e.msg);
    ck_assert_msg(strstr(e.msg, "x/l0") != NULL, "%s", e.msg);
    ck_assert(f.r.segs == NULL); /* nothing half-filled */
    teardown(&f);
}
END_TEST

START_TEST(a_crash_is_an_error)
{
    char pkg[1024];
    fixture f;
    err_t e;
    two_chiplets(pkg, sizeof pkg, "100GB/s");
    setup(&f, pkg, "l0 = relu elems=65536\n", 1, 1, "[window 1]\nx.minibatch = 1\nx.1 = l0 @ a\n");
    eval_opts o = {.fault = EVAL_FAULT_ABORT};
    int rc = runner_one(eval_find("simulate"), &f.p, &f.scn, &f.s, &f.pl, &o, &f.r, &e);
    ck_assert_int_eq(rc, ERR_INTERNAL);
    ck_assert_msg(strstr(e.msg, "crashed") != NULL, "%s", e.msg);
    ck_assert(f.r.segs == NULL);
    /* and the caller simulates on */
    run(&f, NULL);
    ck_assert(f.r.makespan_s > 0);
    teardown(&f);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("des");
    TCase *tc = tcase_create("des");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_chiplet_only_dram);
    tcase_add_test(tc, pipeline_bound_by_the_link);
    tcase_add_test(tc, packet_level_pipeline_bound_by_the_link);
    tcase_add_test(tc, pipeline_bound_by_compute);
    tcase_add_test(tc, equal_flows_share_a_link);
    tcase_add_test(tc, opposite_directions_do_not_interfere);
    tcase_add_test(tc, two_reads_split_a_dram_channel);
    tcase_add_test(tc, a_shared_chiplet_halves_its_speed);
    tcase_add_test(tc, windows_run_one_after_another);
    tcase_add_test(tc, streamed_weights_come_every_minibatch);
    tcase_add_test(tc, timeline_and_event_count);
    tcase_add_test(tc, layer_slices_by_cycles);
    tcase_add_test(tc, same_inputs_same_result);
    tcase_add_test(tc, a_cycle_is_a_deadlock);
    tcase_add_test(tc, a_crash_is_an_error);
    suite_add_tcase(s, tc);
    return s;
}
