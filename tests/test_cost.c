/* test_cost.c - the per-layer cost model against figures worked out by hand.
 *
 * Layers and chiplets are built here field by field, so these tests depend on
 * nothing but cost.c. Every chiplet has a 512-byte L1 per PE (the platform
 * default), ideal L2 bandwidth unless a test says otherwise, and energy
 * constants of 1 (MAC), 2 (L1) and 20 (L2) pJ so that energies read as counts.
 * Elements are 1 byte unless a test says otherwise. */
#include "testutil.h"

#include "cost.h"

/* Exact: these figures are whole numbers or dyadic fractions. */
#define ck_exact(got, want) ck_assert_rel(got, want, 0.0)

static plat_chiplet chip(plat_dataflow df, long pes)
{
    return (plat_chiplet){.name = "c", .dataflow = df, .pes = pes, .l1_bytes = 512,
                          .l2_bytes = 10e6, .clock_hz = 500e6, .vector_per_cycle = 256,
                          .l2_bw = INFINITY, .pj_mac = 1, .pj_l1 = 2, .pj_l2 = 20};
}

static wl_layer conv(long k, long c, long rs, long hw, long pq, long stride, long groups)
{
    wl_layer l = {.kind = WL_CONV, .k = k, .c = c, .r = rs, .s = rs, .h = hw, .w = hw,
                  .p = pq, .q = pq, .stride = stride, .groups = groups};
    l.macs = (double)k * (double)(c / groups) * (double)(rs * rs) * (double)(pq * pq);
    l.weight_bytes = (double)k * (double)(c / groups) * (double)(rs * rs);
    l.in_bytes = (double)c * (double)(hw * hw);
    l.out_bytes = (double)k * (double)(pq * pq);
    return l;
}

static wl_layer matmul(long heads, long m, long kd, long n, wl_operand b)
{
    wl_layer l = {.kind = WL_MATMUL, .heads = heads, .m = m, .kd = kd, .n = n, .b = b};
    l.macs = (double)(heads * m) * (double)(kd * n);
    l.weight_bytes = b == WL_B_WEIGHT ? (double)(heads * kd * n) : 0;
    l.in_bytes = (double)(heads * m * kd) + (b == WL_B_WEIGHT ? 0 : (double)(heads * kd * n));
    l.out_bytes = (double)(heads * m * n);
    return l;
}

/* ResNet-50 */
static wl_layer conv1(void) { return conv(64, 3, 7, 224, 112, 2, 1); }     /* 7x7/2 */
static wl_layer conv3x3(void) { return conv(64, 64, 3, 56, 56, 1, 1); }   /* stage 1 */
static wl_layer conv1x1(void) { return conv(64, 256, 1, 56, 56, 1, 1); }  /* stage 1 reduce */
static wl_layer fc(void) { return matmul(1, 1, 2048, 1000, WL_B_WEIGHT); }
/* GPT-2 small, 128 tokens */
static wl_layer qkv(void) { return matmul(1, 128, 768, 2304, WL_B_WEIGHT); }
static wl_layer qkt(void) { return matmul(12, 128, 64, 128, WL_B_ACT); }
static wl_layer fc1(void) { return matmul(1, 128, 768, 3072, WL_B_WEIGHT); }

/* MACs: conv1 64*3*49*12544 = 118013952; 3x3 64*64*9*3136 = 115605504;
   1x1 64*256*3136 = 51380224; fc 2048000; qkv 128*768*2304 = 226492416;
   qkt 12*128*64*128 = 12582912; fc1 128*768*3072 = 301989888. */

static cost_t run(plat_dataflow df, long pes, wl_layer l, long batch)
{
    plat_chiplet c = chip(df, pes);
    cost_t o;
    cost_layer(&c, &l, 1, batch, &o);
    return o;
}

