/* flit_router.c - one cycle of one input-queued router, as BookSim's
 * IQRouter steps it: flits and credits that arrive this cycle, then VC
 * allocation, then switch allocation and traversal.
 *
 * A head flit at the front of its input VC at cycle c (it arrived then, or
 * the tail before it left at c - 1) gets its output port by XY routing and
 * may bid for VC allocation from c + d_rc. VA is iSLIP with one iteration
 * over input VCs and output VCs: every waiting head requests every free VC
 * of its output port; each output VC grants the requester nearest after
 * its pointer, each input VC accepts the grant nearest after its own, and
 * only accepted pairs move the pointers (past each other). A head that won
 * at v may bid for the switch from v + d_va. SA is iSLIP with one
 * iteration over ports: an input's VCs that hold a flit, own an output VC
 * with a credit for it, and whose output may move a flit this cycle, each
 * put in the input's request for their output unless a VC nearer after the
 * input's round-robin offset already did; outputs grant, inputs accept,
 * pointers move as in VA, and a winning VC moves the input's offset past
 * it. The flit leaves its buffer at once (its credit goes upstream now), is
 * on the output channel d_st cycles later, and a tail frees its output VC
 * (BookSim's wait_for_tail_credit = 0). A port of speedup k may grant or
 * accept up to k times a cycle; for k = 1 this is iSLIP exactly.
 *
 * Whether a VC may bid for the switch (active, a flit, a credit) is kept
 * as those change, never searched for. When a router's ports and a port's
 * VCs each fit a 64-bit word (flit_net.fast), the bids are standing
 * requests - per input and output the VCs bound there, per output the
 * inputs, per router the outputs; otherwise each input keeps a set of
 * several words of its bidding VCs, which allocation scans, to the same
 * result. VA runs only in cycles in which a head may win (flit_router.
 * va_next), SA only while some VC may bid, and where every port moves a
 * flit a cycle at most (flit_router.unit) each accept moves its flit at
 * once (sa_unit). */
#include <assert.h>
#include <limits.h>
#include "flit_int.h"

/* Indices are the router's own (flit_router's bases): input VC p * vcs + v
   of input port p, output VC o * vcs + ovc of output port o. */

static int route(const flit_net *n, const flit_router *R, int pkt)
{
    const flit_pkt *p = &n->pkt[pkt];
    if (p->dst_x != R->x)
        return p->dst_x > R->x ? 0 : 1;
    if (p->dst_y != R->y)
        return p->dst_y > R->y ? 2 : 3;
    return p->dst_port;
}

/* Input VC (P, V) of router R, bound for output O, may (ON) or may no
   longer bid for the switch; FAST is flit_net.fast, a constant where the
   caller knows it. */
FLIT_HOT void set_elig(const flit_net *n, flit_router *R, long p, int v, long o, int on, const int fast)
{
    if (!fast) {
        fb_put(R->pelig + p * n->wv, v, on);
        return;
    }
    /* without branches, which the sets' bits would mispredict: a VC in E
       puts P in RQ, an input in RQ puts O in outmask */
    uint64_t *e = &R->elig[p * n->maxp + o], *rq = &R->port[o].req;
    if (on) {
        *e |= 1ULL << v;
        *rq |= 1ULL << p;
        R->outmask |= 1ULL << o;
    } else {
        uint64_t ev = *e & ~(1ULL << v), rv = *rq & ~((uint64_t)!ev << p);
        *e = ev;
        *rq = rv;
        R->outmask &= ~((uint64_t)!rv << o);
    }
}

/* Whether input VC LV may bid for the switch: it owns an output VC, holds
   a flit, and has a credit for it. */
static void update_elig(const flit_net *n, flit_router *R, long lv)
{
    const flit_ivc *c = &R->ivc[lv];
    set_elig(n, R, n->lv_p[lv], n->lv_v[lv], c->out,
             c->ovc >= 0 && c->count && R->occ[c->k] < n->vcbuf, n->fast);
}

