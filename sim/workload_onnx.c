/* workload_onnx.c - an ONNX model (*.onnx) as a layer DAG; see workload.h
 * and README (Workload, ONNX).
 *
 * The file is parsed with protobuf-c from the onnx.proto Debian's
 * libonnx-dev ships (the C is generated at build time into build/gen). Every
 * tensor gets a shape (inferred here; the graph's value_info is used where
 * inference cannot, and checked against it where both exist) and the set of
 * layers whose output it is. Compute nodes become layers reading the layers
 * behind their operands; shape-only nodes (Reshape, Transpose, Flatten,
 * Split, Slice, Concat, ...) make no layer and hand their input's producers
 * on, so a residual add or a concat is an edge from the layers that made the
 * data. Initializers are weights. The model is read at batch 1: dimension 0
 * of every graph input is the batch, which must be symbolic or 1 (mcmsim
 * applies the batch itself).
 *
 * Errors name the node: "FILE: node 'NAME' (OpType): message" (line 0, as
 * err_at writes a file-wide error; a binary file has no lines). Layers carry
 * line 0, so wl_finish's messages read "FILE: layer NAME ...". */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "onnx.pb-c.h"
#include "workload_int.h"

#define MAXRANK 8
#define MAXVALS 64 /* int values kept per constant tensor (shape arithmetic) */

typedef struct {
    const char *name;
    int known;                /* shape known */
    int rank;
    long dims[MAXRANK];
    int is_const;             /* initializer or a constant computed from them */
    int nvals;                /* int values, when it is a small int constant (else -1) */
    long vals[MAXVALS];
    int nsrc;                 /* producers: layer indices, -1 the model input */
    int src[WL_MAX_INPUTS];
    long gathered_rows;       /* a constant gathered from a table of this many rows */
    int vi_known;             /* a static shape from the graph's value_info / outputs */
    int vi_rank;
    long vi_dims[MAXRANK];
} tensor;

enum { FUSE_NONE, FUSE_SKIP, FUSE_LAYERNORM, FUSE_GELU };

typedef struct {
    const char *path;
    const Onnx__GraphProto *g;
    tensor *t;
    int nt, capt;
    int *hash;                /* open addressing over t, -1 empty */
    int hcap;
    int *fuse;                /* per node */
    int *fuse_in;             /* per node: the fused pattern's input tensor */
    wl_model *m;
    int cap;
    err_t *e;
} ox;

/* ---- tensors by name -------------------------------------------------- */

static unsigned long hash_str(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static int tfind(const ox *x, const char *name)
{
    for (unsigned long i = hash_str(name) % (unsigned long)x->hcap;; i = (i + 1) % (unsigned long)x->hcap) {
        int k = x->hash[i];
        if (k < 0)
            return -1;
        if (strcmp(x->t[k].name, name) == 0)
            return k;
    }
}

/* The tensor NAME, created unknown when new; -1 when out of memory. */
static int tget(ox *x, const char *name)
{
    int k = tfind(x, name);
    if (k >= 0)
        return k;
    if (x->nt == x->capt)
        return -1; /* sized up front */
    k = x->nt++;
    memset(&x->t[k], 0, sizeof x->t[k]);
    x->t[k].name = name;
    x->t[k].nvals = -1;
    unsigned long i = hash_str(name) % (unsigned long)x->hcap;
    while (x->hash[i] >= 0)
        i = (i + 1) % (unsigned long)x->hcap;
    x->hash[i] = k;
    return k;
}

static double numel(const tensor *t)
{
    double n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= (double)t->dims[i];
    return n;
}

static void dims_text(const tensor *t, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < t->rank && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%ld", i ? "," : "", t->dims[i]);
    if (used < n)
        snprintf(buf + used, n - used, "]");
}

/* ---- nodes: errors and attributes ------------------------------------- */

static const char *node_name(const Onnx__NodeProto *nd)
{
    return nd->name && *nd->name ? nd->name : nd->n_output ? nd->output[0] : "?";
}


/* "FILE: node 'NAME' (OpType): message", an input error. */
static int node_err(const ox *x, const Onnx__NodeProto *nd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int node_err(const ox *x, const Onnx__NodeProto *nd, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_at(x->e, x->path, 0, "node '%s' (%s): %s", node_name(nd), nd->op_type, msg);
}

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *nd, const char *name)
{
    for (size_t i = 0; i < nd->n_attribute; i++)
        if (nd->attribute[i]->name && strcmp(nd->attribute[i]->name, name) == 0)
            return nd->attribute[i];
    return NULL;
}

static long attr_i(const Onnx__NodeProto *nd, const char *name, long dflt)
{
    const Onnx__AttributeProto *a = attr(nd, name);
    return a && a->has_i ? (long)a->i : dflt;
}

/* The ints of attribute NAME into V (at most MAXRANK); their count, -1 if absent. */
static int attr_ints(const Onnx__NodeProto *nd, const char *name, long *v)
{
    const Onnx__AttributeProto *a = attr(nd, name);
    if (!a)
        return -1;
    int n = (int)(a->n_ints < MAXVALS ? a->n_ints : MAXVALS);
    for (int i = 0; i < n; i++)
        v[i] = (long)a->ints[i];
    return n;
}

static int is_op(const Onnx__NodeProto *nd, const char *op)
{
    return strcmp(nd->op_type, op) == 0;
}

/* Input I of ND as a tensor index; -1 when absent (optional, "" or past the end). */
static int in_t(const ox *x, const Onnx__NodeProto *nd, size_t i)
{
    if (i >= nd->n_input || !*nd->input[i])
        return -1;
    return tfind(x, nd->input[i]);
}

/* ---- constants ---------------------------------------------------------- */

/* Reads an initializer or a Constant's value into T: shape, and the values
   of a small int tensor. */
static void set_const(tensor *t, const Onnx__TensorProto *tp)
{
    t->known = 1;
    t->is_const = 1;
    t->rank = (int)(tp->n_dims < MAXRANK ? tp->n_dims : MAXRANK);
    for (int i = 0; i < t->rank; i++)
        t->dims[i] = (long)tp->dims[i];
    t->nvals = -1;
    double n = numel(t);
    if (n > MAXVALS)
        return;
    int k = (int)n;
    if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) {
        if (tp->n_int64_data == (size_t)k) {
            for (int i = 0; i < k; i++)
                t->vals[i] = (long)tp->int64_data[i];
            t->nvals = k;
        } else if (tp->has_raw_data && tp->raw_data.len == (size_t)k * 8) {
            for (int i = 0; i < k; i++) {
                int64_t v;
                memcpy(&v, tp->raw_data.data + 8 * i, 8);
                t->vals[i] = (long)v;
            }
            t->nvals = k;
        }
    } else if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32) {
        if (tp->n_int32_data == (size_t)k) {
            for (int i = 0; i < k; i++)
                t->vals[i] = tp->int32_data[i];
            t->nvals = k;
        } else if (tp->has_raw_data && tp->raw_data.len == (size_t)k * 4) {
            for (int i = 0; i < k; i++) {
                int32_t v;
                memcpy(&v, tp->raw_data.data + 4 * i, 4);
                t->vals[i] = v;
            }
            t->nvals = k;
        }
    }
}

