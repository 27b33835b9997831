/* workload.c - the layer model itself: kinds, keys and names, wl_finish's
 * checks and derived figures, totals, and wl_load's choice of reader; see
 * workload.h. The readers are workload_ini.c, workload_csv.c and
 * workload_tf.c (transformer expansion); workload_int.h is what they share.
 *
 * Every source ends in wl_finish, the one place that checks a layer's sizes
 * and edges and derives its MACs, parameters and bytes, so a model built in
 * memory is held to the same rules as one read from a file. The loaders only
 * tokenise, resolve names and fill in defaults. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "text.h"
#include "workload_int.h"

/* Large enough for any real layer, small enough that p, q arithmetic cannot
   overflow a long. Element counts, products of sizes, have their own bound,
   below which a double holds them exactly. */
#define SIZE_MAX_VALUE 1000000000000L
#define ELEMS_MAX 1e15
/* Vector-unit operations per element produced. GELU is the tanh
   approximation (about 8 multiply-adds); softmax subtracts the row maximum,
   exponentiates, sums and divides (~5); layernorm takes the mean and the
   variance, then normalises, scales and shifts (~5). An add costs one per
   extra input, a pool one per window element, an embed one per extra table. */
#define OPS_GELU 8.0
#define OPS_SOFTMAX 5.0
#define OPS_LAYERNORM 5.0

/* An embed reads token ids, which are wider than an int8 element. */
#define TOKEN_ID_BYTES 4.0

/* ---- kinds ------------------------------------------------------------- */

static const struct {
    const char *name;
    wl_kind kind;
    wl_op op;
} kind_names[] = {
    {"conv", WL_CONV, WL_OP_NONE},         {"matmul", WL_MATMUL, WL_OP_NONE},
    {"add", WL_VECTOR, WL_OP_ADD},         {"relu", WL_VECTOR, WL_OP_RELU},
    {"gelu", WL_VECTOR, WL_OP_GELU},       {"softmax", WL_VECTOR, WL_OP_SOFTMAX},
    {"layernorm", WL_VECTOR, WL_OP_LAYERNORM}, {"maxpool", WL_VECTOR, WL_OP_MAXPOOL},
    {"avgpool", WL_VECTOR, WL_OP_AVGPOOL}, {"embed", WL_VECTOR, WL_OP_EMBED},
};
#define NKINDS (int)(sizeof kind_names / sizeof kind_names[0])

const char *wl_layer_kind(const wl_layer *l)
{
    for (int i = 0; i < NKINDS; i++)
        if (kind_names[i].kind == l->kind && kind_names[i].op == l->op)
            return kind_names[i].name;
    return "?";
}

int wl_kind_parse(const char *name, wl_kind *kind, wl_op *op)
{
    for (int i = 0; i < NKINDS; i++)
        if (strcmp(kind_names[i].name, name) == 0) {
            *kind = kind_names[i].kind;
            *op = kind_names[i].op;
            return 0;
        }
    return -1;
}

const char *wl_kind_list(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < NKINDS && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, " %s", kind_names[i].name);
    return buf;
}

unsigned wl_form_of(const wl_layer *l)
{
    if (l->kind == WL_CONV)
        return WL_F_CONV;
    if (l->kind == WL_MATMUL)
        return WL_F_MATMUL;
    if (l->op == WL_OP_MAXPOOL || l->op == WL_OP_AVGPOOL)
        return WL_F_POOL;
    return l->op == WL_OP_EMBED ? WL_F_EMBED : WL_F_ELEM;
}

/* ---- the keys of a layer line ------------------------------------------ */

#define SIZE_KEY(key, forms, req, abs0, field, min) \
    {key, forms, req, abs0, WL_KEY_SIZE, offsetof(wl_layer, field), min}
#define FLAG_KEY(key, forms, field) {key, forms, 0, 0, WL_KEY_FLAG, offsetof(wl_layer, field), 0}

/* The file's "k" is a conv's output channels but a matmul's inner dimension:
   the same letter the papers use for both. */
