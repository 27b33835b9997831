/* des.c - the schedule as a SimGrid simulation; see des.h.
 *
 * How the package becomes SimGrid objects:
 * - chiplets and DRAM channels are hosts (chiplet speed = clock, so one flop
 *   is one cycle); every directed mesh link and every DRAM channel link of
 *   plat_t is one SHARED SimGrid link. A directed mesh link is one direction
 *   of a full-duplex channel, so one link per direction gives each direction
 *   its own bandwidth, which is what SPLITDUPLEX would give, with link
 *   indices that are plat_t's. Routes are plat_route's XY paths.
 * - links have no latency in the XML. CM02 weights a flow's bandwidth share
 *   by its route latency (TCP's round-trip unfairness); NoP routers and DRAM
 *   controllers arbitrate round-robin, so every flow must weigh the same,
 *   which zero-latency links give: k flows on one link get 1/k of it each.
 *   The route latency (hops x hop latency, + the DRAM latency) is added
 *   after the bytes: a transfer occupies its links from its start until its
 *   last byte has left, and arrives a route latency later (cut-through).
 *   Whoever needs the data sleeps until then if it must, rather than the
 *   mover after every transfer: a sleep costs an event.
 * - one actor per segment on its chiplet: per mini-batch it waits for its
 *   inputs and weights, for room in its output buffers, computes, then hands
 *   its outputs on. Two segments on one chiplet share its speed.
 * - one mover actor per stream of bytes (an edge to another chiplet, a DRAM
 *   read, a DRAM write) carries one mini-batch after another with
 *   sg_host_sendto: no rendez-vous holds the bytes back, and the mover
 *   measures each transfer where it happens. Two buffers at each end bound
 *   a stream to two mini-batches in flight: the L2 double buffer that lets
 *   mini-batch i+1 move while i is computed, and the back-pressure that
 *   stalls a producer whose consumer lags.
 * - same-chiplet edges (and edges of no bytes) are only an order: the
 *   producer's output buffer is the consumer's input buffer.
 * - a controller runs the windows one after another.
 *
 * Synchronisation: the engine runs one actor at a time and switches only in
 * SimGrid calls, so actors share plain counters (mini-batches produced,
 * moved, consumed per flow) and check them without a simcall. An actor that
 * must wait notes which flow it waits for and suspends itself; whoever
 * advances that flow resumes it, a mover (which waits for both ends of its
 * flow) only once it can carry its next mini-batch. Simcalls thus happen
 * only where an actor really blocks, and suspend/resume costs a third of a semaphore handoff,
 * which keeps the event rate near plain SimGrid's. No wake-up is lost: the
 * waker can only see the note if it runs after the waiter did, and the
 * engine handles the simcalls of one scheduling round in the order the
 * actors ran (SimGrid keeps that order fixed for reproducibility), so the
 * suspend is handled before the resume.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/semaphore.h>
#include <xbt/config.h>
#include <xbt/log.h>

#include "des.h"

enum { DES_BUFFERS = 2, DES_DEFAULT_BUCKETS = 100 };
static const uint32_t DES_MAGIC = 0x4d434d44u; /* "MCMD": frames the child's answer */

typedef enum { FLOW_SEG, FLOW_DRAM_IN, FLOW_GATHER, FLOW_WEIGHT, FLOW_DRAM_OUT } flow_kind;

/* One stream of bytes between two ends, one transfer per mini-batch. */
typedef struct {
    flow_kind kind;
    int src, dst;          /* producing / consuming segment; -1 is DRAM */
    int layer;             /* FLOW_SEG: producer layer, pairs the two ends' edges */
    int paired;            /* FLOW_SEG: the producer lists it among its outputs */
    int moved;             /* bytes cross links: a mover carries them */
    int window;            /* when its mover runs */
    int from, to;          /* hosts: chiplets, then DRAM channels */
    double bytes, latency_s;
    int route0, nroute;    /* its links in des_ctx.route */
    long n;                /* transfers */
    long rec0;             /* its first transfer in des_ctx.xfer */
    long produced, moved_n, consumed; /* mini-batches computed, carried, used up */
} des_flow;

typedef struct {
    double start, end;     /* the bytes flow; they arrive a route latency after END */
} des_xfer;

struct des_ctx;

/* An actor (a segment or a flow's mover): its data, and which flow it
   waits for, if any: only news of that flow wakes it. */
typedef struct {
    struct des_ctx *ctx;
    int index;             /* segment or flow */
    sg_actor_t actor;
    int waiting_on;        /* a flow, or -1 */
} des_party;

typedef struct {
    int in0, nin;          /* data inputs in des_ctx.ins */
    int out0, nout;        /* outputs in des_ctx.outs */
    int weights;           /* its weight flow, -1 if none */
    long mb0;              /* its first compute record */
    double wait_input_s, wait_weight_s;
    long done;             /* mini-batches computed */
    int wait_flow;         /* what it blocks on, for the deadlock message */
    int wait_out;          /* ... an output buffer rather than an input */
} des_segrt;

typedef struct des_ctx {
    const plat_t *p;
    const scn_t *scn;
    const plan_t *pl;
    des_fault fault;
    int nhosts;
    sg_host_t *hosts;
    int nflows;
    des_flow *flows;
    int *ins, *outs;
    des_segrt *seg;
    int *route;
    long nxfer;
    des_xfer *xfer;
    long nmb;
    double *cs, *ce;       /* compute start and end per (segment, mini-batch) */
    des_party *party;      /* segments, then the movers of flows */
    double *win_start, *win_end;
    int window;            /* the window running */
    int finished;          /* the controller got through every window */
    sg_sem_t done;         /* one release per actor that ended */
} des_ctx;

static double now(void)
{
    return simgrid_get_clock();
}

static int dram_link(const plat_t *p, int d)
{
    return p->nlinks - p->ndrams + d;
}

/* ---- the model: flows and per-segment lists ---- */

