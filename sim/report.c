/* report.c - tables, JSON documents and traces; see report.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cost.h"
#include "nop.h"
#include "out.h"
#include "report.h"
#include "report_int.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(10))

int rep_print_json(FILE *out, json_t *j)
{
    if (!j)
        return ERR_INTERNAL;
    int rc = json_dumpf(j, out, JSON_FLAGS);
    json_decref(j);
    fputc('\n', out);
    return rc || ferror(out) ? ERR_INTERNAL : ERR_OK;
}

json_t *rep_count_json(double v)
{
    /* 2^53: beyond it a double holds no longer every integer */
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* ---- layers ---- */

void rep_layer_dims(const wl_layer *l, char *buf, size_t n)
{
    if (l->kind == WL_CONV || l->op == WL_OP_MAXPOOL || l->op == WL_OP_AVGPOOL)
        snprintf(buf, n, "k%ld c%ld r%ld s%ld p%ld q%ld /%ld%s", l->k, l->c, l->r, l->s, l->p,
                 l->q, l->stride, l->groups > 1 ? " g" : "");
    else if (l->kind == WL_MATMUL)
        snprintf(buf, n, "m%ld n%ld k%ld%s", l->m, l->n, l->kd, l->heads > 1 ? " x heads" : "");
    else
        snprintf(buf, n, "%.0f ops", l->vec_ops);
}

static json_t *layer_json(const wl_layer *l, const cost_t *ct)
{
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(l->name));
    json_object_set_new(j, "kind", json_string(wl_layer_kind(l)));
    if (l->kind == WL_CONV || l->op == WL_OP_MAXPOOL || l->op == WL_OP_AVGPOOL) {
        const char *keys[] = {"k", "c", "r", "s", "p", "q", "stride", "groups"};
        long vals[] = {l->k, l->c, l->r, l->s, l->p, l->q, l->stride, l->groups};
        for (int i = 0; i < 8; i++)
            json_object_set_new(j, keys[i], json_integer(vals[i]));
    } else if (l->kind == WL_MATMUL) {
        json_object_set_new(j, "m", json_integer(l->m));
        json_object_set_new(j, "n", json_integer(l->n));
        json_object_set_new(j, "k", json_integer(l->kd));
        json_object_set_new(j, "heads", json_integer(l->heads));
    } else {
        json_object_set_new(j, "vector_ops", json_real(l->vec_ops));
    }
    json_object_set_new(j, "macs", rep_count_json(ct->macs));
    json_object_set_new(j, "compute_cycles", json_real(ct->compute_cycles));
    json_object_set_new(j, "cycles", json_real(ct->cycles));
    json_object_set_new(j, "utilization", json_real(ct->utilization));
    json_object_set_new(j, "utilization_pe", json_real(ct->utilization_pe));
    json_object_set_new(j, "weight_bytes", rep_count_json(l->weight_bytes));
    static const char *const tensors[COST_NTENSOR] = {
        [COST_WEIGHTS] = "weights", [COST_INPUTS] = "inputs", [COST_OUTPUTS] = "outputs"};
    for (int k = 0; k < COST_NTENSOR; k++) {
        json_t *a = json_object();
        json_object_set_new(a, "l1_reads", rep_count_json(ct->l1_reads[k]));
        json_object_set_new(a, "l1_writes", rep_count_json(ct->l1_writes[k]));
        json_object_set_new(a, "l2_reads", rep_count_json(ct->l2_reads[k]));
        json_object_set_new(a, "l2_writes", rep_count_json(ct->l2_writes[k]));
        json_object_set_new(j, tensors[k], a);
    }
    json_object_set_new(j, "energy_pj", json_real(ct->energy_pj));
    return j;
}