/* The int values of input I (a constant), or of attribute NAME when the
   opset gives it so; count into *N (-1: neither). */
static int const_ints(const ox *x, const Onnx__NodeProto *nd, size_t i, const char *name, long *v,
                      int *n)
{
    *n = name ? attr_ints(nd, name, v) : -1;
    if (*n >= 0)
        return ERR_OK;
    int k = in_t(x, nd, i);
    if (k < 0)
        return ERR_OK;
    const tensor *t = &x->t[k];
    if (!t->is_const || t->nvals < 0)
        return node_err(x, nd, "input %zu ('%s') must be a constant int tensor", i, t->name);
    *n = t->nvals;
    memcpy(v, t->vals, sizeof(long) * (size_t)t->nvals);
    return ERR_OK;
}

/* ---- producers ------------------------------------------------------- */

/* Adds S's producers to D's; an error past mcmsim's inputs per layer. */
static int add_srcs(const ox *x, const Onnx__NodeProto *nd, tensor *d, const tensor *s)
{
    for (int i = 0; i < s->nsrc; i++) {
        int dup = 0;
        for (int j = 0; j < d->nsrc; j++)
            dup |= d->src[j] == s->src[i];
        if (dup)
            continue;
        if (d->nsrc == WL_MAX_INPUTS)
            return node_err(x, nd, "reads more than %d layers (mcmsim's limit per layer)",
                            WL_MAX_INPUTS);
        d->src[d->nsrc++] = s->src[i];
    }
    return ERR_OK;
}

/* ---- layers ------------------------------------------------------------ */

/* A name for ND's layer: its own when mcmsim can take it, else OpType_INDEX. */
static void layer_name(const ox *x, const Onnx__NodeProto *nd, int idx, char *buf, size_t n)
{
    char why[64];
    const char *own = nd->name && *nd->name ? nd->name : NULL;
    if (own && !wl_name_problem(own, why, sizeof why) && wl_find(x->m, own) < 0) {
        snprintf(buf, n, "%s", own);
        return;
    }
    snprintf(buf, n, "%.30s_%d", nd->op_type, idx);
}

/* Appends L reading the producers of SRC (the model input when it has
   none); OUT's tensor then holds the new layer. */
static int push(ox *x, const Onnx__NodeProto *nd, int idx, wl_layer *l, const tensor *src,
                tensor *out)
{
    char name[WL_NAME_MAX];
    if (src && src->nsrc) {
        l->ninputs = src->nsrc;
        memcpy(l->inputs, src->src, sizeof(int) * (size_t)src->nsrc);
    } else if (!l->ninputs) {
        l->ninputs = 1;
        l->inputs[0] = -1;
    }
    layer_name(x, nd, idx, name, sizeof name);
    int rc = wl_push_layer(x->m, &x->cap, name, l, 0, x->e);
    if (rc)
        return rc;
    out->nsrc = 1;
    out->src[0] = x->m->nlayers - 1;
    out->is_const = 0;
    out->nvals = -1;
    return ERR_OK;
}

static const wl_layer *layer_of(const ox *x, const tensor *t)
{
    return t->nsrc == 1 && t->src[0] >= 0 ? &x->m->layers[t->src[0]] : NULL;
}

static int is_image(const wl_layer *l)
{
    return l->kind == WL_CONV || wl_form_of(l) == WL_F_POOL || (l->kind == WL_VECTOR && l->c);
}

/* Sizes a vector op of OP producing OUT (dims known) from the producers of
   IN, in the form its producers output, so that wl_finish's shape checks
   read it as it lies in memory: images as c h w (a rank-4 output), rows as
   m rows of the last dimension; a mix, or images seen through a reshape, by
   the element count (a layernorm needs its width: rows). */
static void size_vector(const ox *x, wl_layer *l, const tensor *in, const tensor *out)
{
    int img = 0, mat = 0;
    for (int i = 0; i < in->nsrc; i++)
        if (in->src[i] >= 0)
            *(is_image(&x->m->layers[in->src[i]]) ? &img : &mat) = 1;
    long n = out->rank ? out->dims[out->rank - 1] : 1;
    if (!mat && out->rank == 4) {
        l->c = out->dims[1], l->h = out->dims[2], l->w = out->dims[3];
    } else if ((mat && !img) || !img || l->op == WL_OP_LAYERNORM) {
        l->n = n;
        l->m = (long)(numel(out) / (double)n);
    } else {
        l->elems = (long)numel(out);
    }
}

/* ---- shape helpers ------------------------------------------------------ */

static void set_dims(tensor *t, int rank, const long *dims)
{
    t->known = 1;
    t->rank = rank;
    memcpy(t->dims, dims, sizeof(long) * (size_t)rank);
}

/* Input I of ND, which must be there with a known shape. */
static int need(const ox *x, const Onnx__NodeProto *nd, size_t i, tensor **t)
{
    int k = in_t(x, nd, i);
    if (k < 0)
        return node_err(x, nd, "input %zu is missing", i);
    if (!x->t[k].known)
        return node_err(x, nd, "the shape of input '%s' is unknown (neither inferred nor in the "
                        "graph's value_info)", x->t[k].name);
    *t = &x->t[k];
    return ERR_OK;
}

static int norm_axis(long a, int rank)
{
    return (int)(a < 0 ? a + rank : a);
}

/* Numpy broadcasting of A and B into OUT. */
static int broadcast(const ox *x, const Onnx__NodeProto *nd, const tensor *a, const tensor *b,
                     tensor *out)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    long d[MAXRANK];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        long da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char ta[96], tb[96];
            dims_text(a, ta, sizeof ta);
            dims_text(b, tb, sizeof tb);
            return node_err(x, nd, "shapes %s and %s do not broadcast", ta, tb);
        }
        d[i] = da == 1 ? db : da;
    }
    set_dims(out, r, d);
    return ERR_OK;
}

/* The output rows and columns of a sliding window over X (conv and pools),
   and the one stride and symmetric pad mcmsim's layer needs to give them. */
