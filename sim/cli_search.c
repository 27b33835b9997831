/* cli_search.c - the commands that search: search (and its baselines), run
 * (the seed paper's experiment) and serve (a request stream, on a given or
 * a searched schedule). */
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "cli.h"
#include "num.h"
#include "out.h"
#include "progress.h"
#include "report.h"
#include "serve.h"

typedef struct {
    const plat_t *p;
    const scn_t *scn;
    const sched_t *s;
    const char *path;
} sched_out;

static int write_sched(FILE *fp, void *arg)
{
    const sched_out *so = arg;
    /* on standard output the file has no place to be relative to */
    char *ref = strcmp(so->path, "-") == 0 ? realpath(so->scn->path, NULL)
                                           : cfg_relative_path(so->path, so->scn->path);
    if (!ref)
        return ERR_INTERNAL;
    int rc = sched_write(fp, so->p, so->scn, so->s, ref);
    free(ref);
    return rc;
}
/* Where a search's time went (--verbose): what a user weighs -j and
   --validate by, and what `make bench` rates the estimates by. */
static void report_search_time(const search_result *r)
{
    fprintf(stderr,
            "mcmsim: search: setup and strategy %.3f s (%ld estimates on %d thread%s, %.0f/s), "
            "validation %.3f s (%ld simulated in all), %.3f s in all\n",
            r->search_s, r->estimated, r->threads, r->threads == 1 ? "" : "s",
            r->search_s > 0 ? (double)r->estimated / r->search_s : 0.0, r->validate_s, r->simulated,
            r->wall_s);
}

int cli_search(const opts_t *o, FILE *out, err_t *e)
{
    int rc;
    if ((rc = cli_need(o->platform, "-p PLATFORM", e)) || (rc = cli_need(o->scenario, "-m SCENARIO", e)))
        return rc;
    search_opts so;
    if ((rc = cli_search_options(o, &so, e)))
        return rc;
    int base = -1;
    if (o->baseline && (base = search_baseline_parse(o->baseline)) < 0)
        return err_input(e, "--baseline: '%s' is not monolithic-os, standalone or simba", o->baseline);
    plat_t p;
    scn_t scn;
    if ((rc = plat_load(o->platform, &p, e)))
        return rc;
    if ((rc = scn_load(o->scenario, &scn, e))) {
        plat_free(&p);
        return rc;
    }
    rep_csv_kind kind = base >= 0 ? REP_CSV_RESULT : REP_CSV_SEARCH;
    if ((rc = cli_check_output("-o", o->output, -1, &p, &scn, NULL, NULL, e)) ||
        (rc = cli_check_output("--csv-dir", o->csv_dir, kind, &p, &scn, NULL, NULL, e))) {
        scn_free(&scn);
        plat_free(&p);
        return rc;
    }
    /* the ranks all search in step; rank 0 alone reports and writes. By
       default a rank's threads and simulations share its machine's cores
       with the other ranks there. */
    so.ranks = o->ranks;
    int local = runner_local_ranks(o->ranks);
    if (!o->jobs)
        so.jobs = so.jobs > local ? so.jobs / local : 1;
    so.progress = so.progress && runner_rank(o->ranks) == 0;
    search_result r;
    memset(&r, 0, sizeof r);
    /* the monolith of a package is its one-chip equivalent */
    plat_t mono;
    if (base == BASE_MONOLITHIC && p.nchiplets > 1) {
        rc = plat_monolithic(&p, &mono, e);
        plat_free(&p);
        if (rc) {
            scn_free(&scn);
            return rc;
        }
        p = mono;
    }
    if (base >= 0) {
        rc = search_baseline(&p, &scn, (search_base)base, &so, &r.best, e);
        eval_opts eo = {.verbose = o->verbose, .nop = so.nop};
        if (!rc)
            rc = runner_one(eval_find("simulate"), &p, &scn, &r.best, NULL, &eo, &r.sim, e);
    } else {
        rc = search_run(&p, &scn, &so, &r, e);
        if (!rc && o->verbose && runner_rank(o->ranks) == 0)
            report_search_time(&r);
    }
    if (!rc && o->output && runner_rank(o->ranks) == 0) {
        sched_out so_out = {&p, &scn, &r.best, o->output};
        rc = out_write(o->output, write_sched, &so_out, e);
    }
    rep_csv_src src = {.p = &p, .scn = &scn, .s = &r.best, .r = &r.sim, .search = &r,
                       .objective = so.objective, .seed = so.seed};
    if (!rc)
        rc = cli_emit_csv(o, kind, &src, out, e);
    /* -o - : the schedule is standard output, the report stays out of it */
    int report = (!o->output || strcmp(o->output, "-") != 0) && !o->csv;
    if (!rc && report &&
        (base >= 0 ? rep_baseline(out, &p, &scn, &r.best, &r.sim, o->json)
                   : rep_search(out, &p, &scn, so.objective, so.seed, &r, o->json)))
        rc = cli_report_failed(e);
    search_result_free(&r);
    scn_free(&scn);
    plat_free(&p);
    return rc;
}

/* `run`'s baselines, one after another, on the progress line. */
typedef struct {
    prog_t line;
    int done, total;
} run_progress;