int rep_layers(FILE *out, const plat_chiplet *c, const wl_model *m, long batch,
               const cost_table *t, int json)
{
    double macs = t->total.macs, ccyc = t->total.compute_cycles, cyc = t->total.cycles;
    double en = t->total.energy_pj, params = wl_total_params(m);
    json_t *arr = json ? json_array() : NULL;
    if (!json) {
        fprintf(out, "%s on %s (%s, %ld PEs, %.0f MHz), batch %ld\n\n", m->name, c->name,
                plat_dataflow_name(c->dataflow), c->pes, c->clock_hz / 1e6, batch);
        fprintf(out, "%-16s %-10s %-30s %14s %14s %14s %6s %7s %12s\n", "layer", "kind", "dims",
                "MACs", "compute_cyc", "cycles", "util", "util_pe", "energy_uJ");
    }
    for (int i = 0; i < m->nlayers; i++) {
        const wl_layer *l = &m->layers[i];
        const cost_t *ct = &t->layers[i];
        if (json) {
            json_array_append_new(arr, layer_json(l, ct));
            continue;
        }
        char dims[64];
        rep_layer_dims(l, dims, sizeof dims);
        fprintf(out, "%-16s %-10s %-30s %14.0f %14.0f %14.0f %5.1f%% %6.1f%% %12.3f\n", l->name,
                wl_layer_kind(l), dims, ct->macs, ct->compute_cycles, ct->cycles,
                100 * ct->utilization, 100 * ct->utilization_pe, ct->energy_pj * 1e-6);
    }
    if (json) {
        json_t *j = json_object();
        json_object_set_new(j, "model", json_string(m->name));
        json_object_set_new(j, "chiplet", json_string(c->name));
        json_object_set_new(j, "dataflow", json_string(plat_dataflow_name(c->dataflow)));
        json_object_set_new(j, "pes", json_integer(c->pes));
        json_object_set_new(j, "batch", json_integer(batch));
        json_object_set_new(j, "layers", arr);
        json_object_set_new(j, "total_macs", rep_count_json(macs));
        json_object_set_new(j, "total_params", rep_count_json(params));
        json_object_set_new(j, "total_compute_cycles", json_real(ccyc));
        json_object_set_new(j, "total_cycles", json_real(cyc));
        json_object_set_new(j, "total_energy_pj", json_real(en));
        return rep_print_json(out, j);
    }
    fprintf(out, "\n%d layers, %.6g MACs, %.6g parameters; %.6g cycles (%.6g PE-bound) = %.4f ms; "
                 "%.4f mJ on chip; mean utilization %.1f%% (%.1f%% PE-bound)\n",
            m->nlayers, macs, params, cyc, ccyc, cyc / c->clock_hz * 1e3, en * 1e-9,
            cyc > 0 ? 100 * macs / ((double)c->pes * cyc) : 0,
            ccyc > 0 ? 100 * macs / ((double)c->pes * ccyc) : 0);
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}

/* ---- results ---- */

const char *rep_seg_layers(const scn_t *scn, const res_seg *rs, char *buf, size_t n)
{
    const wl_model *m = &scn->models[rs->model].model;
    if (rs->first == rs->last)
        snprintf(buf, n, "%s", m->layers[rs->first].name);
    else
        snprintf(buf, n, "%s..%s", m->layers[rs->first].name, m->layers[rs->last].name);
    return buf;
}

/* The mini-batch of model M in window W of S; 0 when M does not run there. */
static long part_minibatch(const sched_t *s, int w, int m)
{
    for (int k = 0; k < s->windows[w].nparts; k++)
        if (s->windows[w].parts[k].model == m)
            return s->windows[w].parts[k].minibatch;
    return 0;
}

/* A model's `minibatch`: that of the first window it runs in (each segment
   carries its window's own). */
static long model_minibatch(const sched_t *s, int m)
{
    for (int w = 0; w < s->nwindows; w++)
        if (part_minibatch(s, w, m))
            return part_minibatch(s, w, m);
    return 0;
}

/* {"MODEL": mini-batch, ...} over the models of window W. */
static json_t *window_minibatch_json(const scn_t *scn, const sched_t *s, int w)
{
    json_t *o = json_object();
    for (int k = 0; k < s->windows[w].nparts; k++) {
        const sched_part *pt = &s->windows[w].parts[k];
        json_object_set_new(o, scn->models[pt->model].name, json_integer(pt->minibatch));
    }
    return o;
}