static int window(const ox *x, const Onnx__NodeProto *nd, const tensor *X, long R, long S,
                  int pool, wl_layer *l, long *P, long *Q)
{
    long st[MAXVALS] = {1, 1}, dil[MAXVALS] = {1, 1}, pads[MAXVALS] = {0, 0, 0, 0};
    int n;
    if ((n = attr_ints(nd, "strides", st)) >= 0 && n != 2)
        return node_err(x, nd, "strides: 2 values expected (a 2-D window)");
    if ((n = attr_ints(nd, "dilations", dil)) >= 0 && n != 2)
        return node_err(x, nd, "dilations: 2 values expected");
    if ((n = attr_ints(nd, "pads", pads)) >= 0 && n != 4)
        return node_err(x, nd, "pads: 4 values expected");
    if (st[0] != st[1])
        return node_err(x, nd, "strides %ldx%ld: mcmsim's layers have one stride", st[0], st[1]);
    if (st[0] < 1 || dil[0] < 1 || dil[1] < 1)
        return node_err(x, nd, "strides and dilations must be positive");
    long H = X->dims[2], W = X->dims[3];
    long effR = dil[0] * (R - 1) + 1, effS = dil[1] * (S - 1) + 1;
    const Onnx__AttributeProto *ap = attr(nd, "auto_pad");
    if (ap && ap->has_s && ap->s.len && strncmp((const char *)ap->s.data, "NOTSET", ap->s.len)) {
        int valid = strncmp((const char *)ap->s.data, "VALID", ap->s.len) == 0;
        long th = valid ? 0 : ((H + st[0] - 1) / st[0] - 1) * st[0] + effR - H;
        long tw = valid ? 0 : ((W + st[0] - 1) / st[0] - 1) * st[0] + effS - W;
        th = th < 0 ? 0 : th, tw = tw < 0 ? 0 : tw;
        pads[0] = th / 2, pads[2] = th - th / 2, pads[1] = tw / 2, pads[3] = tw - tw / 2;
    }
    long ceil_mode = pool ? attr_i(nd, "ceil_mode", 0) : 0;
    long nh = H + pads[0] + pads[2] - effR, nw = W + pads[1] + pads[3] - effS;
    if (nh < 0 || nw < 0)
        return node_err(x, nd, "the window is larger than the padded input");
    *P = (nh + (ceil_mode ? st[0] - 1 : 0)) / st[0] + 1;
    *Q = (nw + (ceil_mode ? st[0] - 1 : 0)) / st[0] + 1;
    /* mcmsim: p = (h + 2 pad - r) / stride + 1 with the taps r, so dilation
       and asymmetric pads become the pad that gives the same output */
    for (long pad = 0; pad <= H + W + effR + effS; pad++)
        if (H + 2 * pad >= R && W + 2 * pad >= S && (H + 2 * pad - R) / st[0] + 1 == *P &&
            (W + 2 * pad - S) / st[0] + 1 == *Q) {
            l->stride = st[0];
            l->pad = pad;
            l->r = R, l->s = S;
            l->c = X->dims[1], l->h = H, l->w = W;
            return ERR_OK;
        }
    return node_err(x, nd, "%ldx%ld output from %ldx%ld (dilations %ldx%ld, pads %ld,%ld,%ld,%ld): "
                    "no symmetric pad of mcmsim's gives it", *P, *Q, H, W, dil[0], dil[1],
                    pads[0], pads[1], pads[2], pads[3]);
}

static int need_rank(const ox *x, const Onnx__NodeProto *nd, const tensor *t, int rank)
{
    if (t->rank == rank)
        return ERR_OK;
    char d[96];
    dims_text(t, d, sizeof d);
    return node_err(x, nd, "input '%s' is %s; rank %d expected", t->name, d, rank);
}

/* The one producer of operand T of a layer that must read it whole. */
static int one_src(const ox *x, const Onnx__NodeProto *nd, const tensor *t)
{
    if (t->nsrc > 1)
        return node_err(x, nd, "operand '%s' is a concat of %d layers; mcmsim reads a concat only "
                        "as the input of a conv, pool, linear layer or unary vector op", t->name,
                        t->nsrc);
    return ERR_OK;
}

/* ---- compute nodes ------------------------------------------------------- */

static int do_conv(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out)
{
    tensor *X, *Wt;
    int rc;
    if ((rc = need(x, nd, 0, &X)) || (rc = need(x, nd, 1, &Wt)) || (rc = need_rank(x, nd, X, 4)) ||
        (rc = need_rank(x, nd, Wt, 4)))
        return rc;
    if (!Wt->is_const)
        return node_err(x, nd, "the weight '%s' must be an initializer", Wt->name);
    wl_layer l = {.kind = WL_CONV, .groups = attr_i(nd, "group", 1), .k = Wt->dims[0]};
    long P, Q;
    if ((rc = window(x, nd, X, Wt->dims[2], Wt->dims[3], 0, &l, &P, &Q)))
        return rc;
    if (l.groups < 1 || X->dims[1] != Wt->dims[1] * l.groups)
        return node_err(x, nd, "%ld input channels but weight %ldx%ld with group %ld", X->dims[1],
                        Wt->dims[0], Wt->dims[1], l.groups);
    l.bias = in_t(x, nd, 2) >= 0;
    long d[4] = {1, l.k, P, Q};
    set_dims(out, 4, d);
    return push(x, nd, idx, &l, X, out);
}

static int do_pool(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out, int max, int global)
{
    tensor *X;
    int rc;
    if ((rc = need(x, nd, 0, &X)) || (rc = need_rank(x, nd, X, 4)))
        return rc;
    wl_layer l = {.kind = WL_VECTOR, .op = max ? WL_OP_MAXPOOL : WL_OP_AVGPOOL};
    long P = 1, Q = 1, ks[MAXVALS];
    if (global) {
        l.r = X->dims[2], l.s = X->dims[3], l.stride = 1;
        l.c = X->dims[1], l.h = X->dims[2], l.w = X->dims[3];
    } else {
        if (attr_ints(nd, "kernel_shape", ks) != 2)
            return node_err(x, nd, "kernel_shape: 2 values expected");
        if ((rc = window(x, nd, X, ks[0], ks[1], 1, &l, &P, &Q)))
            return rc;
    }
    long d[4] = {1, X->dims[1], P, Q};
    set_dims(out, 4, d);
    return push(x, nd, idx, &l, X, out);
}

/* MatMul and Gemm: (M x K).(K x N), a weight when B is an initializer,
   heads independent products when both are activations with batch dims. */
static int do_matmul(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out, int gemm)
{
    tensor *A, *B;
    int rc;
    if ((rc = need(x, nd, 0, &A)) || (rc = need(x, nd, 1, &B)))
        return rc;
    /* ONNX reads transA/transB as booleans: any non-zero value transposes */
    long ta = gemm && attr_i(nd, "transA", 0) != 0, tb = gemm && attr_i(nd, "transB", 0) != 0;
    if (gemm && (A->rank != 2 || B->rank != 2))
        return node_err(x, nd, "Gemm takes 2-D A and B");
    if (A->rank < 1 || B->rank < 1)
        return node_err(x, nd, "scalar operands");
    long M = A->rank == 1 ? 1 : A->dims[A->rank - 2 + (int)ta];
    long K = A->dims[A->rank - 1 - (int)ta];
    long KB = B->rank == 1 ? B->dims[0] : B->dims[B->rank - 2 + (int)tb];
    long N = B->rank == 1 ? 1 : B->dims[B->rank - 1 - (int)tb];
    if (K != KB) {
        char da[96], db[96];
        dims_text(A, da, sizeof da);
        dims_text(B, db, sizeof db);
        return node_err(x, nd, "%s . %s: inner dimensions %ld and %ld differ", da, db, K, KB);
    }
    /* the batch dims of the output: A's and B's broadcast */
    tensor ba = {.rank = A->rank > 2 ? A->rank - 2 : 0}, bb = {.rank = B->rank > 2 ? B->rank - 2 : 0};
    memcpy(ba.dims, A->dims, sizeof(long) * (size_t)ba.rank);
    memcpy(bb.dims, B->dims, sizeof(long) * (size_t)bb.rank);
    tensor bo;
    if ((rc = broadcast(x, nd, &ba, &bb, &bo)))
        return rc;
    long d[MAXRANK];
    int r = bo.rank;
    memcpy(d, bo.dims, sizeof(long) * (size_t)r);
    if (A->rank > 1)
        d[r++] = M;
    if (B->rank > 1)
        d[r++] = N;
    set_dims(out, r, d);
    if (A->is_const)
        return node_err(x, nd, "A is a constant: only B may be a weight");
    if ((rc = one_src(x, nd, B)))
        return rc;
    wl_layer l = {.kind = WL_MATMUL, .heads = 1, .m = M, .kd = K, .n = N};
    if (B->is_const) {
        if (B->rank > 2)
            return node_err(x, nd, "a weight of rank %d (a batch of weights) is not supported",
                            B->rank);
        l.b = WL_B_WEIGHT;
        l.m = (long)(numel(A) / (double)K);
        l.bias = gemm && in_t(x, nd, 2) >= 0;
        return push(x, nd, idx, &l, A, out);
    }
    if ((rc = one_src(x, nd, A)))
        return rc;
    l.b = WL_B_ACT;
    l.heads = (long)numel(&bo);
    tensor both = {0};
    if ((rc = add_srcs(x, nd, &both, A)) || (rc = add_srcs(x, nd, &both, B)))
        return rc;
    return push(x, nd, idx, &l, &both, out);
}

