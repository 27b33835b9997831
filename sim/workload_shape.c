/* workload_shape.c - what a layer reads against what its producers output;
 * wl_finish calls it for every layer, so every source (layer list,
 * transformer spec, SCALE-Sim CSV, a model built in memory) is held to it.
 *
 * A layer's edges carry its producers' whole outputs (README, Limits), so a
 * layer that declares another input than it is given would be priced for
 * work it cannot do. The rules, per reader:
 * - conv, pools and vector ops given as c h w read images: every input has
 *   the declared h x w (at least that with crop=1, which cuts the middle
 *   out), and the channels of several inputs add up to c;
 * - vector ops given as m n read rows: every input has m rows, their widths
 *   add up to n; given as elems, the elements add up;
 * - add: every input has the declared shape (it sums, not concatenates);
 * - matmul: K, the width of A (its inputs side by side with b=weight, its
 *   first input otherwise), is k; only K, because a layer may read some of
 *   its input's rows (BERT's pooler reads the first token of 128). When the
 *   one input also holds B (b=act or b=kv with one input: the fused QKV),
 *   A is a part of it and needs only heads x k of its width; an image may also
 *   be read flattened, one row of c*h*w (ONNX's Flatten before a Gemm);
 * - embed reads token ids, and the model input is shaped by its readers:
 *   neither is checked.
 * An input of another form is read in its natural layout: an image as h x w
 * rows of c (a matmul over positions is a 1x1 conv), a matmul of several
 * heads as heads x m rows of n (softmax, the next per-head product) or as m
 * rows of heads x n (the projection after attention, heads side by side); a
 * flat count of elements only by its count, and an image reader takes rows
 * or a flat count by their count too (a reshape). */
#include <stdio.h>
#include <string.h>
#include "workload_int.h"

typedef enum { SHAPE_IMAGE, SHAPE_MATRIX, SHAPE_FLAT } shape_form;

/* IMAGE: c, h, w; MATRIX: heads, rows, width; FLAT: elements. */
typedef struct {
    shape_form form;
    long d[3];
} shape_t;

static shape_t shape(shape_form form, long a, long b, long c)
{
    return (shape_t){form, {a, b, c}};
}

static double shape_elems(const shape_t *s)
{
    if (s->form == SHAPE_FLAT)
        return (double)s->d[0];
    return (double)s->d[0] * (double)s->d[1] * (double)s->d[2];
}

/* What L hands its readers. A conv with shuffle=S rearranges each S x S
   group of its channels into an S x S block of pixels. */
static shape_t output_shape(const wl_layer *l)
{
    long f = l->shuffle > 1 ? l->shuffle : 1;
    switch (wl_form_of(l)) {
    case WL_F_CONV:
        return shape(SHAPE_IMAGE, l->k / (f * f), l->p * f, l->q * f);
    case WL_F_POOL:
        return shape(SHAPE_IMAGE, l->c, l->p, l->q);
    case WL_F_MATMUL:
        return shape(SHAPE_MATRIX, l->heads, l->m, l->n);
    case WL_F_EMBED:
        return shape(SHAPE_MATRIX, 1, l->m, l->n);
    default:
        if (l->c)
            return shape(SHAPE_IMAGE, l->c, l->h, l->w);
        return l->m ? shape(SHAPE_MATRIX, 1, l->m, l->n) : shape(SHAPE_FLAT, l->elems, 0, 0);
    }
}

static void shape_text(const shape_t *s, char *buf, size_t n)
{
    if (s->form == SHAPE_FLAT)
        snprintf(buf, n, "%ld", s->d[0]);
    else if (s->form == SHAPE_MATRIX && s->d[0] == 1)
        snprintf(buf, n, "%ldx%ld", s->d[1], s->d[2]);
    else
        snprintf(buf, n, "%ldx%ldx%ld", s->d[0], s->d[1], s->d[2]);
}

/* The ways S can be read as rows: ROWS[i] rows of WIDTH[i]; returns how many
   (none for a flat count). */
static int row_views(const shape_t *s, long *rows, long *width)
{
    if (s->form == SHAPE_IMAGE) {
        rows[0] = s->d[1] * s->d[2], width[0] = s->d[0];
        return 1;
    }
    if (s->form == SHAPE_FLAT)
        return 0;
    rows[0] = s->d[0] * s->d[1], width[0] = s->d[2];
    rows[1] = s->d[1], width[1] = s->d[0] * s->d[2];
    return s->d[0] > 1 ? 2 : 1;
}

