/* sweep.c - parameter sweeps over platform and scenario keys; see sweep.h.
 *
 * The points are loaded twice: once all of them before anything runs (a bad
 * value fails the sweep before its first simulation), then a chunk at a time
 * for the runner, so that memory holds a few points' inputs, not all. */
#include <stdlib.h>
#include <string.h>
#include "report_csv.h"
#include "runner.h"
#include "sweep.h"

typedef enum { RUN_ESTIMATE, RUN_SIMULATE, RUN_COMPARE, RUN_SEARCH } run_kind;

/* One key of a --set: the file it is in (the scenario's or the platform's),
   the section (malloc'd) and the key. */
typedef struct {
    int scenario;
    char *section;
    const char *key;
} sweep_key;

/* One --set: its text (copied; keys and values point into it), its keys and
   its values. */
typedef struct {
    char *text;
    char *name;                  /* "KEY+KEY" as given: the header's column */
    sweep_key *keys;
    int nkeys;
    const char **vals;
    int nvals;
} sweep_axis;

typedef struct {
    const sweep_opts *o;
    run_kind kind;
    sweep_axis *axes;
    int naxes, nkeys;
    long npoints;
    cfg_set *sets;               /* one point's values: platform's first, then scenario's */
    int *idx;                    /* one point's value index per axis */
} sweep_t;

/* One point's inputs. */
typedef struct {
    plat_t p;
    scn_t scn;
    sched_t s;
} point_t;

static void sweep_free(sweep_t *w)
{
    for (int a = 0; a < w->naxes; a++) {
        for (int k = 0; k < w->axes[a].nkeys; k++)
            free(w->axes[a].keys[k].section);
        free(w->axes[a].keys);
        free(w->axes[a].vals);
        free(w->axes[a].text);
        free(w->axes[a].name);
    }
    free(w->axes);
    free(w->sets);
    free(w->idx);
}

/* Splits S in place at every SEP into *OUT (malloc'd), their count into *N;
   -1 when out of memory. */
static int split(char *s, char sep, const char ***out, int *n)
{
    int count = 1;
    for (const char *c = s; *c; c++)
        count += *c == sep;
    *out = malloc((size_t)count * sizeof **out);
    if (!*out)
        return -1;
    *n = 0;
    for (char *c = s;; c++) {
        (*out)[(*n)++] = c;
        if (!(c = strchr(c, sep)))
            break;
        *c = '\0';
    }
    return 0;
}

static int has_dram(const plat_t *p, const char *name)
{
    for (int i = 0; i < p->ndrams; i++)
        if (strcmp(p->drams[i].name, name) == 0)
            return 1;
    return 0;
}

/* KEY's file and section, from the base inputs P and SCN (sweep.h's rules;
   a bare NAME is looked for as a chiplet, a DRAM channel, then a model). */
static int resolve(const char *set, char *key, const plat_t *p, const scn_t *scn, sweep_key *k,
                   err_t *e)
{
    char *dot = strrchr(key, '.');
    const char *sec = "package", *kind = "";
    k->key = key;
    if (dot) {
        *dot = '\0';
        sec = key;
        k->key = dot + 1;
    }
    if (!*sec || !*k->key)
        return err_input(e, "--set %s: expected KEY or SECTION.KEY before '='", set);
    if (strcmp(sec, "package") == 0 || strcmp(sec, "nop") == 0 || strcmp(sec, "defaults") == 0) {
        k->scenario = 0;
    } else if (strncmp(sec, "chiplet ", 8) == 0 || strncmp(sec, "dram ", 5) == 0 ||
               strncmp(sec, "model ", 6) == 0) {
        const char *name = strchr(sec, ' ') + 1;
        k->scenario = sec[0] == 'm';
        if (k->scenario ? scn_find(scn, name) < 0
                        : sec[0] == 'c' ? plat_find_chiplet(p, name) < 0 : !has_dram(p, name))
            return err_input(e, "--set %s: no [%s] in %s", set, sec, k->scenario ? scn->path : p->path);
    } else if (plat_find_chiplet(p, sec) >= 0) {
        kind = "chiplet ";
    } else if (has_dram(p, sec)) {
        kind = "dram ";
    } else if (scn_find(scn, sec) >= 0) {
        kind = "model ";
        k->scenario = 1;
    } else {
        return err_input(e, "--set %s: '%s' is no section of %s ([package], [nop], [defaults], a "
                            "chiplet or a DRAM channel) nor a model of %s",
                         set, sec, p->path, scn->path);
    }
    size_t n = strlen(kind) + strlen(sec) + 1;
    if (!(k->section = malloc(n)))
        return err_internal(e, "out of memory");
    snprintf(k->section, n, "%s%s", kind, sec);
    return ERR_OK;
}

