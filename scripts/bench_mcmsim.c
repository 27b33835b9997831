/* bench_mcmsim.c - `make bench`: speed and memory of each stage, each next to
 * a baseline measured in the same run, because these machines are shared and
 * noisy and only ratios travel. Prints one line per figure. Run from the
 * repository root after `make`; it finds build/bench/bench_simgrid_raw beside
 * itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cost.h"
#include "des.h"
#include "runner.h"
#include "estimate.h"
#include "search.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const err_t *e)
{
    fprintf(stderr, "bench: %s: %s\n", what, e->msg);
    exit(1);
}

/* Mean wall time of spawning /bin/true: the floor under any tool that runs
   as a process per layer, as MAESTRO does. */
static double spawn_s(int n)
{
    double t0 = now();
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
    }
    return (now() - t0) / n;
}

static void bench_cost(void)
{
    const char *files[] = {"workloads/gpt2-xl.ini", "workloads/bert-large.ini", "workloads/resnet50.ini"};
    wl_model m[3];
    err_t e;
    for (int i = 0; i < 3; i++)
        if (wl_load(files[i], &m[i], &e))
            die(files[i], &e);
    long calls = 0;
    double sink = 0, t0 = now();
    for (int rep = 0; rep < 20; rep++)
        for (int df = 0; df < PLAT_NDATAFLOW; df++) {
            plat_chiplet c;
            plat_chiplet_defaults(&c);
            c.dataflow = (plat_dataflow)df;
            c.array_rows = c.array_cols = 64; /* plat_finish's shape of the 4096 PEs */
            for (int b = 1; b <= 32; b += 31)
                for (int i = 0; i < 3; i++)
                    for (int l = 0; l < m[i].nlayers; l++) {
                        cost_t ct;
                        cost_layer(&c, &m[i].layers[l], m[i].elem_bytes, b, &ct);
                        sink += ct.cycles;
                        calls++;
                    }
        }
    double per = (now() - t0) / (double)calls;
    double spawn = spawn_s(200);
    printf("cost model: %ld layer evaluations (GPT-2 XL, BERT-large, ResNet-50; %d dataflows; batch 1 "
           "and 32)\n",
           calls, PLAT_NDATAFLOW);
    printf("  %.3f us per layer evaluation (target < 2 us); a process spawn here takes %.1f us: %.0fx\n",
           per * 1e6, spawn * 1e6, spawn / per);
    if (sink < 0)
        printf("?\n");
    for (int i = 0; i < 3; i++)
        wl_free(&m[i]);
}

typedef struct {
    plat_t p;
    scn_t scn;
    sched_t s;
} bcase;

static void load_default(bcase *k)
{
    err_t e;
    if (plat_load("platforms/het-2x2.ini", &k->p, &e) ||
        sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &k->p, &k->scn, &k->s, &e))
        die("default schedule", &e);
}

static void free_case(bcase *k)
{
    sched_free(&k->s);
    scn_free(&k->scn);
    plat_free(&k->p);
}

static void bench_estimate(void)
{
    bcase k;
    load_default(&k);
    err_t e;
    plan_cache *cache = plan_cache_new();
    int n = 2000;
    double mk, en, t0 = now();
    for (int i = 0; i < n; i++)
        if (est_quick(&k.p, &k.scn, &k.s, NULL, &mk, &en, NULL, &e))
            die("estimate", &e);
    double cold = (now() - t0) / n;
    t0 = now();
    for (int i = 0; i < n * 10; i++)
        if (est_quick(&k.p, &k.scn, &k.s, cache, &mk, &en, NULL, &e))
            die("estimate", &e);
    double warm = (now() - t0) / (n * 10);
    t0 = now();
    res_result r;
    for (int i = 0; i < n / 4; i++) {
        if (est_run(&k.p, &k.scn, &k.s, &r, &e))
            die("estimate", &e);
        res_free(&r);
    }
    double full = (now() - t0) / (n / 4);
    printf("estimate of the default schedule: %.1f us in full (est_run), %.1f us figures only, "
           "%.2f us with costs cached (%.0f estimates/s; target 100k/s)\n",
           full * 1e6, cold * 1e6, warm * 1e6, 1 / warm);
    plan_cache_free(cache);
    free_case(&k);
}

/* Wall time and peak memory of simulating K; events from the plan. With
   RAW, the same number of events through plain SimGrid, and the ratio. */
