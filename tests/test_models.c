/* test_models.c - the shipped GoogLeNet and U-Net layer lists add up to the
 * figures worked out by hand below (and to the published ones), their concats
 * carry the bytes of their inputs, and SCAR's Sc4 and Sc5 load. Run from the
 * repository root (reads workloads/). */
#include "testutil.h"
#include "scenario.h"
#include "workload.h"

/* MACs and parameters of the layers whose names start with PREFIX. */
static void sum_prefix(const wl_model *m, const char *prefix, double *macs, double *params)
{
    *macs = *params = 0;
    for (int i = 0; i < m->nlayers; i++)
        if (strncmp(m->layers[i].name, prefix, strlen(prefix)) == 0) {
            *macs += m->layers[i].macs;
            *params += m->layers[i].params;
        }
}

static int count_kind(const wl_model *m, wl_kind kind, wl_op op)
{
    int n = 0;
    for (int i = 0; i < m->nlayers; i++)
        n += m->layers[i].kind == kind && m->layers[i].op == op;
    return n;
}

/* ---- GoogLeNet ------------------------------------------------------------
 * An inception module with input c at h x h and branches b1 (1x1), b2r -> b2
 * (1x1 -> 3x3), b3r -> b3 (1x1 -> 5x5), pool -> b4 (1x1) has
 *   weights = c (b1 + b2r + b3r + b4) + 9 b2r b2 + 25 b3r b3,  MACs = weights h^2
 * (every conv is "same", so all its outputs are h x h):
 *
 *  mod  c    b1  b2r  b2 b3r  b3  b4   c(...)     9 b2r b2  25 b3r b3   weights    MACs
 *  3a  192   64   96 128  16  32  32   39,936    110,592   12,800     163,328 x784 128,049,152
 *  3b  256  128  128 192  32  96  64   90,112    221,184   76,800     388,096 x784 304,267,264
 *  4a  480  192   96 208  16  48  64  176,640    179,712   19,200     375,552 x196  73,608,192
 *  4b  512  160  112 224  24  64  64  184,320    225,792   38,400     448,512 x196  87,908,352
 *  4c  512  128  128 256  24  64  64  176,128    294,912   38,400     509,440 x196  99,850,240
 *  4d  512  112  144 288  32  64  64  180,224    373,248   51,200     604,672 x196 118,515,712
 *  4e  528  256  160 320  32 128 128  304,128    460,800  102,400     867,328 x196 169,996,288
 *  5a  832  256  160 320  32 128 128  479,232    460,800  102,400   1,042,432 x49   51,079,168
 *  5b  832  384  192 384  48 128 128  625,664    663,552  153,600   1,442,816 x49   70,697,984
 *  modules                                                          5,842,176   1,103,972,352
 *
 * These match the ops column of the paper's Table 1 (128M, 304M, 73M, 88M,
 * 100M, 119M, 170M, 54M, 71M); its params column is close in units of 1,024
 * (3a 159K, 3b 380K, 4b 437K) but not everywhere (4c 463K: its own shapes
 * give 509,440).
 * Stem: conv1 64x3x7x7 = 9,408 weights x 112^2 = 118,013,952 MACs; conv2 64x64
 * = 4,096 x 56^2 = 12,845,056; conv3 192x64x9 = 110,592 x 56^2 = 346,816,512;
 * 124,096 weights, 477,675,520 MACs. FC 1024 x 1000 = 1,024,000 MACs and
 * 1,024,000 + 1,000 bias parameters.
 * Total: 5,842,176 + 124,096 + 1,025,000 = 6,991,272 parameters (the often-quoted
 * 6.8M sums the paper's rounded table), 1,103,972,352 + 477,675,520 +
 * 1,024,000 = 1,582,671,872 MACs (the paper: 1.5 G multiply-adds).
 *
 * torchvision's b3 is 3x3: 16 b3r b3 fewer weights per module, 16 x (512 + 3,072
 * + 768 + 1,536 + 1,536 + 2,048 + 4,096 + 4,096 + 6,144) = 16 x 23,808 = 380,928
 * in all, so 6,610,344 weights; its batch norm is a scale and a shift per conv
 * output channel, 2 x 7,280 = 14,560 (stem 64 + 64 + 192 = 320; modules' b1 +
 * b2r + b2 + b3r + b3 + b4: 368 + 640 + 624 + 648 + 664 + 704 + 1,024 + 1,024 +
 * 1,264 = 6,960): 6,610,344 + 14,560 = 6,624,904, torchvision's published count.
 * Its MACs: 16 b3r b3 h^2 fewer; b3r b3 summed per size is 512 + 3,072 = 3,584
 * at 28, 768 + 1,536 + 1,536 + 2,048 + 4,096 = 9,984 at 14, 4,096 + 6,144 =
 * 10,240 at 7: 16 x (3,584 x 784 + 9,984 x 196 + 10,240 x 49) = 16 x (2,809,856
 * + 1,956,864 + 501,760) = 16 x 5,268,480 = 84,295,680, so 1,498,376,192.
 */

