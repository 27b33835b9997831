/* workload_tf.c - GPT-2 and BERT expanded from a wl_tf_spec into real layers;
 * see workload.h.
 *
 * The expansion only names and sizes layers and wires their edges, as the
 * published architectures do; wl_finish then derives every figure, so a
 * generated model obeys the same rules as a hand-written layer list. */
#include <stdio.h>
#include <string.h>
#include "workload_int.h"

void wl_tf_defaults(wl_tf_spec *spec, wl_family family)
{
    memset(spec, 0, sizeof *spec);
    spec->family = family;
    spec->seq = 128;
    spec->phase = WL_PREFILL;
    spec->elem_bytes = 1;
    spec->vocab = family == WL_GPT2 ? 50257 : 30522;
    spec->context = family == WL_GPT2 ? 1024 : 512;
    spec->lm_head = family == WL_GPT2;
}

const char *wl_tf_problem(const wl_tf_spec *s, char *buf, size_t n, const char **key)
{
    *key = NULL;
    if (s->d_model < 1 || s->nlayers < 1 || s->heads < 1 || s->seq < 1 || s->vocab < 1 ||
        s->context < 1 || s->kv_len < 0)
        return "sizes must be positive";
    if (s->elem_bytes < 1 || s->elem_bytes > 8)
        return "elem_bytes must be 1 to 8";
    *key = "heads";
    if (s->d_model % s->heads) {
        snprintf(buf, n, "d_model = %ld is not a multiple of heads = %ld", s->d_model, s->heads);
        return buf;
    }
    *key = "phase";
    if (s->phase == WL_DECODE && s->family == WL_BERT)
        return "decode is for GPT-2: BERT encodes the whole sequence at once";
    *key = "kv_len";
    if (s->phase == WL_DECODE && s->kv_len < 1)
        return "decode needs kv_len >= 1, the tokens already in the KV cache";
    if (s->phase == WL_PREFILL && s->kv_len)
        return "kv_len is for phase = decode";
    *key = "seq";
    if (s->kv_len + s->seq > s->context) {
        snprintf(buf, n, "kv_len + seq = %ld is more than context = %ld positions",
                 s->kv_len + s->seq, s->context);
        return buf;
    }
    *key = "lm_head";
    if (s->lm_head && s->family == WL_BERT)
        return "lm_head is for GPT-2";
    return NULL;
}

typedef struct {
    wl_model *m;
    int cap;
    const wl_tf_spec *s;
    long head;      /* head size */
    long block;     /* block being built, -1 outside the blocks */
    int rc;         /* first failure; later pushes do nothing */
    err_t *e;
} tf_builder;

/* Appends L as PART of the current block; returns its index. */
static int tf_push(tf_builder *b, const char *part, wl_layer l)
{
    if (b->rc)
        return 0;
    char name[WL_NAME_MAX];
    if (b->block >= 0)
        snprintf(name, sizeof name, "h%ld.%s", b->block, part);
    else
        snprintf(name, sizeof name, "%s", part);
    b->rc = wl_push_layer(b->m, &b->cap, name, &l, 0, b->e);
    return b->m->nlayers - 1;
}

/* A linear layer with bias over the sequence. */
static int tf_linear(tf_builder *b, const char *part, int x, long in, long out)
{
    return tf_push(b, part, (wl_layer){.kind = WL_MATMUL, .m = b->s->seq, .kd = in, .n = out,
                                       .heads = 1, .b = WL_B_WEIGHT, .bias = 1, .ninputs = 1,
                                       .inputs = {x}});
}

static int tf_vector(tf_builder *b, const char *part, wl_op op, int x, long rows, long width)
{
    return tf_push(b, part, (wl_layer){.kind = WL_VECTOR, .op = op, .m = rows, .n = width,
                                       .ninputs = 1, .inputs = {x}});
}

static int tf_layernorm(tf_builder *b, const char *part, int x)
{
    return tf_vector(b, part, WL_OP_LAYERNORM, x, b->s->seq, b->s->d_model);
}

static int tf_add(tf_builder *b, const char *part, int x, int y)
{
    return tf_push(b, part, (wl_layer){.kind = WL_VECTOR, .op = WL_OP_ADD, .m = b->s->seq,
                                       .n = b->s->d_model, .ninputs = 2, .inputs = {x, y}});
}

/* Per-head attention: Q and K (and V) come out of the fused QKV layer; in
   decode the earlier tokens' K and V are read from the cache in DRAM. */