static int flow_route(const des_ctx *c, const des_flow *f, int *out)
{
    const plat_t *p = c->p;
    int nc = p->nchiplets, n = 0;
    if (f->from >= nc) {
        int d = f->from - nc;
        out[n++] = dram_link(p, d);
        return n + plat_route(p, p->drams[d].chiplet, f->to, out + n);
    }
    if (f->to >= nc) {
        int d = f->to - nc;
        n = plat_route(p, f->from, p->drams[d].chiplet, out);
        out[n++] = dram_link(p, d);
        return n;
    }
    return plat_route(p, f->from, f->to, out);
}

static int add_flow(des_ctx *c, flow_kind kind, int src, int dst, int dram, double bytes)
{
    const plan_t *pl = c->pl;
    int nc = c->p->nchiplets;
    int route_cap = c->p->width + c->p->height + 2;
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
        f->nroute = flow_route(c, f, c->route + f->route0);
        for (int i = 0; i < f->nroute; i++)
            f->latency_s += c->p->links[c->route[f->route0 + i]].latency_s;
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

static int build_flows(des_ctx *c)
{
    const plan_t *pl = c->pl;
    int cap = 0;
    for (int i = 0; i < pl->nsegs; i++)
        cap += pl->segs[i].nin + pl->segs[i].nout + 2;
    int route_cap = c->p->width + c->p->height + 2;
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

static void ctx_free(des_ctx *c)
{
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

/* ---- platform XML ---- */

static void host_name(const des_ctx *c, int h, char *buf, size_t size)
{
    if (h < c->p->nchiplets)
        snprintf(buf, size, "c%d", h);
    else
        snprintf(buf, size, "d%d", h - c->p->nchiplets);
}

/* Full routes, and only for the host pairs some flow uses: a mesh of N
   chiplets would otherwise cost N^2 routes to parse. */
static int write_xml(const des_ctx *c, FILE *fp)
{
    const plat_t *p = c->p;
    int n = c->nhosts;
    unsigned char *used = calloc((size_t)n * (size_t)n + 1, 1);
    int *first = malloc(((size_t)n * (size_t)n + 1) * sizeof *first);
    if (!used || !first) {
        free(used);
        free(first);
        return ERR_INTERNAL;
    }
    for (int i = 0; i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        if (f->moved && !used[f->from * n + f->to]) {
            used[f->from * n + f->to] = 1;
            first[f->from * n + f->to] = i;
        }
    }
    fprintf(fp, "<?xml version='1.0'?>\n"
                "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                "<platform version=\"4.1\">\n<zone id=\"mcm\" routing=\"Full\">\n");
    char name[32];
    for (int h = 0; h < n; h++) {
        host_name(c, h, name, sizeof name);
        double speed = h < p->nchiplets ? p->chiplets[h].clock_hz : 1.0;
        fprintf(fp, "<host id=\"%s\" speed=\"%.17gf\"/>\n", name, speed);
    }
    for (int l = 0; l < p->nlinks; l++)
        fprintf(fp, "<link id=\"l%d\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n", l,
                p->links[l].bw);
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            if (!used[a * n + b])
                continue;
            const des_flow *f = &c->flows[first[a * n + b]];
            char bn[32];
            host_name(c, a, name, sizeof name);
            host_name(c, b, bn, sizeof bn);
            fprintf(fp, "<route src=\"%s\" dst=\"%s\" symmetrical=\"NO\">", name, bn);
            for (int k = 0; k < f->nroute; k++)
                fprintf(fp, "<link_ctn id=\"l%d\"/>", c->route[f->route0 + k]);
            fprintf(fp, "</route>\n");
        }
    fprintf(fp, "</zone>\n</platform>\n");
    free(used);
    free(first);
    return ERR_OK;
}

/* Writes the platform to a fresh temporary file; PATH receives its name. */
static int write_platform(const des_ctx *c, char *path, size_t size, err_t *e)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/mcmsim-XXXXXX.xml", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(path, 4);
    if (fd < 0)
        return err_internal(e, "cannot create the SimGrid platform file %s: %s", path,
                            strerror(errno));
    FILE *fp = fdopen(fd, "w");
    if (!fp) {
        close(fd);
        unlink(path);
        return err_internal(e, "cannot write %s: %s", path, strerror(errno));
    }
    int rc = write_xml(c, fp);
    if (ferror(fp))
        rc = ERR_INTERNAL;
    if (fclose(fp) != 0)
        rc = ERR_INTERNAL;
    if (rc) {
        unlink(path);
        return err_internal(e, "cannot write the SimGrid platform file %s", path);
    }
    return ERR_OK;
}

/* ---- actors ---- */

static des_party *seg_party(des_ctx *c, int si)
{
    return &c->party[si];
}

static des_party *mover_party(des_ctx *c, int flow)
{
    return &c->party[c->pl->nsegs + flow];
}

static void notify(des_party *pt, int flow)
{
    if (pt->waiting_on == flow) {
        pt->waiting_on = -1;
        sg_actor_resume(pt->actor);
    }
}

static void block(des_party *pt, int flow)
{
    pt->waiting_on = flow;
    sg_actor_suspend(pt->actor);
}

/* Mini-batch I of F has reached its consumer. */
static int arrived(const des_flow *f, long i)
{
    return (f->moved ? f->moved_n : f->produced) > i;
}

/* The producer of F has a free output buffer for mini-batch I: the one of
   I - 2 has been sent on (or, unmoved, used up by the consumer). */
static int out_free(const des_flow *f, long i)
{
    return (f->moved ? f->moved_n : f->consumed) + DES_BUFFERS > i;
}

/* The mover of F may carry mini-batch I: it is produced, and the consumer
   has a free input buffer for it. */
static int movable(const des_flow *f, long i)
{
    return (f->src < 0 || f->produced > i) && (f->dst < 0 || f->consumed + DES_BUFFERS > i);
}

/* F's producer or consumer side has moved on: wakes whoever waits for that,
   its mover or, unmoved, the segment at the other end, OTHER. A mover waits
   for both sides and is woken only once it can carry its next mini-batch: a
   wake-up that finds nothing to do costs a resume and a suspend. */
static void advanced(des_ctx *c, const des_flow *f, int other)
{
    int id = (int)(f - c->flows);
    if (!f->moved)
        notify(seg_party(c, other), id);
    else if (movable(f, f->moved_n))
        notify(mover_party(c, id), id);
}

/* When the bytes of transfer I of F are at the other end. */
static double arrival(const des_ctx *c, const des_flow *f, long i)
{
    return c->xfer[f->rec0 + i].end + f->latency_s;
}

static void wait_inputs(des_ctx *c, int si, const int *ids, int n, long i)
{
    des_segrt *rt = &c->seg[si];
    rt->wait_out = 0;
    for (int k = 0; k < n; k++) {
        const des_flow *f = &c->flows[ids[k]];
        rt->wait_flow = ids[k];
        while (!arrived(f, i))
            block(seg_party(c, si), ids[k]);
        if (f->moved && now() < arrival(c, f, i))
            sg_actor_sleep_until(arrival(c, f, i));
    }
}

static void seg_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    des_party *me = sg_actor_self_get_data();
    des_ctx *c = me->ctx;
    int si = me->index;
    const plan_seg *ps = &c->pl->segs[si];
    des_segrt *rt = &c->seg[si];
    const int *ins = c->ins + rt->in0, *outs = c->outs + rt->out0;
    des_flow *w = rt->weights >= 0 ? &c->flows[rt->weights] : NULL;
    for (long i = 0; i < ps->nminibatches; i++) {
        double t0 = now();
        wait_inputs(c, si, ins, rt->nin, i);
        double t_in = now();
        if (w && i < w->n)
            wait_inputs(c, si, &rt->weights, 1, i);
        double t_ready = now();
        rt->wait_input_s += t_in - t0;
        rt->wait_weight_s += t_ready - t_in;
        rt->wait_out = 1;
        for (int k = 0; k < rt->nout; k++) {
            rt->wait_flow = outs[k];
            while (!out_free(&c->flows[outs[k]], i))
                block(me, outs[k]);
        }
        rt->wait_flow = -1;
        c->cs[rt->mb0 + i] = now();
        if (ps->cycles > 0)
            sg_actor_execute(ps->cycles);
        c->ce[rt->mb0 + i] = now();
        for (int k = 0; k < rt->nout; k++) {
            des_flow *f = &c->flows[outs[k]];
            f->produced = i + 1;
            advanced(c, f, f->dst);
        }
        for (int k = 0; k < rt->nin; k++) {
            des_flow *f = &c->flows[ins[k]];
            f->consumed = i + 1;
            advanced(c, f, f->src);
        }
        if (w && i < w->n) {
            w->consumed = i + 1;
            advanced(c, w, -1); /* from DRAM: always moved */
        }
        rt->done = i + 1;
    }
    sg_sem_release(c->done);
}