/* The width of S's view with R rows, or -1 if it has none. */
static long width_at(const shape_t *s, long r)
{
    long rows[2], width[2];
    int n = row_views(s, rows, width);
    for (int i = 0; i < n; i++)
        if (rows[i] == r)
            return width[i];
    return -1;
}

/* Whether S has a view of width W. */
static int has_width(const shape_t *s, long w)
{
    long rows[2], width[2];
    int n = row_views(s, rows, width);
    for (int i = 0; i < n; i++)
        if (width[i] == w)
            return 1;
    return 0;
}

/* "layer X reads SHAPE from FROM but declares KEYS", at X's line. */
static int mismatch(const wl_model *m, const wl_layer *l, const shape_t *got, const char *from,
                    const char *keys, err_t *e)
{
    char text[64];
    shape_text(got, text, sizeof text);
    return err_at(e, wl_model_file(m), l->line, "layer %s reads %s from %s but declares %s",
                  l->name, text, from, keys);
}

/* The keys of WANT (what L declares) whose bit is set in BAD, "c=99 h=77". */
static const char *declared(const shape_t *want, unsigned bad, char *buf, size_t n)
{
    static const char *const names[3][3] = {{"c", "h", "w"}, {"", "m", "n"}, {"elems", "", ""}};
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < 3; i++)
        if ((bad >> i) & 1 && used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s=%ld", used ? " " : "",
                                     names[want->form][i], want->d[i]);
    return buf;
}

/* Every key of WANT's shape, for a mismatch in form. */
static unsigned all_keys(const shape_t *want)
{
    return want->form == SHAPE_IMAGE ? 7u : want->form == SHAPE_MATRIX ? 6u : 1u;
}

/* Which of WANT's keys GOT, one whole input, does not match (0: it does).
   CROP: an image may be larger than the declared h x w. */
static unsigned compare_one(const shape_t *want, const shape_t *got, int crop)
{
    if (want->form == SHAPE_IMAGE && got->form == SHAPE_IMAGE) {
        unsigned bad = got->d[0] != want->d[0];
        for (int i = 1; i < 3; i++)
            if (crop ? got->d[i] < want->d[i] : got->d[i] != want->d[i])
                bad |= 1u << i;
        return bad;
    }
    if (want->form == SHAPE_MATRIX && got->form != SHAPE_FLAT) {
        /* m and n as one view; else whichever of them some view has is right */
        long w = width_at(got, want->d[1]);
        if (w == want->d[2])
            return 0;
        return w >= 0 ? 4u : has_width(got, want->d[2]) ? 2u : 6u;
    }
    return shape_elems(got) == shape_elems(want) ? 0 : all_keys(want);
}

/* An add, or a layer of one input: each input as a whole. */
static int check_each(const wl_model *m, const wl_layer *l, const shape_t *want, err_t *e)
{
    char keys[96];
    for (int j = 0; j < l->ninputs; j++) {
        if (l->inputs[j] < 0)
            continue;
        const wl_layer *src = &m->layers[l->inputs[j]];
        shape_t got = output_shape(src);
        unsigned bad = compare_one(want, &got, l->crop);
        if (bad)
            return mismatch(m, l, &got, src->name, declared(want, bad, keys, sizeof keys), e);
    }
    return ERR_OK;
}

/* Several inputs side by side: images along their channels, rows along
   their width, anything else by its count. An input from the model input
   is left out, and then so is the sum. */