static int tf_attention(tf_builder *b, int x)
{
    const wl_tf_spec *s = b->s;
    long d = s->d_model, tokens = s->kv_len + s->seq;
    wl_operand bop = s->phase == WL_DECODE ? WL_B_KV : WL_B_ACT;
    int qkv = tf_linear(b, "qkv", x, d, 3 * d);
    int qk = tf_push(b, "qk", (wl_layer){.kind = WL_MATMUL, .m = s->seq, .kd = b->head,
                                         .n = tokens, .heads = s->heads, .b = bop,
                                         .kv_len = s->kv_len, .ninputs = 1, .inputs = {qkv}});
    int sm = tf_vector(b, "softmax", WL_OP_SOFTMAX, qk, s->heads * s->seq, tokens);
    int av = tf_push(b, "av", (wl_layer){.kind = WL_MATMUL, .m = s->seq, .kd = tokens,
                                         .n = b->head, .heads = s->heads, .b = bop,
                                         .kv_len = s->kv_len, .ninputs = 2, .inputs = {sm, qkv}});
    return tf_linear(b, "proj", av, d, d);
}

static int tf_ffn(tf_builder *b, int x)
{
    long d = b->s->d_model;
    int fc1 = tf_linear(b, "fc1", x, d, 4 * d);
    int gelu = tf_vector(b, "gelu", WL_OP_GELU, fc1, b->s->seq, 4 * d);
    return tf_linear(b, "fc2", gelu, 4 * d, d);
}

/* One block. GPT-2 normalises before each sublayer and adds the sublayer's
   output to its input (pre-LN); BERT normalises after each residual add
   (post-LN), so the next residual starts from the normalised sum. */
static int tf_block(tf_builder *b, int x, int pre_ln)
{
    int proj = tf_attention(b, pre_ln ? tf_layernorm(b, "ln1", x) : x);
    int sum1 = tf_add(b, "add1", x, proj);
    int y1 = pre_ln ? sum1 : tf_layernorm(b, "ln1", sum1);
    int fc2 = tf_ffn(b, pre_ln ? tf_layernorm(b, "ln2", sum1) : y1);
    int sum2 = tf_add(b, "add2", y1, fc2);
    return pre_ln ? sum2 : tf_layernorm(b, "ln2", sum2);
}

static void tf_build(tf_builder *b)
{
    const wl_tf_spec *s = b->s;
    int gpt2 = s->family == WL_GPT2;
    b->block = -1;
    int x = tf_push(b, "embed", (wl_layer){.kind = WL_VECTOR, .op = WL_OP_EMBED, .m = s->seq,
                                           .n = s->d_model, .vocab = s->vocab,
                                           .npos = s->context, .ntypes = gpt2 ? 0 : 2,
                                           .ninputs = 1, .inputs = {-1}});
    if (!gpt2)
        x = tf_layernorm(b, "embed.ln", x);
    for (b->block = 0; b->block < s->nlayers; b->block++)
        x = tf_block(b, x, gpt2);
    b->block = -1;
    if (!gpt2) {
        /* BERT's pooler: a dense layer on the first ([CLS]) token only. */
        tf_push(b, "pooler", (wl_layer){.kind = WL_MATMUL, .m = 1, .kd = s->d_model,
                                        .n = s->d_model, .heads = 1, .b = WL_B_WEIGHT,
                                        .bias = 1, .ninputs = 1, .inputs = {x}});
        return;
    }
    x = tf_layernorm(b, "ln_f", x);
    if (s->lm_head)
        tf_push(b, "lm_head", (wl_layer){.kind = WL_MATMUL, .m = s->seq, .kd = s->d_model,
                                         .n = s->vocab, .heads = 1, .b = WL_B_WEIGHT,
                                         .tied = 1, .ninputs = 1, .inputs = {x}});
}

int wl_transformer(const wl_tf_spec *spec, const char *name, wl_model *m, err_t *e)
{
    memset(m, 0, sizeof *m);
    char buf[160];
    const char *key;
    const char *why = wl_tf_problem(spec, buf, sizeof buf, &key);
    if (why)
        return err_input(e, "transformer %s: %s%s%s", name, key ? key : "", key ? ": " : "", why);
    if (!*name || strlen(name) >= WL_NAME_MAX)
        return err_input(e, "transformer name '%s' must be 1 to %d characters", name,
                         WL_NAME_MAX - 1);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->elem_bytes = spec->elem_bytes;
    m->has_tf = 1;
    m->tf = *spec;
    tf_builder b = {.m = m, .s = spec, .head = spec->d_model / spec->heads, .e = e};
    tf_build(&b);
    int rc = b.rc ? b.rc : wl_finish(m, e);
    if (rc)
        wl_free(m);
    return rc;
}