json_t *rep_result_json(const plat_t *p, const scn_t *scn, const sched_t *s, const res_result *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "evaluator", json_string(r->simulated ? "simulate" : "estimate"));
    if (r->simulated)
        json_object_set_new(j, "nop", json_string(r->nop));
    json_object_set_new(j, "platform", json_string(p->name));
    json_object_set_new(j, "makespan_s", json_real(r->makespan_s));
    json_object_set_new(j, "throughput_per_s", json_real(r->throughput_per_s));
    json_object_set_new(j, "energy_j", json_real(r->energy_j));
    json_t *en = json_object();
    json_object_set_new(en, "mac_j", json_real(r->e_mac_j));
    json_object_set_new(en, "l1_j", json_real(r->e_l1_j));
    json_object_set_new(en, "l2_j", json_real(r->e_l2_j));
    json_object_set_new(en, "nop_j", json_real(r->e_nop_j));
    json_object_set_new(en, "dram_j", json_real(r->e_dram_j));
    json_object_set_new(en, "static_j", json_real(r->e_static_j));
    json_object_set_new(j, "energy_split", en);
    json_object_set_new(j, "edp_js", json_real(r->edp_js));
    json_t *models = json_array();
    for (int m = 0; m < r->nmodels; m++) {
        const res_model *rm = &r->models[m];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(rm->name));
        json_object_set_new(o, "batch", json_integer(rm->batch));
        json_object_set_new(o, "minibatch", json_integer(model_minibatch(s, m)));
        json_object_set_new(o, "latency_s", json_real(rm->latency_s));
        json_object_set_new(o, "throughput_per_s", json_real(rm->throughput_per_s));
        if (rm->nminibatches) {
            json_t *mb = json_array();
            for (int i = 0; i < rm->nminibatches; i++)
                json_array_append_new(mb, json_real(rm->minibatch_done_s[i]));
            json_object_set_new(o, "minibatch_done_s", mb);
        }
        json_array_append_new(models, o);
    }
    json_object_set_new(j, "models", models);
    json_t *wins = json_array();
    for (int w = 0; w < r->nwindows; w++)
        json_array_append_new(wins, json_real(r->window_s[w]));
    json_object_set_new(j, "windows_s", wins);
    wins = json_array();
    for (int w = 0; w < r->nwindows; w++)
        json_array_append_new(wins, window_minibatch_json(scn, s, w));
    json_object_set_new(j, "windows_minibatch", wins);
    json_t *segs = json_array();
    for (int i = 0; i < r->nsegs; i++) {
        const res_seg *rs = &r->segs[i];
        char buf[128];
        json_t *o = json_object();
        json_object_set_new(o, "window", json_integer(rs->window + 1));
        json_object_set_new(o, "model", json_string(scn->models[rs->model].name));
        json_object_set_new(o, "layers", json_string(rep_seg_layers(scn, rs, buf, sizeof buf)));
        json_object_set_new(o, "chiplet", json_string(p->chiplets[rs->chiplet].name));
        json_object_set_new(o, "minibatch", json_integer(part_minibatch(s, rs->window, rs->model)));
        if (rs->nslices > 1) { /* a split segment: one entry per slice */
            json_object_set_new(o, "slice", json_integer(rs->slice + 1));
            json_object_set_new(o, "slices", json_integer(rs->nslices));
        }
        json_object_set_new(o, "compute_s", json_real(rs->compute_s));
        json_object_set_new(o, "in_comm_s", json_real(rs->in_comm_s));
        json_object_set_new(o, "out_comm_s", json_real(rs->out_comm_s));
        json_object_set_new(o, "weight_s", json_real(rs->weight_s));
        json_object_set_new(o, "latency_s", json_real(rs->latency_s));
        json_object_set_new(o, "weight_bytes", rep_count_json(rs->weight_bytes));
        json_object_set_new(o, "weights_streamed", json_boolean(rs->weights_streamed));
        if (r->simulated) {
            json_object_set_new(o, "wait_input_s", json_real(rs->wait_input_s));
            json_object_set_new(o, "wait_weight_s", json_real(rs->wait_weight_s));
        }
        json_array_append_new(segs, o);
    }
    json_object_set_new(j, "segments", segs);
    json_t *chips = json_array();
    for (int c = 0; c < r->nchiplets; c++) {
        const res_chiplet *rc = &r->chiplets[c];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->chiplets[c].name));
        json_object_set_new(o, "dataflow", json_string(plat_dataflow_name(p->chiplets[c].dataflow)));
        json_object_set_new(o, "busy_s", json_real(rc->busy_s));
        json_object_set_new(o, "utilization", json_real(rc->utilization));
        json_object_set_new(o, "energy_j", json_real(rc->energy_j));
        if (r->simulated) {
            json_object_set_new(o, "wait_input_s", json_real(rc->wait_input_s));
            json_object_set_new(o, "wait_weight_s", json_real(rc->wait_weight_s));
        }
        json_array_append_new(chips, o);
    }
    json_object_set_new(j, "chiplets", chips);
    json_t *links = json_array();
    for (int l = 0; l < r->nlinks; l++) {
        const res_link *rl = &r->links[l];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(p->links[l].name));
        json_object_set_new(o, "dram", json_boolean(p->links[l].is_dram));
        json_object_set_new(o, "kind", json_string(rep_link_kind(&p->links[l])));
        json_object_set_new(o, "bytes", rep_count_json(rl->bytes));
        json_object_set_new(o, "busy_s", json_real(rl->busy_s));
        json_object_set_new(o, "utilization", json_real(rl->utilization));
        if (r->simulated) {
            json_object_set_new(o, "peak_flows", json_integer(rl->peak_flows));
            json_t *ser = json_array();
            for (int i = 0; i < rl->nseries; i++)
                json_array_append_new(ser, json_real(rl->series[i]));
            json_object_set_new(o, "load_bucket_s", json_real(rl->bucket_s));
            json_object_set_new(o, "load", ser);
        }
        json_array_append_new(links, o);
    }
    json_object_set_new(j, "links", links);
    return j;
}