START_TEST(googlenet_macs_params)
{
    wl_model m;
    tu_load_model("workloads/googlenet.ini", &m);
    ck_assert_str_eq(m.name, "googlenet");
    ck_assert_double_eq(wl_total_macs(&m), 1582671872.0);
    ck_assert_double_eq(wl_total_params(&m), 6991272.0);
    /* 5 stem layers + 9 modules x 8 + pool3 + pool4 + avgpool + fc = 81; convs
       3 + 9 x 6 = 57 (the paper's 22 weighted layers deep, 57 + 1 in all) */
    ck_assert_int_eq(m.nlayers, 81);
    ck_assert_int_eq(count_kind(&m, WL_CONV, WL_OP_NONE), 57);
    ck_assert_int_eq(count_kind(&m, WL_MATMUL, WL_OP_NONE), 1);
    ck_assert_int_eq(count_kind(&m, WL_VECTOR, WL_OP_MAXPOOL), 4 + 9);
    ck_assert_int_eq(count_kind(&m, WL_VECTOR, WL_OP_RELU), 9);
    ck_assert_double_eq(m.input_bytes, 224.0 * 224 * 3);

    /* per module, against the table above */
    static const struct {
        const char *prefix;
        double weights, macs;
    } mods[] = {{"i3a.", 163328, 128049152},   {"i3b.", 388096, 304267264},
                {"i4a.", 375552, 73608192},    {"i4b.", 448512, 87908352},
                {"i4c.", 509440, 99850240},    {"i4d.", 604672, 118515712},
                {"i4e.", 867328, 169996288},   {"i5a.", 1042432, 51079168},
                {"i5b.", 1442816, 70697984}};
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        double macs, params;
        sum_prefix(&m, mods[i].prefix, &macs, &params);
        ck_assert_msg(params == mods[i].weights && macs == mods[i].macs,
                      "%s: %.0f weights, %.0f MACs", mods[i].prefix, params, macs);
    }
    ck_assert_double_eq(tu_layer(&m, "conv1")->macs, 118013952.0);
    ck_assert_double_eq(tu_layer(&m, "conv3")->macs, 346816512.0);
    ck_assert_double_eq(tu_layer(&m, "fc")->params, 1025000.0);

    /* torchvision's variant: every b3 a 3x3 ("same": pad 1) */
    double bn = 0;
    for (int i = 0; i < m.nlayers; i++) {
        wl_layer *l = &m.layers[i];
        size_t n = strlen(l->name);
        if (n > 3 && strcmp(l->name + n - 3, ".b3") == 0) {
            ck_assert_int_eq(l->r, 5);
            ck_assert_int_eq(l->pad, 2);
            l->r = l->s = 3;
            l->pad = 1;
        }
        if (l->kind == WL_CONV)
            bn += 2.0 * (double)l->k;
    }
    err_t e = {{0}};
    ck_assert_int_eq(wl_finish(&m, &e), ERR_OK);
    ck_assert_double_eq(wl_total_params(&m), 6610344.0);
    ck_assert_double_eq(bn, 14560.0);
    ck_assert_double_eq(wl_total_params(&m) + bn, 6624904.0);
    ck_assert_double_eq(wl_total_macs(&m), 1498376192.0);
    wl_free(&m);
}
END_TEST

