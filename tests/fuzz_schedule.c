/* fuzz_schedule.c - libFuzzer harness of the schedule loader (sched_load:
 * the scenario it names, windows, segments, placement, sched_validate) on a
 * 2x2 package, and of what a schedule that loads must support: lowering
 * to a plan, the closed-form estimate, writing it back (sched_write) and
 * reading that back to the same schedule, splits included. The fuzzed file is schedules/s.ini
 * in the scratch directory, beside scenarios/mix.ini. Seeds:
 * tests/fuzz_corpus/schedule. */
#include "estimate.h"
#include "fuzz_models.h"
#include "fuzz_util.h"
#include "plan.h"
#include "schedule.h"

static const char package[] =
    "[package]\nname = fz\nmesh = 2x2\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2pJ\n[chiplet a]\nat = 0,0\n[chiplet b]\nat = 1,0\ndataflow = shidiannao\n"
    "[chiplet c]\nat = 0,1\ndataflow = eyeriss\npes = 256\nl2 = 64KB\n[chiplet d]\nat = 1,1\n"
    "dataflow = os-auto\n[dram m]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\n"
    "energy_per_bit = 14pJ\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static plat_t p;
    static int loaded;
    char path[512], back[512];
    err_t e;
    if (!loaded) {
        fz_write("fz.ini", package, strlen(package), path, sizeof path);
        if (plat_load(path, &p, &e) != ERR_OK)
            abort();
        loaded = 1;
    }
    if (fz_names_system_files(data, size))
        return 0;
    fz_models();
    fz_write("schedules/s.ini", data, size, path, sizeof path);
    scn_t scn;
    sched_t s;
    if (sched_load(path, &p, &scn, &s, &e) != ERR_OK)
        return 0;
    res_result r;
    if (est_run(&p, &scn, &s, &r, &e) == ERR_OK)
        res_free(&r);
    /* written, it reads back to the same segments */
    snprintf(back, sizeof back, "%s/schedules/back.ini", fz_dir());
    FILE *fp = fopen(back, "w");
    if (!fp || sched_write(fp, &p, &scn, &s, "../scenarios/mix.ini") != ERR_OK || fclose(fp) != 0)
        abort();
    scn_t scn2;
    sched_t s2;
    if (strstr(scn.path, "scenarios/mix.ini") && sched_load(back, &p, &scn2, &s2, &e) == ERR_OK) {
        if (s2.nwindows != s.nwindows)
            abort();
        for (int w = 0; w < s.nwindows; w++)
            for (int i = 0; i < s.windows[w].nparts; i++) {
                const sched_part *a = &s.windows[w].parts[i], *b = &s2.windows[w].parts[i];
                if (a->model != b->model || a->nsegs != b->nsegs || a->minibatch != b->minibatch ||
                    memcmp(a->segs, b->segs, (size_t)a->nsegs * sizeof *a->segs) != 0)
                    abort();
                for (int k = 0; k < a->nsegs; k++) { /* and to the same splits */
                    if (sched_seg_split(a, k) != sched_seg_split(b, k) ||
                        sched_seg_slices(a, k) != sched_seg_slices(b, k))
                        abort();
                    for (int j = 0; j < sched_seg_slices(a, k); j++)
                        if (sched_seg_chiplet(a, k, j) != sched_seg_chiplet(b, k, j))
                            abort();
                }
            }
        sched_free(&s2);
        scn_free(&scn2);
    }
    sched_free(&s);
    scn_free(&scn);
    return 0;
}