const char *rep_link_kind(const plat_link *l)
{
    if (l->port != PLAT_PORT_NONE)
        return l->port == PLAT_PORT_INJECT ? "inject" : "eject";
    return l->is_dram ? "dram" : "mesh";
}

/* The width of a link column: the longest of the N names IDX lists. */
static int link_width(const plat_t *p, const int *idx, int n)
{
    int w = 16;
    for (int i = 0; i < n; i++)
        if ((int)strlen(p->links[idx[i]].name) > w)
            w = (int)strlen(p->links[idx[i]].name);
    return w;
}

int rep_busy_links(const res_result *r, int *idx)
{
    int n = 0;
    for (int l = 0; l < r->nlinks; l++)
        if (r->links[l].bytes > 0)
            idx[n++] = l;
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && r->links[idx[k]].utilization > r->links[idx[k - 1]].utilization; k--) {
            int t = idx[k];
            idx[k] = idx[k - 1];
            idx[k - 1] = t;
        }
    return n;
}

int rep_result(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
               const res_result *r, int json)
{
    if (json)
        return rep_print_json(out, rep_result_json(p, scn, s, r));
    fprintf(out, "%s of %s on %s (%s%s%s)\n\n", r->simulated ? "Simulation" : "Estimate",
            s->path ? s->path : "schedule", p->name, r->simulated ? "SimGrid, " : "",
            r->simulated ? r->nop : "closed form: contention ignored",
            r->simulated ? " level: link and DRAM contention modelled" : "");
    fprintf(out, "makespan     %12.6f ms\n", r->makespan_s * 1e3);
    fprintf(out, "throughput   %12.3f samples/s\n", r->throughput_per_s);
    fprintf(out,
            "energy       %12.6f J   (MAC %.4f, L1 %.4f, L2 %.4f, NoP %.4f, DRAM %.4f, static %.4f)\n",
            r->energy_j, r->e_mac_j, r->e_l1_j, r->e_l2_j, r->e_nop_j, r->e_dram_j, r->e_static_j);
    fprintf(out, "EDP          %12.6g J*s\n\n", r->edp_js);
    fprintf(out, "%-12s %6s %14s %16s\n", "model", "batch", "latency_ms", "throughput/s");
    for (int m = 0; m < r->nmodels; m++)
        fprintf(out, "%-12s %6ld %14.6f %16.3f\n", r->models[m].name, r->models[m].batch,
                r->models[m].latency_s * 1e3, r->models[m].throughput_per_s);
    fprintf(out, "\n%-3s %-10s %-26s %-8s %4s %11s %11s %11s %11s %11s%s\n", "win", "model", "layers",
            "chiplet", "mb", "compute_ms", "in_ms", "out_ms", "weights_ms", "latency_ms",
            r->simulated ? "  wait_in_ms" : "");
    int streamed = 0;
    for (int i = 0; i < r->nsegs; i++) {
        const res_seg *rs = &r->segs[i];
        char buf[128];
        const sched_part *pt = &s->windows[rs->window].parts[rs->part];
        streamed |= rs->weights_streamed;
        fprintf(out, "%-3d %-10s %-26s %-8s %4ld %11.4f %11.4f %11.4f %10.4f%s %11.4f", rs->window + 1,
                scn->models[rs->model].name, rep_seg_layers(scn, rs, buf, sizeof buf),
                p->chiplets[rs->chiplet].name,
                sched_seg_split(pt, rs->seg) == SPLIT_N ? split_share(pt->minibatch, rs->nslices, rs->slice)
                                                        : pt->minibatch,
                rs->compute_s * 1e3,
                rs->in_comm_s * 1e3, rs->out_comm_s * 1e3, rs->weight_s * 1e3,
                rs->weights_streamed ? "*" : " ", rs->latency_s * 1e3);
        if (r->simulated)
            fprintf(out, " %11.4f", rs->wait_input_s * 1e3);
        fputc('\n', out);
    }
    if (streamed)
        fprintf(out, "* weights do not fit in L2 and stream from DRAM every mini-batch\n");
    fprintf(out, "\n%-3s %12s\n", "win", "duration_ms");
    for (int w = 0; w < r->nwindows; w++)
        fprintf(out, "%-3d %12.6f\n", w + 1, r->window_s[w] * 1e3);
    fprintf(out, "\n%-10s %-11s %12s %6s %11s\n", "chiplet", "dataflow", "busy_ms", "util",
            "energy_mJ");
    for (int c = 0; c < r->nchiplets; c++)
        fprintf(out, "%-10s %-11s %12.6f %5.1f%% %11.4f\n", p->chiplets[c].name,
                plat_dataflow_name(p->chiplets[c].dataflow), r->chiplets[c].busy_s * 1e3,
                100 * r->chiplets[c].utilization, r->chiplets[c].energy_j * 1e3);
    int *idx = malloc((size_t)r->nlinks * sizeof *idx + 1);
    if (!idx)
        return ERR_INTERNAL;
    int n = rep_busy_links(r, idx), lw = link_width(p, idx, n);
    fprintf(out, "\n%-*s %14s %12s %6s%s\n", lw, "link", "MB", "busy_ms", "util",
            r->simulated ? "  peak_flows" : "");
    for (int i = 0; i < n; i++) {
        const res_link *rl = &r->links[idx[i]];
        fprintf(out, "%-*s %14.3f %12.6f %5.1f%%", lw, p->links[idx[i]].name, rl->bytes / 1e6,
                rl->busy_s * 1e3, 100 * rl->utilization);
        if (r->simulated)
            fprintf(out, " %12d", rl->peak_flows);
        fputc('\n', out);
    }
    if (n == 0)
        fprintf(out, "(no traffic)\n");
    free(idx);
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}

