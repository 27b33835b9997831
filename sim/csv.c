/* csv.c - CSV fields; see csv.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "csv.h"
#include "err.h"

void csv_init(csv_t *c, FILE *fp)
{
    c->fp = fp;
    c->fields = 0;
}

static void sep(csv_t *c)
{
    if (c->fields++)
        fputc(',', c->fp);
}

void csv_str(csv_t *c, const char *s)
{
    sep(c);
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, c->fp);
        return;
    }
    fputc('"', c->fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', c->fp);
        fputc(*s, c->fp);
    }
    fputc('"', c->fp);
}

void csv_int(csv_t *c, long long v)
{
    sep(c);
    fprintf(c->fp, "%lld", v);
}

/* 2^53: every integer up to it is a double, exactly. */
#define CSV_EXACT_INT 9007199254740992.0

void csv_real(csv_t *c, double v)
{
    sep(c);
    if (isnan(v)) {
        fputs("nan", c->fp);
        return;
    }
    if (isinf(v)) {
        fputs(v > 0 ? "inf" : "-inf", c->fp);
        return;
    }
    if (v == floor(v) && fabs(v) < CSV_EXACT_INT) {
        fprintf(c->fp, "%.0f", v);
        return;
    }
    char buf[40];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, c->fp);
}

void csv_none(csv_t *c)
{
    sep(c);
}

void csv_names(csv_t *c, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        csv_str(c, names[i]);
}

void csv_end(csv_t *c)
{
    fputc('\n', c->fp);
    c->fields = 0;
}

int csv_status(const csv_t *c)
{
    return ferror(c->fp) ? ERR_INTERNAL : ERR_OK;
}