/* One --set SET into axis A, its keys resolved against P and SCN. */
static int parse_axis(const char *set, const plat_t *p, const scn_t *scn, sweep_axis *a, err_t *e)
{
    const char *eq = strchr(set, '=');
    if (!eq)
        return err_input(e, "--set %s: expected KEY=V1,V2,...", set);
    if (!(a->text = strdup(set)) || !(a->name = strndup(set, (size_t)(eq - set))))
        return err_internal(e, "out of memory");
    char *vals = a->text + (eq - set);
    *vals++ = '\0';
    const char **keys;
    int nkeys;
    if (split(vals, ',', &a->vals, &a->nvals) || split(a->text, '+', &keys, &nkeys))
        return err_internal(e, "out of memory");
    int rc = ERR_OK;
    for (int i = 0; !rc && i < a->nvals; i++)
        if (!*a->vals[i])
            rc = err_input(e, "--set %s: an empty value", set);
    if (!rc && !(a->keys = calloc((size_t)nkeys, sizeof *a->keys)))
        rc = err_internal(e, "out of memory");
    /* counted as resolved, so that sweep_free frees what there is */
    for (int i = 0; !rc && i < nkeys; i++, a->nkeys++)
        rc = resolve(set, (char *)keys[i], p, scn, &a->keys[i], e);
    free(keys);
    return rc;
}

/* The same key in two places would make a point's value ambiguous. */
static int check_distinct(const sweep_t *w, err_t *e)
{
    for (int a = 0; a < w->naxes; a++)
        for (int k = 0; k < w->axes[a].nkeys; k++)
            for (int b = 0; b <= a; b++)
                for (int j = 0; j < (b == a ? k : w->axes[b].nkeys); j++) {
                    const sweep_key *x = &w->axes[a].keys[k], *y = &w->axes[b].keys[j];
                    if (x->scenario == y->scenario && strcmp(x->section, y->section) == 0 &&
                        strcmp(x->key, y->key) == 0)
                        return err_input(e, "--set: [%s] %s is set twice", x->section, x->key);
                }
    return ERR_OK;
}

static int kind_of(const sweep_opts *o, run_kind *kind, err_t *e)
{
    static const char *const names[] = {"estimate", "simulate", "compare", "search"};
    if (!o->platform)
        return err_input(e, "missing -p PLATFORM");
    if (!o->schedule == !o->scenario)
        return err_input(e, "sweep: give either -s SCHEDULE or -m SCENARIO");
    if (o->nsets < 1)
        return err_input(e, "sweep: missing --set KEY=V1,V2,...");
    const char *run = o->run ? o->run : o->schedule ? "compare" : "search";
    for (int i = 0; i < 4; i++)
        if (strcmp(run, names[i]) == 0) {
            *kind = (run_kind)i;
            if ((*kind == RUN_SEARCH) != !o->schedule)
                return err_input(e, "--run %s needs %s", run,
                                 *kind == RUN_SEARCH ? "-m SCENARIO, not -s" : "-s SCHEDULE, not -m");
            return ERR_OK;
        }
    return err_input(e, "--run: '%s' is not compare, simulate, estimate or search", run);
}

static void point_free(point_t *pt)
{
    sched_free(&pt->s);
    scn_free(&pt->scn);
    plat_free(&pt->p);
}

/* The inputs with the N platform SETS and the NS scenario ones. */
static int load(const sweep_opts *o, const cfg_set *sets, int n, const cfg_set *ss, int ns,
                point_t *pt, err_t *e)
{
    memset(pt, 0, sizeof *pt);
    int rc = plat_load_set(o->platform, sets, n, &pt->p, e);
    if (rc)
        return rc;
    rc = o->schedule ? sched_load_set(o->schedule, &pt->p, ss, ns, &pt->scn, &pt->s, e)
                     : scn_load_set(o->scenario, ss, ns, &pt->scn, e);
    if (rc)
        plat_free(&pt->p);
    return rc;
}