/* ---- compare ---- */

/* Schedule S as the text report prints it, as a JSON string (NULL when it
   cannot be made): -o's text, but for the scenario's path, which -o writes
   relative to its own file. */
json_t *rep_schedule_json(const plat_t *p, const scn_t *scn, const sched_t *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    int bad = !fp || sched_write(fp, p, scn, s, scn->path) != ERR_OK;
    if (fp && fclose(fp))
        bad = 1;
    json_t *j = bad ? NULL : json_stringn(text, len);
    free(text);
    return j;
}

double rep_rel_err(double est, double sim)
{
    return sim != 0 ? (est - sim) / sim : 0;
}

void rep_gap_cause(const plat_t *p, const res_result *est, const res_result *sim, int i,
                      char *buf, size_t n)
{
    const res_seg *ss = &sim->segs[i], *es = &est->segs[i];
    int shared = ss->shared, best = ss->busiest_in;
    double best_u = best >= 0 ? sim->links[best].utilization : 0;
    double gap = ss->latency_s - es->latency_s;
    if (fabs(gap) <= 0.01 * fmax(es->latency_s, 1e-30))
        snprintf(buf, n, "-");
    else if (gap < 0)
        snprintf(buf, n, "transfers overlap compute and each other (double buffering)");
    else if (shared)
        snprintf(buf, n, "chiplet %s shared with %d other segment%s", p->chiplets[ss->chiplet].name,
                 shared, shared > 1 ? "s" : "");
    else if (ss->wait_weight_s > ss->wait_input_s && ss->wait_weight_s > 0)
        snprintf(buf, n, "waited %.3f ms for weights from %s (%.0f%% busy)", ss->wait_weight_s * 1e3,
                 p->drams[ss->dram].name, 100 * sim->links[nop_dram_link(p, ss->dram)].utilization);
    else if (best >= 0 && sim->links[best].peak_flows > 1)
        snprintf(buf, n, "link %s shared (%d flows at peak, %.0f%% busy)", p->links[best].name,
                 sim->links[best].peak_flows, 100 * best_u);
    else
        snprintf(buf, n, "waited %.3f ms on inputs (upstream stalls)", ss->wait_input_s * 1e3);
}

