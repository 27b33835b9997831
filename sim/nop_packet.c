/* nop_packet.c - the packet level of the simulated network.
 *
 * Transfers become packets of flits that move hop by hop through the
 * input-queued routers of flit.h (buffers per virtual channel, credits, a
 * router pipeline, wormhole switching), as BookSim2 models them. The engine
 * counts cycles and knows nothing of SimGrid; one daemon actor, the
 * network, drives it lazily: it simulates the cycles up to the present only
 * when something happens, a mover handing it a transfer (which wakes it) or
 * the earliest cycle at which a transfer may have left its source or
 * arrived (flit_next_event, a lower bound) coming round. The engine's state at a cycle depends only on
 * what was handed to it before that cycle, so running it late and in steps
 * is exact, and the actor costs one SimGrid event per wake-up, not one per
 * cycle.
 *
 * A mover's send returns once the transfer's last flit has entered the
 * network, so that its next transfer follows without a bubble, as a DMA
 * engine's would; the transfer arrives when its last flit leaves the
 * network. Time: a NoP cycle is flit / link_bandwidth, cycle k spans
 * [k, k + 1) x cycle; a transfer handed over at time t starts at the first
 * cycle boundary not before t, and an event of cycle c happens at
 * (c + 1) x cycle. Ports and DRAM channels move a
 * fraction of a flit per cycle: their bandwidth over the links'. The hops'
 * latency is inside the engine (router_cycles + link_cycles a hop; the
 * platform's hop_latency is the flow level's and the closed form's); only a
 * DRAM channel's own latency follows after the last flit, as at the flow
 * level. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>
#include "flit.h"
#include "nop.h"

typedef struct {
    sg_actor_t actor;
    int sent, waiting;     /* its last flit has left; the mover is suspended for it */
    nop_arrived_fn arrived;
    void *arg;
} waiter;

struct nop_net {
    const plat_t *p;
    flit_net *eng;
    double cycle_s, flit_bytes;
    int packet_flits;
    sg_sem_t wake;
    waiter *w;             /* per transfer, indexed by its tag */
    long nw, capw;
};

/* The first cycle boundary not before T (a hair of tolerance: T is often a
   boundary computed in floating point). */
static long cycle_at(const nop_net *n, double t)
{
    return (long)ceil(t / n->cycle_s - 1e-6);
}

static void die(const char *what)
{
    fprintf(stderr, "mcmsim: packet network: %s\n", what);
    abort();
}

/* The network actor: sleeps until the next possible notice or until a
   mover wakes it, brings the engine up to the present, resumes the movers
   whose transfers have left their source, and says which arrived. */
static void network_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    nop_net *n = sg_actor_self_get_data();
    sg_actor_daemonize(sg_actor_self()); /* it ends with the last actor that has work */
    for (;;) {
        long next = flit_next_event(n->eng);
        if (next == LONG_MAX) {
            sg_sem_acquire(n->wake);
        } else {
            double dt = (double)(next + 1) * n->cycle_s - simgrid_get_clock();
            if (dt > 0)
                sg_sem_acquire_timeout(n->wake, dt);
        }
        long until = cycle_at(n, simgrid_get_clock());
        if (until > flit_now(n->eng) && flit_run(n->eng, until))
            die("out of memory");
        long tag, cycle;
        while (flit_pop_sent(n->eng, &tag, &cycle)) {
            waiter *w = &n->w[tag];
            w->sent = 1;
            if (w->waiting) {
                w->waiting = 0;
                sg_actor_resume(w->actor);
            }
        }
        while (flit_pop_done(n->eng, &tag, &cycle))
            n->w[tag].arrived(n->w[tag].arg, (double)(cycle + 1) * n->cycle_s);
    }
}