static void mover_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    des_party *me = sg_actor_self_get_data();
    des_ctx *c = me->ctx;
    des_flow *f = &c->flows[me->index];
    sg_host_t from = c->hosts[f->from], to = c->hosts[f->to];
    for (long i = 0; i < f->n; i++) {
        while (!movable(f, i))
            block(me, me->index);
        des_xfer *x = &c->xfer[f->rec0 + i];
        x->start = now();
        sg_host_sendto(from, to, f->bytes);
        x->end = now();
        f->moved_n = i + 1;
        if (f->dst >= 0)
            notify(seg_party(c, f->dst), me->index);
        if (f->src >= 0)
            notify(seg_party(c, f->src), me->index);
    }
    if (f->dst < 0 && f->n > 0)
        sg_actor_sleep_until(arrival(c, f, f->n - 1)); /* the window ends when DRAM has it */
    sg_sem_release(c->done);
}

static void spawn(des_ctx *c, const char *kind, int index, int host, des_party *pt,
                  void (*code)(int, char **))
{
    char name[32];
    snprintf(name, sizeof name, "%s%d", kind, index);
    pt->ctx = c;
    pt->index = index;
    pt->actor = sg_actor_init(name, c->hosts[host]);
    sg_actor_set_data(pt->actor, pt);
    sg_actor_start(pt->actor, code, 0, NULL);
}

static void controller_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    des_ctx *c = sg_actor_self_get_data();
    if (c->fault == DES_FAULT_ABORT)
        abort();
    const plan_t *pl = c->pl;
    for (int w = 0; w < pl->nwindows; w++) {
        c->window = w;
        c->win_start[w] = now();
        int started = 0;
        for (int si = pl->win_first[w]; si < pl->win_first[w + 1]; si++, started++)
            spawn(c, "seg", si, pl->segs[si].chiplet, seg_party(c, si), seg_main);
        for (int i = 0; i < c->nflows; i++)
            if (c->flows[i].moved && c->flows[i].window == w) {
                int host = c->flows[i].dst >= 0 ? c->flows[i].to : c->flows[i].from;
                spawn(c, "mover", i, host, mover_party(c, i), mover_main);
                started++;
            }
        for (int k = 0; k < started; k++)
            sg_sem_acquire(c->done);
        c->win_end[w] = now();
    }
    c->finished = 1;
}

/* ---- what the run measured ---- */

static void seg_label(const des_ctx *c, int si, char *buf, size_t size)
{
    const plan_seg *ps = &c->pl->segs[si];
    const scn_model *m = &c->scn->models[ps->model];
    const wl_layer *ly = m->model.layers;
    int n = ps->first == ps->last
                ? snprintf(buf, size, "%s/%s", m->name, ly[ps->first].name)
                : snprintf(buf, size, "%s/%s..%s", m->name, ly[ps->first].name, ly[ps->last].name);
    if (n < 0 || (size_t)n >= size)
        buf[size - 2] = '~'; /* cut: say so rather than look complete */
}

static const char *chip_name(const des_ctx *c, int si)
{
    return c->p->chiplets[c->pl->segs[si].chiplet].name;
}