/* The head at the front of input VC LV since cycle FRONT. */
static void start_head(const flit_net *n, flit_router *R, long lv, long front)
{
    flit_ivc *c = &R->ivc[lv];
    assert(c->npk > 0);
    int pkt = R->pq[lv * n->vcbuf + c->head];
    c->left = n->pkt[pkt].size;
    c->w = (uint32_t)pkt << 2 | FW_HEAD | (c->left == 1 ? FW_TAIL : 0);
    c->out = R->iv_out[lv] = route(n, R, pkt);
    c->ovc = -1;
    long ready = R->ready[lv] = front + n->d_rc;
    /* VA wakes when it may win: once ready if a VC of its output is free,
       else when a tail frees one (move) */
    flit_port *O = &R->port[c->out];
    R->vaq[(long)c->out * R->nports * n->vcs + O->nwait++] = (int)lv;
    R->vawait |= 1ULL << (c->out & 63);
    if (O->nfree && ready < R->va_next)
        R->va_next = ready;
}

/* A flit for input VC LV, there from T. */
FLIT_HOT void vc_push(const flit_net *n, flit_router *R, long lv, uint32_t w, long t, const int fast)
{
    const int vcbuf = n->vcbuf;
    flit_ivc *c = &R->ivc[lv];
    if (w & FW_HEAD) {
        int slot = c->head + c->npk++;
        R->pq[lv * vcbuf + (slot >= vcbuf ? slot - vcbuf : slot)] = FW_PKT(w);
    }
    if (c->count++)
        return; /* mostly: it held flits, so nothing else changes */
    R->nfull++;
    if (c->out < 0) /* idle: this is a head */
        start_head(n, R, lv, t);
    else if (c->ovc >= 0 && R->occ[c->k] < vcbuf)
        set_elig(n, R, n->lv_p[lv], n->lv_v[lv], c->out, 1, fast);
}

/* A credit for output VC K: the owner of a VC with no credit left may bid
   again, if it holds a flit. */
FLIT_HOT void credit_in(const flit_net *n, flit_router *R, long k, const int fast)
{
    if ((R->occ[k]-- == n->vcbuf) & R->inuse[k]) {
        int lv = R->owner[k];
        const flit_ivc *c = &R->ivc[lv];
        if (c->count)
            set_elig(n, R, n->lv_p[lv], n->lv_v[lv], c->out, 1, fast);
    }
}

/* The flits and credits that arrive at T, in slot S. */
FLIT_HOT void arrivals(flit_net *n, flit_router *R, long t, long s, const int fast)
{
    int nf, nc;
    const flit_ev *slot = flit_take(R->in, s, &nf, &nc);
    if (!slot)
        return;
    n->dirty = 1;
    for (int i = 1; i <= nf; i++)
        vc_push(n, R, slot[i].x, slot[i].w, t, fast);
    for (const flit_ev *c = slot + R->in->cbase, *end = c + nc; c < end; c++)
        credit_in(n, R, c->x, fast);
}

/* Input VC LV of output O takes that output's VC PICK (K = O's VC PICK in
   the router's numbering). */
static void va_take(flit_net *n, flit_router *R, flit_port *O, int lv, int k, int pick)
{
    R->inuse[k] = 1;
    R->owner[k] = lv;
    O->nfree--;
    /* VA compares cyclic distances, for which nv is as 0 */
    R->va_gptr[k] = lv + 1;
    R->va_aptr[lv] = k + 1;
    R->ivc[lv].ovc = pick;
    R->ivc[lv].k = k;
    /* it bids for the switch d_va cycles on: now, or after this cycle's SA */
    if (n->d_va)
        n->fresh[n->nfresh++] = lv;
    else
        update_elig(n, R, lv);
    n->dirty = 1;
}

/* VA at output O of router R: a head requests only its output's VCs, so
   each output's VCs grant, and its heads accept, among its heads alone. */
