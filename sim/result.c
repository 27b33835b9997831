/* result.c - allocation and the derived totals of a result; see result.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "result.h"

int res_init(res_result *r, const plat_t *p, const scn_t *scn, const sched_t *s)
{
    memset(r, 0, sizeof *r);
    r->nwindows = s->nwindows;
    r->nmodels = scn->nmodels;
    r->nchiplets = p->nchiplets;
    r->nlinks = p->nlinks;
    for (int w = 0; w < s->nwindows; w++) {
        r->nparts += s->windows[w].nparts;
        for (int i = 0; i < s->windows[w].nparts; i++)
            for (int k = 0; k < s->windows[w].parts[i].nsegs; k++)
                r->nsegs += sched_seg_slices(&s->windows[w].parts[i], k);
    }
    r->window_s = calloc((size_t)r->nwindows + 1, sizeof *r->window_s);
    r->parts = calloc((size_t)r->nparts + 1, sizeof *r->parts);
    r->segs = calloc((size_t)r->nsegs + 1, sizeof *r->segs);
    r->models = calloc((size_t)r->nmodels + 1, sizeof *r->models);
    r->chiplets = calloc((size_t)r->nchiplets + 1, sizeof *r->chiplets);
    r->links = calloc((size_t)r->nlinks + 1, sizeof *r->links);
    if (!r->window_s || !r->parts || !r->segs || !r->models || !r->chiplets || !r->links) {
        res_free(r);
        return ERR_INTERNAL;
    }
    int np = 0, ns = 0;
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++) {
            const sched_part *pt = &s->windows[w].parts[i];
            r->parts[np].window = w;
            r->parts[np++].model = pt->model;
            for (int k = 0; k < pt->nsegs; k++)
                for (int j = 0; j < sched_seg_slices(pt, k); j++) {
                    res_seg *rs = &r->segs[ns++];
                    rs->window = w, rs->part = i, rs->seg = k;
                    rs->slice = j, rs->nslices = sched_seg_slices(pt, k);
                    rs->model = pt->model;
                    rs->chiplet = sched_seg_chiplet(pt, k, j);
                    rs->first = pt->segs[k].first;
                    rs->last = pt->segs[k].last;
                    rs->busiest_in = -1;
                }
        }
    for (int m = 0; m < scn->nmodels; m++) {
        snprintf(r->models[m].name, sizeof r->models[m].name, "%s", scn->models[m].name);
        r->models[m].batch = scn->models[m].batch;
    }
    return ERR_OK;
}

void res_free(res_result *r)
{
    for (int m = 0; r->models && m < r->nmodels; m++)
        free(r->models[m].minibatch_done_s);
    for (int l = 0; r->links && l < r->nlinks; l++)
        free(r->links[l].series);
    free(r->window_s);
    free(r->parts);
    free(r->segs);
    free(r->models);
    free(r->chiplets);
    free(r->links);
    free(r->events);
    memset(r, 0, sizeof *r);
}

int res_add_event(res_result *r, const res_event *ev)
{
    if (r->nevents == r->cap_events) {
        int cap = r->cap_events ? 2 * r->cap_events : 256;
        res_event *nv = realloc(r->events, (size_t)cap * sizeof *nv);
        if (!nv)
            return ERR_INTERNAL;
        r->events = nv;
        r->cap_events = cap;
    }
    r->events[r->nevents++] = *ev;
    return ERR_OK;
}

/* The total as est_quick sums it (the power first, then times the
   makespan), so that a search's figure and the full result's agree. */
void res_add_static(res_result *r, const double *powered_w)
{
    double w = 0;
    for (int c = 0; c < r->nchiplets; c++) {
        w += powered_w[c];
        r->chiplets[c].energy_j += powered_w[c] * r->makespan_s;
    }
    r->e_static_j = w * r->makespan_s;
}

void res_finish(res_result *r, const scn_t *scn)
{
    r->energy_j = r->e_mac_j + r->e_l1_j + r->e_l2_j + r->e_nop_j + r->e_dram_j + r->e_static_j;
    r->edp_js = r->energy_j * r->makespan_s;
    double samples = 0;
    for (int m = 0; m < r->nmodels; m++) {
        res_model *rm = &r->models[m];
        samples += (double)scn->models[m].batch;
        rm->throughput_per_s = rm->latency_s > 0 ? (double)rm->batch / rm->latency_s : 0;
    }
    double t = r->makespan_s;
    r->throughput_per_s = t > 0 ? samples / t : 0;
    for (int c = 0; c < r->nchiplets; c++)
        r->chiplets[c].utilization = t > 0 ? r->chiplets[c].busy_s / t : 0;
    for (int l = 0; l < r->nlinks; l++)
        r->links[l].utilization = t > 0 ? r->links[l].busy_s / t : 0;
}