static json_t *pair_json(double est, double sim)
{
    json_t *o = json_object();
    json_object_set_new(o, "estimate", json_real(est));
    json_object_set_new(o, "simulate", json_real(sim));
    json_object_set_new(o, "error", json_real(rep_rel_err(est, sim)));
    return o;
}

int rep_compare(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
                const res_result *est, const res_result *sim, int json)
{
    char cause[160], buf[128];
    json_t *j = json ? json_object() : NULL;
    if (json) {
        json_object_set_new(j, "nop", json_string(sim->nop));
        json_object_set_new(j, "makespan_s", pair_json(est->makespan_s, sim->makespan_s));
        json_object_set_new(j, "throughput_per_s",
                            pair_json(est->throughput_per_s, sim->throughput_per_s));
        json_object_set_new(j, "energy_j", pair_json(est->energy_j, sim->energy_j));
        json_object_set_new(j, "static_j", pair_json(est->e_static_j, sim->e_static_j));
        json_object_set_new(j, "edp_js", pair_json(est->edp_js, sim->edp_js));
    } else {
        fprintf(out, "Estimate (closed form) vs simulation (SimGrid, %s level) of %s on %s\n",
                sim->nop, s->path ? s->path : "schedule", p->name);
        fprintf(out, "error = (estimate - simulated) / simulated\n\n");
        fprintf(out, "%-22s %14s %14s %9s\n", "", "estimate", "simulated", "error");
        /* the static part follows the makespan; the rest of the energy is counted
           the same way by both */
        const char *names[] = {"makespan_ms", "throughput/s", "energy_J", "  static_J", "EDP_Js"};
        double ev[] = {est->makespan_s * 1e3, est->throughput_per_s, est->energy_j,
                       est->e_static_j, est->edp_js};
        double sv[] = {sim->makespan_s * 1e3, sim->throughput_per_s, sim->energy_j,
                       sim->e_static_j, sim->edp_js};
        for (int i = 0; i < 5; i++)
            fprintf(out, "%-22s %14.6g %14.6g %+8.1f%%\n", names[i], ev[i], sv[i],
                    100 * rep_rel_err(ev[i], sv[i]));
        fprintf(out, "\n%-22s %14s %14s %9s\n", "model latency_ms", "estimate", "simulated", "error");
    }
    json_t *arr = json ? json_array() : NULL;
    for (int m = 0; m < est->nmodels; m++) {
        double a = est->models[m].latency_s, b = sim->models[m].latency_s;
        if (json) {
            json_t *o = pair_json(a, b);
            json_object_set_new(o, "name", json_string(est->models[m].name));
            json_object_set_new(o, "minibatch", json_integer(model_minibatch(s, m)));
            json_array_append_new(arr, o);
        } else {
            fprintf(out, "%-22s %14.6f %14.6f %+8.1f%%\n", est->models[m].name, a * 1e3, b * 1e3,
                    100 * rep_rel_err(a, b));
        }
    }
    if (json) {
        json_object_set_new(j, "models", arr);
        arr = json_array();
    } else {
        fprintf(out, "\n%-22s %14s %14s %9s\n", "window duration_ms", "estimate", "simulated", "error");
    }
    for (int w = 0; w < est->nwindows; w++) {
        double a = est->window_s[w], b = sim->window_s[w];
        if (json) {
            json_t *o = pair_json(a, b);
            json_object_set_new(o, "minibatch", window_minibatch_json(scn, s, w));
            json_array_append_new(arr, o);
        } else {
            fprintf(out, "%-22d %14.6f %14.6f %+8.1f%%\n", w + 1, a * 1e3, b * 1e3, 100 * rep_rel_err(a, b));
        }
    }
    if (json) {
        json_object_set_new(j, "windows", arr);
        arr = json_array();
    } else {
        fprintf(out, "\nsegment latency per mini-batch (ms)\n%-3s %-10s %-26s %-8s %11s %11s %9s  %s\n",
                "win", "model", "layers", "chiplet", "estimate", "simulated", "error", "cause");
    }
    for (int i = 0; i < est->nsegs; i++) {
        const res_seg *es = &est->segs[i], *ss = &sim->segs[i];
        rep_gap_cause(p, est, sim, i, cause, sizeof cause);
        if (json) {
            json_t *o = pair_json(es->latency_s, ss->latency_s);
            json_object_set_new(o, "window", json_integer(es->window + 1));
            json_object_set_new(o, "model", json_string(scn->models[es->model].name));
            json_object_set_new(o, "layers", json_string(rep_seg_layers(scn, es, buf, sizeof buf)));
            json_object_set_new(o, "chiplet", json_string(p->chiplets[es->chiplet].name));
            json_object_set_new(o, "minibatch", json_integer(part_minibatch(s, es->window, es->model)));
            json_object_set_new(o, "cause", json_string(cause));
            json_array_append_new(arr, o);
        } else {
            fprintf(out, "%-3d %-10s %-26s %-8s %11.4f %11.4f %+8.1f%%  %s\n", es->window + 1,
                    scn->models[es->model].name, rep_seg_layers(scn, es, buf, sizeof buf),
                    p->chiplets[es->chiplet].name, es->latency_s * 1e3, ss->latency_s * 1e3,
                    100 * rep_rel_err(es->latency_s, ss->latency_s), cause);
        }
    }
    int *idx = malloc((size_t)sim->nlinks * sizeof *idx + 1);
    if (!idx) {
        json_decref(j);
        json_decref(arr);
        return ERR_INTERNAL;
    }
    int n = rep_busy_links(sim, idx), lw = link_width(p, idx, n < 8 ? n : 8);
    if (json) {
        json_object_set_new(j, "segments", arr);
        arr = json_array();
    } else {
        fprintf(out, "\n%-*s %12s %12s %10s %10s %11s\n", lw, "busiest links", "est_busy_ms", "sim_busy_ms",
                "est_util", "sim_util", "peak_flows");
    }
    for (int i = 0; i < n && i < 8; i++) {
        int l = idx[i];
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "name", json_string(p->links[l].name));
            json_object_set_new(o, "busy_s", pair_json(est->links[l].busy_s, sim->links[l].busy_s));
            json_object_set_new(o, "utilization",
                                pair_json(est->links[l].utilization, sim->links[l].utilization));
            json_object_set_new(o, "peak_flows", json_integer(sim->links[l].peak_flows));
            json_array_append_new(arr, o);
        } else {
            fprintf(out, "%-*s %12.6f %12.6f %9.1f%% %9.1f%% %11d\n", lw, p->links[l].name,
                    est->links[l].busy_s * 1e3, sim->links[l].busy_s * 1e3,
                    100 * est->links[l].utilization, 100 * sim->links[l].utilization,
                    sim->links[l].peak_flows);
        }
    }
    free(idx);
    if (json) {
        json_object_set_new(j, "links", arr);
        return rep_print_json(out, j);
    }
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}
