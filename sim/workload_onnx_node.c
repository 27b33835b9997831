/* workload_onnx_node.c - what the ONNX operator rules share: a node's
 * attributes, constant inputs, producers and errors, the shape helpers, and
 * how a layer is appended; see workload_onnx_int.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "workload_onnx_int.h"

/* ---- nodes: errors and attributes ------------------------------------- */

static const char *node_name(const Onnx__NodeProto *nd)
{
    return nd->name && *nd->name ? nd->name : nd->n_output ? nd->output[0] : "?";
}


/* "FILE: node 'NAME' (OpType): message", an input error. */
int ox_node_err(const ox *x, const Onnx__NodeProto *nd, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_at(x->e, x->path, 0, "node '%s' (%s): %s", node_name(nd), nd->op_type, msg);
}

const Onnx__AttributeProto *ox_attr(const Onnx__NodeProto *nd, const char *name)
{
    for (size_t i = 0; i < nd->n_attribute; i++)
        if (nd->attribute[i]->name && strcmp(nd->attribute[i]->name, name) == 0)
            return nd->attribute[i];
    return NULL;
}

long ox_attr_i(const Onnx__NodeProto *nd, const char *name, long dflt)
{
    const Onnx__AttributeProto *a = ox_attr(nd, name);
    return a && a->has_i ? (long)a->i : dflt;
}

/* The ints of attribute NAME into V (at most MAXRANK); their count, -1 if absent. */
int ox_attr_ints(const Onnx__NodeProto *nd, const char *name, long *v)
{
    const Onnx__AttributeProto *a = ox_attr(nd, name);
    if (!a)
        return -1;
    int n = (int)(a->n_ints < OX_MAXVALS ? a->n_ints : OX_MAXVALS);
    for (int i = 0; i < n; i++)
        v[i] = (long)a->ints[i];
    return n;
}

int ox_is_op(const Onnx__NodeProto *nd, const char *op)
{
    return strcmp(nd->op_type, op) == 0;
}

/* Input I of ND as a tensor index; -1 when absent (optional, "" or past the end). */
int ox_in_t(const ox *x, const Onnx__NodeProto *nd, size_t i)
{
    if (i >= nd->n_input || !*nd->input[i])
        return -1;
    return ox_tfind(x, nd->input[i]);
}

/* ---- constants ---------------------------------------------------------- */

/* Reads an initializer or a Constant's value into T: shape, and the values
   of a small int tensor. */
void ox_set_const(ox_tensor *t, const Onnx__TensorProto *tp)
{
    t->known = 1;
    t->is_const = 1;
    t->rank = (int)(tp->n_dims < OX_MAXRANK ? tp->n_dims : OX_MAXRANK);
    for (int i = 0; i < t->rank; i++)
        t->dims[i] = (long)tp->dims[i];
    t->nvals = -1;
    double n = ox_numel(t);
    if (n > OX_MAXVALS)
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
int ox_const_ints(const ox *x, const Onnx__NodeProto *nd, size_t i, const char *name, long *v,
                      int *n)
{
    *n = name ? ox_attr_ints(nd, name, v) : -1;
    if (*n >= 0)
        return ERR_OK;
    int k = ox_in_t(x, nd, i);
    if (k < 0)
        return ERR_OK;
    const ox_tensor *t = &x->t[k];
    if (!t->is_const || t->nvals < 0)
        return ox_node_err(x, nd, "input %zu ('%s') must be a constant int tensor", i, t->name);
    *n = t->nvals;
    memcpy(v, t->vals, sizeof(long) * (size_t)t->nvals);
    return ERR_OK;
}

/* ---- producers ------------------------------------------------------- */

/* Adds S's producers to D's; an error past mcmsim's inputs per layer. */
int ox_add_srcs(const ox *x, const Onnx__NodeProto *nd, ox_tensor *d, const ox_tensor *s)
{
    for (int i = 0; i < s->nsrc; i++) {
        int dup = 0;
        for (int j = 0; j < d->nsrc; j++)
            dup |= d->src[j] == s->src[i];
        if (dup)
            continue;
        if (d->nsrc == WL_MAX_INPUTS)
            return ox_node_err(x, nd, "reads more than %d layers (mcmsim's limit per layer)",
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
int ox_push(ox *x, const Onnx__NodeProto *nd, int idx, wl_layer *l, const ox_tensor *src,
                ox_tensor *out)
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

const wl_layer *ox_layer_of(const ox *x, const ox_tensor *t)
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
void ox_size_vector(const ox *x, wl_layer *l, const ox_tensor *in, const ox_tensor *out)
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
        l->m = (long)(ox_numel(out) / (double)n);
    } else {
        l->elems = (long)ox_numel(out);
    }
}

/* ---- shape helpers ------------------------------------------------------ */

void ox_set_dims(ox_tensor *t, int rank, const long *dims)
{
    t->known = 1;
    t->rank = rank;
    memcpy(t->dims, dims, sizeof(long) * (size_t)rank);
}

/* Input I of ND, which must be there with a known shape. */
int ox_need(const ox *x, const Onnx__NodeProto *nd, size_t i, ox_tensor **t)
{
    int k = ox_in_t(x, nd, i);
    if (k < 0)
        return ox_node_err(x, nd, "input %zu is missing", i);
    if (!x->t[k].known)
        return ox_node_err(x, nd, "the shape of input '%s' is unknown (neither inferred nor in the "
                        "graph's value_info)", x->t[k].name);
    *t = &x->t[k];
    return ERR_OK;
}

int ox_norm_axis(long a, int rank)
{
    return (int)(a < 0 ? a + rank : a);
}

/* Numpy broadcasting of A and B into OUT. */
int ox_broadcast(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *a, const ox_tensor *b,
                     ox_tensor *out)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    long d[OX_MAXRANK];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        long da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char ta[96], tb[96];
            ox_dims_text(a, ta, sizeof ta);
            ox_dims_text(b, tb, sizeof tb);
            return ox_node_err(x, nd, "shapes %s and %s do not broadcast", ta, tb);
        }
        d[i] = da == 1 ? db : da;
    }
    ox_set_dims(out, r, d);
    return ERR_OK;
}