FLIT_HOT void va_out(flit_net *n, flit_router *R, int o, long t)
{
    const int vcs = n->vcs, nv = R->nports * vcs, qn = nv;
    int *best = n->va_best, *bestd = n->va_bestd;
    flit_port *O = &R->port[o];
    if (!O->nfree)
        return;
    int *q = R->vaq + (long)o * qn, bids = 0, lost = 0;
    const unsigned char *use = R->inuse + (long)o * vcs;
    const int *gp = R->va_gptr + (long)o * vcs;
    if (O->nwait == 1) {
        /* the common case: every free VC grants the one head, which takes
           the first after its pointer (AP, in the output's numbering: a
           pointer outside the output's VCs is before its first) */
        int lv = q[0], ap = R->va_aptr[lv] - o * vcs, pick = -1, first = -1;
        if (R->ready[lv] > t) {
            if (R->ready[lv] < R->va_next)
                R->va_next = R->ready[lv];
            return;
        }
        for (int ov = 0; ov < vcs; ov++)
            if (!use[ov]) {
                first = first < 0 ? ov : first;
                pick = pick < 0 && ov >= ap ? ov : pick;
            }
        pick = pick < 0 ? first : pick;
        va_take(n, R, O, lv, o * vcs + pick, pick);
        O->nwait = 0;
        R->vawait &= ~(1ULL << (o & 63));
        return;
    }
    /* grants: each free output VC to its requester nearest after its pointer */
    for (int ov = 0; ov < vcs; ov++)
        best[ov] = -1;
    for (int i = 0; i < O->nwait; i++) {
        int lv = q[i];
        long ready = R->ready[lv];
        if (ready > t) {
            if (ready < R->va_next)
                R->va_next = ready;
            continue;
        }
        bids = 1;
        for (int ov = 0; ov < vcs; ov++) {
            if (use[ov])
                continue;
            int d = lv - gp[ov];
            if (d < 0)
                d += nv;
            if (best[ov] < 0 || d < bestd[ov]) {
                best[ov] = lv;
                bestd[ov] = d;
            }
        }
    }
    if (!bids)
        return;
    /* accepts: each input VC takes its grant nearest after its pointer */
    for (int i = 0; i < O->nwait;) {
        int lv = q[i], pick = -1, pd = 0, ap = R->va_aptr[lv];
        for (int ov = 0; ov < vcs; ov++) {
            if (best[ov] != lv)
                continue;
            int d = o * vcs + ov - ap;
            if (d < 0)
                d += nv;
            if (pick < 0 || d < pd) {
                pick = ov;
                pd = d;
            }
        }
        if (pick < 0) {
            lost |= R->ready[lv] <= t;
            i++;
            continue;
        }
        va_take(n, R, O, lv, o * vcs + pick, pick);
        q[i] = q[--O->nwait];
    }
    if (lost && O->nfree && R->va_next > t + 1)
        R->va_next = t + 1;
    if (!O->nwait)
        R->vawait &= ~(1ULL << (o & 63));
}

/* VA, output by output. */
static void va(flit_net *n, flit_router *R, long t)
{
    /* the next VA: when the first head with a free VC leaves route
       computation, or at once for those that lost while a VC is left; a
       head whose output has no free VC waits for a tail to free one (move) */
    R->va_next = LONG_MAX;
    if (n->fast) {
        for (uint64_t m = R->vawait; m; m &= m - 1)
            va_out(n, R, __builtin_ctzll(m), t);
        return;
    }
    for (int o = 0; o < R->nports; o++)
        if (R->port[o].nwait)
            va_out(n, R, o, t);
}

/* Flits output Q may move this cycle: its speedup, or what its bucket
   holds; into a shared endpoint, less what the interface claims when its
   injection spent the bucket less recently. */
