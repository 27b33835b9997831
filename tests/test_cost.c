/* test_cost.c - the per-layer cost model against figures worked out by hand.
 *
 * Layers and chiplets are built here field by field, so these tests depend on
 * nothing but cost.c. Every chiplet has a 512-byte L1 per PE (the platform
 * default), ideal L2 bandwidth unless a test says otherwise, and energy
 * constants of 1 (MAC), 2 (L1) and 20 (L2) pJ so that energies read as counts.
 * Elements are 1 byte unless a test says otherwise. */
#include "testutil.h"

#include "cost.h"
#include "platform.h"

/* Exact: these figures are whole numbers or dyadic fractions. */
#define ck_exact(got, want) ck_assert_rel(got, want, 0.0)

/* A square PE count gets the square array plat_finish would give it. */
static plat_chiplet chip(plat_dataflow df, long pes)
{
    int side = (int)lround(sqrt((double)pes));
    if ((long)side * side != pes)
        side = 0;
    return (plat_chiplet){.name = "c", .dataflow = df, .pes = pes, .array_rows = side,
                          .array_cols = side, .l1_bytes = 512, .l2_bytes = 10e6,
                          .clock_hz = 500e6, .vector_per_cycle = 256, .l2_bw = INFINITY,
                          .pj_mac = 1, .pj_l1 = 2, .pj_l2 = 20};
}

enum { W = COST_WEIGHTS, I = COST_INPUTS, O = COST_OUTPUTS };

static double l1_total(const cost_t *o)
{
    double v = 0;
    for (int k = 0; k < COST_NTENSOR; k++)
        v += o->l1_reads[k] + o->l1_writes[k];
    return v;
}

static double l2_total(const cost_t *o)
{
    double v = 0;
    for (int k = 0; k < COST_NTENSOR; k++)
        v += o->l2_reads[k] + o->l2_writes[k];
    return v;
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

START_TEST(os_positions_tiles)
{
    /* The family of ShiDianNao: PEs own output positions, K C R S temporal;
       only the tile shape (x columns by the rows the PEs leave) is searched. */
    cost_t o = run(PLAT_OS_POSITIONS, 4096, conv3x3(), 1);
    /* x = 56 columns leaves 73 rows >= 56: all 3136 positions in one pass of
       K*C*R*S = 64*64*9 = 36864 cycles; 3136 of 4096 PEs busy */
    ck_exact(o.compute_cycles, 36864);
    ck_exact(o.utilization, 0.765625);
    ck_assert_int_eq(o.spatial_x, 56);
    ck_assert_int_eq(o.spatial_y, 56);

    o = run(PLAT_OS_POSITIONS, 4096, conv1(), 1);
    /* 112 x 112 outputs: x = 32 columns (128 rows) needs ceil(112/32) = 4
       passes, as do x = 64 and x = 112, the narrowest wins; each pass is
       K*C*R*S = 64*3*49 = 9408 cycles */
    ck_exact(o.compute_cycles, 37632);
    ck_exact(o.utilization, 0.765625);
    ck_assert_int_eq(o.spatial_x, 32);

    o = run(PLAT_OS_POSITIONS, 4096, qkv(), 1);
    /* 128 positions, one pass of 2304 * 768: 1/32 of the PEs, the asymmetry
       the field names (OS idles on matmuls over few tokens) */
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 0.03125);
    /* a batch of 32 sequences fills the array: 4096 positions */
    o = run(PLAT_OS_POSITIONS, 4096, qkv(), 32);
    ck_exact(o.compute_cycles, 1769472);
    ck_exact(o.utilization, 1);

    o = run(PLAT_OS_POSITIONS, 4096, fc(), 1);
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
    ck_exact(o.l2_reads[W], 36864);
    ck_exact(o.l2_reads[I], 4 * 200704);
    /* 4 writes per output; 3 partial sums read back and the output once */
    ck_exact(o.l2_writes[O], 4 * 200704);
    ck_exact(o.l2_reads[O], 4 * 200704);
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
    ck_exact(b1.l2_reads[W], 36864);
    ck_exact(b8.l2_reads[W], 36864);
    /* every image's outputs written once (one C tile): 8 * 64*56*56 */
    ck_exact(b8.l2_writes[O], 8 * 200704);

    b1 = run(PLAT_NVDLA, 4096, qkv(), 1);
    b8 = run(PLAT_NVDLA, 4096, qkv(), 8);
    /* 768 * 2304 weights once per batch */
    ck_exact(b1.l2_reads[W], 1769472);
    ck_exact(b8.l2_reads[W], 1769472);

    /* QK^T's B is each sample's keys: 12 heads * 64 * 128 per sample */
    b1 = run(PLAT_NVDLA, 4096, qkt(), 1);
    b8 = run(PLAT_NVDLA, 4096, qkt(), 8);
    ck_exact(b1.l2_reads[W], 98304);
    ck_exact(b8.l2_reads[W], 8 * 98304);
    ck_exact(b8.compute_cycles, 8 * 3072);

    /* Output-stationary stacks the 8 images' rows: 8 * 56 = 448 rows still
       fit 512 clusters, so the batch costs no extra cycles. */
    b1 = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    b8 = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 8);
    ck_exact(b8.compute_cycles, b1.compute_cycles);
    ck_exact(b8.utilization, 0.875);
}
END_TEST