/* A vector op of OP over input 0, OUT shaped as it. */
static int do_unary(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out, wl_op op)
{
    tensor *X;
    int rc;
    if ((rc = need(x, nd, 0, &X)))
        return rc;
    set_dims(out, X->rank, X->dims);
    if (X->is_const) {
        out->is_const = 1;
        return ERR_OK;
    }
    wl_layer l = {.kind = WL_VECTOR, .op = op}; /* several producers: a concat */
    size_vector(x, &l, X, out);
    return push(x, nd, idx, &l, X, out);
}

/* Integer arithmetic on small constants (shape computations). */
static void const_arith(const Onnx__NodeProto *nd, const tensor *a, const tensor *b, tensor *out)
{
    out->is_const = 1;
    out->nvals = -1;
    if (a->nvals < 1 || b->nvals < 1 || numel(out) > MAXVALS)
        return;
    int n = (int)numel(out);
    if ((a->nvals != n && a->nvals != 1) || (b->nvals != n && b->nvals != 1))
        return;
    for (int i = 0; i < n; i++) {
        long va = a->vals[a->nvals == 1 ? 0 : i], vb = b->vals[b->nvals == 1 ? 0 : i];
        out->vals[i] = is_op(nd, "Add") ? va + vb : is_op(nd, "Sub") ? va - vb
                     : is_op(nd, "Mul") ? va * vb : vb ? va / vb : 0;
    }
    out->nvals = n;
}

/* Add, Sub, Mul, Div, Pow. A constant added to a conv or linear layer
   without bias is its bias, to an embedding its position table; otherwise an
   operation with a constant is one vector op per element, and two
   activations of the same size are an add (one op per element). */
static int do_binary(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out)
{
    tensor *A, *B;
    int rc;
    if ((rc = need(x, nd, 0, &A)) || (rc = need(x, nd, 1, &B)) || (rc = broadcast(x, nd, A, B, out)))
        return rc;
    if (A->is_const && B->is_const) {
        const_arith(nd, A, B, out);
        return ERR_OK;
    }
    if (A->is_const || B->is_const) {
        tensor *act = A->is_const ? B : A, *cst = A->is_const ? A : B;
        const wl_layer *pl = layer_of(x, act);
        if (is_op(nd, "Add") && pl && numel(out) == numel(act)) {
            wl_layer *p = &x->m->layers[act->src[0]];
            double nc = numel(cst);
            int fold = 0;
            if (p->kind == WL_MATMUL && p->b == WL_B_WEIGHT && !p->bias && nc == (double)p->n)
                fold = p->bias = 1;
            else if (p->kind == WL_CONV && !p->bias && nc == (double)p->k)
                fold = p->bias = 1;
            else if (p->op == WL_OP_EMBED && !p->npos && cst->gathered_rows)
                p->npos = cst->gathered_rows, fold = 1;
            else if (p->op == WL_OP_EMBED && !p->npos && nc == numel(act))
                p->npos = p->m, fold = 1;
            if (fold) {
                out->nsrc = act->nsrc;
                memcpy(out->src, act->src, sizeof act->src);
                return ERR_OK;
            }
        }
        wl_layer l = {.kind = WL_VECTOR, .op = WL_OP_RELU};
        size_vector(x, &l, act, out);
        return push(x, nd, idx, &l, act, out);
    }
    if ((rc = one_src(x, nd, A)) || (rc = one_src(x, nd, B)))
        return rc;
    tensor both = {0};
    if (numel(A) == numel(B)) {
        if ((rc = add_srcs(x, nd, &both, A)) || (rc = add_srcs(x, nd, &both, B)))
            return rc;
    } else if ((rc = add_srcs(x, nd, &both, numel(A) > numel(B) ? A : B))) {
        return rc; /* a broadcast operand: read with the op, not an edge */
    }
    wl_layer l = {.kind = WL_VECTOR, .op = both.nsrc > 1 ? WL_OP_ADD : WL_OP_RELU};
    size_vector(x, &l, &both, out);
    return push(x, nd, idx, &l, &both, out);
}

/* Gather: rows of an initializer picked by activation indices are an
   embedding; of a constant, a constant; of an activation, a view. */
static int do_gather(ox *x, const Onnx__NodeProto *nd, int idx, tensor *out)
{
    tensor *D, *I;
    int rc;
    if ((rc = need(x, nd, 0, &D)) || (rc = need(x, nd, 1, &I)))
        return rc;
    int axis = norm_axis(attr_i(nd, "axis", 0), D->rank);
    if (axis < 0 || axis >= D->rank || D->rank - 1 + I->rank > MAXRANK)
        return node_err(x, nd, "axis out of range");
    long d[MAXRANK];
    int r = 0;
    for (int i = 0; i < axis; i++)
        d[r++] = D->dims[i];
    for (int i = 0; i < I->rank; i++)
        d[r++] = I->dims[i];
    for (int i = axis + 1; i < D->rank; i++)
        d[r++] = D->dims[i];
    set_dims(out, r, d);
    if (D->is_const && I->is_const) {
        out->is_const = 1;
        out->gathered_rows = D->dims[0];
        if (D->nvals > 0 && D->rank == 1 && I->nvals >= 0 && I->nvals <= MAXVALS) {
            for (int i = 0; i < I->nvals; i++) {
                long k = I->vals[i] < 0 ? I->vals[i] + D->nvals : I->vals[i];
                out->vals[i] = k >= 0 && k < D->nvals ? D->vals[k] : 0;
            }
            out->nvals = I->nvals;
        }
        return ERR_OK;
    }
    if (D->is_const) {
        if (axis != 0 || D->rank != 2)
            return node_err(x, nd, "an embedding gathers rows (axis 0) of a 2-D table");
        wl_layer l = {.kind = WL_VECTOR, .op = WL_OP_EMBED, .vocab = D->dims[0], .n = D->dims[1],
                      .m = (long)numel(I)};
        return push(x, nd, idx, &l, I, out);
    }
    out->nsrc = D->nsrc;
    memcpy(out->src, D->src, sizeof D->src);
    return ERR_OK;
}

/* ---- shape-only nodes: the data of their input, reshaped ------------- */

