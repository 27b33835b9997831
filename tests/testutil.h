/* testutil.h - helpers shared by the unit tests. */
#ifndef MCM_TESTUTIL_H
#define MCM_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
