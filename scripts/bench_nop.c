/* bench_nop.c - `make bench`: what the network levels cost, each measured in
 * this run: the NoP alone (`traffic` on het-6x6, uniform, 1000 packets of
 * 16 flits per node: the case BookSim2 drains in 3.5-5 s) and the default
 * schedule, at the flow and the packet level, best of 3. In process, so
 * without the ~30 ms every mcmsim process spends starting (ld.so and
 * SimGrid's constructors); a simulation runs in its forked worker, as
 * always. Run from the repository root after `make`. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "runner.h"
#include "traffic_run.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const err_t *e)
{
    fprintf(stderr, "bench_nop: %s: %s\n", what, e->msg);
    exit(1);
}

static double traffic_s(const plat_t *p, const char *level, double *drain_cycles)
{
    trun_opts o = {.pattern = "uniform", .seed = 1, .packets = 1000, .packet_flits = 16,
                   .level = nop_level_find(level)};
    double best = 1e30;
    for (int i = 0; i < 3; i++) {
        trun_result r;
        err_t e;
        double t0 = now();
        if (trun_run(p, &o, &r, &e))
            die("traffic", &e);
        double t = now() - t0;
        best = t < best ? t : best;
        *drain_cycles = r.drain_s / r.cycle_s;
        trun_free(&r);
    }
    return best;
}

static double simulate_s(const plat_t *p, const scn_t *scn, const sched_t *s, const char *level,
                         double *makespan)
{
    eval_opts o = {.nop = nop_level_find(level)};
    double best = 1e30;
    for (int i = 0; i < 3; i++) {
        res_result r;
        err_t e;
        double t0 = now();
        if (runner_one(eval_find("simulate"), p, scn, s, NULL, &o, &r, &e))
            die("simulate", &e);
        double t = now() - t0;
        best = t < best ? t : best;
        *makespan = r.makespan_s;
        res_free(&r);
    }
    return best;
}

int main(void)
{
    plat_t p6, p2;
    scn_t scn;
    sched_t s;
    err_t e;
    if (plat_load("platforms/het-6x6.ini", &p6, &e) || plat_load("platforms/het-2x2.ini", &p2, &e) ||
        sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &p2, &scn, &s, &e))
        die("inputs", &e);
    double df, dp, mf, mp;
    double tf = traffic_s(&p6, "flow", &df), tp = traffic_s(&p6, "packet", &dp);
    printf("network levels, in process, best of 3\n");
    printf("  traffic het-6x6 uniform, 1000 x 16 flits a node: flow %.4f s (drain %.0f cycles), "
           "packet %.4f s (drain %.0f cycles); packet/flow %.1fx\n",
           tf, df, tp, dp, tp / tf);
    /* one decimal: a rounded 19.5 must not read as the target's 20 */
    printf("  vs BookSim2's 3.5-5 s: flow %.1f-%.1fx faster (target >= 100x), packet %.1f-%.1fx "
           "(target >= 20x)\n",
           3.5 / tf, 5 / tf, 3.5 / tp, 5 / tp);
    double sf = simulate_s(&p2, &scn, &s, "flow", &mf), sp = simulate_s(&p2, &scn, &s, "packet", &mp);
    printf("  simulate het-2x2 default schedule: flow %.4f s (makespan %.6f ms), packet %.4f s "
           "(makespan %.6f ms); packet/flow %.1fx\n",
           sf, mf * 1e3, sp, mp * 1e3, sp / sf);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p2);
    plat_free(&p6);
    return 0;
}
