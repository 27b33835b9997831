/* split.h - one segment split over several chiplets (intra-layer partitioning).
 *
 * A split segment runs every one of its layers on each of its W chiplets
 * ("slices"), each on a share of one dimension; shares differ by at most one
 * (dim / W, the first dim % W slices one more). The kinds (schedule syntax
 * "@ A+B+C split=k|c|n", README "Schedule files"):
 * - split=n: samples of the mini-batch (data parallel). Every slice holds all
 *   the weights and runs its samples; nothing is exchanged.
 * - split=k: output channels (tensor parallel, as Megatron-LM splits a
 *   transformer's MLP and attention). A conv or weight matmul that reads a
 *   whole tensor computes its share of output channels (conv k, matmul n) and
 *   holds that slice of its output; one that reads a slice made inside the
 *   segment computes on its share of input channels (conv c, matmul k) and
 *   holds partial sums of the whole output. Attention matmuls (b=act, b=kv)
 *   split their heads; elementwise vector ops (add, gelu, relu, softmax over a
 *   head's rows, pooling, embed) their elements; a layernorm, which needs whole
 *   rows, is computed whole on every slice from a whole input.
 * - split=c: input channels. Convs and matmuls compute on their share of input
 *   channels and hold partial sums.
 * Partial sums are reduced where they are read: every slice sends its whole
 * partial output, so a reduction moves W times the tensor. Inside a segment
 * nothing is exchanged, so a layer there may not read partial sums (end the
 * segment at the layer that makes them), nor a layernorm a slice.
 *
 * What a slice holds of a layer's output, and needs of an input from outside
 * its segment, is an interval of the tensor's channels as fractions of it
 * (its samples the evaluators take from the slice's share of the mini-batch):
 * a consumer receives from every slice of its producer the overlap of the
 * two. */
#ifndef MCM_SPLIT_H
#define MCM_SPLIT_H

#include "workload.h"

typedef enum { SPLIT_NONE, SPLIT_K, SPLIT_C, SPLIT_N } split_kind;

/* How one layer of a split segment is sliced. */
typedef enum {
    SPLIT_M_WHOLE,   /* unsplit (or split=n: its samples are the slice's) */
    SPLIT_M_OUT,     /* output channels */
    SPLIT_M_IN,      /* input channels, partial sums out */
    SPLIT_M_HEADS,   /* attention heads */
    SPLIT_M_ELEMS,   /* elements of a vector op */
    SPLIT_M_REPLICA  /* computed whole on every slice */
} split_mode;

/* What a slice holds of a layer's output. */
typedef enum { SPLIT_H_WHOLE, SPLIT_H_SLICE, SPLIT_H_PARTIAL, SPLIT_H_REPLICA } split_hold;

/* "k", "c", "n" ("" for SPLIT_NONE); split_kind_parse: -1 when NAME is none. */
const char *split_kind_name(split_kind k);
int split_kind_parse(const char *name, split_kind *k);

/* The share of DIM that slice I of W gets, and where it starts. */
long split_share(long dim, int w, int i);
long split_offset(long dim, int w, int i);

/* The modes of layers FIRST..LAST of M split KIND over W slices (MODES[0]
   for FIRST). On a segment that cannot be split so, returns ERR_INPUT with
   *BAD the offending layer and WHY (of N bytes) what is wrong with it:
   partial sums or a slice read inside the segment, or a dimension smaller
   than W. split=n checks nothing here (the mini-batch is the caller's). */
int split_modes(const wl_model *m, int first, int last, split_kind kind, int w, split_mode *modes,
                int *bad, char *why, size_t n);

/* Slice I of W of layer L in MODE: OUT is L with its sliced dimension cut
   to the share and its derived figures (macs, vec_ops, weight, input,
   output and DRAM bytes) scaled to it, partial-sum outputs whole. */
void split_layer(const wl_layer *l, split_mode mode, int w, int i, wl_layer *out);

/* What slice I of W holds of the output of a layer in MODE, as the
   fraction [*LO, *HI) of its channels. */
split_hold split_holds(const wl_layer *l, split_mode mode, int w, int i, double *lo, double *hi);
/* The fraction [*LO, *HI) of an input from outside the segment that slice I
   of a layer in MODE reads. */
void split_needs(const wl_layer *l, split_mode mode, int w, int i, double *lo, double *hi);

#endif