START_TEST(nvdla_resnet_at_4096)
{
    /* As the field reports: 3x3 and 1x1 at full utilisation, the 7x7 (C=3) at 3/64. */
    cost_t o = run(PLAT_NVDLA, 4096, conv1(), 1);
    /* ceil(64/64) * ceil(3/64) * 7*7 * 112*112 = 1 * 1 * 49 * 12544 */
    ck_exact(o.compute_cycles, 614656);
    ck_exact(o.cycles, 614656);
    /* 118013952 / (4096 * 614656) = (64*3*49*12544) / (64*64*49*12544) */
    ck_exact(o.utilization, 3.0 / 64);
    ck_exact(o.macs, 118013952);
    ck_assert_int_eq(o.spatial_x, 64);
    ck_assert_int_eq(o.spatial_y, 64);

    o = run(PLAT_NVDLA, 4096, conv3x3(), 1);
    /* 1 * ceil(64/64) * 3*3 * 56*56 = 28224 = 115605504 / 4096 */
    ck_exact(o.compute_cycles, 28224);
    ck_exact(o.utilization, 1);

    o = run(PLAT_NVDLA, 4096, conv1x1(), 1);
    /* ceil(64/64) * ceil(256/64) * 56*56 = 4 * 3136 = 51380224 / 4096 */
    ck_exact(o.compute_cycles, 12544);
    ck_exact(o.utilization, 1);

    o = run(PLAT_NVDLA, 4096, fc(), 1);
    /* ceil(1000/64) * ceil(2048/64) * 1 position = 16 * 32 */
    ck_exact(o.compute_cycles, 512);
    /* 2048000 / (4096 * 512) */
    ck_exact(o.utilization, 0.9765625);
}
END_TEST

START_TEST(nvdla_resnet_at_256)
{
    /* 4 clusters of 64 */
    cost_t o = run(PLAT_NVDLA, 256, conv1(), 1);
    /* ceil(64/4) * 1 * 49 * 12544 */
    ck_exact(o.compute_cycles, 9834496);
    ck_exact(o.utilization, 3.0 / 64);
    ck_assert_int_eq(o.spatial_y, 4);

    o = run(PLAT_NVDLA, 256, conv3x3(), 1);
    /* 16 * 1 * 9 * 3136 */
    ck_exact(o.compute_cycles, 451584);
    ck_exact(o.utilization, 1);

    o = run(PLAT_NVDLA, 256, fc(), 1);
    /* ceil(1000/4) * 32 = 250 * 32 */
    ck_exact(o.compute_cycles, 8000);
    ck_exact(o.utilization, 1);
}
END_TEST

START_TEST(nvdla_gpt2)
{
    cost_t o = run(PLAT_NVDLA, 4096, qkv(), 1);
    /* ceil(2304/64) * ceil(768/64) * 128 tokens = 36 * 12 * 128 */
    ck_exact(o.compute_cycles, 55296);
    ck_exact(o.utilization, 1);
    o = run(PLAT_NVDLA, 256, qkv(), 1);
    /* ceil(2304/4) * 12 * 128 = 576 * 1536 */
    ck_exact(o.compute_cycles, 884736);
    ck_exact(o.utilization, 1);

    o = run(PLAT_NVDLA, 4096, qkt(), 1);
    /* 12 heads one after another: 12 * ceil(128/64) * ceil(64/64) * 128 */
    ck_exact(o.compute_cycles, 3072);
    ck_exact(o.utilization, 1);
    o = run(PLAT_NVDLA, 256, qkt(), 1);
    /* 12 * ceil(128/4) * 1 * 128 */
    ck_exact(o.compute_cycles, 49152);

    o = run(PLAT_NVDLA, 4096, fc1(), 1);
    /* ceil(3072/64) * 12 * 128 = 48 * 1536 */
    ck_exact(o.compute_cycles, 73728);
    ck_exact(o.utilization, 1);
    o = run(PLAT_NVDLA, 256, fc1(), 1);
    /* 768 * 1536 */
    ck_exact(o.compute_cycles, 1179648);
}
END_TEST

START_TEST(nvdla_depthwise_uses_one_lane)
{
    /* 3x3 depthwise, 64 channels: clusters take whole groups, each with one
       input channel, so 1 of 64 lanes works. */
    wl_layer dw = conv(64, 64, 3, 56, 56, 1, 64);
    cost_t o = run(PLAT_NVDLA, 4096, dw, 1);
    /* 64 groups over 64 clusters: 1 * ceil(1/64) * 9 * 3136 */
    ck_exact(o.compute_cycles, 28224);
    /* 64*9*3136 / (4096 * 28224) */
    ck_exact(o.utilization, 1.0 / 64);
    o = run(PLAT_NVDLA, 256, dw, 1);
    /* ceil(64 groups / 4 clusters) * 9 * 3136 */
    ck_exact(o.compute_cycles, 451584);
    ck_exact(o.utilization, 1.0 / 64);
}
END_TEST