const wl_key_def wl_key_defs[] = {
    SIZE_KEY("k", WL_F_CONV, WL_F_CONV, 0, k, 1),
    SIZE_KEY("k", WL_F_MATMUL, WL_F_MATMUL, 0, kd, 1),
    SIZE_KEY("c", WL_F_CONV | WL_F_POOL | WL_F_ELEM, WL_F_CONV | WL_F_POOL, WL_F_ELEM, c, 1),
    SIZE_KEY("r", WL_F_CONV | WL_F_POOL, WL_F_CONV, 0, r, 1),
    SIZE_KEY("s", WL_F_CONV | WL_F_POOL, 0, 0, s, 1),
    SIZE_KEY("h", WL_F_CONV | WL_F_POOL | WL_F_ELEM, WL_F_CONV | WL_F_POOL, WL_F_ELEM, h, 1),
    SIZE_KEY("w", WL_F_CONV | WL_F_POOL | WL_F_ELEM, WL_F_CONV | WL_F_POOL, WL_F_ELEM, w, 1),
    SIZE_KEY("stride", WL_F_CONV | WL_F_POOL, 0, 0, stride, 1),
    SIZE_KEY("pad", WL_F_CONV | WL_F_POOL, 0, 0, pad, 0),
    SIZE_KEY("groups", WL_F_CONV, 0, 0, groups, 1),
    SIZE_KEY("shuffle", WL_F_CONV, 0, WL_F_CONV, shuffle, 1),
    SIZE_KEY("m", WL_F_MATMUL | WL_F_ELEM | WL_F_EMBED, WL_F_MATMUL | WL_F_EMBED, WL_F_ELEM, m, 1),
    SIZE_KEY("n", WL_F_MATMUL | WL_F_ELEM | WL_F_EMBED, WL_F_MATMUL | WL_F_EMBED, WL_F_ELEM, n, 1),
    SIZE_KEY("heads", WL_F_MATMUL, 0, 0, heads, 1),
    {"b", WL_F_MATMUL, 0, 0, WL_KEY_OPERAND, 0, 0},
    SIZE_KEY("kv", WL_F_MATMUL, 0, WL_F_MATMUL, kv_len, 1),
    FLAG_KEY("bias", WL_F_CONV | WL_F_MATMUL, bias),
    FLAG_KEY("tied", WL_F_MATMUL, tied),
    SIZE_KEY("elems", WL_F_ELEM, 0, WL_F_ELEM, elems, 1),
    FLAG_KEY("crop", WL_F_ELEM, crop),
    SIZE_KEY("vocab", WL_F_EMBED, WL_F_EMBED, 0, vocab, 1),
    SIZE_KEY("positions", WL_F_EMBED, 0, 0, npos, 0),
    SIZE_KEY("types", WL_F_EMBED, 0, 0, ntypes, 0),
    {"in", WL_F_ALL, 0, 0, WL_KEY_INPUTS, 0, 0},
};
const int wl_nkeys = (int)(sizeof wl_key_defs / sizeof wl_key_defs[0]);

static long get_size(const wl_layer *l, const wl_key_def *d)
{
    return *(const long *)((const char *)l + d->off);
}

int wl_key_find(const char *key, unsigned form)
{
    for (int i = 0; i < wl_nkeys; i++)
        if ((wl_key_defs[i].forms & form) && strcmp(wl_key_defs[i].key, key) == 0)
            return i;
    return -1;
}

const char *wl_key_list(unsigned form, int required_only, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < wl_nkeys && used < n; i++) {
        const wl_key_def *d = &wl_key_defs[i];
        if ((d->forms & form) && (!required_only || (d->required & form)))
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "", d->key);
    }
    return buf;
}

/* ---- names ------------------------------------------------------------- */

/* Names end up in schedules ("#INDEX" means a layer by position), in in=
   lists and in INI keys, so the characters those use are out. */
const char *wl_name_problem(const char *name, char *buf, size_t n)
{
    if (!*name)
        return "empty";
    const char *bytes = text_problem(name);
    if (bytes)
        return bytes;
    if (strlen(name) >= WL_NAME_MAX) {
        snprintf(buf, n, "longer than %d characters", WL_NAME_MAX - 1);
        return buf;
    }
    if (strcmp(name, "input") == 0)
        return "'input' means the model input";
    if (name[0] == '#')
        return "must not start with '#'";
    for (const char *c = name; *c; c++)
        if (isspace((unsigned char)*c) || strchr(",=;:[]", *c))
            return "must not contain spaces or any of , = ; : [ ]";
    return NULL;
}

