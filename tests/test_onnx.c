/* test_onnx.c - ONNX import: tests/onnx/gen_models.py builds small models
 * with Debian's python3-onnx at test time (a residual CNN block, an
 * attention block, a model with an unsupported operator, one with a fixed
 * batch); they load through wl_load, and their MACs, parameters and edges
 * are the ones worked out by hand below. Run from the repository root.
 * python3-onnx missing is a failure: make deps installs it. */
#include "testutil.h"

static char dir[64];

static void gen_models(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "/tmp/mcmonnxXXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *py = getenv("PYTHON3") ? getenv("PYTHON3") : "/usr/bin/python3";
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s tests/onnx/gen_models.py %s", py, dir);
    ck_assert_msg(system(cmd) == 0, "'%s' failed: is python3-onnx installed (make deps)?", cmd);
}

/* The models are built once, before the tests fork, and removed after. */
static void rm_models(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (dir[0] && system(cmd) != 0)
        fprintf(stderr, "test_onnx: could not remove %s\n", dir);
}

static void model_path(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s.onnx", dir, name);
}

static int in_of(const wl_model *m, const char *layer, int j)
{
    return tu_layer(m, layer)->inputs[j];
}

START_TEST(residual_cnn_block)
{
    char p[128];
    wl_model m;
    model_path("resblock", p, sizeof p);
    tu_load_model(p, &m);
    ck_assert_str_eq(m.name, "resblock");
    /* x 16x32x32. conv1 3x3 /2 pad 1, 32 out: 16x16, 32*16*9*256 = 1,179,648
       MACs, 4,608 + 32 bias; BatchNormalization folded (no layer). dw: 3x3
       depthwise (group 32) dilation 2 pad 2 = a 3x3 pad 1 (mcmsim's pad 1):
       32*1*9*256 = 73,728, 288 weights. pw 1x1: 32*32*256 = 262,144, 1,024.
       short 1x1 /2 on x: 32*16*256 = 131,072, 512. fc (Gemm transB) 64 -> 10:
       640 MACs, 640 + 10. Total 1,647,232 MACs, 7,114 parameters. */
    ck_assert_double_eq(wl_total_macs(&m), 1647232.0);
    ck_assert_double_eq(wl_total_params(&m), 7114.0);
    /* conv1 relu1 dw pw short add relu2 sig silu maxpool avgpool gap fc */
    ck_assert_int_eq(m.nlayers, 13);
    ck_assert_double_eq(tu_layer(&m, "conv1")->macs, 1179648.0);
    ck_assert_int_eq(tu_layer(&m, "conv1")->bias, 1);
    ck_assert_int_eq(tu_layer(&m, "dw")->groups, 32);
    ck_assert_int_eq(tu_layer(&m, "dw")->pad, 1);
    ck_assert_int_eq(tu_layer(&m, "dw")->p, 16);
    ck_assert_int_eq(tu_layer(&m, "short")->stride, 2);
    /* edges: BN passes conv1 on; the residual add; the shortcut reads the
       model input; SiLU = Sigmoid then Mul of two activations; the concat is
       the maxpool's two inputs (silu 32 + relu1 32 channels) */
    ck_assert_int_eq(in_of(&m, "relu1", 0), wl_find(&m, "conv1"));
    ck_assert_int_eq(in_of(&m, "dw", 0), wl_find(&m, "relu1"));
    ck_assert_int_eq(in_of(&m, "short", 0), -1);
    ck_assert_int_eq(tu_layer(&m, "add")->ninputs, 2);
    ck_assert_int_eq(in_of(&m, "add", 0), wl_find(&m, "pw"));
    ck_assert_int_eq(in_of(&m, "add", 1), wl_find(&m, "short"));
    ck_assert_int_eq(tu_layer(&m, "silu")->op, WL_OP_ADD);
    ck_assert_int_eq(in_of(&m, "silu", 1), wl_find(&m, "sig"));
    const wl_layer *mp = tu_layer(&m, "maxpool");
    ck_assert_int_eq(mp->ninputs, 2);
    ck_assert_int_eq(mp->inputs[0], wl_find(&m, "silu"));
    ck_assert_int_eq(mp->inputs[1], wl_find(&m, "relu1"));
    ck_assert_int_eq(mp->c, 64);
    ck_assert_int_eq(mp->p, 8);
    ck_assert_double_eq(mp->in_bytes, 2 * 32 * 16 * 16.0);
    ck_assert_int_eq(tu_layer(&m, "avgpool")->p, 4);
    ck_assert_int_eq(tu_layer(&m, "gap")->r, 4); /* global over 4x4 */
    ck_assert_int_eq(in_of(&m, "fc", 0), wl_find(&m, "gap")); /* through Flatten */
    ck_assert_double_eq(tu_layer(&m, "fc")->params, 650.0);
    ck_assert_double_eq(m.input_bytes, 16 * 32 * 32.0);
    wl_free(&m);
}
END_TEST