START_TEST(shidiannao_presets)
{
    cost_t o = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    /* ceil(56/512) * ceil(56/8) * K*C*R*S = 1 * 7 * 64*64*9 */
    ck_exact(o.compute_cycles, 258048);
    /* 115605504 / (4096 * 258048) = 7/64: 56 of 512 rows, 56 of 56 columns */
    ck_exact(o.utilization, 0.109375);
    ck_assert_int_eq(o.spatial_x, 8);
    ck_assert_int_eq(o.spatial_y, 512);

    o = run(PLAT_SHIDIANNAO, 4096, conv1(), 1);
    /* 1 * ceil(112/8) * 64*3*49 = 14 * 9408 */
    ck_exact(o.compute_cycles, 131712);
    ck_exact(o.utilization, 0.21875);
    o = run(PLAT_SHIDIANNAO, 256, conv1(), 1);
    /* ceil(112/32) * 14 * 9408 = 4 * 131712 */
    ck_exact(o.compute_cycles, 526848);
    ck_exact(o.utilization, 0.875);

    /* Matmuls: M positions 8 wide. */
    o = run(PLAT_SHIDIANNAO, 4096, qkv(), 1);
    /* ceil(ceil(128/8)/512) * 2304 * 768 */
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 1.0 / 32);
    o = run(PLAT_SHIDIANNAO, 256, qkv(), 1);
    /* ceil(16/32) = 1: same cycles, 16 times fewer PEs */
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 0.5);
    o = run(PLAT_SHIDIANNAO, 4096, qkt(), 1);
    /* per head 1 * 128 * 64, 12 heads */
    ck_exact(o.compute_cycles, 98304);
    ck_exact(o.utilization, 1.0 / 32);
    o = run(PLAT_SHIDIANNAO, 4096, fc1(), 1);
    /* 3072 * 768 */
    ck_exact(o.compute_cycles, 2359296);
    o = run(PLAT_SHIDIANNAO, 4096, fc(), 1);
    /* one token: 1000 * 2048, one PE busy */
    ck_exact(o.compute_cycles, 2048000);
    ck_exact(o.utilization, 1.0 / 4096);
}
END_TEST

START_TEST(eyeriss_presets)
{
    cost_t o = run(PLAT_EYERISS, 4096, conv3x3(), 1);
    /* PE set 3 filter rows x 56 output rows = 168 PEs; 4096/168 = 24 sets
       over K. Cycles: ceil(64/24) * C 64 * Q 56 * S 3 */
    ck_exact(o.compute_cycles, 32256);
    ck_exact(o.utilization, 0.875);
    ck_assert_int_eq(o.spatial_x, 168);
    ck_assert_int_eq(o.spatial_y, 24);

    o = run(PLAT_EYERISS, 256, conv3x3(), 1);
    /* one set of 3 x 56: 64 * 64 * 56 * 3 */
    ck_exact(o.compute_cycles, 688128);
    /* 168 of 256 PEs */
    ck_exact(o.utilization, 0.65625);

    o = run(PLAT_EYERISS, 4096, conv1(), 1);
    /* set 7 x 112 = 784, 5 sets over K: ceil(64/5) * C 3 * Q 112 * S 7 */
    ck_exact(o.compute_cycles, 30576);
    /* 118013952 / (4096 * 30576) = 49/52 */
    ck_assert_rel(o.utilization, 49.0 / 52, 1e-12);

    o = run(PLAT_EYERISS, 4096, qkv(), 1);
    /* 1 x 128 set, 32 sets over K: ceil(2304/32) * 768 */
    ck_exact(o.compute_cycles, 55296);
    ck_exact(o.utilization, 1);
    o = run(PLAT_EYERISS, 256, qkv(), 1);
    /* 2 sets: 1152 * 768 */
    ck_exact(o.compute_cycles, 884736);
    o = run(PLAT_EYERISS, 4096, qkt(), 1);
    /* 12 heads * ceil(128/32) * 64 */
    ck_exact(o.compute_cycles, 3072);
}
END_TEST

