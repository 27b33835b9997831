/* des_flows.c - a plan as flows: which bytes move between which hosts, how
 * often, over which route, and which flows each segment reads and writes.
 *
 * Same-chiplet edges (and edges of no bytes) are flows that no mover
 * carries: only an order, the producer's output buffer being the
 * consumer's input buffer. */
#include <stdlib.h>
#include <string.h>
#include "des_int.h"

static int add_flow(des_ctx *c, flow_kind kind, int src, int dst, int dram, double bytes)
{
    const plan_t *pl = c->pl;
    int nc = c->p->nchiplets;
    int route_cap = nop_route_cap(c->p);
    des_flow *f = &c->flows[c->nflows];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->src = src;
    f->dst = dst;
    f->layer = -1;
    f->bytes = bytes;
    f->from = src >= 0 ? pl->segs[src].chiplet : nc + dram;
    f->to = dst >= 0 ? pl->segs[dst].chiplet : nc + dram;
    f->moved = f->from != f->to && bytes > 0;
    const plan_seg *owner = &pl->segs[dst >= 0 ? dst : src];
    f->window = owner->window;
    f->n = kind == FLOW_WEIGHT && owner->resident ? 1 : owner->nminibatches;
    f->route0 = c->nflows * route_cap;
    if (f->moved) {
        f->nroute = nop_route(c->p, f->from, f->to, c->route + f->route0);
        f->latency_s = c->level->latency(c->p, c->route + f->route0, f->nroute);
        f->rec0 = c->nxfer;
        c->nxfer += f->n;
    }
    return c->nflows++;
}

/* A producer's output edge is the flow its consumer's input edge made, or,
   when the consumer does not list it, a flow nobody consumes: the producer
   then runs out of output buffers, which the simulation reports as a
   deadlock, as it does for inputs that no producer lists. */
static int pair_output(des_ctx *c, int si, const plan_edge *ed)
{
    const des_segrt *cons = &c->seg[ed->seg];
    for (int k = 0; k < cons->nin; k++) {
        des_flow *f = &c->flows[c->ins[cons->in0 + k]];
        if (f->kind == FLOW_SEG && f->src == si && f->layer == ed->layer && !f->paired) {
            f->paired = 1;
            return c->ins[cons->in0 + k];
        }
    }
    int id = add_flow(c, FLOW_SEG, si, ed->seg, -1, ed->bytes);
    c->flows[id].layer = ed->layer;
    c->flows[id].paired = 1;
    return id;
}

int des_build_flows(des_ctx *c)
{
    const plan_t *pl = c->pl;
    int cap = 0;
    for (int i = 0; i < pl->nsegs; i++)
        cap += pl->segs[i].nin + pl->segs[i].nout + 2;
    int route_cap = nop_route_cap(c->p);
    c->flows = calloc((size_t)cap + 1, sizeof *c->flows);
    c->ins = calloc((size_t)cap + 1, sizeof *c->ins);
    c->outs = calloc((size_t)cap + 1, sizeof *c->outs);
    c->route = calloc((size_t)cap * (size_t)route_cap + 1, sizeof *c->route);
    c->seg = calloc((size_t)pl->nsegs + 1, sizeof *c->seg);
    if (!c->flows || !c->ins || !c->outs || !c->route || !c->seg)
        return ERR_INTERNAL;
    int nins = 0, nouts = 0;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        des_segrt *rt = &c->seg[si];
        rt->in0 = nins;
        rt->weights = -1;
        rt->wait_flow = -1;
        rt->mb0 = c->nmb;
        c->nmb += ps->nminibatches;
        for (int j = 0; j < ps->nin; j++) {
            const plan_edge *ed = &ps->in[j];
            if (ed->kind == PLAN_SEG) {
                int id = add_flow(c, FLOW_SEG, ed->seg, si, -1, ed->bytes);
                c->flows[id].layer = ed->layer;
                c->ins[nins++] = id;
            } else if (ed->bytes > 0) {
                c->ins[nins++] = add_flow(c, FLOW_DRAM_IN, -1, si, ed->dram, ed->bytes);
            }
        }
        if (ps->gather_bytes > 0)
            c->ins[nins++] = add_flow(c, FLOW_GATHER, -1, si, ps->dram, ps->gather_bytes);
        if (ps->weight_bytes > 0)
            rt->weights = add_flow(c, FLOW_WEIGHT, -1, si, ps->dram, ps->weight_bytes);
        rt->nin = nins - rt->in0;
    }
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        des_segrt *rt = &c->seg[si];
        rt->out0 = nouts;
        for (int j = 0; j < ps->nout; j++) {
            const plan_edge *ed = &ps->out[j];
            if (ed->kind == PLAN_SEG)
                c->outs[nouts++] = pair_output(c, si, ed);
            else if (ed->bytes > 0)
                c->outs[nouts++] = add_flow(c, FLOW_DRAM_OUT, si, -1, ed->dram, ed->bytes);
        }
        rt->nout = nouts - rt->out0;
    }
    c->xfer = calloc((size_t)c->nxfer + 1, sizeof *c->xfer);
    c->cs = calloc((size_t)c->nmb + 1, sizeof *c->cs);
    c->ce = calloc((size_t)c->nmb + 1, sizeof *c->ce);
    c->party = calloc((size_t)(pl->nsegs + c->nflows) + 1, sizeof *c->party);
    c->win_start = calloc((size_t)pl->nwindows + 1, sizeof *c->win_start);
    c->win_end = calloc((size_t)pl->nwindows + 1, sizeof *c->win_end);
    c->hosts = calloc((size_t)c->nhosts + 1, sizeof *c->hosts);
    if (!c->xfer || !c->cs || !c->ce || !c->party || !c->win_start || !c->win_end || !c->hosts)
        return ERR_INTERNAL;
    return ERR_OK;
}

void des_ctx_free(des_ctx *c)
{
    if (c->net)
        c->level->close(c->net);
    free(c->flows);
    free(c->ins);
    free(c->outs);
    free(c->route);
    free(c->seg);
    free(c->xfer);
    free(c->cs);
    free(c->ce);
    free(c->party);
    free(c->win_start);
    free(c->win_end);
    free(c->hosts);
}
