/* num.h - the one strict reader of numbers, for options and files alike.
 *
 * strtol and strtod accept what a number should not be: leading blanks, an
 * empty string, trailing junk they silently leave, values out of range that
 * they clamp (2^64 becomes LONG_MAX), hexadecimal, "inf" and "nan". These
 * readers take the whole text or nothing and say why, so that no caller can
 * cut a number short. */
#ifndef MCM_NUM_H
#define MCM_NUM_H

#include <stdint.h>

typedef enum {
    NUM_OK = 0,
    NUM_SYNTAX,  /* not a number, or something after it */
    NUM_RANGE    /* a number, but outside [lo, hi] (or beyond what the type holds) */
} num_status;

/* TEXT as a whole decimal integer ([+-]digits) in [LO, HI]. *OUT is set only
   on NUM_OK. */
num_status num_long(const char *text, long lo, long hi, long *out);

/* The decimal real number at the start of TEXT ([+-]digits[.digits][e[+-]digits],
   or .digits...): no hexadecimal, infinity or NaN. *END receives where it
   stopped (the caller decides what may follow: a unit); NUM_RANGE when it
   overflows or underflows a double. */
num_status num_real_prefix(const char *text, double *out, const char **end);

/* splitmix64's step and finaliser (Steele, Lea and Flood): the one source of
   random draws (traffic patterns, request arrivals), the same on every
   machine. Z is the state after its increment; callers advance it. */
uint64_t num_splitmix64(uint64_t z);

#endif
