/* workload.h - a DNN model as a DAG of layers.
 *
 * A model is an array of layers in a topological order; each layer names the
 * layers it reads (index -1 is the model's own input, read from DRAM), so
 * residual adds and attention are real edges that carry bytes. Three sources
 * become the same struct: an explicit layer list (INI), a compact transformer
 * spec (GPT-2 / BERT, expanded here into real layers), and a SCALE-Sim
 * topology CSV. After loading, every derived figure (output size, MACs,
 * parameters, bytes) is filled in per sample; batch is applied by callers.
 * Every layer reads what its producers output (channels, spatial size,
 * a matmul's K; workload_shape.c says the rules). */
#ifndef MCM_WORKLOAD_H
#define MCM_WORKLOAD_H

#include "err.h"
#include "names.h"

#define WL_NAME_MAX 48
#define WL_MAX_INPUTS 4

typedef enum { WL_CONV, WL_MATMUL, WL_VECTOR } wl_kind;

typedef enum {
    WL_OP_NONE,       /* conv and matmul */
    WL_OP_ADD,        /* elementwise sum of its inputs (residual) */
    WL_OP_RELU,
    WL_OP_GELU,
    WL_OP_SOFTMAX,
    WL_OP_LAYERNORM,
    WL_OP_MAXPOOL,    /* r x s window, stride */
    WL_OP_AVGPOOL,    /* r x s window, stride; global pool when r = h, s = w */
    WL_OP_EMBED,      /* gather rows of a table held in DRAM */
    WL_NOPS
} wl_op;

typedef enum {
    WL_B_WEIGHT,      /* B is a parameter tensor (linear layers) */
    WL_B_ACT,         /* B is an activation from the layer's last input (QK^T, AV); with
                         one input A and B are both parts of it (Q, K of a fused QKV) */
    WL_B_KV           /* B is the KV cache, read from DRAM per sample (decode) */
} wl_operand;

typedef struct {
    char name[WL_NAME_MAX];
    wl_kind kind;
    wl_op op;
    /* conv and pooling: k output channels, c input channels, r x s filter,
       h x w input, p x q output, stride, pad, groups (c == groups: depthwise) */
    long k, c, r, s, h, w, p, q, stride, pad, groups;
    long shuffle;                /* conv: 0 or 1, or S: its output is depth-to-space
                                    rearranged, k/S^2 channels of S*p x S*q (an up-conv
                                    written as a 1x1 conv); costs and bytes unchanged */
    /* matmul: heads independent (m x kd) . (kd x n) products */
    long m, n, kd, heads;
    wl_operand b;
    long kv_len;                 /* b=kv: tokens of B already in the cache; B's token
                                    dimension (n or kd) is kv_len + m */
    int bias;                    /* conv, matmul b=weight: 1 adds a bias per output */
    int tied;                    /* matmul b=weight: 1 when the weight is another layer's
                                    (GPT-2's LM head is the token embedding): it counts
                                    no parameters but still has weight_bytes */
    /* embed: rows of the token, position and token-type tables; m rows of
       width n are gathered from each table that has rows */
    long vocab, npos, ntypes;
    /* vector ops: elements produced per sample. Files give it as elems, as
       c x h x w or as m rows of n (layernorm normalises over n, or over c);
       wl_finish fills it in for every vector op, pooling and embed included */
    long elems;
    int crop;                    /* vector ops of c h w: 1 when inputs may be larger than
                                    h x w, the layer keeping their middle (U-Net's skips) */
    int ninputs;
    int inputs[WL_MAX_INPUTS];   /* producer layer index, or -1 for the model input;
                                    several inputs are concatenated, except by add */
    int line;                    /* where it was defined, for messages */

    /* derived, per sample */
    double macs;
    double vec_ops;              /* element operations of the vector unit (workload.c
                                    says what each op costs per element) */
    double params;               /* parameters this layer owns (tied weights count once) */
    double weight_bytes;         /* parameter bytes that must be on chip to run it */
    double dram_bytes;           /* bytes gathered from DRAM per sample (embeddings, KV cache) */
    double out_bytes;            /* output activation bytes */
    double in_bytes;             /* activation bytes read: sum of the inputs' outputs */
} wl_layer;

/* Transformer family spec, as in a workload INI's [transformer] section. */
typedef enum { WL_GPT2, WL_BERT } wl_family;
typedef enum { WL_PREFILL, WL_DECODE } wl_phase;
typedef struct {
    wl_family family;
    long d_model, nlayers, heads, seq, vocab, context, kv_len;
    wl_phase phase;
    int elem_bytes;
    int lm_head;                 /* GPT-2: 1 adds the LM head (tied to the embedding) */
} wl_tf_spec;

typedef struct {
    char name[WL_NAME_MAX];
    char *path;
    int elem_bytes;              /* bytes per element (1 = int8) */
    double input_bytes;          /* per sample: what the input layers read from DRAM
                                    (the largest input of a layer reading it; an embed
                                    reads 4-byte token ids) */
    int nlayers;
    wl_layer *layers;
    int has_tf;                  /* built from a transformer spec: TF is it, so that */
    wl_tf_spec tf;               /* `serve` can rebuild the model per sequence length */
    names_t names;               /* the layers wl_push_layer added, by name */
} wl_model;


/* Loads a workload: *.csv is read as a SCALE-Sim topology, *.onnx as an ONNX model,
   anything else as INI.
   On failure M is left empty (wl_free is harmless on it). */
int wl_load(const char *path, wl_model *m, err_t *e);
void wl_free(wl_model *m);

/* FAMILY's defaults: its vocabulary and context, seq 128, prefill, int8, the
   LM head for GPT-2. The caller then sets d_model, nlayers and heads. */
void wl_tf_defaults(wl_tf_spec *spec, wl_family family);
/* Builds a transformer from a spec (the published GPT-2 and BERT sizes; head size
   d_model / heads). Layers are named embed, h0.ln1, h0.qkv, ... (README). */
int wl_transformer(const wl_tf_spec *spec, const char *name, wl_model *m, err_t *e);

/* Fills the derived fields of every layer and checks the DAG and its shapes; used by the
   loaders and by code that builds models in memory. */
int wl_finish(wl_model *m, err_t *e);

int wl_find(const wl_model *m, const char *name);  /* -1 if none */
double wl_total_macs(const wl_model *m);
double wl_total_params(const wl_model *m);

/* The kind as files and JSON spell it: "conv", "matmul", "add", "softmax", ... */
const char *wl_layer_kind(const wl_layer *l);
/* Inverse of wl_layer_kind; -1 when NAME is no kind. */
int wl_kind_parse(const char *name, wl_kind *kind, wl_op *op);

#endif
