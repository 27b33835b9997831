/* split.c - slicing the layers of a split segment; see split.h. */
#include <stdio.h>
#include <string.h>
#include "split.h"

static const char *const kind_names[] = {"", "k", "c", "n"};

const char *split_kind_name(split_kind k)
{
    return kind_names[k];
}

int split_kind_parse(const char *name, split_kind *k)
{
    for (int i = SPLIT_K; i <= SPLIT_N; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *k = (split_kind)i;
            return 0;
        }
    return -1;
}

long split_share(long dim, int w, int i)
{
    return dim / w + (i < dim % w);
}

long split_offset(long dim, int w, int i)
{
    return (long)i * (dim / w) + (i < dim % w ? i : dim % w);
}

/* A grouped conv (depthwise included) splits whole groups: each reads only
   the input channels of its own groups. */
static int grouped(const wl_layer *l)
{
    return l->kind == WL_CONV && l->groups > 1;
}

static int weighted(const wl_layer *l)
{
    return l->kind == WL_CONV || (l->kind == WL_MATMUL && l->b == WL_B_WEIGHT);
}

/* The dimension MODE cuts. */
static long mode_dim(const wl_layer *l, split_mode mode)
{
    switch (mode) {
    case SPLIT_M_OUT:
        return grouped(l) ? l->groups : l->kind == WL_CONV ? l->k : l->n;
    case SPLIT_M_IN:
        return l->kind == WL_CONV ? l->c : l->kd;
    case SPLIT_M_HEADS:
        return l->heads > 0 ? l->heads : 1;
    case SPLIT_M_ELEMS:
        return l->elems;
    default:
        return 1;
    }
}

static const char *const dim_names[] = {"", "output channels", "input channels", "heads", "elements",
                                        ""};

static split_mode mode_of(const wl_layer *l, split_kind kind, split_hold in)
{
    if (grouped(l))
        return SPLIT_M_OUT;
    if (weighted(l))
        return kind == SPLIT_C || in == SPLIT_H_SLICE ? SPLIT_M_IN : SPLIT_M_OUT;
    if (l->kind == WL_MATMUL)
        return SPLIT_M_HEADS;
    return l->op == WL_OP_LAYERNORM ? SPLIT_M_REPLICA : SPLIT_M_ELEMS;
}

int split_modes(const wl_model *m, int first, int last, split_kind kind, int w, split_mode *modes,
                int *bad, char *why, size_t n)
{
    for (int l = first; l <= last; l++) {
        const wl_layer *ly = &m->layers[l];
        split_hold in = SPLIT_H_WHOLE;
        int from = -1;
        for (int j = 0; j < ly->ninputs; j++) {
            int src = ly->inputs[j];
            if (src < first)
                continue;
            double lo, hi;
            split_hold h = split_holds(&m->layers[src], modes[src - first], w, 0, &lo, &hi);
            if (h == SPLIT_H_PARTIAL || (h == SPLIT_H_SLICE && in != SPLIT_H_PARTIAL))
                in = h, from = src;
        }
        modes[l - first] = kind == SPLIT_N ? SPLIT_M_WHOLE : mode_of(ly, kind, in);
        *bad = l;
        if (in == SPLIT_H_PARTIAL) {
            snprintf(why, n, "reads the partial sums of %s inside the segment; end the segment at %s",
                     m->layers[from].name, m->layers[from].name);
            return ERR_INPUT;
        }
        if (in == SPLIT_H_SLICE && modes[l - first] == SPLIT_M_REPLICA) {
            snprintf(why, n, "needs whole rows but reads a slice of %s; end the segment before it",
                     m->layers[from].name);
            return ERR_INPUT;
        }
        split_mode md = modes[l - first];
        long dim = mode_dim(ly, md);
        if (md != SPLIT_M_WHOLE && md != SPLIT_M_REPLICA && dim < w) {
            snprintf(why, n, "has %ld %s, fewer than the %d slices", dim, dim_names[md], w);
            return ERR_INPUT;
        }
    }
    return ERR_OK;
}

void split_layer(const wl_layer *l, split_mode mode, int w, int i, wl_layer *out)
{
    *out = *l;
    if (mode == SPLIT_M_WHOLE || mode == SPLIT_M_REPLICA)
        return;
    long dim = mode_dim(l, mode), share = split_share(dim, w, i);
    double f = (double)share / (double)dim;
    switch (mode) {
    case SPLIT_M_OUT:
        if (grouped(l)) {
            out->k = l->k / l->groups * share;
            out->c = l->c / l->groups * share;
            out->groups = share;
        } else if (l->kind == WL_CONV) {
            out->k = share;
        } else {
            out->n = share;
        }
        break;
    case SPLIT_M_IN:
        if (l->kind == WL_CONV)
            out->c = share;
        else
            out->kd = share;
        break;
    case SPLIT_M_HEADS:
        out->heads = share;
        break;
    default:
        out->elems = share;
        break;
    }
    out->macs *= f;
    out->vec_ops *= f;
    out->params *= f;
    out->weight_bytes *= f;
    out->dram_bytes *= f;
    if (mode != SPLIT_M_OUT || grouped(l))
        out->in_bytes *= f;   /* an output-channel slice reads the whole input */
    if (mode != SPLIT_M_IN)
        out->out_bytes *= f;  /* partial sums are whole */
}

/* [*LO, *HI): slice I of W of a layer's dimension in MODE, as fractions. */
static void interval(const wl_layer *l, split_mode mode, int w, int i, double *lo, double *hi)
{
    long dim = mode_dim(l, mode), off = split_offset(dim, w, i);
    *lo = (double)off / (double)dim;
    *hi = (double)(off + split_share(dim, w, i)) / (double)dim;
}

split_hold split_holds(const wl_layer *l, split_mode mode, int w, int i, double *lo, double *hi)
{
    *lo = 0, *hi = 1;
    switch (mode) {
    case SPLIT_M_WHOLE:
        return SPLIT_H_WHOLE;
    case SPLIT_M_REPLICA:
        return SPLIT_H_REPLICA;
    case SPLIT_M_IN:
        return SPLIT_H_PARTIAL;
    default:
        interval(l, mode, w, i, lo, hi);
        return SPLIT_H_SLICE;
    }
}

void split_needs(const wl_layer *l, split_mode mode, int w, int i, double *lo, double *hi)
{
    *lo = 0, *hi = 1;
    if (mode == SPLIT_M_IN || mode == SPLIT_M_HEADS || mode == SPLIT_M_ELEMS ||
        (mode == SPLIT_M_OUT && grouped(l)))
        interval(l, mode, w, i, lo, hi);
}
