/* workload_onnx_ops.c - the ONNX operator rules: for each supported
 * operator, the shape of its outputs and the layer it makes (compute nodes)
 * or the producers it hands on (shape-only nodes); see workload_onnx_int.h. */
#include <string.h>
#include "workload_onnx_int.h"

/* ---- compute nodes ------------------------------------------------------- */

static int do_conv(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out)
{
    ox_tensor *X, *Wt;
    int rc;
    if ((rc = ox_need(x, nd, 0, &X)) || (rc = ox_need(x, nd, 1, &Wt)) || (rc = ox_need_rank(x, nd, X, 4)) ||
        (rc = ox_need_rank(x, nd, Wt, 4)))
        return rc;
    if (!Wt->is_const)
        return ox_node_err(x, nd, "the weight '%s' must be an initializer", Wt->name);
    wl_layer l = {.kind = WL_CONV, .groups = ox_attr_i(nd, "group", 1), .k = Wt->dims[0]};
    long P, Q;
    if ((rc = ox_window(x, nd, X, Wt->dims[2], Wt->dims[3], 0, &l, &P, &Q)))
        return rc;
    if (l.groups < 1 || X->dims[1] != Wt->dims[1] * l.groups)
        return ox_node_err(x, nd, "%ld input channels but weight %ldx%ld with group %ld", X->dims[1],
                        Wt->dims[0], Wt->dims[1], l.groups);
    l.bias = ox_in_t(x, nd, 2) >= 0;
    long d[4] = {1, l.k, P, Q};
    ox_set_dims(out, 4, d);
    return ox_push(x, nd, idx, &l, X, out);
}

static int do_pool(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out, int max, int global)
{
    ox_tensor *X;
    int rc;
    if ((rc = ox_need(x, nd, 0, &X)) || (rc = ox_need_rank(x, nd, X, 4)))
        return rc;
    wl_layer l = {.kind = WL_VECTOR, .op = max ? WL_OP_MAXPOOL : WL_OP_AVGPOOL};
    long P = 1, Q = 1, ks[OX_MAXVALS];
    if (global) {
        l.r = X->dims[2], l.s = X->dims[3], l.stride = 1;
        l.c = X->dims[1], l.h = X->dims[2], l.w = X->dims[3];
    } else {
        if (ox_attr_ints(nd, "kernel_shape", ks) != 2)
            return ox_node_err(x, nd, "kernel_shape: 2 values expected");
        if ((rc = ox_window(x, nd, X, ks[0], ks[1], 1, &l, &P, &Q)))
            return rc;
    }
    long d[4] = {1, X->dims[1], P, Q};
    ox_set_dims(out, 4, d);
    return ox_push(x, nd, idx, &l, X, out);
}

/* MatMul and Gemm: (M x K).(K x N), a weight when B is an initializer,
   heads independent products when both are activations with batch dims. */