static names_key layer_name(const void *m, int i)
{
    return names_one(((const wl_model *)m)->layers[i].name);
}

/* By the index when it holds every layer; a model whose layers were set
   without wl_push_layer (a test's) is searched in order. Lookups by name
   come once per layer and input as a model loads: in order, 32,000 layers
   took seconds. */
int wl_find(const wl_model *m, const char *name)
{
    if (m->names.n == m->nlayers)
        return names_find(&m->names, names_one(name), layer_name, m);
    for (int i = 0; i < m->nlayers; i++)
        if (strcmp(m->layers[i].name, name) == 0)
            return i;
    return -1;
}

const char *wl_model_file(const wl_model *m)
{
    return m->path ? m->path : m->name;
}

int wl_push_layer(wl_model *m, int *cap, const char *name, const wl_layer *l, int line,
                  err_t *e)
{
    char buf[64];
    const char *why = wl_name_problem(name, buf, sizeof buf);
    if (why)
        return err_at(e, wl_model_file(m), line, "layer name '%s': %s", name, why);
    int prev = wl_find(m, name);
    if (prev >= 0)
        return err_at(e, wl_model_file(m), line, "duplicate layer name '%s' (first at line %d)", name,
                      m->layers[prev].line);
    if (m->nlayers == *cap) {
        int ncap = *cap ? 2 * *cap : 64;
        wl_layer *nl = realloc(m->layers, (size_t)ncap * sizeof *nl);
        if (!nl)
            return err_internal(e, "out of memory");
        m->layers = nl;
        *cap = ncap;
    }
    wl_layer *dst = &m->layers[m->nlayers++];
    *dst = *l;
    snprintf(dst->name, sizeof dst->name, "%s", name);
    dst->line = line;
    if (m->names.n == m->nlayers - 1 && names_add(&m->names, layer_name, m))
        return err_internal(e, "out of memory");
    return ERR_OK;
}

void wl_name_from_path(const char *path, char *name, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++)
        name[i] = isalnum((unsigned char)base[i]) || strchr("-_.", base[i]) ? base[i] : '_';
    name[len] = '\0';
}

void wl_free(wl_model *m)
{
    free(m->layers);
    free(m->path);
    names_free(&m->names);
    memset(m, 0, sizeof *m);
}

/* ---- wl_finish: checks and derived figures ----------------------------- */

/* Only code builds kind/op pairs, so a bad pair is our bug, not the user's. */
static int check_kind(const wl_model *m, const wl_layer *l, err_t *e)
{
    if (strcmp(wl_layer_kind(l), "?") == 0)
        return err_internal(e, "%s: layer %s has kind %d with op %d", wl_model_file(m), l->name,
                            (int)l->kind, (int)l->op);
    return ERR_OK;
}

static int check_sizes(const wl_model *m, const wl_layer *l, err_t *e)
{
    unsigned form = wl_form_of(l);
    for (int i = 0; i < wl_nkeys; i++) {
        const wl_key_def *d = &wl_key_defs[i];
        if (!(d->forms & form) || (d->type != WL_KEY_SIZE && d->type != WL_KEY_FLAG))
            continue;
        long v = d->type == WL_KEY_SIZE ? get_size(l, d) : *(const int *)((const char *)l + d->off);
        long hi = d->type == WL_KEY_SIZE ? SIZE_MAX_VALUE : 1;
        if (v == 0 && (d->absent0 & form))
            continue;
        if (v < d->min || v > hi)
            return err_at(e, wl_model_file(m), l->line, "%s: '%s' = %ld is out of range [%ld, %ld]",
                          l->name, d->key, v, d->min, hi);
    }
    return ERR_OK;
}

static const char *input_name(const wl_model *m, int idx)
{
    return idx < 0 ? "input" : m->layers[idx].name;
}

