/* workload.c - layer graphs from INI layer lists, transformer specs and
 * SCALE-Sim topologies; see workload.h.
 *
 * Every source ends in wl_finish, the one place that checks a layer's sizes
 * and edges and derives its MACs, parameters and bytes, so a model built in
 * memory is held to the same rules as one read from a file. The loaders only
 * tokenise, resolve names and fill in defaults. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cfg.h"
#include "workload.h"

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

/* Layers that take the same keys share a form. */
enum { F_CONV = 1, F_POOL = 2, F_MATMUL = 4, F_ELEM = 8, F_EMBED = 16, F_ALL = 31 };

static unsigned form_of(const wl_layer *l)
{
    if (l->kind == WL_CONV)
        return F_CONV;
    if (l->kind == WL_MATMUL)
        return F_MATMUL;
    if (l->op == WL_OP_MAXPOOL || l->op == WL_OP_AVGPOOL)
        return F_POOL;
    return l->op == WL_OP_EMBED ? F_EMBED : F_ELEM;
}

/* ---- the keys of a layer line ------------------------------------------ */

typedef enum { KEY_SIZE, KEY_FLAG, KEY_OPERAND, KEY_INPUTS } key_type;

typedef struct {
    const char *key;
    unsigned forms;     /* forms that take it */
    unsigned required;  /* forms that must give it */
    unsigned absent0;   /* forms where 0 means "not given" (one of several ways to size it) */
    key_type type;
    size_t off;         /* KEY_SIZE: long field, KEY_FLAG: int field */
    long min;
} key_def;

#define SIZE_KEY(key, forms, req, abs0, field, min) \
    {key, forms, req, abs0, KEY_SIZE, offsetof(wl_layer, field), min}
#define FLAG_KEY(key, forms, field) {key, forms, 0, 0, KEY_FLAG, offsetof(wl_layer, field), 0}

/* The file's "k" is a conv's output channels but a matmul's inner dimension:
   the same letter the papers use for both. */
static const key_def key_defs[] = {
    SIZE_KEY("k", F_CONV, F_CONV, 0, k, 1),
    SIZE_KEY("k", F_MATMUL, F_MATMUL, 0, kd, 1),
    SIZE_KEY("c", F_CONV | F_POOL | F_ELEM, F_CONV | F_POOL, F_ELEM, c, 1),
    SIZE_KEY("r", F_CONV | F_POOL, F_CONV, 0, r, 1),
    SIZE_KEY("s", F_CONV | F_POOL, 0, 0, s, 1),
    SIZE_KEY("h", F_CONV | F_POOL | F_ELEM, F_CONV | F_POOL, F_ELEM, h, 1),
    SIZE_KEY("w", F_CONV | F_POOL | F_ELEM, F_CONV | F_POOL, F_ELEM, w, 1),
    SIZE_KEY("stride", F_CONV | F_POOL, 0, 0, stride, 1),
    SIZE_KEY("pad", F_CONV | F_POOL, 0, 0, pad, 0),
    SIZE_KEY("groups", F_CONV, 0, 0, groups, 1),
    SIZE_KEY("m", F_MATMUL | F_ELEM | F_EMBED, F_MATMUL | F_EMBED, F_ELEM, m, 1),
    SIZE_KEY("n", F_MATMUL | F_ELEM | F_EMBED, F_MATMUL | F_EMBED, F_ELEM, n, 1),
    SIZE_KEY("heads", F_MATMUL, 0, 0, heads, 1),
    {"b", F_MATMUL, 0, 0, KEY_OPERAND, 0, 0},
    SIZE_KEY("kv", F_MATMUL, 0, F_MATMUL, kv_len, 1),
    FLAG_KEY("bias", F_CONV | F_MATMUL, bias),
    FLAG_KEY("tied", F_MATMUL, tied),
    SIZE_KEY("elems", F_ELEM, 0, F_ELEM, elems, 1),
    SIZE_KEY("vocab", F_EMBED, F_EMBED, 0, vocab, 1),
    SIZE_KEY("positions", F_EMBED, 0, 0, npos, 0),
    SIZE_KEY("types", F_EMBED, 0, 0, ntypes, 0),
    {"in", F_ALL, 0, 0, KEY_INPUTS, 0, 0},
};
#define NKEYS (int)(sizeof key_defs / sizeof key_defs[0])

