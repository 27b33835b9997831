/* wire.c - buffers and the result's encoding; see wire.h. */
#include <stdlib.h>
#include <string.h>
#include "wire.h"

void wire_put(wire_t *w, const void *src, size_t n)
{
    if (w->failed || n == 0) /* empty arrays may be NULL */
        return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n)
            cap *= 2;
        unsigned char *nb = realloc(w->b, cap);
        if (!nb) {
            w->failed = 1;
            return;
        }
        w->b = nb;
        w->cap = cap;
    }
    memcpy(w->b + w->n, src, n);
    w->n += n;
}

int wire_get(wire_t *w, void *dst, size_t n)
{
    if (w->failed || w->n - w->pos < n) {
        w->failed = 1;
        return -1;
    }
    if (n == 0)
        return 0;
    memcpy(dst, w->b + w->pos, n);
    w->pos += n;
    return 0;
}

void wire_free(wire_t *w)
{
    free(w->b);
    memset(w, 0, sizeof *w);
}

/* The counts first, so that the receiver can refuse a shape it did not
   allocate before it reads any array. */
void wire_put_result(wire_t *w, const res_result *r)
{
    int shape[6] = {r->nwindows, r->nparts, r->nsegs, r->nmodels, r->nchiplets, r->nlinks};
    wire_put(w, shape, sizeof shape);
    double totals[10] = {r->makespan_s, r->energy_j,   r->e_mac_j,  r->e_l1_j,
                         r->e_l2_j,     r->e_nop_j,    r->e_dram_j, r->e_static_j,
                         r->edp_js,     r->throughput_per_s};
    wire_put(w, &r->simulated, sizeof r->simulated);
    wire_put(w, r->nop, sizeof r->nop);
    wire_put(w, totals, sizeof totals);
    wire_put(w, r->window_s, (size_t)r->nwindows * sizeof *r->window_s);
    wire_put(w, r->parts, (size_t)r->nparts * sizeof *r->parts);
    wire_put(w, r->segs, (size_t)r->nsegs * sizeof *r->segs);
    wire_put(w, r->chiplets, (size_t)r->nchiplets * sizeof *r->chiplets);
    for (int m = 0; m < r->nmodels; m++) {
        const res_model *rm = &r->models[m];
        wire_put(w, &rm->latency_s, sizeof rm->latency_s);
        wire_put(w, &rm->throughput_per_s, sizeof rm->throughput_per_s);
        wire_put(w, &rm->nminibatches, sizeof rm->nminibatches);
        wire_put(w, rm->minibatch_done_s, (size_t)rm->nminibatches * sizeof *rm->minibatch_done_s);
    }
    for (int l = 0; l < r->nlinks; l++) {
        const res_link *rl = &r->links[l];
        wire_put(w, &rl->bytes, sizeof rl->bytes);
        wire_put(w, &rl->busy_s, sizeof rl->busy_s);
        wire_put(w, &rl->utilization, sizeof rl->utilization);
        wire_put(w, &rl->peak_flows, sizeof rl->peak_flows);
        wire_put(w, &rl->bucket_s, sizeof rl->bucket_s);
        wire_put(w, &rl->nseries, sizeof rl->nseries);
        wire_put(w, rl->series, (size_t)rl->nseries * sizeof *rl->series);
    }
    wire_put(w, &r->nevents, sizeof r->nevents);
    wire_put(w, r->events, (size_t)r->nevents * sizeof *r->events);
}

/* A count of doubles that the rest of the buffer can hold: a corrupt
   count must not become a huge allocation. */
static int get_count(wire_t *w, int *n)
{
    if (wire_get(w, n, sizeof *n) || *n < 0 || (size_t)*n > (w->n - w->pos) / sizeof(double)) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

static int get_doubles(wire_t *w, int n, double **out)
{
    *out = malloc(((size_t)n + 1) * sizeof **out);
    if (!*out) {
        w->failed = 1;
        return -1;
    }
    return wire_get(w, *out, (size_t)n * sizeof **out);
}

int wire_get_result(wire_t *w, res_result *r)
{
    int shape[6];
    double totals[10];
    if (wire_get(w, shape, sizeof shape) || shape[0] != r->nwindows || shape[1] != r->nparts ||
        shape[2] != r->nsegs || shape[3] != r->nmodels || shape[4] != r->nchiplets ||
        shape[5] != r->nlinks || wire_get(w, &r->simulated, sizeof r->simulated) ||
        wire_get(w, r->nop, sizeof r->nop) || wire_get(w, totals, sizeof totals) ||
        wire_get(w, r->window_s, (size_t)r->nwindows * sizeof *r->window_s) ||
        wire_get(w, r->parts, (size_t)r->nparts * sizeof *r->parts) ||
        wire_get(w, r->segs, (size_t)r->nsegs * sizeof *r->segs) ||
        wire_get(w, r->chiplets, (size_t)r->nchiplets * sizeof *r->chiplets))
        return -1;
    r->makespan_s = totals[0], r->energy_j = totals[1];
    r->e_mac_j = totals[2], r->e_l1_j = totals[3], r->e_l2_j = totals[4];
    r->e_nop_j = totals[5], r->e_dram_j = totals[6], r->e_static_j = totals[7];
    r->edp_js = totals[8], r->throughput_per_s = totals[9];
    for (int m = 0; m < r->nmodels; m++) {
        res_model *rm = &r->models[m];
        int n;
        if (wire_get(w, &rm->latency_s, sizeof rm->latency_s) ||
            wire_get(w, &rm->throughput_per_s, sizeof rm->throughput_per_s) || get_count(w, &n) ||
            get_doubles(w, n, &rm->minibatch_done_s))
            return -1;
        rm->nminibatches = n;
    }
    for (int l = 0; l < r->nlinks; l++) {
        res_link *rl = &r->links[l];
        int n;
        if (wire_get(w, &rl->bytes, sizeof rl->bytes) || wire_get(w, &rl->busy_s, sizeof rl->busy_s) ||
            wire_get(w, &rl->utilization, sizeof rl->utilization) ||
            wire_get(w, &rl->peak_flows, sizeof rl->peak_flows) ||
            wire_get(w, &rl->bucket_s, sizeof rl->bucket_s) || get_count(w, &n) ||
            get_doubles(w, n, &rl->series))
            return -1;
        rl->nseries = n;
    }
    int nev;
    if (wire_get(w, &nev, sizeof nev) || nev < 0)
        return -1;
    for (int i = 0; i < nev; i++) {
        res_event ev;
        if (wire_get(w, &ev, sizeof ev) || res_add_event(r, &ev))
            return -1;
    }
    return 0;
}
