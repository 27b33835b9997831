/* main.c - the mcmsim command line (README "Command line").
 *
 * Parses options, loads inputs, calls one evaluator or the search, and hands
 * the result to report. Exit status: 0 done, 2 bad input (one
 * "FILE:LINE: message" line on stderr, nothing written), 1 internal failure. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "des.h"
#include "estimate.h"
#include "cfg.h"
#include "report.h"
#include "search.h"

typedef struct {
    const char *platform, *schedule, *workload, *scenario, *trace, *output, *objective;
    const char *dataflow, *chiplet, *baseline, *strategy;
    long pes, batch, validate, jobs, seed, steps;
    int json, verbose;
} opts_t;

static const char *const usage_text[] = {
    "layers",
    "usage: mcmsim layers -w WORKLOAD (--dataflow DF --pes N | -p PLATFORM --chiplet NAME|INDEX)\n"
    "                     [--batch B] [--json]\n"
    "Per-layer cost of a model on one chiplet: MACs, PE-bound cycles, cycles with on-chip\n"
    "bandwidth stalls, utilization, on-chip energy. DF: nvdla, shidiannao, eyeriss, os-auto,\n"
    "ws-auto (--dataflow uses one chiplet with ideal on-chip bandwidth).\n",
    "estimate",
    "usage: mcmsim estimate -p PLATFORM -s SCHEDULE [--json]\n"
    "Closed-form latency, throughput and energy of a schedule (SCAR's model, contention ignored).\n",
    "simulate",
    "usage: mcmsim simulate -p PLATFORM -s SCHEDULE [--json] [--trace FILE.json] [--verbose]\n"
    "Discrete-event simulation of a schedule on SimGrid: link and DRAM contention, shared\n"
    "chiplets and pipeline stalls included. --trace writes a Chrome trace (open in Perfetto).\n",
    "compare",
    "usage: mcmsim compare -p PLATFORM -s SCHEDULE [--json]\n"
    "Estimate and simulation side by side per model, window and segment, with the relative\n"
    "error and the cause the simulation shows for each gap.\n",
    "search",
    "usage: mcmsim search -p PLATFORM -m SCENARIO [--objective latency|throughput|energy|edp]\n"
    "                     [--validate K] [-j N] [--seed S] [--steps N] [-o BEST.ini] [--json]\n"
    "       mcmsim search -p PLATFORM -m SCENARIO --baseline monolithic-os|standalone|simba ...\n"
    "Finds a schedule for the scenario: candidates ranked by the closed-form estimate, the\n"
    "best K (default 8) simulated, -j at a time (default: all cores), the winner chosen on\n"
    "simulated figures. --baseline builds and simulates one of the field's baselines instead.\n"
    "-o writes the chosen schedule (loadable by simulate). Default objective: edp. --steps: annealing\n"
    "steps where allocations are too many to enumerate (default 1500).\n"
    "--strategy exhaustive|anneal|auto: how chiplet allocations are explored (default auto).\n",
    "run",
    "usage: mcmsim run [--objective O] [-j N] [--json]\n"
    "The seed paper's experiment (what `make run` does): search GPT-2 small + ResNet-50 on\n"
    "platforms/het-2x2.ini, simulate it and the baselines (monolithic OS on\n"
    "platforms/mono-os.ini, standalone and Simba-like on het-2x2), print the comparison.\n"
    "Run from the repository root.\n",
    NULL};

static void usage(FILE *out, const char *cmd)
{
    for (int i = 0; usage_text[i]; i += 2)
        if (!cmd || strcmp(cmd, usage_text[i]) == 0)
            fputs(usage_text[i + 1], out);
    if (!cmd)
        fputs("\nmcmsim COMMAND --help for one command's options.\n", out);
}

static int parse_long_opt(const char *name, const char *text, long lo, long *out, err_t *e)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < lo)
        return err_input(e, "--%s: expected an integer >= %ld, not '%s'", name, lo, text);
    *out = v;
    return ERR_OK;
}

static int parse_opts(int argc, char **argv, opts_t *o, err_t *e)
{
    static const struct option longs[] = {
        {"platform", required_argument, 0, 'p'}, {"schedule", required_argument, 0, 's'},
        {"workload", required_argument, 0, 'w'}, {"scenario", required_argument, 0, 'm'},
        {"output", required_argument, 0, 'o'},   {"jobs", required_argument, 0, 'j'},
        {"json", no_argument, 0, 'J'},           {"verbose", no_argument, 0, 'v'},
        {"trace", required_argument, 0, 'T'},    {"dataflow", required_argument, 0, 'D'},
        {"pes", required_argument, 0, 'P'},      {"chiplet", required_argument, 0, 'C'},
        {"batch", required_argument, 0, 'B'},    {"objective", required_argument, 0, 'O'},
        {"validate", required_argument, 0, 'V'}, {"seed", required_argument, 0, 'S'},
        {"baseline", required_argument, 0, 'L'}, {"help", no_argument, 0, 'h'},
        {"steps", required_argument, 0, 'A'},    {"strategy", required_argument, 0, 'G'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->batch = 1;
    o->validate = 8;
    o->seed = 1;
    optind = 1;
    opterr = 0;
    int c, rc = ERR_OK;
    while (!rc && (c = getopt_long(argc, argv, ":p:s:w:m:o:j:", longs, NULL)) != -1) {
        switch (c) {
        case 'p': o->platform = optarg; break;
        case 's': o->schedule = optarg; break;
        case 'w': o->workload = optarg; break;
        case 'm': o->scenario = optarg; break;
        case 'o': o->output = optarg; break;
        case 'T': o->trace = optarg; break;
        case 'D': o->dataflow = optarg; break;
        case 'C': o->chiplet = optarg; break;
        case 'O': o->objective = optarg; break;
        case 'L': o->baseline = optarg; break;
        case 'G': o->strategy = optarg; break;
        case 'J': o->json = 1; break;
        case 'v': o->verbose = 1; break;
        case 'j': rc = parse_long_opt("jobs", optarg, 1, &o->jobs, e); break;
        case 'P': rc = parse_long_opt("pes", optarg, 1, &o->pes, e); break;
        case 'B': rc = parse_long_opt("batch", optarg, 1, &o->batch, e); break;
        case 'V': rc = parse_long_opt("validate", optarg, 1, &o->validate, e); break;
        case 'S': rc = parse_long_opt("seed", optarg, 0, &o->seed, e); break;
        case 'A': rc = parse_long_opt("steps", optarg, 1, &o->steps, e); break;
        case 'h': return -1;
        case ':': return err_input(e, "option %s needs a value", argv[optind - 1]);
        default: return err_input(e, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!rc && optind < argc)
        rc = err_input(e, "unexpected argument '%s'", argv[optind]);
    return rc;
}

static int need(const char *val, const char *what, err_t *e)
{
    return val ? ERR_OK : err_input(e, "missing %s", what);
}

static int cmd_layers(const opts_t *o, err_t *e)
{
    int rc = need(o->workload, "-w WORKLOAD", e);
    if (rc)
        return rc;
    if (!o->dataflow == !o->platform)
        return err_input(e, "give either --dataflow DF --pes N or -p PLATFORM --chiplet NAME");
    plat_t p;
    if (o->dataflow) {
        int df = plat_dataflow_parse(o->dataflow);
        if (df < 0)
            return err_input(e, "--dataflow: unknown dataflow '%s' (nvdla, shidiannao, eyeriss, "
                                "os-auto, ws-auto)", o->dataflow);
        if ((rc = need(o->pes ? "" : NULL, "--pes N", e)) ||
            (rc = plat_single((plat_dataflow)df, o->pes, &p, e)))
            return rc;
    } else if ((rc = need(o->chiplet, "--chiplet NAME", e)) || (rc = plat_load(o->platform, &p, e))) {
        return rc;
    }
    int chip = o->dataflow ? 0 : plat_find_chiplet(&p, o->chiplet);
    long idx;
    char *end;
    if (chip < 0 && (idx = strtol(o->chiplet, &end, 10), !*end && *o->chiplet && idx >= 0 &&
                                                         idx < p.nchiplets))
        chip = (int)idx;
    if (chip < 0) {
        rc = err_input(e, "--chiplet: platform %s has no chiplet '%s'", p.name, o->chiplet);
        plat_free(&p);
        return rc;
    }
    wl_model m;
    if (!(rc = wl_load(o->workload, &m, e))) {
        rc = rep_layers(stdout, &p.chiplets[chip], &m, o->batch, o->json);
        wl_free(&m);
    }
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
    if ((rc = need(o->platform, "-p PLATFORM", e)) || (rc = need(o->schedule, "-s SCHEDULE", e)))
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

static int cmd_eval(const char *cmd, const opts_t *o, err_t *e)
{
    case_t k;
    int rc = load_case(o, &k, e);
    if (rc)
        return rc;
    res_result est = {0}, sim = {0};
    int do_est = strcmp(cmd, "simulate") != 0, do_sim = strcmp(cmd, "estimate") != 0;
    des_opts dopts = {.verbose = o->verbose, .timeline = o->trace != NULL};
    if (do_est)
        rc = est_run(&k.p, &k.scn, &k.s, &est, e);
    if (!rc && do_sim)
        rc = des_run(&k.p, &k.scn, &k.s, &dopts, &sim, e);
    if (!rc && o->trace)
        rc = rep_trace(o->trace, &k.p, &sim, e);
    if (!rc) {
        if (do_est && do_sim)
            rc = rep_compare(stdout, &k.p, &k.scn, &k.s, &est, &sim, o->json);
        else
            rc = rep_result(stdout, &k.p, &k.scn, &k.s, do_est ? &est : &sim, o->json);
        if (rc)
            err_internal(e, "cannot write the report");
    }
    res_free(&est);
    res_free(&sim);
    free_case(&k);
    return rc;
}

static int search_options(const opts_t *o, search_opts *so, err_t *e)
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
    if (o->strategy) {
        int rc = search_strategy_check(o->strategy, e);
        if (rc)
            return rc;
        so->strategy = o->strategy;
    }
    so->progress = isatty(2);
    return ERR_OK;
}

typedef struct {
    const plat_t *p;
    const scn_t *scn;
    const sched_t *s;
    const char *path;
} sched_out;

static int write_sched(FILE *fp, void *arg)
{
    const sched_out *so = arg;
    char *ref = cfg_relative_path(so->path, so->scn->path);
    if (!ref)
        return ERR_INTERNAL;
    int rc = sched_write(fp, so->p, so->scn, so->s, ref);
    free(ref);
    return rc;
}

static json_t *point_json(const search_point *pt)
{
    json_t *o = json_object();
    json_object_set_new(o, "makespan_s", json_real(pt->makespan_s));
    json_object_set_new(o, "energy_j", json_real(pt->energy_j));
    json_object_set_new(o, "mean_latency_s", json_real(pt->latency_s));
    return o;
}

static int print_search(const plat_t *p, const scn_t *scn, const search_opts *so,
                        const search_result *r, int json)
{
    if (json) {
        json_t *j = json_object();
        json_object_set_new(j, "objective", json_string(search_objective_name(so->objective)));
        json_object_set_new(j, "seed", json_integer((json_int_t)so->seed));
        json_object_set_new(j, "space_schedules", json_real(r->space));
        json_object_set_new(j, "exhaustive", json_boolean(r->exhaustive));
        json_object_set_new(j, "strategy", json_string(r->strategy));
        json_object_set_new(j, "allocations", json_integer(r->allocations));
        json_object_set_new(j, "estimated", json_integer(r->estimated));
        json_object_set_new(j, "simulated", json_integer(r->simulated));
        json_t *v = json_array();
        for (int i = 0; i < r->nvalid; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "estimate", point_json(&r->val_est[i]));
            if (r->val_ok[i])
                json_object_set_new(o, "simulate", point_json(&r->val_sim[i]));
            json_array_append_new(v, o);
        }
        json_object_set_new(j, "validated", v);
        json_object_set_new(j, "rank_agreement_kendall_tau", json_real(r->rank_agreement));
        json_t *pf = json_array();
        for (int i = 0; i < r->npareto; i++)
            json_array_append_new(pf, point_json(&r->pareto[i]));
        json_object_set_new(j, "pareto_latency_energy", pf);
        json_object_set_new(j, "estimate", rep_result_json(p, scn, &r->est));
        json_object_set_new(j, "simulate", rep_result_json(p, scn, &r->sim));
        return rep_print_json(stdout, j);
    }
    printf("Search on %s for %s, objective %s, seed %lu\n", p->name, scn->path,
           search_objective_name(so->objective), so->seed);
    printf("space: %.3g schedules; %s over %ld chiplet allocations; %ld estimated, %ld simulated\n",
           r->space, r->method, r->allocations,
           r->estimated, r->simulated);
    printf("\nvalidated candidates (estimate order)\n%3s %14s %14s %12s %12s\n", "#", "est_ms",
           "sim_ms", "est_J", "sim_J");
    for (int i = 0; i < r->nvalid; i++) {
        if (r->val_ok[i])
            printf("%3d %14.6f %14.6f %12.6f %12.6f\n", i + 1, r->val_est[i].makespan_s * 1e3,
                   r->val_sim[i].makespan_s * 1e3, r->val_est[i].energy_j, r->val_sim[i].energy_j);
        else
            printf("%3d %14.6f %14s %12.6f %12s\n", i + 1, r->val_est[i].makespan_s * 1e3,
                   "failed", r->val_est[i].energy_j, "-");
    }
    printf("rank agreement of estimate and simulation (Kendall's tau): %.3f\n", r->rank_agreement);
    printf("\nPareto front of the estimates (%d points)\n%14s %12s\n", r->npareto, "makespan_ms",
           "energy_J");
    for (int i = 0; i < r->npareto && i < 12; i++)
        printf("%14.6f %12.6f\n", r->pareto[i].makespan_s * 1e3, r->pareto[i].energy_j);
    printf("\nchosen schedule\n");
    sched_write(stdout, p, scn, &r->best, scn->path);
    printf("\n");
    return rep_result(stdout, p, scn, &r->best, &r->sim, 0);
}

static int cmd_search(const opts_t *o, err_t *e)
{
    int rc;
    if ((rc = need(o->platform, "-p PLATFORM", e)) || (rc = need(o->scenario, "-m SCENARIO", e)))
        return rc;
    search_opts so;
    if ((rc = search_options(o, &so, e)))
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
    search_result r;
    memset(&r, 0, sizeof r);
    if (base >= 0) {
        rc = search_baseline(&p, &scn, (search_base)base, &so, &r.best, e);
        des_opts dopts = {.verbose = o->verbose};
        if (!rc)
            rc = des_run(&p, &scn, &r.best, &dopts, &r.sim, e);
    } else {
        rc = search_run(&p, &scn, &so, &r, e);
    }
    if (!rc && o->output) {
        sched_out out = {&p, &scn, &r.best, o->output};
        rc = rep_write_atomic(o->output, write_sched, &out, e);
    }
    if (!rc)
        rc = base >= 0 ? rep_result(stdout, &p, &scn, &r.best, &r.sim, o->json)
                       : print_search(&p, &scn, &so, &r, o->json);
    search_result_free(&r);
    scn_free(&scn);
    plat_free(&p);
    return rc;
}

/* One row of the `run` table: a schedule simulated on a platform. */
typedef struct {
    const char *name;
    double throughput, makespan, energy, samples;
} run_row;