START_TEST(attention_block)
{
    char p[128];
    wl_model m;
    model_path("attention", p, sizeof p);
    tu_load_model(p, &m);
    /* S = 8 tokens, D = 32, 4 heads of 8, vocab 100, 16 positions. MACs: qkv
       8*32*96 = 24,576; qk 4 heads 8*8*8 = 2,048; av 2,048; proj 8*32*32 =
       8,192; fc1 8*32*128 = 32,768; fc2 32,768; head (last token) 32*100 =
       3,200: 105,600. Parameters: embed (100 + 16)*32 = 3,712 (the position
       Gather + Add folds into it); ln1 (decomposed) 64; qkv 3,072 + 96; proj
       1,024 + 32; ln2 64; fc1 4,096 + 128; fc2 4,096 + 32; head 3,200: 19,616. */
    ck_assert_double_eq(wl_total_macs(&m), 105600.0);
    ck_assert_double_eq(wl_total_params(&m), 19616.0);
    /* wte ln1 qkv qk scale softmax av proj add1 ln2 fc1 gelu fc2 add2 head tanh */
    ck_assert_int_eq(m.nlayers, 16);
    const wl_layer *e = tu_layer(&m, "wte");
    ck_assert_int_eq(e->op, WL_OP_EMBED);
    ck_assert_int_eq(e->vocab, 100);
    ck_assert_int_eq(e->npos, 16);
    ck_assert_int_eq(e->inputs[0], -1);
    const wl_layer *ln1 = tu_layer(&m, "ln1");
    ck_assert_int_eq(ln1->op, WL_OP_LAYERNORM);
    ck_assert_int_eq(ln1->n, 32);
    ck_assert_int_eq(ln1->inputs[0], wl_find(&m, "wte"));
    ck_assert_int_eq(tu_layer(&m, "qkv")->bias, 1);
    /* Q.K^T: both operands from the fused qkv (through Split, Reshape,
       Transpose): one input, b=act, 4 heads */
    const wl_layer *qk = tu_layer(&m, "qk");
    ck_assert_int_eq(qk->b, WL_B_ACT);
    ck_assert_int_eq(qk->heads, 4);
    ck_assert_int_eq(qk->ninputs, 1);
    ck_assert_int_eq(qk->inputs[0], wl_find(&m, "qkv"));
    ck_assert_int_eq(tu_layer(&m, "softmax")->m, 32);
    const wl_layer *av = tu_layer(&m, "av");
    ck_assert_int_eq(av->ninputs, 2);
    ck_assert_int_eq(av->inputs[0], wl_find(&m, "softmax"));
    ck_assert_int_eq(av->inputs[1], wl_find(&m, "qkv"));
    ck_assert_int_eq(in_of(&m, "proj", 0), wl_find(&m, "av"));
    /* residuals */
    ck_assert_int_eq(in_of(&m, "add1", 0), wl_find(&m, "proj"));
    ck_assert_int_eq(in_of(&m, "add1", 1), wl_find(&m, "wte"));
    ck_assert_int_eq(in_of(&m, "add2", 0), wl_find(&m, "fc2"));
    ck_assert_int_eq(in_of(&m, "add2", 1), wl_find(&m, "add1"));
    /* Erf GELU folded into one gelu of 8 x 128 */
    const wl_layer *g = tu_layer(&m, "gelu");
    ck_assert_int_eq(g->op, WL_OP_GELU);
    ck_assert_int_eq(g->elems, 8 * 128);
    ck_assert_int_eq(g->inputs[0], wl_find(&m, "fc1"));
    /* Slice of the last token: the head is 1 x 32 x 100 */
    ck_assert_int_eq(tu_layer(&m, "head")->m, 1);
    ck_assert_int_eq(in_of(&m, "head", 0), wl_find(&m, "add2"));
    ck_assert_double_eq(m.input_bytes, 8 * 4.0); /* token ids */
    wl_free(&m);
}
END_TEST

START_TEST(unsupported_operator)
{
    char p[128];
    wl_model m;
    err_t e = {{0}};
    model_path("unsupported", p, sizeof p);
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, p, 0, "node 'mix' (Einsum): unsupported operator Einsum");
    ck_assert_int_eq(m.nlayers, 0);
    model_path("batch2", p, sizeof p);
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, p, 0, "fixed batch of 2");
    char *bad = tu_write_tmp("not a protobuf", ".onnx");
    ck_assert_int_eq(wl_load(bad, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, bad, 0, "not an ONNX model");
    unlink(bad);
    free(bad);
}
END_TEST

/* Models the fuzzer found a way through (tests/fuzz_onnx.c); under the
   sanitizers a leak or a read past a table fails here too. */
START_TEST(malformed_models)
{
    char p[128];
    wl_model m;
    err_t e = {{0}};
    model_path("nograph", p, sizeof p); /* parsed, then leaked */
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, p, 0, "not an ONNX model");
    model_path("nameless", p, sizeof p); /* NULL names read as strings */
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, p, 0, "unsupported operator");
    model_path("ghost", p, sizeof p); /* the pattern's input indexed as tensor -1 */
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_INPUT);
    tu_assert_located(e.msg, p, 0, "node 'ln' (Div): the input of this LayerNormalization pattern is missing");
    /* MaxPool 2x2 of 2x4x4 is 2x2x2 = 8 values; Gemm with transB = 5 (a
       transpose) takes W as 3 x 8: 8 x 3 = 24 MACs a sample, 24 parameters.
       Before, transB indexed W's dims at 5 and the unmade Indices output at -1. */
    model_path("odd", p, sizeof p);
    ck_assert_int_eq(wl_load(p, &m, &e), ERR_OK);
    const wl_layer *fc = tu_layer(&m, "fc");
    ck_assert_int_eq(fc->m, 1);
    ck_assert_int_eq(fc->kd, 8);
    ck_assert_int_eq(fc->n, 3);
    wl_free(&m);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("onnx");
    TCase *tc = tcase_create("import");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, gen_models, rm_models);
    tcase_add_test(tc, residual_cnn_block);
    tcase_add_test(tc, attention_block);
    tcase_add_test(tc, unsupported_operator);
    tcase_add_test(tc, malformed_models);
    suite_add_tcase(s, tc);
    return s;
}