static int do_matmul(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out, int gemm)
{
    ox_tensor *A, *B;
    int rc;
    if ((rc = ox_need(x, nd, 0, &A)) || (rc = ox_need(x, nd, 1, &B)))
        return rc;
    /* ONNX reads transA/transB as booleans: any non-zero value transposes */
    long ta = gemm && ox_attr_i(nd, "transA", 0) != 0, tb = gemm && ox_attr_i(nd, "transB", 0) != 0;
    if (gemm && (A->rank != 2 || B->rank != 2))
        return ox_node_err(x, nd, "Gemm takes 2-D A and B");
    if (A->rank < 1 || B->rank < 1)
        return ox_node_err(x, nd, "scalar operands");
    long M = A->rank == 1 ? 1 : A->dims[A->rank - 2 + (int)ta];
    long K = A->dims[A->rank - 1 - (int)ta];
    long KB = B->rank == 1 ? B->dims[0] : B->dims[B->rank - 2 + (int)tb];
    long N = B->rank == 1 ? 1 : B->dims[B->rank - 1 - (int)tb];
    if (K != KB) {
        char da[96], db[96];
        ox_dims_text(A, da, sizeof da);
        ox_dims_text(B, db, sizeof db);
        return ox_node_err(x, nd, "%s . %s: inner dimensions %ld and %ld differ", da, db, K, KB);
    }
    /* the batch dims of the output: A's and B's broadcast */
    ox_tensor ba = {.rank = A->rank > 2 ? A->rank - 2 : 0}, bb = {.rank = B->rank > 2 ? B->rank - 2 : 0};
    memcpy(ba.dims, A->dims, sizeof(long) * (size_t)ba.rank);
    memcpy(bb.dims, B->dims, sizeof(long) * (size_t)bb.rank);
    ox_tensor bo;
    if ((rc = ox_broadcast(x, nd, &ba, &bb, &bo)))
        return rc;
    long d[OX_MAXRANK];
    int r = bo.rank;
    memcpy(d, bo.dims, sizeof(long) * (size_t)r);
    if (A->rank > 1)
        d[r++] = M;
    if (B->rank > 1)
        d[r++] = N;
    ox_set_dims(out, r, d);
    if (A->is_const)
        return ox_node_err(x, nd, "A is a constant: only B may be a weight");
    if ((rc = ox_one_src(x, nd, B)))
        return rc;
    wl_layer l = {.kind = WL_MATMUL, .heads = 1, .m = M, .kd = K, .n = N};
    if (B->is_const) {
        if (B->rank > 2)
            return ox_node_err(x, nd, "a weight of rank %d (a batch of weights) is not supported",
                            B->rank);
        l.b = WL_B_WEIGHT;
        l.m = (long)(ox_numel(A) / (double)K);
        l.bias = gemm && ox_in_t(x, nd, 2) >= 0;
        return ox_push(x, nd, idx, &l, A, out);
    }
    if ((rc = ox_one_src(x, nd, A)))
        return rc;
    l.b = WL_B_ACT;
    l.heads = (long)ox_numel(&bo);
    ox_tensor both = {0};
    if ((rc = ox_add_srcs(x, nd, &both, A)) || (rc = ox_add_srcs(x, nd, &both, B)))
        return rc;
    return ox_push(x, nd, idx, &l, &both, out);
}

/* A vector op of OP over input 0, OUT shaped as it. */
static int do_unary(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out, wl_op op)
{
    ox_tensor *X;
    int rc;
    if ((rc = ox_need(x, nd, 0, &X)))
        return rc;
    ox_set_dims(out, X->rank, X->dims);
    if (X->is_const) {
        out->is_const = 1;
        return ERR_OK;
    }
    wl_layer l = {.kind = WL_VECTOR, .op = op}; /* several producers: a concat */
    ox_size_vector(x, &l, X, out);
    return ox_push(x, nd, idx, &l, X, out);
}

/* Integer arithmetic on small constants (shape computations). */
static void const_arith(const Onnx__NodeProto *nd, const ox_tensor *a, const ox_tensor *b, ox_tensor *out)
{
    out->is_const = 1;
    out->nvals = -1;
    if (a->nvals < 1 || b->nvals < 1 || ox_numel(out) > OX_MAXVALS)
        return;
    int n = (int)ox_numel(out);
    if ((a->nvals != n && a->nvals != 1) || (b->nvals != n && b->nvals != 1))
        return;
    for (int i = 0; i < n; i++) {
        long va = a->vals[a->nvals == 1 ? 0 : i], vb = b->vals[b->nvals == 1 ? 0 : i];
        out->vals[i] = ox_is_op(nd, "Add") ? va + vb : ox_is_op(nd, "Sub") ? va - vb
                     : ox_is_op(nd, "Mul") ? va * vb : vb ? va / vb : 0;
    }
    out->nvals = n;
}

/* Add, Sub, Mul, Div, Pow. A constant added to a conv or linear layer
   without bias is its bias, to an embedding its position table; otherwise an
   operation with a constant is one vector op per element, and two
   activations of the same size are an add (one op per element). */
