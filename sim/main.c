/* main.c - the mcmsim command line (README "Command line").
 *
 * Parses options, loads inputs, calls one evaluator or the search, and hands
 * the result to report. Exit status: 0 done, 2 bad input (one
 * "FILE:LINE: message" line on stderr, nothing written), 1 internal failure. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "cfg.h"
#include "num.h"
#include "out.h"
#include "progress.h"
#include "report.h"
#include "report_csv.h"
#include "runner.h"
#include "search.h"
#include "sweep.h"

typedef struct {
    const char *platform, *schedule, *workload, *scenario, *trace, *output, *objective;
    const char *dataflow, *chiplet, *baseline, *strategy, *nop, *pattern, *objectives;
    const char *csv_dir, *run;
    const char *requests, *rate, *duration, *slo_ttft, *slo_tpot;
    long pes, batch, validate, jobs, seed, steps, packets, packet_flits, hotspot, bucket;
    long population, generations, sim_budget;
    int json, verbose, csv, search;
    const char **sets;      /* sweep's --set texts (malloc'd; opts_free) */
    int nsets;
    runner_ranks *ranks;    /* the MPI ranks `search` is spread over (runner.h); set by main */
} opts_t;

/* What --verbose does, in the help of every command that simulates. */
#define VERBOSE_HELP                                                                       \
    "--verbose: SimGrid's own log on stderr (XBT threshold 'verbose': contexts, activities,\n" \
    "warnings), and the messages of a simulation worker that fails; parallel workers\n"     \
    "(-j) interleave theirs.\n"

