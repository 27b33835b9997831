/* workload_onnx_int.h - private to the ONNX reader (sim/workload_onnx*.c);
 * nothing else includes it.
 *
 * workload_onnx.c reads the file and walks the graph: the table of tensors by
 * name, value_info and graph inputs, the fused patterns; workload_onnx_node.c
 * holds what every operator rule uses: a node's attributes and constants, its
 * errors, the shape helpers, how a layer is appended; workload_onnx_ops.c has
 * the operator rules, each node's output shape and the layer it makes. */
#ifndef MCM_WORKLOAD_ONNX_INT_H
#define MCM_WORKLOAD_ONNX_INT_H

#include <stddef.h>
#include "onnx.pb-c.h"
#include "workload_int.h"

#define OX_MAXRANK 8
#define OX_MAXVALS 64 /* int values kept per constant tensor (shape arithmetic) */

typedef struct {
    const char *name;
    int known;                /* shape known */
    int rank;
    long dims[OX_MAXRANK];
    int is_const;             /* initializer or a constant computed from them */
    int nvals;                /* int values, when it is a small int constant (else -1) */
    long vals[OX_MAXVALS];
    int nsrc;                 /* producers: layer indices, -1 the model input */
    int src[WL_MAX_INPUTS];
    long gathered_rows;       /* a constant gathered from a table of this many rows */
    int vi_known;             /* a static shape from the graph's value_info / outputs */
    int vi_rank;
    long vi_dims[OX_MAXRANK];
} ox_tensor;

enum { OX_FUSE_NONE, OX_FUSE_SKIP, OX_FUSE_LAYERNORM, OX_FUSE_GELU };

typedef struct {
    const char *path;
    const Onnx__GraphProto *g;
    ox_tensor *t;
    int nt, capt;
    names_t names;            /* t by name */
    int *fuse;                /* per node */
    int *fuse_in;             /* per node: the fused pattern's input tensor */
    wl_model *m;
    int cap;
    err_t *e;
} ox;

/* ---- the tensor table (workload_onnx.c) ---------------------------------- */

/* The tensor NAME's index, or -1. */
int ox_tfind(const ox *x, const char *name);
/* The tensor NAME, created unknown when new; -1 when out of memory. */
int ox_tget(ox *x, const char *name);
double ox_numel(const ox_tensor *t);
/* "[d0,d1,...]", for messages. */
void ox_dims_text(const ox_tensor *t, char *buf, size_t n);

/* ---- nodes (workload_onnx_node.c) ---------------------------------------- */

/* "FILE: node 'NAME' (OpType): message", an input error. */
int ox_node_err(const ox *x, const Onnx__NodeProto *nd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const Onnx__AttributeProto *ox_attr(const Onnx__NodeProto *nd, const char *name);
long ox_attr_i(const Onnx__NodeProto *nd, const char *name, long dflt);
/* The ints of attribute NAME into V (at most OX_MAXVALS); their count, -1 if absent. */
int ox_attr_ints(const Onnx__NodeProto *nd, const char *name, long *v);
int ox_is_op(const Onnx__NodeProto *nd, const char *op);
/* Input I of ND as a tensor index; -1 when absent (optional, "" or past the end). */
int ox_in_t(const ox *x, const Onnx__NodeProto *nd, size_t i);
/* Reads an initializer or a Constant's value into T: shape, and the values
   of a small int tensor. */
void ox_set_const(ox_tensor *t, const Onnx__TensorProto *tp);
/* The int values of input I (a constant), or of attribute NAME when the
   opset gives it so; count into *N (-1: neither). */
int ox_const_ints(const ox *x, const Onnx__NodeProto *nd, size_t i, const char *name, long *v,
                  int *n);
/* Adds S's producers to D's; an error past mcmsim's inputs per layer. */
int ox_add_srcs(const ox *x, const Onnx__NodeProto *nd, ox_tensor *d, const ox_tensor *s);
/* Appends L reading the producers of SRC (the model input when it has
   none); OUT's tensor then holds the new layer. */
int ox_push(ox *x, const Onnx__NodeProto *nd, int idx, wl_layer *l, const ox_tensor *src,
            ox_tensor *out);
/* The layer that produced T alone, or NULL. */
const wl_layer *ox_layer_of(const ox *x, const ox_tensor *t);
/* Sizes a vector op producing OUT from the producers of IN (see its definition). */
void ox_size_vector(const ox *x, wl_layer *l, const ox_tensor *in, const ox_tensor *out);
void ox_set_dims(ox_tensor *t, int rank, const long *dims);
/* Input I of ND, which must be there with a known shape. */
int ox_need(const ox *x, const Onnx__NodeProto *nd, size_t i, ox_tensor **t);
int ox_norm_axis(long a, int rank);
/* Numpy broadcasting of A and B into OUT. */
int ox_broadcast(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *a, const ox_tensor *b,
                 ox_tensor *out);
/* The output rows and columns of a sliding window over X (conv and pools),
   and the one stride and symmetric pad mcmsim's layer needs to give them. */
int ox_window(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *X, long R, long S,
              int pool, wl_layer *l, long *P, long *Q);
int ox_need_rank(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *t, int rank);
/* The one producer of operand T of a layer that must read it whole. */
int ox_one_src(const ox *x, const Onnx__NodeProto *nd, const ox_tensor *t);

/* ---- operators (workload_onnx_ops.c) ------------------------------------- */

/* Node IDX of the graph: its outputs' shapes and the layer it makes, if any. */
int ox_node(ox *x, int idx);

#endif