static int deadlock_error(const des_ctx *c, err_t *e)
{
    const plan_t *pl = c->pl;
    int w = c->window;
    for (int si = pl->win_first[w]; si < pl->win_first[w + 1]; si++) {
        const des_segrt *rt = &c->seg[si];
        if (rt->done >= pl->segs[si].nminibatches || rt->wait_flow < 0)
            continue;
        const des_flow *f = &c->flows[rt->wait_flow];
        char me[128], other[128] = "DRAM";
        seg_label(c, si, me, sizeof me);
        int peer = rt->wait_out ? f->dst : f->src;
        if (peer >= 0)
            seg_label(c, peer, other, sizeof other);
        return err_input(e,
                         "deadlock: the schedule cannot complete: in window %d, %s on %s waits "
                         "at mini-batch %ld for %s %s",
                         w + 1, me, chip_name(c, si), rt->done,
                         rt->wait_out ? "room to send to" : "its input from", other);
    }
    return err_input(e, "deadlock: the schedule cannot complete window %d", w + 1);
}

typedef struct {
    int key;               /* link or chiplet */
    int delta;             /* +1 an interval opens, -1 it closes */
    double t;
} des_point;

static int point_before(const des_point *x, const des_point *y)
{
    if (x->key != y->key)
        return x->key < y->key;
    if (x->t != y->t)
        return x->t < y->t;
    return x->delta < y->delta; /* closings first: touching intervals do not overlap */
}

/* Where the ascending run of PT that starts at I ends. */
static long run_end(const des_point *pt, long i, long n)
{
    for (i++; i < n && !point_before(&pt[i], &pt[i - 1]); i++)
        ;
    return i;
}

static void merge(const des_point *a, long na, const des_point *b, long nb, des_point *out)
{
    long i = 0, j = 0;
    while (i < na && j < nb)
        *out++ = point_before(&b[j], &a[i]) ? b[j++] : a[i++];
    while (i < na)
        *out++ = a[i++];
    while (j < nb)
        *out++ = b[j++];
}

/* Sorts the N points of PT by key, time and closings first; TMP is scratch
   space as large, and the answer is in whichever of the two is returned.
   The points come in ascending runs (the transfers of one flow over one
   link, the computes of one segment), so merging neighbouring runs takes
   log2(runs) passes and no call per comparison, against qsort's log2(N)
   passes; this sort was most of the collection's time. */
static des_point *sort_points(des_point *pt, des_point *tmp, long n)
{
    for (;;) {
        long runs = 0;
        for (long i = 0; i < n; runs++) {
            long mid = run_end(pt, i, n), end = mid < n ? run_end(pt, mid, n) : n;
            merge(pt + i, mid - i, pt + mid, end - mid, tmp + i);
            i = end;
        }
        des_point *sorted = tmp;
        tmp = pt;
        pt = sorted;
        if (runs <= 1)
            return pt;
    }
}

/* Sweeps sorted points: per key, the time covered and the most open at once. */
static void sweep(const des_point *pt, long n, double *busy, int *peak)
{
    long i = 0;
    while (i < n) {
        int key = pt[i].key, open = 0, most = 0;
        double since = 0, covered = 0;
        for (; i < n && pt[i].key == key; i++) {
            if (pt[i].delta > 0 && open++ == 0)
                since = pt[i].t;
            if (pt[i].delta < 0 && --open == 0)
                covered += pt[i].t - since;
            if (open > most)
                most = open;
        }
        busy[key] = covered;
        if (peak)
            peak[key] = most;
    }
}

/* Spreads each transfer's bytes evenly over its interval into buckets. */
static void add_series(res_link *rl, double t0, double t1, double bytes)
{
    if (!(t1 > t0) || rl->nseries < 1)
        return;
    double bs = rl->bucket_s, rate = bytes / (t1 - t0);
    long b0 = (long)(t0 / bs), b1 = (long)(t1 / bs);
    if (b1 >= rl->nseries)
        b1 = rl->nseries - 1;
    for (long b = b0 < 0 ? 0 : b0; b <= b1; b++) {
        double lo = fmax(t0, (double)b * bs), hi = fmin(t1, (double)(b + 1) * bs);
        if (hi > lo)
            rl->series[b] += rate * (hi - lo);
    }
}

static int collect_links(const des_ctx *c, const des_opts *o, res_result *r)
{
    const plat_t *p = c->p;
    long npt = 0;
    for (int i = 0; i < c->nflows; i++)
        if (c->flows[i].moved)
            npt += 2 * c->flows[i].n * c->flows[i].nroute;
    des_point *pt = malloc(((size_t)npt + 1) * sizeof *pt);
    des_point *tmp = malloc(((size_t)npt + 1) * sizeof *tmp);
    double *busy = calloc((size_t)p->nlinks + 1, sizeof *busy);
    int *peak = calloc((size_t)p->nlinks + 1, sizeof *peak);
    if (!pt || !tmp || !busy || !peak) {
        free(pt);
        free(tmp);
        free(busy);
        free(peak);
        return ERR_INTERNAL;
    }
    int nb = o->series_buckets > 0 ? o->series_buckets : DES_DEFAULT_BUCKETS;
    int rc = ERR_OK;
    for (int l = 0; l < p->nlinks && r->makespan_s > 0; l++) {
        res_link *rl = &r->links[l];
        rl->series = calloc((size_t)nb, sizeof *rl->series);
        if (!rl->series) {
            rc = ERR_INTERNAL;
            break;
        }
        rl->nseries = nb;
        rl->bucket_s = r->makespan_s / nb;
    }
    for (int i = 0; !rc && i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        for (long j = 0; f->moved && j < f->n; j++) {
            const des_xfer *x = &c->xfer[f->rec0 + j];
            for (int h = 0; h < f->nroute; h++) {
                int l = c->route[f->route0 + h];
                r->links[l].bytes += f->bytes;
                add_series(&r->links[l], x->start, x->end, f->bytes);
            }
        }
    }
    /* link by link within a flow: one ascending run per flow and link */
    long k = 0;
    for (int i = 0; !rc && i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        for (int h = 0; f->moved && h < f->nroute; h++)
            for (long j = 0; j < f->n; j++) {
                const des_xfer *x = &c->xfer[f->rec0 + j];
                int l = c->route[f->route0 + h];
                pt[k++] = (des_point){.key = l, .delta = 1, .t = x->start};
                pt[k++] = (des_point){.key = l, .delta = -1, .t = x->end};
            }
    }
    if (!rc)
        sweep(sort_points(pt, tmp, k), k, busy, peak);
    for (int l = 0; !rc && l < p->nlinks; l++) {
        res_link *rl = &r->links[l];
        rl->busy_s = busy[l];
        rl->peak_flows = peak[l];
        for (int b = 0; b < rl->nseries; b++)
            rl->series[b] /= p->links[l].bw * rl->bucket_s;
        double bits = rl->bytes * 8;
        if (p->links[l].is_dram)
            r->e_dram_j += bits * p->drams[p->links[l].dram].pj_per_bit * 1e-12;
        else
            r->e_nop_j += bits * p->nop_pj_per_bit * 1e-12;
    }
    free(pt);
    free(tmp);
    free(busy);
    free(peak);
    return rc;
}