static const char *const usage_text[] = {
    "layers",
    "usage: mcmsim layers -w WORKLOAD (--dataflow DF --pes N | -p PLATFORM --chiplet NAME|INDEX)\n"
    "                     [--batch B] [--json]\n",
    "estimate",
    "usage: mcmsim estimate -p PLATFORM -s SCHEDULE [--json]\n"
    "Closed-form latency, throughput and energy of a schedule (SCAR's model, contention ignored).\n",
    "simulate",
    "usage: mcmsim simulate -p PLATFORM -s SCHEDULE [--nop flow|packet] [--json] [--trace FILE.json]\n"
    "                       [--verbose]\n"
    "Discrete-event simulation of a schedule on SimGrid: link and DRAM contention, shared\n"
    "chiplets and pipeline stalls included. --trace writes a Chrome trace (open in Perfetto).\n"
    VERBOSE_HELP
    "--nop: the network's fidelity level (default: the platform's [nop] model, else flow):\n"
    "flow = fluid flows sharing links max-min fairly; packet = packets of flits through\n"
    "input-queued routers with virtual channels and credits.\n",
    "compare",
    "usage: mcmsim compare -p PLATFORM -s SCHEDULE [--nop flow|packet] [--json] [--verbose]\n"
    "Estimate and simulation side by side per model, window and segment, with the relative\n"
    "error and the cause the simulation shows for each gap.\n" VERBOSE_HELP,
    "search",
    "usage: mcmsim search -p PLATFORM -m SCENARIO [--objective latency|throughput|energy|edp]\n"
    "                     [--validate K] [-j N] [--seed S] [--steps N] [--nop flow|packet]\n"
    "                     [--strategy S] [--population N] [--generations N] [--objectives A,B]\n"
    "                     [--sim-budget N]\n"
    "                     [-o BEST.ini] [--json] [--verbose]\n"
    "       mcmsim search -p PLATFORM -m SCENARIO --baseline monolithic-os|standalone|simba ...\n"
    "Finds a schedule for the scenario: candidates ranked by the closed-form estimate, K of\n"
    "them (default 8: the best, points along the front, distinct allocations) simulated, -j at\n"
    "a time (default: all cores), the winner chosen on simulated figures. --baseline builds\n"
    "and simulates one of the field's baselines instead.\n"
    "-o writes the chosen schedule (loadable by simulate). Default objective: edp. --steps: annealing\n"
    "steps (--strategy anneal, default 1500).\n"
    "--strategy exhaustive|anneal|ea|nsga2|auto: how the space is explored (default auto:\n"
    "exhaustive where the allocations number at most 20,000, otherwise nsga2). ea and nsga2\n"
    "search windows, allocations, placement, cuts and mini-batches together: --population N\n"
    "(default 10), --generations N (default 4); nsga2 ranks on --objectives A,B (default\n"
    "latency,energy). --sim-budget N: up to N simulations replace estimates as the fitness\n"
    "of ea's and nsga2's last generations (cached by schedule).\n"
    "--nop: the network level of the simulations (see simulate --help). On a terminal, a\n"
    "progress line on stderr: estimating, then simulating, each figure marked estimated or\n"
    "simulated. --baseline monolithic-os on a package of several chiplets runs its one-chip\n"
    "equivalent (README \"The one-chip equivalent\").\n" VERBOSE_HELP,
    "run",
    "usage: mcmsim run [--objective O] [-j N] [--strategy S] [--nop flow|packet] [--json]\n"
    "                  [--verbose]\n"
    "The seed paper's experiment (what `make run` does): search GPT-2 small + ResNet-50 on\n"
    "platforms/het-2x2.ini, simulate it and the baselines (standalone and Simba-like on\n"
    "het-2x2; the monolithic chip of platforms/mono-os.ini with os-positions, systolic-os\n"
    "and os-auto, the output-stationary readings, and platforms/mono-ws.ini), print the\n"
    "comparison against each monolith.\n"
    "Run from the repository root.\n" VERBOSE_HELP,
    "traffic",
    "usage: mcmsim traffic -p PLATFORM --pattern P [--packets N] [--packet-flits F] [--seed S]\n"
    "                      [--hotspot NODE] [--nop flow|packet] [--json]\n"
    "The NoP alone under synthetic traffic, in batch mode: every router (node x + W*y) sends\n"
    "N packets (default 1000) of F flits (default 16); prints the drain time, each source's\n"
    "finish time and each link's load. Patterns (BookSim's): uniform, transpose, bitcomp,\n"
    "shuffle, neighbor, tornado, randperm (from --seed), perm:D0,D1,... (a destination per\n"
    "node), hotspot (to node 0 or --hotspot NODE). flow: every source's bytes to each\n"
    "destination as one fluid flow from time 0; packet: the flit-level router model.\n",
    "sweep",
    "usage: mcmsim sweep -p PLATFORM (-s SCHEDULE | -m SCENARIO) --set KEY[+KEY...]=V1,V2,...\n"
    "                    [--set ...] [--run compare|simulate|estimate|search] [-j N]\n"
    "                    [the run's options: --nop, --objective, --validate, --seed, ...]\n"
    "Runs compare (default with -s), simulate, estimate or search (default with -m) at every\n"
    "point of the product of the --set lists (the first varies slowest), the simulations -j\n"
    "at a time, and prints one CSV: a header, then a row per point with the values and the\n"
    "run's summary columns. KEY: a [package] key (link_bandwidth), or SECTION.KEY of the\n"
    "platform (nop.vcs, defaults.l2, n00.pes, dram-left.bandwidth) or the scenario\n"
    "(gpt2.batch); KEY+KEY gives both keys each value. Every point is loaded before any runs.\n",
    "serve",
    "usage: mcmsim serve -p PLATFORM -m SCENARIO (-s SCHEDULE | --search)\n"
    "                    (--requests FILE | --rate R --duration T) [--seed S]\n"
    "                    [--slo-ttft S] [--slo-tpot S] [--bucket N] [--nop flow|packet] [--json]\n"
    "Serves a stream of requests with continuous batching: every iteration runs the prefill\n"
    "of newly admitted requests and one decode step of each running GPT-2 request under the\n"
    "schedule, simulated; prints time to first token, time per output token, throughput,\n"
    "energy per token and SLO attainment. --requests: a CSV of\n"
    "arrival_s,model,prompt_tokens,output_tokens; --rate/--duration: Poisson arrivals drawn\n"
    "from the scenario's prompt_tokens/output_tokens (--seed, default 1). --search: search's\n"
    "winner under each objective (or --objective's only), each served, the one with the most\n"
    "requests within the SLOs, then the most tokens/s, kept. --bucket: prompt and KV lengths\n"
    "are rounded up to a multiple of N tokens before an iteration is evaluated (default 1:\n"
    "exact).\n",
    NULL};

