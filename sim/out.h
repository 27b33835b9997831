/* out.h - what mcmsim writes: the files of -o and --trace, and standard output.
 *
 * No output ever destroys a file it was not asked to write, and none is left
 * half-written:
 * - a regular file, or a path that does not exist yet, is written to a
 *   temporary file beside it and renamed over it once complete, keeping the
 *   old file's mode; a failure leaves the old file as it was;
 * - a symbolic link is followed, and its target written as above (the link
 *   stays a link);
 * - anything else (a device such as /dev/null, a FIFO, a terminal) is written
 *   through, in place: replacing it would destroy it;
 * - "-" is standard output.
 * Every write is checked up to the close: a failure is ERR_INTERNAL with
 * "mcmsim: cannot write PATH: reason". A reader that closes standard output
 * early (`| head`) ends mcmsim quietly, with status 0. */
#ifndef MCM_OUT_H
#define MCM_OUT_H

#include <stddef.h>
#include <stdio.h>
#include "err.h"

/* At the start of main: a write to a closed pipe or past the file size limit
   fails with EPIPE or EFBIG instead of killing mcmsim (SIGPIPE, SIGXFSZ are
   ignored), and closed standard descriptors are reopened on /dev/null for
   reading, so that no file mcmsim opens becomes its standard output and a
   write to a closed stdout fails instead of vanishing. */
void out_init(void);

/* Before any work: ERR_OK when PATH, the value of option OPT, can be
   written; an input error when it is a directory, one of the command's
   NINPUTS INPUTS (the same file, by device and inode, whatever its name), or
   a path whose directory does not exist or cannot be written. "-" is fine. */
int out_check(const char *opt, const char *path, const char *const *inputs, int ninputs,
              err_t *e);

/* Writes what WRITE(fp, arg) produces to PATH as the header says. WRITE
   returns ERR_OK or, when it could not produce its bytes, anything else. */
int out_write(const char *path, int (*write)(FILE *fp, void *arg), void *arg, err_t *e);

/* Writes N bytes of DATA to standard output, whole: ERR_OK also when the
   reader has gone (EPIPE). */
int out_stdout(const char *data, size_t n, err_t *e);

/* Closes standard output once everything is written, checking what the
   close says. */
int out_stdout_close(err_t *e);

/* A report built in memory, so that standard output receives it whole or
   not at all, with the system's reason when it cannot. */
typedef struct {
    FILE *fp;
    char *data;
    size_t size;
} out_buf;

int out_buf_open(out_buf *b);                /* -1 when out of memory */
int out_buf_flush(out_buf *b, err_t *e);     /* to standard output, then frees */
void out_buf_discard(out_buf *b);

#endif
