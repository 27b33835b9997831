/* bench_flit.c - speed of the flit engine: the 6x6 uniform batch, 1000
 * packets of 16 flits per node (576k flits), 4 VCs of 16 flits, routers of
 * 4 cycles, channels of 1, as BookSim runs it in 3.5-5 s. Prints the drain
 * cycles and the best wall time of three runs. */
#include <stdio.h>
#include <time.h>
#include "err.h"
#include "traffic.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    traffic_pattern t;
    char msg[256];
    if (traffic_parse("uniform", 0, 1, 6, 6, &t, msg, sizeof msg)) {
        fprintf(stderr, "bench_flit: %s\n", msg);
        return 1;
    }
    traffic_batch_cfg c = {6, 6, 4, 16, 4, 1, NULL, NULL, NULL, NULL, 1000, 16};
    double best = 1e30;
    long drain = 0;
    for (int rep = 0; rep < 3; rep++) {
        traffic_batch_result r;
        double t0 = now();
        if (traffic_batch(&c, &t, &r)) {
            fprintf(stderr, "bench_flit: the batch failed\n");
            return 1;
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
        drain = r.drain;
        traffic_batch_free(&r);
    }
    traffic_free(&t);
    printf("flit 6x6 uniform, 1000 packets of 16 flits per node: %ld cycles, %.3f s (best of 3)\n", drain,
           best);
    return 0;
}