static void simulate_case(const char *name, bcase *k, const char *raw)
{
    err_t e;
    plan_t pl;
    if (plan_build(&k->p, &k->scn, &k->s, &pl, &e))
        die(name, &e);
    long execs, transfers;
    des_count(&pl, &execs, &transfers);
    plan_free(&pl);
    eval_opts o = {0};
    res_result r;
    /* the best of three runs, here and for raw SimGrid: the machine is shared */
    double wall = INFINITY;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        if (runner_one(eval_find("simulate"), &k->p, &k->scn, &k->s, NULL, &o, &r, &e))
            die(name, &e);
        wall = fmin(wall, now() - t0);
        if (rep < 2)
            res_free(&r);
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    double rate = (double)(execs + transfers) / wall;
    printf("simulate %s:\n  %ld computes + %ld transfers in %.3f s wall, best of 3 (%.0f events/s), "
           "simulated makespan %.3f ms, peak RSS of any simulation so far %.1f MiB\n",
           name, execs, transfers, wall, rate, r.makespan_s * 1e3, ru.ru_maxrss / 1024.0);
    res_free(&r);
    if (!raw)
        return;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s %ld", raw, (execs + transfers) / 2);
    char line[512] = "", best[512] = "";
    double raw_rate = 0;
    for (int rep = 0; rep < 3; rep++) {
        FILE *fp = popen(cmd, "r");
        if (fp && fgets(line, sizeof line, fp)) {
            const char *at = strstr(line, "events_per_s=");
            if (at && atof(at + strlen("events_per_s=")) > raw_rate) {
                raw_rate = atof(at + strlen("events_per_s="));
                memcpy(best, line, sizeof best);
            }
        }
        if (fp)
            pclose(fp);
    }
    memcpy(line, best, sizeof line);
    printf("  raw SimGrid, as many events, no mcmsim logic (best of 3): %s", line);
    if (raw_rate > 0)
        printf("  mcmsim event rate / raw SimGrid's = %.2f (target >= 0.7)\n", rate / raw_rate);
}

/* Many events: ResNet-50, batch 256, one segment per layer dealt round the
   four chiplets, mini-batches of 1 (18432 computes). */
static void event_case(bcase *k)
{
    err_t e;
    char cwd[2048], buf[4096];
    if (!getcwd(cwd, sizeof cwd))
        exit(1);
    snprintf(buf, sizeof buf, "[model resnet50]\nworkload = %s/workloads/resnet50.ini\nbatch = 256\n", cwd);
    char path[] = "/tmp/mcmbenchXXXXXX.ini";
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
        exit(1);
    close(fd);
    if (plat_load("platforms/het-2x2.ini", &k->p, &e) || scn_load(path, &k->scn, &e))
        die("event case", &e);
    unlink(path);
    int L = k->scn.models[0].model.nlayers;
    sched_seg *segs = calloc((size_t)L, sizeof *segs);
    for (int l = 0; l < L; l++)
        segs[l] = (sched_seg){l, l, l % k->p.nchiplets};
    sched_part pt = {.model = 0, .minibatch = 1, .nsegs = L, .segs = segs};
    sched_window w = {.nparts = 1, .parts = &pt};
    sched_t s = {.nwindows = 1, .windows = &w};
    if (sched_copy(&k->s, &s))
        exit(1);
    free(segs);
}

