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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workload_onnx_int.h"

/* ---- tensors by name -------------------------------------------------- */

static names_key tensor_name(const void *x, int k)
{
    return names_one(((const ox *)x)->t[k].name);
}

int ox_tfind(const ox *x, const char *name)
{
    return names_find(&x->names, names_one(name), tensor_name, x);
}

/* The tensor NAME, created unknown when new; -1 when out of memory. */
int ox_tget(ox *x, const char *name)
{
    int k = ox_tfind(x, name);
    if (k >= 0)
        return k;
    if (x->nt == x->capt)
        return -1; /* sized up front */
    k = x->nt++;
    memset(&x->t[k], 0, sizeof x->t[k]);
    x->t[k].name = name;
    x->t[k].nvals = -1;
    return names_add(&x->names, tensor_name, x) ? -1 : k;
}

double ox_numel(const ox_tensor *t)
{
    double n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= (double)t->dims[i];
    return n;
}

void ox_dims_text(const ox_tensor *t, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < t->rank && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%ld", i ? "," : "", t->dims[i]);
    if (used < n)
        snprintf(buf + used, n - used, "]");
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
    return k >= 0 && ox_is_op(x->g->node[k], op) && x->fuse[k] == OX_FUSE_NONE ? k : -1;
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
    int k = ox_tfind(x, name);
    return k >= 0 && x->t[k].is_const;
}

/* Marks NODES[0..N-1] as one pattern ending at the last, reading tensor IN. */
static void fuse(ox *x, const int *nodes, int n, int kind, const char *in)
{
    for (int i = 0; i < n; i++)
        x->fuse[nodes[i]] = OX_FUSE_SKIP;
    x->fuse[nodes[n - 1]] = kind;
    x->fuse_in[nodes[n - 1]] = ox_tfind(x, in);
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
        if (ox_is_op(nd, "Sub") && nd->n_input == 2 && strcmp(nd->input[0], X) == 0 &&
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
                if ((ox_is_op(nd, "Pow") && j == 0) || (ox_is_op(nd, "Mul") && nd->n_input == 2 &&
                                                     strcmp(nd->input[1 - j], d) == 0))
                    pw = (int)k;
                else if (ox_is_op(nd, "Div") && j == 0)
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
    fuse(x, nodes, n, OX_FUSE_LAYERNORM, X);
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
    if (dv < 0 || !(ox_is_op(x->g->node[dv], "Div") || ox_is_op(x->g->node[dv], "Mul")) ||
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
        if (h < 0 || !ox_is_op(x->g->node[h], "Mul") || strcmp(x->g->node[h]->input[0], X) ||
            sole_consumer(x, o) != mul)
            return;
        nodes[n++] = h;
        nodes[n++] = mul;
    }
    fuse(x, nodes, n, OX_FUSE_GELU, X);
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
    if (s->n_dim > OX_MAXRANK)
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
        int k = ox_tget(x, g->initializer[i]->name);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        ox_set_const(&x->t[k], g->initializer[i]);
    }
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        int k = ox_tget(x, vi->name);
        if (k < 0)
            return err_internal(x->e, "tensor table full");
        ox_tensor *t = &x->t[k];
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
            int k = ox_tget(x, v[i]->name);
            if (k < 0)
                return err_internal(x->e, "tensor table full");
            const char *sym;
            int sd;
            if (!x->t[k].known)
                x->t[k].vi_known = vi_shape(v[i], &x->t[k].vi_rank, x->t[k].vi_dims, &sym, &sd);
        }
    }
    for (size_t i = 0; i < g->n_node; i++) {
        if (ox_is_op(g->node[i], "ReduceMean") && x->fuse[i] == OX_FUSE_NONE)
            match_layernorm(x, (int)i);
    }
    for (size_t i = 0; i < g->n_node; i++)
        if (ox_is_op(g->node[i], "Erf") && x->fuse[i] == OX_FUSE_NONE)
            match_gelu(x, (int)i);
    for (size_t i = 0; i < g->n_node; i++) {
        int rc = ox_node(x, (int)i);
        if (rc)
            return rc;
        const Onnx__NodeProto *nd = g->node[i];
        for (size_t j = 0; j < nd->n_output && x->fuse[i] != OX_FUSE_SKIP; j++) {
            int k = ox_tfind(x, nd->output[j]);
            if (k < 0) /* an output its operator does not make (MaxPool's Indices, say) */
                continue;
            ox_tensor *t = &x->t[k];
            if (!t->known && t->vi_known)
                ox_set_dims(t, t->vi_rank, t->vi_dims);
            else if (t->known && t->vi_known && !t->is_const &&
                     !same_dims(t->rank, t->dims, t->vi_rank, t->vi_dims)) {
                char a[96], b[96];
                ox_tensor v = {.rank = t->vi_rank};
                memcpy(v.dims, t->vi_dims, sizeof v.dims);
                ox_dims_text(t, a, sizeof a);
                ox_dims_text(&v, b, sizeof b);
                return ox_node_err(x, nd, "output '%s' is %s, but the graph's value_info says %s",
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
    x.t = calloc(nt, sizeof *x.t);
    x.fuse = calloc(g->n_node + 1, sizeof(int));
    x.fuse_in = calloc(g->n_node + 1, sizeof(int));
    if (!x.t || !x.fuse || !x.fuse_in)
        rc = err_internal(e, "out of memory");
    else
        rc = load_graph(&x);
    free(x.t);
    names_free(&x.names);
    free(x.fuse);
    free(x.fuse_in);
    onnx__model_proto__free_unpacked(mp, NULL);
    return rc ? rc : wl_finish(m, e);
}