/* MAESTRO's counts of Resnet50_kcp_ws.m (cost_maestro.c has the closed
   form), by hand. */
START_TEST(nvdla_maestro_counts)
{
    /* 3x3, 64 -> 64, 56x56 at 4096 PEs: 64 clusters over K (one fold), one
       C tile of 64. Inputs (MAESTRO's rows are the padded 58): the first
       window 64*3*3; each of the 55 new rows reloads 64*3*3; each of the
       56*55 column steps loads 64*3 (one new column of 3 rows):
         576 + 64 * (55*9 + 56*55*3) = 576 + 64 * 9735 = 623616. */
    cost_t o = run(PLAT_NVDLA, 4096, conv3x3(), 1);
    ck_exact(o.l2_reads[I], 623616);
    ck_exact(o.l2_reads[W], 36864);
    ck_exact(o.l2_writes[O], 200704);
    /* L2 is filled with the weights and the 64*58*58 padded inputs, and
       hands on the 64 * (58-3+1)^2 outputs */
    ck_exact(o.l2_writes[W], 36864);
    ck_exact(o.l2_writes[I], 215296);
    ck_exact(o.l2_reads[O], 200704);
    /* every MAC reads its three operands from L1 and writes the sum */
    ck_exact(o.l1_reads[W], 115605504);
    ck_exact(o.l1_reads[I], 115605504);
    ck_exact(o.l1_reads[O], 115605504);
    ck_exact(o.l1_writes[O], 115605504);
    ck_exact(o.l1_writes[W], 36864);
    ck_exact(o.l1_writes[I], 623616);

    /* 1x1, 256 -> 64 at 256 PEs: 4 clusters, 16 K folds, 4 C tiles. Every
       output once per C tile: 4 * 64*3136. Inputs: each K fold sweeps the
       3136 positions of every C tile (64 channels each), the first step of
       a K fold's first tile without a fetch:
         64 + 16*3*64 + 16*256*3135 = 12844096 */
    o = run(PLAT_NVDLA, 256, conv1x1(), 1);
    ck_exact(o.l2_writes[O], 4 * 200704);
    ck_exact(o.l2_reads[I], 12844096);
    ck_exact(o.l2_reads[W], 16384);

    /* GPT-2 QKV, 128 tokens at 4096: 36 K folds, 12 C tiles; inputs
       64 + 36*11*64 + 36*768*127 = 3536704; outputs 12 * 2304*128 */
    o = run(PLAT_NVDLA, 4096, qkv(), 1);
    ck_exact(o.l2_reads[I], 3536704);
    ck_exact(o.l2_writes[O], 3538944);
    ck_exact(o.l2_reads[O], 294912);
    ck_exact(o.l2_writes[I], 98304);

    /* 7x7/2 conv1: MAESTRO's output read is the unstrided (229-7+1)^2 */
    o = run(PLAT_NVDLA, 4096, conv1(), 1);
    ck_exact(o.l2_reads[O], 64.0 * 223 * 223);
    ck_exact(o.l2_writes[I], 3.0 * 229 * 229);
}
END_TEST

