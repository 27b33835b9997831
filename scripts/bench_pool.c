/* bench_pool.c - `make bench`: what the thread team costs a loop, apart from
 * the search. The annealing search is thousands of loops of 2 to 63
 * estimates of about 1.2 us each, one after another; here each iteration is
 * a fixed spin of arithmetic as long as an estimate, touching no shared
 * memory, so that what -j 2 loses against -j 1 is the team's own: the loop
 * published to the other core, the claims, the wait for the last
 * iteration. Best of 7 rounds, -j 1 and -j 2 interleaved (a shared machine
 * grants both cores at once unevenly). For a loop of n iterations on two
 * threads the best is ceil(n / 2) iterations of time: 2x for even n. */
#include <stdio.h>
#include <time.h>
#include "pool.h"

enum { ROUNDS = 7, SPIN = 270 }; /* SPIN: about 1.2 us here */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Each iteration's result on a line of its own: the search's slots are. */
typedef struct {
    double v;
    char pad[56];
} slot;

static void spin(void *arg, long i, int worker)
{
    (void)worker;
    volatile double x = 1.0;
    for (int k = 0; k < SPIN; k++)
        x = x * 1.0000001 + 1e-9;
    ((slot *)arg)[i].v = x;
}

/* Seconds for LOOPS loops of N iterations on a team of J. */
static double loops_s(int j, long n, long loops, slot *out)
{
    pool_t *p = pool_new(j);
    if (!p)
        return -1;
    pool_run(p, n, spin, out); /* the threads started and on their cores */
    double t0 = now();
    for (long l = 0; l < loops; l++)
        pool_run(p, n, spin, out);
    double t = now() - t0;
    pool_free(p);
    return t;
}

int main(void)
{
    static slot out[64];
    const long sizes[] = {4, 8, 20, 27, 63};
    printf("thread team, loops of iterations of a fixed ~1.2 us, best of %d (-j 1 and -j 2 interleaved)\n",
           ROUNDS);
    printf("  %5s %8s %12s %12s %8s %8s %14s\n", "n", "loops", "-j1_s", "-j2_s", "-j2/-j1", "best", "cost/loop_us");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        long n = sizes[k], loops = 160000 / n;
        double b1 = 0, b2 = 0;
        for (int r = 0; r < ROUNDS; r++) {
            double t1 = loops_s(1, n, loops, out), t2 = loops_s(2, n, loops, out);
            if (t1 < 0 || t2 < 0) {
                fprintf(stderr, "bench_pool: cannot start a team\n");
                return 1;
            }
            b1 = r == 0 || t1 < b1 ? t1 : b1;
            b2 = r == 0 || t2 < b2 ? t2 : b2;
        }
        /* the ideal -j 2 loop: ceil(n / 2) of the -j 1 loop's n iterations */
        double ideal = b1 * (double)((n + 1) / 2) / (double)n;
        printf("  %5ld %8ld %12.4f %12.4f %7.2fx %7.2fx %14.2f\n", n, loops, b1, b2, b1 / b2, b1 / ideal,
               (b2 - ideal) / (double)loops * 1e6);
    }
    return 0;
}