static void pass(tensor *out, const tensor *in)
{
    out->nsrc = in->nsrc;
    memcpy(out->src, in->src, sizeof in->src);
    out->is_const = in->is_const;
    out->gathered_rows = in->gathered_rows;
}

static int do_reshape(ox *x, const Onnx__NodeProto *nd, tensor *X, tensor *out)
{
    long v[MAXVALS];
    int n, rc;
    if ((rc = const_ints(x, nd, 1, "shape", v, &n)))
        return rc;
    if (n < 0 || n > MAXRANK)
        return ERR_OK; /* left to value_info */
    double total = numel(X), known = 1;
    int infer = -1;
    for (int i = 0; i < n; i++) {
        if (v[i] == 0 && i < X->rank && !attr_i(nd, "allowzero", 0))
            v[i] = X->dims[i];
        if (v[i] == -1)
            infer = i;
        else
            known *= (double)v[i];
    }
    if (infer >= 0)
        v[infer] = known > 0 ? (long)(total / known) : 0;
    set_dims(out, n, v);
    if (numel(out) != total)
        return node_err(x, nd, "cannot reshape %.0f elements to %.0f", total, numel(out));
    out->nvals = X->nvals;
    memcpy(out->vals, X->vals, sizeof X->vals);
    return ERR_OK;
}

static int do_view(ox *x, const Onnx__NodeProto *nd, tensor *out)
{
    tensor *X;
    int rc;
    if ((rc = need(x, nd, 0, &X)))
        return rc;
    pass(out, X);
    long v[MAXVALS], d[MAXRANK];
    int n, r = X->rank;
    if (is_op(nd, "Reshape"))
        return do_reshape(x, nd, X, out);
    if (is_op(nd, "Identity") || is_op(nd, "Dropout") || is_op(nd, "Cast") ||
        is_op(nd, "BatchNormalization")) {
        set_dims(out, X->rank, X->dims);
        out->nvals = X->nvals;
        memcpy(out->vals, X->vals, sizeof X->vals);
        return ERR_OK;
    }
    if (is_op(nd, "Flatten")) {
        int axis = norm_axis(attr_i(nd, "axis", 1), r);
        double a = 1, b = 1;
        for (int i = 0; i < r; i++)
            *(i < axis ? &a : &b) *= (double)X->dims[i];
        d[0] = (long)a, d[1] = (long)b;
        set_dims(out, 2, d);
        return ERR_OK;
    }
    if (is_op(nd, "Transpose")) {
        n = attr_ints(nd, "perm", v);
        for (int i = 0; i < r; i++) {
            long p = n == r ? v[i] : r - 1 - i;
            if (p < 0 || p >= r)
                return node_err(x, nd, "perm out of range");
            d[i] = X->dims[p];
        }
        set_dims(out, r, d);
        return ERR_OK;
    }
    if (is_op(nd, "Squeeze") || is_op(nd, "Unsqueeze")) {
        int unsq = is_op(nd, "Unsqueeze");
        if ((rc = const_ints(x, nd, 1, "axes", v, &n)))
            return rc;
        int nr = unsq ? r + (n > 0 ? n : 0) : r;
        int mark[MAXRANK + MAXVALS] = {0};
        for (int i = 0; i < n; i++) {
            int a = norm_axis(v[i], nr);
            if (a < 0 || a >= nr || a >= MAXRANK)
                return node_err(x, nd, "axes out of range");
            mark[a] = 1;
        }
        int k = 0, j = 0;
        if (unsq) {
            if (nr > MAXRANK)
                return node_err(x, nd, "rank above %d", MAXRANK);
            for (int i = 0; i < nr; i++)
                d[k++] = mark[i] ? 1 : X->dims[j++];
        } else {
            for (int i = 0; i < r; i++)
                if (!(n > 0 ? mark[i] : X->dims[i] == 1))
                    d[k++] = X->dims[i];
        }
        set_dims(out, k, d);
        out->nvals = X->nvals;
        memcpy(out->vals, X->vals, sizeof X->vals);
        return ERR_OK;
    }
    /* Slice */
    long st[MAXVALS], en[MAXVALS], ax[MAXVALS], sp[MAXVALS];
    int ns, ne, na, nsp;
    if ((rc = const_ints(x, nd, 1, "starts", st, &ns)) || (rc = const_ints(x, nd, 2, "ends", en, &ne)) ||
        (rc = const_ints(x, nd, 3, "axes", ax, &na)) || (rc = const_ints(x, nd, 4, NULL, sp, &nsp)))
        return rc;
    if (ns < 0 || ne != ns || (na >= 0 && na != ns) || (nsp >= 0 && nsp != ns))
        return node_err(x, nd, "starts, ends, axes and steps must be constants of one length");
    memcpy(d, X->dims, sizeof(long) * (size_t)r);
    for (int i = 0; i < ns; i++) {
        int a = norm_axis(na >= 0 ? ax[i] : i, r);
        long step = nsp >= 0 ? sp[i] : 1, dim = X->dims[a];
        if (a < 0 || a >= r || step == 0)
            return node_err(x, nd, "axis or step out of range");
        long s0 = st[i] < 0 ? st[i] + dim : st[i], e0 = en[i] < 0 ? en[i] + dim : en[i];
        if (step > 0) {
            s0 = s0 < 0 ? 0 : s0 > dim ? dim : s0;
            e0 = e0 < 0 ? 0 : e0 > dim ? dim : e0;
            d[a] = e0 > s0 ? (e0 - s0 + step - 1) / step : 0;
        } else {
            s0 = s0 < 0 ? 0 : s0 > dim - 1 ? dim - 1 : s0;
            e0 = e0 < -1 ? -1 : e0 > dim - 1 ? dim - 1 : e0;
            d[a] = s0 > e0 ? (s0 - e0 - step - 1) / -step : 0;
        }
    }
    set_dims(out, r, d);
    if (X->nvals >= 0 && r == 1 && ns == 1) {
        long s0 = st[0] < 0 ? st[0] + X->dims[0] : st[0];
        s0 = s0 < 0 ? 0 : s0;
        long step = nsp >= 0 ? sp[0] : 1;
        out->nvals = (int)d[0];
        for (int i = 0; i < d[0]; i++)
            out->vals[i] = X->vals[s0 + i * step];
    }
    return ERR_OK;
}

static int do_concat(ox *x, const Onnx__NodeProto *nd, tensor *out)
{
    tensor *X;
    int rc;
    if ((rc = need(x, nd, 0, &X)))
        return rc;
    int r = X->rank, axis = norm_axis(attr_i(nd, "axis", 0), r), allc = 1, nv = 0;
    if (axis < 0 || axis >= r)
        return node_err(x, nd, "axis out of range");
    long d[MAXRANK];
    memcpy(d, X->dims, sizeof(long) * (size_t)r);
    d[axis] = 0;
    tensor acc = {0};
    for (size_t i = 0; i < nd->n_input; i++) {
        tensor *t;
        if ((rc = need(x, nd, i, &t)))
            return rc;
        if (t->rank != r)
            return node_err(x, nd, "inputs of different ranks");
        d[axis] += t->dims[axis];
        allc &= t->is_const && t->nvals >= 0 && nv + t->nvals <= MAXVALS;
        if (allc) {
            memcpy(out->vals + nv, t->vals, sizeof(long) * (size_t)t->nvals);
            nv += t->nvals;
        }
        if (!t->is_const && (rc = add_srcs(x, nd, &acc, t)))
            return rc;
    }
    set_dims(out, r, d);
    out->nsrc = acc.nsrc;
    memcpy(out->src, acc.src, sizeof acc.src);
    out->is_const = acc.nsrc == 0;
    out->nvals = allc ? nv : -1;
    return ERR_OK;
}

