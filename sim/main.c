/* main.c - the mcmsim command line (README "Command line").
 *
 * Parses options, loads inputs, calls one evaluator or the search, and hands
 * the result to report. Exit status: 0 done, 2 bad input (one
 * "FILE:LINE: message" line on stderr, nothing written), 1 internal failure. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "des.h"
#include "estimate.h"
#include "report.h"

typedef struct {
    const char *platform, *schedule, *workload, *scenario, *trace, *output, *objective;
    const char *dataflow, *chiplet, *baseline;
    long pes, batch, validate, jobs, seed;
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
        case 'J': o->json = 1; break;
        case 'v': o->verbose = 1; break;
        case 'j': rc = parse_long_opt("jobs", optarg, 1, &o->jobs, e); break;
        case 'P': rc = parse_long_opt("pes", optarg, 1, &o->pes, e); break;
        case 'B': rc = parse_long_opt("batch", optarg, 1, &o->batch, e); break;
        case 'V': rc = parse_long_opt("validate", optarg, 1, &o->validate, e); break;
        case 'S': rc = parse_long_opt("seed", optarg, 0, &o->seed, e); break;
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
        else
            rc = cmd_eval(cmd, &o, &e);
    }
    if (rc)
        fprintf(stderr, "%s\n", e.msg);
    return rc;
}
