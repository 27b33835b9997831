/* workload_int.h - private to the workload module (sim/workload*.c); nothing
 * else includes it.
 *
 * workload.c owns what every source shares: the table of a layer's keys
 * (which the INI reader parses and wl_finish range-checks, so that a key's
 * limits are written once), layer names and how layers are appended. The
 * readers, workload_ini.c, workload_csv.c and workload_tf.c, only build
 * layers and leave the checks to wl_finish, which has workload_shape.c check
 * that every layer reads what its producers output. */
#ifndef MCM_WORKLOAD_INT_H
#define MCM_WORKLOAD_INT_H

#include <stddef.h>
#include "workload.h"

/* ---- kinds and keys (workload.c) ----------------------------------------- */

/* Layers that take the same keys share a form. */
enum {
    WL_F_CONV = 1, WL_F_POOL = 2, WL_F_MATMUL = 4, WL_F_ELEM = 8, WL_F_EMBED = 16, WL_F_ALL = 31
};

unsigned wl_form_of(const wl_layer *l);
/* " conv matmul add ...": every kind, each after a space, for messages. */
const char *wl_kind_list(char *buf, size_t n);

typedef enum { WL_KEY_SIZE, WL_KEY_FLAG, WL_KEY_OPERAND, WL_KEY_INPUTS } wl_key_type;

typedef struct {
    const char *key;
    unsigned forms;     /* forms that take it */
    unsigned required;  /* forms that must give it */
    unsigned absent0;   /* forms where 0 means "not given" (one of several ways to size it) */
    wl_key_type type;
    size_t off;         /* WL_KEY_SIZE: long field, WL_KEY_FLAG: int field */
    long min;
} wl_key_def;

extern const wl_key_def wl_key_defs[];
extern const int wl_nkeys;

/* The index in wl_key_defs of KEY as FORM takes it; -1 if FORM takes no KEY. */
int wl_key_find(const char *key, unsigned form);
/* "k c r s ...": the keys FORM takes (or only those it needs), for messages. */
const char *wl_key_list(unsigned form, int required_only, char *buf, size_t n);

/* ---- names and layers (workload.c) --------------------------------------- */

/* The file M came from, or its name when it was built in memory, for messages. */
const char *wl_model_file(const wl_model *m);

/* Why NAME cannot name a layer or a model, or NULL; BUF holds the text when
   it needs a number. */
const char *wl_name_problem(const char *name, char *buf, size_t n);
/* The file's base name without extension, made fit to be a model name. */
void wl_name_from_path(const char *path, char *name, size_t n);
/* Appends a copy of L named NAME, defined at LINE; *CAP is the capacity of
   M's layer array, which it grows. */
int wl_push_layer(wl_model *m, int *cap, const char *name, const wl_layer *l, int line,
                  err_t *e);

/* ---- shapes (workload_shape.c) -------------------------------------------- */

/* Whether layer I reads what its producers (derived already) output; an
   input error at its line otherwise. */
int wl_check_shapes(const wl_model *m, int i, err_t *e);

/* ---- the readers --------------------------------------------------------- */

/* workload_tf.c: what is wrong with a spec, or NULL; *KEY names the
   [transformer] key to blame (NULL: no single key). Shared by the INI loader,
   which turns KEY into a line, and by wl_transformer. */
const char *wl_tf_problem(const wl_tf_spec *s, char *buf, size_t n, const char **key);

/* workload_ini.c and workload_csv.c: read PATH into M, which wl_load has
   zeroed and frees on failure. */
int wl_ini_load(const char *path, wl_model *m, err_t *e);
int wl_csv_load(const char *path, wl_model *m, err_t *e);
/* workload_onnx.c: an ONNX model (protobuf-c), same contract. */
int wl_onnx_load(const char *path, wl_model *m, err_t *e);

#endif