/* What every command but sweep adds to its usage. */
static const char csv_help[] =
    "--csv: the command's main table as CSV on standard output instead of the report.\n"
    "--csv-dir DIR: every table of the report as DIR/TABLE.csv (README: CSV output and sweeps).\n";

/* The columns a paragraph filled at print time keeps within. */
enum { HELP_WIDTH = 90 };

/* Prints the words of TEXT from column *COL on, each line at most
   HELP_WIDTH wide (a longer word stands alone). */
static void put_words(FILE *out, const char *text, int *col)
{
    for (text += strspn(text, " "); *text; text += strspn(text, " ")) {
        int n = (int)strcspn(text, " ");
        if (*col > 0 && *col + 1 + n > HELP_WIDTH) {
            fputc('\n', out);
            *col = 0;
        } else if (*col > 0) {
            fputc(' ', out);
            (*col)++;
        }
        fwrite(text, 1, (size_t)n, out);
        *col += n;
        text += n;
    }
}

/* The layers paragraph names every dataflow of the table, so it is filled
   when printed. */
static void usage_layers(FILE *out)
{
    int col = 0;
    put_words(out, "Per-layer cost of a model on one chiplet: MACs, PE-bound cycles, cycles with "
                   "on-chip bandwidth stalls, utilization, on-chip energy. DF:", &col);
    put_words(out, plat_dataflow_list(), &col);
    put_words(out, "(--dataflow uses one chiplet with ideal on-chip bandwidth).", &col);
    fputc('\n', out);
}

static void usage(FILE *out, const char *cmd)
{
    for (int i = 0; usage_text[i]; i += 2)
        if (!cmd || strcmp(cmd, usage_text[i]) == 0) {
            fputs(usage_text[i + 1], out);
            if (strcmp(usage_text[i], "layers") == 0)
                usage_layers(out);
            if (cmd && strcmp(cmd, "sweep") != 0)
                fputs(csv_help, out);
        }
    if (!cmd)
        fprintf(out, "\n%s\nmcmsim COMMAND --help for one command's options.\n", csv_help);
}

/* The ranges of the numeric options: a file key's where one exists (--pes,
   --batch, --packet-flits), otherwise a bound that keeps the run finite and
   its arrays allocatable (--steps of 2^63 would anneal forever, --validate
   of 2^32 would ask for that many candidates). */
#define OPT_JOBS_MAX 1024L
#define OPT_VALIDATE_MAX 1000L
#define OPT_STEPS_MAX 1000000L
#define OPT_POPULATION_MAX 10000L
#define OPT_GENERATIONS_MAX 10000L
#define OPT_SIM_BUDGET_MAX 100000L
#define OPT_PACKETS_MAX 1000000L
#define OPT_HOTSPOT_MAX (64L * 64 - 1) /* the largest mesh's last node */
/* traffic: flits sent in all (every node's packets x flits): 10^8 take the
   packet level a few minutes */
#define OPT_TRAFFIC_FLITS_MAX 1e8

static int parse_long_opt(const char *name, const char *text, long lo, long hi, long *out, err_t *e)
{
    switch (num_long(text, lo, hi, out)) {
    case NUM_OK:
        return ERR_OK;
    case NUM_RANGE:
        return err_input(e, "--%s: %s is out of range [%ld, %ld]", name, text, lo, hi);
    case NUM_SYNTAX:
        break;
    }
    return err_input(e, "--%s: expected an integer in [%ld, %ld], not '%s'", name, lo, hi, text);
}

