/* testutil.h - helpers shared by the unit tests. */
#ifndef MCM_TESTUTIL_H
#define MCM_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "platform.h"
#include "scenario.h"
#include "workload.h"

Suite *test_suite(void);

/* Relative closeness, for figures worked out by hand. */
#define ck_assert_rel(got, want, tol)                                                  \
    do {                                                                               \
        double g_ = (got), w_ = (want);                                                \
        ck_assert_msg(fabs(g_ - w_) <= (tol) * fmax(fabs(w_), 1e-300),                 \
                      "%s = %.12g, want %.12g (rel tol %g)", #got, g_, w_, (double)(tol)); \
    } while (0)

/* Writes TEXT to a fresh temporary file with the given suffix; returns its
   malloc'd path. The tests remove it with unlink. */
static inline char *tu_write_tmp(const char *text, const char *suffix)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/mcmtestXXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(text);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

/* Removes and frees the N files tu_write_tmp made. */
static inline void tu_remove_tmp(char **paths, int n)
{
    for (int i = 0; i < n; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
}

/* The platform PLAT_TEXT and a scenario of one model, "x", the workload
   WL_TEXT at BATCH, into P and SCN, failing the test on any error; PATHS
   gets the three files written (tu_remove_tmp removes them). */
static inline void tu_load_texts(const char *plat_text, const char *wl_text, long batch, char **paths,
                                 plat_t *p, scn_t *scn)
{
    char buf[512];
    err_t e;
    paths[0] = tu_write_tmp(plat_text, ".ini");
    paths[1] = tu_write_tmp(wl_text, ".ini");
    snprintf(buf, sizeof buf, "[model x]\nworkload = %s\nbatch = %ld\n", paths[1], batch);
    paths[2] = tu_write_tmp(buf, ".ini");
    ck_assert_msg(plat_load(paths[0], p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(scn_load(paths[2], scn, &e) == ERR_OK, "%s", e.msg);
}

/* An input error message MSG that starts "PATH:LINE: " ("PATH: " when LINE
   is 0, an error about the file as a whole) and contains WHAT. */
static inline void tu_assert_located(const char *msg, const char *path, int line, const char *what)
{
    char prefix[256];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", path);
    ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0, "got '%s', want prefix '%s'", msg, prefix);
    ck_assert_msg(strstr(msg, what), "got '%s', want '%s'", msg, what);
}

/* Loads the workload at PATH into M, failing the test on any error. */
static inline void tu_load_model(const char *path, wl_model *m)
{
    err_t e = {{0}};
    int rc = wl_load(path, m, &e);
    ck_assert_msg(rc == ERR_OK, "%s: %s", path, e.msg);
}

/* The layer NAME of M, failing the test when there is none. */
static inline const wl_layer *tu_layer(const wl_model *m, const char *name)
{
    int i = wl_find(m, name);
    ck_assert_msg(i >= 0, "no layer %s in %s", name, m->name);
    return &m->layers[i];
}

#endif
