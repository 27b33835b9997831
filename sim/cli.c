/* cli.c - the commands that evaluate one thing: layers, estimate, simulate,
 * compare, traffic, sweep; and the checks every command shares (cli.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cfg.h"
#include "cli.h"
#include "num.h"
#include "out.h"
#include "report.h"
#include "sweep.h"
#include "traffic_run.h"

int cli_need(const char *val, const char *what, err_t *e)
{
    return val ? ERR_OK : err_input(e, "missing %s", what);
}

int cli_report_failed(err_t *e)
{
    return err_internal(e, "out of memory writing the report");
}

int cli_check_output(const char *opt, const char *path, int csv, const plat_t *p, const scn_t *scn,
                     const char *sched, const char *workload, err_t *e)
{
    if (!path)
        return ERR_OK;
    int nmodels = scn ? scn->nmodels : 0;
    const char **in = malloc(((size_t)nmodels + 4) * sizeof *in);
    if (!in)
        return err_internal(e, "out of memory");
    int n = 0;
    in[n++] = p->path;
    in[n++] = scn ? scn->path : NULL;
    in[n++] = sched;
    in[n++] = workload;
    for (int i = 0; i < nmodels; i++)
        in[n++] = scn->models[i].model.path;
    int rc = csv >= 0 ? rep_csv_dir_check(path, (rep_csv_kind)csv, in, n, e)
                      : out_check(opt, path, in, n, e);
    free(in);
    return rc;
}

int cli_emit_csv(const opts_t *o, rep_csv_kind kind, const rep_csv_src *src, FILE *out, err_t *e)
{
    int rc = o->csv_dir ? rep_csv_dir_write(o->csv_dir, kind, src, e) : ERR_OK;
    if (!rc && o->csv && rep_csv_main(out, kind, src))
        rc = cli_report_failed(e);
    return rc;
}

int cli_nop_option(const opts_t *o, const nop_level **out, err_t *e)
{
    *out = NULL;
    if (o->nop && !(*out = nop_level_find(o->nop)))
        return err_input(e, "--nop: '%s' is not a network level (flow, packet)", o->nop);
    return ERR_OK;
}

int cli_layers(const opts_t *o, FILE *out, err_t *e)
{
    int rc = cli_need(o->workload, "-w WORKLOAD", e);
    if (rc)
        return rc;
    if (!o->dataflow == !o->platform)
        return err_input(e, "give either --dataflow DF --pes N or -p PLATFORM --chiplet NAME");
    plat_t p;
    if (o->dataflow) {
        int df = plat_dataflow_parse(o->dataflow);
        if (df < 0)
            return err_input(e, "--dataflow: unknown dataflow '%s' (%s)", o->dataflow,
                             plat_dataflow_list());
        if ((rc = cli_need(o->pes ? "" : NULL, "--pes N", e)) ||
            (rc = plat_single((plat_dataflow)df, o->pes, &p, e)))
            return rc;
    } else if ((rc = cli_need(o->chiplet, "--chiplet NAME", e)) || (rc = plat_load(o->platform, &p, e))) {
        return rc;
    }
    int chip = o->dataflow ? 0 : plat_find_chiplet(&p, o->chiplet);
    long idx;
    if (chip < 0 && num_long(o->chiplet, 0, p.nchiplets - 1, &idx) == NUM_OK)
        chip = (int)idx;
    if (chip < 0) {
        rc = err_input(e, "--chiplet: platform %s has no chiplet '%s'", p.name, o->chiplet);
        plat_free(&p);
        return rc;
    }
    wl_model m;
    if (!(rc = wl_load(o->workload, &m, e)) &&
        !(rc = cli_check_output("--csv-dir", o->csv_dir, REP_CSV_LAYERS, &p, NULL, NULL, o->workload,
                            e))) {
        cost_table t;
        rep_csv_src src = {.chip = &p.chiplets[chip], .model = &m, .batch = o->batch, .costs = &t};
        if (cost_model(&p.chiplets[chip], &m, o->batch, &t))
            rc = err_internal(e, "out of memory");
        else if (!(rc = cli_emit_csv(o, REP_CSV_LAYERS, &src, out, e)) && !o->csv &&
                 rep_layers(out, &p.chiplets[chip], &m, o->batch, &t, o->json))
            rc = cli_report_failed(e);
        cost_table_free(&t);
    }
    wl_free(&m);
    plat_free(&p);
    return rc;
}

/* The inputs of estimate, simulate and compare. */
typedef struct {
    plat_t p;
    scn_t scn;
    sched_t s;
} case_t;

static int load_case(const opts_t *o, case_t *k, err_t *e)
{
    int rc;
    if ((rc = cli_need(o->platform, "-p PLATFORM", e)) || (rc = cli_need(o->schedule, "-s SCHEDULE", e)))
        return rc;
    if ((rc = plat_load(o->platform, &k->p, e)))
        return rc;
    if ((rc = sched_load(o->schedule, &k->p, &k->scn, &k->s, e)))
        plat_free(&k->p);
    return rc;
}

static void free_case(case_t *k)
{
    sched_free(&k->s);
    scn_free(&k->scn);
    plat_free(&k->p);
}