static int check_inputs(const wl_model *m, int i, err_t *e)
{
    const wl_layer *l = &m->layers[i];
    const char *file = wl_model_file(m);
    if (l->ninputs < 1 || l->ninputs > WL_MAX_INPUTS)
        return err_at(e, file, l->line, "%s: %d inputs; a layer reads 1 to %d", l->name,
                      l->ninputs, WL_MAX_INPUTS);
    for (int j = 0; j < l->ninputs; j++) {
        int in = l->inputs[j];
        if (in < -1 || in >= i)
            return err_at(e, file, l->line, "%s: input %d is not an earlier layer", l->name, in);
        for (int k = 0; k < j; k++)
            if (l->inputs[k] == in)
                return err_at(e, file, l->line, "%s: reads '%s' twice", l->name,
                              input_name(m, in));
    }
    if (l->op == WL_OP_ADD && l->ninputs < 2)
        return err_at(e, file, l->line, "%s: an add sums at least 2 inputs (in=A,B)", l->name);
    if (l->kind == WL_MATMUL && l->b != WL_B_WEIGHT && l->ninputs > 2)
        return err_at(e, file, l->line,
                      "%s: a b=act or b=kv matmul reads 1 or 2 inputs (A, then B or the new "
                      "tokens' K/V)", l->name);
    return ERR_OK;
}

/* Stores an element count computed as a product of sizes. */
static int set_elems(const wl_model *m, wl_layer *l, double elems, err_t *e)
{
    if (elems > ELEMS_MAX)
        return err_at(e, wl_model_file(m), l->line, "%s: %.0f elements is too large", l->name, elems);
    l->elems = (long)elems;
    return ERR_OK;
}

/* Output rows and columns of a sliding window (conv and pooling). */
static int window_output(const wl_model *m, wl_layer *l, err_t *e)
{
    l->p = (l->h + 2 * l->pad - l->r) / l->stride + 1;
    l->q = (l->w + 2 * l->pad - l->s) / l->stride + 1;
    if (l->h + 2 * l->pad < l->r || l->w + 2 * l->pad < l->s)
        return err_at(e, wl_model_file(m), l->line,
                      "%s: the %ldx%ld window is larger than the padded %ldx%ld input", l->name,
                      l->r, l->s, l->h + 2 * l->pad, l->w + 2 * l->pad);
    return ERR_OK;
}

static int derive_conv(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    if (l->c % l->groups || l->k % l->groups)
        return err_at(e, wl_model_file(m), l->line, "%s: groups = %ld must divide c = %ld and k = %ld",
                      l->name, l->groups, l->c, l->k);
    if (l->shuffle > 1 && l->k % (l->shuffle * l->shuffle))
        return err_at(e, wl_model_file(m), l->line,
                      "%s: shuffle = %ld needs k = %ld to be a multiple of %ld", l->name, l->shuffle,
                      l->k, l->shuffle * l->shuffle);
    int rc = window_output(m, l, e);
    if (rc)
        return rc;
    double filter = (double)l->k * (double)(l->c / l->groups) * (double)l->r * (double)l->s;
    l->macs = filter * (double)l->p * (double)l->q;
    l->params = filter + (l->bias ? (double)l->k : 0.0);
    l->weight_bytes = l->params * eb;
    l->out_bytes = (double)l->k * (double)l->p * (double)l->q * eb;
    return ERR_OK;
}

static int derive_pool(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    int rc = window_output(m, l, e);
    if (!rc)
        rc = set_elems(m, l, (double)l->c * (double)l->p * (double)l->q, e);
    if (rc)
        return rc;
    l->k = l->c;
    l->vec_ops = (double)l->elems * (double)l->r * (double)l->s;
    l->out_bytes = (double)l->elems * eb;
    return ERR_OK;
}