static void packet_send(nop_net *n, int from, int to, double bytes, nop_arrived_fn arrived, void *arg)
{
    if (n->nw == n->capw) {
        long cap = n->capw ? 2 * n->capw : 64;
        waiter *w = realloc(n->w, (size_t)cap * sizeof *w);
        if (!w)
            die("out of memory");
        n->w = w;
        n->capw = cap;
    }
    long tag = n->nw++;
    waiter *w = &n->w[tag];
    *w = (waiter){.actor = sg_actor_self(), .arrived = arrived, .arg = arg};
    long at = cycle_at(n, simgrid_get_clock());
    if (at < flit_now(n->eng))
        at = flit_now(n->eng);
    long flits = (long)ceil(bytes / n->flit_bytes);
    if (flit_send(n->eng, at, from, to, flits > 0 ? flits : 1, n->packet_flits, tag))
        die("out of memory");
    sg_sem_release(n->wake);
    /* the engine cannot inject in zero time, so the network actor, which
       runs only once this actor suspends, cannot miss the note */
    while (!n->w[tag].sent) {
        n->w[tag].waiting = 1;
        sg_actor_suspend(sg_actor_self());
    }
}

/* Only the channel's latency: the hops are inside the engine. */
static double packet_latency(const plat_t *p, const int *route, int nroute)
{
    double t = 0;
    for (int i = 0; i < nroute; i++)
        if (p->links[route[i]].is_dram)
            t += p->links[route[i]].latency_s;
    return t;
}

/* The engine's view of P: endpoints numbered as nop.h numbers them. */
static int packet_config(const plat_t *p, flit_config *cfg, flit_end **ends, err_t *e)
{
    int nends = p->nchiplets + p->ndrams;
    flit_end *en = calloc((size_t)nends, sizeof *en);
    if (!en)
        return err_internal(e, "out of memory");
    for (int ep = 0; ep < nends; ep++) {
        int r = nop_router(p, ep);
        en[ep].router = p->chiplets[r].x + p->width * p->chiplets[r].y;
        double in = p->links[nop_port_link(p, ep, PLAT_PORT_INJECT)].bw;
        double out = p->links[nop_port_link(p, ep, PLAT_PORT_EJECT)].bw;
        if (nop_is_dram(p, ep)) {
            /* reads and writes share the channel: one budget */
            double chan = p->drams[ep - p->nchiplets].bw;
            in = fmin(in, chan);
            out = fmin(out, chan);
            en[ep].shared = 1;
        }
        en[ep].inject_rate = in / p->link_bw;
        en[ep].eject_rate = out / p->link_bw;
    }
    *cfg = (flit_config){.width = p->width,
                         .height = p->height,
                         .vcs = p->nop.vcs,
                         .vc_buffer = p->nop.vc_buffer,
                         .router_cycles = p->nop.router_cycles,
                         .link_cycles = p->nop.link_cycles,
                         .nends = nends,
                         .ends = en};
    *ends = en;
    return ERR_OK;
}

static int packet_open(const plat_t *p, const sg_host_t *hosts, nop_net **out, err_t *e)
{
    nop_net *n = calloc(1, sizeof *n);
    if (!n)
        return err_internal(e, "out of memory");
    n->p = p;
    n->flit_bytes = p->nop.flit_bytes;
    n->cycle_s = p->nop.flit_bytes / p->link_bw;
    n->packet_flits = p->nop.packet_flits;
    flit_config cfg;
    flit_end *ends = NULL;
    int rc = packet_config(p, &cfg, &ends, e);
    if (rc) {
        free(n);
        return rc;
    }
    rc = flit_new(&cfg, &n->eng);
    free(ends);
    if (rc) {
        free(n);
        return rc == ERR_INPUT ? err_input(e, "%s: [nop]: the packet level cannot model this mesh",
                                           p->path ? p->path : "<platform>")
                               : err_internal(e, "out of memory");
    }
    n->wake = sg_sem_init(0);
    sg_actor_t a = sg_actor_init("network", hosts[0]);
    sg_actor_set_data(a, n);
    sg_actor_start(a, network_main, 0, NULL);
    *out = n;
    return ERR_OK;
}

static void packet_close(nop_net *n)
{
    flit_free(n->eng);
    sg_sem_destroy(n->wake);
    free(n->w);
    free(n);
}

const nop_level nop_level_packet = {
    .name = "packet",
    .summary = "packets of flits through input-queued routers with virtual channels and credits",
    .configure = NULL,
    .write_links = NULL,
    .open = packet_open,
    .send = packet_send,
    .latency = packet_latency,
    .close = packet_close,
};
