/* report_int.h - what the report files (sim/report*.c) share, private to
 * them: figures derived from results the same way in every format. */
#ifndef MCM_REPORT_INT_H
#define MCM_REPORT_INT_H

#include "report.h"

/* A layer's dimensions as the layers table shows them ("k64 c3 r7 ..."). */
void rep_layer_dims(const wl_layer *l, char *buf, size_t n);

/* "FIRST..LAST", the layers of segment RS (one name when they are one). */
const char *rep_seg_layers(const scn_t *scn, const res_seg *rs, char *buf, size_t n);

/* Link indices with traffic into IDX (room for r->nlinks), busiest first,
   ties by index (a stable listing); their count. */
int rep_busy_links(const res_result *r, int *idx);

/* Schedule S as the text -o writes, as a JSON string (NULL when it cannot
   be made); the scenario's path as given, not relative to a file. */
json_t *rep_schedule_json(const plat_t *p, const scn_t *scn, const sched_t *s);

/* (EST - SIM) / SIM, 0 when SIM is 0. */
double rep_rel_err(double est, double sim);

/* Why segment I's simulated latency differs from its estimate, from what the
   simulation measured: a shared chiplet, a waiting on weights through a DRAM
   channel, or the busiest link on its input routes ("-": no gap). */
void rep_gap_cause(const plat_t *p, const res_result *est, const res_result *sim, int i,
                   char *buf, size_t n);

/* Samples per joule of a result: every sample of every model over its energy. */
double rep_samples_per_j(const res_result *r);

/* The searched schedule HET against a monolithic chip MONO, as the seed paper
   puts it: throughput and samples per joule as ratios, and EDP as a gain. */
typedef struct {
    double thr, eff, edp;
} rep_run_ratio;

rep_run_ratio rep_run_ratio_of(const res_result *het, const res_result *mono);

#endif