static int collect_chiplets(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    des_point *pt = malloc(((size_t)c->nmb * 2 + 1) * sizeof *pt);
    des_point *tmp = malloc(((size_t)c->nmb * 2 + 1) * sizeof *tmp);
    double *busy = calloc((size_t)c->p->nchiplets + 1, sizeof *busy);
    if (!pt || !tmp || !busy) {
        free(pt);
        free(tmp);
        free(busy);
        return ERR_INTERNAL;
    }
    long k = 0;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        res_chiplet *rc = &r->chiplets[ps->chiplet];
        for (long i = 0; i < ps->nminibatches; i++) {
            long m = c->seg[si].mb0 + i;
            if (c->ce[m] > c->cs[m]) {
                pt[k++] = (des_point){.key = ps->chiplet, .delta = 1, .t = c->cs[m]};
                pt[k++] = (des_point){.key = ps->chiplet, .delta = -1, .t = c->ce[m]};
            }
        }
        rc->wait_input_s += c->seg[si].wait_input_s;
        rc->wait_weight_s += c->seg[si].wait_weight_s;
        double n = (double)ps->nminibatches;
        rc->energy_j += (ps->e_mac_pj + ps->e_l1_pj + ps->e_l2_pj) * n * 1e-12;
        r->e_mac_j += ps->e_mac_pj * n * 1e-12;
        r->e_l1_j += ps->e_l1_pj * n * 1e-12;
        r->e_l2_j += ps->e_l2_pj * n * 1e-12;
    }
    sweep(sort_points(pt, tmp, k), k, busy, NULL);
    for (int ch = 0; ch < c->p->nchiplets; ch++)
        r->chiplets[ch].busy_s = busy[ch];
    free(pt);
    free(tmp);
    free(busy);
    return ERR_OK;
}

/* Mean over mini-batches of the span of a segment's flows of one direction
   (inputs: data in; outputs: writes to DRAM). */
static double mean_span(const des_ctx *c, const int *ids, int nids, long nmb, int drams_only)
{
    double sum = 0;
    for (long i = 0; i < nmb; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int k = 0; k < nids; k++) {
            const des_flow *f = &c->flows[ids[k]];
            if (!f->moved || i >= f->n || (drams_only && f->kind != FLOW_DRAM_OUT))
                continue;
            lo = fmin(lo, c->xfer[f->rec0 + i].start);
            hi = fmax(hi, arrival(c, f, i));
        }
        if (hi >= lo)
            sum += hi - lo;
    }
    return nmb > 0 ? sum / (double)nmb : 0;
}

static void collect_segments(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        const des_segrt *rt = &c->seg[si];
        res_seg *rs = &r->segs[si];
        double compute = 0, latency = 0, ws = c->win_start[ps->window];
        for (long i = 0; i < ps->nminibatches; i++) {
            /* from when both the segment and its producers' outputs were
               ready: the service time the closed form's Lat stands for, not
               the time mini-batch i queued behind i-1 */
            double ready = i > 0 ? fmax(ws, c->ce[rt->mb0 + i - 1]) : ws;
            for (int k = 0; k < rt->nin; k++) {
                const des_flow *f = &c->flows[c->ins[rt->in0 + k]];
                if (f->kind == FLOW_SEG && i < pl->segs[f->src].nminibatches)
                    ready = fmax(ready, c->ce[c->seg[f->src].mb0 + i]);
            }
            compute += c->ce[rt->mb0 + i] - c->cs[rt->mb0 + i];
            latency += c->ce[rt->mb0 + i] - ready;
        }
        double n = (double)ps->nminibatches;
        rs->compute_s = compute / n;
        rs->latency_s = latency / n;
        rs->in_comm_s = mean_span(c, c->ins + rt->in0, rt->nin, ps->nminibatches, 0);
        rs->out_comm_s = mean_span(c, c->outs + rt->out0, rt->nout, ps->nminibatches, 1);
        if (rt->weights >= 0) {
            const des_flow *f = &c->flows[rt->weights];
            double sum = 0;
            for (long i = 0; i < f->n; i++)
                sum += arrival(c, f, i) - c->xfer[f->rec0 + i].start;
            rs->weight_s = sum / (double)f->n;
        }
        rs->weight_bytes = ps->weight_bytes;
        rs->weights_streamed = !ps->resident;
        rs->wait_input_s = rt->wait_input_s;
        rs->wait_weight_s = rt->wait_weight_s;
    }
}

/* When mini-batch I of segment SI is done: computed and written out. */
static double seg_done(const des_ctx *c, int si, long i)
{
    const des_segrt *rt = &c->seg[si];
    double t = c->ce[rt->mb0 + i];
    for (int k = 0; k < rt->nout; k++) {
        const des_flow *f = &c->flows[c->outs[rt->out0 + k]];
        if (f->moved && i < f->n)
            t = fmax(t, arrival(c, f, i));
    }
    return t;
}