static int check_concat(const wl_model *m, const wl_layer *l, const shape_t *want, err_t *e)
{
    char keys[96], from[4 * WL_NAME_MAX + 4] = "";
    int known = 1;
    long sum = 0;
    double elems = 0;
    shape_form form = want->form;
    for (int j = 0; j < l->ninputs; j++)
        if (l->inputs[j] >= 0 && output_shape(&m->layers[l->inputs[j]]).form != form)
            form = SHAPE_FLAT;
    for (int j = 0; j < l->ninputs; j++) {
        if (l->inputs[j] < 0) {
            known = 0;
            continue;
        }
        const wl_layer *src = &m->layers[l->inputs[j]];
        shape_t got = output_shape(src);
        snprintf(from + strlen(from), sizeof from - strlen(from), "%s%s", *from ? "+" : "",
                 src->name);
        elems += shape_elems(&got);
        if (form == SHAPE_IMAGE) {
            /* each input its own channels (they add up below), the declared size */
            shape_t same = *want;
            same.d[0] = got.d[0];
            unsigned bad = compare_one(&same, &got, l->crop);
            if (bad)
                return mismatch(m, l, &got, src->name, declared(want, bad, keys, sizeof keys), e);
            sum += got.d[0];
        } else if (form == SHAPE_MATRIX) {
            long w = width_at(&got, want->d[1]);
            if (w < 0)
                return mismatch(m, l, &got, src->name, declared(want, 2, keys, sizeof keys), e);
            sum += w;
        }
    }
    if (!known)
        return ERR_OK;
    if (form == SHAPE_FLAT && elems != shape_elems(want)) {
        shape_t got = shape(SHAPE_FLAT, (long)elems, 0, 0);
        return mismatch(m, l, &got, from, declared(want, all_keys(want), keys, sizeof keys), e);
    }
    int axis = form == SHAPE_IMAGE ? 0 : 2;
    if (form != SHAPE_FLAT && sum != want->d[axis]) {
        shape_t got = *want;
        got.d[axis] = sum;
        return mismatch(m, l, &got, from, declared(want, 1u << axis, keys, sizeof keys), e);
    }
    return ERR_OK;
}

/* A matmul's K: A is its inputs side by side (b=weight) or its first. The
   widths an input offers are its views' (row_views): an image's channels, a
   matrix's width per head and all its heads side by side. */
static int check_matmul(const wl_model *m, const wl_layer *l, err_t *e)
{
    int nA = l->b == WL_B_WEIGHT ? l->ninputs : 1;
    int fused = l->b != WL_B_WEIGHT && l->ninputs == 1;
    long all = l->heads * l->kd, sum = 0;
    char from[4 * WL_NAME_MAX + 4] = "", keys[64];
    snprintf(keys, sizeof keys, l->heads > 1 ? "k=%ld heads=%ld" : "k=%ld", l->kd, l->heads);
    shape_t got = {SHAPE_FLAT, {0, 0, 0}};
    for (int j = 0; j < nA; j++) {
        if (l->inputs[j] < 0)
            return ERR_OK;
        const wl_layer *src = &m->layers[l->inputs[j]];
        got = output_shape(src);
        snprintf(from + strlen(from), sizeof from - strlen(from), "%s%s", *from ? "+" : "",
                 src->name);
        long rows[2], w[2];
        int n = row_views(&got, rows, w);
        if (n == 0) {
            /* a flat count is read as rows of K */
            if (nA > 1)
                return ERR_OK;
            return got.d[0] % l->kd ? mismatch(m, l, &got, from, keys, e) : ERR_OK;
        }
        if (nA == 1) {
            /* a flattened image, one row of c*h*w (VGG's classifier after its last pool) */
            if (got.form == SHAPE_IMAGE && shape_elems(&got) == (double)l->kd)
                return ERR_OK;
            for (int i = 0; i < n; i++)
                if (fused ? w[i] >= all : w[i] == l->kd || w[i] == all)
                    return ERR_OK;
            return mismatch(m, l, &got, from, keys, e);
        }
        sum += w[n - 1];
    }
    if (sum == l->kd || sum == all)
        return ERR_OK;
    got = shape(SHAPE_MATRIX, 1, got.form == SHAPE_IMAGE ? got.d[1] * got.d[2] : got.d[1], sum);
    return mismatch(m, l, &got, from, keys, e);
}

int wl_check_shapes(const wl_model *m, int i, err_t *e)
{
    const wl_layer *l = &m->layers[i];
    switch (wl_form_of(l)) {
    case WL_F_EMBED:
        return ERR_OK;
    case WL_F_MATMUL:
        return check_matmul(m, l, e);
    case WL_F_CONV:
    case WL_F_POOL: {
        shape_t want = shape(SHAPE_IMAGE, l->c, l->h, l->w);
        return l->ninputs == 1 ? check_each(m, l, &want, e) : check_concat(m, l, &want, e);
    }
    default: {
        shape_t want = output_shape(l);
        return l->op == WL_OP_ADD || l->ninputs == 1 ? check_each(m, l, &want, e)
                                                      : check_concat(m, l, &want, e);
    }
    }
}
