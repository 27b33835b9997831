/* serve_search.c - a schedule chosen for serving; see serve.h.
 *
 * `search` ranks schedules of the scenario's batches by one objective; none
 * of its objectives is a service's. So each objective's winner is served on
 * the same requests, and the one that serves best is kept: the most
 * requests within the SLOs, then the most tokens per second, then the least
 * energy per token (then the objectives' order). */
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

int srv_search(const plat_t *p, const scn_t *scn, const search_opts *so, int all_objectives,
               const srv_stream *st, const srv_opts *o, sched_t *best, srv_result *r,
               srv_searched *sr, err_t *e)
{
    int n = all_objectives ? OBJ_EDP + 1 : 1, rc = ERR_OK;
    memset(sr, 0, sizeof *sr);
    memset(r, 0, sizeof *r);
    memset(best, 0, sizeof *best);
    if (!(sr->cand = calloc((size_t)n, sizeof *sr->cand)))
        return err_internal(e, "out of memory");
    sr->chosen = -1;
    for (int i = 0; !rc && i < n; i++) {
        search_opts one = *so;
        if (all_objectives)
            one.objective = (search_objective)i;
        search_result res;
        srv_result served;
        if ((rc = search_run(p, scn, &one, &res, e)))
            break;
        if (!(rc = srv_run(p, scn, &res.best, st, o, &served, e))) {
            sr->cand[sr->n++] = (srv_candidate){
                .objective = one.objective, .tokens_per_s = served.tokens_per_s,
                .slo_attainment = served.slo_attainment, .ttft_p99_s = served.ttft_p99_s,
                .tpot_p99_s = served.tpot_p99_s, .energy_per_token_j = served.energy_per_token_j,
                .overloaded = served.overloaded};
            if (sr->chosen < 0 || better(&served, r)) {
                sr->chosen = sr->n - 1;
                srv_result_free(r);
                *r = served;
                sched_free(best);
                *best = res.best;
                memset(&res.best, 0, sizeof res.best);
            } else {
                srv_result_free(&served);
            }
        }
        search_result_free(&res);
    }
    if (rc) {
        srv_result_free(r);
        sched_free(best);
        srv_searched_free(sr);
    }
    return rc;
}