static int collect_models(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    double *first = malloc(((size_t)r->nmodels + 1) * sizeof *first);
    int *part0 = malloc(((size_t)pl->nwindows + 1) * sizeof *part0);
    if (!first || !part0) {
        free(first);
        free(part0);
        return ERR_INTERNAL;
    }
    for (int m = 0; m < r->nmodels; m++)
        first[m] = -1;
    for (int k = r->nparts - 1; k >= 0; k--)
        part0[r->parts[k].window] = k;
    int rc = ERR_OK;
    for (int si = 0; !rc && si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        res_part *rp = &r->parts[part0[ps->window] + ps->part];
        double ws = c->win_start[ps->window];
        rp->start_s = ws;
        rp->end_s = fmax(rp->end_s, seg_done(c, si, ps->nminibatches - 1));
        if (first[ps->model] < 0)
            first[ps->model] = ws;
        /* a part's segments are consecutive; its last one ends the model's layer range */
        int last = si + 1 == pl->nsegs || pl->segs[si + 1].window != ps->window ||
                   pl->segs[si + 1].part != ps->part;
        if (!last)
            continue;
        res_model *rm = &r->models[ps->model];
        size_t n = (size_t)rm->nminibatches + (size_t)ps->nminibatches;
        double *grown = realloc(rm->minibatch_done_s, n * sizeof *grown);
        if (!grown) {
            rc = ERR_INTERNAL;
            break;
        }
        rm->minibatch_done_s = grown;
        for (long i = 0; i < ps->nminibatches; i++)
            rm->minibatch_done_s[rm->nminibatches++] = seg_done(c, si, i);
    }
    for (int k = 0; !rc && k < r->nparts; k++) {
        res_model *rm = &r->models[r->parts[k].model];
        if (first[r->parts[k].model] >= 0)
            rm->latency_s = fmax(rm->latency_s, r->parts[k].end_s - first[r->parts[k].model]);
    }
    free(first);
    free(part0);
    return rc;
}

static const char *flow_what(flow_kind k)
{
    static const char *const what[] = {"in", "dram-in", "gather", "weights", "out"};
    return what[k];
}

static int collect_events(const des_ctx *c, res_result *r)
{
    const plan_t *pl = c->pl;
    char label[128];
    for (int si = 0; si < pl->nsegs; si++) {
        seg_label(c, si, label, sizeof label);
        for (long i = 0; i < pl->segs[si].nminibatches; i++) {
            long m = c->seg[si].mb0 + i;
            res_event ev = {.kind = RES_EV_COMPUTE, .track = pl->segs[si].chiplet,
                            .start_s = c->cs[m], .dur_s = c->ce[m] - c->cs[m]};
            int n = snprintf(ev.name, sizeof ev.name, "%s/mb%ld", label, i);
            if (n < 0 || (size_t)n >= sizeof ev.name)
                ev.name[sizeof ev.name - 2] = '~';
            if (res_add_event(r, &ev))
                return ERR_INTERNAL;
        }
    }
    for (int fi = 0; fi < c->nflows; fi++) {
        const des_flow *f = &c->flows[fi];
        if (!f->moved)
            continue;
        seg_label(c, f->dst >= 0 ? f->dst : f->src, label, sizeof label);
        for (long i = 0; i < f->n; i++) {
            const des_xfer *x = &c->xfer[f->rec0 + i];
            for (int h = 0; h < f->nroute; h++) {
                res_event ev = {.kind = RES_EV_TRANSFER, .track = c->route[f->route0 + h],
                                .start_s = x->start, .dur_s = x->end - x->start,
                                .bytes = f->bytes};
                int n = snprintf(ev.name, sizeof ev.name, "%s/mb%ld %s", label, i,
                                 flow_what(f->kind));
                if (n < 0 || (size_t)n >= sizeof ev.name)
                    ev.name[sizeof ev.name - 2] = '~';
                if (res_add_event(r, &ev))
                    return ERR_INTERNAL;
            }
        }
    }
    return ERR_OK;
}

static int collect(const des_ctx *c, const des_opts *o, res_result *r, err_t *e)
{
    const plan_t *pl = c->pl;
    r->makespan_s = pl->nwindows > 0 ? c->win_end[pl->nwindows - 1] : 0;
    for (int w = 0; w < pl->nwindows; w++)
        r->window_s[w] = c->win_end[w] - c->win_start[w];
    collect_segments(c, r);
    if (collect_links(c, o, r) || collect_chiplets(c, r) || collect_models(c, r) ||
        (o->timeline && collect_events(c, r)))
        return err_internal(e, "out of memory collecting the simulation's figures");
    return ERR_OK;
}

/* ---- the child ---- */

static void engine_init(const des_opts *o)
{
    if (!o->verbose) {
        xbt_log_control_set("root.thresh:critical");
        /* a deadlock is reported as an input error; the engine's own alarm
           about it, its only critical message, goes nowhere */
        xbt_log_control_set("ker_engine.add:no ker_engine.app:file:/dev/null");
    }
    /* static: SimGrid keeps pointers into argv for the life of the process */
    static char prog[] = "mcmsim";
#ifdef __SANITIZE_ADDRESS__
    /* ASan cannot follow SimGrid's own stack switching; threads it can. The
       factory must be chosen on the command line: init creates it. */
    static char factory[] = "--cfg=contexts/factory:thread";
    static char *argv[] = {prog, factory, NULL};
#else
    static char *argv[] = {prog, NULL};
#endif
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    simgrid_init(&argc, argv);
    /* CM02 with unit factors: time = latency + bytes / bandwidth share, and
       max-min sharing with equal weights; LV08's slow-start factors model
       TCP, not a NoP. */
    sg_cfg_set_string("network/model", "CM02");
    sg_cfg_set_double("network/latency-factor", 1.0);
    sg_cfg_set_double("network/bandwidth-factor", 1.0);
    sg_cfg_set_double("network/weight-S", 0.0);
    sg_cfg_set_double("network/TCP-gamma", 0.0); /* no TCP window bound on a flow's rate */
    sg_cfg_set_boolean("network/crosstraffic", "no");
    /* events closer than this merge: the default, 1 ns, is half a cycle at
       500 MHz; 0.1 ps is far below any modelled time and still above the
       rounding of clock values up to minutes */
    sg_cfg_set_double("surf/precision", 1e-13);
}

