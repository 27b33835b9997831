/* test_workload.c - the shipped workloads add up to the published figures
 * and read what their layers output, transformers expand into the right
 * layers, and every kind of bad input, shapes included, is refused at its
 * line. Run from the repository root (reads workloads/). */
#include <glob.h>
#include "testutil.h"
#include "workload.h"

/* Loads TEXT from a temporary file with SUFFIX and returns the error. */
static int load_text(const char *text, const char *suffix, char **path, wl_model *m, err_t *e)
{
    *path = tu_write_tmp(text, suffix);
    return wl_load(*path, m, e);
}

START_TEST(resnet50_macs_params)
{
    wl_model m;
    tu_load_model("workloads/resnet50.ini", &m);
    ck_assert_str_eq(m.name, "resnet50");
    ck_assert_double_eq(wl_total_macs(&m), 4089184256.0);
    /* Parameters counted: conv weights 23,454,912 + FC weights 2048 x 1000 =
       2,048,000 + FC bias 1,000 = 25,503,912. torchvision's 25,557,032 also
       has batch norm: a scale and a shift per conv output channel, 2 x 26,560
       = 53,120 (conv1 64; per block w + w + 4w, plus 4w for each shortcut). */
    ck_assert_double_eq(wl_total_params(&m), 25503912.0);
    int convs = 0, fcs = 0;
    for (int i = 0; i < m.nlayers; i++) {
        convs += m.layers[i].kind == WL_CONV;
        fcs += m.layers[i].kind == WL_MATMUL;
    }
    ck_assert_int_eq(convs, 53);
    ck_assert_int_eq(fcs, 1);
    ck_assert_double_eq(m.input_bytes, 224.0 * 224 * 3);
    const wl_layer *c1 = tu_layer(&m, "conv1");
    ck_assert_int_eq(c1->p, 112);
    ck_assert_int_eq(c1->pad, 3);
    ck_assert_int_eq(tu_layer(&m, "pool1")->p, 56);
    /* v1.5: the stride is on the 3x3 conv of a stage's first block */
    const wl_layer *c2 = tu_layer(&m, "l2.0.c2");
    ck_assert_int_eq(c2->stride, 2);
    ck_assert_int_eq(c2->p, 28);
    ck_assert_int_eq(tu_layer(&m, "l2.0.c1")->stride, 1);
    ck_assert_int_eq(tu_layer(&m, "pool")->p, 1);
    ck_assert_double_eq(tu_layer(&m, "fc")->macs, 2048000.0);
    wl_free(&m);
}
END_TEST

START_TEST(resnet50_residuals)
{
    wl_model m;
    tu_load_model("workloads/resnet50.ini", &m);
    int adds = 0;
    for (int i = 0; i < m.nlayers; i++) {
        const wl_layer *l = &m.layers[i];
        if (l->op != WL_OP_ADD)
            continue;
        adds++;
        ck_assert_int_eq(l->ninputs, 2);
        ck_assert_double_eq(l->in_bytes, 2 * l->out_bytes);
    }
    ck_assert_int_eq(adds, 16);
    const wl_layer *add = tu_layer(&m, "l1.0.add");
    ck_assert_int_eq(add->inputs[0], wl_find(&m, "l1.0.c3"));
    ck_assert_int_eq(add->inputs[1], wl_find(&m, "l1.0.down"));
    ck_assert_int_eq(tu_layer(&m, "l1.0.down")->inputs[0], wl_find(&m, "pool1"));
    ck_assert_int_eq(tu_layer(&m, "l1.1.add")->inputs[1], wl_find(&m, "l1.0.add"));
    ck_assert_int_eq(tu_layer(&m, "conv1")->inputs[0], -1);
    wl_free(&m);
}
END_TEST