static int do_binary(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out)
{
    ox_tensor *A, *B;
    int rc;
    if ((rc = ox_need(x, nd, 0, &A)) || (rc = ox_need(x, nd, 1, &B)) || (rc = ox_broadcast(x, nd, A, B, out)))
        return rc;
    if (A->is_const && B->is_const) {
        const_arith(nd, A, B, out);
        return ERR_OK;
    }
    if (A->is_const || B->is_const) {
        ox_tensor *act = A->is_const ? B : A, *cst = A->is_const ? A : B;
        const wl_layer *pl = ox_layer_of(x, act);
        if (ox_is_op(nd, "Add") && pl && ox_numel(out) == ox_numel(act)) {
            wl_layer *p = &x->m->layers[act->src[0]];
            double nc = ox_numel(cst);
            int fold = 0;
            if (p->kind == WL_MATMUL && p->b == WL_B_WEIGHT && !p->bias && nc == (double)p->n)
                fold = p->bias = 1;
            else if (p->kind == WL_CONV && !p->bias && nc == (double)p->k)
                fold = p->bias = 1;
            else if (p->op == WL_OP_EMBED && !p->npos && cst->gathered_rows)
                p->npos = cst->gathered_rows, fold = 1;
            else if (p->op == WL_OP_EMBED && !p->npos && nc == ox_numel(act))
                p->npos = p->m, fold = 1;
            if (fold) {
                out->nsrc = act->nsrc;
                memcpy(out->src, act->src, sizeof act->src);
                return ERR_OK;
            }
        }
        wl_layer l = {.kind = WL_VECTOR, .op = WL_OP_RELU};
        ox_size_vector(x, &l, act, out);
        return ox_push(x, nd, idx, &l, act, out);
    }
    if ((rc = ox_one_src(x, nd, A)) || (rc = ox_one_src(x, nd, B)))
        return rc;
    ox_tensor both = {0};
    if (ox_numel(A) == ox_numel(B)) {
        if ((rc = ox_add_srcs(x, nd, &both, A)) || (rc = ox_add_srcs(x, nd, &both, B)))
            return rc;
    } else if ((rc = ox_add_srcs(x, nd, &both, ox_numel(A) > ox_numel(B) ? A : B))) {
        return rc; /* a broadcast operand: read with the op, not an edge */
    }
    wl_layer l = {.kind = WL_VECTOR, .op = both.nsrc > 1 ? WL_OP_ADD : WL_OP_RELU};
    ox_size_vector(x, &l, &both, out);
    return ox_push(x, nd, idx, &l, &both, out);
}

/* Gather: rows of an initializer picked by activation indices are an
   embedding; of a constant, a constant; of an activation, a view. */