/* --set TEXT, kept in O->sets (room for every argument). */
static int add_set(opts_t *o, const char *text, int argc, err_t *e)
{
    if (!o->sets && !(o->sets = malloc((size_t)argc * sizeof *o->sets)))
        return err_internal(e, "out of memory");
    o->sets[o->nsets++] = text;
    return ERR_OK;
}

static void opts_free(opts_t *o)
{
    free(o->sets);
    o->sets = NULL;
    o->nsets = 0;
}

/* O's parse; opts_free frees it, whatever it returns. */
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
        {"nop", required_argument, 0, 'N'},      {"pattern", required_argument, 0, 'R'},
        {"packets", required_argument, 0, 'K'},  {"packet-flits", required_argument, 0, 'F'},
        {"hotspot", required_argument, 0, 'H'},  {"csv", no_argument, 0, 'X'},
        {"csv-dir", required_argument, 0, 'Y'},  {"set", required_argument, 0, 'E'},
        {"run", required_argument, 0, 'U'},      {"requests", required_argument, 0, 'q'},
        {"rate", required_argument, 0, 'r'},     {"duration", required_argument, 0, 'd'},
        {"slo-ttft", required_argument, 0, 't'}, {"slo-tpot", required_argument, 0, 'u'},
        {"search", no_argument, 0, 'Z'},         {"bucket", required_argument, 0, 'b'},
        {"population", required_argument, 0, 'Q'}, {"generations", required_argument, 0, 'g'},
        {"objectives", required_argument, 0, 'k'}, {"sim-budget", required_argument, 0, 'W'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->batch = 1;
    o->validate = 8;
    o->seed = 1;
    /* 0, not 1: glibc then also forgets where it was inside a cluster of
       short options, which a second parse (the option fuzzer's) would
       otherwise resume in an argv that is gone */
    optind = 0;
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
        case 'N': o->nop = optarg; break;
        case 'R': o->pattern = optarg; break;
        case 'X': o->csv = 1; break;
        case 'Y': o->csv_dir = optarg; break;
        case 'U': o->run = optarg; break;
        case 'E': rc = add_set(o, optarg, argc, e); break;
        case 'q': o->requests = optarg; break;
        case 'r': o->rate = optarg; break;
        case 'd': o->duration = optarg; break;
        case 't': o->slo_ttft = optarg; break;
        case 'u': o->slo_tpot = optarg; break;
        case 'Z': o->search = 1; break;
        case 'b': rc = parse_long_opt("bucket", optarg, 1, 1L << 20, &o->bucket, e); break;
        case 'K': rc = parse_long_opt("packets", optarg, 1, OPT_PACKETS_MAX, &o->packets, e); break;
        case 'F': rc = parse_long_opt("packet-flits", optarg, 1, PLAT_PACKET_FLITS_MAX,
                                           &o->packet_flits, e); break;
        case 'H': rc = parse_long_opt("hotspot", optarg, 0, OPT_HOTSPOT_MAX, &o->hotspot, e); break;
        case 'J': o->json = 1; break;
        case 'v': o->verbose = 1; break;
        case 'j': rc = parse_long_opt("jobs", optarg, 1, OPT_JOBS_MAX, &o->jobs, e); break;
        case 'P': rc = parse_long_opt("pes", optarg, 1, PLAT_PES_MAX, &o->pes, e); break;
        case 'B': rc = parse_long_opt("batch", optarg, 1, SCN_BATCH_MAX, &o->batch, e); break;
        case 'V': rc = parse_long_opt("validate", optarg, 1, OPT_VALIDATE_MAX, &o->validate, e); break;
        case 'S': rc = parse_long_opt("seed", optarg, 0, LONG_MAX, &o->seed, e); break;
        case 'A': rc = parse_long_opt("steps", optarg, 1, OPT_STEPS_MAX, &o->steps, e); break;
        case 'Q': rc = parse_long_opt("population", optarg, 2, OPT_POPULATION_MAX, &o->population, e); break;
        case 'g': rc = parse_long_opt("generations", optarg, 1, OPT_GENERATIONS_MAX, &o->generations, e); break;
        case 'W': rc = parse_long_opt("sim-budget", optarg, 0, OPT_SIM_BUDGET_MAX, &o->sim_budget, e); break;
        case 'k': o->objectives = optarg; break;
        case 'h': return -1;
        case ':': return err_input(e, "option %s needs a value", argv[optind - 1]);
        default:
            /* inside a cluster (-Jx) optind has not moved past the option yet */
            if (optopt && optopt != '?')
                return err_input(e, "unknown option '-%c'", optopt);
            return err_input(e, "unknown option '%s'", argv[optind - 1]);
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

/* A report that could not be built (it goes to memory first: out.h). */
static int report_failed(err_t *e)
{
    return err_internal(e, "out of memory writing the report");
}

/* Before any work: output OPT PATH (when given) is not one of the files the
   command read (P's, SCHED's, SCN's and its models', WORKLOAD), nor a
   directory, and can be created; for --csv-dir (CSV >= 0, the tables' kind),
   PATH is a directory whose table files are so. */
static int check_output(const char *opt, const char *path, int csv, const plat_t *p,
                        const scn_t *scn, const char *sched, const char *workload, err_t *e)
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

/* --csv and --json both want standard output, as do -o - and --trace -. */
static int csv_options(const opts_t *o, err_t *e)
{
    if (!o->csv)
        return ERR_OK;
    if (o->json)
        return err_input(e, "--csv and --json: give one of them");
    if ((o->output && strcmp(o->output, "-") == 0) || (o->trace && strcmp(o->trace, "-") == 0))
        return err_input(e, "--csv: standard output already holds %s",
                         o->trace ? "the trace (--trace -)" : "the schedule (-o -)");
    return ERR_OK;
}

/* The CSV of a report: --csv-dir's tables, then --csv's main table on OUT. */
static int emit_csv(const opts_t *o, rep_csv_kind kind, const rep_csv_src *src, FILE *out,
                    err_t *e)
{
    int rc = o->csv_dir ? rep_csv_dir_write(o->csv_dir, kind, src, e) : ERR_OK;
    if (!rc && o->csv && rep_csv_main(out, kind, src))
        rc = report_failed(e);
    return rc;
}

/* --nop NAME as a level; *OUT stays NULL (the platform's) without it. */
static int nop_option(const opts_t *o, const nop_level **out, err_t *e)
{
    *out = NULL;
    if (o->nop && !(*out = nop_level_find(o->nop)))
        return err_input(e, "--nop: '%s' is not a network level (flow, packet)", o->nop);
    return ERR_OK;
}

static int cmd_layers(const opts_t *o, FILE *out, err_t *e)
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
            return err_input(e, "--dataflow: unknown dataflow '%s' (%s)", o->dataflow,
                             plat_dataflow_list());
        if ((rc = need(o->pes ? "" : NULL, "--pes N", e)) ||
            (rc = plat_single((plat_dataflow)df, o->pes, &p, e)))
            return rc;
    } else if ((rc = need(o->chiplet, "--chiplet NAME", e)) || (rc = plat_load(o->platform, &p, e))) {
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
        !(rc = check_output("--csv-dir", o->csv_dir, REP_CSV_LAYERS, &p, NULL, NULL, o->workload,
                            e))) {
        cost_table t;
        rep_csv_src src = {.chip = &p.chiplets[chip], .model = &m, .batch = o->batch, .costs = &t};
        if (cost_model(&p.chiplets[chip], &m, o->batch, &t))
            rc = err_internal(e, "out of memory");
        else if (!(rc = emit_csv(o, REP_CSV_LAYERS, &src, out, e)) && !o->csv &&
                 rep_layers(out, &p.chiplets[chip], &m, o->batch, &t, o->json))
            rc = report_failed(e);
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

static int cmd_eval(const char *cmd, const opts_t *o, FILE *out, err_t *e)
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
    if ((rc = nop_option(o, &eo.nop, e)) ||
        (rc = check_output("--trace", o->trace, -1, &k.p, &k.scn, k.s.path, NULL, e)) ||
        (rc = check_output("--csv-dir", o->csv_dir, kind, &k.p, &k.scn, k.s.path, NULL, e))) {
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
        rc = emit_csv(o, kind, &src, out, e);
    /* --trace - : the trace is standard output, the report stays out of it */
    int report = (!o->trace || strcmp(o->trace, "-") != 0) && !o->csv;
    if (!rc && report &&
        (last - first == 2 ? rep_compare(out, &k.p, &k.scn, &k.s, est, sim, o->json)
                           : rep_result(out, &k.p, &k.scn, &k.s, first ? sim : est, o->json)))
        rc = report_failed(e);
    res_free(est);
    res_free(sim);
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
    return nop_option(o, &so->nop, e);
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
    /* on standard output the file has no place to be relative to */
    char *ref = strcmp(so->path, "-") == 0 ? realpath(so->scn->path, NULL)
                                           : cfg_relative_path(so->path, so->scn->path);
    if (!ref)
        return ERR_INTERNAL;
    int rc = sched_write(fp, so->p, so->scn, so->s, ref);
    free(ref);
    return rc;
}

static int cmd_search(const opts_t *o, FILE *out, err_t *e)
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
    rep_csv_kind kind = base >= 0 ? REP_CSV_RESULT : REP_CSV_SEARCH;
    if ((rc = check_output("-o", o->output, -1, &p, &scn, NULL, NULL, e)) ||
        (rc = check_output("--csv-dir", o->csv_dir, kind, &p, &scn, NULL, NULL, e))) {
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
    }
    if (!rc && o->output && runner_rank(o->ranks) == 0) {
        sched_out so_out = {&p, &scn, &r.best, o->output};
        rc = out_write(o->output, write_sched, &so_out, e);
    }
    rep_csv_src src = {.p = &p, .scn = &scn, .s = &r.best, .r = &r.sim, .search = &r,
                       .objective = so.objective, .seed = so.seed};
    if (!rc)
        rc = emit_csv(o, kind, &src, out, e);
    /* -o - : the schedule is standard output, the report stays out of it */
    int report = (!o->output || strcmp(o->output, "-") != 0) && !o->csv;
    if (!rc && report &&
        (base >= 0 ? rep_baseline(out, &p, &scn, &r.best, &r.sim, o->json)
                   : rep_search(out, &p, &scn, so.objective, so.seed, &r, o->json)))
        rc = report_failed(e);
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

static int cmd_run(const opts_t *o, FILE *out, err_t *e)
{
    search_opts so;
    int rc = search_options(o, &so, e);
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
        !(rc = check_output("--csv-dir", o->csv_dir, REP_CSV_RUN, &het, &scn, mono.path,
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
        if (!(rc = emit_csv(o, REP_CSV_RUN, &src, out, e)) && !o->csv &&
            rep_run(out, rows, 1 + NBASE, ref, so.objective, &sr, &het, &scn, o->json))
            rc = report_failed(e);
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

static int cmd_traffic(const opts_t *o, FILE *out, err_t *e)
{
    int rc;
    if ((rc = need(o->platform, "-p PLATFORM", e)) || (rc = need(o->pattern, "--pattern P", e)))
        return rc;
    trun_opts to = {.pattern = o->pattern,
                    .hotspot = (int)o->hotspot,
                    .seed = o->seed,
                    .packets = o->packets ? o->packets : 1000,
                    .packet_flits = o->packet_flits ? (int)o->packet_flits : 16};
    if ((rc = nop_option(o, &to.level, e)))
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
    if (!(rc = check_output("--csv-dir", o->csv_dir, REP_CSV_TRAFFIC, &p, NULL, NULL, NULL, e)) &&
        !(rc = trun_run(&p, &to, &r, e))) {
        rep_csv_src src = {.p = &p, .traffic = &r, .pattern = o->pattern};
        if (!(rc = emit_csv(o, REP_CSV_TRAFFIC, &src, out, e)) && !o->csv &&
            rep_traffic(out, &p, o->pattern, &r, o->json))
            rc = report_failed(e);
        trun_free(&r);
    }
    plat_free(&p);
    return rc;
}

static int cmd_sweep(const opts_t *o, FILE *out, err_t *e)
{
    if (o->csv || o->csv_dir || o->json)
        return err_input(e, "sweep: its output is CSV already (no --csv, --csv-dir or --json)");
    if (o->output || o->trace || o->baseline)
        return err_input(e, "sweep: -o, --trace and --baseline are one run's; a sweep prints its "
                            "rows on standard output");
    sweep_opts so = {.platform = o->platform, .schedule = o->schedule, .scenario = o->scenario,
                     .run = o->run, .sets = o->sets, .nsets = o->nsets,
                     .eo = {.verbose = o->verbose}};
    int rc = search_options(o, &so.so, e);
    if (!rc)
        rc = nop_option(o, &so.eo.nop, e);
    return rc ? rc : sweep_run(out, &so, e);
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
    int rc = need(o->scenario, "-m SCENARIO", e);
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

static int cmd_serve(const opts_t *o, FILE *out, err_t *e)
{
    srv_opts so = {.bucket = o->bucket ? o->bucket : 1, .eval = {.verbose = o->verbose}};
    search_opts sopts;
    double rate = 0, duration = 0;
    int rc;
    if ((rc = need(o->platform, "-p PLATFORM", e)) ||
        (rc = parse_real_opt("rate", o->rate, &rate, e)) ||
        (rc = parse_real_opt("duration", o->duration, &duration, e)) ||
        (rc = parse_real_opt("slo-ttft", o->slo_ttft, &so.slo_ttft_s, e)) ||
        (rc = parse_real_opt("slo-tpot", o->slo_tpot, &so.slo_tpot_s, e)) ||
        (rc = nop_option(o, &so.eval.nop, e)) || (rc = search_options(o, &sopts, e)))
        return rc;
    if (!o->requests == !(o->rate || o->duration) || (!o->requests && !(o->rate && o->duration)))
        return err_input(e, "give either --requests FILE or --rate R --duration T");
    if (!o->search == !o->schedule)
        return err_input(e, "give either -s SCHEDULE or --search");
    plat_t p;
    scn_t scn;
    sched_t s = {0};
    if ((rc = plat_load(o->platform, &p, e)))
        return rc;
    if ((rc = serve_load(o, &p, &scn, &s, e))) {
        plat_free(&p);
        return rc;
    }
    srv_stream st;
    srv_result r;
    srv_searched sr = {0};
    rc = o->requests ? srv_load_requests(o->requests, &scn, &st, e)
                     : srv_poisson(&scn, rate, duration, (unsigned long)o->seed, &st, e);
    if (!rc)
        rc = o->search ? srv_search(&p, &scn, &sopts, !o->objective, &st, &so, &s, &r, &sr, e)
                       : srv_run(&p, &scn, &s, &st, &so, &r, e);
    if (!rc) {
        if (r.overloaded)
            fprintf(stderr, "mcmsim: warning: arrivals outpace the package: over the second half "
                            "of the arrivals it was busy %.0f%% of the time and the queue grew "
                            "from %ld to %ld requests; it grows without bound with --duration\n",
                    100 * r.busy_second_half, r.queue_mid, r.queue_end);
        if (rep_serve(out, &p, &scn, o->schedule ? o->schedule : "the searched schedule", &s, &st,
                      &so, &r, o->search ? &sr : NULL, o->json))
            rc = report_failed(e);
        srv_result_free(&r);
    }
    srv_searched_free(&sr);
    srv_stream_free(&st);
    sched_free(&s);
    scn_free(&scn);
    plat_free(&p);
    return rc;
}

/* What spreading a search over the ranks cost rank 0 (--verbose): the
   rest of its time is the part every rank does whole. */
static void report_ranks(const runner_ranks *g, double wall_s)
{
    runner_cost c = runner_ranks_cost(g);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru); /* the forked simulations not included */
    double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                 (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    fprintf(stderr,
            "mcmsim: %d ranks (%d on this machine); rank 0: %ld exchanges, %.0f bytes received; "
            "%.3f s wall, %.3f s CPU in all, of which its shares %.3f s wall, %.3f s CPU, "
            "the exchanges %.3f s wall, %.3f s CPU\n",
            runner_nranks(g), runner_local_ranks(g), c.batches, c.bytes_in, wall_s, cpu, c.run_s,
            c.run_cpu_s, c.exchange_s, c.exchange_cpu_s);
}

/* The command CMD's work, its report written to OUT. */
static int dispatch(const char *cmd, const opts_t *o, FILE *out, err_t *e)
{
    /* SimGrid's log is all --verbose shows: a command without the engine has none */
    if (o->verbose && (strcmp(cmd, "layers") == 0 || strcmp(cmd, "estimate") == 0 ||
                       strcmp(cmd, "traffic") == 0))
        return err_input(e, "--verbose: %s runs no SimGrid simulation, so it has no log to show", cmd);
    int rc = csv_options(o, e);
    if (rc)
        return rc;
    if ((o->nsets || o->run) && strcmp(cmd, "sweep") != 0)
        return err_input(e, "--set and --run are sweep's options");
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(o, out, e);
    if (strcmp(cmd, "layers") == 0)
        return cmd_layers(o, out, e);
    if (strcmp(cmd, "search") == 0)
        return cmd_search(o, out, e);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(o, out, e);
    if (strcmp(cmd, "traffic") == 0)
        return cmd_traffic(o, out, e);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(o, out, e);
    return cmd_eval(cmd, o, out, e);
}

int main(int argc, char **argv)
{
    out_init();
    if (argc < 2) {
        usage(stderr, NULL);
        return ERR_INPUT;
    }
    const char *cmd = argv[1];
    int known = strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0;
    for (int i = 0; usage_text[i]; i += 2)
        known |= strcmp(cmd, usage_text[i]) == 0;
    if (!known) {
        fprintf(stderr, "mcmsim: unknown command '%s'\n", cmd);
        usage(stderr, NULL);
        return ERR_INPUT;
    }
    err_t e = {{0}};
    /* under mpirun: `search` is spread over the ranks; any other command
       is rank 0's alone, the others would only repeat it */
    runner_ranks *ranks;
    if (runner_ranks_start(&argc, &argv, &ranks, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return ERR_INTERNAL;
    }
    int rank = runner_rank(ranks);
    if (rank != 0 && strcmp(cmd, "search") != 0) {
        runner_ranks_end(ranks);
        return ERR_OK;
    }
    /* standard output gets the report whole, once it is complete (out.h) */
    out_buf report;
    if (out_buf_open(&report)) {
        fprintf(stderr, "mcmsim: internal error: out of memory\n");
        runner_ranks_end(ranks);
        return ERR_INTERNAL;
    }
    opts_t o;
    memset(&o, 0, sizeof o);
    /* mcmsim --help, or COMMAND --help (parse_opts says -1) */
    int rc = cmd[0] == '-' ? -1 : parse_opts(argc - 1, argv + 1, &o, &e);
    if (rc < 0) {
        usage(report.fp, cmd[0] == '-' ? NULL : cmd);
        rc = ERR_OK;
    } else if (!rc) {
        /* only `search` has the other ranks with it: a search inside another
           command (serve --search, run, a sweep of searches) is rank 0's alone */
        o.ranks = strcmp(cmd, "search") == 0 ? ranks : NULL;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = dispatch(cmd, &o, report.fp, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!rc && rank == 0 && o.verbose && runner_nranks(ranks) > 1)
            report_ranks(ranks, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    }
    opts_free(&o);
    if (!rc && rank == 0)
        rc = out_buf_flush(&report, &e);
    else
        out_buf_discard(&report);
    if (!rc)
        rc = out_stdout_close(&e);
    /* every rank has the same error: rank 0 says it */
    if (rc && rank == 0)
        fprintf(stderr, "%s\n", e.msg);
    runner_ranks_end(ranks);
    return rc;
}