static int derive_matmul(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    const char *file = wl_model_file(m);
    if (l->b != WL_B_WEIGHT && (l->bias || l->tied))
        return err_at(e, file, l->line, "%s: bias and tied are for b=weight only", l->name);
    if (l->b != WL_B_KV && l->kv_len)
        return err_at(e, file, l->line, "%s: kv is for b=kv only", l->name);
    double heads = (double)l->heads;
    l->macs = heads * (double)l->m * (double)l->kd * (double)l->n;
    l->out_bytes = heads * (double)l->m * (double)l->n * eb;
    if (l->b == WL_B_WEIGHT) {
        double w = heads * (double)l->kd * (double)l->n;
        double bias = l->bias ? heads * (double)l->n : 0.0;
        l->params = (l->tied ? 0.0 : w) + bias;
        l->weight_bytes = (w + bias) * eb;
    } else if (l->b == WL_B_KV) {
        /* The queries are the new tokens, so B spans the cached tokens plus m:
           along n for Q.K^T, along kd for A.V; the other side is the head. */
        long tokens = l->kv_len + l->m;
        if (l->kv_len < 1)
            return err_at(e, file, l->line, "%s: b=kv needs kv=N, the tokens already cached",
                          l->name);
        if (l->n != tokens && l->kd != tokens)
            return err_at(e, file, l->line,
                          "%s: b=kv: neither k nor n is kv + m = %ld (cached plus new tokens)",
                          l->name, tokens);
        double head = (double)(l->n == tokens ? l->kd : l->n);
        l->dram_bytes = heads * (double)l->kv_len * head * eb;
    }
    return ERR_OK;
}

/* A vector op is sized by c x h x w, by m x n, or else by elems; a shape
   overrides elems, so that finishing a model twice gives the same result. */
static int derive_vector(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    int by_chw = l->c || l->h || l->w, by_mn = l->m || l->n;
    int complete = by_chw ? l->c > 0 && l->h > 0 && l->w > 0 : by_mn ? l->m > 0 && l->n > 0
                                                                     : l->elems > 0;
    if (by_chw + by_mn > 1 || !complete)
        return err_at(e, wl_model_file(m), l->line,
                      "%s: give the size as exactly one of elems=N, c= h= w=, m= n=", l->name);
    int rc = ERR_OK;
    if (by_chw)
        rc = set_elems(m, l, (double)l->c * (double)l->h * (double)l->w, e);
    else if (by_mn)
        rc = set_elems(m, l, (double)l->m * (double)l->n, e);
    if (rc)
        return rc;
    double elems = (double)l->elems;
    switch (l->op) {
    case WL_OP_ADD:
        l->vec_ops = elems * (l->ninputs - 1);
        break;
    case WL_OP_GELU:
        l->vec_ops = elems * OPS_GELU;
        break;
    case WL_OP_SOFTMAX:
        l->vec_ops = elems * OPS_SOFTMAX;
        break;
    case WL_OP_LAYERNORM:
        if (!by_chw && !by_mn)
            return err_at(e, wl_model_file(m), l->line,
                          "%s: a layernorm needs its width: give m= n= (or c= h= w=)", l->name);
        l->vec_ops = elems * OPS_LAYERNORM;
        l->params = 2.0 * (double)(by_mn ? l->n : l->c);
        l->weight_bytes = l->params * eb;
        break;
    default:
        l->vec_ops = elems;
        break;
    }
    l->out_bytes = elems * eb;
    return ERR_OK;
}

/* The tables stay in DRAM; only the gathered rows travel. */
static int derive_embed(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    int tables = 1 + (l->npos > 0) + (l->ntypes > 0);
    int rc = set_elems(m, l, (double)l->m * (double)l->n, e);
    if (rc)
        return rc;
    l->params = (double)(l->vocab + l->npos + l->ntypes) * (double)l->n;
    l->dram_bytes = (double)l->elems * tables * eb;
    l->vec_ops = (double)l->elems * (tables - 1);
    l->out_bytes = (double)l->elems * eb;
    return ERR_OK;
}

static int derive(const wl_model *m, wl_layer *l, err_t *e)
{
    double eb = m->elem_bytes;
    l->macs = l->vec_ops = l->params = l->weight_bytes = l->dram_bytes = 0;
    switch (wl_form_of(l)) {
    case WL_F_CONV:
        return derive_conv(m, l, eb, e);
    case WL_F_POOL:
        return derive_pool(m, l, eb, e);
    case WL_F_MATMUL:
        return derive_matmul(m, l, eb, e);
    case WL_F_EMBED:
        return derive_embed(m, l, eb, e);
    default:
        return derive_vector(m, l, eb, e);
    }
}

