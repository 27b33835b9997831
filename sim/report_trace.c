/* report_trace.c - a simulated result as a Chrome trace (report.h).
 *
 * Viewers (Perfetto, chrome://tracing) draw the slices of one track as a
 * stack, so two slices on a track must either nest or not overlap. A chiplet
 * shared by segments computes for several at once, and a link carries
 * several transfers at once; each such resource therefore gets one track per
 * concurrent slot ("dram-left", "dram-left [2]", ...), every slice going to
 * the lowest slot free at its start. A layer's slice goes to its segment's
 * track, nested inside the segment's slice. Resources that nothing used get
 * no track. */
#include <stdlib.h>
#include <string.h>
#include "out.h"
#include "report.h"

/* pid of the chiplets' and of the links' tracks */
enum { TRACE_CHIPLETS = 1, TRACE_LINKS = 2 };

typedef struct {
    const plat_t *p;
    const res_result *r;
} trace_arg;

static int ev_pid(const res_event *ev)
{
    return ev->kind == RES_EV_TRANSFER ? TRACE_LINKS : TRACE_CHIPLETS;
}

/* A slice (not a layer's) to place: by resource, then start, then index,
   so that the order is stable. */
typedef struct {
    int pid, track, ev;
    double start_s;
} trace_key;

static int by_track_start(const void *a, const void *b)
{
    const trace_key *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid - y->pid;
    if (x->track != y->track)
        return x->track - y->track;
    if (x->start_s != y->start_s)
        return x->start_s < y->start_s ? -1 : 1;
    return (x->ev > y->ev) - (x->ev < y->ev);
}

/* The trace's tracks: TID[i] of event i (a layer's is its parent's), and
   per track its pid, resource and slot, numbered in order of resource and
   slot from 0 in each pid. */
typedef struct {
    int *tid;
    int ntracks;
    int *pid, *res, *slot;
} trace_tracks;

static void tracks_free(trace_tracks *t)
{
    free(t->tid);
    free(t->pid);
    free(t->res);
    free(t->slot);
}

static int add_track(trace_tracks *t, int *cap, int pid, int res, int slot)
{
    if (t->ntracks == *cap) {
        int n = *cap ? 2 * *cap : 64;
        int *a = realloc(t->pid, (size_t)n * sizeof *a);
        if (a)
            t->pid = a;
        int *b = a ? realloc(t->res, (size_t)n * sizeof *b) : NULL;
        if (b)
            t->res = b;
        int *c = b ? realloc(t->slot, (size_t)n * sizeof *c) : NULL;
        if (!c)
            return ERR_INTERNAL;
        t->slot = c;
        *cap = n;
    }
    t->pid[t->ntracks] = pid;
    t->res[t->ntracks] = res;
    t->slot[t->ntracks++] = slot;
    return ERR_OK;
}

/* Lowest free slot first, resource by resource. */
static int assign_tracks(const res_result *r, trace_tracks *t)
{
    memset(t, 0, sizeof *t);
    int n = r->nevents, nord = 0, cap = 0, nfree = 0, rc = ERR_OK;
    trace_key *ord = malloc((size_t)n * sizeof *ord + 1);
    double *end = malloc((size_t)n * sizeof *end + 1); /* per slot of the resource */
    t->tid = malloc((size_t)n * sizeof *t->tid + 1);
    if (!ord || !end || !t->tid)
        rc = ERR_INTERNAL;
    for (int i = 0; !rc && i < n; i++)
        if (r->events[i].kind != RES_EV_LAYER)
            ord[nord++] = (trace_key){ev_pid(&r->events[i]), r->events[i].track, i,
                                      r->events[i].start_s};
    if (!rc)
        qsort(ord, (size_t)nord, sizeof *ord, by_track_start);
    int first = 0; /* the first track of the resource under way */
    for (int k = 0; !rc && k < nord; k++) {
        const res_event *ev = &r->events[ord[k].ev];
        if (k == 0 || ord[k].pid != ord[k - 1].pid || ord[k].track != ord[k - 1].track) {
            first = t->ntracks;
            nfree = 0;
        }
        int s = 0;
        while (s < nfree && end[s] > ev->start_s)
            s++;
        if (s == nfree) {
            nfree++;
            rc = add_track(t, &cap, ev_pid(ev), ev->track, s);
        }
        end[s] = ev->start_s + ev->dur_s;
        t->tid[ord[k].ev] = first + s;
    }
    for (int i = 0; !rc && i < n; i++)
        if (r->events[i].kind == RES_EV_LAYER)
            t->tid[i] = t->tid[r->events[i].parent];
    free(ord);
    free(end);
    if (rc)
        tracks_free(t);
    return rc;
}