/* MAESTRO's counts of Resnet50_yxp_os.m, by hand. */
START_TEST(shidiannao_maestro_counts)
{
    /* 3x3, 64 -> 64, 56x56 at 4096 PEs: 512 clusters over the 56 rows (one
       fold, 56 active), 7 column tiles of 8 outputs (10 input columns).
       K and C run outside the tiles: each output is written back once per
       input channel, 64*64*3136; the weights are broadcast once per (k, c). */
    cost_t o = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    ck_exact(o.l2_writes[O], 12845056);
    ck_exact(o.l2_reads[W], 36864);
    /* Inputs: the very first tile, 56 clusters x 3 rows x 10 columns;
       each new c (64 * 63 of them) the first cluster's 3 rows and 1 new
       row for 54 others (MAESTRO counts none for the last) x 10; each of
       the 64*64*6 column steps 56 clusters x 3 rows x 8 new columns:
         1680 + 4032*570 + 24576*1344 = 35330064 */
    ck_exact(o.l2_reads[I], 35330064);
    ck_exact(o.l1_reads[I], 115605504);
    ck_exact(o.l1_writes[I], 35330064);
    ck_exact(o.l1_writes[W], 36864);

    /* GPT-2 QKV at 4096: 128 tokens are 16 rows of 8. Outputs once per
       input channel: 2304*768*128. Inputs: the first 16 rows x 8, then for
       each new c (2304*767) 15 rows x 8: 128 + 1767168*120 = 212060288. */
    o = run(PLAT_SHIDIANNAO, 4096, qkv(), 1);
    ck_exact(o.l2_writes[O], 226492416);
    ck_exact(o.l2_reads[I], 212060288);
    ck_exact(o.l2_reads[W], 1769472);
    ck_exact(o.l2_reads[O], 294912);
}
END_TEST

START_TEST(maestro_energy)
{
    /* nvdla, 3x3 at 4096 (counts above), 1, 2 and 20 pJ:
       L1 4 * 115605504 + 36864 + 623616 = 463082496 accesses,
       L2 36864 + 623616 + 200704 + 36864 + 215296 + 200704 = 1314048 */
    cost_t o = run(PLAT_NVDLA, 4096, conv3x3(), 1);
    ck_exact(o.e_mac_pj, 115605504);
    ck_exact(o.e_l1_pj, 2.0 * 463082496);
    ck_exact(o.e_l2_pj, 20.0 * 1314048);
    ck_exact(o.energy_pj, 115605504.0 + 926164992 + 26280960);
    /* shidiannao, same layer: L1 4 * 115605504 + 36864 + 35330064,
       L2 36864 + 35330064 + 200704 + 36864 + 215296 + 12845056 */
    o = run(PLAT_SHIDIANNAO, 4096, conv3x3(), 1);
    ck_exact(o.e_l1_pj, 2.0 * (4.0 * 115605504 + 36864 + 35330064));
    ck_exact(o.e_l2_pj, 20.0 * (36864.0 + 35330064 + 200704 + 36864 + 215296 + 12845056));
    /* with MAESTRO's constants (mac 0.23 pJ, L1 1.68 MACs, L2 18.61 MACs)
       the OS layer costs 2.02x the WS one:
       (115605504 + 1.68*497788944 + 18.61*48664848) / (115605504 +
       1.68*463082496 + 18.61*1314048) = 1857543751.2 / 918038530.56 */
    plat_chiplet c = chip(PLAT_SHIDIANNAO, 4096);
    c.pj_mac = 0.23, c.pj_l1 = 1.68 * 0.23, c.pj_l2 = 18.61 * 0.23;
    wl_layer l = conv3x3();
    cost_t os, ws;
    cost_layer(&c, &l, 1, 1, &os);
    c.dataflow = PLAT_NVDLA;
    cost_layer(&c, &l, 1, 1, &ws);
    ck_assert_rel(os.energy_pj / ws.energy_pj, 1857543751.2 / 918038530.56, 1e-9);
}
END_TEST

/* SCALE-Sim's folds: os takes T + R + C - 2 cycles a fold, ws and is
   2R + C + T - 2 (the stationary fold loads first). */