static int do_split(ox *x, const Onnx__NodeProto *nd)
{
    tensor *X;
    int rc, n;
    if ((rc = need(x, nd, 0, &X)))
        return rc;
    int axis = norm_axis(attr_i(nd, "axis", 0), X->rank);
    if (axis < 0 || axis >= X->rank)
        return node_err(x, nd, "axis out of range");
    long v[MAXVALS];
    if ((rc = const_ints(x, nd, 1, "split", v, &n)))
        return rc;
    int no = (int)nd->n_output;
    if (n < 0) {
        long each = (X->dims[axis] + no - 1) / no;
        for (int i = 0; i < no; i++)
            v[i] = i < no - 1 ? each : X->dims[axis] - each * (no - 1);
        n = no;
    }
    if (n != no)
        return node_err(x, nd, "%d sizes for %d outputs", n, no);
    for (int i = 0; i < no; i++) {
        int k = tget(x, nd->output[i]);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        tensor *o = &x->t[k];
        pass(o, X);
        long d[MAXRANK];
        memcpy(d, X->dims, sizeof d);
        d[axis] = v[i];
        set_dims(o, X->rank, d);
    }
    return ERR_OK;
}

/* ---- fused patterns: a decomposed LayerNormalization, the Erf GELU ---- */

/* The only node reading T, or -1 (none, several, or T a graph output). */
static int sole_consumer(const ox *x, const char *t)
{
    int who = -1;
    for (size_t i = 0; i < x->g->n_node; i++)
        for (size_t j = 0; j < x->g->node[i]->n_input; j++)
            if (strcmp(x->g->node[i]->input[j], t) == 0) {
                if (who >= 0 && who != (int)i)
                    return -1;
                who = (int)i;
            }
    for (size_t i = 0; i < x->g->n_output; i++)
        if (strcmp(x->g->output[i]->name, t) == 0)
            return -1;
    return who;
}

/* The sole consumer of node I's output if it is OP (reading it), else -1. */
static int next_op(const ox *x, int i, const char *op)
{
    const Onnx__NodeProto *nd = x->g->node[i];
    if (nd->n_output != 1)
        return -1;
    int k = sole_consumer(x, nd->output[0]);
    return k >= 0 && is_op(x->g->node[k], op) && x->fuse[k] == FUSE_NONE ? k : -1;
}

/* The other input of binary node K than NAME; NULL if it has not two. */
static const char *other_in(const ox *x, int k, const char *name)
{
    const Onnx__NodeProto *nd = x->g->node[k];
    if (nd->n_input != 2)
        return NULL;
    return strcmp(nd->input[0], name) == 0 ? nd->input[1] : nd->input[0];
}

static int is_const_name(const ox *x, const char *name)
{
    int k = tfind(x, name);
    return k >= 0 && x->t[k].is_const;
}

/* Marks NODES[0..N-1] as one pattern ending at the last, reading tensor IN. */
static void fuse(ox *x, const int *nodes, int n, int kind, const char *in)
{
    for (int i = 0; i < n; i++)
        x->fuse[nodes[i]] = FUSE_SKIP;
    x->fuse[nodes[n - 1]] = kind;
    x->fuse_in[nodes[n - 1]] = tfind(x, in);
}

/* X -> ReduceMean -> Sub(X, mean) -> Pow(, 2) -> ReduceMean -> Add(eps) -> Sqrt
   -> Div(sub, sqrt) [-> Mul(gamma) -> Add(beta)]: PyTorch's LayerNorm before
   opset 17. Only the shape of the pattern is matched, not its constants. */
static void match_layernorm(ox *x, int i)
{
    const Onnx__NodeProto *rm = x->g->node[i];
    if (rm->n_input < 1 || rm->n_output != 1)
        return;
    const char *X = rm->input[0];
    int sub = -1;
    for (size_t k = 0; k < x->g->n_node && sub < 0; k++) {
        const Onnx__NodeProto *nd = x->g->node[k];
        if (is_op(nd, "Sub") && nd->n_input == 2 && strcmp(nd->input[0], X) == 0 &&
            strcmp(nd->input[1], rm->output[0]) == 0)
            sub = (int)k;
    }
    if (sub < 0 || sole_consumer(x, rm->output[0]) != sub)
        return;
    /* sub feeds Pow and Div */
    const char *d = x->g->node[sub]->output[0];
    int pw = -1, dv = -1;
    for (size_t k = 0; k < x->g->n_node; k++) {
        const Onnx__NodeProto *nd = x->g->node[k];
        for (size_t j = 0; j < nd->n_input; j++)
            if (strcmp(nd->input[j], d) == 0) {
                if ((is_op(nd, "Pow") && j == 0) || (is_op(nd, "Mul") && nd->n_input == 2 &&
                                                     strcmp(nd->input[1 - j], d) == 0))
                    pw = (int)k;
                else if (is_op(nd, "Div") && j == 0)
                    dv = (int)k;
                else
                    return;
            }
    }
    if (pw < 0 || dv < 0)
        return;
    int rm2 = next_op(x, pw, "ReduceMean"), ad = rm2 >= 0 ? next_op(x, rm2, "Add") : -1;
    int sq = ad >= 0 ? next_op(x, ad, "Sqrt") : -1;
    if (sq < 0 || sole_consumer(x, x->g->node[sq]->output[0]) != dv)
        return;
    int nodes[9] = {i, sub, pw, rm2, ad, sq, dv}, n = 7;
    int mul = next_op(x, dv, "Mul");
    if (mul >= 0 && is_const_name(x, other_in(x, mul, x->g->node[dv]->output[0]))) {
        nodes[n++] = mul;
        int add = next_op(x, mul, "Add");
        if (add >= 0 && is_const_name(x, other_in(x, add, x->g->node[mul]->output[0])))
            nodes[n++] = add;
    }
    fuse(x, nodes, n, FUSE_LAYERNORM, X);
}

/* X -> Div(, sqrt 2) -> Erf -> Add(, 1) -> Mul(X, ) -> Mul(, 0.5): PyTorch's
   exact GELU before opset 20 (the 0.5 may also come first: Mul(Mul(X, 0.5), )). */
