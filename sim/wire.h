/* wire.h - the one format in which results cross process boundaries.
 *
 * A growable byte buffer and the encoding of a res_result into it: every
 * figure of the result, so the receiver has all the sender computed
 * (a validated search candidate need not be evaluated again). Both ends
 * are the same binary on the same machine (forked workers; MPI ranks of
 * one build), so numbers travel in native byte order. The receiver
 * res_init's the result from its own copy of the inputs and decodes into
 * it; a shape that does not match is a decode error, never an overrun. */
#ifndef MCM_WIRE_H
#define MCM_WIRE_H

#include <stddef.h>
#include "result.h"

typedef struct {
    unsigned char *b;
    size_t n, cap, pos;     /* bytes held, allocated, read so far */
    int failed;             /* out of memory, or read past the end */
} wire_t;

void wire_put(wire_t *w, const void *src, size_t n);
/* -1 (and W failed) when fewer than N bytes are left. */
int wire_get(wire_t *w, void *dst, size_t n);
void wire_free(wire_t *w);

void wire_put_result(wire_t *w, const res_result *r);
/* R must be res_init'd for the same platform, scenario and schedule. */
int wire_get_result(wire_t *w, res_result *r);

#endif