START_TEST(os_auto_tiles)
{
    /* The family of ShiDianNao: PEs own output positions, K C R S temporal;
       only the tile shape (x columns by the rows the PEs leave) is searched. */
    cost_t o = run(PLAT_OS_AUTO, 4096, conv3x3(), 1);
    /* x = 56 columns leaves 73 rows >= 56: all 3136 positions in one pass of
       K*C*R*S = 64*64*9 = 36864 cycles; 3136 of 4096 PEs busy */
    ck_exact(o.compute_cycles, 36864);
    ck_exact(o.utilization, 0.765625);
    ck_assert_int_eq(o.spatial_x, 56);
    ck_assert_int_eq(o.spatial_y, 56);

    o = run(PLAT_OS_AUTO, 4096, conv1(), 1);
    /* 112 x 112 outputs: x = 32 columns (128 rows) needs ceil(112/32) = 4
       passes, as do x = 64 and x = 112, the narrowest wins; each pass is
       K*C*R*S = 64*3*49 = 9408 cycles */
    ck_exact(o.compute_cycles, 37632);
    ck_exact(o.utilization, 0.765625);
    ck_assert_int_eq(o.spatial_x, 32);

    o = run(PLAT_OS_AUTO, 4096, qkv(), 1);
    /* 128 positions, one pass of 2304 * 768: 1/32 of the PEs, the asymmetry
       the field names (OS idles on matmuls over few tokens) */
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 0.03125);
    /* a batch of 32 sequences fills the array: 4096 positions */
    o = run(PLAT_OS_AUTO, 4096, qkv(), 32);
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 1);

    o = run(PLAT_OS_AUTO, 4096, fc(), 1);
    /* one position: 1000 * 2048 cycles on one PE */
    ck_exact(o.compute_cycles, 2048000);
    ck_exact(o.utilization, 1.0 / 4096);
}
END_TEST

START_TEST(ws_auto_tiles)
{
    cost_t o = run(PLAT_WS_AUTO, 4096, conv1(), 1);
    /* Clusters of 64 PEs reduce C 3 x S 7 x R 3 (63 used), 64 clusters take
       K: ceil(7/3) filter-row passes * 12544 positions */
    ck_exact(o.compute_cycles, 37632);
    /* 118013952 / (4096 * 37632) = 49/64 */
    ck_exact(o.utilization, 0.765625);
    ck_assert_int_eq(o.spatial_x, 64);
    ck_assert_int_eq(o.spatial_y, 64);

    o = run(PLAT_WS_AUTO, 4096, fc(), 1);
    /* 512-PE clusters over C, 8 over K: ceil(1000/8) * ceil(2048/512) */
    ck_exact(o.compute_cycles, 500);
    ck_exact(o.utilization, 1);
    ck_assert_int_eq(o.spatial_x, 512);

    /* 3x3, 64 channels at 256 PEs: clusters of x = 4 .. 64 PEs over C all
       take 16 * 9 * 3136 cycles; the least L2 traffic decides. Weights
       (36864) are read once by all; with 256/x clusters over K and 64/x
       tiles over C, inputs are read once per K tile and partial sums
       written once per C tile, each write but the first reading back:
         x    inputs           outputs                total - 36864
         4    1 * 200704       (2*16 - 1) * 200704    32 * 200704
         8    2 * 200704       (2*8 - 1) * 200704     17 * 200704
         16   4 * 200704       (2*4 - 1) * 200704     11 * 200704
         32   8 * 200704       (2*2 - 1) * 200704     11 * 200704
         64   16 * 200704      1 * 200704             17 * 200704
       16 and 32 tie; the first enumerated, 16, wins. */
    o = run(PLAT_WS_AUTO, 256, conv3x3(), 1);
    ck_exact(o.compute_cycles, 451584);
    ck_assert_int_eq(o.spatial_x, 16);
    ck_assert_int_eq(o.spatial_y, 16);
    ck_exact(o.l2_w, 36864);
    ck_exact(o.l2_i, 4 * 200704);
    ck_exact(o.l2_o, 7 * 200704);
}
END_TEST