static int out_cap(flit_net *n, const flit_plink *Q, long t)
{
    if (Q->bucket < 0)
        return Q->speedup_out;
    int tok = flit_bucket_tokens(&n->buckets[Q->bucket], t);
    if (Q->ej >= 0 && n->e[Q->ej].shared) {
        const flit_ep *E = &n->e[Q->ej];
        if (E->inj_at <= E->ej_at && tok > 0) {
            int w = flit_ni_wants(n, Q->ej, t);
            tok -= w < tok ? w : tok;
        }
    }
    int c = tok < Q->speedup_out ? tok : Q->speedup_out;
    if (c <= 0)
        n->dirty = 1; /* a flit waits for the bucket, which fills by the cycle */
    return c;
}

/* The tail of input VC LV's front packet has left for output O at T: its
   output VC is free, and the next packet, if any, is at the front. Out of
   line: once a packet, it would crowd a move's registers. */
static void tail_gone(const flit_net *n, flit_router *R, long lv, flit_port *O, long t)
{
    flit_ivc *c = &R->ivc[lv];
    c->head = c->head + 1 == n->vcbuf ? 0 : c->head + 1;
    c->npk--;
    R->inuse[c->k] = 0;
    O->nfree++;
    if (O->nwait && R->va_next > t + 1)
        R->va_next = t + 1;
    if (c->count)
        start_head(n, R, lv, t + 1);
    else
        c->out = c->ovc = -1;
}

/* Input port P's VC V crosses to its output O: its credit goes upstream
   now and the flit is on the channel d_st cycles later. E is where the
   caller found V, flit_router.elig's word for P and O (FAST only); SL is
   the cycle's flit_net.mslot row; UNIT and FAST are flit_router.unit and
   flit_net.fast, BK whether a bucket may limit the output, constants in
   each caller, which marks the cycle dirty. */
FLIT_HOT void move(flit_net *n, flit_router *R, long p, int v, long o, uint64_t *e, long t,
                   const long *sl, const int unit, const int fast, const int bk)
{
    const long vcs = n->vcs, lv = p * vcs + v;
    const int vcbuf = n->vcbuf;
    flit_ivc *c = &R->ivc[lv];
    const long k = c->k;
    flit_port *I = &R->port[p], *O = &R->port[o];
    uint32_t w = c->w;
    c->w = (w & ~(FW_HEAD | FW_TAIL)) | (--c->left == 1 ? FW_TAIL : 0);
    int left = --c->count;
    R->nfull -= !left;
    flit_put_credit(n, I->tx, sl[I->cslot], I->cr_x0 + v);
    flit_put_flit(n, O->rx, sl[O->fslot], w, O->rx_dk + (int)k);
    O->flits++;
    int held = R->occ[k] += O->occ_add;
    if (!unit || bk) {
        flit_plink *Q = &R->plink[o];
        if (!unit && Q->speedup_out > 1 && Q->busy_at != t) {
            Q->busy_at = t;
            Q->busy++;
        }
        if (Q->bucket >= 0) {
            flit_bucket_spend(&n->buckets[Q->bucket], t, 1);
            if (Q->ej >= 0)
                n->e[Q->ej].ej_at = t;
        }
    }
    I->off = fast || v + 1 < vcs ? v + 1 : 0; /* several words need it wrapped */
    /* it was eligible: it stays so unless its packet, its flits or its credits
       ended; in single words cleared without a branch, which the flits'
       order would mispredict (clearing nothing changes nothing) */
    uint64_t end = (w & FW_TAIL) | !left | (held == vcbuf);
    if (fast) {
        uint64_t *rq = &O->req;
        uint64_t ev = *e & ~(end << v), rv = *rq & ~((uint64_t)!ev << p);
        *e = ev;
        *rq = rv;
        R->outmask &= ~((uint64_t)!rv << o);
    } else if (end) {
        set_elig(n, R, p, v, o, 0, 0);
    }
    if (w & FW_TAIL)
        tail_gone(n, R, lv, O, t);
}

/* The first member of non-empty M at or after bit FROM, wrapping round.
   A pointer past the last of 64 members is 64: it means 0, as one past
   fewer members does (single-word pointers are kept unwrapped). */
