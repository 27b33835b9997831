/* progress.c - the progress line; see progress.h. */
#include <string.h>
#include <time.h>
#include "progress.h"

double prog_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void prog_init(prog_t *p, FILE *out)
{
    memset(p, 0, sizeof *p);
    p->out = out;
}

int prog_format(char *buf, size_t size, const char *prefix, const char *stage, const char *figure,
                double frac, double elapsed_s)
{
    int n = snprintf(buf, size, "%s: %s%s%s, %3.0f%% done", prefix, stage, figure ? ", " : "",
                     figure ? figure : "", 100 * frac);
    /* an estimate of what is left needs something done and some time spent */
    if (n >= 0 && (size_t)n < size && frac > 0 && frac < 1 && elapsed_s >= 1)
        n += snprintf(buf + n, size - (size_t)n, ", ~%.0f s left", elapsed_s / frac - elapsed_s);
    return n;
}

void prog_end(prog_t *p)
{
    if (p->out && p->stage[0])
        fputc('\n', p->out);
    p->stage[0] = '\0';
}

void prog_step(prog_t *p, double now, const char *prefix, const char *stage, const char *figure,
               double frac)
{
    if (!p->out)
        return;
    if (strncmp(p->stage, stage, sizeof p->stage - 1) != 0) {
        prog_end(p);
        snprintf(p->stage, sizeof p->stage, "%s", stage);
        p->t0 = now;
        p->shown = 0;
        p->width = 0;
        p->last = now - 1; /* a new stage shows at once */
    } else if (p->shown >= 1) {
        return; /* the stage's 100 % is printed */
    }
    if (frac > 1)
        frac = 1;
    if (frac < p->shown)
        frac = p->shown;
    if (now - p->last < 0.5 && frac < 1)
        return;
    p->shown = frac;
    p->last = now;
    char line[256];
    int n = prog_format(line, sizeof line, prefix, p->stage, figure, frac, now - p->t0);
    if (n < 0)
        return;
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    /* blank what a longer line before it left */
    fprintf(p->out, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
    p->width = n;
    fflush(p->out);
}