int cli_eval(const char *cmd, const opts_t *o, FILE *out, err_t *e)
{
    case_t k;
    int rc = load_case(o, &k, e);
    if (rc)
        return rc;
    /* compare runs both: the estimate first, so its error is the one shown */
    const char *names[2] = {"estimate", "simulate"};
    int first = strcmp(cmd, "simulate") == 0, last = strcmp(cmd, "estimate") == 0 ? 1 : 2;
    eval_opts eo = {.verbose = o->verbose, .timeline = o->trace != NULL};
    rep_csv_kind kind = last - first == 2 ? REP_CSV_COMPARE : REP_CSV_RESULT;
    if ((rc = cli_nop_option(o, &eo.nop, e)) ||
        (rc = cli_check_output("--trace", o->trace, -1, &k.p, &k.scn, k.s.path, NULL, e)) ||
        (rc = cli_check_output("--csv-dir", o->csv_dir, kind, &k.p, &k.scn, k.s.path, NULL, e))) {
        free_case(&k);
        return rc;
    }
    run_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    for (int i = first; i < last; i++)
        jobs[i] = (run_job){.p = &k.p, .scn = &k.scn, .s = &k.s, .ev = eval_find(names[i]), .opts = &eo};
    rc = runner_run(jobs + first, last - first, 1, e);
    for (int i = first; !rc && i < last; i++)
        if ((rc = jobs[i].rc))
            *e = jobs[i].err;
    res_result *est = &jobs[0].r, *sim = &jobs[1].r;
    if (!rc && o->trace)
        rc = rep_trace(o->trace, &k.p, sim, e);
    rep_csv_src src = {.p = &k.p, .scn = &k.scn, .s = &k.s, .r = first ? sim : est, .est = est,
                       .sim = sim};
    if (!rc)
        rc = cli_emit_csv(o, kind, &src, out, e);
    /* --trace - : the trace is standard output, the report stays out of it */
    int report = (!o->trace || strcmp(o->trace, "-") != 0) && !o->csv;
    if (!rc && report &&
        (last - first == 2 ? rep_compare(out, &k.p, &k.scn, &k.s, est, sim, o->json)
                           : rep_result(out, &k.p, &k.scn, &k.s, first ? sim : est, o->json)))
        rc = cli_report_failed(e);
    res_free(est);
    res_free(sim);
    free_case(&k);
    return rc;
}

int cli_search_options(const opts_t *o, search_opts *so, err_t *e)
{
    search_defaults(so);
    if (o->objective) {
        int obj = search_objective_parse(o->objective);
        if (obj < 0)
            return err_input(e, "--objective: '%s' is not latency, throughput, energy or edp",
                             o->objective);
        so->objective = (search_objective)obj;
    }
    if (o->validate)
        so->validate = (int)o->validate;
    if (o->jobs)
        so->jobs = (int)o->jobs;
    so->seed = (unsigned long)o->seed;
    if (o->steps)
        so->anneal_steps = o->steps;
    if (o->population)
        so->population = (int)o->population;
    if (o->generations)
        so->generations = (int)o->generations;
    so->sim_budget = o->sim_budget;
    if (o->objectives) {
        int rc = search_objectives_parse(o->objectives, so->objectives, e);
        if (rc)
            return rc;
    }
    if (o->strategy) {
        int rc = search_strategy_check(o->strategy, e);
        if (rc)
            return rc;
        so->strategy = o->strategy;
    }
    so->progress = isatty(2);
    so->verbose = o->verbose;
    return cli_nop_option(o, &so->nop, e);
}


/* traffic: flits sent in all (every node's packets x flits): 10^8 take the
   packet level a few minutes */
#define OPT_TRAFFIC_FLITS_MAX 1e8

int cli_traffic(const opts_t *o, FILE *out, err_t *e)
{
    int rc;
    if ((rc = cli_need(o->platform, "-p PLATFORM", e)) || (rc = cli_need(o->pattern, "--pattern P", e)))
        return rc;
    trun_opts to = {.pattern = o->pattern,
                    .hotspot = (int)o->hotspot,
                    .seed = o->seed,
                    .packets = o->packets ? o->packets : 1000,
                    .packet_flits = o->packet_flits ? (int)o->packet_flits : 16};
    if ((rc = cli_nop_option(o, &to.level, e)))
        return rc;
    plat_t p;
    if ((rc = plat_load(o->platform, &p, e)))
        return rc;
    double flits = (double)p.width * p.height * (double)to.packets * to.packet_flits;
    if (flits > OPT_TRAFFIC_FLITS_MAX) {
        rc = err_input(e, "--packets: %ld packets of %d flits from each of %dx%d nodes is %.3g flits, "
                          "more than %.0e", to.packets, to.packet_flits, p.width, p.height, flits,
                       OPT_TRAFFIC_FLITS_MAX);
        plat_free(&p);
        return rc;
    }
    trun_result r;
    if (!(rc = cli_check_output("--csv-dir", o->csv_dir, REP_CSV_TRAFFIC, &p, NULL, NULL, NULL, e)) &&
        !(rc = trun_run(&p, &to, &r, e))) {
        rep_csv_src src = {.p = &p, .traffic = &r, .pattern = o->pattern};
        if (!(rc = cli_emit_csv(o, REP_CSV_TRAFFIC, &src, out, e)) && !o->csv &&
            rep_traffic(out, &p, o->pattern, &r, o->json))
            rc = cli_report_failed(e);
        trun_free(&r);
    }
    plat_free(&p);
    return rc;
}

int cli_sweep(const opts_t *o, FILE *out, err_t *e)
{
    if (o->csv || o->csv_dir || o->json)
        return err_input(e, "sweep: its output is CSV already (no --csv, --csv-dir or --json)");
    if (o->output || o->trace || o->baseline)
        return err_input(e, "sweep: -o, --trace and --baseline are one run's; a sweep prints its "
                            "rows on standard output");
    sweep_opts so = {.platform = o->platform, .schedule = o->schedule, .scenario = o->scenario,
                     .run = o->run, .sets = o->sets, .nsets = o->nsets,
                     .eo = {.verbose = o->verbose}};
    int rc = cli_search_options(o, &so.so, e);
    if (!rc)
        rc = cli_nop_option(o, &so.eo.nop, e);
    return rc ? rc : sweep_run(out, &so, e);
}