static void match_gelu(ox *x, int e)
{
    const Onnx__NodeProto *erf = x->g->node[e];
    if (erf->n_input != 1)
        return;
    int dv = -1;
    for (size_t k = 0; k < x->g->n_node; k++)
        if (x->g->node[k]->n_output == 1 && strcmp(x->g->node[k]->output[0], erf->input[0]) == 0)
            dv = (int)k;
    if (dv < 0 || !(is_op(x->g->node[dv], "Div") || is_op(x->g->node[dv], "Mul")) ||
        sole_consumer(x, erf->input[0]) != e || x->g->node[dv]->n_input != 2 ||
        !is_const_name(x, x->g->node[dv]->input[1]))
        return;
    const char *X = x->g->node[dv]->input[0];
    int ad = next_op(x, e, "Add");
    int mul = ad >= 0 ? next_op(x, ad, "Mul") : -1;
    if (mul < 0)
        return;
    const char *o = other_in(x, mul, x->g->node[ad]->output[0]);
    if (!o)
        return;
    int nodes[6] = {dv, e, ad}, n = 3;
    if (strcmp(o, X) == 0) {
        nodes[n++] = mul;
        int half = next_op(x, mul, "Mul");
        if (half >= 0 && is_const_name(x, other_in(x, half, x->g->node[mul]->output[0])))
            nodes[n++] = half;
    } else {
        int h = -1; /* o = Mul(X, 0.5), read only here */
        for (size_t k = 0; k < x->g->n_node; k++)
            if (x->g->node[k]->n_output == 1 && strcmp(x->g->node[k]->output[0], o) == 0)
                h = (int)k;
        if (h < 0 || !is_op(x->g->node[h], "Mul") || strcmp(x->g->node[h]->input[0], X) ||
            sole_consumer(x, o) != mul)
            return;
        nodes[n++] = h;
        nodes[n++] = mul;
    }
    fuse(x, nodes, n, FUSE_GELU, X);
}

/* ---- the dispatcher ---------------------------------------------------- */

static int do_node(ox *x, int idx)
{
    const Onnx__NodeProto *nd = x->g->node[idx];
    if (x->fuse[idx] == FUSE_SKIP)
        return ERR_OK;
    if (nd->domain && *nd->domain && strcmp(nd->domain, "ai.onnx"))
        return node_err(x, nd, "operator of domain '%s' is not supported", nd->domain);
    if (nd->n_output < 1)
        return node_err(x, nd, "no outputs");
    int ko = tget(x, nd->output[0]);
    if (ko < 0)
        return err_internal(x->e, "tensor table full");
    tensor *out = &x->t[ko];
    const char *op = nd->op_type;
    if (x->fuse[idx] == FUSE_LAYERNORM || x->fuse[idx] == FUSE_GELU) {
        if (x->fuse_in[idx] < 0) /* the pattern's input is no tensor of the graph */
            return node_err(x, nd, "the input of this %s pattern is missing",
                            x->fuse[idx] == FUSE_GELU ? "GELU" : "LayerNormalization");
        tensor *X = &x->t[x->fuse_in[idx]];
        if (!X->known)
            return node_err(x, nd, "the shape of input '%s' is unknown", X->name);
        set_dims(out, X->rank, X->dims);
        wl_layer l = {.kind = WL_VECTOR,
                      .op = x->fuse[idx] == FUSE_GELU ? WL_OP_GELU : WL_OP_LAYERNORM};
        size_vector(x, &l, X, out);
        return push(x, nd, idx, &l, X, out);
    }
    if (is_op(nd, "Constant")) {
        const Onnx__AttributeProto *a = attr(nd, "value");
        if (a && a->t) {
            set_const(out, a->t);
        } else if ((a = attr(nd, "value_ints")) || (a = attr(nd, "value_int"))) {
            out->known = out->is_const = 1;
            out->rank = a->n_ints || !a->has_i ? 1 : 0;
            out->dims[0] = (long)a->n_ints;
            out->nvals = a->has_i && !a->n_ints ? 1 : (int)(a->n_ints < MAXVALS ? a->n_ints : 0);
            for (int i = 0; i < out->nvals; i++)
                out->vals[i] = a->has_i && !a->n_ints ? (long)a->i : (long)a->ints[i];
        } else {
            out->known = out->is_const = 1; /* a float scalar or list: its shape is not needed */
        }
        return ERR_OK;
    }
    if (is_op(nd, "Shape")) {
        tensor *X;
        int rc = need(x, nd, 0, &X);
        if (rc)
            return rc;
        long d = X->rank;
        set_dims(out, 1, &d);
        out->is_const = 1;
        out->nvals = X->rank;
        memcpy(out->vals, X->dims, sizeof(long) * (size_t)X->rank);
        return ERR_OK;
    }
    if (is_op(nd, "Conv"))
        return do_conv(x, nd, idx, out);
    if (is_op(nd, "Gemm") || is_op(nd, "MatMul"))
        return do_matmul(x, nd, idx, out, is_op(nd, "Gemm"));
    if (is_op(nd, "MaxPool") || is_op(nd, "AveragePool"))
        return do_pool(x, nd, idx, out, is_op(nd, "MaxPool"), 0);
    if (is_op(nd, "GlobalAveragePool") || is_op(nd, "GlobalMaxPool"))
        return do_pool(x, nd, idx, out, is_op(nd, "GlobalMaxPool"), 1);
    if (is_op(nd, "Add") || is_op(nd, "Sub") || is_op(nd, "Mul") || is_op(nd, "Div") ||
        is_op(nd, "Pow"))
        return do_binary(x, nd, idx, out);
    if (is_op(nd, "Relu") || is_op(nd, "LeakyRelu") || is_op(nd, "Clip") || is_op(nd, "Sigmoid") ||
        is_op(nd, "Tanh") || is_op(nd, "Erf") || is_op(nd, "Sqrt") || is_op(nd, "Exp") ||
        is_op(nd, "HardSigmoid") || is_op(nd, "HardSwish") || is_op(nd, "Neg"))
        return do_unary(x, nd, idx, out, WL_OP_RELU);
    if (is_op(nd, "Gelu"))
        return do_unary(x, nd, idx, out, WL_OP_GELU);
    if (is_op(nd, "Softmax") || is_op(nd, "LogSoftmax"))
        return do_unary(x, nd, idx, out, WL_OP_SOFTMAX);
    if (is_op(nd, "LayerNormalization"))
        return do_unary(x, nd, idx, out, WL_OP_LAYERNORM);
    if (is_op(nd, "Gather"))
        return do_gather(x, nd, idx, out);
    if (is_op(nd, "Concat"))
        return do_concat(x, nd, out);
    if (is_op(nd, "Split"))
        return do_split(x, nd);
    if (is_op(nd, "Reshape") || is_op(nd, "Flatten") || is_op(nd, "Transpose") ||
        is_op(nd, "Squeeze") || is_op(nd, "Unsqueeze") || is_op(nd, "Slice") ||
        is_op(nd, "Identity") || is_op(nd, "Dropout") || is_op(nd, "Cast") ||
        is_op(nd, "BatchNormalization"))
        return do_view(x, nd, out);
    return node_err(x, nd, "unsupported operator %s", op);
}

/* ---- value_info, graph inputs, the loader ------------------------------ */

/* A value_info's static shape into T (dim 0 symbolic: the batch, 1);
   0 when it has none usable. */
static int vi_shape(const Onnx__ValueInfoProto *vi, int *rank, long *dims, const char **sym,
                    int *symdim)
{
    *sym = NULL;
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !vi->type->tensor_type || !vi->type->tensor_type->shape)
        return 0;
    const Onnx__TensorShapeProto *s = vi->type->tensor_type->shape;
    if (s->n_dim > MAXRANK)
        return 0;
    *rank = (int)s->n_dim;
    for (int i = 0; i < *rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = s->dim[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            dims[i] = (long)d->dim_value;
        } else if (i == 0) {
            dims[i] = 1;
        } else {
            *sym = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                       ? d->dim_param : "?";
            *symdim = i;
            return 0;
        }
    }
    return 1;
}