START_TEST(googlenet_shapes)
{
    wl_model m;
    tu_load_model("workloads/googlenet.ini", &m);
    /* torchvision's ceil_mode pools, written with pad 1: (112 + 2 - 3) / 2 + 1
       = 56, (56 + 2 - 3) / 2 + 1 = 28, (28 + 2 - 3) / 2 + 1 = 14; maxpool4 is
       2x2/2: (14 - 2) / 2 + 1 = 7 */
    ck_assert_int_eq(tu_layer(&m, "conv1")->p, 112);
    ck_assert_int_eq(tu_layer(&m, "pool1")->p, 56);
    ck_assert_int_eq(tu_layer(&m, "pool2")->p, 28);
    ck_assert_int_eq(tu_layer(&m, "pool3")->p, 14);
    ck_assert_int_eq(tu_layer(&m, "pool4")->p, 7);
    ck_assert_int_eq(tu_layer(&m, "pool")->p, 1);
    ck_assert_int_eq(tu_layer(&m, "pool")->c, 1024);

    /* inception 4a on pool3's 14x14x480: 192 + 208 + 48 + 64 = 512 channels */
    int pool3 = wl_find(&m, "pool3");
    static const struct {
        const char *name;
        long k, c, r, pad;
        const char *reads;
    } b[] = {{"i4a.b1", 192, 480, 1, 0, "pool3"},   {"i4a.b2r", 96, 480, 1, 0, "pool3"},
             {"i4a.b2", 208, 96, 3, 1, "i4a.b2r"},  {"i4a.b3r", 16, 480, 1, 0, "pool3"},
             {"i4a.b3", 48, 16, 5, 2, "i4a.b3r"},   {"i4a.pool", 480, 480, 3, 1, "pool3"},
             {"i4a.b4", 64, 480, 1, 0, "i4a.pool"}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        const wl_layer *l = tu_layer(&m, b[i].name);
        ck_assert_msg(l->k == b[i].k && l->c == b[i].c && l->r == b[i].r && l->s == b[i].r &&
                          l->pad == b[i].pad && l->stride == 1 && l->h == 14 && l->p == 14 &&
                          l->q == 14,
                      "%s: k%ld c%ld r%ld pad %ld p%ld", b[i].name, l->k, l->c, l->r, l->pad,
                      l->p);
        ck_assert_int_eq(l->ninputs, 1);
        ck_assert_int_eq(l->inputs[0], wl_find(&m, b[i].reads));
    }
    ck_assert_int_eq(tu_layer(&m, "i4a.pool")->inputs[0], pool3);
    const wl_layer *cat = tu_layer(&m, "i4a.cat");
    ck_assert_int_eq(cat->elems, 512L * 14 * 14);
    ck_assert_int_eq(cat->ninputs, 4);
    ck_assert_int_eq(cat->inputs[0], wl_find(&m, "i4a.b1"));
    ck_assert_int_eq(cat->inputs[3], wl_find(&m, "i4a.b4"));
    ck_assert_int_eq(tu_layer(&m, "i4b.b1")->inputs[0], wl_find(&m, "i4a.cat"));
    ck_assert_int_eq(tu_layer(&m, "i4b.b1")->c, 512);
    wl_free(&m);
}
END_TEST

/* Every concat of GoogLeNet keeps all it reads: its elements are the sum of
   its 4 branches' outputs, and the layers after it read that many channels. */
START_TEST(googlenet_concats)
{
    wl_model m;
    tu_load_model("workloads/googlenet.ini", &m);
    int cats = 0;
    for (int i = 0; i < m.nlayers; i++) {
        const wl_layer *l = &m.layers[i];
        if (l->op != WL_OP_RELU)
            continue;
        cats++;
        ck_assert_int_eq(l->ninputs, 4);
        double sum = 0;
        long ch = 0;
        for (int j = 0; j < 4; j++) {
            const wl_layer *br = &m.layers[l->inputs[j]];
            ck_assert_int_eq(br->kind, WL_CONV);
            ck_assert_int_eq(br->p, l->h);
            sum += br->out_bytes;
            ch += br->k;
        }
        ck_assert_double_eq(l->in_bytes, sum);
        ck_assert_double_eq(l->out_bytes, sum);
        ck_assert_int_eq(ch, l->c);
        ck_assert_double_eq((double)l->elems * m.elem_bytes, sum);
        /* the next layer (a module's b1, pool3, pool4 or the avgpool) reads it */
        const wl_layer *next = &m.layers[i + 1];
        ck_assert_int_eq(next->inputs[0], i);
        ck_assert_int_eq(next->c, l->c);
    }
    ck_assert_int_eq(cats, 9);
    wl_free(&m);
}
END_TEST

