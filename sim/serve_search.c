/* serve_search.c - a schedule chosen for serving; see serve.h.
 *
 * `search` ranks schedules of the scenario's batches by one objective; none
 * of its objectives is a service's. So each objective's winner is served on
 * the same requests, and the one that serves best is kept: the most
 * requests within the SLOs, then the most tokens per second, then the least
 * energy per token (then the objectives' order).
 *
 * With DISAGGREGATE, each winner is also served disaggregated: its GPT-2
 * models' decode on the chiplets it leaves idle that have a dataflow it
 * runs them on (the search found those fit them; a decode on another kind,
 * an output-stationary chiplet for a matrix-vector step, can be a hundred
 * times slower), shared out in chiplet order, one model's share cut into
 * segments of about equal weight bytes,
 * its windows unchanged; the variant is ranked by the same rule, after its
 * winner. A winner that leaves no idle chiplet for every such model has no
 * variant. */
#include <stdlib.h>
#include <string.h>
#include "search.h"
#include "serve.h"

void srv_searched_free(srv_searched *sr)
{
    free(sr->cand);
    memset(sr, 0, sizeof *sr);
}

/* A served better than B. */
static int better(const srv_result *a, const srv_result *b)
{
    if (a->slo_attainment != b->slo_attainment)
        return a->slo_attainment > b->slo_attainment;
    if (a->tokens_per_s != b->tokens_per_s)
        return a->tokens_per_s > b->tokens_per_s;
    return a->energy_per_token_j < b->energy_per_token_j;
}

/* Serves CAND, found under objective OBJ, as a candidate; keeps it in
   BEST (taking it over, CAND zeroed) when it serves best so far. */
static int consider(const plat_t *p, const scn_t *scn, const srv_stream *st, const srv_opts *o,
                    search_objective obj, sched_t *cand, sched_t *best, srv_result *r,
                    srv_searched *sr, err_t *e)
{
    srv_result served;
    int rc = srv_run(p, scn, cand, st, o, &served, e);
    if (rc)
        return rc;
    sr->cand[sr->n++] = (srv_candidate){
        .objective = obj, .disaggregated = served.disaggregated,
        .tokens_per_s = served.tokens_per_s, .slo_attainment = served.slo_attainment,
        .ttft_p99_s = served.ttft_p99_s, .tpot_p99_s = served.tpot_p99_s,
        .energy_per_token_j = served.energy_per_token_j, .overloaded = served.overloaded};
    if (sr->chosen >= 0 && !better(&served, r)) {
        srv_result_free(&served);
        return ERR_OK;
    }
    sr->chosen = sr->n - 1;
    srv_result_free(r);
    *r = served;
    sched_free(best);
    *best = *cand;
    memset(cand, 0, sizeof *cand);
    return ERR_OK;
}

/* M's layers in N segments of about equal weight bytes, segment K on CHIPS[K]. */
static void cut(const wl_model *m, int n, const int *chips, sched_seg *segs)
{
    double total = 0, sum = 0;
    for (int l = 0; l < m->nlayers; l++)
        total += m->layers[l].weight_bytes;
    int l = 0;
    for (int k = 0; k < n; k++) {
        segs[k] = (sched_seg){.first = l, .last = l, .chiplet = chips[k]};
        sum += m->layers[l].weight_bytes;
        /* leave a layer for each segment after this one */
        while (segs[k].last + 1 < m->nlayers - (n - 1 - k) &&
               (k == n - 1 || sum + m->layers[segs[k].last + 1].weight_bytes <= total * (k + 1) / n))
            sum += m->layers[++segs[k].last].weight_bytes;
        l = segs[k].last + 1;
    }
}

int srv_variant(const plat_t *p, const scn_t *scn, const sched_t *w, sched_t *v, int *made,
                err_t *e)
{
    int nch = p->nchiplets, nidle = 0, nllm = 0, rc;
    int *idle = calloc((size_t)nch, sizeof *idle);
    if (!idle)
        return err_internal(e, "out of memory");
    for (int c = 0; c < nch; c++)
        idle[c] = 1;
    unsigned kinds = 0;          /* the dataflows the winner runs its LLMs on */
    for (int x = 0; x < w->nwindows; x++)
        for (int i = 0; i < w->windows[x].nparts; i++) {
            const sched_part *pt = &w->windows[x].parts[i];
            for (int k = 0; k < pt->nsegs; k++)
                for (int j = 0; j < sched_seg_slices(pt, k); j++) {
                    int c = sched_seg_chiplet(pt, k, j);
                    idle[c] = 0;
                    if (scn->models[pt->model].llm)
                        kinds |= 1u << p->chiplets[c].dataflow;
                }
        }
    for (int c = 0; c < nch; c++)
        if (idle[c] && (kinds >> p->chiplets[c].dataflow & 1))
            idle[nidle++] = c;
    for (int m = 0; m < scn->nmodels; m++)
        nllm += scn->models[m].llm;
    *made = nllm > 0 && nidle >= nllm;
    if (!*made || (rc = sched_copy(v, w))) {
        free(idle);
        return *made ? err_internal(e, "out of memory") : ERR_OK;
    }
    free(v->decode.parts); /* W's, empty */
    if (!(v->decode.parts = calloc((size_t)nllm, sizeof *v->decode.parts)))
        rc = err_internal(e, "out of memory");
    for (int m = 0, i = 0; !rc && m < scn->nmodels; m++) {
        if (!scn->models[m].llm)
            continue;
        const wl_model *wm = &scn->models[m].model;
        int a = i * nidle / nllm, b = (i + 1) * nidle / nllm, n = b - a;
        n = n < wm->nlayers ? n : wm->nlayers;
        sched_part *pt = &v->decode.parts[v->decode.nparts++];
        *pt = (sched_part){.model = m, .minibatch = scn->models[m].batch, .nsegs = n};
        if (!(pt->segs = calloc((size_t)n, sizeof *pt->segs)))
            rc = err_internal(e, "out of memory");
        else
            cut(wm, n, idle + a, pt->segs);
        i++;
    }
    free(idle);
    if (!rc)
        rc = sched_validate(p, scn, v, e);
    if (rc)
        sched_free(v);
    return rc;
}

int srv_search(const plat_t *p, const scn_t *scn, const search_opts *so, int all_objectives,
               int disaggregate, const srv_stream *st, const srv_opts *o, sched_t *best,
               srv_result *r, srv_searched *sr, err_t *e)
{
    int n = all_objectives ? OBJ_EDP + 1 : 1, rc = ERR_OK;
    memset(sr, 0, sizeof *sr);
    memset(r, 0, sizeof *r);
    memset(best, 0, sizeof *best);
    if (!(sr->cand = calloc((size_t)n * 2, sizeof *sr->cand)))
        return err_internal(e, "out of memory");
    sr->chosen = -1;
    for (int i = 0; !rc && i < n; i++) {
        search_opts one = *so;
        if (all_objectives)
            one.objective = (search_objective)i;
        search_result res;
        sched_t v = {0};
        int made = 0;
        if ((rc = search_run(p, scn, &one, &res, e)))
            break;
        if (disaggregate)
            rc = srv_variant(p, scn, &res.best, &v, &made, e);
        if (!rc)
            rc = consider(p, scn, st, o, one.objective, &res.best, best, r, sr, e);
        if (!rc && made)
            rc = consider(p, scn, st, o, one.objective, &v, best, r, sr, e);
        sched_free(&v);
        search_result_free(&res);
    }
    if (rc) {
        srv_result_free(r);
        sched_free(best);
        srv_searched_free(sr);
    }
    return rc;
}
