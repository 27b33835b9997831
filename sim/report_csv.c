/* report_csv.c - every table of every command as CSV; see report_csv.h.
 *
 * A table is a name and a writer; a command's tables are a list, its main
 * one first. Links are listed whole, in the platform's order (the text
 * tables show only the busy ones, busiest first): a script joins them by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "out.h"
#include "report_csv.h"
#include "report_int.h"

#define NCOLS(a) (int)(sizeof(a) / sizeof(a)[0])

static void head(csv_t *c, const char *const *names, int n)
{
    csv_names(c, names, n);
    csv_end(c);
}

/* The index of the busiest link with traffic (the first of rep_busy_links's
   order), -1 when no link carries any. */
static int busiest_link(const res_result *r)
{
    int best = -1;
    for (int l = 0; l < r->nlinks; l++)
        if (r->links[l].bytes > 0 && (best < 0 || r->links[l].utilization > r->links[best].utilization))
            best = l;
    return best;
}

/* The busiest link's name and utilization (and peak flows when simulated);
   empty fields when no link has traffic. */
static void busiest_fields(csv_t *c, const plat_t *p, const res_result *r, int peak)
{
    int l = busiest_link(r);
    if (l < 0) {
        csv_none(c);
        csv_none(c);
    } else {
        csv_str(c, p->links[l].name);
        csv_real(c, r->links[l].utilization);
    }
    if (!peak)
        return;
    if (l >= 0 && r->simulated)
        csv_int(c, r->links[l].peak_flows);
    else
        csv_none(c);
}

/* A figure only a simulation has: empty in an estimate. */
static void sim_real(csv_t *c, const res_result *r, double v)
{
    if (r->simulated)
        csv_real(c, v);
    else
        csv_none(c);
}

/* ---- one result: estimate, simulate, a search's chosen schedule ---- */

static const char *const result_summary_cols[] = {
    "evaluator", "nop", "platform", "makespan_s", "throughput_per_s", "energy_j", "mac_j", "l1_j",
    "l2_j", "nop_j", "dram_j", "static_j", "edp_js", "busiest_link", "busiest_link_utilization",
    "busiest_link_peak_flows"};

static void result_summary_row(csv_t *c, const rep_csv_src *s)
{
    const res_result *r = s->r;
    csv_str(c, r->simulated ? "simulate" : "estimate");
    if (r->simulated)
        csv_str(c, r->nop);
    else
        csv_none(c);
    csv_str(c, s->p->name);
    double v[] = {r->makespan_s, r->throughput_per_s, r->energy_j, r->e_mac_j, r->e_l1_j, r->e_l2_j,
                  r->e_nop_j, r->e_dram_j, r->e_static_j, r->edp_js};
    for (int i = 0; i < NCOLS(v); i++)
        csv_real(c, v[i]);
    busiest_fields(c, s->p, r, 1);
}

static int t_result_summary(csv_t *c, const rep_csv_src *s)
{
    head(c, result_summary_cols, NCOLS(result_summary_cols));
    result_summary_row(c, s);
    csv_end(c);
    return ERR_OK;
}

static int t_models(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"model", "batch", "latency_s", "throughput_per_s"};
    head(c, cols, NCOLS(cols));
    for (int m = 0; m < s->r->nmodels; m++) {
        const res_model *rm = &s->r->models[m];
        csv_str(c, rm->name);
        csv_int(c, rm->batch);
        csv_real(c, rm->latency_s);
        csv_real(c, rm->throughput_per_s);
        csv_end(c);
    }
    return ERR_OK;
}

/* The fields that place segment RS: window, model, layers, chiplet. */
static void seg_place(csv_t *c, const rep_csv_src *s, const res_seg *rs)
{
    char buf[128];
    csv_int(c, rs->window + 1);
    csv_str(c, s->scn->models[rs->model].name);
    csv_str(c, rep_seg_layers(s->scn, rs, buf, sizeof buf));
    csv_str(c, s->p->chiplets[rs->chiplet].name);
}

