/* text.c - names and error lines as UTF-8 without control bytes; see text.h. */
#include <stddef.h>
#include "text.h"

/* Length of the UTF-8 sequence at S, or 0 when none starts there. */
static int utf8_length(const unsigned char *s)
{
    unsigned b = s[0];
    int n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || (n == 2 && b < 0xc2) || (n == 4 && b > 0xf4))
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) /* the terminating NUL stops this too */
            return 0;
    /* overlong three- and four-byte forms, UTF-16 surrogates, past U+10FFFF */
    if ((n == 3 && b == 0xe0 && s[1] < 0xa0) || (n == 3 && b == 0xed && s[1] >= 0xa0) ||
        (n == 4 && b == 0xf0 && s[1] < 0x90) || (n == 4 && b == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

static int is_control(const unsigned char *c, int n)
{
    return n == 1 && (*c < 0x20 || *c == 0x7f);
}

const char *text_problem(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c;) {
        int n = utf8_length(c);
        if (n == 0)
            return "is not valid UTF-8";
        if (is_control(c, n))
            return "contains a control character";
        c += n;
    }
    return NULL;
}

void text_sanitize(char *s)
{
    for (unsigned char *c = (unsigned char *)s; *c;) {
        int n = utf8_length(c);
        if (n == 0 || is_control(c, n)) {
            *c++ = '?';
            continue;
        }
        c += n;
    }
}
