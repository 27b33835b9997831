/* sweep.h - `mcmsim sweep`: one command run at every point of the cartesian
 * product of values given to platform and scenario keys (README "Sweeps").
 *
 * A --set is KEY[+KEY...]=V1,V2,...: at each point every KEY of it holds the
 * same one of its values. KEY is a platform's [package] key (link_bandwidth),
 * or SECTION.KEY: a section of the platform (nop.vcs, defaults.l2, chiplet
 * n00.pes or n00.pes, dram dram-left.bandwidth or dram-left.bandwidth) or a
 * model of the scenario (model gpt2.batch or gpt2.batch). The values replace
 * the file's as cfg_apply does, so every value is read and checked by the
 * loader that reads the file. Every point is loaded before anything runs: a
 * bad key or value is an input error naming the point, and nothing is
 * written. The output is one CSV (report_csv.h): a header, then a row per
 * point in the order of the product (the first --set varies slowest): the
 * swept values as given, then the summary columns of the command run there.
 * The rows do not depend on the number of workers. */
#ifndef MCM_SWEEP_H
#define MCM_SWEEP_H

#include <stdio.h>
#include "search.h"

/* The most points a sweep may have: each is an input loaded twice and a run. */
#define SWEEP_POINTS_MAX 100000L

typedef struct {
    const char *platform;
    const char *schedule;        /* compare, simulate, estimate */
    const char *scenario;        /* search */
    const char *run;             /* NULL: compare with a schedule, search with a scenario */
    const char *const *sets;     /* the --set texts */
    int nsets;
    eval_opts eo;                /* of compare, simulate and estimate */
    search_opts so;              /* of search; its jobs are the workers of every run */
} sweep_opts;

int sweep_run(FILE *out, const sweep_opts *o, err_t *e);

#endif