/* w->idx: the value of each axis at point I, the last axis varying fastest. */
static void point_index(sweep_t *w, long i)
{
    for (int a = w->naxes - 1; a >= 0; a--) {
        w->idx[a] = (int)(i % w->axes[a].nvals);
        i /= w->axes[a].nvals;
    }
}

/* Prefixes the message of point I's failure with its values. */
static int point_error(sweep_t *w, long i, int rc, err_t *e)
{
    char where[512];
    size_t used = 0;
    where[0] = '\0';
    point_index(w, i);
    for (int a = 0; a < w->naxes && used < sizeof where; a++)
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s=%s", a ? " --set " : "",
                                 w->axes[a].name, w->axes[a].vals[w->idx[a]]);
    err_t inner = *e;
    /* both cut so as to fit: the point's values first */
    snprintf(e->msg, sizeof e->msg, "mcmsim: --set %.200s: %.800s", where, inner.msg);
    return rc;
}

static int load_point(sweep_t *w, long i, point_t *pt, err_t *e)
{
    point_index(w, i);
    /* the platform's values first, then the scenario's */
    int n[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++)
        for (int a = 0; a < w->naxes; a++)
            for (int k = 0; k < w->axes[a].nkeys; k++) {
                const sweep_key *key = &w->axes[a].keys[k];
                if (key->scenario != pass)
                    continue;
                w->sets[n[0] + n[1]] = (cfg_set){key->section, key->key, w->axes[a].vals[w->idx[a]]};
                n[pass]++;
            }
    int rc = load(w->o, w->sets, n[0], w->sets + n[0], n[1], pt, e);
    return rc == ERR_INPUT ? point_error(w, i, rc, e) : rc;
}

static rep_csv_kind table_of(run_kind k)
{
    return k == RUN_COMPARE ? REP_CSV_COMPARE : k == RUN_SEARCH ? REP_CSV_SEARCH : REP_CSV_RESULT;
}

/* Point I's row: its values, then the summary of what ran there. */
static void row(sweep_t *w, long i, csv_t *c, const rep_csv_src *src)
{
    point_index(w, i);
    for (int a = 0; a < w->naxes; a++)
        csv_str(c, w->axes[a].vals[w->idx[a]]);
    rep_csv_summary_row(c, table_of(w->kind), src);
    csv_end(c);
}

/* A search per point, one after another: each runs its validations through
   the runner, its own -j at a time. */