/* ---- U-Net ----------------------------------------------------------------
 * Valid 3x3 convs (each loses 2 rows and columns), 2x2/2 pools:
 *   572 -> 570 -> 568 | 284 -> 282 -> 280 | 140 -> 138 -> 136 | 68 -> 66 -> 64 |
 *   32 -> 30 -> 28 (bottom, 1024 channels); up: 28 -> 56 -> 54 -> 52 | 104 -> 102
 *   -> 100 | 200 -> 198 -> 196 | 392 -> 390 -> 388 -> 1x1 conv: 388x388x2.
 * Parameters, c k 9 + k per 3x3 conv (c k 4 per up-conv, its bias folded):
 *   d1 640 + 36,928; d2 73,856 + 147,584; d3 295,168 + 590,080;
 *   d4 1,180,160 + 2,359,808; bottom 4,719,616 + 9,438,208: encoder 18,842,048
 *   u4 2,097,152 + 4,719,104 + 2,359,808 = 9,176,064; u3 524,288 + 1,179,904 +
 *   590,080 = 2,294,272; u2 131,072 + 295,040 + 147,584 = 573,696; u1 32,768 +
 *   73,792 + 36,928 = 143,488; out 64 x 2 + 2 = 130: decoder 12,187,650
 *   total 31,029,698; with the 512 + 256 + 128 + 64 = 960 up-conv biases the
 *   paper's network has 31,030,658 (the usual "31.0 M").
 * MACs, weights x output pixels:
 *   d1  576 x 570^2 (324,900) = 187,142,400;  36,864 x 568^2 (322,624) = 11,893,211,136
 *   d2  73,728 x 282^2 (79,524) = 5,863,145,472; 147,456 x 280^2 (78,400) = 11,560,550,400
 *   d3  294,912 x 138^2 (19,044) = 5,616,304,128; 589,824 x 136^2 (18,496) = 10,909,384,704
 *   d4  1,179,648 x 66^2 (4,356) = 5,138,546,688; 2,359,296 x 64^2 = 9,663,676,416
 *   bottom 4,718,592 x 30^2 = 4,246,732,800; 9,437,184 x 28^2 = 7,398,752,256
 *   encoder 12,080,353,536 + 17,423,695,872 + 16,525,688,832 + 14,802,223,104 +
 *     11,645,485,056 = 72,477,446,400
 *   u4  up 2,097,152 x 28^2 = 1,644,167,168; 4,718,592 x 54^2 (2,916) =
 *       13,759,414,272; 2,359,296 x 52^2 (2,704) = 6,379,536,384: 21,783,117,824
 *   u3  up 524,288 x 52^2 = 1,417,674,752; 1,179,648 x 102^2 (10,404) =
 *       12,273,057,792; 589,824 x 100^2 = 5,898,240,000: 19,588,972,544
 *   u2  up 131,072 x 100^2 = 1,310,720,000; 294,912 x 198^2 (39,204) =
 *       11,561,730,048; 147,456 x 196^2 (38,416) = 5,664,669,696: 18,537,119,744
 *   u1  up 32,768 x 196^2 = 1,258,815,488; 73,728 x 390^2 (152,100) =
 *       11,214,028,800; 36,864 x 388^2 (150,544) = 5,549,654,016: 18,022,498,304
 *   out 128 x 150,544 = 19,269,632: decoder 77,950,978,048
 *   total 150,428,424,448 MACs per 572x572 tile. */