START_TEST(auto_never_worse_than_preset)
{
    wl_layer ls[] = {conv1(), conv3x3(), conv1x1(), fc(), qkv(), qkt(), fc1(),
                     conv(64, 64, 3, 56, 56, 1, 64), conv(512, 512, 3, 7, 7, 1, 1)};
    long pes[] = {64, 256, 1000, 4096};
    long batch[] = {1, 8};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        for (size_t j = 0; j < sizeof pes / sizeof pes[0]; j++)
            for (size_t b = 0; b < 2; b++) {
                cost_t os = run(PLAT_OS_AUTO, pes[j], ls[i], batch[b]);
                cost_t sd = run(PLAT_SHIDIANNAO, pes[j], ls[i], batch[b]);
                cost_t ws = run(PLAT_WS_AUTO, pes[j], ls[i], batch[b]);
                cost_t nv = run(PLAT_NVDLA, pes[j], ls[i], batch[b]);
                ck_assert_msg(os.compute_cycles <= sd.compute_cycles, "layer %zu pes %ld", i, pes[j]);
                ck_assert_msg(ws.compute_cycles <= nv.compute_cycles, "layer %zu pes %ld", i, pes[j]);
                ck_assert(os.utilization <= 1 && ws.utilization <= 1);
                ck_assert((long)os.spatial_x * os.spatial_y <= pes[j]);
                ck_assert((long)ws.spatial_x * ws.spatial_y <= pes[j]);
            }
}
END_TEST

START_TEST(batch_reuses_weights)
{
    cost_t b1 = run(PLAT_NVDLA, 4096, conv3x3(), 1);
    cost_t b8 = run(PLAT_NVDLA, 4096, conv3x3(), 8);
    /* batch streams under the weight tile: 8 times the cycles... */
    ck_exact(b8.compute_cycles, 8 * 28224);
    ck_exact(b8.macs, 8 * b1.macs);
    /* ...and the weights 64*64*9 read from L2 once, not 8 times */
    ck_exact(b1.l2_w, 36864);
    ck_exact(b8.l2_w, 36864);
    /* inputs 64*56*56 and outputs 64*56*56 per image */
    ck_exact(b8.l2_i, 8 * 200704);
    ck_exact(b8.l2_o, 8 * 200704);

    b1 = run(PLAT_NVDLA, 4096, qkv(), 1);
    b8 = run(PLAT_NVDLA, 4096, qkv(), 8);
    /* 768 * 2304 weights once per batch */
    ck_exact(b1.l2_w, 1769472);
    ck_exact(b8.l2_w, 1769472);

    /* QK^T's B is each sample's keys: 12 heads * 64 * 128 per sample */
    b1 = run(PLAT_NVDLA, 4096, qkt(), 1);
    b8 = run(PLAT_NVDLA, 4096, qkt(), 8);
    ck_exact(b1.l2_w, 98304);
    ck_exact(b8.l2_w, 8 * 98304);
    ck_exact(b8.compute_cycles, 8 * 3072);

    /* Output-stationary stacks the 8 images' rows: 8 * 56 = 448 rows still
       fit 512 clusters, so the batch costs no extra cycles. */
    b1 = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    b8 = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 8);
    ck_exact(b8.compute_cycles, b1.compute_cycles);
    ck_exact(b8.utilization, 0.875);
}
END_TEST

START_TEST(nvdla_traffic)
{
    /* 3x3, 64 channels, 56x56 at 256 PEs (16 passes over K of 4 clusters).
       Each PE keeps its 3x3 weights (9 B), then a line buffer of 3 input
       rows of its channel, 3 * 56 = 168 B: inputs are read once per K pass,
       sliding down the rows. Partial sums finish inside the cluster. */
    cost_t o = run(PLAT_NVDLA, 256, conv3x3(), 1);
    ck_exact(o.l2_w, 64 * 64 * 9);
    ck_exact(o.l2_i, 16 * 64 * 56 * 56);
    ck_exact(o.l2_o, 64 * 56 * 56);

    /* With 8 KB of L1 a PE keeps its channel's whole 56x56 plane (3136 B):
       inputs are read once. */
    plat_chiplet c = chip(PLAT_NVDLA, 256);
    c.l1_bytes = 8192;
    wl_layer l = conv3x3();
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.l2_i, 64 * 56 * 56);
    ck_exact(o.compute_cycles, 451584);

    /* Without L1 a PE holds one weight, and the R, S loops under the
       positions fetch it again for every output: 36864 weights * 3136. */
    c = chip(PLAT_NVDLA, 4096);
    c.l1_bytes = 0;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.l2_w, 36864.0 * 3136);

    /* 1x1 C=256 K=64: 4 channel tiles, so partial sums are written 4 times
       and read back 3 times: (4 + 3) * 64 * 3136. */
    o = run(PLAT_NVDLA, 4096, conv1x1(), 1);
    ck_exact(o.l2_o, 7 * 200704);
    ck_exact(o.l2_w, 256 * 64);
    ck_exact(o.l2_i, 256 * 3136);

    /* 1x1/2 projection, 256 -> 512 channels, 56 -> 28: only every other row
       and column is read, 28 * 28 of 56 * 56, once per pass over 8 K tiles;
       ceil(512/64) * ceil(256/64) * 28 * 28 cycles. */
    o = run(PLAT_NVDLA, 4096, conv(512, 256, 1, 56, 28, 2, 1), 1);
    ck_exact(o.compute_cycles, 8 * 4 * 784);
    ck_exact(o.l2_i, 8 * 256 * 28 * 28);
}
END_TEST

