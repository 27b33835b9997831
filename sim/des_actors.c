/* des_actors.c - the actors of a simulation.
 *
 * One actor per segment on its chiplet: per mini-batch it waits for its
 * inputs and weights, for room in its output buffers, computes, then hands
 * its outputs on. Two segments on one chiplet share its speed.
 *
 * One mover actor per stream of bytes (an edge to another chiplet, a DRAM
 * read, a DRAM write) carries one mini-batch after another through the
 * network level (nop.h), and measures each transfer where it happens. Two buffers at each end bound a
 * stream to two mini-batches in flight: the L2 double buffer that lets
 * mini-batch i+1 move while i is computed, and the back-pressure that
 * stalls a producer whose consumer lags. A transfer occupies its links from
 * its start until its last byte has left, and arrives a route latency later
 * (cut-through); whoever needs the data sleeps until then if it must,
 * rather than the mover after every transfer: a sleep costs an event.
 *
 * A controller runs the windows one after another.
 *
 * Synchronisation: the engine runs one actor at a time and switches only in
 * SimGrid calls, so actors share plain counters (mini-batches produced,
 * moved, consumed per flow) and check them without a simcall. An actor that
 * must wait notes which flow it waits for and suspends itself; whoever
 * advances that flow resumes it, a mover (which waits for both ends of its
 * flow) only once it can carry its next mini-batch. Simcalls thus happen
 * only where an actor really blocks, and suspend/resume costs a third of a
 * semaphore handoff, which keeps the event rate near plain SimGrid's. No
 * wake-up is lost: the waker can only see the note if it runs after the
 * waiter did, and the engine handles the simcalls of one scheduling round in
 * the order the actors ran (SimGrid keeps that order fixed for
 * reproducibility), so the suspend is handled before the resume. */
#include <stdio.h>
#include <stdlib.h>
#include "des_int.h"

static double now(void)
{
    return simgrid_get_clock();
}

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

/* Mini-batch I of F has reached its consumer, or will at a known time. */
static int arrived(const des_ctx *c, const des_flow *f, long i)
{
    return f->moved ? f->moved_n > i && des_arrival(c, f, i) >= 0 : f->produced > i;
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

static void wait_inputs(des_ctx *c, int si, const int *ids, int n, long i)
{
    des_segrt *rt = &c->seg[si];
    rt->wait_out = 0;
    for (int k = 0; k < n; k++) {
        const des_flow *f = &c->flows[ids[k]];
        rt->wait_flow = ids[k];
        while (!arrived(c, f, i))
            block(seg_party(c, si), ids[k]);
        if (f->moved && now() < des_arrival(c, f, i))
            sg_actor_sleep_until(des_arrival(c, f, i));
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

/* The network's word that transfer X's bytes are through: from here on
   its arrival is known to whoever waits for it. */
static void xfer_arrived(void *arg, double t)
{
    des_xfer *x = arg;
    des_ctx *c = x->ctx;
    des_flow *f = &c->flows[x->flow];
    x->arrive = t + f->latency_s;
    if (f->dst >= 0)
        notify(seg_party(c, f->dst), x->flow);
    notify(mover_party(c, x->flow), x->flow);
}

static void mover_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    des_party *me = sg_actor_self_get_data();
    des_ctx *c = me->ctx;
    des_flow *f = &c->flows[me->index];
    for (long i = 0; i < f->n; i++) {
        while (!movable(f, i))
            block(me, me->index);
        des_xfer *x = &c->xfer[f->rec0 + i];
        *x = (des_xfer){.start = now(), .arrive = -1, .ctx = c, .flow = me->index};
        c->level->send(c->net, f->from, f->to, f->bytes, xfer_arrived, x);
        x->end = now();
        f->moved_n = i + 1;
        if (f->dst >= 0)
            notify(seg_party(c, f->dst), me->index);
        if (f->src >= 0)
            notify(seg_party(c, f->src), me->index);
    }
    if (f->dst < 0 && f->n > 0) { /* the window ends when DRAM has it */
        while (des_arrival(c, f, f->n - 1) < 0)
            block(me, me->index);
        sg_actor_sleep_until(des_arrival(c, f, f->n - 1));
    }
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

void des_controller_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    des_ctx *c = sg_actor_self_get_data();
    if (c->o->fault == EVAL_FAULT_ABORT)
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

static const char *chip_name(const des_ctx *c, int si)
{
    return c->p->chiplets[c->pl->segs[si].chiplet].name;
}

int des_deadlock_error(const des_ctx *c, err_t *e)
{
    const plan_t *pl = c->pl;
    int w = c->window;
    for (int si = pl->win_first[w]; si < pl->win_first[w + 1]; si++) {
        const des_segrt *rt = &c->seg[si];
        if (rt->done >= pl->segs[si].nminibatches || rt->wait_flow < 0)
            continue;
        const des_flow *f = &c->flows[rt->wait_flow];
        char me[128], other[128] = "DRAM";
        des_seg_label(c, si, me, sizeof me);
        int peer = rt->wait_out ? f->dst : f->src;
        if (peer >= 0)
            des_seg_label(c, peer, other, sizeof other);
        return err_input(e,
                         "deadlock: the schedule cannot complete: in window %d, %s on %s waits "
                         "at mini-batch %ld for %s %s",
                         w + 1, me, chip_name(c, si), rt->done,
                         rt->wait_out ? "room to send to" : "its input from", other);
    }
    return err_input(e, "deadlock: the schedule cannot complete window %d", w + 1);
}
