/* report_traffic.c - the table and the JSON of `mcmsim traffic`. */
#include <stdlib.h>
#include <string.h>
#include "report.h"

static json_t *traffic_json(const plat_t *p, const char *pattern, const trun_result *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "platform", json_string(p->name));
    json_object_set_new(j, "pattern", json_string(pattern));
    json_object_set_new(j, "nop", json_string(r->level->name));
    json_object_set_new(j, "nodes", json_integer(r->nnodes));
    json_object_set_new(j, "packets", json_integer(r->packets));
    json_object_set_new(j, "packet_flits", json_integer(r->packet_flits));
    json_object_set_new(j, "flit_bytes", rep_count_json(r->flit_bytes));
    json_object_set_new(j, "cycle_s", json_real(r->cycle_s));
    json_object_set_new(j, "drain_s", json_real(r->drain_s));
    json_object_set_new(j, "drain_cycles", rep_count_json(r->drain_s / r->cycle_s));
    if (r->mean_latency_s > 0) {
        json_object_set_new(j, "mean_latency_s", json_real(r->mean_latency_s));
        json_object_set_new(j, "mean_hops", json_real(r->mean_hops));
    }
    json_t *src = json_array();
    for (int i = 0; i < r->nnodes; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "node", json_integer(i));
        json_object_set_new(o, "name", json_string(r->node_names[i]));
        json_object_set_new(o, "finish_s", json_real(r->finish_s[i]));
        json_array_append_new(src, o);
    }
    json_object_set_new(j, "sources", src);
    json_t *links = json_array();
    for (int l = 0; l < r->nlinks; l++) {
        const trun_link *lk = &r->links[l];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(lk->name));
        json_object_set_new(o, "kind", json_string(lk->kind));
        json_object_set_new(o, "bytes", rep_count_json(lk->bytes));
        json_object_set_new(o, "busy_s", json_real(lk->busy_s));
        json_object_set_new(o, "utilization", json_real(lk->utilization));
        json_array_append_new(links, o);
    }
    json_object_set_new(j, "links", links);
    return j;
}

typedef struct {
    double utilization;
    int index;
} link_rank;

/* Busiest first, ties in table order: a stable listing. */
static int by_load(const void *a, const void *b)
{
    const link_rank *x = a, *y = b;
    if (x->utilization != y->utilization)
        return x->utilization > y->utilization ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

int rep_traffic(FILE *out, const plat_t *p, const char *pattern, const trun_result *r, int json)
{
    if (json)
        return rep_print_json(out, traffic_json(p, pattern, r));
    double us = 1e6;
    fprintf(out, "Traffic %s on %s (%s level): %d nodes, %ld packets of %ld flits of %g B each\n\n",
            pattern, p->name, r->level->name, r->nnodes, r->packets, r->packet_flits,
            r->flit_bytes);
    fprintf(out, "drain        %14.6f us  %12.0f NoP cycles of %g ns\n", r->drain_s * us,
            r->drain_s / r->cycle_s, r->cycle_s * 1e9);
    if (r->mean_latency_s > 0)
        fprintf(out, "mean packet  %14.6f us  %12.1f cycles, %.3f hops\n", r->mean_latency_s * us,
                r->mean_latency_s / r->cycle_s, r->mean_hops);
    fprintf(out, "\n%-5s %-10s %14s %12s\n", "node", "name", "finish_us", "cycles");
    for (int i = 0; i < r->nnodes; i++)
        fprintf(out, "%-5d %-10s %14.6f %12.0f\n", i, r->node_names[i], r->finish_s[i] * us,
                r->finish_s[i] / r->cycle_s);
    int w = 16;
    for (int l = 0; l < r->nlinks; l++)
        if (r->links[l].bytes > 0 && (int)strlen(r->links[l].name) > w)
            w = (int)strlen(r->links[l].name);
    fprintf(out, "\n%-*s %14s %14s %6s\n", w, "link", "MB", "busy_us", "util");
    link_rank *rank = malloc((size_t)r->nlinks * sizeof *rank + 1);
    if (!rank)
        return ERR_INTERNAL;
    int n = 0;
    for (int l = 0; l < r->nlinks; l++)
        if (r->links[l].bytes > 0)
            rank[n++] = (link_rank){r->links[l].utilization, l};
    qsort(rank, (size_t)n, sizeof *rank, by_load);
    for (int i = 0; i < n; i++) {
        const trun_link *lk = &r->links[rank[i].index];
        fprintf(out, "%-*s %14.3f %14.6f %5.1f%%\n", w, lk->name, lk->bytes / 1e6, lk->busy_s * us,
                100 * lk->utilization);
    }
    free(rank);
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}
