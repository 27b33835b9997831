/* csv.h - writing CSV (RFC 4180) one field at a time.
 *
 * A field holding a comma, a double quote, CR or LF is quoted, its quotes
 * doubled; lines end in LF. Numbers are exact: an integral double below 2^53
 * is written as an integer, any other double as the shortest decimal that
 * reads back (strtod) as the same double, at most 17 significant digits;
 * infinities and NaN as inf, -inf and nan. */
#ifndef MCM_CSV_H
#define MCM_CSV_H

#include <stdio.h>

typedef struct {
    FILE *fp;
    int fields;   /* fields written on the current line */
} csv_t;

void csv_init(csv_t *c, FILE *fp);
void csv_str(csv_t *c, const char *s);
void csv_int(csv_t *c, long long v);
void csv_real(csv_t *c, double v);
/* An empty field: a figure the row's source does not have. */
void csv_none(csv_t *c);
/* The N column names of a header, as fields of the current line. */
void csv_names(csv_t *c, const char *const *names, int n);
/* Ends the current line. */
void csv_end(csv_t *c);
/* ERR_OK, or ERR_INTERNAL when a write failed. */
int csv_status(const csv_t *c);

#endif