FLIT_HOT int rr_first(uint64_t m, int from)
{
    uint64_t up = m & (~0ULL << (from & 63));
    return __builtin_ctzll(up ? up : m);
}

/* The bits of M from bit FROM up, then those below it: a word's members in
   round-robin order are PART[0]'s then PART[1]'s. */
FLIT_HOT void rr_split(uint64_t m, int from, uint64_t part[2])
{
    uint64_t up = ~0ULL << (from & 63);
    part[0] = m & up;
    part[1] = m & ~up;
}

/* Switch allocation on single words: a router's ports and a port's VCs.
   The requests are standing sets, kept as VCs become eligible or cease to:
   input p requests output o when one of its VCs bound for o is eligible,
   with the one nearest after its offset. The winners are listed first and
   moved after, so that no move changes what allocation sees. */
static void sa_fast(flit_net *n, flit_router *R, long t, const long *sl)
{
    const int np = R->nports, maxp = n->maxp;
    flit_port *P = R->port;
    uint64_t outs = R->outmask, grm[64], ins = 0, part[2];
    int accp[64], accd[64], *win = n->sa_req, nwin = 0;
    /* grants: each output to the requesting inputs nearest after its pointer */
    for (uint64_t ob = outs; ob; ob &= ob - 1) {
        int o = __builtin_ctzll(ob), c = R->plink[o].cap;
        accp[o] = -1;
        if (!c && !(c = out_cap(n, &R->plink[o], t)))
            continue;
        if (c == 1) {
            int p = rr_first(P[o].req, P[o].gptr);
            if (!(ins >> p & 1)) {
                ins |= 1ULL << p;
                grm[p] = 0;
            }
            grm[p] |= 1ULL << o;
            continue;
        }
        rr_split(P[o].req, P[o].gptr, part);
        for (int h = 0; h < 2 && c; h++)
            for (uint64_t b = part[h]; b && c; b &= b - 1, c--) {
                int p = __builtin_ctzll(b);
                if (!(ins >> p & 1)) {
                    ins |= 1ULL << p;
                    grm[p] = 0;
                }
                grm[p] |= 1ULL << o;
            }
    }
    /* accepts: each input takes the grants nearest after its pointer, each
       with its VC for that output nearest after its offset */
    for (uint64_t ib = ins; ib; ib &= ib - 1) {
        int p = __builtin_ctzll(ib), c = R->plink[p].speedup, last = 0;
        int off = P[p].off;
        const uint64_t *elig = R->elig + (long)p * maxp;
        if (c == 1) {
            int o = last = rr_first(grm[p], P[p].aptr);
            win[nwin++] = p;
            win[nwin++] = rr_first(elig[o], off);
            win[nwin++] = o;
            int d = p - P[o].gptr;
            if (d < 0)
                d += np;
            if (accp[o] < 0 || d > accd[o]) {
                accp[o] = p;
                accd[o] = d;
            }
        } else {
            rr_split(grm[p], P[p].aptr, part);
            for (int h = 0; h < 2 && c; h++)
                for (uint64_t b = part[h]; b && c; b &= b - 1, c--) {
                    int o = last = __builtin_ctzll(b);
                    win[nwin++] = p;
                    win[nwin++] = rr_first(elig[o], off);
                    win[nwin++] = o;
                    /* the output's pointer goes past the furthest input it served */
                    int d = p - P[o].gptr;
                    if (d < 0)
                        d += np;
                    if (accp[o] < 0 || d > accd[o]) {
                        accp[o] = p;
                        accd[o] = d;
                    }
                }
        }
        P[p].aptr = last + 1 == np ? 0 : last + 1;
    }
    for (uint64_t ob = outs; ob; ob &= ob - 1) {
        int o = __builtin_ctzll(ob);
        if (accp[o] >= 0)
            P[o].gptr = accp[o] + 1 == np ? 0 : accp[o] + 1;
    }
    for (int i = 0; i < nwin; i += 3)
        move(n, R, win[i], win[i + 1], win[i + 2], R->elig + (long)win[i] * n->maxp + win[i + 2], t, sl,
             0, 1, 1);
    if (nwin)
        n->dirty = 1;
}