START_TEST(systolic_cycles)
{
    /* 3x3, 64 -> 64, 56x56 on 16 x 16: 3136 positions, windows of 576, 64
       filters. os: ceil(3136/16) * ceil(64/16) = 784 folds of 576 + 30 */
    cost_t o = run(PLAT_SYSTOLIC_OS, 256, conv3x3(), 1);
    ck_exact(o.compute_cycles, 784.0 * 606);
    ck_assert_int_eq(o.spatial_x, 16);
    ck_assert_int_eq(o.spatial_y, 16);
    /* ifmap 4 col folds * 576 * 3136, filter 196 row folds * 576 * 64 */
    ck_exact(o.l2_reads[I], 4.0 * 576 * 3136);
    ck_exact(o.l2_reads[W], 196.0 * 576 * 64);
    ck_exact(o.l2_writes[O], 200704);
    ck_exact(o.utilization, 115605504.0 / (256 * 475104));
    /* ws: ceil(576/16) * 4 = 144 folds of 32 + 16 + 3136 - 2 */
    o = run(PLAT_SYSTOLIC_WS, 256, conv3x3(), 1);
    ck_exact(o.compute_cycles, 144.0 * 3182);
    ck_exact(o.l2_reads[W], 36864);
    ck_exact(o.l2_reads[I], 4.0 * 3136 * 576);
    /* partial sums written once per row fold */
    ck_exact(o.l2_writes[O], 36.0 * 3136 * 64);
    /* is: 36 * ceil(3136/16) = 7056 folds of 32 + 16 + 64 - 2 */
    o = run(PLAT_SYSTOLIC_IS, 256, conv3x3(), 1);
    ck_exact(o.compute_cycles, 7056.0 * 110);
    ck_exact(o.l2_reads[I], 576.0 * 3136);
    ck_exact(o.l2_reads[W], 196.0 * 64 * 576);
    ck_exact(o.l2_writes[O], 36.0 * 64 * 3136);

    /* GPT-2 QKV on 128 x 128: 128 positions, 768-long windows, 2304 filters
       os: 1 * 18 folds of 768 + 254; ws: 6 * 18 of 256 + 128 + 128 - 2;
       is: 6 * 1 of 256 + 128 + 2304 - 2 */
    ck_exact(run(PLAT_SYSTOLIC_OS, 16384, qkv(), 1).compute_cycles, 18.0 * 1022);
    ck_exact(run(PLAT_SYSTOLIC_WS, 16384, qkv(), 1).compute_cycles, 108.0 * 510);
    ck_exact(run(PLAT_SYSTOLIC_IS, 16384, qkv(), 1).compute_cycles, 6.0 * 2686);
    /* 64 x 64, the 1x1 256 -> 64 layer: os 49 * 1 folds of 256 + 126 */
    ck_exact(run(PLAT_SYSTOLIC_OS, 4096, conv1x1(), 1).compute_cycles, 49.0 * 382);

    /* A small conv on 4 x 4: 3 filters of 2x2x2 over a 4x4 input, 3x3
       outputs. os: ceil(9/4) * 1 = 3 folds of 8 + 6; ws: 2 * 1 of
       8 + 4 + 9 - 2; is: 2 * 3 of 8 + 4 + 3 - 2 */
    wl_layer l = conv(3, 2, 2, 4, 3, 1, 1);
    ck_exact(run(PLAT_SYSTOLIC_OS, 16, l, 1).compute_cycles, 42);
    ck_exact(run(PLAT_SYSTOLIC_WS, 16, l, 1).compute_cycles, 38);
    ck_exact(run(PLAT_SYSTOLIC_IS, 16, l, 1).compute_cycles, 78);
    /* a 2 x 8 array: os ceil(9/2) * ceil(3/8) = 5 folds of 8 + 2 + 8 - 2 */
    plat_chiplet c = chip(PLAT_SYSTOLIC_OS, 16);
    c.array_rows = 2, c.array_cols = 8;
    cost_t r;
    cost_layer(&c, &l, 1, 1, &r);
    ck_exact(r.compute_cycles, 80);
    ck_assert_int_eq(r.spatial_x, 8);
    ck_assert_int_eq(r.spatial_y, 2);
    /* two images share the weights: 18 positions, os ceil(18/2) = 9 folds */
    cost_layer(&c, &l, 1, 2, &r);
    ck_exact(r.compute_cycles, 9.0 * 16);
}
END_TEST