static int simulate(des_ctx *c, const des_opts *o, res_result *r, err_t *e)
{
    c->nhosts = c->p->nchiplets + c->p->ndrams;
    if (build_flows(c))
        return err_internal(e, "out of memory building the simulation");
    char path[4096];
    int rc = write_platform(c, path, sizeof path, e);
    if (rc)
        return rc;
    engine_init(o);
    simgrid_load_platform(path);
    unlink(path);
    char name[32];
    for (int h = 0; h < c->nhosts; h++) {
        host_name(c, h, name, sizeof name);
        c->hosts[h] = sg_host_by_name(name);
    }
    for (int i = 0; i < c->pl->nsegs + c->nflows; i++)
        c->party[i].waiting_on = -1; /* actors of later windows: nobody waits yet */
    c->done = sg_sem_init(0);
    sg_actor_t ctl = sg_actor_init("controller", c->hosts[0]);
    sg_actor_set_data(ctl, c);
    sg_actor_start(ctl, controller_main, 0, NULL);
    simgrid_run();
    if (!c->finished)
        return deadlock_error(c, e);
    return collect(c, o, r, e);
}

/* A growable byte buffer: the wire format between child and parent. */
typedef struct {
    unsigned char *b;
    size_t n, cap, pos;
    int failed;
} des_wire;

static void put(des_wire *w, const void *src, size_t n)
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

static int get(des_wire *w, void *dst, size_t n)
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

/* Only what a simulation fills: the rest of R is the parent's res_init. */
static void encode(des_wire *w, const res_result *r)
{
    put(w, &r->makespan_s, sizeof r->makespan_s);
    double energy[5] = {r->e_mac_j, r->e_l1_j, r->e_l2_j, r->e_nop_j, r->e_dram_j};
    put(w, energy, sizeof energy);
    put(w, r->window_s, (size_t)r->nwindows * sizeof *r->window_s);
    put(w, r->parts, (size_t)r->nparts * sizeof *r->parts);
    put(w, r->segs, (size_t)r->nsegs * sizeof *r->segs);
    put(w, r->chiplets, (size_t)r->nchiplets * sizeof *r->chiplets);
    for (int m = 0; m < r->nmodels; m++) {
        const res_model *rm = &r->models[m];
        put(w, &rm->latency_s, sizeof rm->latency_s);
        put(w, &rm->nminibatches, sizeof rm->nminibatches);
        put(w, rm->minibatch_done_s, (size_t)rm->nminibatches * sizeof *rm->minibatch_done_s);
    }
    for (int l = 0; l < r->nlinks; l++) {
        const res_link *rl = &r->links[l];
        put(w, &rl->bytes, sizeof rl->bytes);
        put(w, &rl->busy_s, sizeof rl->busy_s);
        put(w, &rl->peak_flows, sizeof rl->peak_flows);
        put(w, &rl->bucket_s, sizeof rl->bucket_s);
        put(w, &rl->nseries, sizeof rl->nseries);
        put(w, rl->series, (size_t)rl->nseries * sizeof *rl->series);
    }
    put(w, &r->nevents, sizeof r->nevents);
    put(w, r->events, (size_t)r->nevents * sizeof *r->events);
}

static int decode(des_wire *w, res_result *r)
{
    double energy[5];
    if (get(w, &r->makespan_s, sizeof r->makespan_s) || get(w, energy, sizeof energy) ||
        get(w, r->window_s, (size_t)r->nwindows * sizeof *r->window_s) ||
        get(w, r->parts, (size_t)r->nparts * sizeof *r->parts) ||
        get(w, r->segs, (size_t)r->nsegs * sizeof *r->segs) ||
        get(w, r->chiplets, (size_t)r->nchiplets * sizeof *r->chiplets))
        return -1;
    r->e_mac_j = energy[0], r->e_l1_j = energy[1], r->e_l2_j = energy[2];
    r->e_nop_j = energy[3], r->e_dram_j = energy[4];
    r->simulated = 1;
    for (int m = 0; m < r->nmodels; m++) {
        res_model *rm = &r->models[m];
        int n;
        if (get(w, &rm->latency_s, sizeof rm->latency_s) || get(w, &n, sizeof n) || n < 0 ||
            (size_t)n > (w->n - w->pos) / sizeof(double))
            return -1;
        rm->minibatch_done_s = malloc(((size_t)n + 1) * sizeof(double));
        if (!rm->minibatch_done_s || get(w, rm->minibatch_done_s, (size_t)n * sizeof(double)))
            return -1;
        rm->nminibatches = n;
    }
    for (int l = 0; l < r->nlinks; l++) {
        res_link *rl = &r->links[l];
        int n;
        if (get(w, &rl->bytes, sizeof rl->bytes) || get(w, &rl->busy_s, sizeof rl->busy_s) ||
            get(w, &rl->peak_flows, sizeof rl->peak_flows) ||
            get(w, &rl->bucket_s, sizeof rl->bucket_s) || get(w, &n, sizeof n) || n < 0 ||
            (size_t)n > (w->n - w->pos) / sizeof(double))
            return -1;
        rl->series = malloc(((size_t)n + 1) * sizeof(double));
        if (!rl->series || get(w, rl->series, (size_t)n * sizeof(double)))
            return -1;
        rl->nseries = n;
    }
    int nev;
    if (get(w, &nev, sizeof nev) || nev < 0)
        return -1;
    for (int i = 0; i < nev; i++) {
        res_event ev;
        if (get(w, &ev, sizeof ev) || res_add_event(r, &ev))
            return -1;
    }
    return 0;
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Runs in the child: simulate, send the answer, and leave without exit
   handlers, so that neither SimGrid's teardown nor LeakSanitizer walks an
   engine that is thrown away with the process. */
_Noreturn static void child(int fd, const plat_t *p, const scn_t *scn, const plan_t *pl,
                  const des_opts *o, des_fault fault, res_result *r)
{
    des_ctx c = {.p = p, .scn = scn, .pl = pl, .fault = fault};
    err_t e = {{0}};
    int32_t rc = simulate(&c, o, r, &e);
    des_wire w = {0};
    put(&w, &DES_MAGIC, sizeof DES_MAGIC);
    put(&w, &rc, sizeof rc);
    put(&w, e.msg, sizeof e.msg);
    if (rc == ERR_OK)
        encode(&w, r);
    put(&w, &DES_MAGIC, sizeof DES_MAGIC);
    int bad = w.failed || write_all(fd, w.b, w.n);
    ctx_free(&c);
    free(w.b);
    _exit(bad ? 1 : 0);
}

static int read_all(int fd, des_wire *w)
{
    unsigned char buf[65536];
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return 0;
        put(w, buf, (size_t)k);
    }
}

