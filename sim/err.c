/* err.c - formatting of error lines; see err.h. */
#include <stdarg.h>
#include <stdio.h>
#include "err.h"
#include "text.h"

static int vset(err_t *e, int code, const char *prefix, const char *fmt, va_list ap)
{
    size_t n = 0;
    if (prefix) {
        int k = snprintf(e->msg, sizeof e->msg, "%s", prefix);
        n = k < 0 ? 0 : (size_t)k;
        if (n >= sizeof e->msg)
            return code;
    }
    vsnprintf(e->msg + n, sizeof e->msg - n, fmt, ap);
    /* a message quotes what it found: never as control bytes (it is one
       line on a terminal) or broken UTF-8 (it may go into JSON) */
    text_sanitize(e->msg);
    return code;
}

int err_at(err_t *e, const char *file, int line, const char *fmt, ...)
{
    char where[512];
    if (line > 0)
        snprintf(where, sizeof where, "%s:%d: ", file, line);
    else
        snprintf(where, sizeof where, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_INPUT, where, fmt, ap);
    va_end(ap);
    return ERR_INPUT;
}

int err_input(err_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_INPUT, "mcmsim: ", fmt, ap);
    va_end(ap);
    return ERR_INPUT;
}

int err_internal(err_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_INTERNAL, "mcmsim: internal error: ", fmt, ap);
    va_end(ap);
    return ERR_INTERNAL;
}

int err_system(err_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(e, ERR_INTERNAL, "mcmsim: ", fmt, ap);
    va_end(ap);
    return ERR_INTERNAL;
}
