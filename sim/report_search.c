/* report_search.c - what `search` and `run` print: the validated candidates
 * beside their estimates, the rank agreement, the Pareto front, the chosen
 * schedule; and the seed paper's comparison table. */
#include <stdlib.h>
#include "report.h"
#include "report_int.h"

static json_t *point_json(const search_point *pt)
{
    json_t *o = json_object();
    json_object_set_new(o, "makespan_s", json_real(pt->makespan_s));
    json_object_set_new(o, "energy_j", json_real(pt->energy_j));
    json_object_set_new(o, "mean_latency_s", json_real(pt->latency_s));
    return o;
}

/* A schedule as the text of its file, or NULL. */
static char *sched_text(const plat_t *p, const scn_t *scn, const sched_t *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    if (!fp)
        return NULL;
    int rc = sched_write(fp, p, scn, s, scn->path);
    if (fclose(fp) || rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The validated points of the estimated front, in order of estimated
   makespan, estimate and simulation side by side, with their schedules. */
static json_t *front_json(const plat_t *p, const scn_t *scn, const search_result *r)
{
    json_t *a = json_array();
    int last = -1;
    for (;;) {
        int next = -1; /* the next front point by makespan (then index) after LAST */
        for (int i = 0; i < r->nvalid; i++) {
            if (!r->val_front[i])
                continue;
            double mi = r->val_est[i].makespan_s;
            int after = last < 0 || mi > r->val_est[last].makespan_s ||
                        (mi == r->val_est[last].makespan_s && i > last);
            if (after && (next < 0 || mi < r->val_est[next].makespan_s))
                next = i;
        }
        if (next < 0)
            return a;
        last = next;
        char *text = sched_text(p, scn, &r->val_sched[next]);
        if (!text) {
            json_decref(a);
            return NULL;
        }
        json_t *o = json_object();
        const search_point *e = &r->val_est[next], *s = &r->val_sim[next];
        json_object_set_new(o, "est_makespan_s", json_real(e->makespan_s));
        json_object_set_new(o, "est_energy_j", json_real(e->energy_j));
        if (r->val_ok[next]) {
            json_object_set_new(o, "sim_makespan_s", json_real(s->makespan_s));
            json_object_set_new(o, "sim_energy_j", json_real(s->energy_j));
        } else {
            json_object_set_new(o, "sim_makespan_s", json_null());
            json_object_set_new(o, "sim_energy_j", json_null());
        }
        json_object_set_new(o, "schedule", json_string(text));
        free(text);
        json_array_append_new(a, o);
    }
}

static int search_json(FILE *out, const plat_t *p, const scn_t *scn, search_objective objective,
                       unsigned long seed, const search_result *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "objective", json_string(search_objective_name(objective)));
    json_object_set_new(j, "seed", json_integer((json_int_t)seed));
    json_object_set_new(j, "space_schedules", json_real(r->space));
    json_object_set_new(j, "exhaustive", json_boolean(r->exhaustive));
    json_object_set_new(j, "strategy", json_string(r->strategy));
    json_object_set_new(j, "allocations", json_integer(r->allocations));
    json_object_set_new(j, "estimated", json_integer(r->estimated));
    json_object_set_new(j, "simulated", json_integer(r->simulated));
    json_t *v = json_array();
    for (int i = 0; i < r->nvalid; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "on_front", json_boolean(r->val_front[i]));
        json_object_set_new(o, "estimate", point_json(&r->val_est[i]));
        if (r->val_ok[i])
            json_object_set_new(o, "simulate", point_json(&r->val_sim[i]));
        else if (r->val_err)
            json_object_set_new(o, "error", json_string(r->val_err[i].msg));
        json_array_append_new(v, o);
    }
    json_object_set_new(j, "validated", v);
    json_object_set_new(j, "rank_agreement_kendall_tau", json_real(r->rank_agreement));
    json_object_set_new(j, "simulated_best_index", json_integer(r->val_win));
    json_object_set_new(j, "rankings_by_simulation", json_integer(r->rankings));
    json_object_set_new(j, "simulated_best_differs", json_integer(r->best_differs));
    json_t *front = front_json(p, scn, r);
    if (!front) {
        json_decref(j);
        return ERR_INTERNAL;
    }
    json_object_set_new(j, "pareto", front);
    json_t *pf = json_array();
    for (int i = 0; i < r->npareto; i++)
        json_array_append_new(pf, point_json(&r->pareto[i]));
    json_object_set_new(j, "pareto_latency_energy", pf);
    json_object_set_new(j, "estimate", rep_result_json(p, scn, &r->best, &r->est));
    json_object_set_new(j, "simulate", rep_result_json(p, scn, &r->best, &r->sim));
    json_t *sched = rep_schedule_json(p, scn, &r->best);
    if (!sched) {
        json_decref(j);
        return ERR_INTERNAL;
    }
    json_object_set_new(j, "schedule", sched);
    return rep_print_json(out, j);
}