static int run_searches(sweep_t *w, csv_t *c, err_t *e)
{
    for (long i = 0; i < w->npoints; i++) {
        point_t pt;
        int rc = load_point(w, i, &pt, e);
        if (rc)
            return rc;
        search_result r;
        memset(&r, 0, sizeof r);
        rc = search_run(&pt.p, &pt.scn, &w->o->so, &r, e);
        if (!rc) {
            rep_csv_src src = {.p = &pt.p, .scn = &pt.scn, .search = &r,
                               .objective = w->o->so.objective, .seed = w->o->so.seed};
            row(w, i, c, &src);
        } else if (rc == ERR_INPUT) {
            point_error(w, i, rc, e);
        }
        search_result_free(&r);
        point_free(&pt);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

/* Points FIRST .. FIRST + N - 1 as one batch of the runner (compare: the
   estimate and the simulation of each), their rows in point order. */
static int run_chunk(sweep_t *w, long first, int n, csv_t *c, err_t *e)
{
    static const char *const evals[] = {"estimate", "simulate"};
    int per = w->kind == RUN_COMPARE ? 2 : 1, loaded = 0, rc = ERR_OK;
    point_t *pts = calloc((size_t)n, sizeof *pts);
    run_job *jobs = calloc((size_t)n * per, sizeof *jobs);
    if (!pts || !jobs)
        rc = err_internal(e, "out of memory");
    for (; !rc && loaded < n; loaded++)
        if ((rc = load_point(w, first + loaded, &pts[loaded], e)))
            break;
    for (int i = 0; !rc && i < n; i++)
        for (int k = 0; k < per; k++)
            jobs[i * per + k] = (run_job){
                .p = &pts[i].p, .scn = &pts[i].scn, .s = &pts[i].s, .opts = &w->o->eo,
                .ev = eval_find(evals[per == 2 ? k : w->kind == RUN_SIMULATE])};
    if (!rc)
        rc = runner_run(jobs, n * per, w->o->so.jobs, e);
    for (int j = 0; !rc && j < n * per; j++)
        if ((rc = jobs[j].rc)) {
            *e = jobs[j].err;
            if (rc == ERR_INPUT)
                point_error(w, first + j / per, rc, e);
        }
    for (int i = 0; !rc && i < n; i++) {
        const res_result *r = &jobs[i * per].r;
        rep_csv_src src = {.p = &pts[i].p, .scn = &pts[i].scn, .s = &pts[i].s, .r = r,
                           .est = r, .sim = &jobs[i * per + per - 1].r};
        row(w, first + i, c, &src);
    }
    for (int j = 0; jobs && j < n * per; j++)
        if (jobs[j].ev && jobs[j].rc == ERR_OK)
            res_free(&jobs[j].r);
    for (int i = 0; i < loaded; i++)
        point_free(&pts[i]);
    free(jobs);
    free(pts);
    return rc;
}

/* Points run a chunk at a time: enough to keep every worker busy, few
   enough that their inputs stay small. */
#define SWEEP_CHUNK_PER_WORKER 4

static int run_points(sweep_t *w, csv_t *c, err_t *e)
{
    if (w->kind == RUN_SEARCH)
        return run_searches(w, c, e);
    long chunk = (long)SWEEP_CHUNK_PER_WORKER * (w->o->so.jobs > 0 ? w->o->so.jobs : 1);
    int rc = ERR_OK;
    for (long i = 0; !rc && i < w->npoints; i += chunk)
        rc = run_chunk(w, i, (int)(w->npoints - i < chunk ? w->npoints - i : chunk), c, e);
    return rc;
}

/* The axes of O's --set texts, resolved against the inputs as they are. */
static int parse_axes(sweep_t *w, err_t *e)
{
    const sweep_opts *o = w->o;
    point_t base;
    int rc = load(o, NULL, 0, NULL, 0, &base, e);
    if (rc)
        return rc;
    if (!(w->axes = calloc((size_t)o->nsets, sizeof *w->axes)))
        rc = err_internal(e, "out of memory");
    for (int a = 0; !rc && a < o->nsets; a++) {
        w->naxes = a + 1;
        rc = parse_axis(o->sets[a], &base.p, &base.scn, &w->axes[a], e);
        w->nkeys += w->axes[a].nkeys;
    }
    point_free(&base);
    if (!rc)
        rc = check_distinct(w, e);
    w->npoints = 1;
    for (int a = 0; !rc && a < w->naxes; a++) {
        if (w->npoints > SWEEP_POINTS_MAX / w->axes[a].nvals)
            return err_input(e, "sweep: more than %ld points", SWEEP_POINTS_MAX);
        w->npoints *= w->axes[a].nvals;
    }
    return rc;
}

int sweep_run(FILE *out, const sweep_opts *o, err_t *e)
{
    sweep_t w;
    memset(&w, 0, sizeof w);
    w.o = o;
    int rc = kind_of(o, &w.kind, e);
    if (!rc)
        rc = parse_axes(&w, e);
    if (!rc && (!(w.sets = malloc((size_t)w.nkeys * sizeof *w.sets))
                || !(w.idx = malloc((size_t)w.naxes * sizeof *w.idx))))
        rc = err_internal(e, "out of memory");
    /* every point loads before any runs */
    for (long i = 0; !rc && i < w.npoints; i++) {
        point_t pt;
        if (!(rc = load_point(&w, i, &pt, e)))
            point_free(&pt);
    }
    csv_t c;
    csv_init(&c, out);
    if (!rc) {
        for (int a = 0; a < w.naxes; a++)
            csv_str(&c, w.axes[a].name);
        rep_csv_summary_head(&c, table_of(w.kind));
        csv_end(&c);
        rc = run_points(&w, &c, e);
    }
    if (!rc && csv_status(&c))
        rc = err_internal(e, "out of memory writing the report");
    sweep_free(&w);
    return rc;
}
