/* err.h - how mcmsim reports what went wrong.
 *
 * Every fallible function returns ERR_OK, ERR_INPUT (the user's input is wrong:
 * exit status 2) or ERR_INTERNAL (a failure of ours or of the system: exit
 * status 1), and on failure leaves one human-readable line in an err_t. Input
 * errors carry their location as "FILE:LINE: message" so that the user can go
 * straight to the line. Callers pass the err_t up unchanged; only main prints. */
#ifndef MCM_ERR_H
#define MCM_ERR_H

enum { ERR_OK = 0, ERR_INTERNAL = 1, ERR_INPUT = 2 };

typedef struct {
    char msg[1024];
} err_t;

/* "FILE:LINE: message"; line <= 0 gives "FILE: message". Returns ERR_INPUT. */
int err_at(err_t *e, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An input error with no file behind it (a command-line value): "mcmsim: message".
   Returns ERR_INPUT. */
int err_input(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns ERR_INTERNAL. */
int err_internal(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure of the system rather than of mcmsim (a full disk, a closed
   output): "mcmsim: message". Returns ERR_INTERNAL. */
int err_system(err_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