static void large_case(bcase *k)
{
    err_t e;
    const char *text = "[model gpt2-l]\nworkload = %s/workloads/gpt2-large.ini\nbatch = 8\n"
                       "[model bert-l]\nworkload = %s/workloads/bert-large.ini\nbatch = 24\n"
                       "[model resnet50]\nworkload = %s/workloads/resnet50.ini\nbatch = 32\n";
    char cwd[2048], buf[8192];
    if (!getcwd(cwd, sizeof cwd))
        exit(1);
    snprintf(buf, sizeof buf, text, cwd, cwd, cwd);
    char path[] = "/tmp/mcmbenchXXXXXX.ini";
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
        exit(1);
    close(fd);
    if (plat_load("platforms/het-6x6.ini", &k->p, &e) || scn_load(path, &k->scn, &e))
        die("large case", &e);
    unlink(path);
    search_opts so;
    search_defaults(&so);
    sched_t simba;
    if (search_baseline(&k->p, &k->scn, BASE_SIMBA, &so, &simba, &e))
        die("large case schedule", &e);
    /* Many events: each model's layers in segments of 3, dealt over the
       chiplets its Simba-like block uses, one sample per mini-batch. */
    sched_window *w = &simba.windows[0];
    sched_part parts[8];
    sched_seg *segs[8];
    for (int i = 0; i < w->nparts; i++) {
        const sched_part *pt = &w->parts[i];
        int L = k->scn.models[pt->model].model.nlayers, n = (L + 2) / 3;
        segs[i] = calloc((size_t)n, sizeof **segs);
        for (int j = 0; j < n; j++)
            segs[i][j] = (sched_seg){3 * j, 3 * j + 2 < L ? 3 * j + 2 : L - 1,
                                     pt->segs[j % pt->nsegs].chiplet};
        parts[i] = (sched_part){.model = pt->model, .minibatch = 1, .nsegs = n, .segs = segs[i]};
    }
    sched_window nw = {.nparts = w->nparts, .parts = parts};
    sched_t fine = {.nwindows = 1, .windows = &nw};
    if (sched_copy(&k->s, &fine) || sched_validate(&k->p, &k->scn, &k->s, &e))
        die("large case schedule", &e);
    for (int i = 0; i < w->nparts; i++)
        free(segs[i]);
    sched_free(&simba);
}

static void bench_search(const char *plat, const char *scn_path, int jobs, double *wall, long *est,
                         long *sims)
{
    plat_t p;
    scn_t scn;
    err_t e;
    if (plat_load(plat, &p, &e) || scn_load(scn_path, &scn, &e))
        die("search", &e);
    search_opts so;
    search_defaults(&so);
    so.jobs = jobs;
    search_result r;
    double t0 = now();
    if (search_run(&p, &scn, &so, &r, &e))
        die("search", &e);
    *wall = now() - t0;
    *est = r.estimated;
    *sims = r.simulated;
    search_result_free(&r);
    scn_free(&scn);
    plat_free(&p);
}

int main(int argc, char **argv)
{
    (void)argc;
    char raw[1024];
    snprintf(raw, sizeof raw, "%.*sbench_simgrid_raw",
             (int)(strrchr(argv[0], '/') ? strrchr(argv[0], '/') - argv[0] + 1 : 0), argv[0]);
    printf("mcmsim benchmarks (wall times on this machine; ratios are what to compare)\n\n");
    bench_cost();
    bench_estimate();
    bcase k;
    load_default(&k);
    simulate_case("default schedule (het-2x2, GPT-2 small b8 + ResNet-50 b32)", &k, NULL);
    free_case(&k);
    event_case(&k);
    simulate_case("event-rate case (het-2x2, ResNet-50 b256, a segment per layer, mini-batch 1)", &k,
                  access(raw, X_OK) == 0 ? raw : NULL);
    free_case(&k);
    large_case(&k);
    simulate_case("large case (het-6x6, GPT-2 large b8 + BERT-large b24 + ResNet-50 b32, 3-layer "
                  "segments over Simba-like blocks, mini-batch 1; target < 10 s, < 1 GiB)", &k, NULL);
    free_case(&k);
    double w1, w2, w3;
    long e1, e2, e3, s1, s2, s3;
    bench_search("platforms/het-2x2.ini", "workloads/scenarios/gpt2-resnet50.ini", 1, &w1, &e1, &s1);
    bench_search("platforms/het-2x2.ini", "workloads/scenarios/gpt2-resnet50.ini", 2, &w2, &e2, &s2);
    printf("search, default mix on het-2x2: %.2f s with -j 1, %.2f s with -j 2 (target < 60 s)\n"
           "  %ld schedules estimated (%.0f/s, cutting and costing included), %ld simulated: "
           "%.1f sims/s at -j 1, %.1f at -j 2, speed-up %.2f\n",
           w1, w2, e1, e1 / w1, s1, s1 / w1, s2 / w2, w1 / w2);
    bench_search("platforms/het-sides-3x3.ini", "workloads/scenarios/sc3.ini", 2, &w3, &e3, &s3);
    printf("search, Sc3 on het-sides-3x3: %.2f s, %ld estimated (%.0f/s), %ld simulated\n", w3, e3,
           e3 / w3, s3);
    return 0;
}