static long get_size(const wl_layer *l, const key_def *d)
{
    return *(const long *)((const char *)l + d->off);
}

static int find_key(const char *key, unsigned form)
{
    for (int i = 0; i < NKEYS; i++)
        if ((key_defs[i].forms & form) && strcmp(key_defs[i].key, key) == 0)
            return i;
    return -1;
}

/* "k c r s ...": the keys FORM takes (or only those it needs), for messages. */
static const char *key_list(unsigned form, int required_only, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < NKEYS && used < n; i++) {
        const key_def *d = &key_defs[i];
        if ((d->forms & form) && (!required_only || (d->required & form)))
            used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "", d->key);
    }
    return buf;
}

/* ---- names ------------------------------------------------------------- */

/* Names end up in schedules ("#INDEX" means a layer by position), in in=
   lists and in INI keys, so the characters those use are out. */
static const char *name_problem(const char *name, char *buf, size_t n)
{
    if (!*name)
        return "empty";
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

int wl_find(const wl_model *m, const char *name)
{
    for (int i = 0; i < m->nlayers; i++)
        if (strcmp(m->layers[i].name, name) == 0)
            return i;
    return -1;
}

static const char *model_file(const wl_model *m)
{
    return m->path ? m->path : m->name;
}

/* Appends a copy of L named NAME, defined at LINE. */
static int push_layer(wl_model *m, int *cap, const char *name, const wl_layer *l, int line,
                      err_t *e)
{
    char buf[64];
    const char *why = name_problem(name, buf, sizeof buf);
    if (why)
        return err_at(e, model_file(m), line, "layer name '%s': %s", name, why);
    int prev = wl_find(m, name);
    if (prev >= 0)
        return err_at(e, model_file(m), line, "duplicate layer name '%s' (first at line %d)", name,
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
    return ERR_OK;
}

/* The file's base name without extension, made fit to be a model name. */
static void name_from_path(const char *path, char *name, size_t n)
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
    memset(m, 0, sizeof *m);
}

/* ---- wl_finish: checks and derived figures ------------------------------ */

/* Only code builds kind/op pairs, so a bad pair is our bug, not the user's. */
static int check_kind(const wl_model *m, const wl_layer *l, err_t *e)
{
    if (strcmp(wl_layer_kind(l), "?") == 0)
        return err_internal(e, "%s: layer %s has kind %d with op %d", model_file(m), l->name,
                            (int)l->kind, (int)l->op);
    return ERR_OK;
}

static int check_sizes(const wl_model *m, const wl_layer *l, err_t *e)
{
    unsigned form = form_of(l);
    for (int i = 0; i < NKEYS; i++) {
        const key_def *d = &key_defs[i];
        if (!(d->forms & form) || (d->type != KEY_SIZE && d->type != KEY_FLAG))
            continue;
        long v = d->type == KEY_SIZE ? get_size(l, d) : *(const int *)((const char *)l + d->off);
        long hi = d->type == KEY_SIZE ? SIZE_MAX_VALUE : 1;
        if (v == 0 && (d->absent0 & form))
            continue;
        if (v < d->min || v > hi)
            return err_at(e, model_file(m), l->line, "%s: '%s' = %ld is out of range [%ld, %ld]",
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
    const char *file = model_file(m);
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
        return err_at(e, model_file(m), l->line, "%s: %.0f elements is too large", l->name, elems);
    l->elems = (long)elems;
    return ERR_OK;
}

/* Output rows and columns of a sliding window (conv and pooling). */
static int window_output(const wl_model *m, wl_layer *l, err_t *e)
{
    l->p = (l->h + 2 * l->pad - l->r) / l->stride + 1;
    l->q = (l->w + 2 * l->pad - l->s) / l->stride + 1;
    if (l->h + 2 * l->pad < l->r || l->w + 2 * l->pad < l->s)
        return err_at(e, model_file(m), l->line,
                      "%s: the %ldx%ld window is larger than the padded %ldx%ld input", l->name,
                      l->r, l->s, l->h + 2 * l->pad, l->w + 2 * l->pad);
    return ERR_OK;
}

static int derive_conv(const wl_model *m, wl_layer *l, double eb, err_t *e)
{
    if (l->c % l->groups || l->k % l->groups)
        return err_at(e, model_file(m), l->line, "%s: groups = %ld must divide c = %ld and k = %ld",
                      l->name, l->groups, l->c, l->k);
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
    const char *file = model_file(m);
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
        return err_at(e, model_file(m), l->line,
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
            return err_at(e, model_file(m), l->line,
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
    switch (form_of(l)) {
    case F_CONV:
        return derive_conv(m, l, eb, e);
    case F_POOL:
        return derive_pool(m, l, eb, e);
    case F_MATMUL:
        return derive_matmul(m, l, eb, e);
    case F_EMBED:
        return derive_embed(m, l, eb, e);
    default:
        return derive_vector(m, l, eb, e);
    }
}

/* Bytes of the model input a layer reads when it reads the model input. */
static double model_input_bytes(const wl_layer *l, double eb)
{
    switch (form_of(l)) {
    case F_CONV:
    case F_POOL:
        return (double)l->c * (double)l->h * (double)l->w * eb;
    case F_MATMUL:
        return (double)l->heads * (double)l->m * (double)l->kd * eb;
    case F_EMBED:
        return (double)l->m * TOKEN_ID_BYTES;
    default:
        return (double)l->elems * eb;
    }
}

int wl_finish(wl_model *m, err_t *e)
{
    if (m->nlayers < 1)
        return err_at(e, model_file(m), 0, "the model has no layers");
    if (m->elem_bytes < 1 || m->elem_bytes > 8)
        return err_at(e, model_file(m), 0, "elem_bytes = %d is out of range [1, 8]",
                      m->elem_bytes);
    int rc;
    for (int i = 0; i < m->nlayers; i++)
        if ((rc = check_kind(m, &m->layers[i], e)) || (rc = check_sizes(m, &m->layers[i], e)) || (rc = check_inputs(m, i, e)) ||
            (rc = derive(m, &m->layers[i], e)))
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

/* ---- transformers -------------------------------------------------------- */

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

/* What is wrong with a spec, or NULL; *KEY names the [transformer] key to
   blame (NULL: no single key). Shared by the INI loader, which turns KEY
   into a line, and by wl_transformer. */
static const char *tf_problem(const wl_tf_spec *s, char *buf, size_t n, const char **key)
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
    b->rc = push_layer(b->m, &b->cap, name, &l, 0, b->e);
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
    const char *why = tf_problem(spec, buf, sizeof buf, &key);
    if (why)
        return err_input(e, "transformer %s: %s%s%s", name, key ? key : "", key ? ": " : "", why);
    if (!*name || strlen(name) >= WL_NAME_MAX)
        return err_input(e, "transformer name '%s' must be 1 to %d characters", name,
                         WL_NAME_MAX - 1);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->elem_bytes = spec->elem_bytes;
    tf_builder b = {.m = m, .s = spec, .head = spec->d_model / spec->heads, .e = e};
    tf_build(&b);
    int rc = b.rc ? b.rc : wl_finish(m, e);
    if (rc)
        wl_free(m);
    return rc;
}

/* ---- INI: [model], [transformer], [layers] ------------------------------- */

static int check_sections(const cfg_file *f, err_t *e)
{
    int bodies = 0;
    for (int i = 0; i < f->nsects; i++) {
        const char *s = f->sects[i];
        if (strcmp(s, "model") && strcmp(s, "layers") && strcmp(s, "transformer"))
            return err_at(e, f->path, f->sect_lines[i],
                          "unknown section [%s] (a workload has [model] and either [layers] or "
                          "[transformer])", s);
        if (strcmp(s, "model") && ++bodies > 1)
            return err_at(e, f->path, f->sect_lines[i],
                          "a workload has either [layers] or [transformer], not both");
    }
    if (!bodies)
        return err_at(e, f->path, 0, "no [layers] or [transformer] section");
    return cfg_check_used(f, "", e);
}

static int load_model_section(cfg_file *f, wl_model *m, err_t *e)
{
    cfg_entry *name = cfg_get(f, "model", "name");
    cfg_entry *eb = cfg_get(f, "model", "elem_bytes");
    int rc = cfg_check_used(f, "model", e);
    if (rc)
        return rc;
    char buf[64];
    const char *why = name ? name_problem(name->value, buf, sizeof buf) : NULL;
    if (why)
        return err_at(e, f->path, name->line, "model name '%s': %s", name->value, why);
    if (name)
        snprintf(m->name, sizeof m->name, "%s", name->value);
    else
        name_from_path(f->path, m->name, sizeof m->name);
    long v = 1;
    if (eb && (rc = cfg_long(f, eb, 1, 8, &v, e)))
        return rc;
    m->elem_bytes = (int)v;
    return ERR_OK;
}

/* Resolves an in= list: names of earlier layers, or "input". */
static int parse_inputs(const cfg_file *f, const cfg_entry *en, const wl_model *m, wl_layer *l,
                        char *list, err_t *e)
{
    l->ninputs = 0;
    for (char *nm = list, *next; nm; nm = next) {
        next = strchr(nm, ',');
        if (next)
            *next++ = '\0';
        if (l->ninputs == WL_MAX_INPUTS)
            return err_at(e, f->path, en->line, "%s: too many inputs (at most %d)", en->key,
                          WL_MAX_INPUTS);
        int idx = wl_find(m, nm);
        if (strcmp(nm, "input") && idx < 0) {
            if (strcmp(nm, en->key) == 0)
                return err_at(e, f->path, en->line, "%s: a layer cannot read itself", en->key);
            for (int i = 0; i < f->n; i++)
                if (strcmp(f->v[i].section, "layers") == 0 && strcmp(f->v[i].key, nm) == 0)
                    return err_at(e, f->path, en->line,
                                  "%s: input '%s' is defined later, at line %d (a layer reads "
                                  "only layers above it)", en->key, nm, f->v[i].line);
            return err_at(e, f->path, en->line, "%s: input '%s' names no layer", en->key, nm);
        }
        l->inputs[l->ninputs++] = idx;
    }
    return ERR_OK;
}

static int parse_operand(const cfg_file *f, const cfg_entry *en, const char *v, wl_operand *b,
                         err_t *e)
{
    static const char *const names[] = {"weight", "act", "kv"};
    for (int i = 0; i < 3; i++)
        if (strcmp(v, names[i]) == 0) {
            *b = (wl_operand)i;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "%s: b = '%s' (expected weight, act or kv)", en->key, v);
}

/* One KEY=VALUE token of a layer line; *GIVEN has a bit per key_defs entry. */
static int parse_token(const cfg_file *f, const cfg_entry *en, const wl_model *m, wl_layer *l,
                       char *tok, unsigned long *given, err_t *e)
{
    char *eq = strchr(tok, '=');
    if (!eq || eq == tok || !eq[1])
        return err_at(e, f->path, en->line, "%s: '%s' is not KEY=VALUE", en->key, tok);
    *eq = '\0';
    const char *val = eq + 1;
    unsigned form = form_of(l);
    int i = find_key(tok, form);
    if (i < 0) {
        char keys[128];
        return err_at(e, f->path, en->line, "%s: unknown key '%s' (%s takes: %s)", en->key, tok,
                      wl_layer_kind(l), key_list(form, 0, keys, sizeof keys));
    }
    if (*given & (1UL << i))
        return err_at(e, f->path, en->line, "%s: '%s' given twice", en->key, tok);
    *given |= 1UL << i;
    const key_def *d = &key_defs[i];
    if (d->type == KEY_INPUTS)
        return parse_inputs(f, en, m, l, eq + 1, e);
    if (d->type == KEY_OPERAND)
        return parse_operand(f, en, val, &l->b, e);
    long v;
    if (cfg_parse_long(val, &v))
        return err_at(e, f->path, en->line, "%s: '%s': bad integer '%s'", en->key, tok, val);
    if (d->type == KEY_FLAG) {
        if (v != 0 && v != 1)
            return err_at(e, f->path, en->line, "%s: '%s' must be 0 or 1", en->key, tok);
        *(int *)((char *)l + d->off) = (int)v;
    } else {
        *(long *)((char *)l + d->off) = v;
    }
    return ERR_OK;
}

static int given_key(unsigned long given, unsigned form, const char *key)
{
    int i = find_key(key, form);
    return i >= 0 && ((given >> i) & 1);
}

/* The keys a layer line must give, and the sizes it must not give twice over. */
static int check_given(const cfg_file *f, const cfg_entry *en, const wl_layer *l,
                       unsigned long given, err_t *e)
{
    unsigned form = form_of(l);
    for (int i = 0; i < NKEYS; i++)
        if ((key_defs[i].required & form) && !(given & (1UL << i))) {
            char keys[128];
            return err_at(e, f->path, en->line, "%s: missing key '%s' (%s needs: %s)", en->key,
                          key_defs[i].key, wl_layer_kind(l), key_list(form, 1, keys, sizeof keys));
        }
    int shaped = 0;
    for (const char *const *k = (const char *const[]){"c", "h", "w", "m", "n", NULL}; *k; k++)
        shaped |= given_key(given, form, *k);
    if (form == F_ELEM && shaped && given_key(given, form, "elems"))
        return err_at(e, f->path, en->line, "%s: give elems or a shape (c h w, m n), not both",
                      en->key);
    return ERR_OK;
}

/* Defaults of the keys a layer line left out. Convolutions pad to keep the
   size at stride 1 ("same"), as hand-written CNNs almost always do; pools
   follow PyTorch (stride = window, no padding) and default to a global pool. */
static void layer_defaults(wl_layer *l, unsigned long given, int index)
{
    unsigned form = form_of(l);
    if (form == F_CONV) {
        if (!given_key(given, form, "s"))
            l->s = l->r;
        if (!given_key(given, form, "stride"))
            l->stride = 1;
        if (!given_key(given, form, "pad"))
            l->pad = (l->r - 1) / 2;
        if (!given_key(given, form, "groups"))
            l->groups = 1;
    } else if (form == F_POOL) {
        int has_r = given_key(given, form, "r");
        if (!has_r)
            l->r = l->h;
        if (!given_key(given, form, "s"))
            l->s = has_r ? l->r : l->w;
        if (!given_key(given, form, "stride"))
            l->stride = l->r;
    } else if (form == F_MATMUL && !given_key(given, form, "heads")) {
        l->heads = 1;
    }
    if (!given_key(given, form, "in")) {
        l->ninputs = 1;
        l->inputs[0] = index - 1;
    }
}

static int parse_layer(const cfg_file *f, const cfg_entry *en, wl_model *m, int *cap, err_t *e)
{
    wl_layer l = {0};
    char *buf = strdup(en->value);
    if (!buf)
        return err_internal(e, "out of memory");
    char *save;
    char *tok = strtok_r(buf, " \t", &save);
    int rc = ERR_OK;
    if (!tok || wl_kind_parse(tok, &l.kind, &l.op)) {
        char kinds[128];
        size_t used = 0;
        for (int i = 0; i < NKINDS; i++)
            used += (size_t)snprintf(kinds + used, sizeof kinds - used, " %s", kind_names[i].name);
        rc = err_at(e, f->path, en->line, "%s: unknown layer kind '%s' (kinds:%s)", en->key,
                    tok ? tok : "", kinds);
    }
    unsigned long given = 0;
    while (!rc && (tok = strtok_r(NULL, " \t", &save)))
        rc = parse_token(f, en, m, &l, tok, &given, e);
    free(buf);
    if (rc || (rc = check_given(f, en, &l, given, e)))
        return rc;
    layer_defaults(&l, given, m->nlayers);
    return push_layer(m, cap, en->key, &l, en->line, e);
}

static int load_layers(cfg_file *f, wl_model *m, err_t *e)
{
    int cap = 0, rc;
    for (int i = 0; i < f->n; i++) {
        cfg_entry *en = &f->v[i];
        if (strcmp(en->section, "layers"))
            continue;
        en->used = 1;
        if ((rc = parse_layer(f, en, m, &cap, e)))
            return rc;
    }
    if (m->nlayers == 0)
        return err_at(e, f->path, cfg_section_line(f, "layers"), "[layers] has no layers");
    return wl_finish(m, e);
}

/* The integer keys of [transformer]. */
static const struct {
    const char *key;
    size_t off;
    long min, max;
    int required;
} tf_keys[] = {
    {"d_model", offsetof(wl_tf_spec, d_model), 1, 1L << 20, 1},
    {"layers", offsetof(wl_tf_spec, nlayers), 1, 1L << 12, 1},
    {"heads", offsetof(wl_tf_spec, heads), 1, 1L << 12, 1},
    {"seq", offsetof(wl_tf_spec, seq), 1, 1L << 24, 0},
    {"vocab", offsetof(wl_tf_spec, vocab), 1, 1L << 24, 0},
    {"context", offsetof(wl_tf_spec, context), 1, 1L << 24, 0},
    {"kv_len", offsetof(wl_tf_spec, kv_len), 0, 1L << 24, 0},
};
#define NTF_KEYS (int)(sizeof tf_keys / sizeof tf_keys[0])

/* The published GPT-2 and BERT sizes, for `size = ...` instead of the three keys. */
static const struct {
    wl_family family;
    const char *name;
    long d_model, layers, heads;
} tf_sizes[] = {
    {WL_GPT2, "small", 768, 12, 12},  {WL_GPT2, "medium", 1024, 24, 16},
    {WL_GPT2, "large", 1280, 36, 20}, {WL_GPT2, "xl", 1600, 48, 25},
    {WL_BERT, "base", 768, 12, 12},   {WL_BERT, "large", 1024, 24, 16},
};

static int apply_size(const cfg_file *f, const cfg_entry *en, wl_tf_spec *spec, err_t *e)
{
    for (size_t i = 0; i < sizeof tf_sizes / sizeof tf_sizes[0]; i++)
        if (tf_sizes[i].family == spec->family && strcmp(tf_sizes[i].name, en->value) == 0) {
            spec->d_model = tf_sizes[i].d_model;
            spec->nlayers = tf_sizes[i].layers;
            spec->heads = tf_sizes[i].heads;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "'size': unknown size '%s' (%s)", en->value,
                  spec->family == WL_GPT2 ? "small, medium, large or xl" : "base or large");
}

/* Maps an entry's value to one of NAMES (index into *OUT). */
static int parse_word(const cfg_file *f, const cfg_entry *en, const char *const *names, int n,
                      int *out, err_t *e)
{
    for (int i = 0; i < n; i++)
        if (strcmp(en->value, names[i]) == 0) {
            *out = i;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "'%s': unknown value '%s' (expected %s or %s)", en->key,
                  en->value, names[0], names[1]);
}

static int load_tf_spec(cfg_file *f, int elem_bytes, wl_tf_spec *spec, err_t *e)
{
    static const char *const families[] = {"gpt2", "bert"}, *const phases[] = {"prefill", "decode"};
    const char *sec = "transformer";
    cfg_entry *ent[NTF_KEYS];
    for (int i = 0; i < NTF_KEYS; i++)
        ent[i] = cfg_get(f, sec, tf_keys[i].key);
    cfg_entry *fam = cfg_get(f, sec, "family"), *phase = cfg_get(f, sec, "phase");
    cfg_entry *lm = cfg_get(f, sec, "lm_head"), *size = cfg_get(f, sec, "size");
    int rc = cfg_check_used(f, sec, e);
    int v;
    if (rc || (rc = cfg_need(f, sec, "family", &fam, e)) ||
        (rc = parse_word(f, fam, families, 2, &v, e)))
        return rc;
    wl_tf_defaults(spec, (wl_family)v);
    spec->elem_bytes = elem_bytes;
    if (size && (rc = apply_size(f, size, spec, e)))
        return rc;
    for (int i = 0; i < NTF_KEYS; i++) {
        if (!ent[i] && tf_keys[i].required && !size)
            return err_at(e, f->path, cfg_section_line(f, sec), "[%s]: missing key '%s'", sec,
                          tf_keys[i].key);
        long *field = (long *)((char *)spec + tf_keys[i].off);
        if (ent[i] && (rc = cfg_long(f, ent[i], tf_keys[i].min, tf_keys[i].max, field, e)))
            return rc;
    }
    if (phase && (rc = parse_word(f, phase, phases, 2, &v, e)))
        return rc;
    spec->phase = phase ? (wl_phase)v : WL_PREFILL;
    long lm_head = spec->lm_head;
    if (lm && (rc = cfg_long(f, lm, 0, 1, &lm_head, e)))
        return rc;
    spec->lm_head = (int)lm_head;
    char buf[160];
    const char *key;
    const char *why = tf_problem(spec, buf, sizeof buf, &key);
    if (!why)
        return ERR_OK;
    const cfg_entry *at = key ? cfg_get(f, sec, key) : NULL;
    return err_at(e, f->path, at ? at->line : cfg_section_line(f, sec), "[%s]: %s", sec, why);
}

static int load_ini_body(cfg_file *f, void *arg, err_t *e)
{
    wl_model *m = arg;
    int rc;
    if ((rc = check_sections(f, e)) || (rc = load_model_section(f, m, e)))
        return rc;
    if (!cfg_section_line(f, "transformer")) {
        if (!(m->path = strdup(f->path)))
            return err_internal(e, "out of memory");
        return load_layers(f, m, e);
    }
    wl_tf_spec spec;
    char name[WL_NAME_MAX];
    snprintf(name, sizeof name, "%s", m->name);
    if ((rc = load_tf_spec(f, m->elem_bytes, &spec, e)) || (rc = wl_transformer(&spec, name, m, e)))
        return rc;
    if (!(m->path = strdup(f->path)))
        return err_internal(e, "out of memory");
    /* Generated layers point at the spec they came from. */
    for (int i = 0; i < m->nlayers; i++)
        m->layers[i].line = cfg_section_line(f, "transformer");
    return ERR_OK;
}

/* ---- SCALE-Sim topology CSV ---------------------------------------------- */

static const char *const csv_conv_cols[] = {"Layer name", "IFMAP Height", "IFMAP Width",
                                            "Filter Height", "Filter Width", "Channels",
                                            "Num Filter", "Strides"};
static const char *const csv_gemm_cols[] = {"Layer", "M", "N", "K"};
#define CSV_CONV_N 8
#define CSV_GEMM_N 4
#define CSV_MAX_FIELDS 16


/* Splits a row at commas; SCALE-Sim ends rows with one, which adds no field.
   Returns the field count; only the first CSV_MAX_FIELDS are stored. */
static int csv_split(char *line, char **fld)
{
    int n = 0;
    char *last = NULL;
    for (char *p = line, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        last = cfg_trim(p);
        if (n < CSV_MAX_FIELDS)
            fld[n] = last;
        n++;
    }
    return n > 1 && !*last ? n - 1 : n;
}

static int csv_header_is(char **fld, int n, const char *const *cols, int ncols)
{
    if (n != ncols)
        return 0;
    for (int i = 0; i < n; i++)
        if (strcasecmp(fld[i], cols[i]))
            return 0;
    return 1;
}

/* One data row: a conv without padding, or a GEMM (M x K) . (K x N). */
static int csv_row(wl_model *m, int *cap, int gemm, char **fld, int n, int line, err_t *e)
{
    const char *const *cols = gemm ? csv_gemm_cols : csv_conv_cols;
    int ncols = gemm ? CSV_GEMM_N : CSV_CONV_N;
    if (n != ncols)
        return err_at(e, m->path, line, "expected %d fields (%s, ...), got %d", ncols, cols[0], n);
    long v[CSV_CONV_N];
    for (int i = 1; i < ncols; i++)
        if (cfg_parse_long(fld[i], &v[i]))
            return err_at(e, m->path, line, "%s: '%s': bad integer '%s'", fld[0], cols[i], fld[i]);
    wl_layer l = {.ninputs = 1, .inputs = {m->nlayers - 1}};
    if (gemm) {
        l.kind = WL_MATMUL;
        l.m = v[1];
        l.n = v[2];
        l.kd = v[3];
        l.heads = 1;
    } else {
        l.kind = WL_CONV;
        l.h = v[1];
        l.w = v[2];
        l.r = v[3];
        l.s = v[4];
        l.c = v[5];
        l.k = v[6];
        l.stride = v[7];
        l.groups = 1;
    }
    return push_layer(m, cap, fld[0], &l, line, e);
}

static int load_csv(const char *path, wl_model *m, err_t *e)
{
    if (!(m->path = strdup(path)))
        return err_internal(e, "out of memory");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_at(e, path, 0, "cannot open: %s", strerror(errno));
    name_from_path(path, m->name, sizeof m->name);
    m->elem_bytes = 1;
    char *line = NULL;
    size_t size = 0;
    int lineno = 0, gemm = -1, cap = 0, rc = ERR_OK;
    while (!rc && getline(&line, &size, fp) != -1) {
        lineno++;
        char *fld[CSV_MAX_FIELDS];
        char *row = cfg_trim(line);
        if (!*row)
            continue;
        int n = csv_split(row, fld);
        if (gemm >= 0)
            rc = csv_row(m, &cap, gemm, fld, n, lineno, e);
        else if (csv_header_is(fld, n, csv_conv_cols, CSV_CONV_N))
            gemm = 0;
        else if (csv_header_is(fld, n, csv_gemm_cols, CSV_GEMM_N))
            gemm = 1;
        else
            rc = err_at(e, path, lineno,
                        "not a SCALE-Sim topology header (expected 'Layer name, IFMAP Height, "
                        "IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                        "Strides' or 'Layer, M, N, K')");
    }
    if (!rc && ferror(fp))
        rc = err_internal(e, "reading %s: %s", path, strerror(errno));
    free(line);
    fclose(fp);
    if (rc)
        return rc;
    if (gemm < 0)
        return err_at(e, path, 0, "empty: expected a SCALE-Sim topology header");
    return wl_finish(m, e);
}

int wl_load(const char *path, wl_model *m, err_t *e)
{
    memset(m, 0, sizeof *m);
    size_t n = strlen(path);
    int csv = n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
    int rc = csv ? load_csv(path, m, e) : cfg_parse_file(path, load_ini_body, m, e);
    if (rc)
        wl_free(m);
    return rc;
}