/* The child's fate as an error, when it did not answer. */
static int child_failure(int status, err_t *e)
{
    if (WIFSIGNALED(status))
        return err_internal(e, "the simulation crashed (signal %d: %s)", WTERMSIG(status),
                            strsignal(WTERMSIG(status)));
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return err_internal(e, "the simulation exited with status %d", WEXITSTATUS(status));
    return err_internal(e, "the simulation ended without a complete answer");
}

static int answer(des_wire *w, res_result *r, err_t *e)
{
    uint32_t magic = 0;
    int32_t rc;
    if (get(w, &magic, sizeof magic) || magic != DES_MAGIC || get(w, &rc, sizeof rc) ||
        get(w, e->msg, sizeof e->msg))
        return -1;
    e->msg[sizeof e->msg - 1] = '\0';
    if (rc != ERR_OK)
        return rc == ERR_INPUT ? ERR_INPUT : ERR_INTERNAL;
    if (decode(w, r) || get(w, &magic, sizeof magic) || magic != DES_MAGIC)
        return -1;
    return ERR_OK;
}

static int run_child(const plat_t *p, const scn_t *scn, const plan_t *pl, const des_opts *o,
                     des_fault fault, res_result *r, err_t *e)
{
    int fds[2];
    if (pipe(fds) != 0)
        return err_internal(e, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL); /* the child must not inherit buffered output: it would be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return err_internal(e, "cannot fork the simulation: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], p, scn, pl, o, fault, r);
    }
    close(fds[1]);
    des_wire w = {0};
    int rd = read_all(fds[0], &w);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = rd || w.failed ? -1 : answer(&w, r, e);
    free(w.b);
    if (rc < 0)
        return child_failure(status, e);
    return rc;
}

/* Indices a plan from elsewhere (tests) must respect before the child trusts them. */
static int check_plan(const plat_t *p, const sched_t *s, const res_result *r, const plan_t *pl,
                      err_t *e)
{
    if (pl->nsegs != r->nsegs || pl->nwindows != s->nwindows)
        return err_internal(e, "plan: %d segments in %d windows, the schedule has %d in %d",
                            pl->nsegs, pl->nwindows, r->nsegs, s->nwindows);
    for (int w = 0; w < pl->nwindows; w++)
        for (int si = pl->win_first[w]; si < pl->win_first[w + 1]; si++)
            if (pl->segs[si].window != w)
                return err_internal(e, "plan: segment %d is not in window %d", si, w);
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        const res_seg *rs = &r->segs[si];
        if (ps->part != rs->part || ps->model != rs->model || ps->chiplet != rs->chiplet ||
            ps->nminibatches < 1 || ps->dram < 0 || ps->dram >= p->ndrams ||
            !(ps->cycles >= 0) || !(ps->weight_bytes >= 0) || !(ps->gather_bytes >= 0))
            return err_internal(e, "plan: segment %d does not match the schedule", si);
        for (int j = 0; j < ps->nin + ps->nout; j++) {
            const plan_edge *ed = j < ps->nin ? &ps->in[j] : &ps->out[j - ps->nin];
            int ok = ed->kind == PLAN_SEG ? ed->seg >= 0 && ed->seg < pl->nsegs
                                          : ed->dram >= 0 && ed->dram < p->ndrams;
            if (!ok || !(ed->bytes >= 0) || !isfinite(ed->bytes))
                return err_internal(e, "plan: segment %d has a bad edge", si);
        }
    }
    return ERR_OK;
}

int des_run_plan(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const des_opts *o, des_fault fault, res_result *r, err_t *e)
{
    des_opts defaults = {0};
    if (!o)
        o = &defaults;
    if (res_init(r, p, scn, s))
        return err_internal(e, "out of memory");
    int rc = check_plan(p, s, r, pl, e);
    if (!rc)
        rc = run_child(p, scn, pl, o, fault, r, e);
    if (rc) {
        res_free(r);
        return rc;
    }
    res_finish(r, scn);
    return ERR_OK;
}

int des_run(const plat_t *p, const scn_t *scn, const sched_t *s, const des_opts *o,
            res_result *r, err_t *e)
{
    plan_t pl;
    int rc = plan_build(p, scn, s, &pl, e);
    if (rc)
        return rc;
    rc = des_run_plan(p, scn, s, &pl, o, DES_FAULT_NONE, r, e);
    plan_free(&pl);
    return rc;
}

void des_count(const plan_t *pl, long *execs, long *transfers)
{
    *execs = *transfers = 0;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        long n = ps->nminibatches;
        if (ps->cycles > 0)
            *execs += n;
        for (int j = 0; j < ps->nin; j++) {
            const plan_edge *ed = &ps->in[j];
            int cross = ed->kind == PLAN_DRAM || pl->segs[ed->seg].chiplet != ps->chiplet;
            if (cross && ed->bytes > 0)
                *transfers += n;
        }
        for (int j = 0; j < ps->nout; j++)
            if (ps->out[j].kind == PLAN_DRAM && ps->out[j].bytes > 0)
                *transfers += n;
        *transfers += (ps->gather_bytes > 0) * n;
        *transfers += ps->weight_bytes > 0 ? (ps->resident ? 1 : n) : 0;
    }
}
