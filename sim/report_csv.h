/* report_csv.h - mcmsim's tables as CSV (--csv, --csv-dir, and sweep's rows).
 *
 * Each command's report is a set of named tables (README "CSV output"): one
 * CSV each, a header row first, column names carrying their units (_s, _j,
 * _per_s, bytes, utilization as a fraction), figures exact (csv.h), and the
 * same columns whatever the evaluator, empty where it has no such figure. The
 * first table of a command is its main one, the one --csv prints; its
 * summary is one row, which is what a sweep prints per point. */
#ifndef MCM_REPORT_CSV_H
#define MCM_REPORT_CSV_H

#include "csv.h"
#include "report.h"

typedef enum {
    REP_CSV_LAYERS,   /* layers */
    REP_CSV_RESULT,   /* estimate, simulate, search --baseline */
    REP_CSV_COMPARE,
    REP_CSV_SEARCH,
    REP_CSV_RUN,
    REP_CSV_TRAFFIC,
    REP_CSV_SERVE
} rep_csv_kind;

/* What a report is made of; each kind reads its own fields. */
typedef struct {
    const plat_t *p;
    const scn_t *scn;
    const sched_t *s;                  /* RESULT, COMPARE, SEARCH: the schedule shown */
    const res_result *r;               /* RESULT, SEARCH: the result shown */
    const res_result *est, *sim;       /* COMPARE */
    const search_result *search;       /* SEARCH */
    search_objective objective;        /* SEARCH, RUN */
    unsigned long seed;                /* SEARCH */
    const rep_run_row *rows;           /* RUN */
    int nrows;
    const trun_result *traffic;        /* TRAFFIC */
    const char *pattern;
    const srv_stream *stream;          /* SERVE: the requests, how they were served, */
    const srv_result *served;          /* the options, and with --search the candidates */
    const srv_opts *serve_opts;        /* (NULL without) */
    const srv_searched *searched;
    const plat_chiplet *chip;          /* LAYERS */
    const wl_model *model;
    long batch;
    const cost_table *costs;
} rep_csv_src;

/* --csv: the main table of KIND on OUT. */
int rep_csv_main(FILE *out, rep_csv_kind kind, const rep_csv_src *src);

/* --csv-dir DIR, before any work: DIR is a directory whose table files
   (DIR/NAME.csv for each table of KIND) can be written and are none of the
   NINPUTS INPUTS (out_check), or does not exist and can be created. */
int rep_csv_dir_check(const char *dir, rep_csv_kind kind, const char *const *inputs, int ninputs,
                      err_t *e);

/* --csv-dir DIR: every table of KIND, each to DIR/NAME.csv through out_write
   (DIR is created when missing). */
int rep_csv_dir_write(const char *dir, rep_csv_kind kind, const rep_csv_src *src, err_t *e);

/* The columns of KIND's summary, and the fields of one summary row, on C's
   current line (sweep adds its own before them and ends the line). KIND is
   RESULT, COMPARE or SEARCH. */
void rep_csv_summary_head(csv_t *c, rep_csv_kind kind);
void rep_csv_summary_row(csv_t *c, rep_csv_kind kind, const rep_csv_src *src);

#endif