START_TEST(gpt2_small_params)
{
    wl_model m;
    tu_load_model("workloads/gpt2-small.ini", &m);
    /* wte 50257 x 768 + wpe 1024 x 768 = 39,383,808; per block 2 layernorms
       2 x 1,536, qkv 768 x 2304 + 2304, proj 768 x 768 + 768, fc1 768 x 3072
       + 3072, fc2 3072 x 768 + 768 = 7,087,872, x 12 = 85,054,464; ln_f
       1,536; the LM head is the token embedding again: 0. */
    ck_assert_double_eq(wl_total_params(&m), 124439808.0);
    ck_assert_int_eq(m.nlayers, 1 + 12 * 12 + 2);
    const wl_layer *head = tu_layer(&m, "lm_head");
    ck_assert_double_eq(head->params, 0.0);
    ck_assert_double_eq(head->weight_bytes, 768.0 * 50257);
    ck_assert_double_eq(head->macs, 128.0 * 768 * 50257);
    const wl_layer *emb = tu_layer(&m, "embed");
    ck_assert_double_eq(emb->weight_bytes, 0.0);
    ck_assert_double_eq(emb->dram_bytes, 2 * 128.0 * 768);   /* token and position rows */
    ck_assert_double_eq(tu_layer(&m, "h0.ln1")->params, 2 * 768.0);
    ck_assert_double_eq(tu_layer(&m, "h3.qkv")->params, 768.0 * 2304 + 2304);
    /* pre-LN: the residual adds the block input to the attention output */
    const wl_layer *add1 = tu_layer(&m, "h1.add1");
    ck_assert_int_eq(add1->inputs[0], wl_find(&m, "h0.add2"));
    ck_assert_int_eq(add1->inputs[1], wl_find(&m, "h1.proj"));
    ck_assert_int_eq(tu_layer(&m, "h1.add2")->inputs[0], wl_find(&m, "h1.add1"));
    wl_free(&m);
}
END_TEST