static int do_gather(ox *x, const Onnx__NodeProto *nd, int idx, ox_tensor *out)
{
    ox_tensor *D, *I;
    int rc;
    if ((rc = ox_need(x, nd, 0, &D)) || (rc = ox_need(x, nd, 1, &I)))
        return rc;
    int axis = ox_norm_axis(ox_attr_i(nd, "axis", 0), D->rank);
    if (axis < 0 || axis >= D->rank || D->rank - 1 + I->rank > OX_MAXRANK)
        return ox_node_err(x, nd, "axis out of range");
    long d[OX_MAXRANK];
    int r = 0;
    for (int i = 0; i < axis; i++)
        d[r++] = D->dims[i];
    for (int i = 0; i < I->rank; i++)
        d[r++] = I->dims[i];
    for (int i = axis + 1; i < D->rank; i++)
        d[r++] = D->dims[i];
    ox_set_dims(out, r, d);
    if (D->is_const && I->is_const) {
        out->is_const = 1;
        out->gathered_rows = D->dims[0];
        if (D->nvals > 0 && D->rank == 1 && I->nvals >= 0 && I->nvals <= OX_MAXVALS) {
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
            return ox_node_err(x, nd, "an embedding gathers rows (axis 0) of a 2-D table");
        wl_layer l = {.kind = WL_VECTOR, .op = WL_OP_EMBED, .vocab = D->dims[0], .n = D->dims[1],
                      .m = (long)ox_numel(I)};
        return ox_push(x, nd, idx, &l, I, out);
    }
    out->nsrc = D->nsrc;
    memcpy(out->src, D->src, sizeof D->src);
    return ERR_OK;
}

/* ---- shape-only nodes: the data of their input, reshaped ------------- */

static void pass(ox_tensor *out, const ox_tensor *in)
{
    out->nsrc = in->nsrc;
    memcpy(out->src, in->src, sizeof in->src);
    out->is_const = in->is_const;
    out->gathered_rows = in->gathered_rows;
}

static int do_reshape(ox *x, const Onnx__NodeProto *nd, ox_tensor *X, ox_tensor *out)
{
    long v[OX_MAXVALS];
    int n, rc;
    if ((rc = ox_const_ints(x, nd, 1, "shape", v, &n)))
        return rc;
    if (n < 0 || n > OX_MAXRANK)
        return ERR_OK; /* left to value_info */
    double total = ox_numel(X), known = 1;
    int infer = -1;
    for (int i = 0; i < n; i++) {
        if (v[i] == 0 && i < X->rank && !ox_attr_i(nd, "allowzero", 0))
            v[i] = X->dims[i];
        if (v[i] == -1)
            infer = i;
        else
            known *= (double)v[i];
    }
    if (infer >= 0)
        v[infer] = known > 0 ? (long)(total / known) : 0;
    ox_set_dims(out, n, v);
    if (ox_numel(out) != total)
        return ox_node_err(x, nd, "cannot reshape %.0f elements to %.0f", total, ox_numel(out));
    out->nvals = X->nvals;
    memcpy(out->vals, X->vals, sizeof X->vals);
    return ERR_OK;
}

static int do_view(ox *x, const Onnx__NodeProto *nd, ox_tensor *out)
{
    ox_tensor *X;
    int rc;
    if ((rc = ox_need(x, nd, 0, &X)))
        return rc;
    pass(out, X);
    long v[OX_MAXVALS], d[OX_MAXRANK];
    int n, r = X->rank;
    if (ox_is_op(nd, "Reshape"))
        return do_reshape(x, nd, X, out);
    if (ox_is_op(nd, "Identity") || ox_is_op(nd, "Dropout") || ox_is_op(nd, "Cast") ||
        ox_is_op(nd, "BatchNormalization")) {
        ox_set_dims(out, X->rank, X->dims);
        out->nvals = X->nvals;
        memcpy(out->vals, X->vals, sizeof X->vals);
        return ERR_OK;
    }
    if (ox_is_op(nd, "Flatten")) {
        int axis = ox_norm_axis(ox_attr_i(nd, "axis", 1), r);
        double a = 1, b = 1;
        for (int i = 0; i < r; i++)
            *(i < axis ? &a : &b) *= (double)X->dims[i];
        d[0] = (long)a, d[1] = (long)b;
        ox_set_dims(out, 2, d);
        return ERR_OK;
    }
    if (ox_is_op(nd, "Transpose")) {
        n = ox_attr_ints(nd, "perm", v);
        for (int i = 0; i < r; i++) {
            long p = n == r ? v[i] : r - 1 - i;
            if (p < 0 || p >= r)
                return ox_node_err(x, nd, "perm out of range");
            d[i] = X->dims[p];
        }
        ox_set_dims(out, r, d);
        return ERR_OK;
    }
    if (ox_is_op(nd, "Squeeze") || ox_is_op(nd, "Unsqueeze")) {
        int unsq = ox_is_op(nd, "Unsqueeze");
        if ((rc = ox_const_ints(x, nd, 1, "axes", v, &n)))
            return rc;
        int nr = unsq ? r + (n > 0 ? n : 0) : r;
        int mark[OX_MAXRANK + OX_MAXVALS] = {0};
        for (int i = 0; i < n; i++) {
            int a = ox_norm_axis(v[i], nr);
            if (a < 0 || a >= nr || a >= OX_MAXRANK)
                return ox_node_err(x, nd, "axes out of range");
            mark[a] = 1;
        }
        int k = 0, j = 0;
        if (unsq) {
            if (nr > OX_MAXRANK)
                return ox_node_err(x, nd, "rank above %d", OX_MAXRANK);
            for (int i = 0; i < nr; i++)
                d[k++] = mark[i] ? 1 : X->dims[j++];
        } else {
            for (int i = 0; i < r; i++)
                if (!(n > 0 ? mark[i] : X->dims[i] == 1))
                    d[k++] = X->dims[i];
        }
        ox_set_dims(out, k, d);
        out->nvals = X->nvals;
        memcpy(out->vals, X->vals, sizeof X->vals);
        return ERR_OK;
    }
    /* Slice */
    long st[OX_MAXVALS], en[OX_MAXVALS], ax[OX_MAXVALS], sp[OX_MAXVALS];
    int ns, ne, na, nsp;
    if ((rc = ox_const_ints(x, nd, 1, "starts", st, &ns)) || (rc = ox_const_ints(x, nd, 2, "ends", en, &ne)) ||
        (rc = ox_const_ints(x, nd, 3, "axes", ax, &na)) || (rc = ox_const_ints(x, nd, 4, NULL, sp, &nsp)))
        return rc;
    if (ns < 0 || ne != ns || (na >= 0 && na != ns) || (nsp >= 0 && nsp != ns))
        return ox_node_err(x, nd, "starts, ends, axes and steps must be constants of one length");
    memcpy(d, X->dims, sizeof(long) * (size_t)r);
    for (int i = 0; i < ns; i++) {
        int a = ox_norm_axis(na >= 0 ? ax[i] : i, r);
        long step = nsp >= 0 ? sp[i] : 1, dim = X->dims[a];
        if (a < 0 || a >= r || step == 0)
            return ox_node_err(x, nd, "axis or step out of range");
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
    ox_set_dims(out, r, d);
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

static int do_concat(ox *x, const Onnx__NodeProto *nd, ox_tensor *out)
{
    ox_tensor *X;
    int rc;
    if ((rc = ox_need(x, nd, 0, &X)))
        return rc;
    int r = X->rank, axis = ox_norm_axis(ox_attr_i(nd, "axis", 0), r), allc = 1, nv = 0;
    if (axis < 0 || axis >= r)
        return ox_node_err(x, nd, "axis out of range");
    long d[OX_MAXRANK];
    memcpy(d, X->dims, sizeof(long) * (size_t)r);
    d[axis] = 0;
    ox_tensor acc = {0};
    for (size_t i = 0; i < nd->n_input; i++) {
        ox_tensor *t;
        if ((rc = ox_need(x, nd, i, &t)))
            return rc;
        if (t->rank != r)
            return ox_node_err(x, nd, "inputs of different ranks");
        d[axis] += t->dims[axis];
        allc &= t->is_const && t->nvals >= 0 && nv + t->nvals <= OX_MAXVALS;
        if (allc) {
            memcpy(out->vals + nv, t->vals, sizeof(long) * (size_t)t->nvals);
            nv += t->nvals;
        }
        if (!t->is_const && (rc = ox_add_srcs(x, nd, &acc, t)))
            return rc;
    }
    ox_set_dims(out, r, d);
    out->nsrc = acc.nsrc;
    memcpy(out->src, acc.src, sizeof acc.src);
    out->is_const = acc.nsrc == 0;
    out->nvals = allc ? nv : -1;
    return ERR_OK;
}

static int do_split(ox *x, const Onnx__NodeProto *nd)
{
    ox_tensor *X;
    int rc, n;
    if ((rc = ox_need(x, nd, 0, &X)))
        return rc;
    int axis = ox_norm_axis(ox_attr_i(nd, "axis", 0), X->rank);
    if (axis < 0 || axis >= X->rank)
        return ox_node_err(x, nd, "axis out of range");
    long v[OX_MAXVALS];
    if ((rc = ox_const_ints(x, nd, 1, "split", v, &n)))
        return rc;
    int no = (int)nd->n_output;
    if (n < 0) {
        long each = (X->dims[axis] + no - 1) / no;
        for (int i = 0; i < no; i++)
            v[i] = i < no - 1 ? each : X->dims[axis] - each * (no - 1);
        n = no;
    }
    if (n != no)
        return ox_node_err(x, nd, "%d sizes for %d outputs", n, no);
    for (int i = 0; i < no; i++) {
        int k = ox_tget(x, nd->output[i]);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        ox_tensor *o = &x->t[k];
        pass(o, X);
        long d[OX_MAXRANK];
        memcpy(d, X->dims, sizeof d);
        d[axis] = v[i];
        ox_set_dims(o, X->rank, d);
    }
    return ERR_OK;
}

/* ---- the dispatcher ---------------------------------------------------- */

int ox_node(ox *x, int idx)
{
    const Onnx__NodeProto *nd = x->g->node[idx];
    if (x->fuse[idx] == OX_FUSE_SKIP)
        return ERR_OK;
    if (nd->domain && *nd->domain && strcmp(nd->domain, "ai.onnx"))
        return ox_node_err(x, nd, "operator of domain '%s' is not supported", nd->domain);
    if (nd->n_output < 1)
        return ox_node_err(x, nd, "no outputs");
    int ko = ox_tget(x, nd->output[0]);
    if (ko < 0)
        return err_internal(x->e, "tensor table full");
    ox_tensor *out = &x->t[ko];
    const char *op = nd->op_type;
    if (x->fuse[idx] == OX_FUSE_LAYERNORM || x->fuse[idx] == OX_FUSE_GELU) {
        if (x->fuse_in[idx] < 0) /* the pattern's input is no tensor of the graph */
            return ox_node_err(x, nd, "the input of this %s pattern is missing",
                               x->fuse[idx] == OX_FUSE_GELU ? "GELU" : "LayerNormalization");
        ox_tensor *X = &x->t[x->fuse_in[idx]];
        if (!X->known)
            return ox_node_err(x, nd, "the shape of input '%s' is unknown", X->name);
        ox_set_dims(out, X->rank, X->dims);
        wl_layer l = {.kind = WL_VECTOR,
                      .op = x->fuse[idx] == OX_FUSE_GELU ? WL_OP_GELU : WL_OP_LAYERNORM};
        ox_size_vector(x, &l, X, out);
        return ox_push(x, nd, idx, &l, X, out);
    }
    if (ox_is_op(nd, "Constant")) {
        const Onnx__AttributeProto *a = ox_attr(nd, "value");
        if (a && a->t) {
            ox_set_const(out, a->t);
        } else if ((a = ox_attr(nd, "value_ints")) || (a = ox_attr(nd, "value_int"))) {
            out->known = out->is_const = 1;
            out->rank = a->n_ints || !a->has_i ? 1 : 0;
            out->dims[0] = (long)a->n_ints;
            out->nvals = a->has_i && !a->n_ints ? 1 : (int)(a->n_ints < OX_MAXVALS ? a->n_ints : 0);
            for (int i = 0; i < out->nvals; i++)
                out->vals[i] = a->has_i && !a->n_ints ? (long)a->i : (long)a->ints[i];
        } else {
            out->known = out->is_const = 1; /* a float scalar or list: its shape is not needed */
        }
        return ERR_OK;
    }
    if (ox_is_op(nd, "Shape")) {
        ox_tensor *X;
        int rc = ox_need(x, nd, 0, &X);
        if (rc)
            return rc;
        long d = X->rank;
        ox_set_dims(out, 1, &d);
        out->is_const = 1;
        out->nvals = X->rank;
        memcpy(out->vals, X->dims, sizeof(long) * (size_t)X->rank);
        return ERR_OK;
    }
    if (ox_is_op(nd, "Conv"))
        return do_conv(x, nd, idx, out);
    if (ox_is_op(nd, "Gemm") || ox_is_op(nd, "MatMul"))
        return do_matmul(x, nd, idx, out, ox_is_op(nd, "Gemm"));
    if (ox_is_op(nd, "MaxPool") || ox_is_op(nd, "AveragePool"))
        return do_pool(x, nd, idx, out, ox_is_op(nd, "MaxPool"), 0);
    if (ox_is_op(nd, "GlobalAveragePool") || ox_is_op(nd, "GlobalMaxPool"))
        return do_pool(x, nd, idx, out, ox_is_op(nd, "GlobalMaxPool"), 1);
    if (ox_is_op(nd, "Add") || ox_is_op(nd, "Sub") || ox_is_op(nd, "Mul") || ox_is_op(nd, "Div") ||
        ox_is_op(nd, "Pow"))
        return do_binary(x, nd, idx, out);
    if (ox_is_op(nd, "Relu") || ox_is_op(nd, "LeakyRelu") || ox_is_op(nd, "Clip") || ox_is_op(nd, "Sigmoid") ||
        ox_is_op(nd, "Tanh") || ox_is_op(nd, "Erf") || ox_is_op(nd, "Sqrt") || ox_is_op(nd, "Exp") ||
        ox_is_op(nd, "HardSigmoid") || ox_is_op(nd, "HardSwish") || ox_is_op(nd, "Neg"))
        return do_unary(x, nd, idx, out, WL_OP_RELU);
    if (ox_is_op(nd, "Gelu"))
        return do_unary(x, nd, idx, out, WL_OP_GELU);
    if (ox_is_op(nd, "Softmax") || ox_is_op(nd, "LogSoftmax"))
        return do_unary(x, nd, idx, out, WL_OP_SOFTMAX);
    if (ox_is_op(nd, "LayerNormalization"))
        return do_unary(x, nd, idx, out, WL_OP_LAYERNORM);
    if (ox_is_op(nd, "Gather"))
        return do_gather(x, nd, idx, out);
    if (ox_is_op(nd, "Concat"))
        return do_concat(x, nd, out);
    if (ox_is_op(nd, "Split"))
        return do_split(x, nd);
    if (ox_is_op(nd, "Reshape") || ox_is_op(nd, "Flatten") || ox_is_op(nd, "Transpose") ||
        ox_is_op(nd, "Squeeze") || ox_is_op(nd, "Unsqueeze") || ox_is_op(nd, "Slice") ||
        ox_is_op(nd, "Identity") || ox_is_op(nd, "Dropout") || ox_is_op(nd, "Cast") ||
        ox_is_op(nd, "BatchNormalization"))
        return do_view(x, nd, out);
    return ox_node_err(x, nd, "unsupported operator %s", op);
}
