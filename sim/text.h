/* text.h - what text from a file may become: a name in a report, a JSON
 * string, a quote in an error line.
 *
 * JSON strings are UTF-8 (jansson refuses anything else, and a refused
 * string silently drops its key), and a terminal acts on control bytes, so
 * names must be valid UTF-8 without control characters, and error lines
 * never carry either. */
#ifndef MCM_TEXT_H
#define MCM_TEXT_H

/* NULL when S is fit for a name: valid UTF-8 (RFC 3629: no overlong forms,
   surrogates or code points past U+10FFFF) without control characters;
   else what is wrong, e.g. "is not valid UTF-8". */
const char *text_problem(const char *s);

/* Replaces in place every byte of S that is a control character or not
   part of valid UTF-8 by '?': an error line quotes what it found safely. */
void text_sanitize(char *s);

#endif