/* sa_fast where every port moves one flit a cycle at most
   (flit_router.unit): an output grants one input, or none when its bucket
   is empty (BK: some output has one), which accepts one output, so each
   accept sets both pointers and moves its flit at once (a move changes only
   its own input's and output's state, and the buckets are read first). */
FLIT_HOT void sa_unit(flit_net *n, flit_router *R, long t, const long *sl, const int bk)
{
    const int maxp = n->maxp;
    flit_port *P = R->port;
    uint64_t *grm = n->sa_grants, ins = 0; /* zero, and left so */
    for (uint64_t ob = R->outmask; ob; ob &= ob - 1) {
        int o = __builtin_ctzll(ob);
        if (bk && (R->bucketed >> o & 1) && !out_cap(n, &R->plink[o], t))
            continue;
        int p = rr_first(P[o].req, P[o].gptr);
        grm[p] |= 1ULL << o;
        ins |= 1ULL << p;
    }
    uint64_t *elig = R->elig;
    n->dirty = 1;
    for (; ins; ins &= ins - 1) {
        int p = __builtin_ctzll(ins), o = rr_first(grm[p], P[p].aptr);
        grm[p] = 0;
        P[p].aptr = o + 1;
        P[o].gptr = p + 1;
        uint64_t *e = elig + (long)p * maxp + o;
        move(n, R, p, rr_first(*e, P[p].off), o, e, t, sl, 1, 1, bk);
    }
}

/* Switch allocation on sets of several words, as sa_fast. */
static void sa_words(flit_net *n, flit_router *R, long t, const long *sl)
{
    int vcs = n->vcs, np = R->nports, wv = n->wv, wp = n->wp, nouts = 0, nins = 0;
    int *req = n->sa_req, *cap = n->sa_cap, *list = n->sa_list;
    for (int p = 0; p < np; p++) {
        const flit_bits *m = R->pelig + (long)p * wv;
        int k = fb_empty(m, wv) ? 0 : fb_list(m, wv, R->port[p].off, vcs, list);
        for (int i = 0; i < k; i++) {
            int o = R->iv_out[(long)p * vcs + list[i]];
            flit_bits *rq = n->sa_reqm + (long)o * wp;
            if (fb_get(rq, p))
                continue;
            if (cap[o] < 0) {
                cap[o] = out_cap(n, &R->plink[o], t);
                n->sa_outs[nouts++] = o;
            }
            if (cap[o]) {
                req[p * np + o] = list[i];
                fb_put(rq, p, 1);
            }
        }
    }
    for (int i = 0; i < nouts; i++) {
        int o = n->sa_outs[i];
        n->sa_accp[o] = -1;
        if (!cap[o])
            continue;
        int k = fb_list(n->sa_reqm + (long)o * wp, wp, R->port[o].gptr, cap[o], list);
        for (int j = 0; j < k; j++) {
            flit_bits *g = n->sa_grm + (long)list[j] * wp;
            if (fb_empty(g, wp))
                n->sa_ins[nins++] = list[j];
            fb_put(g, o, 1);
        }
    }
    for (int i = 0; i < nins; i++) {
        int p = n->sa_ins[i];
        flit_bits *g = n->sa_grm + (long)p * wp;
        int k = fb_list(g, wp, R->port[p].aptr, R->plink[p].speedup, list);
        for (int j = 0; j < k; j++) {
            int o = list[j];
            move(n, R, p, req[p * np + o], o, NULL, t, sl, 0, 0, 1);
            n->dirty = 1;
            int d = p - R->port[o].gptr;
            if (d < 0)
                d += np;
            if (n->sa_accp[o] < 0 || d > n->sa_accd[o]) {
                n->sa_accp[o] = p;
                n->sa_accd[o] = d;
            }
        }
        R->port[p].aptr = list[k - 1] + 1 == np ? 0 : list[k - 1] + 1;
        fb_clear(g, wp);
    }
    for (int i = 0; i < nouts; i++) {
        int o = n->sa_outs[i];
        if (n->sa_accp[o] >= 0)
            R->port[o].gptr = n->sa_accp[o] + 1 == np ? 0 : n->sa_accp[o] + 1;
        fb_clear(n->sa_reqm + (long)o * wp, wp);
        cap[o] = -1;
    }
}