int rep_baseline(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s, const res_result *r,
                 int json)
{
    if (!json)
        return rep_result(out, p, scn, s, r, 0);
    json_t *j = rep_result_json(p, scn, s, r), *sched = rep_schedule_json(p, scn, s);
    if (!sched) {
        json_decref(j);
        return ERR_INTERNAL;
    }
    json_object_set_new(j, "schedule", sched);
    return rep_print_json(out, j);
}

int rep_search(FILE *out, const plat_t *p, const scn_t *scn, search_objective objective,
               unsigned long seed, const search_result *r, int json)
{
    if (json)
        return search_json(out, p, scn, objective, seed, r);
    fprintf(out, "Search on %s for %s, objective %s, seed %lu\n", p->name, scn->path,
            search_objective_name(objective), seed);
    fprintf(out, "space: %.3g schedules; %s over %ld chiplet allocations; %ld estimated, %ld simulated\n",
            r->space, r->method, r->allocations,
            r->estimated, r->simulated);
    fprintf(out, "\nvalidated candidates (1: the estimated best; front: a point of the estimated "
                 "front)\n%3s %14s %14s %12s %12s %6s\n", "#", "est_ms", "sim_ms", "est_J", "sim_J",
            "front");
    for (int i = 0; i < r->nvalid; i++) {
        const char *f = r->val_front[i] ? "*" : "-";
        if (r->val_ok[i])
            fprintf(out, "%3d %14.6f %14.6f %12.6f %12.6f %6s\n", i + 1,
                    r->val_est[i].makespan_s * 1e3, r->val_sim[i].makespan_s * 1e3,
                    r->val_est[i].energy_j, r->val_sim[i].energy_j, f);
        else
            fprintf(out, "%3d %14.6f %14s %12.6f %12s %6s\n", i + 1, r->val_est[i].makespan_s * 1e3,
                    "failed", r->val_est[i].energy_j, "-", f);
    }
    for (int i = 0; r->val_err && i < r->nvalid; i++)
        if (!r->val_ok[i] && r->val_err[i].msg[0])
            fprintf(out, "  %d failed: %s\n", i + 1, r->val_err[i].msg);
    fprintf(out, "rank agreement of estimate and simulation (Kendall's tau): %.3f\n",
            r->rank_agreement);
    if (r->rankings)
        fprintf(out, "simulated best: #%d; it was not the estimated best in %ld of %ld rankings by "
                     "simulation\n", r->val_win + 1, r->best_differs, r->rankings);
    fprintf(out, "\nPareto front of the estimates (%d points)\n%14s %12s\n", r->npareto,
            "makespan_ms", "energy_J");
    for (int i = 0; i < r->npareto && i < 12; i++)
        fprintf(out, "%14.6f %12.6f\n", r->pareto[i].makespan_s * 1e3, r->pareto[i].energy_j);
    fprintf(out, "\nchosen schedule\n");
    sched_write(out, p, scn, &r->best, scn->path);
    fprintf(out, "\n");
    return rep_result(out, p, scn, &r->best, &r->sim, 0);
}

double rep_samples_per_j(const res_result *r)
{
    return r->throughput_per_s * r->makespan_s / r->energy_j;
}

rep_run_ratio rep_run_ratio_of(const res_result *het, const res_result *mono)
{
    rep_run_ratio q = {het->throughput_per_s / mono->throughput_per_s,
                   rep_samples_per_j(het) / rep_samples_per_j(mono),
                   (mono->makespan_s * mono->energy_j) / (het->makespan_s * het->energy_j)};
    return q;
}

/* The seed paper's claims (Odema et al.): "up to" these over its monolith. */
#define PAPER_THROUGHPUT 2.2
#define PAPER_EFFICIENCY 1.9

