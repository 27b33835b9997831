/* workload_csv.c - a SCALE-Sim topology CSV: a conv header (Layer name, IFMAP
 * Height, ...) or a GEMM header (Layer, M, N, K), then a layer per row, each
 * reading the one before; see workload.h.
 *
 * SCALE-Sim's convs have no padding and its GEMMs no bias, so a row maps to
 * a layer field by field; wl_finish checks what the numbers mean. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cfg.h"
#include "workload_int.h"

static const char *const csv_conv_cols[] = {"Layer name", "IFMAP Height", "IFMAP Width",
                                            "Filter Height", "Filter Width", "Channels",
                                            "Num Filter", "Strides"};
static const char *const csv_gemm_cols[] = {"Layer", "M", "N", "K"};
#define CSV_CONV_N 8
#define CSV_GEMM_N 4
#define CSV_MAX_FIELDS 16

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
    return wl_push_layer(m, cap, fld[0], &l, line, e);
}

int wl_csv_load(const char *path, wl_model *m, err_t *e)
{
    if (!(m->path = strdup(path)))
        return err_internal(e, "out of memory");
    FILE *fp;
    int rc = cfg_open_input(path, &fp, e);
    if (rc)
        return rc;
    wl_name_from_path(path, m->name, sizeof m->name);
    m->elem_bytes = 1;
    char *line = NULL;
    size_t size = 0;
    int lineno = 0, gemm = -1, cap = 0;
    char *row, *fld[CSV_MAX_FIELDS];
    while (!rc && !(rc = cfg_next_row(fp, path, &line, &size, &lineno, &row, e)) && row) {
        int n = cfg_csv_split(row, fld, CSV_MAX_FIELDS);
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
