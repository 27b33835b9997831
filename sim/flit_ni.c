/* flit_ni.c - network interfaces, as BookSim's batch-mode sources: the
 * messages whose cycle has come wait in a ring and give packets in turn,
 * one message's packets in order; the interface cuts its next packet as
 * soon as the one before has gone (ceil(inject_rate) packets at once: one
 * for a rate up to 1, each of a different message), so at most that many
 * wait to enter the network. A head takes a VC of the router's local input
 * port that is free and not full, trying them round-robin after the VC of
 * the last head (VC 0 alone before the first, as BookSim); every flit
 * needs a credit; each packet in progress injects at most one flit a
 * cycle, all of them together what the bucket allows. An interface that
 * could send nothing for want of a VC or credit tries again when a credit
 * or a message comes. Ejection takes every flit that arrives and returns
 * its credit at once (none where the VC buffers are too deep to fill,
 * flit_net.ej_track); a message completes with its last flit. */
#include <limits.h>
#include "flit_int.h"

void flit_ni_enqueue(flit_net *n, int m)
{
    flit_msg *M = &n->msg[m];
    flit_ep *E = &n->e[M->src];
    if (E->ring < 0) {
        E->ring = M->next = M->prev = m;
    } else {
        int h = E->ring, tail = n->msg[h].prev;
        M->next = h;
        M->prev = tail;
        n->msg[tail].next = m;
        n->msg[h].prev = m;
    }
    E->free_msgs++;
    E->stuck = 0;
    flit_wake(n, E->in);
    n->dirty = 1;
}

/* Lane L's next packet: the ring's current message's, passing over
   messages with a packet in progress; the ring moves on past it. 0, or -1
   out of memory. */
static int take_packet(flit_net *n, flit_ep *E, flit_lane *L)
{
    if (!n->npkt_free && flit_grow_packets(n)) {
        n->oom = 1;
        return -1;
    }
    int m = E->ring;
    while (n->msg[m].lane >= 0)
        m = n->msg[m].next;
    flit_msg *M = &n->msg[m];
    long left = M->flits - M->made;
    int size = left < M->pflits ? (int)left : M->pflits;
    M->made += size;
    M->lane = (int)(L - n->lane);
    E->free_msgs--;
    int id = n->pkt_free[--n->npkt_free];
    const flit_ep *D = &n->e[M->dst];
    const flit_router *DR = &n->r[D->router];
    n->pkt[id] = (flit_pkt){m, size, D->port, DR->x, DR->y};
    *L = (flit_lane){id, 0, size, -1, m};
    if (M->made < M->flits) {
        E->ring = M->next;
    } else {
        if (M->next == m) {
            E->ring = -1;
        } else {
            n->msg[M->prev].next = M->next;
            n->msg[M->next].prev = M->prev;
            E->ring = M->next;
        }
        E->queued--;
    }
    return 0;
}

/* Lane L's packet, whose tail has gone from VC B (flit_net.occ's
   numbering) at T: the lane and the VC are free, and its message is sent
   if that was its last packet. Out of line, once a packet: the flits'
   path is short of registers. */
static void tail_sent(flit_net *n, flit_ep *E, flit_lane *L, long b, long t)
{
    flit_msg *M = &n->msg[L->msg];
    n->inuse[b] = 0;
    L->pkt = -1;
    E->busy_lanes--;
    M->lane = -1;
    if (M->made < M->flits)
        E->free_msgs++;
    else
        flit_msg_sent(n, L->msg, t);
}

FLIT_HOT void send_flit(flit_net *n, flit_ep *E, flit_lane *L, int vc, long t)
{
    int fl = L->flit;
    uint32_t w = (uint32_t)L->pkt << 2 | (fl == 0 ? FW_HEAD : 0) | (fl == L->size - 1 ? FW_TAIL : 0);
    long b = E->vc0 + vc;
    if (fl == 0) {
        n->inuse[b] = 1;
        L->vc = vc;
        E->last_vc = vc;
    }
    n->occ[b]++;
    flit_push_flit(n, &n->l[E->inj], t, vc, w);
    E->inj_flits++;
    if (w & FW_TAIL)
        tail_sent(n, E, L, b, t);
    else
        L->flit = fl + 1;
    n->dirty = 1;
}

/* Flits the interface injects at T, at most LIMIT; with COMMIT 0 (a
   constant in each caller) a dry run that changes nothing. A dry run holds
   a VC its head takes for the cycle, even when that head is also a tail,
   so it can fall short of the real run for an interface of several
   packets at once and one-flit packets. */
/* The first VC, round-robin after LASTVC (VC 0 alone before the first
   head, as BookSim), that is free and has room; -1 none. */
FLIT_HOT int pick_vc(const flit_net *n, const unsigned char *use, const int *occ, int lastvc)
{
    if (lastvc < 0)
        return !use[0] && occ[0] < n->vcbuf ? 0 : -1;
    for (int j = 0, v = lastvc; j < n->vcs; j++) {
        v = v + 1 == n->vcs ? 0 : v + 1;
        if (!use[v] && occ[v] < n->vcbuf)
            return v;
    }
    return -1;
}

/* inject for an interface of one lane: no round robin over lanes, and a
   dry run need not hold the VC it finds. */