static void row_from(run_row *row, const char *name, const res_result *r)
{
    row->name = name;
    row->throughput = r->throughput_per_s;
    row->makespan = r->makespan_s;
    row->energy = r->energy_j;
    row->samples = r->throughput_per_s * r->makespan_s;
}

static int run_baseline(const plat_t *p, const scn_t *scn, search_base kind, const search_opts *so,
                        res_result *sim, err_t *e)
{
    sched_t s;
    int rc = search_baseline(p, scn, kind, so, &s, e);
    des_opts dopts = {0};
    if (!rc)
        rc = des_run(p, scn, &s, &dopts, sim, e);
    sched_free(&s);
    return rc;
}

static void print_run(const run_row *rows, int n, const search_opts *so, const search_result *sr,
                      const plat_t *pkg, const scn_t *scn, int json)
{
    const run_row *het = &rows[0], *mono = &rows[n - 1];
    double thr = het->throughput / mono->throughput;
    double eff = (het->samples / het->energy) / (mono->samples / mono->energy);
    double edp = (mono->makespan * mono->energy) / (het->makespan * het->energy);
    if (json) {
        json_t *j = json_object(), *arr = json_array();
        json_object_set_new(j, "objective", json_string(search_objective_name(so->objective)));
        for (int i = 0; i < n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "name", json_string(rows[i].name));
            json_object_set_new(o, "throughput_per_s", json_real(rows[i].throughput));
            json_object_set_new(o, "makespan_s", json_real(rows[i].makespan));
            json_object_set_new(o, "energy_j", json_real(rows[i].energy));
            json_object_set_new(o, "samples_per_j", json_real(rows[i].samples / rows[i].energy));
            json_object_set_new(o, "edp_js", json_real(rows[i].makespan * rows[i].energy));
            json_array_append_new(arr, o);
        }
        json_object_set_new(j, "rows", arr);
        json_object_set_new(j, "throughput_ratio", json_real(thr));
        json_object_set_new(j, "energy_efficiency_ratio", json_real(eff));
        json_object_set_new(j, "edp_improvement", json_real(edp));
        json_object_set_new(j, "search_estimated", json_integer(sr->estimated));
        json_object_set_new(j, "search_simulated", json_integer(sr->simulated));
        rep_print_json(stdout, j);
        return;
    }
    printf("GPT-2 small (batch 8, prefill 128 tokens) + ResNet-50 (batch 32), every figure simulated\n");
    printf("search objective %s: %ld schedules estimated, %ld simulated\n\n",
           search_objective_name(so->objective), sr->estimated, sr->simulated);
    printf("%-36s %13s %12s %10s %11s %12s\n", "schedule", "throughput/s", "latency_ms", "energy_J",
           "samples/J", "EDP_Js");
    for (int i = 0; i < n; i++)
        printf("%-36s %13.2f %12.4f %10.5f %11.2f %12.6f\n", rows[i].name, rows[i].throughput,
               rows[i].makespan * 1e3, rows[i].energy, rows[i].samples / rows[i].energy,
               rows[i].makespan * rows[i].energy);
    printf("\n%-36s %13s %23s %12s\n", "heterogeneous 4-chiplet / monolithic", "throughput",
           "energy efficiency", "EDP gain");
    printf("%-36s %12.2fx %22.2fx %11.2fx\n", "mcmsim (simulated)", thr, eff, edp);
    printf("%-36s %13s %23s %12s\n", "seed paper (Odema et al., analytical)", "up to 2.2x",
           "up to 1.9x", "-");
    printf("\nthe searched schedule (mcmsim search -p platforms/het-2x2.ini -m %s -o FILE writes it)\n",
           scn->path);
    sched_write(stdout, pkg, scn, &sr->best, scn->path);
}

