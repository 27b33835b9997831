/* flit.c - the flit engine's life cycle and clock; see flit.h.
 *
 * A cycle visits busy routers and interfaces only: a router is busy while
 * flits or credits are on their way to it or its buffers hold flits, an
 * interface while it has messages to cut or flits and credits coming (those
 * gone idle leave the busy lists every few cycles: a cycle of an idle one
 * does nothing). Cycles mostly go in pairs (step_pair). A cycle first
 * lets the messages whose cycle has come into their interfaces and hands
 * shared endpoints' interfaces their credits (their router asks them what
 * they would inject), then runs the routers, then the interfaces. When a
 * cycle changes nothing, nothing can change before the next arrival on a
 * wheel, the next head's end of route computation or the next message's
 * cycle, so the clock jumps there; a flit held back only by a token bucket
 * counts as a change, as the bucket fills by the cycle. The network is
 * built by flit_build.c. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "flit_int.h"

long flit_bucket_level(const flit_bucket *b, long t)
{
    long cap = FLIT_ONE + b->rate, dt = t - b->at;
    if (dt <= 0)
        return b->level;
    if (dt > cap / b->rate)
        return cap;
    long v = b->level + b->rate * dt;
    return v < cap ? v : cap;
}

int flit_bucket_tokens(const flit_bucket *b, long t)
{
    return (int)(flit_bucket_level(b, t) / FLIT_ONE);
}

void flit_bucket_spend(flit_bucket *b, long t, int k)
{
    b->level = flit_bucket_level(b, t) - (long)k * FLIT_ONE;
    b->at = t;
}

/* ---- messages ---- */