static json_t *track_name(int pid, int tid, const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(pid ? "thread_name" : "process_name"));
    json_object_set_new(o, "ph", json_string("M"));
    json_object_set_new(o, "pid", json_integer(pid ? pid : tid));
    if (pid)
        json_object_set_new(o, "tid", json_integer(tid));
    json_t *a = json_object();
    json_object_set_new(a, "name", json_string(name));
    json_object_set_new(o, "args", a);
    return o;
}

static const char *const ev_cat[] = {[RES_EV_COMPUTE] = "compute", [RES_EV_TRANSFER] = "transfer",
                                     [RES_EV_LAYER] = "layer"};

static int write_trace(FILE *fp, void *arg)
{
    const trace_arg *ta = arg;
    const plat_t *p = ta->p;
    const res_result *r = ta->r;
    trace_tracks t;
    if (assign_tracks(r, &t))
        return ERR_INTERNAL;
    json_t *evs = json_array();
    json_array_append_new(evs, track_name(0, TRACE_CHIPLETS, "chiplets"));
    json_array_append_new(evs, track_name(0, TRACE_LINKS, "links and DRAM channels"));
    /* tids count from 0 in each pid */
    int links0 = 0;
    while (links0 < t.ntracks && t.pid[links0] == TRACE_CHIPLETS)
        links0++;
    for (int k = 0; k < t.ntracks; k++) {
        const char *name = t.pid[k] == TRACE_CHIPLETS ? p->chiplets[t.res[k]].name
                                                      : p->links[t.res[k]].name;
        char buf[sizeof p->links[0].name + 16];
        snprintf(buf, sizeof buf, t.slot[k] ? "%s [%d]" : "%s", name, t.slot[k] + 1);
        json_array_append_new(evs, track_name(t.pid[k], k < links0 ? k : k - links0, buf));
    }
    for (int i = 0; i < r->nevents; i++) {
        const res_event *ev = &r->events[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(ev->name));
        json_object_set_new(o, "cat", json_string(ev_cat[ev->kind]));
        json_object_set_new(o, "ph", json_string("X"));
        json_object_set_new(o, "pid", json_integer(ev_pid(ev)));
        json_object_set_new(o, "tid", json_integer(t.tid[i] < links0 ? t.tid[i] : t.tid[i] - links0));
        json_object_set_new(o, "ts", json_real(ev->start_s * 1e6));
        json_object_set_new(o, "dur", json_real(ev->dur_s * 1e6));
        if (ev->kind == RES_EV_TRANSFER) {
            json_t *a = json_object();
            json_object_set_new(a, "bytes", rep_count_json(ev->bytes));
            json_object_set_new(o, "args", a);
        }
        json_array_append_new(evs, o);
    }
    tracks_free(&t);
    json_t *doc = json_object();
    json_object_set_new(doc, "traceEvents", evs);
    json_object_set_new(doc, "displayTimeUnit", json_string("ns"));
    int rc = json_dumpf(doc, fp, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(doc);
    return rc ? ERR_INTERNAL : ERR_OK;
}

int rep_trace(const char *path, const plat_t *p, const res_result *r, err_t *e)
{
    trace_arg ta = {p, r};
    return out_write(path, write_trace, &ta, e);
}