/* The output rows and columns of a sliding window over X (conv and pools),
   and the one stride and symmetric pad mcmsim's layer needs to give them. */
int ox_window(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *X, long R, long S,
                  int pool, wl_layer *l, long *P, long *Q)
{
    long st[OX_MAXVALS] = {1, 1}, dil[OX_MAXVALS] = {1, 1}, pads[OX_MAXVALS] = {0, 0, 0, 0};
    int n;
    if ((n = ox_attr_ints(nd, "strides", st)) >= 0 && n != 2)
        return ox_node_err(x, nd, "strides: 2 values expected (a 2-D window)");
    if ((n = ox_attr_ints(nd, "dilations", dil)) >= 0 && n != 2)
        return ox_node_err(x, nd, "dilations: 2 values expected");
    if ((n = ox_attr_ints(nd, "pads", pads)) >= 0 && n != 4)
        return ox_node_err(x, nd, "pads: 4 values expected");
    if (st[0] != st[1])
        return ox_node_err(x, nd, "strides %ldx%ld: mcmsim's layers have one stride", st[0], st[1]);
    if (st[0] < 1 || dil[0] < 1 || dil[1] < 1)
        return ox_node_err(x, nd, "strides and dilations must be positive");
    long H = X->dims[2], W = X->dims[3];
    long effR = dil[0] * (R - 1) + 1, effS = dil[1] * (S - 1) + 1;
    const Onnx__AttributeProto *ap = ox_attr(nd, "auto_pad");
    if (ap && ap->has_s && ap->s.len && strncmp((const char *)ap->s.data, "NOTSET", ap->s.len)) {
        int valid = strncmp((const char *)ap->s.data, "VALID", ap->s.len) == 0;
        long th = valid ? 0 : ((H + st[0] - 1) / st[0] - 1) * st[0] + effR - H;
        long tw = valid ? 0 : ((W + st[0] - 1) / st[0] - 1) * st[0] + effS - W;
        th = th < 0 ? 0 : th, tw = tw < 0 ? 0 : tw;
        pads[0] = th / 2, pads[2] = th - th / 2, pads[1] = tw / 2, pads[3] = tw - tw / 2;
    }
    long ceil_mode = pool ? ox_attr_i(nd, "ceil_mode", 0) : 0;
    long nh = H + pads[0] + pads[2] - effR, nw = W + pads[1] + pads[3] - effS;
    if (nh < 0 || nw < 0)
        return ox_node_err(x, nd, "the window is larger than the padded input");
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
    return ox_node_err(x, nd, "%ldx%ld output from %ldx%ld (dilations %ldx%ld, pads %ld,%ld,%ld,%ld): "
                    "no symmetric pad of mcmsim's gives it", *P, *Q, H, W, dil[0], dil[1],
                    pads[0], pads[1], pads[2], pads[3]);
}

int ox_need_rank(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *t, int rank)
{
    if (t->rank == rank)
        return ERR_OK;
    char d[96];
    ox_dims_text(t, d, sizeof d);
    return ox_node_err(x, nd, "input '%s' is %s; rank %d expected", t->name, d, rank);
}

/* The one producer of operand T of a layer that must read it whole. */
int ox_one_src(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *t)
{
    if (t->nsrc > 1)
        return ox_node_err(x, nd, "operand '%s' is a concat of %d layers; mcmsim reads a concat only "
                        "as the input of a conv, pool, linear layer or unary vector op", t->name,
                        t->nsrc);
    return ERR_OK;
}