static int run_json(FILE *out, const rep_run_row *rows, int n, int ref, search_objective objective,
                    const search_result *sr)
{
    json_t *j = json_object(), *arr = json_array(), *ratios = json_array();
    json_object_set_new(j, "objective", json_string(search_objective_name(objective)));
    for (int i = 0; i < n; i++) {
        const res_result *r = rows[i].r;
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(rows[i].name));
        json_object_set_new(o, "throughput_per_s", json_real(r->throughput_per_s));
        json_object_set_new(o, "makespan_s", json_real(r->makespan_s));
        json_object_set_new(o, "energy_j", json_real(r->energy_j));
        json_object_set_new(o, "samples_per_j", json_real(rep_samples_per_j(r)));
        json_object_set_new(o, "edp_js", json_real(r->makespan_s * r->energy_j));
        json_array_append_new(arr, o);
        if (!rows[i].against)
            continue;
        rep_run_ratio q = rep_run_ratio_of(rows[0].r, r);
        json_t *a = json_object();
        json_object_set_new(a, "against", json_string(rows[i].against));
        json_object_set_new(a, "throughput_ratio", json_real(q.thr));
        json_object_set_new(a, "energy_efficiency_ratio", json_real(q.eff));
        json_object_set_new(a, "edp_improvement", json_real(q.edp));
        json_array_append_new(ratios, a);
    }
    rep_run_ratio q = rep_run_ratio_of(rows[0].r, rows[ref].r);
    json_object_set_new(j, "rows", arr);
    json_object_set_new(j, "throughput_ratio", json_real(q.thr));
    json_object_set_new(j, "energy_efficiency_ratio", json_real(q.eff));
    json_object_set_new(j, "edp_improvement", json_real(q.edp));
    json_object_set_new(j, "ratios", ratios);
    json_t *paper = json_object();
    json_object_set_new(paper, "throughput_ratio_up_to", json_real(PAPER_THROUGHPUT));
    json_object_set_new(paper, "energy_efficiency_ratio_up_to", json_real(PAPER_EFFICIENCY));
    json_object_set_new(j, "paper", paper);
    json_object_set_new(j, "search_estimated", json_integer(sr->estimated));
    json_object_set_new(j, "search_simulated", json_integer(sr->simulated));
    return rep_print_json(out, j);
}

int rep_run(FILE *out, const rep_run_row *rows, int n, int ref, search_objective objective,
            const search_result *sr, const plat_t *pkg, const scn_t *scn, int json)
{
    if (json)
        return run_json(out, rows, n, ref, objective, sr);
    fprintf(out, "GPT-2 small (batch 8, prefill 128 tokens) + ResNet-50 (batch 32), every figure "
                 "simulated\n");
    fprintf(out, "search objective %s: %ld schedules estimated, %ld simulated\n\n",
            search_objective_name(objective), sr->estimated, sr->simulated);
    fprintf(out, "%-36s %13s %12s %10s %11s %12s\n", "schedule", "throughput/s", "latency_ms",
            "energy_J", "samples/J", "EDP_Js");
    for (int i = 0; i < n; i++) {
        const res_result *r = rows[i].r;
        fprintf(out, "%-36s %13.2f %12.4f %10.5f %11.2f %12.6f\n", rows[i].name,
                r->throughput_per_s, r->makespan_s * 1e3, r->energy_j, rep_samples_per_j(r),
                r->makespan_s * r->energy_j);
    }
    fprintf(out, "\n%-36s %13s %23s %12s\n", "heterogeneous 4-chiplet / monolithic", "throughput",
            "energy efficiency", "EDP gain");
    for (int i = 0; i < n; i++) {
        if (!rows[i].against)
            continue;
        char label[64];
        snprintf(label, sizeof label, "mcmsim / %s", rows[i].against);
        rep_run_ratio q = rep_run_ratio_of(rows[0].r, rows[i].r);
        fprintf(out, "%-36s %12.2fx %22.2fx %11.2fx\n", label, q.thr, q.eff, q.edp);
    }
    char thr[32], eff[32];
    snprintf(thr, sizeof thr, "up to %.1fx", PAPER_THROUGHPUT);
    snprintf(eff, sizeof eff, "up to %.1fx", PAPER_EFFICIENCY);
    fprintf(out, "%-36s %13s %23s %12s\n", "seed paper (Odema et al., analytical)", thr, eff, "-");
    fprintf(out, "\nthe searched schedule (mcmsim search -p platforms/het-2x2.ini -m %s -o FILE "
                 "writes it)\n", scn->path);
    sched_write(out, pkg, scn, &sr->best, scn->path);
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}