static int cmd_run(const opts_t *o, err_t *e)
{
    search_opts so;
    int rc = search_options(o, &so, e);
    if (rc)
        return rc;
    plat_t het = {0}, mono = {0}, mono_ws = {0};
    scn_t scn = {0};
    search_result sr;
    res_result base[4];
    memset(base, 0, sizeof base);
    memset(&sr, 0, sizeof sr);
    if (!(rc = plat_load("platforms/het-2x2.ini", &het, e)) &&
        !(rc = plat_load("platforms/mono-os.ini", &mono, e)) &&
        !(rc = plat_load("platforms/mono-ws.ini", &mono_ws, e)) &&
        !(rc = scn_load("workloads/scenarios/gpt2-resnet50.ini", &scn, e)) &&
        !(rc = search_run(&het, &scn, &so, &sr, e)) &&
        !(rc = run_baseline(&het, &scn, BASE_SIMBA, &so, &base[0], e)) &&
        !(rc = run_baseline(&het, &scn, BASE_STANDALONE, &so, &base[1], e)) &&
        !(rc = run_baseline(&mono_ws, &scn, BASE_MONOLITHIC, &so, &base[2], e)) &&
        !(rc = run_baseline(&mono, &scn, BASE_MONOLITHIC, &so, &base[3], e))) {
        run_row rows[5];
        row_from(&rows[0], "het-2x2, searched schedule", &sr.sim);
        row_from(&rows[1], "het-2x2, Simba-like pipelining", &base[0]);
        row_from(&rows[2], "het-2x2, standalone (chiplet/model)", &base[1]);
        row_from(&rows[3], "mono-ws, monolithic best WS (ours)", &base[2]);
        row_from(&rows[4], "mono-os, monolithic optimized OS", &base[3]);
        print_run(rows, 5, &so, &sr, &het, &scn, o->json);
    }
    search_result_free(&sr);
    for (int i = 0; i < 4; i++)
        res_free(&base[i]);
    scn_free(&scn);
    plat_free(&het);
    plat_free(&mono);
    plat_free(&mono_ws);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout, NULL);
        return argc < 2 ? ERR_INPUT : 0;
    }
    const char *cmd = argv[1];
    int known = 0;
    for (int i = 0; usage_text[i]; i += 2)
        known |= strcmp(cmd, usage_text[i]) == 0;
    if (!known) {
        fprintf(stderr, "mcmsim: unknown command '%s'\n", cmd);
        usage(stderr, NULL);
        return ERR_INPUT;
    }
    err_t e = {{0}};
    opts_t o;
    int rc = parse_opts(argc - 1, argv + 1, &o, &e);
    if (rc < 0) {
        usage(stdout, cmd);
        return 0;
    }
    if (!rc) {
        if (strcmp(cmd, "layers") == 0)
            rc = cmd_layers(&o, &e);
        else if (strcmp(cmd, "search") == 0)
            rc = cmd_search(&o, &e);
        else if (strcmp(cmd, "run") == 0)
            rc = cmd_run(&o, &e);
        else
            rc = cmd_eval(cmd, &o, &e);
    }
    if (rc)
        fprintf(stderr, "%s\n", e.msg);
    return rc;
}