START_TEST(unet_macs_params)
{
    wl_model m;
    tu_load_model("workloads/unet.ini", &m);
    ck_assert_str_eq(m.name, "unet");
    ck_assert_double_eq(wl_total_macs(&m), 150428424448.0);
    ck_assert_double_eq(wl_total_params(&m), 31029698.0);
    double macs, params;
    sum_prefix(&m, "d", &macs, &params);
    double mid_macs, mid_params;
    sum_prefix(&m, "mid.", &mid_macs, &mid_params);
    ck_assert_double_eq(macs + mid_macs, 72477446400.0);
    ck_assert_double_eq(params + mid_params, 18842048.0);
    static const struct {
        const char *prefix;
        double params, macs;
    } up[] = {{"u4.", 9176064, 21783117824.0},
              {"u3.", 2294272, 19588972544.0},
              {"u2.", 573696, 18537119744.0},
              {"u1.", 143488, 18022498304.0}};
    for (int i = 0; i < 4; i++) {
        sum_prefix(&m, up[i].prefix, &macs, &params);
        ck_assert_msg(params == up[i].params && macs == up[i].macs, "%s: %.0f, %.0f",
                      up[i].prefix, params, macs);
    }
    /* 23 convs (10 down, 4 up-convs, 8 up, 1 out), 4 pools, 4 concats */
    ck_assert_int_eq(m.nlayers, 31);
    ck_assert_int_eq(count_kind(&m, WL_CONV, WL_OP_NONE), 23);
    ck_assert_int_eq(count_kind(&m, WL_VECTOR, WL_OP_MAXPOOL), 4);
    ck_assert_int_eq(count_kind(&m, WL_VECTOR, WL_OP_RELU), 4);
    ck_assert_double_eq(m.input_bytes, 572.0 * 572);
    const wl_layer *out = &m.layers[m.nlayers - 1];
    ck_assert_str_eq(out->name, "out");
    ck_assert_int_eq(out->k, 2);
    ck_assert_int_eq(out->p, 388);
    ck_assert_int_eq(out->q, 388);
    ck_assert_double_eq(out->out_bytes, 388.0 * 388 * 2);
    wl_free(&m);
}
END_TEST

START_TEST(unet_shapes)
{
    wl_model m;
    tu_load_model("workloads/unet.ini", &m);
    /* the encoder maps the skips take, and the pools after them */
    static const struct {
        const char *conv, *pool;
        long k, p;
    } enc[] = {{"d1.c2", "d1.pool", 64, 568},
               {"d2.c2", "d2.pool", 128, 280},
               {"d3.c2", "d3.pool", 256, 136},
               {"d4.c2", "d4.pool", 512, 64}};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(tu_layer(&m, enc[i].conv)->k, enc[i].k);
        ck_assert_int_eq(tu_layer(&m, enc[i].conv)->p, enc[i].p);
        ck_assert_int_eq(tu_layer(&m, enc[i].conv)->pad, 0);
        ck_assert_int_eq(tu_layer(&m, enc[i].pool)->p, enc[i].p / 2);
    }
    /* the bottom: 32x32x512 -> 30x30x1024 -> 28x28x1024 */
    const wl_layer *c1 = tu_layer(&m, "mid.c1"), *c2 = tu_layer(&m, "mid.c2");
    ck_assert_int_eq(c1->c, 512);
    ck_assert_int_eq(c1->h, 32);
    ck_assert_int_eq(c1->p, 30);
    ck_assert_int_eq(c2->k, 1024);
    ck_assert_int_eq(c2->p, 28);
    ck_assert_int_eq(c2->q, 28);
    /* its up-conv: 2x2/2 to 56x56x512 = 1x1 to 2048 channels at 28x28,
       512 x 1024 x 4 x 28 x 28 MACs */
    const wl_layer *u4 = tu_layer(&m, "u4.up");
    ck_assert_int_eq(u4->inputs[0], wl_find(&m, "mid.c2"));
    ck_assert_double_eq(u4->macs, 512.0 * 1024 * 4 * 28 * 28);
    ck_assert_double_eq(u4->params, 512.0 * 1024 * 4);
    ck_assert_double_eq(u4->out_bytes, 512.0 * 56 * 56);
    ck_assert_int_eq(tu_layer(&m, "u4.c1")->h, 56);
    ck_assert_int_eq(tu_layer(&m, "u4.c1")->c, 1024);
    ck_assert_int_eq(tu_layer(&m, "u4.c2")->p, 52);
    ck_assert_int_eq(tu_layer(&m, "u1.c2")->p, 388);
    wl_free(&m);
}
END_TEST

