/* test_trace.c - the Chrome trace of a simulation, read back with jansson:
 * no two slices on one track overlap unless one holds the other, every
 * layer's slice lies inside its segment's and the layers fill it, no track
 * is empty, and a resource gets as many tracks as it had transfers or
 * segments at once (the simulation's own peak count, worked out by other
 * code). */
#include <jansson.h>
#include "testutil.h"
#include "report.h"
#include "runner.h"

typedef struct {
    int pid, tid;
    double ts, end;
    const char *name, *cat;
} slice;

static int by_track_then_start(const void *a, const void *b)
{
    const slice *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid - y->pid;
    if (x->tid != y->tid)
        return x->tid - y->tid;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end; /* the outer one first */
}

/* ts and dur are printed with 12 significant digits: 1e-6 us of slack */
#define SLACK 1e-6

/* The part of NAME before "/mb" and the mini-batch after it. */
static void model_mb(const char *name, char *model, size_t n, const char **mb)
{
    const char *slash = strchr(name, '/');
    ck_assert_ptr_nonnull(slash);
    snprintf(model, n, "%.*s", (int)(slash - name), name);
    *mb = strstr(name, "/mb");
    ck_assert_ptr_nonnull(*mb);
}

/* Simulates schedule SCHED (a file) on het-2x2, writes its trace, and checks
   it; COUNT[i] receives the number of tracks named NAME[i] or NAME[i] [k]. */
static void check_trace(const char *sched, const char *const *name, int *count, int nnames)
{
    plat_t p;
    scn_t scn;
    sched_t s;
    err_t e;
    res_result r;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(sched, &p, &scn, &s, &e) == ERR_OK, "%s", e.msg);
    eval_opts o = {.timeline = 1};
    ck_assert_msg(runner_one(eval_find("simulate"), &p, &scn, &s, NULL, &o, &r, &e) == ERR_OK, "%s",
                  e.msg);
    char *path = tu_write_tmp("", ".json");
    ck_assert_msg(rep_trace(path, &p, &r, &e) == ERR_OK, "%s", e.msg);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    ck_assert_msg(doc != NULL, "%s", je.text);
    json_t *evs = json_object_get(doc, "traceEvents");
    size_t n = json_array_size(evs);
    slice *sl = calloc(n, sizeof *sl);
    int nsl = 0, ntracks = 0, pids[4096], tids[4096];
    memset(count, 0, (size_t)nnames * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        json_t *ev = json_array_get(evs, i);
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        int pid = (int)json_integer_value(json_object_get(ev, "pid"));
        int tid = (int)json_integer_value(json_object_get(ev, "tid"));
        if (strcmp(ph, "M") == 0 &&
            strcmp(json_string_value(json_object_get(ev, "name")), "thread_name") == 0) {
            const char *tn = json_string_value(json_object_get(json_object_get(ev, "args"), "name"));
            for (int q = 0; q < nnames; q++) {
                size_t k = strlen(name[q]);
                count[q] += strncmp(tn, name[q], k) == 0 &&
                            (tn[k] == '\0' || strncmp(tn + k, " [", 2) == 0);
            }
            ck_assert(ntracks < 4096);
            pids[ntracks] = pid;
            tids[ntracks++] = tid;
        } else if (strcmp(ph, "X") == 0) {
            double ts = json_number_value(json_object_get(ev, "ts"));
            double dur = json_number_value(json_object_get(ev, "dur"));
            sl[nsl++] = (slice){pid, tid, ts, ts + dur, json_string_value(json_object_get(ev, "name")),
                                json_string_value(json_object_get(ev, "cat"))};
        }
    }
    /* no empty track, and no slice without its track */
    for (int t = 0; t < ntracks; t++) {
        int used = 0;
        for (int i = 0; i < nsl && !used; i++)
            used = sl[i].pid == pids[t] && sl[i].tid == tids[t];
        ck_assert_msg(used, "track %d/%d is empty", pids[t], tids[t]);
    }
    for (int i = 0; i < nsl; i++) {
        int found = 0;
        for (int t = 0; t < ntracks && !found; t++)
            found = sl[i].pid == pids[t] && sl[i].tid == tids[t];
        ck_assert_msg(found, "slice %s on a track without a name", sl[i].name);
    }
    /* on each track, in order of start: a slice ends before the next starts,
       or holds it (a stack of open slices, as a viewer draws them) */
    qsort(sl, (size_t)nsl, sizeof *sl, by_track_then_start);
    int *open = malloc((size_t)nsl * sizeof *open + 1), nopen = 0;
    for (int i = 0; i < nsl; i++) {
        if (i > 0 && (sl[i].pid != sl[i - 1].pid || sl[i].tid != sl[i - 1].tid))
            nopen = 0;
        while (nopen > 0 && sl[open[nopen - 1]].end <= sl[i].ts + SLACK)
            nopen--;
        if (nopen > 0) {
            const slice *out = &sl[open[nopen - 1]];
            ck_assert_msg(sl[i].end <= out->end + SLACK, "%s overlaps %s on track %d/%d",
                          sl[i].name, out->name, sl[i].pid, sl[i].tid);
            /* what nests is a layer in its own segment's slice: same model,
               same mini-batch */
            ck_assert_str_eq(sl[i].cat, "layer");
            ck_assert_str_eq(out->cat, "compute");
            char m1[64], m2[64];
            const char *mb1, *mb2;
            model_mb(sl[i].name, m1, sizeof m1, &mb1);
            model_mb(out->name, m2, sizeof m2, &mb2);
            ck_assert_str_eq(m1, m2);
            ck_assert_str_eq(mb1, mb2);
        } else {
            ck_assert_msg(strcmp(sl[i].cat, "layer") != 0, "layer %s outside any segment",
                          sl[i].name);
        }
        open[nopen++] = i;
    }
    /* the layers fill their segment: their durations add up to its own */
    for (int i = 0; i < nsl; i++) {
        if (strcmp(sl[i].cat, "compute") != 0)
            continue;
        double sum = 0;
        for (int k = 0; k < nsl; k++)
            if (strcmp(sl[k].cat, "layer") == 0 && sl[k].pid == sl[i].pid &&
                sl[k].tid == sl[i].tid && sl[k].ts >= sl[i].ts - SLACK && sl[k].end <= sl[i].end + SLACK)
                sum += sl[k].end - sl[k].ts;
        ck_assert_msg(fabs(sum - (sl[i].end - sl[i].ts)) <= 1e-3 * (sl[i].end - sl[i].ts) + 64 * SLACK,
                      "%s: layers %.9g of %.9g us", sl[i].name, sum, sl[i].end - sl[i].ts);
    }
    /* links that carried nothing have no track */
    for (int l = 0; l < p.nlinks; l++)
        if (r.links[l].bytes == 0) {
            int seen = 0;
            for (size_t i = 0; i < n; i++) {
                json_t *a = json_object_get(json_array_get(evs, i), "args");
                const char *tn = a ? json_string_value(json_object_get(a, "name")) : NULL;
                seen |= tn && strcmp(tn, p.links[l].name) == 0;
            }
            ck_assert_msg(!seen, "idle link %s has a track", p.links[l].name);
        }
    free(open);
    free(sl);
    json_decref(doc);
    unlink(path);
    free(path);
    res_free(&r);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
}