START_TEST(os_auto_families)
{
    /* os-auto takes the better OS family per layer. GPT-2's QKV at 16384
       PEs: positions only run 128 tokens on 128 PEs (2304*768 cycles);
       systolic-os on 128 x 128 takes 18 folds of 1022. */
    cost_t pos = run(PLAT_OS_POSITIONS, 16384, qkv(), 1);
    cost_t sys = run(PLAT_SYSTOLIC_OS, 16384, qkv(), 1);
    cost_t best = run(PLAT_OS_AUTO, 16384, qkv(), 1);
    ck_exact(pos.compute_cycles, 1769472);
    ck_exact(best.compute_cycles, sys.compute_cycles);
    ck_exact(best.energy_pj, sys.energy_pj);
    /* ResNet's 3x3 at 4096: positions take 64*64*9 = 36864 cycles for all
       3136 positions; 64 x 64 systolic 49 folds of 576 + 126 = 34398 */
    best = run(PLAT_OS_AUTO, 4096, conv3x3(), 1);
    ck_exact(best.compute_cycles, 49.0 * 702);
    /* conv1 at 4096: positions 37632; systolic 196 folds of 147 + 126 */
    best = run(PLAT_OS_AUTO, 4096, conv1(), 1);
    ck_exact(best.compute_cycles, 37632);
    /* no square array (1000 PEs, no array key): positions only */
    ck_exact(run(PLAT_OS_AUTO, 1000, qkv(), 1).compute_cycles,
             run(PLAT_OS_POSITIONS, 1000, qkv(), 1).compute_cycles);
}
END_TEST

START_TEST(bandwidth_stalls)
{
    wl_layer l = conv3x3();
    plat_chiplet c = chip(PLAT_NVDLA, 4096);
    c.l2_bw = 8;
    cost_t o;
    cost_layer(&c, &l, 1, 1, &o);
    /* The stalls take the traffic of the reuse the 512 B L1 allows, not
       MAESTRO's counts: each PE keeps its 3x3 weights and a line buffer of
       3 input rows, so weights 36864, inputs 200704 and outputs 200704 cross
       the port: 438272 B at 8 B/cycle = 54784 */
    ck_exact(o.compute_cycles, 28224);
    ck_exact(o.cycles, 54784);
    ck_exact(o.utilization_pe, 1);
    ck_exact(o.utilization, 28224.0 / 54784);
    /* while the energy counts MAESTRO's 623616 input reads */
    ck_exact(o.l2_reads[I], 623616);
    /* 2-byte elements: the same elements (the L1 still holds the 18 B of
       weights and 336 B of line buffer), twice the bytes */
    cost_layer(&c, &l, 2, 1, &o);
    ck_exact(o.cycles, 109568);
    /* 438272 / 64 = 6848 cycles of traffic hide under 28224 of compute */
    c.l2_bw = 64;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.cycles, 28224);
    ck_exact(o.utilization, 1);

    /* A systolic array stalls on SCALE-Sim's SRAM traffic: systolic-ws on
       16 x 16 reads 36864 weights and 4 * 3136 * 576 inputs and writes
       36 * 3136 * 64 partial sums = 14487552 B; at 64 B/cycle 226368
       cycles, under its 458208 of compute; at 16 B/cycle 905472 */
    c = chip(PLAT_SYSTOLIC_WS, 256);
    c.l2_bw = 16;
    cost_layer(&c, &l, 1, 1, &o);
    ck_exact(o.compute_cycles, 458208);
    ck_exact(o.cycles, 905472);
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
    ck_exact(o.l2_reads[I], 393216);
    ck_exact(o.l2_writes[O], 393216);
    ck_exact(o.l2_reads[W], 0);
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
    /* every dataflow of the table, so that each has a pricing, onto at most its PEs */
    wl_layer ls[] = {conv1(), conv1x1(), qkt(), fc1()};
    for (int df = 0; df < PLAT_NDATAFLOW; df++)
        for (size_t j = 0; j < sizeof ls / sizeof ls[0]; j++) {
            cost_t o = run((plat_dataflow)df, 256, ls[j], 4);
            ck_assert(o.utilization > 0 && o.utilization <= o.utilization_pe &&
                      o.utilization_pe <= 1);
            ck_assert_int_le(o.spatial_x * o.spatial_y, 256);
            ck_assert_rel(o.e_mac_pj, o.macs, 1e-12);
            ck_assert_rel(o.e_l1_pj, 2 * l1_total(&o), 1e-12);
            ck_assert_rel(o.e_l2_pj, 20 * l2_total(&o), 1e-12);
            ck_assert_rel(o.energy_pj, o.e_mac_pj + o.e_l1_pj + o.e_l2_pj, 1e-12);
            ck_assert_rel(o.utilization_pe, o.macs / (256 * o.compute_cycles), 1e-12);
            /* L1 is read for each MAC's operands at least (MAESTRO counts a
               strided ShiDianNao tile's MACs by its input columns) */
            ck_assert(o.l1_reads[W] >= o.macs && o.l1_writes[O] >= o.macs);
            /* what L1 receives is what L2 sent */
            ck_exact(o.l1_writes[W], o.l2_reads[W]);
            ck_exact(o.l1_writes[I], o.l2_reads[I]);
            /* weights and outputs cross L2 at least once */
            ck_assert(o.l2_reads[W] >= ls[j].weight_bytes);
            ck_assert(o.l2_writes[W] >= ls[j].weight_bytes);
            ck_assert(o.l2_writes[O] >= 4 * ls[j].out_bytes);
        }
}
END_TEST

