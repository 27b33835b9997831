/* noc_calibrate.c - the flit engine against BookSim2's 4x4 calibration set
 * (/work/shared/noc-calibration.md): per pattern BookSim's drain cycles,
 * ours and their ratio, and the mean packet latencies and hops of both;
 * uniform as the mean of seeds 1..5. Then the 6x6 figures known from
 * BookSim, against the fluid bottleneck: uniform, and tornado with 1, 2
 * and 4 VCs of 16 flits. Run by scripts/noc_calibrate.sh. */
#include <stdio.h>
#include "err.h"
#include "traffic.h"

typedef struct {
    const char *name, *spec;
    double drain, latency, hops;
} booksim_run;

static const booksim_run runs[] = {
    {"transpose", "transpose", 48044, 15548.9, 3.5},
    {"bitcomp", "bitcomp", 33298, 16003.7, 5.0},
    {"shuffle", "shuffle", 32025, 11536.4, 3.0},
    {"neighbor", "neighbor", 16037, 7529.5, 4.0},
    {"randperm a", "perm:15,13,8,5,4,7,0,11,6,10,14,9,12,3,2,1", 35203, 11827.6, 3.625},
    {"randperm b", "perm:12,14,13,8,9,3,15,10,2,0,7,5,4,11,1,6", 33283, 14560.0, 4.125},
    {"randperm c", "perm:9,11,14,8,13,0,10,5,3,4,2,12,6,7,15,1", 34921, 12992.7, 4.125},
    {"uniform", "uniform", 23595, 10539, 3.5}, /* latency: mid of 10430-10648, hops of 3.48-3.52 */
    {"hotspot0", "hotspot", 256007, 127537.0, 4.0},
};

/* Mean over SEEDS of the batch of SPEC on a W x H mesh with VCS VCs. */
static int batch(const char *spec, int w, int h, int vcs, int seeds, double *drain, double *lat,
                 double *hops, double *bottleneck)
{
    traffic_batch_cfg c = {w, h, vcs, 16, 4, 1, NULL, NULL, NULL, NULL, 1000, 16};
    *drain = *lat = *hops = *bottleneck = 0;
    for (int s = 1; s <= seeds; s++) {
        traffic_pattern t;
        traffic_batch_result r;
        char msg[256];
        if (traffic_parse(spec, 0, s, w, h, &t, msg, sizeof msg) || traffic_batch(&c, &t, &r)) {
            fprintf(stderr, "noc_calibrate: %s failed\n", spec);
            return 1;
        }
        *drain += (double)r.drain / seeds;
        *lat += r.mean_latency / seeds;
        *hops += r.mean_hops / seeds;
        *bottleneck += traffic_bottleneck(&c, &t) / seeds;
        traffic_batch_free(&r);
        traffic_free(&t);
    }
    return 0;
}

int main(void)
{
    double d, l, h, b;
    printf("4x4 mesh, iq routers, 4 VCs x 16 flits, 1000 packets of 16 flits per node\n");
    printf("%-11s %9s %9s %7s %11s %11s %8s %8s\n", "pattern", "booksim", "flit", "ratio", "lat booksim",
           "lat flit", "hops bs", "hops flit");
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        int uniform = runs[i].spec[0] == 'u';
        if (batch(runs[i].spec, 4, 4, 4, uniform ? 5 : 1, &d, &l, &h, &b))
            return 1;
        printf("%-11s %9.0f %9.0f %7.3f %11.1f %11.1f %8.3f %8.3f\n", runs[i].name, runs[i].drain, d,
               d / runs[i].drain, runs[i].latency, l, runs[i].hops, h);
    }
    printf("\n6x6 against the fluid bottleneck (BookSim: uniform 1.36-1.47, tornado 1.13 / 2.09 / 1.46)\n");
    if (batch("uniform", 6, 6, 4, 5, &d, &l, &h, &b))
        return 1;
    printf("uniform, 4 VCs, seeds 1-5: %.0f cycles, bottleneck %.0f, ratio %.3f\n", d, b, d / b);
    for (int vcs = 1; vcs <= 4; vcs *= 2) {
        if (batch("tornado", 6, 6, vcs, 1, &d, &l, &h, &b))
            return 1;
        printf("tornado, %d VC%s x 16: %.0f cycles, bottleneck %.0f, ratio %.3f\n", vcs, vcs > 1 ? "s" : "",
               d, b, d / b);
    }
    return 0;
}