/* The shipped schedule: the left DRAM channel serves 6 transfers at once at
   its peak (the simulation's peak_flows, README's compare table), so the
   lowest-free-slot rule needs exactly 6 tracks for it. */
START_TEST(shipped_schedule)
{
    const char *names[] = {"dram-left"};
    int count[1];
    check_trace("workloads/schedules/het-2x2-gpt2-resnet50.ini", names, count, 1);
    ck_assert_int_eq(count[0], 6);
}
END_TEST

/* Both models on n00, one segment each, in one window: n00 computes for both
   at once (they share its time), so it needs two tracks; n10, s01 and n11
   run nothing and get none. */
START_TEST(shared_chiplet)
{
    char *scn = realpath("workloads/scenarios/gpt2-resnet50.ini", NULL);
    char text[1024];
    snprintf(text, sizeof text,
             "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 8\ngpt2.1 = embed .. lm_head @ n00\n"
             "resnet50.minibatch = 32\nresnet50.1 = conv1 .. fc @ n00\n", scn);
    char *path = tu_write_tmp(text, ".ini");
    const char *names[] = {"n00", "n10", "s01", "n11"};
    int count[4];
    check_trace(path, names, count, 4);
    ck_assert_int_eq(count[0], 2);
    ck_assert_int_eq(count[1], 0);
    ck_assert_int_eq(count[2], 0);
    ck_assert_int_eq(count[3], 0);
    unlink(path);
    free(path);
    free(scn);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shipped_schedule);
    tcase_add_test(tc, shared_chiplet);
    suite_add_tcase(s, tc);
    return s;
}