static int run_baseline(const plat_t *p, const scn_t *scn, search_base kind, const search_opts *so,
                        res_result *sim, run_progress *pg, err_t *e)
{
    sched_t s;
    int rc = search_baseline(p, scn, kind, so, &s, e);
    eval_opts eo = {.nop = so->nop, .verbose = so->verbose};
    if (!rc)
        rc = runner_one(eval_find("simulate"), p, scn, &s, NULL, &eo, sim, e);
    sched_free(&s);
    char fig[48];
    snprintf(fig, sizeof fig, "%d of %d simulated", ++pg->done, pg->total);
    prog_step(&pg->line, prog_now_s(), "run", "baselines", fig, (double)pg->done / pg->total);
    return rc;
}

/* The seed paper's "optimized output-stationary" monolith under each reading:
   one chip, mono-os.ini's, whose dataflow is set here rather than in three
   files that could drift apart. AGAINST is the ratio line's label. */
static const struct {
    const char *name, *against;
    plat_dataflow df;
} os_readings[] = {
    {"mono-os (positions), os-positions", "mono-os (positions)", PLAT_OS_POSITIONS},
    {"mono-os (systolic), systolic-os", "mono-os (systolic)", PLAT_SYSTOLIC_OS},
    {"mono-os (best), os-auto", "mono-os (best)", PLAT_OS_AUTO},
};
#define NREADINGS (int)(sizeof os_readings / sizeof os_readings[0])

static int run_os_reading(plat_t *mono, int i, const scn_t *scn, const search_opts *so,
                          res_result *sim, run_progress *pg, err_t *e)
{
    /* a platform of more chips than one is search_baseline's error to report */
    plat_chiplet *c = &mono->chiplets[0];
    if (plat_dataflow_is_systolic(os_readings[i].df) && c->array_rows < 1)
        return err_input(e, "%s: %s needs a square PE count or array = RxC, not %ld PEs",
                         mono->path, plat_dataflow_name(os_readings[i].df), c->pes);
    c->dataflow = os_readings[i].df;
    return run_baseline(mono, scn, BASE_MONOLITHIC, so, sim, pg, e);
}

int cli_run(const opts_t *o, FILE *out, err_t *e)
{
    search_opts so;
    int rc = cli_search_options(o, &so, e);
    if (rc)
        return rc;
    plat_t het = {0}, mono = {0}, mono_ws = {0};
    scn_t scn = {0};
    search_result sr;
    enum { NBASE = 3 + NREADINGS };
    res_result base[NBASE];
    memset(base, 0, sizeof base);
    memset(&sr, 0, sizeof sr);
    run_progress pg = {.total = NBASE};
    prog_init(&pg.line, so.progress ? stderr : NULL);
    if (!(rc = plat_load("platforms/het-2x2.ini", &het, e)) &&
        !(rc = plat_load("platforms/mono-os.ini", &mono, e)) &&
        !(rc = plat_load("platforms/mono-ws.ini", &mono_ws, e)) &&
        !(rc = scn_load("workloads/scenarios/gpt2-resnet50.ini", &scn, e)) &&
        /* the monoliths' files in the places of a schedule and a workload:
           inputs as well */
        !(rc = cli_check_output("--csv-dir", o->csv_dir, REP_CSV_RUN, &het, &scn, mono.path,
                            mono_ws.path, e)) &&
        !(rc = search_run(&het, &scn, &so, &sr, e)) &&
        !(rc = run_baseline(&het, &scn, BASE_SIMBA, &so, &base[0], &pg, e)) &&
        !(rc = run_baseline(&het, &scn, BASE_STANDALONE, &so, &base[1], &pg, e)))
        rc = run_baseline(&mono_ws, &scn, BASE_MONOLITHIC, &so, &base[NBASE - 1], &pg, e);
    for (int i = 0; !rc && i < NREADINGS; i++)
        rc = run_os_reading(&mono, i, &scn, &so, &base[2 + i], &pg, e);
    prog_end(&pg.line);
    if (!rc) {
        rep_run_row rows[1 + NBASE] = {{"het-2x2, searched schedule", NULL, &sr.sim},
                                       {"het-2x2, Simba-like pipelining", NULL, &base[0]},
                                       {"het-2x2, standalone (chiplet/model)", NULL, &base[1]}};
        for (int i = 0; i < NREADINGS; i++)
            rows[3 + i] = (rep_run_row){os_readings[i].name, os_readings[i].against, &base[2 + i]};
        rows[NBASE] =
            (rep_run_row){"mono-ws, monolithic best WS (ours)", "mono-ws", &base[NBASE - 1]};
        /* the paper's baseline, the reading the JSON's top-level ratios always had */
        int ref = 3 + NREADINGS - 1;
        rep_csv_src src = {.rows = rows, .nrows = 1 + NBASE, .objective = so.objective};
        if (!(rc = cli_emit_csv(o, REP_CSV_RUN, &src, out, e)) && !o->csv &&
            rep_run(out, rows, 1 + NBASE, ref, so.objective, &sr, &het, &scn, o->json))
            rc = cli_report_failed(e);
    }
    search_result_free(&sr);
    for (int i = 0; i < NBASE; i++)
        res_free(&base[i]);
    scn_free(&scn);
    plat_free(&het);
    plat_free(&mono);
    plat_free(&mono_ws);
    return rc;
}