START_TEST(shidiannao_traffic)
{
    /* 3x3, 64 channels, 56x56 at 4096 PEs: tiles of 8 columns x 56 rows.
       Outputs stay in their PE through C, R, S: written once. A PE cannot
       keep a C*R*S = 576-element input window in 512 B, only a 3-wide
       filter row's window (3 B): each of the 64 output channels reads
       again, for its 7 column tiles, 64 channels x 56 rows x (8 + 2 halo)
       columns: 64 * 64 * 56 * 70. Weights are broadcast, once per column
       tile: 7 * 36864. */
    cost_t o = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    ck_exact(o.l2_o, 200704);
    ck_exact(o.l2_i, 64.0 * 64 * 56 * 70);
    ck_exact(o.l2_w, 7 * 36864);
    /* every MAC reads a weight and an input; each output is written once */
    ck_exact(o.l1_w, 115605504);
    ck_exact(o.l1_i, 115605504);
    ck_exact(o.l1_o, 200704);

    /* With 600 B the output (a register) leaves the L1 to the input: the
       576-element window stays while the PE runs all 64 output channels, and
       slides along the row: the inputs are read once, 64 * 56 * 56. The
       weights still come once per column tile. */
    plat_chiplet c = chip(PLAT_SHIDIANNAO, 4096);
    c.l1_bytes = 600;
    wl_layer l = conv3x3();
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.l2_i, 200704);
    ck_exact(o.l2_w, 7 * 36864);
    ck_exact(o.l2_o, 200704);

    /* Without L1 each PE holds one input: every (k, c, r) reads again, but
       as s steps the 8 PEs of a row shift their inputs along, so a column
       tile reads 8 + 2 columns per row rather than 3 * 8:
       64 k * 64 c * (3 r * 56 rows) * (7 tiles * 10 columns). */
    c.l1_bytes = 0;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.l2_i, 64.0 * 64 * 168 * 70);
}
END_TEST

START_TEST(bandwidth_stalls)
{
    wl_layer l = conv3x3();
    plat_chiplet c = chip(PLAT_NVDLA, 4096);
    c.l2_bw = 8;
    cost_t o;
    cost_layer(&c, &l, 1, 1, &o);
    /* traffic 36864 + 200704 + 200704 = 438272 B at 8 B/cycle = 54784 */
    ck_exact(o.compute_cycles, 28224);
    ck_exact(o.cycles, 54784);
    /* 2-byte elements: the same elements (the L1 still holds the 18 B of
       weights and 336 B of line buffer), twice the bytes */
    cost_layer(&c, &l, 2, 1, &o);
    ck_exact(o.cycles, 109568);
    /* 438272 / 64 = 6848 cycles of traffic hide under 28224 of compute */
    c.l2_bw = 64;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.cycles, 28224);
}
END_TEST