/* Router R's cycle T; SL is its flit_net.mslot row, FAST flit_net.fast, a
   constant in each caller. */
FLIT_HOT void router_step(flit_net *n, flit_router *R, long t, const long *sl, const int fast)
{
    arrivals(n, R, t, sl[4], fast);
    n->nfresh = 0;
    if (R->va_next <= t) /* never while no head waits */
        va(n, R, t);
    if (!fast) {
        if (R->nfull)
            sa_words(n, R, t, sl);
    } else if (R->outmask) {
        if (R->unit && !R->bucketed)
            sa_unit(n, R, t, sl, 0);
        else if (R->unit)
            sa_unit(n, R, t, sl, 1);
        else
            sa_fast(n, R, t, sl);
    }
    for (int i = 0; i < n->nfresh; i++)
        update_elig(n, R, n->fresh[i]);
}

/* The lines the next router's cycle starts on, its slot of arrivals (at
   offset SLOT) and its ports, fetched while this one runs; where few
   routers are busy their lines stay in the cache anyway. */
enum { FLIT_PREFETCH_ROUTERS = 16 };
FLIT_HOT void prefetch_router(const flit_router *R, long slot)
{
    const flit_port *P = R->port;
    __builtin_prefetch(R->in->ev + slot);
    /* every router has its mesh ports, whether a neighbour is there or not */
    __builtin_prefetch(P);
    __builtin_prefetch(P + 1);
    __builtin_prefetch(P + 2);
    __builtin_prefetch(P + 3);
    for (int p = FLIT_DIRS, np = R->nports < 8 ? R->nports : 8; p < np; p++)
        __builtin_prefetch(P + p);
}

/* flit_routers, FAST being flit_net.fast. */
FLIT_HOT void routers(flit_net *n, int nr, long t, int pair, const int fast)
{
    const long *sl = n->mslot[t - n->t0], *sl_next = n->mslot[t + pair - n->t0];
    const long slot = n->sof[t - n->t0];
    for (int i = 0; i < nr; i++) {
        flit_router *R = &n->r[n->busy_r[i]];
        if (i + 1 < nr && nr > FLIT_PREFETCH_ROUTERS)
            prefetch_router(&n->r[n->busy_r[i + 1]], slot);
        router_step(n, R, t, sl, fast);
        if (pair && !R->coupled)
            router_step(n, R, t + 1, sl_next, fast);
    }
}

void flit_routers(flit_net *n, int nr, long t, int pair)
{
    if (n->fast)
        routers(n, nr, t, pair, 1);
    else
        routers(n, nr, t, pair, 0);
}

/* An idle one's cycle does nothing: they all run, busy or not. */
void flit_routers_coupled(flit_net *n, long t)
{
    const long *sl = n->mslot[t - n->t0];
    for (int i = 0; i < n->ncoupled; i++) {
        flit_router *R = &n->r[n->coupled_r[i]];
        if (n->fast)
            router_step(n, R, t, sl, 1);
        else
            router_step(n, R, t, sl, 0);
    }
}

long flit_router_next(const flit_net *n, int r, long t)
{
    const flit_router *R = &n->r[r];
    long nx = flit_wheel_next(n, R->in, t);
    /* heads still in route computation; those past it wait on a tail here */
    for (int o = 0; o < R->nports; o++) {
        const int *q = R->vaq + (long)o * R->nports * n->vcs;
        for (int i = 0; i < R->port[o].nwait; i++) {
            long ready = R->ready[q[i]];
            if (ready >= t && ready < nx)
                nx = ready;
        }
    }
    return nx;
}
