/* num.c - strict numbers; see num.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "num.h"

num_status num_long(const char *text, long lo, long hi, long *out)
{
    const char *s = text;
    if (*s == '+' || *s == '-')
        s++;
    /* strtol would skip blanks and take "" or "+" as 0 */
    if (!isdigit((unsigned char)*s))
        return NUM_SYNTAX;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*end)
        return NUM_SYNTAX;
    if (errno == ERANGE || v < lo || v > hi)
        return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

num_status num_real_prefix(const char *text, double *out, const char **end)
{
    const char *s = text;
    if (*s == '+' || *s == '-')
        s++;
    /* strtod alone would take blanks, "inf", "nan" and hex floats */
    if (*s == '0' && (s[1] == 'x' || s[1] == 'X'))
        return NUM_SYNTAX;
    if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
        return NUM_SYNTAX;
    char *e;
    errno = 0;
    double v = strtod(text, &e);
    *end = e;
    /* ERANGE: beyond a double, or so small it lost its precision */
    if (errno == ERANGE || !isfinite(v))
        return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

uint64_t num_splitmix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
