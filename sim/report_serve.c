/* report_serve.c - `serve`'s report: the summary (disaggregated: the decode
 * pipeline and the KV shipments), each model's KV-cache size, and every
 * request's figures; see report.h. */
#include "report_int.h"

/* A figure that may be absent (-1): null in JSON. */
static json_t *maybe(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

static json_t *search_json(const srv_searched *sr)
{
    json_t *c = json_array();
    for (int i = 0; i < sr->n; i++) {
        const srv_candidate *x = &sr->cand[i];
        json_array_append_new(c, json_pack("{s:s, s:b, s:f, s:o, s:f, s:o, s:f, s:b}", "objective",
                                           search_objective_name(x->objective), "disaggregated",
                                           x->disaggregated, "tokens_per_s",
                                           x->tokens_per_s, "slo_attainment",
                                           maybe(x->slo_attainment), "ttft_p99_s", x->ttft_p99_s,
                                           "tpot_p99_s", maybe(x->tpot_p99_s),
                                           "energy_per_token_j", x->energy_per_token_j,
                                           "overloaded", x->overloaded));
    }
    return json_pack("{s:s, s:o}", "chosen_objective",
                     search_objective_name(sr->cand[sr->chosen].objective), "candidates", c);
}

static json_t *serve_json(const plat_t *p, const scn_t *scn, const char *sched,
                          const sched_t *s, const srv_stream *st, const srv_opts *o, const srv_result *r,
                          const srv_searched *sr)
{
    json_t *j = json_object();
    json_object_set_new(j, "platform", json_string(p->name));
    json_object_set_new(j, "scenario", json_string(scn->path));
    json_object_set_new(j, "schedule", json_string(sched));
    json_t *text = rep_schedule_json(p, scn, s);
    if (text) /* what was served, searched or given, as -o would write it */
        json_object_set_new(j, "schedule_text", text);
    json_object_set_new(j, "evaluator", json_string(o->ev ? o->ev->name : "simulate"));
    json_object_set_new(j, "bucket_tokens", json_integer(o->bucket));
    if (st->rate_per_s > 0)
        json_object_set_new(j, "rate_per_s", json_real(st->rate_per_s));
    json_object_set_new(j, "nrequests", json_integer(st->n));
    json_object_set_new(j, "iterations", json_integer(r->iterations));
    json_object_set_new(j, "evaluated_iterations", json_integer(r->evaluated));
    json_object_set_new(j, "kv_dram_iterations", json_integer(r->kv_dram_iterations));
    json_object_set_new(j, "ttft_p50_s", json_real(r->ttft_p50_s));
    json_object_set_new(j, "ttft_p99_s", json_real(r->ttft_p99_s));
    json_object_set_new(j, "tpot_p50_s", maybe(r->tpot_p50_s));
    json_object_set_new(j, "tpot_p99_s", maybe(r->tpot_p99_s));
    json_object_set_new(j, "tokens", json_real(r->tokens));
    json_object_set_new(j, "tokens_per_s", json_real(r->tokens_per_s));
    json_object_set_new(j, "requests_per_s", json_real(r->requests_per_s));
    json_object_set_new(j, "energy_j", json_real(r->energy_j));
    json_object_set_new(j, "energy_per_token_j", json_real(r->energy_per_token_j));
    json_object_set_new(j, "busy_s", json_real(r->busy_s));
    json_object_set_new(j, "span_s", json_real(r->span_s));
    json_object_set_new(j, "disaggregated", json_boolean(r->disaggregated));
    if (r->disaggregated) {
        json_object_set_new(j, "decode_busy_s", json_real(r->decode_busy_s));
        json_object_set_new(j, "kv_shipped_bytes", json_real(r->kv_shipped_bytes));
        json_object_set_new(j, "kv_ship_mean_s", json_real(r->kv_ship_mean_s));
        json_object_set_new(j, "kv_ship_max_s", json_real(r->kv_ship_max_s));
    }
    if (o->slo_ttft_s > 0) {
        json_object_set_new(j, "slo_ttft_s", json_real(o->slo_ttft_s));
        json_object_set_new(j, "slo_ttft_attainment", json_real(r->slo_ttft_attainment));
    }
    if (o->slo_tpot_s > 0) {
        json_object_set_new(j, "slo_tpot_s", json_real(o->slo_tpot_s));
        json_object_set_new(j, "slo_tpot_attainment", json_real(r->slo_tpot_attainment));
    }
    if (r->slo_attainment >= 0)
        json_object_set_new(j, "slo_attainment", json_real(r->slo_attainment));
    json_object_set_new(j, "overloaded", json_boolean(r->overloaded));
    json_object_set_new(j, "max_queue", json_integer(r->max_queue));
    json_object_set_new(j, "queue_mid", json_integer(r->queue_mid));
    json_object_set_new(j, "queue_end", json_integer(r->queue_end));
    json_t *models = json_array();
    for (int m = 0; m < scn->nmodels; m++)
        json_array_append_new(models, json_pack("{s:s, s:b, s:I, s:f}", "name", scn->models[m].name,
                                                "llm", scn->models[m].llm, "batch",
                                                (json_int_t)scn->models[m].batch,
                                                "kv_bytes_per_token", r->kv_bytes_per_token[m]));
    json_object_set_new(j, "models", models);
    json_t *reqs = json_array();
    for (int i = 0; i < st->n; i++) {
        const srv_request *q = &st->req[i];
        const srv_outcome *u = &r->out[i];
        json_t *x = json_pack("{s:f, s:s, s:I, s:I, s:f, s:f, s:o, s:f}", "arrival_s",
                              q->arrival_s, "model", scn->models[q->model].name, "prompt_tokens",
                              (json_int_t)q->prompt, "output_tokens", (json_int_t)q->output,
                              "queue_s", u->queue_s, "ttft_s", u->ttft_s, "tpot_s",
                              maybe(u->tpot_s), "e2e_s", u->e2e_s);
        if (r->disaggregated) {
            json_object_set_new(x, "kv_shipped_bytes", json_real(u->kv_shipped_bytes));
            json_object_set_new(x, "kv_ship_s", json_real(u->kv_ship_s));
        }
        json_array_append_new(reqs, x);
    }
    json_object_set_new(j, "requests", reqs);
    if (sr)
        json_object_set_new(j, "search", search_json(sr));
    return j;
}

/* The per-request table only for short streams: the JSON has them all. */
#define REP_SERVE_ROWS 20

/* With --search: what each objective's winner served, the chosen one marked. */
static void search_table(FILE *out, const srv_searched *sr)
{
    fprintf(out, "\nsearched schedule, by objective  tokens/s   in SLOs   TTFT p99 s   TPOT p99 s"
                 "   J/token\n");
    for (int i = 0; i < sr->n; i++) {
        const srv_candidate *x = &sr->cand[i];
        char slo[16] = "-";
        if (x->slo_attainment >= 0)
            snprintf(slo, sizeof slo, "%.1f%%", 100 * x->slo_attainment);
        char name[48];
        snprintf(name, sizeof name, "%s%s", search_objective_name(x->objective),
                 x->disaggregated ? ", disaggregated" : "");
        fprintf(out, "%s %-29s %9.3f %9s %12.6f %12.6f %9.6f%s\n", i == sr->chosen ? "*" : " ",
                name, x->tokens_per_s, slo, x->ttft_p99_s,
                x->tpot_p99_s, x->energy_per_token_j, x->overloaded ? "  overloaded" : "");
    }
}

int rep_serve(FILE *out, const plat_t *p, const scn_t *scn, const char *sched, const sched_t *s,
              const srv_stream *st, const srv_opts *o, const srv_result *r,
              const srv_searched *sr, int json)
{
    if (json)
        return rep_print_json(out, serve_json(p, scn, sched, s, st, o, r, sr));
    fprintf(out, "Serving %d requests on %s under %s (%s, ", st->n, p->name, sched,
            o->ev ? o->ev->name : "simulate");
    if (o->bucket > 1)
        fprintf(out, "prompt and KV lengths rounded up to %ld tokens)\n\n", o->bucket);
    else
        fprintf(out, "exact lengths)\n\n");
    fprintf(out, "iterations       %ld (%ld evaluated, the rest from the cache; KV cache in DRAM "
                 "in %ld)\n", r->iterations, r->evaluated, r->kv_dram_iterations);
    fprintf(out, "TTFT             p50 %.6f s   p99 %.6f s\n", r->ttft_p50_s, r->ttft_p99_s);
    if (r->tpot_p50_s >= 0)
        fprintf(out, "TPOT             p50 %.6f s   p99 %.6f s\n", r->tpot_p50_s, r->tpot_p99_s);
    fprintf(out, "throughput       %.3f tokens/s   %.3f requests/s   (%.0f tokens in %.6f s)\n",
            r->tokens_per_s, r->requests_per_s, r->tokens, r->span_s);
    fprintf(out, "energy           %.6f J   %.6f J/token\n", r->energy_j, r->energy_per_token_j);
    fprintf(out, "package busy     %.6f s   most waiting %ld\n", r->busy_s, r->max_queue);
    if (r->disaggregated) {
        fprintf(out, "disaggregated    decode pipeline busy %.6f s (package busy: the prefill's)\n",
                r->decode_busy_s);
        fprintf(out, "KV shipped       %.0f bytes   per request mean %.6f s   max %.6f s\n",
                r->kv_shipped_bytes, r->kv_ship_mean_s, r->kv_ship_max_s);
    }
    if (o->slo_ttft_s > 0)
        fprintf(out, "SLO TTFT <= %gs  %.1f%% of requests\n", o->slo_ttft_s,
                100 * r->slo_ttft_attainment);
    if (o->slo_tpot_s > 0)
        fprintf(out, "SLO TPOT <= %gs  %.1f%% of requests\n", o->slo_tpot_s,
                100 * r->slo_tpot_attainment);
    if (r->slo_attainment >= 0)
        fprintf(out, "SLO both         %.1f%% of requests\n", 100 * r->slo_attainment);
    if (sr)
        search_table(out, sr);
    fprintf(out, "\nmodel        batch  KV bytes/token\n");
    for (int m = 0; m < scn->nmodels; m++)
        fprintf(out, "%-12s %5ld  %14.0f\n", scn->models[m].name, scn->models[m].batch,
                r->kv_bytes_per_token[m]);
    if (st->n > REP_SERVE_ROWS) {
        fprintf(out, "\n(per-request figures of all %d requests: --json)\n", st->n);
        return ferror(out) ? ERR_INTERNAL : ERR_OK;
    }
    fprintf(out, "\n   arrival_s  model         prompt  output     queue_s      ttft_s      tpot_s"
                 "       e2e_s\n");
    for (int i = 0; i < st->n; i++) {
        const srv_request *q = &st->req[i];
        const srv_outcome *u = &r->out[i];
        fprintf(out, "%12.6f  %-12s %7ld %7ld %11.6f %11.6f ", q->arrival_s,
                scn->models[q->model].name, q->prompt, q->output, u->queue_s, u->ttft_s);
        if (u->tpot_s >= 0)
            fprintf(out, "%11.6f", u->tpot_s);
        else
            fprintf(out, "%11s", "-");
        fprintf(out, " %11.6f\n", u->e2e_s);
    }
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}
