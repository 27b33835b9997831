/* report.h - every byte mcmsim prints about a result.
 *
 * Humans get aligned tables; scripts get one JSON document (jansson) whose
 * field names carry their units (the README's contract). Traces are Chrome
 * trace-event JSON for Perfetto. Nothing here computes a figure the
 * evaluators did not produce, except ratios and differences between them. */
#ifndef MCM_REPORT_H
#define MCM_REPORT_H

#include <stdio.h>
#include <jansson.h>
#include "cost.h"
#include "result.h"
#include "search.h"
#include "serve.h"
#include "traffic_run.h"

/* `layers`: every layer of M on chiplet C at BATCH, priced in T. */
int rep_layers(FILE *out, const plat_chiplet *c, const wl_model *m, long batch,
               const cost_table *t, int json);

/* `estimate` / `simulate`. */
int rep_result(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
               const res_result *r, int json);

/* `compare`: EST and SIM side by side with relative errors and their causes. */
int rep_compare(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
                const res_result *est, const res_result *sim, int json);

/* `search`: the validated candidates, the Pareto front, the chosen schedule
   and its simulation. */
int rep_search(FILE *out, const plat_t *p, const scn_t *scn, search_objective objective,
               unsigned long seed, const search_result *r, int json);

/* `search --baseline`: the baseline's simulated result, as rep_result prints
   it; its JSON adds the baseline's schedule as `schedule` (as rep_search's). */
int rep_baseline(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s, const res_result *r,
                 int json);

/* A row of `run`'s table: its NAME and simulated result R; for a monolithic
   chip, AGAINST is the short label of the ratio line that sets the searched
   schedule against it (NULL for the package's own schedules). */
typedef struct {
    const char *name;
    const char *against;
    const res_result *r;
} rep_run_row;

/* `run`: the N ROWS, the first being the searched schedule (SR's), a ratio
   line against every row with AGAINST as the seed paper compares them, and
   the searched schedule on package PKG. The JSON's top-level ratios are
   against row REF, the seed paper's own baseline (they predate the other
   readings). */
int rep_run(FILE *out, const rep_run_row *rows, int n, int ref, search_objective objective,
            const search_result *sr, const plat_t *pkg, const scn_t *scn, int json);

/* `traffic`: a pattern's drain time, sources and links (PATTERN as given). */
int rep_traffic(FILE *out, const plat_t *p, const char *pattern, const trun_result *r, int json);

/* `serve`: the summary of R, each model's KV-cache bytes per token, the
   figures of each request of ST (served under schedule S, SCHED its name),
   and with --search (SR, else NULL) the candidates served. */
int rep_serve(FILE *out, const plat_t *p, const scn_t *scn, const char *sched, const sched_t *s,
              const srv_stream *st, const srv_opts *o, const srv_result *r,
              const srv_searched *sr, int json);
/* Writes the Chrome trace of a simulated result to PATH (out.h: "-" is
   standard output; a regular file is replaced whole or not at all). */
int rep_trace(const char *path, const plat_t *p, const res_result *r, err_t *e);

/* The result of schedule S as a JSON object (new reference), for documents
   built elsewhere. */
json_t *rep_result_json(const plat_t *p, const scn_t *scn, const sched_t *s, const res_result *r);

/* A count (MACs, bytes, parameters, flits) as a JSON integer, exact, when V
   is a whole number a double holds exactly; otherwise a real. */
json_t *rep_count_json(double v);

/* Prints J (stealing the reference) followed by a newline. */
int rep_print_json(FILE *out, json_t *j);
/* "mesh", "dram", "inject" or "eject": a link's `kind` in JSON. */
const char *rep_link_kind(const plat_link *l);

#endif