static int grow(void **p, long *cap, long need, size_t size)
{
    if (need <= *cap)
        return 0;
    long c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, (size_t)c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int wait_before(const flit_wait *a, const flit_wait *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

/* A message before its cycle: at the end of the run when none there
   comes after it, else on the heap. */
static void wait_push(flit_net *n, flit_wait w)
{
    if (n->run_head == n->nrun || !wait_before(&w, &n->run[n->nrun - 1])) {
        n->run[n->nrun++] = w;
        return;
    }
    long i = n->nwait++;
    while (i > 0 && wait_before(&w, &n->wait[(i - 1) / 2])) {
        n->wait[i] = n->wait[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    n->wait[i] = w;
}

/* The first message before its cycle, of the run's and the heap's; NULL none. */
static const flit_wait *wait_first(const flit_net *n)
{
    if (n->run_head == n->nrun)
        return n->nwait ? &n->wait[0] : NULL;
    if (n->nwait && wait_before(&n->wait[0], &n->run[n->run_head]))
        return &n->wait[0];
    return &n->run[n->run_head];
}

/* Drops wait_first. */
static void wait_pop(flit_net *n)
{
    if (wait_first(n) != n->wait) {
        n->run_head++;
        return;
    }
    flit_wait last = n->wait[--n->nwait];
    long i = 0;
    for (;;) {
        long c = 2 * i + 1;
        if (c >= n->nwait)
            break;
        if (c + 1 < n->nwait && wait_before(&n->wait[c + 1], &n->wait[c]))
            c++;
        if (!wait_before(&n->wait[c], &last))
            break;
        n->wait[i] = n->wait[c];
        i = c;
    }
    if (n->nwait)
        n->wait[i] = last;
}

static int hops(const flit_net *n, int a, int b)
{
    int ra = n->e[a].router, rb = n->e[b].router;
    return abs(ra % n->width - rb % n->width) + abs(ra / n->width - rb / n->width);
}

/* Room in a queue (*Q of SIZE-byte entries from *HEAD to *N, capacity
   *CAP) for NEED more: the popped ones are dropped first. */
static int make_room(void **q, size_t size, long *head, long *n, long *cap, long need)
{
    if (*head == *n)
        *head = *n = 0;
    if (*n + need > *cap && *head) {
        memmove(*q, (char *)*q + (size_t)*head * size, (size_t)(*n - *head) * size);
        *n -= *head;
        *head = 0;
    }
    return grow(q, cap, *n + need, size);
}

int flit_send(flit_net *n, long at, int src, int dst, long flits, int packet_flits, long tag)
{
    if (!n || at < n->now || src < 0 || src >= n->nends || dst < 0 || dst >= n->nends || flits < 1 ||
        packet_flits < 1)
        return ERR_INPUT;
    if (make_room((void **)&n->done, sizeof *n->done, &n->done_head, &n->done_n, &n->done_cap,
                  n->nlive + 1) ||
        make_room((void **)&n->sent, sizeof *n->sent, &n->sent_head, &n->sent_n, &n->sent_cap,
                  n->nlive + 1) ||
        make_room((void **)&n->run, sizeof *n->run, &n->run_head, &n->nrun, &n->crun, 1) ||
        grow((void **)&n->live, &n->clive, n->nlive + 1, sizeof *n->live) ||
        grow((void **)&n->wait, &n->cwait, n->nwait + 1, sizeof *n->wait))
        return ERR_INTERNAL;
    if (n->msg_free < 0) {
        if (n->nmsg >= INT_MAX / 2 || grow((void **)&n->msg, &n->cmsg, n->nmsg + 1, sizeof *n->msg))
            return ERR_INTERNAL;
        n->msg[n->nmsg].next = -1;
        n->msg_free = n->nmsg++;
    }
    int m = n->msg_free;
    flit_msg *M = &n->msg[m];
    n->msg_free = M->next;
    *M = (flit_msg){.tag = tag, .at = at, .flits = flits, .src = src, .dst = dst,
                    .pflits = packet_flits, .hops = hops(n, src, dst), .lane = -1, .next = -1,
                    .prev = -1,
                    .live = (int)n->nlive};
    n->live[n->nlive++] = m;
    wait_push(n, (flit_wait){at, n->seq++, m});
    n->e[src].queued++;
    return ERR_OK;
}

void flit_msg_sent(flit_net *n, int m, long t)
{
    n->sent[n->sent_n++] = (flit_done){n->msg[m].tag, t};
}

long flit_msg_injected(const flit_net *n, const flit_msg *m)
{
    if (m->lane < 0)
        return m->made;
    const flit_lane *L = &n->lane[m->lane];
    return m->made - (L->size - L->flit);
}

void flit_msg_done(flit_net *n, int m, long t)
{
    flit_msg *M = &n->msg[m];
    n->done[n->done_n++] = (flit_done){M->tag, t};
    int last = n->live[--n->nlive];
    n->live[M->live] = last;
    n->msg[last].live = M->live;
    M->next = n->msg_free;
    n->msg_free = m;
}

/* ---- the clock ---- */

void flit_wake(flit_net *n, flit_wheel *W)
{
    if (!W->busy) {
        W->busy = 1;
        if (W->id < n->nrouters)
            n->busy_r[n->nbusy_r++] = W->id;
        else
            n->busy_e[n->nbusy_e++] = W->id - n->nrouters;
    }
}

static int end_idle(const flit_net *n, int e)
{
    const flit_ep *ep = &n->e[e];
    return ep->ring < 0 && !ep->busy_lanes && flit_wheel_next(n, ep->in, n->now) == LONG_MAX;
}

/* The notices Q[FROM .. TO - 1] of one cycle, by tag. */
static inline void sort_by_tag(flit_done *q, long from, long to)
{
    for (long i = from + 1; i < to; i++) {
        flit_done d = q[i];
        long j = i;
        for (; j > from && q[j - 1].tag > d.tag; j--)
            q[j] = q[j - 1];
        q[j] = d;
    }
}

/* What comes first in cycle T: the messages whose cycle has come, and
   shared endpoints' credits (their router asks them what they would
   inject). */
static void admit(flit_net *n, long t)
{
    for (const flit_wait *w; (w = wait_first(n)) && w->at <= t; wait_pop(n))
        flit_ni_enqueue(n, w->msg);
    /* an interface with nothing on its way has no credits to take */
    for (int i = 0; i < n->shared; i++)
        flit_ni_credits(n, n->shared_e[i], t);
}

/* The interfaces' part of cycle T, and the cycle's notices in order. */
static void interfaces(flit_net *n, long t, long done0, long sent0)
{
    flit_nis(n, n->nbusy_e, t);
    if (n->done_n - done0 > 1)
        sort_by_tag(n->done, done0, n->done_n);
    if (n->sent_n - sent0 > 1)
        sort_by_tag(n->sent, sent0, n->sent_n);
}

/* Drops the routers and interfaces that have gone idle from the busy lists. */
static void compact(flit_net *n)
{
    int k = 0;
    for (int i = 0; i < n->nbusy_r; i++) {
        int r = n->busy_r[i];
        if (n->r[r].nfull || flit_wheel_next(n, n->r[r].in, n->now) < LONG_MAX)
            n->busy_r[k++] = r;
        else
            n->r[r].in->busy = 0;
    }
    n->nbusy_r = k;
    k = 0;
    for (int i = 0; i < n->nbusy_e; i++) {
        int e = n->busy_e[i];
        if (!end_idle(n, e))
            n->busy_e[k++] = e;
        else
            n->e[e].in->busy = 0;
    }
    n->nbusy_e = k;
}

/* The slots of the cycles a step starting at T reaches: from the last
   step's, a pair on, without a division. */
static void set_clock(flit_net *n, long t)
{
    long s = n->sof - n->sring + (t - n->t0);
    if (t - n->t0 > 2 || t < n->t0)
        s = t % n->wslots;
    while (s >= n->wslots)
        s -= n->wslots;
    n->sof = n->sring + s;
    n->t0 = t;
    for (int d = 0; d < 2; d++) {
        n->mslot[d][0] = n->sof[d + n->fdelay[0]];
        n->mslot[d][1] = n->sof[d + n->fdelay[1]];
        n->mslot[d][2] = n->sof[d + n->cdelay[0]];
        n->mslot[d][3] = n->sof[d + n->cdelay[1]];
        n->mslot[d][4] = n->sof[d];
    }
}

static void step(flit_net *n, long t)
{
    set_clock(n, t);
    n->dirty = 0;
    long done0 = n->done_n, sent0 = n->sent_n;
    admit(n, t);
    flit_routers(n, n->nbusy_r, t, 0);
    interfaces(n, t, done0, sent0);
}

/* Cycles T and T + 1 at once, to the same end as one after the other: a
   router runs both before the interfaces run the first, as whatever one
   puts on another's wheel at T arrives at T + 2 or later. Only a router
   with a shared endpoint (flit_router.coupled), whose cycle looks at its
   interface's, waits for the interfaces to run T before it runs T + 1. The
   routers that something wakes meanwhile have nothing before T + 2. A
   cycle run in vain (nothing was to happen at T + 1) changes nothing. */
static void step_pair(flit_net *n, long t)
{
    set_clock(n, t);
    n->dirty = 0;
    long done0 = n->done_n, sent0 = n->sent_n;
    admit(n, t);
    int nr = n->nbusy_r;
    flit_routers(n, nr, t, 1);
    interfaces(n, t, done0, sent0);
    done0 = n->done_n, sent0 = n->sent_n;
    admit(n, t + 1);
    if (n->shared)
        flit_routers_coupled(n, t + 1);
    interfaces(n, t + 1, done0, sent0);
}

long flit_wheel_next(const flit_net *n, const flit_wheel *W, long t)
{
    /* asked only now and then (compact) or when a cycle did nothing: a
       look at each slot costs less than keeping a note of them at every
       arrival */
    for (int d = 0, s = (int)(t % n->wslots); d < n->wslots; d++, s = s + 1 == n->wslots ? 0 : s + 1) {
        const flit_ev *slot = &W->ev[s * n->wrow];
        if (slot->x || slot->w)
            return t + d;
    }
    return LONG_MAX;
}

/* The first cycle from T at which something may happen, LONG_MAX never. */
static long next_event(const flit_net *n, long t)
{
    const flit_wait *w = wait_first(n);
    long nx = w ? w->at : LONG_MAX;
    for (int i = 0; i < n->nbusy_r; i++) {
        long v = flit_router_next(n, n->busy_r[i], t);
        if (v < nx)
            nx = v;
    }
    for (int i = 0; i < n->nbusy_e; i++) {
        long v = flit_wheel_next(n, n->e[n->busy_e[i]].in, t);
        if (v < nx)
            nx = v;
    }
    return nx < t ? t : nx;
}

int flit_run(flit_net *n, long until)
{
    if (!n || until < n->now)
        return ERR_INPUT;
    while (n->now < until) {
        /* idle routers and interfaces cost a little in the lists, so they
           leave them now and then, and before a jump */
        if (!n->dirty || !(++n->steps & 3))
            compact(n);
        if (!n->dirty) {
            long nx = next_event(n, n->now);
            if (nx >= until) {
                n->now = until;
                break;
            }
            n->now = nx;
        }
        if (n->now + 1 < until) {
            step_pair(n, n->now);
            n->now += 2;
        } else {
            step(n, n->now);
            n->now++;
        }
        if (n->oom)
            return ERR_INTERNAL;
    }
    return ERR_OK;
}

long flit_now(const flit_net *n)
{
    return n->now;
}

/* ---- what the driver asks ---- */

/* Fewest cycles, from T on, in which a port of SPEEDUP and bucket B (-1
   none) can move U flits. */
static long cycles_for(const flit_net *n, int b, int speedup, long u, long t)
{
    long c = (u + speedup - 1) / speedup;
    if (b >= 0 && u < (1L << 30)) {
        const flit_bucket *bk = &n->buckets[b];
        long need = u * FLIT_ONE - flit_bucket_level(bk, t);
        if (need > 0 && 1 + (need + bk->rate - 1) / bk->rate > c)
            c = 1 + (need + bk->rate - 1) / bk->rate;
    }
    return c;
}

/* A message's last flit: every flit not yet ejected takes an ejection slot
   from T on; one not yet injected must still be injected, cross the mesh
   as a body flit at best and pass the ejection port. */
static long done_bound(const flit_net *n, const flit_msg *m, long t)
{
    const flit_link *ej = &n->l[n->e[m->dst].ej], *inj = &n->l[n->e[m->src].inj];
    long lb = t + (m->flits - m->ejected + ej->speedup - 1) / ej->speedup - 1;
    long u = m->flits - flit_msg_injected(n, m);
    if (u > 0) {
        long t0 = m->at > t ? m->at : t;
        long cross = 2 + (long)m->hops * (n->d_st + n->link_cycles + 1);
        long last_in = t0 + cycles_for(n, inj->bucket, inj->speedup, u, t0) - 1;
        long a0 = t0 + cross;
        long last_out = a0 + cycles_for(n, ej->bucket, ej->speedup, u, a0) - 1;
        long v = last_in + cross + n->d_st + 2;
        if (v > lb)
            lb = v;
        v = last_out + n->d_st + 2;
        if (v > lb)
            lb = v;
    }
    return lb < t ? t : lb;
}

/* A message's last injection: its flits not yet injected, one injection
   slot each, from when it is there. */
static long sent_bound(const flit_net *n, const flit_msg *m, long t)
{
    const flit_link *inj = &n->l[n->e[m->src].inj];
    long t0 = m->at > t ? m->at : t;
    long u = m->flits - flit_msg_injected(n, m);
    return t0 + cycles_for(n, inj->bucket, inj->speedup, u, t0) - 1;
}

long flit_next_done(const flit_net *n)
{
    long best = LONG_MAX;
    for (long i = 0; i < n->nlive; i++) {
        long v = done_bound(n, &n->msg[n->live[i]], n->now);
        if (v < best)
            best = v;
    }
    return best;
}

long flit_next_event(const flit_net *n)
{
    long best = flit_next_done(n);
    for (long i = 0; i < n->nlive; i++) {
        const flit_msg *m = &n->msg[n->live[i]];
        long v = flit_msg_injected(n, m) < m->flits ? sent_bound(n, m, n->now) : LONG_MAX;
        if (v < best)
            best = v;
    }
    return best;
}

int flit_pop_sent(flit_net *n, long *tag, long *cycle)
{
    if (n->sent_head == n->sent_n)
        return 0;
    flit_done d = n->sent[n->sent_head++];
    *tag = d.tag;
    *cycle = d.cycle;
    return 1;
}

int flit_pop_done(flit_net *n, long *tag, long *cycle)
{
    if (n->done_head == n->done_n)
        return 0;
    flit_done d = n->done[n->done_head++];
    *tag = d.tag;
    *cycle = d.cycle;
    return 1;
}

void flit_link_stats(const flit_net *n, int link, long *flits, long *busy_cycles)
{
    *flits = *busy_cycles = 0;
    if (link < 0 || link >= FLIT_DIRS * n->nrouters || n->l[link].rx_router < 0)
        return;
    const flit_plink *Q = &n->plink[n->r[link / FLIT_DIRS].port0 + link % FLIT_DIRS];
    const flit_port *P = &n->port[n->r[link / FLIT_DIRS].port0 + link % FLIT_DIRS];
    *flits = P->flits;
    /* a link of one flit a cycle is busy the cycles it carries one */
    *busy_cycles = Q->speedup_out > 1 ? Q->busy : P->flits;
}

void flit_port_stats(const flit_net *n, int end, long *inject_flits, long *eject_flits)
{
    *inject_flits = *eject_flits = 0;
    if (end < 0 || end >= n->nends)
        return;
    *inject_flits = n->e[end].inj_flits;
    *eject_flits = n->e[end].ej_flits;
}

long flit_queued(const flit_net *n, int end)
{
    return end >= 0 && end < n->nends ? n->e[end].queued : 0;
}

long flit_in_flight(const flit_net *n)
{
    return n->nlive;
}