START_TEST(vector_ops)
{
    /* softmax over 12 heads x 128 x 128 scores, batch 2 */
    wl_layer l = {.kind = WL_VECTOR, .op = WL_OP_SOFTMAX, .elems = 196608, .vec_ops = 196608,
                  .in_bytes = 196608, .out_bytes = 196608};
    plat_chiplet c = chip(PLAT_NVDLA, 4096);
    cost_t o;
    cost_layer(&c, &l, 1, 2, &o);
    /* 2 * 196608 / 256 per cycle */
    ck_exact(o.compute_cycles, 1536);
    ck_exact(o.cycles, 1536);
    ck_exact(o.utilization, 0);
    ck_exact(o.macs, 0);
    ck_assert_int_eq(o.spatial_x, 0);
    ck_assert_int_eq(o.spatial_y, 0);
    ck_exact(o.l2_i, 393216);
    ck_exact(o.l2_o, 393216);
    ck_exact(o.l2_w, 0);
    /* one pj_mac per operation, 20 pJ per L2 access */
    ck_exact(o.e_mac_pj, 393216);
    ck_exact(o.e_l2_pj, 20 * 786432);
    ck_exact(o.energy_pj, 393216 + 20 * 786432);

    /* 786432 B at 64 B/cycle: 12288 cycles, the L2 is the bound */
    c.l2_bw = 64;
    cost_layer(&c, &l, 1, 2, &o);
    ck_exact(o.cycles, 12288);

    /* ceil(1000 / 256) */
    l.vec_ops = 1000;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.compute_cycles, 4);
}
END_TEST

START_TEST(energy_is_the_sum_of_parts)
{
    /* nvdla, 3x3 at 4096: R, S innermost, so every MAC reads its weight and
       input from L1; a partial sum leaves the register once per R*S run:
       200704 updates, each written once. */
    cost_t o = run(PLAT_NVDLA, 4096, conv3x3(), 1);
    ck_exact(o.l1_w, 115605504);
    ck_exact(o.l1_i, 115605504);
    ck_exact(o.l1_o, 200704);
    ck_exact(o.e_mac_pj, 115605504);
    /* (2 * 115605504 + 200704) * 2 pJ */
    ck_exact(o.e_l1_pj, 462823424);
    /* 438272 * 20 pJ */
    ck_exact(o.e_l2_pj, 8765440);
    ck_exact(o.energy_pj, 115605504.0 + 462823424 + 8765440);

    /* every dataflow of the table, so that each has a mapping, onto at most its PEs */
    wl_layer ls[] = {conv1(), conv1x1(), qkt(), fc1()};
    for (int df = 0; df < PLAT_NDATAFLOW; df++)
        for (size_t j = 0; j < sizeof ls / sizeof ls[0]; j++) {
            o = run((plat_dataflow)df, 256, ls[j], 4);
            ck_assert(o.utilization > 0 && o.utilization <= 1);
            ck_assert_int_le(o.spatial_x * o.spatial_y, 256);
            ck_assert_rel(o.e_mac_pj, o.macs, 1e-12);
            ck_assert_rel(o.e_l1_pj, 2 * (o.l1_w + o.l1_i + o.l1_o), 1e-12);
            ck_assert_rel(o.e_l2_pj, 20 * (o.l2_w + o.l2_i + o.l2_o), 1e-12);
            ck_assert_rel(o.energy_pj, o.e_mac_pj + o.e_l1_pj + o.e_l2_pj, 1e-12);
            ck_assert_rel(o.utilization, o.macs / (256 * o.compute_cycles), 1e-12);
            /* weights and outputs cross L2 at least once */
            ck_assert(o.l2_w >= ls[j].weight_bytes);
            ck_assert(o.l2_o >= 4 * ls[j].out_bytes);
        }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cost");
    TCase *tc = tcase_create("cost");
    tcase_add_test(tc, nvdla_resnet_at_4096);
    tcase_add_test(tc, nvdla_resnet_at_256);
    tcase_add_test(tc, nvdla_gpt2);
    tcase_add_test(tc, nvdla_depthwise_uses_one_lane);
    tcase_add_test(tc, shidiannao_presets);
    tcase_add_test(tc, eyeriss_presets);
    tcase_add_test(tc, os_auto_tiles);
    tcase_add_test(tc, ws_auto_tiles);
    tcase_add_test(tc, auto_never_worse_than_preset);
    tcase_add_test(tc, batch_reuses_weights);
    tcase_add_test(tc, nvdla_traffic);
    tcase_add_test(tc, shidiannao_traffic);
    tcase_add_test(tc, bandwidth_stalls);
    tcase_add_test(tc, vector_ops);
    tcase_add_test(tc, energy_is_the_sum_of_parts);
    suite_add_tcase(s, tc);
    return s;
}
