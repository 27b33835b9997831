/* cli.h - what the command line's files share (main.c parses the options,
 * cli.c and cli_search.c run the commands): the parsed options, and the
 * checks every command makes the same way. Each cli_COMMAND loads its
 * inputs, runs, and writes its report to OUT; it returns an err.h status
 * with the message in E, and writes nothing but OUT (and the files its
 * options name, whole or not at all) on any error. */
#ifndef MCM_CLI_H
#define MCM_CLI_H

#include <stdio.h>
#include "report_csv.h"
#include "runner.h"
#include "search.h"

typedef struct {
    const char *platform, *schedule, *workload, *scenario, *trace, *output, *objective;
    const char *dataflow, *chiplet, *baseline, *strategy, *nop, *pattern, *objectives;
    const char *csv_dir, *run;
    const char *requests, *rate, *duration, *slo_ttft, *slo_tpot;
    long pes, batch, validate, jobs, seed, steps, packets, packet_flits, hotspot, bucket;
    long population, generations, sim_budget;
    int json, verbose, csv, search, disaggregate;
    const char **sets;      /* sweep's --set texts (malloc'd; opts_free) */
    int nsets;
    runner_ranks *ranks;    /* the MPI ranks `search` is spread over (runner.h); set by main */
} opts_t;

/* "missing WHAT" unless VAL is given. */
int cli_need(const char *val, const char *what, err_t *e);

/* A report that could not be built (it goes to memory first: out.h). */
int cli_report_failed(err_t *e);

/* Before any work: output OPT PATH (when given) is not one of the files the
   command read (P's, SCHED's, SCN's and its models', WORKLOAD), nor a
   directory, and can be created; for --csv-dir (CSV >= 0, the tables' kind),
   PATH is a directory whose table files are so. */
int cli_check_output(const char *opt, const char *path, int csv, const plat_t *p, const scn_t *scn,
                     const char *sched, const char *workload, err_t *e);

/* The CSV of a report: --csv-dir's tables, then --csv's main table on OUT. */
int cli_emit_csv(const opts_t *o, rep_csv_kind kind, const rep_csv_src *src, FILE *out, err_t *e);

/* --nop NAME as a level; *OUT stays NULL (the platform's) without it. */
int cli_nop_option(const opts_t *o, const nop_level **out, err_t *e);

/* The search's options from the command line's (search_defaults otherwise). */
int cli_search_options(const opts_t *o, search_opts *so, err_t *e);

/* cli.c */
int cli_layers(const opts_t *o, FILE *out, err_t *e);
int cli_eval(const char *cmd, const opts_t *o, FILE *out, err_t *e); /* estimate, simulate, compare */
int cli_traffic(const opts_t *o, FILE *out, err_t *e);
int cli_sweep(const opts_t *o, FILE *out, err_t *e);
/* cli_search.c */
int cli_search(const opts_t *o, FILE *out, err_t *e);
int cli_run(const opts_t *o, FILE *out, err_t *e);
int cli_serve(const opts_t *o, FILE *out, err_t *e);

#endif