/* --NAME TEXT as a positive number of seconds or per second (a plain number). */
static int parse_real_opt(const char *name, const char *text, double *out, err_t *e)
{
    const char *end;
    if (!text)
        return ERR_OK;
    if (num_real_prefix(text, out, &end) != NUM_OK || *end || !(*out > 0))
        return err_input(e, "--%s: expected a positive number, not '%s'", name, text);
    return ERR_OK;
}

/* serve -s: the schedule, and the scenario -m names, which must be the
   schedule's own (the same models in the same order) with its serving keys. */
static int serve_load(const opts_t *o, plat_t *p, scn_t *scn, sched_t *s, err_t *e)
{
    int rc = cli_need(o->scenario, "-m SCENARIO", e);
    if (rc || !o->schedule)
        return rc ? rc : scn_load(o->scenario, scn, e);
    scn_t own;
    if ((rc = sched_load(o->schedule, p, &own, s, e)))
        return rc;
    if (!(rc = scn_load(o->scenario, scn, e))) {
        int same = own.nmodels == scn->nmodels;
        for (int m = 0; same && m < own.nmodels; m++)
            same = strcmp(own.models[m].name, scn->models[m].name) == 0 &&
                   own.models[m].model.nlayers == scn->models[m].model.nlayers;
        if (!same) {
            rc = err_input(e, "%s: its scenario's models are not those of %s", o->schedule,
                           o->scenario);
            scn_free(scn);
        }
    }
    scn_free(&own);
    if (rc)
        sched_free(s);
    return rc;
}

int cli_serve(const opts_t *o, FILE *out, err_t *e)
{
    srv_opts so = {.bucket = o->bucket ? o->bucket : 1, .eval = {.verbose = o->verbose}};
    search_opts sopts;
    double rate = 0, duration = 0;
    int rc;
    if ((rc = cli_need(o->platform, "-p PLATFORM", e)) ||
        (rc = parse_real_opt("rate", o->rate, &rate, e)) ||
        (rc = parse_real_opt("duration", o->duration, &duration, e)) ||
        (rc = parse_real_opt("slo-ttft", o->slo_ttft, &so.slo_ttft_s, e)) ||
        (rc = parse_real_opt("slo-tpot", o->slo_tpot, &so.slo_tpot_s, e)) ||
        (rc = cli_nop_option(o, &so.eval.nop, e)) || (rc = cli_search_options(o, &sopts, e)))
        return rc;
    if (!o->requests == !(o->rate || o->duration) || (!o->requests && !(o->rate && o->duration)))
        return err_input(e, "give either --requests FILE or --rate R --duration T");
    if (!o->search == !o->schedule)
        return err_input(e, "give either -s SCHEDULE or --search");
    if (o->disaggregate && !o->search)
        return err_input(e, "--disaggregate goes with --search (a schedule says its placement "
                            "in its [decode] section)");
    plat_t p;
    scn_t scn;
    sched_t s = {0};
    if ((rc = plat_load(o->platform, &p, e)))
        return rc;
    if ((rc = serve_load(o, &p, &scn, &s, e))) {
        plat_free(&p);
        return rc;
    }
    srv_stream st = {0};
    srv_result r;
    srv_searched sr = {0};
    /* the request file is the one more input a table file must not be */
    rc = cli_check_output("--csv-dir", o->csv_dir, REP_CSV_SERVE, &p, &scn, o->schedule,
                          o->requests, e);
    if (!rc)
        rc = o->requests ? srv_load_requests(o->requests, &scn, &st, e)
                         : srv_poisson(&scn, rate, duration, (unsigned long)o->seed, &st, e);
    if (!rc)
        rc = o->search ? srv_search(&p, &scn, &sopts, !o->objective, o->disaggregate, &st, &so, &s,
                                    &r, &sr, e)
                       : srv_run(&p, &scn, &s, &st, &so, &r, e);
    if (!rc) {
        if (r.overloaded)
            fprintf(stderr, "mcmsim: warning: arrivals outpace the package: over the second half "
                            "of the arrivals it was busy %.0f%% of the time and the queue grew "
                            "from %ld to %ld requests; it grows without bound with --duration\n",
                    100 * r.busy_second_half, r.queue_mid, r.queue_end);
        rep_csv_src src = {.p = &p, .scn = &scn, .s = &s, .stream = &st, .served = &r,
                           .serve_opts = &so, .searched = o->search ? &sr : NULL};
        if (!(rc = cli_emit_csv(o, REP_CSV_SERVE, &src, out, e)) && !o->csv &&
            rep_serve(out, &p, &scn, o->schedule ? o->schedule : "the searched schedule", &s, &st,
                      &so, &r, o->search ? &sr : NULL, o->json))
            rc = cli_report_failed(e);
        srv_result_free(&r);
    }
    srv_searched_free(&sr);
    srv_stream_free(&st);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
    return rc;
}