static int same_dims(int ra, const long *a, int rb, const long *b)
{
    if (ra != rb)
        return 0;
    for (int i = 0; i < ra; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* proto2 leaves an absent string field NULL; the graph walk reads names
   everywhere, so each absent one becomes an empty string of its own, which
   free_unpacked frees like any other (the default allocator is malloc's). */
static int fill_str(char **s)
{
    if (!*s)
        *s = calloc(1, 1);
    return *s ? 0 : -1;
}

static int fill_names(Onnx__GraphProto *g)
{
    int bad = 0;
    for (size_t i = 0; i < g->n_node; i++) {
        Onnx__NodeProto *nd = g->node[i];
        bad |= fill_str(&nd->name) | fill_str(&nd->op_type) | fill_str(&nd->domain);
        for (size_t j = 0; j < nd->n_attribute; j++)
            bad |= fill_str(&nd->attribute[j]->name);
    }
    for (size_t i = 0; i < g->n_initializer; i++)
        bad |= fill_str(&g->initializer[i]->name);
    Onnx__ValueInfoProto **lists[] = {g->input, g->output, g->value_info};
    size_t counts[] = {g->n_input, g->n_output, g->n_value_info};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < counts[l]; i++)
            bad |= fill_str(&lists[l][i]->name);
    return bad;
}

static int load_graph(ox *x)
{
    const Onnx__GraphProto *g = x->g;
    for (size_t i = 0; i < g->n_initializer; i++) {
        int k = tget(x, g->initializer[i]->name);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        set_const(&x->t[k], g->initializer[i]);
    }
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        int k = tget(x, vi->name);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        tensor *t = &x->t[k];
        if (t->is_const)
            continue; /* an initializer listed as an input (older exporters) */
        const char *sym;
        int symdim = 0;
        if (!vi_shape(vi, &t->rank, t->dims, &sym, &symdim))
            return sym ? err_at(x->e, x->path, 0,
                                "graph input '%s': dimension %d is symbolic ('%s'); only the "
                                "batch (dimension 0) may be: export with fixed sizes",
                                vi->name, symdim, sym)
                       : err_at(x->e, x->path, 0, "graph input '%s' has no tensor shape", vi->name);
        if (t->rank > 0 && t->dims[0] != 1)
            return err_at(x->e, x->path, 0,
                          "graph input '%s' has a fixed batch of %ld: export with batch 1 or a "
                          "dynamic batch axis (mcmsim applies the batch itself)",
                          vi->name, t->dims[0]);
        t->known = 1;
        t->nsrc = 1;
        t->src[0] = -1;
    }
    for (int pass_ = 0; pass_ < 2; pass_++) {
        size_t n = pass_ ? g->n_output : g->n_value_info;
        Onnx__ValueInfoProto **v = pass_ ? g->output : g->value_info;
        for (size_t i = 0; i < n; i++) {
            int k = tget(x, v[i]->name);
            if (k < 0)
                return err_internal(x->e, "tensor table full");
            const char *sym;
            int sd;
            if (!x->t[k].known)
                x->t[k].vi_known = vi_shape(v[i], &x->t[k].vi_rank, x->t[k].vi_dims, &sym, &sd);
        }
    }
    for (size_t i = 0; i < g->n_node; i++) {
        if (is_op(g->node[i], "ReduceMean") && x->fuse[i] == FUSE_NONE)
            match_layernorm(x, (int)i);
    }
    for (size_t i = 0; i < g->n_node; i++)
        if (is_op(g->node[i], "Erf") && x->fuse[i] == FUSE_NONE)
            match_gelu(x, (int)i);
    for (size_t i = 0; i < g->n_node; i++) {
        int rc = do_node(x, (int)i);
        if (rc)
            return rc;
        const Onnx__NodeProto *nd = g->node[i];
        for (size_t j = 0; j < nd->n_output && x->fuse[i] != FUSE_SKIP; j++) {
            int k = tfind(x, nd->output[j]);
            if (k < 0) /* an output its operator does not make (MaxPool's Indices, say) */
                continue;
            tensor *t = &x->t[k];
            if (!t->known && t->vi_known)
                set_dims(t, t->vi_rank, t->vi_dims);
            else if (t->known && t->vi_known && !t->is_const &&
                     !same_dims(t->rank, t->dims, t->vi_rank, t->vi_dims)) {
                char a[96], b[96];
                tensor v = {.rank = t->vi_rank};
                memcpy(v.dims, t->vi_dims, sizeof v.dims);
                dims_text(t, a, sizeof a);
                dims_text(&v, b, sizeof b);
                return node_err(x, nd, "output '%s' is %s, but the graph's value_info says %s",
                                t->name, a, b);
            }
        }
    }
    return ERR_OK;
}

int wl_onnx_load(const char *path, wl_model *m, err_t *e)
{
    if (!(m->path = strdup(path)))
        return err_internal(e, "out of memory");
    wl_name_from_path(path, m->name, sizeof m->name);
    m->elem_bytes = 1;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return err_at(e, path, 0, "cannot open: %s", strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, got;
    int rc = ERR_OK;
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 16;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                rc = err_internal(e, "out of memory reading %s", path);
                break;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
    } while (got > 0);
    if (!rc && ferror(fp))
        rc = err_internal(e, "reading %s: %s", path, strerror(errno));
    fclose(fp);
    Onnx__ModelProto *mp = rc ? NULL : onnx__model_proto__unpack(NULL, len, buf);
    free(buf);
    if (rc)
        return rc;
    if (!mp || !mp->graph) {
        if (mp) /* a ModelProto without a graph still owns what it parsed */
            onnx__model_proto__free_unpacked(mp, NULL);
        return err_at(e, path, 0, "not an ONNX model (the protobuf does not parse as a ModelProto "
                      "with a graph)");
    }
    if (fill_names(mp->graph)) {
        onnx__model_proto__free_unpacked(mp, NULL);
        return err_internal(e, "out of memory");
    }
    ox x = {.path = path, .g = mp->graph, .m = m, .e = e};
    const Onnx__GraphProto *g = mp->graph;
    size_t nt = g->n_initializer + g->n_input + g->n_output + g->n_value_info + 16;
    for (size_t i = 0; i < g->n_node; i++)
        nt += g->node[i]->n_output + g->node[i]->n_input;
    x.capt = (int)nt;
    x.hcap = 2 * x.capt + 1;
    x.t = calloc(nt, sizeof *x.t);
    x.hash = malloc(sizeof(int) * (size_t)x.hcap);
    x.fuse = calloc(g->n_node + 1, sizeof(int));
    x.fuse_in = calloc(g->n_node + 1, sizeof(int));
    if (!x.t || !x.hash || !x.fuse || !x.fuse_in) {
        rc = err_internal(e, "out of memory");
    } else {
        memset(x.hash, -1, sizeof(int) * (size_t)x.hcap);
        rc = load_graph(&x);
    }
    free(x.t);
    free(x.hash);
    free(x.fuse);
    free(x.fuse_in);
    onnx__model_proto__free_unpacked(mp, NULL);
    return rc ? rc : wl_finish(m, e);
}
