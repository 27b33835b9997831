/* progress.h - one progress line on a terminal, for runs that take a while.
 *
 * The line names its stage ("estimating", "simulating 3 of 8", ...) and what
 * its figure is (an estimate or a simulated value); its percentage never goes
 * back within a stage, and a stage reaches 100 % once: a stage's line is
 * closed with a newline when the stage changes or ends. Lines are printed at
 * most every half second, but the final one of a stage. */
#ifndef MCM_PROGRESS_H
#define MCM_PROGRESS_H

#include <stdio.h>

typedef struct {
    FILE *out;        /* NULL: nothing is printed */
    char stage[64];   /* the stage of the open line, "" when none is open */
    double t0;        /* when the stage started */
    double last;      /* when the last line was printed */
    double shown;     /* the fraction shown, never lowered within a stage */
    int width;        /* characters of the open line, to blank a shorter one */
} prog_t;

/* Seconds on the monotonic clock. */
double prog_now_s(void);

/* Progress to OUT (NULL: none). */
void prog_init(prog_t *p, FILE *out);

/* Formats "PREFIX: STAGE, FIGURE, NN% done, ~T s left" into BUF (at most
   SIZE bytes): FRAC of the stage done after ELAPSED_S seconds; without T once
   FRAC is 1, before anything is done or before a second has passed. FIGURE may be NULL. Returns the length. */
int prog_format(char *buf, size_t size, const char *prefix, const char *stage, const char *figure,
                double frac, double elapsed_s);

/* At time NOW (seconds, any origin), STAGE has FRAC (0..1) of its work done;
   FIGURE says what the best result so far is (NULL: nothing yet). */
void prog_step(prog_t *p, double now, const char *prefix, const char *stage, const char *figure,
               double frac);

/* Closes the open line, if any. */
void prog_end(prog_t *p);

#endif