static int t_segments(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {
        "window", "model", "layers", "chiplet", "minibatch", "compute_s", "in_comm_s", "out_comm_s",
        "weight_s", "latency_s", "weight_bytes", "weights_streamed", "wait_input_s", "wait_weight_s"};
    head(c, cols, NCOLS(cols));
    const res_result *r = s->r;
    for (int i = 0; i < r->nsegs; i++) {
        const res_seg *rs = &r->segs[i];
        seg_place(c, s, rs);
        csv_int(c, s->s->windows[rs->window].parts[rs->part].minibatch);
        double v[] = {rs->compute_s, rs->in_comm_s, rs->out_comm_s, rs->weight_s, rs->latency_s,
                      rs->weight_bytes};
        for (int k = 0; k < NCOLS(v); k++)
            csv_real(c, v[k]);
        csv_int(c, rs->weights_streamed);
        sim_real(c, r, rs->wait_input_s);
        sim_real(c, r, rs->wait_weight_s);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_windows(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"window", "duration_s"};
    head(c, cols, NCOLS(cols));
    for (int w = 0; w < s->r->nwindows; w++) {
        csv_int(c, w + 1);
        csv_real(c, s->r->window_s[w]);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_chiplets(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"chiplet",  "dataflow",     "busy_s",       "utilization",
                                       "energy_j", "wait_input_s", "wait_weight_s"};
    head(c, cols, NCOLS(cols));
    const res_result *r = s->r;
    for (int i = 0; i < r->nchiplets; i++) {
        const res_chiplet *rc = &r->chiplets[i];
        csv_str(c, s->p->chiplets[i].name);
        csv_str(c, plat_dataflow_name(s->p->chiplets[i].dataflow));
        csv_real(c, rc->busy_s);
        csv_real(c, rc->utilization);
        csv_real(c, rc->energy_j);
        sim_real(c, r, rc->wait_input_s);
        sim_real(c, r, rc->wait_weight_s);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_links(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"link", "kind", "bytes", "busy_s", "utilization",
                                       "peak_flows"};
    head(c, cols, NCOLS(cols));
    const res_result *r = s->r;
    for (int l = 0; l < r->nlinks; l++) {
        csv_str(c, s->p->links[l].name);
        csv_str(c, rep_link_kind(&s->p->links[l]));
        csv_real(c, r->links[l].bytes);
        csv_real(c, r->links[l].busy_s);
        csv_real(c, r->links[l].utilization);
        if (r->simulated)
            csv_int(c, r->links[l].peak_flows);
        else
            csv_none(c);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- compare ---- */

/* The estimate, the simulated figure and the relative error. */
static void pair(csv_t *c, double est, double sim)
{
    csv_real(c, est);
    csv_real(c, sim);
    csv_real(c, rep_rel_err(est, sim));
}

static const char *const compare_summary_cols[] = {
    "nop", "platform", "est_makespan_s", "sim_makespan_s", "makespan_error", "est_throughput_per_s",
    "sim_throughput_per_s", "throughput_error", "est_energy_j", "sim_energy_j", "energy_error",
    "est_static_j", "sim_static_j", "static_error", "est_edp_js", "sim_edp_js", "edp_error",
    "sim_busiest_link", "sim_busiest_link_utilization", "sim_busiest_link_peak_flows"};

static void compare_summary_row(csv_t *c, const rep_csv_src *s)
{
    const res_result *est = s->est, *sim = s->sim;
    csv_str(c, sim->nop);
    csv_str(c, s->p->name);
    pair(c, est->makespan_s, sim->makespan_s);
    pair(c, est->throughput_per_s, sim->throughput_per_s);
    pair(c, est->energy_j, sim->energy_j);
    pair(c, est->e_static_j, sim->e_static_j);
    pair(c, est->edp_js, sim->edp_js);
    busiest_fields(c, s->p, sim, 1);
}

static int t_compare_summary(csv_t *c, const rep_csv_src *s)
{
    head(c, compare_summary_cols, NCOLS(compare_summary_cols));
    compare_summary_row(c, s);
    csv_end(c);
    return ERR_OK;
}

static int t_compare_models(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"model", "est_latency_s", "sim_latency_s", "error"};
    head(c, cols, NCOLS(cols));
    for (int m = 0; m < s->est->nmodels; m++) {
        csv_str(c, s->est->models[m].name);
        pair(c, s->est->models[m].latency_s, s->sim->models[m].latency_s);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_compare_windows(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"window", "est_duration_s", "sim_duration_s", "error"};
    head(c, cols, NCOLS(cols));
    for (int w = 0; w < s->est->nwindows; w++) {
        csv_int(c, w + 1);
        pair(c, s->est->window_s[w], s->sim->window_s[w]);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_compare_segments(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"window",        "model",         "layers", "chiplet",
                                       "est_latency_s", "sim_latency_s", "error",  "cause"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->est->nsegs; i++) {
        char cause[160];
        rep_gap_cause(s->p, s->est, s->sim, i, cause, sizeof cause);
        seg_place(c, s, &s->est->segs[i]);
        pair(c, s->est->segs[i].latency_s, s->sim->segs[i].latency_s);
        csv_str(c, cause);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_compare_links(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"link",           "kind",           "bytes",
                                       "est_busy_s",     "sim_busy_s",     "est_utilization",
                                       "sim_utilization", "sim_peak_flows"};
    head(c, cols, NCOLS(cols));
    for (int l = 0; l < s->sim->nlinks; l++) {
        const res_link *el = &s->est->links[l], *sl = &s->sim->links[l];
        csv_str(c, s->p->links[l].name);
        csv_str(c, rep_link_kind(&s->p->links[l]));
        csv_real(c, sl->bytes);
        csv_real(c, el->busy_s);
        csv_real(c, sl->busy_s);
        csv_real(c, el->utilization);
        csv_real(c, sl->utilization);
        csv_int(c, sl->peak_flows);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- search ---- */

static const char *const search_summary_cols[] = {
    "objective", "seed", "strategy", "nop", "space_schedules", "allocations", "estimated",
    "simulated", "rank_agreement_kendall_tau", "est_makespan_s", "est_energy_j", "est_edp_js",
    "sim_makespan_s", "sim_throughput_per_s", "sim_energy_j", "sim_edp_js", "sim_busiest_link",
    "sim_busiest_link_utilization"};

static void search_summary_row(csv_t *c, const rep_csv_src *s)
{
    const search_result *r = s->search;
    csv_str(c, search_objective_name(s->objective));
    csv_int(c, (long long)s->seed);
    csv_str(c, r->strategy);
    csv_str(c, r->sim.nop);
    csv_real(c, r->space);
    csv_int(c, r->allocations);
    csv_int(c, r->estimated);
    csv_int(c, r->simulated);
    csv_real(c, r->rank_agreement);
    double v[] = {r->est.makespan_s, r->est.energy_j, r->est.edp_js, r->sim.makespan_s,
                  r->sim.throughput_per_s, r->sim.energy_j, r->sim.edp_js};
    for (int i = 0; i < NCOLS(v); i++)
        csv_real(c, v[i]);
    busiest_fields(c, s->p, &r->sim, 0);
}

static int t_search_summary(csv_t *c, const rep_csv_src *s)
{
    head(c, search_summary_cols, NCOLS(search_summary_cols));
    search_summary_row(c, s);
    csv_end(c);
    return ERR_OK;
}

static void point_fields(csv_t *c, const search_point *pt)
{
    csv_real(c, pt->makespan_s);
    csv_real(c, pt->energy_j);
    csv_real(c, pt->latency_s);
}

static int t_validated(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {
        "candidate",      "est_makespan_s", "est_energy_j",       "est_mean_latency_s",
        "sim_makespan_s", "sim_energy_j",   "sim_mean_latency_s", "error"};
    head(c, cols, NCOLS(cols));
    const search_result *r = s->search;
    for (int i = 0; i < r->nvalid; i++) {
        csv_int(c, i + 1);
        point_fields(c, &r->val_est[i]);
        if (r->val_ok[i]) {
            point_fields(c, &r->val_sim[i]);
            csv_none(c);
        } else {
            for (int k = 0; k < 3; k++)
                csv_none(c);
            csv_str(c, r->val_err ? r->val_err[i].msg : "failed");
        }
        csv_end(c);
    }
    return ERR_OK;
}

static int t_pareto(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"point", "makespan_s", "energy_j", "mean_latency_s"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->search->npareto; i++) {
        csv_int(c, i + 1);
        point_fields(c, &s->search->pareto[i]);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- run ---- */

static int t_run_rows(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"schedule", "throughput_per_s", "makespan_s",
                                       "energy_j", "samples_per_j",    "edp_js"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->nrows; i++) {
        const res_result *r = s->rows[i].r;
        csv_str(c, s->rows[i].name);
        csv_real(c, r->throughput_per_s);
        csv_real(c, r->makespan_s);
        csv_real(c, r->energy_j);
        csv_real(c, rep_samples_per_j(r));
        csv_real(c, r->makespan_s * r->energy_j);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_run_ratios(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"against", "throughput_ratio", "energy_efficiency_ratio",
                                       "edp_improvement"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->nrows; i++) {
        if (!s->rows[i].against)
            continue;
        rep_run_ratio q = rep_run_ratio_of(s->rows[0].r, s->rows[i].r);
        csv_str(c, s->rows[i].against);
        csv_real(c, q.thr);
        csv_real(c, q.eff);
        csv_real(c, q.edp);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- traffic ---- */

static int t_traffic_summary(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {
        "platform",   "pattern", "nop",     "nodes",       "packets",        "packet_flits",
        "flit_bytes", "cycle_s", "drain_s", "drain_cycles", "mean_latency_s", "mean_hops"};
    head(c, cols, NCOLS(cols));
    const trun_result *r = s->traffic;
    csv_str(c, s->p->name);
    csv_str(c, s->pattern);
    csv_str(c, r->level->name);
    csv_int(c, r->nnodes);
    csv_int(c, r->packets);
    csv_int(c, r->packet_flits);
    csv_real(c, r->flit_bytes);
    csv_real(c, r->cycle_s);
    csv_real(c, r->drain_s);
    csv_real(c, r->drain_s / r->cycle_s);
    /* the flow level has no packets, so no packet latency (as in the JSON) */
    if (r->mean_latency_s > 0) {
        csv_real(c, r->mean_latency_s);
        csv_real(c, r->mean_hops);
    } else {
        csv_none(c);
        csv_none(c);
    }
    csv_end(c);
    return ERR_OK;
}

static int t_traffic_sources(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"node", "name", "finish_s", "finish_cycles"};
    head(c, cols, NCOLS(cols));
    const trun_result *r = s->traffic;
    for (int i = 0; i < r->nnodes; i++) {
        csv_int(c, i);
        csv_str(c, r->node_names[i]);
        csv_real(c, r->finish_s[i]);
        csv_real(c, r->finish_s[i] / r->cycle_s);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_traffic_links(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"link", "kind", "bytes", "busy_s", "utilization"};
    head(c, cols, NCOLS(cols));
    const trun_result *r = s->traffic;
    for (int l = 0; l < r->nlinks; l++) {
        csv_str(c, r->links[l].name);
        csv_str(c, r->links[l].kind);
        csv_real(c, r->links[l].bytes);
        csv_real(c, r->links[l].busy_s);
        csv_real(c, r->links[l].utilization);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- serve ---- */

/* A figure that may be absent (-1: no TPOT, no target): empty when it is. */
static void maybe_real(csv_t *c, double v)
{
    if (v < 0)
        csv_none(c);
    else
        csv_real(c, v);
}

static int t_serve_summary(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {
        "platform",      "schedule",         "nrequests",        "rate_per_s",   "iterations",
        "evaluated_iterations", "ttft_p50_s", "ttft_p99_s",      "tpot_p50_s",   "tpot_p99_s",
        "tokens",        "tokens_per_s",     "requests_per_s",   "energy_j",     "energy_per_token_j",
        "busy_s",        "span_s",           "slo_ttft_s",       "slo_ttft_attainment",
        "slo_tpot_s",    "slo_tpot_attainment", "slo_attainment", "overloaded",  "max_queue",
        "disaggregated", "decode_busy_s",    "kv_shipped_bytes", "kv_ship_mean_s", "kv_ship_max_s"};
    head(c, cols, NCOLS(cols));
    const srv_result *r = s->served;
    const srv_opts *o = s->serve_opts;
    csv_str(c, s->p->name);
    csv_str(c, s->s && s->s->path ? s->s->path : "searched");
    csv_int(c, s->stream->n);
    maybe_real(c, s->stream->rate_per_s > 0 ? s->stream->rate_per_s : -1);
    csv_int(c, r->iterations);
    csv_int(c, r->evaluated);
    csv_real(c, r->ttft_p50_s);
    csv_real(c, r->ttft_p99_s);
    maybe_real(c, r->tpot_p50_s);
    maybe_real(c, r->tpot_p99_s);
    csv_real(c, r->tokens);
    csv_real(c, r->tokens_per_s);
    csv_real(c, r->requests_per_s);
    csv_real(c, r->energy_j);
    csv_real(c, r->energy_per_token_j);
    csv_real(c, r->busy_s);
    csv_real(c, r->span_s);
    maybe_real(c, o->slo_ttft_s > 0 ? o->slo_ttft_s : -1);
    maybe_real(c, r->slo_ttft_attainment);
    maybe_real(c, o->slo_tpot_s > 0 ? o->slo_tpot_s : -1);
    maybe_real(c, r->slo_tpot_attainment);
    maybe_real(c, r->slo_attainment);
    csv_int(c, r->overloaded);
    csv_int(c, r->max_queue);
    csv_int(c, r->disaggregated);
    maybe_real(c, r->disaggregated ? r->decode_busy_s : -1);
    csv_real(c, r->kv_shipped_bytes);
    maybe_real(c, r->disaggregated ? r->kv_ship_mean_s : -1);
    maybe_real(c, r->disaggregated ? r->kv_ship_max_s : -1);
    csv_end(c);
    return ERR_OK;
}

static int t_serve_requests(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"request", "arrival_s", "model",  "prompt_tokens",
                                       "output_tokens", "queue_s", "ttft_s", "tpot_s", "e2e_s",
                                       "kv_shipped_bytes", "kv_ship_s"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->stream->n; i++) {
        const srv_request *q = &s->stream->req[i];
        const srv_outcome *u = &s->served->out[i];
        csv_int(c, i + 1);
        csv_real(c, q->arrival_s);
        csv_str(c, s->scn->models[q->model].name);
        csv_int(c, q->prompt);
        csv_int(c, q->output);
        csv_real(c, u->queue_s);
        csv_real(c, u->ttft_s);
        maybe_real(c, u->tpot_s);
        csv_real(c, u->e2e_s);
        csv_real(c, u->kv_shipped_bytes);
        maybe_real(c, s->served->disaggregated ? u->kv_ship_s : -1);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_serve_models(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"model", "llm", "batch", "kv_bytes_per_token"};
    head(c, cols, NCOLS(cols));
    for (int m = 0; m < s->scn->nmodels; m++) {
        csv_str(c, s->scn->models[m].name);
        csv_int(c, s->scn->models[m].llm);
        csv_int(c, s->scn->models[m].batch);
        csv_real(c, s->served->kv_bytes_per_token[m]);
        csv_end(c);
    }
    return ERR_OK;
}

/* --search's candidates, one per objective (no rows without --search). */
static int t_serve_candidates(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"objective", "chosen", "tokens_per_s", "slo_attainment",
                                       "ttft_p99_s", "tpot_p99_s", "energy_per_token_j",
                                       "overloaded", "disaggregated"};
    head(c, cols, NCOLS(cols));
    const srv_searched *sr = s->searched;
    for (int i = 0; sr && i < sr->n; i++) {
        const srv_candidate *x = &sr->cand[i];
        csv_str(c, search_objective_name(x->objective));
        csv_int(c, i == sr->chosen);
        csv_real(c, x->tokens_per_s);
        maybe_real(c, x->slo_attainment);
        csv_real(c, x->ttft_p99_s);
        maybe_real(c, x->tpot_p99_s);
        csv_real(c, x->energy_per_token_j);
        csv_int(c, x->overloaded);
        csv_int(c, x->disaggregated);
        csv_end(c);
    }
    return ERR_OK;
}

/* ---- layers ---- */

static int t_layers(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {"layer",       "kind",   "dims",        "macs",
                                       "compute_cycles", "cycles", "utilization", "utilization_pe",
                                       "weight_bytes", "energy_pj"};
    head(c, cols, NCOLS(cols));
    for (int i = 0; i < s->model->nlayers; i++) {
        const wl_layer *l = &s->model->layers[i];
        const cost_t *ct = &s->costs->layers[i];
        char dims[64];
        rep_layer_dims(l, dims, sizeof dims);
        csv_str(c, l->name);
        csv_str(c, wl_layer_kind(l));
        csv_str(c, dims);
        double v[] = {ct->macs, ct->compute_cycles, ct->cycles, ct->utilization,
                      ct->utilization_pe, l->weight_bytes, ct->energy_pj};
        for (int k = 0; k < NCOLS(v); k++)
            csv_real(c, v[k]);
        csv_end(c);
    }
    return ERR_OK;
}

static int t_layers_summary(csv_t *c, const rep_csv_src *s)
{
    static const char *const cols[] = {
        "model",  "chiplet", "dataflow",       "pes",    "clock_hz",  "batch",
        "layers", "macs",    "params",         "compute_cycles", "cycles", "time_s",
        "energy_pj", "utilization", "utilization_pe"};
    head(c, cols, NCOLS(cols));
    const cost_t *t = &s->costs->total;
    const plat_chiplet *ch = s->chip;
    double pes = (double)ch->pes;
    csv_str(c, s->model->name);
    csv_str(c, ch->name);
    csv_str(c, plat_dataflow_name(ch->dataflow));
    csv_int(c, ch->pes);
    csv_real(c, ch->clock_hz);
    csv_int(c, s->batch);
    csv_int(c, s->model->nlayers);
    csv_real(c, t->macs);
    csv_real(c, wl_total_params(s->model));
    csv_real(c, t->compute_cycles);
    csv_real(c, t->cycles);
    csv_real(c, t->cycles / ch->clock_hz);
    csv_real(c, t->energy_pj);
    /* as the text's mean utilization: every MAC over every PE-cycle */
    csv_real(c, t->cycles > 0 ? t->macs / (pes * t->cycles) : 0);
    csv_real(c, t->compute_cycles > 0 ? t->macs / (pes * t->compute_cycles) : 0);
    csv_end(c);
    return ERR_OK;
}

/* ---- the tables of each command ---- */

typedef struct {
    const char *name;
    int (*write)(csv_t *c, const rep_csv_src *s);
} table;

static const table layers_tables[] = {{"layers", t_layers}, {"summary", t_layers_summary}, {0, 0}};
static const table result_tables[] = {
    {"summary", t_result_summary}, {"models", t_models},     {"segments", t_segments},
    {"windows", t_windows},        {"chiplets", t_chiplets}, {"links", t_links},
    {0, 0}};
static const table compare_tables[] = {
    {"summary", t_compare_summary},   {"models", t_compare_models}, {"windows", t_compare_windows},
    {"segments", t_compare_segments}, {"links", t_compare_links},   {0, 0}};
/* the chosen schedule's simulation as simulate's tables */
static const table search_tables[] = {
    {"summary", t_search_summary}, {"validated", t_validated}, {"pareto", t_pareto},
    {"models", t_models},          {"segments", t_segments},   {"windows", t_windows},
    {"chiplets", t_chiplets},      {"links", t_links},         {0, 0}};
static const table run_tables[] = {{"rows", t_run_rows}, {"ratios", t_run_ratios}, {0, 0}};
static const table traffic_tables[] = {
    {"summary", t_traffic_summary}, {"sources", t_traffic_sources}, {"links", t_traffic_links},
    {0, 0}};

static const table serve_tables[] = {
    {"summary", t_serve_summary}, {"requests", t_serve_requests}, {"models", t_serve_models},
    {"candidates", t_serve_candidates}, {0, 0}};

static const table *tables_of(rep_csv_kind kind)
{
    switch (kind) {
    case REP_CSV_LAYERS: return layers_tables;
    case REP_CSV_RESULT: return result_tables;
    case REP_CSV_COMPARE: return compare_tables;
    case REP_CSV_SEARCH: return search_tables;
    case REP_CSV_RUN: return run_tables;
    case REP_CSV_SERVE: return serve_tables;
    case REP_CSV_TRAFFIC: break;
    }
    return traffic_tables;
}

static int write_table(FILE *fp, const table *t, const rep_csv_src *src)
{
    csv_t c;
    csv_init(&c, fp);
    int rc = t->write(&c, src);
    return rc ? rc : csv_status(&c);
}

int rep_csv_main(FILE *out, rep_csv_kind kind, const rep_csv_src *src)
{
    return write_table(out, &tables_of(kind)[0], src);
}

/* DIR/NAME.csv, malloc'd. */
static char *table_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 6;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s.csv", dir, name);
    return path;
}

int rep_csv_dir_check(const char *dir, rep_csv_kind kind, const char *const *inputs, int ninputs,
                      err_t *e)
{
    struct stat st;
    if (strcmp(dir, "-") == 0)
        return err_input(e, "--csv-dir: a directory, not standard output (--csv prints there)");
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT)
            return err_input(e, "--csv-dir: %s: %s", dir, strerror(errno));
        /* created once the report is complete: its parent must take it */
        return out_check("--csv-dir", dir, inputs, ninputs, e);
    }
    if (!S_ISDIR(st.st_mode))
        return err_input(e, "--csv-dir: %s is not a directory", dir);
    int rc = ERR_OK;
    for (const table *t = tables_of(kind); !rc && t->name; t++) {
        char *path = table_path(dir, t->name);
        if (!path)
            return err_internal(e, "out of memory");
        rc = out_check("--csv-dir", path, inputs, ninputs, e);
        free(path);
    }
    return rc;
}

typedef struct {
    const table *t;
    const rep_csv_src *src;
} table_job;

static int write_job(FILE *fp, void *arg)
{
    const table_job *j = arg;
    return write_table(fp, j->t, j->src);
}

int rep_csv_dir_write(const char *dir, rep_csv_kind kind, const rep_csv_src *src, err_t *e)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return err_system(e, "cannot create %s: %s", dir, strerror(errno));
    int rc = ERR_OK;
    for (const table *t = tables_of(kind); !rc && t->name; t++) {
        char *path = table_path(dir, t->name);
        if (!path)
            return err_internal(e, "out of memory");
        table_job j = {t, src};
        rc = out_write(path, write_job, &j, e);
        free(path);
    }
    return rc;
}

void rep_csv_summary_head(csv_t *c, rep_csv_kind kind)
{
    if (kind == REP_CSV_COMPARE)
        csv_names(c, compare_summary_cols, NCOLS(compare_summary_cols));
    else if (kind == REP_CSV_SEARCH)
        csv_names(c, search_summary_cols, NCOLS(search_summary_cols));
    else
        csv_names(c, result_summary_cols, NCOLS(result_summary_cols));
}

void rep_csv_summary_row(csv_t *c, rep_csv_kind kind, const rep_csv_src *src)
{
    if (kind == REP_CSV_COMPARE)
        compare_summary_row(c, src);
    else if (kind == REP_CSV_SEARCH)
        search_summary_row(c, src);
    else
        result_summary_row(c, src);
}