/* The figures a layer's sizes multiply into, each held to ELEMS_MAX: a
   conv of sizes 1e9 would otherwise claim 1e42 MACs, and every figure
   derived from them (cycles, energy, bytes moved) would be as meaningless. */
static int check_products(const wl_model *m, const wl_layer *l, err_t *e)
{
    const struct {
        const char *what;
        double v;
    } figs[] = {{"MACs", l->macs},           {"vector operations", l->vec_ops},
                {"parameters", l->params},   {"weight bytes", l->weight_bytes},
                {"output bytes", l->out_bytes}, {"DRAM bytes", l->dram_bytes}};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++)
        if (!(figs[i].v <= ELEMS_MAX))
            return err_at(e, wl_model_file(m), l->line, "%s: %.3g %s per sample, more than %.0e",
                          l->name, figs[i].v, figs[i].what, ELEMS_MAX);
    return ERR_OK;
}

/* Bytes of the model input a layer reads when it reads the model input. */
static double model_input_bytes(const wl_layer *l, double eb)
{
    switch (wl_form_of(l)) {
    case WL_F_CONV:
    case WL_F_POOL:
        return (double)l->c * (double)l->h * (double)l->w * eb;
    case WL_F_MATMUL:
        return (double)l->heads * (double)l->m * (double)l->kd * eb;
    case WL_F_EMBED:
        return (double)l->m * TOKEN_ID_BYTES;
    default:
        return (double)l->elems * eb;
    }
}

int wl_finish(wl_model *m, err_t *e)
{
    if (m->nlayers < 1)
        return err_at(e, wl_model_file(m), 0, "the model has no layers");
    if (m->elem_bytes < 1 || m->elem_bytes > 8)
        return err_at(e, wl_model_file(m), 0, "elem_bytes = %d is out of range [1, 8]",
                      m->elem_bytes);
    int rc;
    for (int i = 0; i < m->nlayers; i++)
        if ((rc = check_kind(m, &m->layers[i], e)) || (rc = check_sizes(m, &m->layers[i], e)) ||
            (rc = check_inputs(m, i, e)) || (rc = derive(m, &m->layers[i], e)) ||
            (rc = check_products(m, &m->layers[i], e)) || (rc = wl_check_shapes(m, i, e)))
            return rc;
    m->input_bytes = 0;
    for (int i = 0; i < m->nlayers; i++)
        for (int j = 0; j < m->layers[i].ninputs; j++)
            if (m->layers[i].inputs[j] < 0) {
                double b = model_input_bytes(&m->layers[i], m->elem_bytes);
                if (b > m->input_bytes)
                    m->input_bytes = b;
            }
    for (int i = 0; i < m->nlayers; i++) {
        wl_layer *l = &m->layers[i];
        l->in_bytes = 0;
        for (int j = 0; j < l->ninputs; j++)
            l->in_bytes += l->inputs[j] < 0 ? m->input_bytes : m->layers[l->inputs[j]].out_bytes;
    }
    return ERR_OK;
}

double wl_total_macs(const wl_model *m)
{
    double s = 0;
    for (int i = 0; i < m->nlayers; i++)
        s += m->layers[i].macs;
    return s;
}

double wl_total_params(const wl_model *m)
{
    double s = 0;
    for (int i = 0; i < m->nlayers; i++)
        s += m->layers[i].params;
    return s;
}

/* ---- loading ----------------------------------------------------------- */

int wl_load(const char *path, wl_model *m, err_t *e)
{
    memset(m, 0, sizeof *m);
    size_t n = strlen(path);
    int csv = n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
    int onnx = n > 5 && strcasecmp(path + n - 5, ".onnx") == 0;
    int rc = onnx ? wl_onnx_load(path, m, e) : csv ? wl_csv_load(path, m, e) : wl_ini_load(path, m, e);
    if (rc)
        wl_free(m);
    return rc;
}