/* A U-Net concat keeps the up-conv's output and the crop of the encoder map
   (k x 2h x 2w each), but reads the encoder layer's whole output. */
START_TEST(unet_concats)
{
    wl_model m;
    tu_load_model("workloads/unet.ini", &m);
    static const struct {
        const char *cat, *up, *enc;
        long k, size, enc_size;
    } cats[] = {{"u4.cat", "u4.up", "d4.c2", 512, 56, 64},
                {"u3.cat", "u3.up", "d3.c2", 256, 104, 136},
                {"u2.cat", "u2.up", "d2.c2", 128, 200, 280},
                {"u1.cat", "u1.up", "d1.c2", 64, 392, 568}};
    int seen = 0;
    for (int i = 0; i < 4; i++) {
        const wl_layer *l = tu_layer(&m, cats[i].cat);
        const wl_layer *up = tu_layer(&m, cats[i].up), *enc = tu_layer(&m, cats[i].enc);
        double crop = (double)cats[i].k * cats[i].size * cats[i].size;
        ck_assert_int_eq(l->op, WL_OP_RELU);
        ck_assert_int_eq(l->ninputs, 2);
        ck_assert_int_eq(l->inputs[0], wl_find(&m, cats[i].up));
        ck_assert_int_eq(l->inputs[1], wl_find(&m, cats[i].enc));
        ck_assert_double_eq(up->out_bytes, crop);
        ck_assert_double_eq(enc->out_bytes,
                            (double)cats[i].k * cats[i].enc_size * cats[i].enc_size);
        ck_assert_double_eq(l->out_bytes, 2 * crop);
        ck_assert_double_eq(l->in_bytes, up->out_bytes + enc->out_bytes);
        ck_assert_int_eq(l->c, 2 * cats[i].k);
        ck_assert_int_eq(l->h, cats[i].size);
        seen++;
    }
    int relus = count_kind(&m, WL_VECTOR, WL_OP_RELU);
    ck_assert_int_eq(relus, seen);
    wl_free(&m);
}
END_TEST

/* SCAR's Sc4 = GPT2-L(8) + BERT-L(24) + U-Net(1) + ResNet-50(32);
   Sc5 = Sc4 + BERT-base(24) + GoogLeNet(32). */
START_TEST(scar_sc4_sc5)
{
    static const char *names[] = {"gpt2-l", "bert-l", "unet", "resnet50", "bert-b",
                                  "googlenet"};
    static const long batch[] = {8, 24, 1, 32, 24, 32};
    static const int layers[] = {435, 291, 31, 72, 147, 81};
    const char *files[] = {"workloads/scenarios/sc4.ini", "workloads/scenarios/sc5.ini"};
    for (int f = 0; f < 2; f++) {
        scn_t s;
        err_t e = {{0}};
        ck_assert_msg(scn_load(files[f], &s, &e) == ERR_OK, "%s", e.msg);
        ck_assert_int_eq(s.nmodels, f ? 6 : 4);
        for (int i = 0; i < s.nmodels; i++) {
            ck_assert_str_eq(s.models[i].name, names[i]);
            ck_assert_int_eq(s.models[i].batch, batch[i]);
            ck_assert_int_eq(s.models[i].model.nlayers, layers[i]);
        }
        scn_free(&s);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("models");
    TCase *tc = tcase_create("models");
    tcase_add_test(tc, googlenet_macs_params);
    tcase_add_test(tc, googlenet_shapes);
    tcase_add_test(tc, googlenet_concats);
    tcase_add_test(tc, unet_macs_params);
    tcase_add_test(tc, unet_shapes);
    tcase_add_test(tc, unet_concats);
    tcase_add_test(tc, scar_sc4_sc5);
    suite_add_tcase(s, tc);
    return s;
}
