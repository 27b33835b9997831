/* main.c - the mcmsim command line (README "Command line").
 *
 * Parses options and hands them to the command (cli.c, cli_search.c), which
 * loads its inputs, calls one evaluator or the search, and hands the result
 * to report; starts and ends the MPI ranks. Exit status: 0 done, 2 bad input (one
 * "FILE:LINE: message" line on stderr, nothing written), 1 internal failure. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "num.h"
#include "out.h"
#include "report.h"
#include "runner.h"

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
    "equivalent (README \"The one-chip equivalent\").\n" VERBOSE_HELP
    "With --verbose a search also says where its time went, in a last line on stderr: setup\n"
    "and strategy (the estimates, on how many threads, and their rate), validation, in all.\n",
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
    "usage: mcmsim serve -p PLATFORM -m SCENARIO (-s SCHEDULE | --search [--disaggregate])\n"
    "                    (--requests FILE | --rate R --duration T) [--seed S]\n"
    "                    [--slo-ttft S] [--slo-tpot S] [--bucket N] [--nop flow|packet] [--json]\n"
    "Serves a stream of requests with continuous batching: every iteration runs the prefill\n"
    "of newly admitted requests and one decode step of each running GPT-2 request under the\n"
    "schedule, simulated; prints time to first token, time per output token, throughput,\n"
    "energy per token and SLO attainment. --requests: a CSV of\n"
    "arrival_s,model,prompt_tokens,output_tokens; --rate/--duration: Poisson arrivals drawn\n"
    "from the scenario's prompt_tokens/output_tokens (--seed, default 1). --search: search's\n"
    "winner under each objective (or --objective's only), each served, the one with the most\n"
    "requests within the SLOs, then the most tokens/s, kept; --disaggregate: each winner also\n"
    "with its decode on the chiplets it leaves idle. A schedule's [decode] section serves\n"
    "disaggregated: prefill and decode pipelines at once, the KV cache shipped between.\n"
    "--bucket: prompt and KV lengths\n"
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
        {"disaggregate", no_argument, 0, 'z'},
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
        case 'z': o->disaggregate = 1; break;
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
        return cli_sweep(o, out, e);
    if (strcmp(cmd, "layers") == 0)
        return cli_layers(o, out, e);
    if (strcmp(cmd, "search") == 0)
        return cli_search(o, out, e);
    if (strcmp(cmd, "run") == 0)
        return cli_run(o, out, e);
    if (strcmp(cmd, "traffic") == 0)
        return cli_traffic(o, out, e);
    if (strcmp(cmd, "serve") == 0)
        return cli_serve(o, out, e);
    return cli_eval(cmd, o, out, e);
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