START_TEST(shipped_transformer_params)
{
    /* The published (Hugging Face) counts: GPT-2 without the tied head,
       BERT without the masked-LM head. */
    static const struct {
        const char *path;
        double params;
    } want[] = {
        {"workloads/gpt2-medium.ini", 354823168.0}, {"workloads/gpt2-large.ini", 774030080.0},
        {"workloads/gpt2-xl.ini", 1557611200.0},    {"workloads/bert-base.ini", 109482240.0},
        {"workloads/bert-large.ini", 335141888.0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        wl_model m;
        tu_load_model(want[i].path, &m);
        ck_assert_msg(wl_total_params(&m) == want[i].params, "%s: %.0f params", want[i].path,
                      wl_total_params(&m));
        wl_free(&m);
    }
}
END_TEST

START_TEST(bert_base)
{
    wl_model m;
    tu_load_model("workloads/bert-base.ini", &m);
    /* wte 30522 x 768 + 512 positions + 2 token types, embedding layernorm,
       12 blocks of 7,087,872, pooler 768 x 768 + 768: ~110M */
    ck_assert_double_eq(wl_total_params(&m), 109482240.0);
    ck_assert_double_eq(tu_layer(&m, "embed")->dram_bytes, 3 * 128.0 * 768);
    ck_assert_double_eq(tu_layer(&m, "pooler")->macs, 768.0 * 768);
    /* post-LN: the second residual starts from the normalised first sum */
    ck_assert_int_eq(tu_layer(&m, "h0.add2")->inputs[0], wl_find(&m, "h0.ln1"));
    ck_assert_int_eq(tu_layer(&m, "h0.ln1")->inputs[0], wl_find(&m, "h0.add1"));
    ck_assert_int_eq(tu_layer(&m, "h1.qkv")->inputs[0], wl_find(&m, "h0.ln2"));
    ck_assert_int_lt(wl_find(&m, "lm_head"), 0);
    wl_free(&m);
}
END_TEST

START_TEST(attention_head_dims)
{
    wl_model m;
    tu_load_model("workloads/gpt2-small.ini", &m);
    const wl_layer *qk = tu_layer(&m, "h5.qk"), *av = tu_layer(&m, "h5.av");
    ck_assert_int_eq(qk->b, WL_B_ACT);
    ck_assert_int_eq(qk->heads, 12);
    ck_assert_int_eq(qk->m, 128);
    ck_assert_int_eq(qk->kd, 64);
    ck_assert_int_eq(qk->n, 128);
    ck_assert_double_eq(qk->macs, 12.0 * 128 * 64 * 128);
    ck_assert_double_eq(qk->params, 0.0);
    ck_assert_int_eq(qk->inputs[0], wl_find(&m, "h5.qkv"));
    ck_assert_int_eq(av->kd, 128);
    ck_assert_int_eq(av->n, 64);
    ck_assert_int_eq(av->ninputs, 2);
    ck_assert_int_eq(av->inputs[0], wl_find(&m, "h5.softmax"));
    ck_assert_int_eq(av->inputs[1], wl_find(&m, "h5.qkv"));
    ck_assert_double_eq(tu_layer(&m, "h5.softmax")->elems, 12.0 * 128 * 128);
    ck_assert_double_eq(tu_layer(&m, "h5.proj")->in_bytes, 128.0 * 768);
    wl_free(&m);
}
END_TEST

START_TEST(gpt2_decode_reads_kv_cache)
{
    wl_tf_spec s;
    wl_tf_defaults(&s, WL_GPT2);
    s.d_model = 768;
    s.nlayers = 12;
    s.heads = 12;
    s.seq = 1;
    s.phase = WL_DECODE;
    s.kv_len = 127;
    s.elem_bytes = 2;
    wl_model m;
    err_t e = {{0}};
    ck_assert_msg(wl_transformer(&s, "gpt2-decode", &m, &e) == ERR_OK, "%s", e.msg);
    double kv = 0;
    int kv_layers = 0;
    for (int i = 0; i < m.nlayers; i++)
        if (m.layers[i].kind == WL_MATMUL && m.layers[i].b == WL_B_KV) {
            kv_layers++;
            kv += m.layers[i].dram_bytes;
        }
    ck_assert_int_eq(kv_layers, 2 * 12);
    /* K and V of 127 cached tokens, 768 wide, in all 12 blocks, fp16 */
    ck_assert_double_eq(kv, 2 * 12 * 127 * 768 * 2.0);
    const wl_layer *qk = tu_layer(&m, "h0.qk"), *av = tu_layer(&m, "h0.av");
    ck_assert_int_eq(qk->m, 1);
    ck_assert_int_eq(qk->n, 128);
    ck_assert_int_eq(av->kd, 128);
    ck_assert_double_eq(qk->dram_bytes, 12 * 127 * 64 * 2.0);
    ck_assert_double_eq(tu_layer(&m, "h0.fc1")->macs, 768.0 * 3072);
    wl_free(&m);
}
END_TEST

START_TEST(decode_from_ini)
{
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text("[transformer]\nfamily = gpt2\nd_model = 128\nlayers = 2\nheads = 2\n"
                       "seq = 1\nphase = decode\nkv_len = 127\n",
                       ".ini", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(tu_layer(&m, "h1.av")->b, WL_B_KV);
    ck_assert_double_eq(tu_layer(&m, "h1.av")->dram_bytes, 127.0 * 128);
    ck_assert_int_eq(tu_layer(&m, "h1.qk")->line, 1);
    wl_free(&m);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(named_sizes)
{
    /* size = medium is d_model 1024, 24 layers, 16 heads (the published size):
       the same 354,823,168 parameters as workloads/gpt2-medium.ini */
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text("[transformer]\nfamily = gpt2\nsize = medium\n", ".ini", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(m.nlayers, 1 + 24 * 12 + 2);
    ck_assert_double_eq(wl_total_params(&m), 354823168.0);
    wl_free(&m);
    unlink(path);
    free(path);
    /* an explicit key overrides the size */
    rc = load_text("[transformer]\nfamily = bert\nsize = base\nlayers = 2\n", ".ini", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_ptr_nonnull(tu_layer(&m, "h1.add2"));
    ck_assert_int_eq(wl_find(&m, "h2.ln1"), -1);
    wl_free(&m);
    unlink(path);
    free(path);
    rc = load_text("[transformer]\nfamily = bert\nsize = xl\n", ".ini", &path, &m, &e);
    ck_assert_int_eq(rc, ERR_INPUT);
    ck_assert_msg(strstr(e.msg, ":3: 'size': unknown size 'xl' (base or large)"), "%s", e.msg);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(explicit_layers)
{
    char *path;
    wl_model m;
    err_t e = {{0}};
    /* q and kvm read A (4 rows of 2 x 16, 1 row of 2 x 64) out of ln's 200
       wide rows, which hold B too; the add sums three inputs of 800 elements */
    int rc = load_text("[model]\nname = tiny\nelem_bytes = 2\n[layers]\n"
                       "dw = conv k=8 c=8 r=3 h=10 w=10 groups=8 bias=1\n"
                       "ln = layernorm m=4 n=200 in=input\n"
                       "sm = softmax elems=800\n"
                       "q = matmul m=4 k=16 n=4 heads=2 b=act in=ln\n"
                       "kvm = matmul m=1 k=64 n=11 heads=2 b=kv kv=10 in=ln\n"
                       "sum = add elems=800 in=ln,sm,dw\n"
                       "mp = maxpool c=8 h=10 w=10 r=2 in=dw\n",
                       ".ini", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_str_eq(m.name, "tiny");
    const wl_layer *dw = tu_layer(&m, "dw");
    ck_assert_double_eq(dw->macs, 8.0 * 9 * 100);
    ck_assert_double_eq(dw->params, 8.0 * 9 + 8);
    ck_assert_double_eq(dw->weight_bytes, (8.0 * 9 + 8) * 2);
    ck_assert_double_eq(tu_layer(&m, "q")->macs, 2.0 * 4 * 16 * 4);
    ck_assert_double_eq(tu_layer(&m, "kvm")->dram_bytes, 2.0 * 10 * 64 * 2);
    ck_assert_double_eq(tu_layer(&m, "ln")->params, 400.0);
    ck_assert_double_eq(m.input_bytes, 800.0 * 2);
    ck_assert_double_eq(tu_layer(&m, "ln")->in_bytes, 800.0 * 2);
    const wl_layer *sum = tu_layer(&m, "sum");
    ck_assert_double_eq(sum->vec_ops, 800.0 * 2);
    ck_assert_int_eq(tu_layer(&m, "sm")->inputs[0], wl_find(&m, "ln"));
    const wl_layer *mp = tu_layer(&m, "mp");
    ck_assert_int_eq(mp->p, 5);
    ck_assert_double_eq(mp->vec_ops, 8.0 * 25 * 4);
    ck_assert_str_eq(wl_layer_kind(mp), "maxpool");
    /* finishing again changes nothing */
    double macs = wl_total_macs(&m);
    ck_assert_int_eq(wl_finish(&m, &e), ERR_OK);
    ck_assert_double_eq(wl_total_macs(&m), macs);
    ck_assert_double_eq(tu_layer(&m, "sm")->elems, 800.0);
    wl_free(&m);
    unlink(path);
    free(path);
}
END_TEST

/* Every rule met: channels side by side with a crop and a pixel shuffle, an
   image read as rows by a matmul, per-head and side-by-side views of a
   multi-head product, rows side by side (for a gelu and as a matmul's K), a
   flat count read as rows of K. */
START_TEST(shapes_that_fit)
{
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text("[layers]\n"
                       "a = conv k=16 c=3 r=3 h=32 w=32\n"                 /* 16x32x32 */
                       "up = conv k=64 c=16 r=1 h=32 w=32 shuffle=2\n"     /* 16x64x64 */
                       "big = conv k=8 c=3 r=3 h=68 w=68 pad=0 in=input\n" /* 8x66x66 */
                       "cat = relu c=24 h=64 w=64 crop=1 in=up,big\n"
                       "pool = avgpool c=24 h=64 w=64\n"                   /* 24x1x1 */
                       "fc = matmul m=1 k=24 n=10\n"
                       "x = matmul m=4 k=10 n=96\n"                        /* 4x96 */
                       "qk = matmul m=4 k=16 n=4 heads=2 b=act\n"          /* 2x4x4 */
                       "sm = softmax m=8 n=4\n"
                       "av = matmul m=4 k=4 n=16 heads=2 b=act in=sm,x\n"  /* 2x4x16 */
                       "proj = matmul m=4 k=32 n=8\n"                      /* 4x8 */
                       "cat2 = gelu m=4 n=104 in=proj,x\n"
                       "flat = relu elems=416\n"
                       "rows = matmul m=13 k=32 n=2\n"
                       "both = matmul m=4 k=104 n=2 in=proj,x\n",
                       ".ini", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    /* the shuffle changes the shape, not the bytes: 64 x 32 x 32 = 16 x 64 x 64 */
    ck_assert_double_eq(tu_layer(&m, "up")->out_bytes, 65536.0);
    ck_assert_double_eq(tu_layer(&m, "up")->macs, 64.0 * 16 * 32 * 32);
    /* the crop keeps 24 x 64 x 64 but reads big's whole 8 x 66 x 66 */
    ck_assert_double_eq(tu_layer(&m, "cat")->out_bytes, 24.0 * 64 * 64);
    ck_assert_double_eq(tu_layer(&m, "cat")->in_bytes, 65536.0 + 8 * 66 * 66);
    wl_free(&m);
    unlink(path);
    free(path);
}
END_TEST

/* Every workload shipped, and so every model of every scenario, reads what
   its layers output. */
START_TEST(shipped_workloads_fit)
{
    glob_t g;
    ck_assert_int_eq(glob("workloads/*.ini", 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 9);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        wl_model m;
        tu_load_model(g.gl_pathv[i], &m);
        wl_free(&m);
    }
    globfree(&g);
}
END_TEST

START_TEST(kind_names_round_trip)
{
    static const char *const kinds[] = {"conv", "matmul", "add", "relu", "gelu", "softmax",
                                        "layernorm", "maxpool", "avgpool", "embed"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        wl_layer l = {0};
        ck_assert_int_eq(wl_kind_parse(kinds[i], &l.kind, &l.op), 0);
        ck_assert_str_eq(wl_layer_kind(&l), kinds[i]);
    }
    wl_kind k;
    wl_op op;
    ck_assert_int_eq(wl_kind_parse("conv2d", &k, &op), -1);
}
END_TEST

START_TEST(scalesim_conv_csv)
{
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                       "Channels, Num Filter, Strides,\r\n"
                       "Conv1, 224, 224, 7, 7, 3, 64, 2,\r\n"
                       "\r\n"
                       "Conv2, 109, 109, 3, 3, 64, 64, 1,\r\n",
                       ".csv", &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(m.nlayers, 2);
    const wl_layer *c1 = tu_layer(&m, "Conv1");
    ck_assert_int_eq(c1->p, 109);   /* no padding: (224 - 7) / 2 + 1 */
    ck_assert_double_eq(c1->macs, 64.0 * 3 * 49 * 109 * 109);
    const wl_layer *c2 = tu_layer(&m, "Conv2");
    ck_assert_int_eq(c2->p, 107);   /* it reads Conv1's 109 x 109 */
    ck_assert_int_eq(c2->inputs[0], 0);
    ck_assert_int_eq(c2->line, 4);
    wl_free(&m);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(scalesim_gemm_csv)
{
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text("Layer, M, N, K,\nffn1, 128, 3072, 768,\nffn2, 128, 768, 3072,\n", ".csv",
                       &path, &m, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    const wl_layer *f1 = tu_layer(&m, "ffn1");
    ck_assert_int_eq(f1->kind, WL_MATMUL);
    ck_assert_int_eq(f1->m, 128);
    ck_assert_int_eq(f1->n, 3072);
    ck_assert_int_eq(f1->kd, 768);
    ck_assert_double_eq(wl_total_macs(&m), 2 * 128.0 * 3072 * 768);
    ck_assert_int_eq(tu_layer(&m, "ffn2")->inputs[0], 0);
    wl_free(&m);
    unlink(path);
    free(path);
}
END_TEST

/* ---- bad input: each refused with "FILE:LINE: message" ------------------- */

typedef struct {
    const char *what;
    const char *suffix;
    const char *text;
    int line;          /* 0: the message has no line */
    const char *msg;   /* how the message after "FILE:LINE: " starts */
} bad_case;

#define L "[layers]\n"
#define CONV "conv k=8 c=3 r=3 h=8 w=8"
#define CSV_CONV "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, " \
                 "Channels, Num Filter, Strides,\n"
#define TF "[transformer]\nfamily = gpt2\nd_model = 128\nlayers = 2\nheads = 2\n"
#define A16 "a = conv k=16 c=3 r=3 h=32 w=32\n"   /* 16x32x32 */

static const bad_case bad[] = {
    {"unknown section", ".ini", "[model]\nname = x\n\n[layerz]\na = " CONV "\n", 4,
     "unknown section (a workload has"},
    {"unknown key in [model]", ".ini", "[model]\nnmae = x\n" L "a = " CONV "\n", 2,
     "unknown key in [model] (expected name, elem_bytes)"},
    {"unknown key in [transformer]", ".ini", TF "d_modle = 3\n", 6,
     "unknown key in [transformer] (expected d_model, layers, heads"},
    {"unknown key in a layer", ".ini", L "a = " CONV " strid=2\n", 2,
     "a: unknown key 'strid' (conv takes: k c r s h w stride pad groups shuffle bias in)"},
    {"key given twice", ".ini", L "a = " CONV " r=5\n", 2, "a: 'r' given twice"},
    {"missing layer key", ".ini", L "a = conv k=8 c=3 r=3 w=8\n", 2,
     "a: missing key 'h' (conv needs: k c r h w)"},
    {"missing transformer key", ".ini", "[model]\nname = g\n[transformer]\nfamily = gpt2\n"
     "d_model = 128\nlayers = 2\n", 3, "[transformer]: missing key 'heads'"},
    {"bad number", ".ini", L "a = conv k=eight c=3 r=3 h=8 w=8\n", 2,
     "a: 'k': bad integer 'eight'"},
    {"trailing garbage in a number", ".ini", L "a = conv k=8x c=3 r=3 h=8 w=8\n", 2,
     "a: 'k': bad integer '8x'"},
    {"trailing garbage in a layer", ".ini", L "a = " CONV " same\n", 2,
     "a: 'same' is not KEY=VALUE"},
    {"trailing garbage in [model]", ".ini", "[model]\nelem_bytes = 1 byte\n" L "a = " CONV "\n", 2,
     "'elem_bytes': bad integer '1 byte'"},
    {"zero size", ".ini", L "a = conv k=0 c=3 r=3 h=8 w=8\n", 2,
     "a: 'k' = 0 is out of range [1, 1000000000000]"},
    {"negative size", ".ini", L "a = " CONV "\nb = relu c=8 h=-8 w=8\n", 3,
     "b: 'h' = -8 is out of range [1, 1000000000000]"},
    {"negative transformer size", ".ini", TF "seq = -1\n", 6,
     "'seq' = -1 is out of range [1, 16777216]"},
    {"unknown layer kind", ".ini", L "a = convolution k=8\n", 2,
     "a: unknown layer kind 'convolution' (kinds: conv matmul add"},
    {"unknown family", ".ini", "[transformer]\nfamily = llama\n", 2,
     "'family': unknown value 'llama' (expected gpt2 or bert)"},
    {"unknown phase", ".ini", TF "phase = train\n", 6,
     "'phase': unknown value 'train' (expected prefill or decode)"},
    {"input names no layer", ".ini", L "a = " CONV "\nb = relu elems=8 in=nothere\n", 3,
     "b: input 'nothere' names no layer"},
    {"input names a later layer", ".ini", L "a = " CONV "\nb = relu elems=8 in=c\nc = relu elems=8\n",
     3, "b: input 'c' is defined later, at line 4"},
    {"input names itself", ".ini", L "a = " CONV " in=a\n", 2, "a: a layer cannot read itself"},
    {"too many inputs", ".ini", L "a = " CONV "\nb = add elems=8 in=a,a,a,a,a\n", 3,
     "b: too many inputs (at most 4)"},
    {"same input twice", ".ini", L "a = " CONV "\nb = add elems=8 in=a,a\n", 3,
     "b: reads 'a' twice"},
    {"add with one input", ".ini", L "a = " CONV "\nb = add c=8 h=6 w=6\n", 3,
     "b: an add sums at least 2 inputs"},
    {"b=act matmul with 3 inputs", ".ini",
     L "a = " CONV "\nb = relu elems=512\nc = relu elems=512\nd = matmul m=2 k=2 n=2 b=act in=a,b,c\n",
     5, "d: a b=act or b=kv matmul reads 1 or 2 inputs"},
    {"bad operand", ".ini", L "a = matmul m=2 k=2 n=2 b=cache\n", 2,
     "a: b = 'cache' (expected weight, act or kv)"},
    {"b=kv without kv", ".ini", L "a = matmul m=1 k=64 n=8 b=kv\n", 2,
     "a: b=kv needs kv=N"},
    {"b=kv with no token dimension", ".ini", L "a = matmul m=1 k=64 n=8 b=kv kv=3\n", 2,
     "a: b=kv: neither k nor n is kv + m = 4"},
    {"kv without b=kv", ".ini", L "a = matmul m=1 k=64 n=8 kv=3\n", 2, "a: kv is for b=kv only"},
    {"filter larger than input", ".ini", L "a = conv k=8 c=3 r=7 h=5 w=5 pad=0\n", 2,
     "a: the 7x7 window is larger than the padded 5x5 input"},
    {"groups not dividing", ".ini", L "a = " CONV " groups=2\n", 2,
     "a: groups = 2 must divide c = 3 and k = 8"},
    {"vector op without a size", ".ini", L "a = relu c=8 h=8\n", 2,
     "a: give the size as exactly one of elems=N, c= h= w=, m= n="},
    {"elems and a shape", ".ini", L "a = relu elems=8 c=8 h=1 w=1\n", 2,
     "a: give elems or a shape (c h w, m n), not both"},
    {"layernorm without a width", ".ini", L "a = layernorm elems=8\n", 2,
     "a: a layernorm needs its width"},
    {"flag not 0 or 1", ".ini", L "a = " CONV " bias=2\n", 2, "a: 'bias' must be 0 or 1"},
    {"reserved layer name", ".ini", L "input = " CONV "\n", 2,
     "layer name 'input': 'input' means the model input"},
    {"layer name too long", ".ini",
     L "a_very_long_layer_name_that_goes_on_and_on_and_on = " CONV "\n", 2,
     "layer name 'a_very_long_layer_name_that_goes_on_and_on_and_on': longer than 47 characters"},
    {"duplicate layer name", ".ini", L "a = " CONV "\nb = relu elems=8\na = relu elems=8\n", 4,
     "duplicate key (first at line 2)"},
    {"empty [layers]", ".ini", "[model]\nname = x\n[layers]\n", 3, "[layers] has no layers"},
    {"both layers and transformer", ".ini", TF L "a = " CONV "\n", 6,
     "a workload has either [layers] or [transformer], not both"},
    {"no body", ".ini", "[model]\nname = x\n", 0, "no [layers] or [transformer] section"},
    {"key outside a section", ".ini", "name = x\n" L "a = " CONV "\n", 1,
     "a key before any [section]"},
    {"d_model not a multiple of heads", ".ini",
     "[transformer]\nfamily = gpt2\nd_model = 128\nlayers = 2\nheads = 3\n", 5,
     "[transformer]: d_model = 128 is not a multiple of heads = 3"},
    {"decode without a cache", ".ini", TF "phase = decode\n", 1,
     "[transformer]: decode needs kv_len >= 1"},
    {"decode for BERT", ".ini",
     "[transformer]\nfamily = bert\nd_model = 128\nlayers = 2\nheads = 2\nphase = decode\n"
     "kv_len = 5\n", 6, "[transformer]: decode is for GPT-2"},
    {"longer than the context", ".ini", TF "seq = 2000\n", 6,
     "[transformer]: kv_len + seq = 2000 is more than context = 1024 positions"},
    {"bad CSV header", ".csv", "Name, Height\nc1, 3\n", 1, "not a SCALE-Sim topology header"},
    {"bad CSV number", ".csv", CSV_CONV "c1, 224, 224, 7, 7, three, 64, 2,\n", 2,
     "c1: 'Channels': bad integer 'three'"},
    {"short CSV row", ".csv", CSV_CONV "c1, 224, 224, 7, 7, 3, 64,\n", 2,
     "expected 8 fields (Layer name, ...), got 7"},
    {"zero stride in CSV", ".csv", CSV_CONV "c1, 224, 224, 7, 7, 3, 64, 0,\n", 2,
     "c1: 'stride' = 0 is out of range"},
    {"duplicate CSV layer", ".csv", "Layer, M, N, K,\nf, 2, 2, 2,\nf, 2, 2, 2,\n", 3,
     "duplicate layer name 'f' (first at line 2)"},
    {"empty CSV", ".csv", "\n\n", 0, "empty: expected a SCALE-Sim topology header"},
    /* shapes: what a layer reads against what its producers output */
    {"conv of other channels and size", ".ini", L A16 "b = conv k=8 c=99 r=3 h=77 w=32\n", 3,
     "layer b reads 16x32x32 from a but declares c=99 h=77"},
    {"concat: channels add up", ".ini",
     L A16 "b = conv k=8 c=16 r=3 h=32 w=32\ncat = relu c=20 h=32 w=32 in=a,b\n", 4,
     "layer cat reads 24x32x32 from a+b but declares c=20"},
    {"concat of another size", ".ini",
     L A16 "p = maxpool c=16 h=32 w=32 r=2\ncat = relu c=32 h=32 w=32 in=a,p\n", 4,
     "layer cat reads 16x16x16 from p but declares h=32 w=32"},
    {"add of another size", ".ini",
     L A16 "p = maxpool c=16 h=32 w=32 r=2\ns = add c=16 h=32 w=32 in=a,p\n", 4,
     "layer s reads 16x16x16 from p but declares h=32 w=32"},
    {"add of other channels", ".ini",
     L A16 "b = conv k=8 c=16 r=3 h=32 w=32\ns = add c=16 h=32 w=32 in=a,b\n", 4,
     "layer s reads 8x32x32 from b but declares c=16"},
    {"crop of a smaller input", ".ini", L A16 "cat = relu c=16 h=40 w=40 crop=1\n", 3,
     "layer cat reads 16x32x32 from a but declares h=40 w=40"},
    {"pool of other channels", ".ini", L A16 "p = maxpool c=8 h=32 w=32 r=2\n", 3,
     "layer p reads 16x32x32 from a but declares c=8"},
    {"conv reading rows of another count", ".ini",
     L "x = matmul m=4 k=8 n=8\nc = conv k=8 c=3 r=3 h=4 w=4\n", 3,
     "layer c reads 4x8 from x but declares c=3 h=4 w=4"},
    {"matmul: K", ".ini", L "x = matmul m=128 k=768 n=768\ny = matmul m=128 k=512 n=10\n", 3,
     "layer y reads 128x768 from x but declares k=512"},
    {"matmul: K of an image", ".ini", L A16 "fc = matmul m=1 k=100 n=10\n", 3,
     "layer fc reads 16x32x32 from a but declares k=100"},
    {"matmul: fused operands wider than the input", ".ini",
     L "x = matmul m=4 k=8 n=16\nqk = matmul m=4 k=16 n=4 heads=2 b=act\n", 3,
     "layer qk reads 4x16 from x but declares k=16 heads=2"},
    {"matmul: K of a flat count", ".ini", L "r = relu elems=100 in=input\nx = matmul m=1 k=64 n=8\n",
     3, "layer x reads 100 from r but declares k=64"},
    {"rows of another width", ".ini", L "x = matmul m=128 k=768 n=768\nln = layernorm m=128 n=700\n",
     3, "layer ln reads 128x768 from x but declares n=700"},
    {"another count of rows", ".ini", L "x = matmul m=128 k=768 n=768\nln = layernorm m=64 n=768\n",
     3, "layer ln reads 128x768 from x but declares m=64"},
    {"per-head rows", ".ini",
     L "x = matmul m=4 k=8 n=64\nqk = matmul m=4 k=16 n=4 heads=2 b=act\nsm = softmax m=8 n=5\n", 4,
     "layer sm reads 2x4x4 from qk but declares n=5"},
    {"rows side by side", ".ini",
     L "x = matmul m=4 k=8 n=8\ny = matmul m=4 k=8 n=8 in=x\ng = gelu m=4 n=20 in=x,y\n", 4,
     "layer g reads 4x16 from x+y but declares n=20"},
    {"matmul: K of inputs side by side", ".ini",
     L "x = matmul m=4 k=8 n=8\ny = matmul m=4 k=8 n=8 in=x\nz = matmul m=4 k=20 n=2 in=x,y\n", 4,
     "layer z reads 4x16 from x+y but declares k=20"},
    {"elements", ".ini", L "x = matmul m=128 k=768 n=768\nr = relu elems=100\n", 3,
     "layer r reads 128x768 from x but declares elems=100"},
    {"shuffle not dividing k", ".ini", L "a = conv k=6 c=3 r=1 h=8 w=8 shuffle=2\n", 2,
     "a: shuffle = 2 needs k = 6 to be a multiple of 4"},
    {"CSV row of another size", ".csv",
     CSV_CONV "c1, 224, 224, 7, 7, 3, 64, 2,\nc2, 56, 56, 3, 3, 64, 64, 1,\n", 3,
     "layer c2 reads 64x109x109 from c1 but declares h=56 w=56"},
    {"CSV row of other channels", ".csv",
     CSV_CONV "c1, 224, 224, 7, 7, 3, 64, 2,\nc2, 109, 109, 3, 3, 32, 64, 1,\n", 3,
     "layer c2 reads 64x109x109 from c1 but declares c=32"},
    {"CSV GEMM of another K", ".csv", "Layer, M, N, K,\nffn1, 128, 3072, 768,\nffn2, 128, 768, 1024,\n",
     3, "layer ffn2 reads 128x3072 from ffn1 but declares k=1024"},
};

START_TEST(bad_input)
{
    const bad_case *c = &bad[_i];
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text(c->text, c->suffix, &path, &m, &e);
    char want[1024];
    if (c->line > 0)
        snprintf(want, sizeof want, "%s:%d: %s", path, c->line, c->msg);
    else
        snprintf(want, sizeof want, "%s: %s", path, c->msg);
    ck_assert_msg(rc == ERR_INPUT, "%s: rc %d (%s)", c->what, rc, e.msg);
    ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s:\n got  %s\n want %s...", c->what,
                  e.msg, want);
    ck_assert_int_eq(m.nlayers, 0);
    ck_assert_ptr_null(m.layers);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(line_too_long)
{
    char text[400] = L "a = " CONV;
    size_t n = strlen(text);
    memset(text + n, ' ', 250);
    strcpy(text + n + 250, "stride=1\n");
    char *path;
    wl_model m;
    err_t e = {{0}};
    int rc = load_text(text, ".ini", &path, &m, &e);
    char want[256];
    snprintf(want, sizeof want, "%s:2: line too long", path);
    ck_assert_int_eq(rc, ERR_INPUT);
    ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "got %s", e.msg);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(bad_spec_in_memory)
{
    wl_tf_spec s;
    wl_tf_defaults(&s, WL_BERT);
    s.d_model = 100;
    s.nlayers = 1;
    s.heads = 3;
    wl_model m;
    err_t e = {{0}};
    ck_assert_int_eq(wl_transformer(&s, "b", &m, &e), ERR_INPUT);
    ck_assert_ptr_nonnull(
        strstr(e.msg, "transformer b: heads: d_model = 100 is not a multiple of heads = 3"));
    ck_assert_ptr_null(m.layers);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *tc = tcase_create("shipped");
    tcase_add_test(tc, resnet50_macs_params);
    tcase_add_test(tc, resnet50_residuals);
    tcase_add_test(tc, gpt2_small_params);
    tcase_add_test(tc, named_sizes);
    tcase_add_test(tc, shipped_transformer_params);
    tcase_add_test(tc, bert_base);
    tcase_add_test(tc, attention_head_dims);
    tcase_add_test(tc, gpt2_decode_reads_kv_cache);
    tcase_add_test(tc, shipped_workloads_fit);
    suite_add_tcase(s, tc);
    tc = tcase_create("formats");
    tcase_add_test(tc, decode_from_ini);
    tcase_add_test(tc, explicit_layers);
    tcase_add_test(tc, shapes_that_fit);
    tcase_add_test(tc, kind_names_round_trip);
    tcase_add_test(tc, scalesim_conv_csv);
    tcase_add_test(tc, scalesim_gemm_csv);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, line_too_long);
    tcase_add_test(tc, bad_spec_in_memory);
    suite_add_tcase(s, tc);
    return s;
}