/* `array = RxC`: the PE array of a chiplet, for systolic dataflows. */
static int load_chiplet(const char *chiplet_keys, plat_t *p, err_t *e, char **path)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[package]\nname = t\nmesh = 1x1\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
             "energy_per_bit = 2pJ\n[chiplet a]\nat = 0,0\n%s[dram d]\nchiplet = a\n"
             "bandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 14.8pJ\n",
             chiplet_keys);
    *path = tu_write_tmp(text, ".ini");
    return plat_load(*path, p, e);
}

START_TEST(array_key)
{
    plat_t p;
    err_t e = {{0}};
    char *path;
    /* the chiplet's keys start at line 9 */
    ck_assert_int_eq(load_chiplet("dataflow = systolic-ws\narray = 32x128\n", &p, &e, &path), 0);
    ck_assert_int_eq(p.chiplets[0].array_rows, 32);
    ck_assert_int_eq(p.chiplets[0].array_cols, 128);
    ck_assert_int_eq(p.chiplets[0].pes, 4096);
    plat_free(&p);
    unlink(path), free(path);
    /* a square PE count is a square array */
    ck_assert_int_eq(load_chiplet("dataflow = systolic-os\npes = 256\n", &p, &e, &path), 0);
    ck_assert_int_eq(p.chiplets[0].array_rows, 16);
    ck_assert_int_eq(p.chiplets[0].array_cols, 16);
    plat_free(&p);
    unlink(path), free(path);
    static const struct {
        const char *keys;
        int line;
        const char *what;
    } bad[] = {
        {"dataflow = systolic-os\narray = 16\n", 10, "array must be RxC"},
        {"dataflow = systolic-os\narray = 0x16\n", 10, "array must be RxC"},
        {"dataflow = systolic-os\narray = 16xq\n", 10, "array must be RxC"},
        {"pes = 256\narray = 8x16\n", 10, "array 8x16 has 128 PEs, but pes = 256"},
        {"dataflow = systolic-is\npes = 1000\n", 7, "systolic-is needs a square PE count"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(load_chiplet(bad[i].keys, &p, &e, &path), ERR_INPUT);
        tu_assert_located(e.msg, path, bad[i].line, bad[i].what);
        unlink(path), free(path);
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
    tcase_add_test(tc, os_positions_tiles);
    tcase_add_test(tc, ws_auto_tiles);
    tcase_add_test(tc, auto_never_worse_than_preset);
    tcase_add_test(tc, batch_reuses_weights);
    tcase_add_test(tc, nvdla_maestro_counts);
    tcase_add_test(tc, shidiannao_maestro_counts);
    tcase_add_test(tc, maestro_energy);
    tcase_add_test(tc, systolic_cycles);
    tcase_add_test(tc, os_auto_families);
    tcase_add_test(tc, array_key);
    tcase_add_test(tc, bandwidth_stalls);
    tcase_add_test(tc, vector_ops);
    tcase_add_test(tc, energy_is_the_sum_of_parts);
    suite_add_tcase(s, tc);
    return s;
}