FLIT_HOT int inject1(flit_net *n, flit_ep *E, long t, const int commit)
{
    flit_lane *L = &n->lane[E->lane0];
    const int *occ = n->occ + E->vc0;
    int vc = L->vc;
    if (L->pkt < 0) {
        if (!E->free_msgs)
            return 0;
        vc = -1;
        if (commit) {
            if (take_packet(n, E, L))
                return 0;
            E->busy_lanes++;
            n->dirty = 1;
        }
    }
    if (vc < 0) {
        if ((vc = pick_vc(n, n->inuse + E->vc0, occ, E->last_vc)) < 0)
            return 0;
    } else if (occ[vc] >= n->vcbuf) {
        return 0;
    }
    if (commit)
        send_flit(n, E, L, vc, t);
    return 1;
}

FLIT_HOT int inject(flit_net *n, flit_ep *E, long t, int limit, const int commit)
{
    if (E->lanes == 1)
        return inject1(n, E, t, commit);
    const int vcbuf = n->vcbuf, lanes = E->lanes;
    int sent = 0, last = -1, lastvc = E->last_vc, ntent = 0;
    long taken = 0, base = E->vc0;
    unsigned char *use = n->inuse + base;
    const int *occ = n->occ + base;
    for (int i = 0, k = E->lane_rr; i < lanes && sent < limit; i++, k = k + 1 == lanes ? 0 : k + 1) {
        flit_lane *L = &n->lane[E->lane0 + k];
        int vc = L->vc;
        if (L->pkt < 0) {
            if (taken >= E->free_msgs)
                continue;
            taken++;
            vc = -1;
            if (commit) {
                if (take_packet(n, E, L))
                    return sent;
                E->busy_lanes++;
                n->dirty = 1;
            }
        }
        if (vc < 0) {
            if ((vc = pick_vc(n, use, occ, lastvc)) < 0)
                continue;
            lastvc = vc;
            if (!commit) {
                use[vc] = 2;
                n->lane_tent[E->lane0 + ntent++] = vc;
            }
        } else if (occ[vc] >= vcbuf) {
            continue;
        }
        sent++;
        last = k;
        if (commit)
            send_flit(n, E, L, vc, t);
    }
    for (int i = 0; i < ntent; i++)
        use[n->lane_tent[E->lane0 + i]] = 0;
    if (commit && last >= 0)
        E->lane_rr = last + 1 == lanes ? 0 : last + 1;
    return sent;
}

int flit_ni_wants(flit_net *n, int e, long t)
{
    return inject(n, &n->e[e], t, n->e[e].lanes, 0);
}

/* The NC credits of SLOT. */
FLIT_HOT void take_credits(flit_net *n, flit_ep *E, const flit_ev *slot, int nc)
{
    if (!nc)
        return;
    E->stuck = 0;
    n->dirty = 1;
    int *occ = n->occ + E->vc0;
    for (const flit_ev *c = slot + E->in->cbase, *end = c + nc; c < end; c++)
        occ[c->x]--;
}

/* A shared endpoint's credits come before its router's cycle, for the
   router to ask what its interface would inject; its flits after. */
void flit_ni_credits(flit_net *n, int e, long t)
{
    flit_ep *E = &n->e[e];
    const flit_ev *slot = E->in->ev + n->sof[t - n->t0];
    take_credits(n, E, slot, (int)slot->w);
}

/* Flit W, which comes on VC of the ejection link at T. */
FLIT_HOT void eject(flit_net *n, flit_ep *E, uint32_t w, int vc, long t)
{
    E->ej_flits++;
    if (w & FW_HEAD)
        E->ej_msg[vc] = n->pkt[FW_PKT(w)].msg;
    int m = E->ej_msg[vc];
    if (w & FW_TAIL)
        n->pkt_free[n->npkt_free++] = FW_PKT(w);
    if (++n->msg[m].ejected == n->msg[m].flits)
        flit_msg_done(n, m, t);
}

/* Interface E's cycle T, whose slot is S. */
FLIT_HOT void ni_step(flit_net *n, flit_ep *E, long t, long s)
{
    int nf, nc;
    const flit_ev *slot = flit_take(E->in, s, &nf, &nc);
    if (slot) {
        if (!E->shared)
            take_credits(n, E, slot, nc);
        for (int i = 1; i <= nf; i++) {
            eject(n, E, slot[i].w, slot[i].x, t);
            if (n->ej_track)
                flit_push_credit(n, &n->l[E->ej], t, slot[i].x);
        }
        if (nf)
            n->dirty = 1;
    }
    /* nothing to send, or nothing changed since it could not */
    if ((!E->busy_lanes && E->ring < 0) || E->stuck)
        return;
    int limit = E->lanes, bk = E->inj_bucket;
    if (bk >= 0) {
        int tok = flit_bucket_tokens(&n->buckets[bk], t);
        if (tok < limit)
            limit = tok;
        if (!limit) {
            if (inject(n, E, t, E->lanes, 0))
                n->dirty = 1; /* held back by the bucket alone */
            return;
        }
    }
    int sent = inject(n, E, t, limit, 1);
    E->stuck = !sent;
    if (sent && bk >= 0) {
        flit_bucket_spend(&n->buckets[bk], t, sent);
        E->inj_at = t;
    }
}

void flit_nis(flit_net *n, int ne, long t)
{
    const long s = n->sof[t - n->t0];
    for (int i = 0; i < ne; i++)
        ni_step(n, &n->e[n->busy_e[i]], t, s);
}
