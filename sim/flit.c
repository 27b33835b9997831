/* flit.c - the flit engine's life cycle and clock; see flit.h.
 *
 * A cycle visits busy routers and interfaces only: a router is busy while
 * flits or credits are on their way to it or its buffers hold flits, an
 * interface while it has messages to cut or flits and credits coming (those
 * gone idle leave the busy lists every few cycles: a cycle of an idle one
 * does nothing). Cycles mostly go in pairs (step_pair). A cycle first lets the messages whose cycle has come into their interfaces
 * and hands shared endpoints' interfaces their credits (their router asks
 * them what they would inject), then runs the routers, then the
 * interfaces. When a cycle changes nothing, nothing can change before the
 * next arrival on a wheel, the next head's end of route computation or the
 * next message's cycle, so the clock jumps there; a flit held back only by
 * a token bucket counts as a change, as the bucket fills by the cycle.
 *
 * Everything a cycle needs is allocated by flit_new and flit_send (wheels
 * are sized for the most that can arrive in a cycle), but for the packet
 * pool, which doubles, rarely, until it holds what the network can. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "flit_int.h"

/* Rates above this many flits a cycle are refused: buckets must not overflow. */
#define FLIT_MAX_RATE 65536.0

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

/* ---- configuration ---- */

/* The switch ports and bucket rate of RATE (bucket rate 0: an integral
   rate, never held back); -1 when RATE is no rate. */
static int rate_of(double rate, int *speedup, long *fixed)
{
    if (!(rate > 0) || !(rate <= FLIT_MAX_RATE))
        return -1;
    double c = ceil(rate);
    *speedup = (int)c;
    *fixed = c == rate ? 0 : llround(rate * (double)FLIT_ONE);
    return c != rate && *fixed <= 0 ? -1 : 0;
}

static int neighbour(const flit_net *n, int r, int dir)
{
    int x = r % n->width, y = r / n->width;
    switch (dir) {
    case 0: return x + 1 < n->width ? r + 1 : -1;
    case 1: return x > 0 ? r - 1 : -1;
    case 2: return y + 1 < n->height ? r + n->width : -1;
    default: return y > 0 ? r - n->width : -1;
    }
}

static int check_config(const flit_config *c)
{
    if (!c || c->width < 1 || c->height < 1 || c->vcs < 1 || c->vc_buffer < 1 ||
        c->router_cycles < 1 || c->link_cycles < 1 || c->nends < 1 || !c->ends)
        return ERR_INPUT;
    if (c->width > (INT_MAX / 16) / c->height || c->router_cycles > INT_MAX / 4 ||
        c->link_cycles > INT_MAX / 4 || c->nends > INT_MAX / 16)
        return ERR_INPUT;
    int routers = c->width * c->height, s;
    long fx;
    for (int e = 0; e < c->nends; e++) {
        const flit_end *f = &c->ends[e];
        if (f->router < 0 || f->router >= routers || rate_of(f->inject_rate, &s, &fx) ||
            rate_of(f->eject_rate, &s, &fx))
            return ERR_INPUT;
    }
    if (c->link_rate)
        for (int r = 0; r < routers; r++)
            for (int d = 0; d < FLIT_DIRS; d++) {
                int x = r % c->width, y = r / c->width;
                int exists = d == 0 ? x + 1 < c->width : d == 1 ? x > 0 : d == 2 ? y + 1 < c->height : y > 0;
                if (exists && rate_of(c->link_rate[r * FLIT_DIRS + d], &s, &fx))
                    return ERR_INPUT;
            }
    return ERR_OK;
}

/* Sets up link L: latency and rate (BUCKET: an index to reuse, or -1).
   Returns the bucket it uses. */
static int make_link(flit_net *n, int l, int lat, double rate, int bucket, int force_bucket)
{
    flit_link *L = &n->l[l];
    long fixed;
    rate_of(rate, &L->speedup, &fixed);
    L->lat = lat;
    L->bucket = -1;
    if (bucket >= 0) {
        L->bucket = bucket;
    } else if (fixed || force_bucket) {
        L->bucket = bucket = n->nbuckets++;
        n->buckets[bucket] = (flit_bucket){fixed ? fixed : (long)L->speedup * FLIT_ONE, 0, 0};
        n->buckets[bucket].level = FLIT_ONE + n->buckets[bucket].rate;
    }
    return bucket;
}

/* Routers' ports, endpoints' ports and lanes; the largest router's ports
   into *MAXP, all lanes into *LANES. */
static void number_ports(flit_net *n, const flit_config *c, int *maxp, int *lanes)
{
    int R = n->nrouters;
    /* nports counts a router's endpoints, then its ports, then (from 4 up)
       hands out local port numbers */
    for (int e = 0; e < n->nends; e++)
        n->r[c->ends[e].router].nports++;
    *maxp = *lanes = 0;
    for (int r = 0; r < R; r++) {
        flit_router *rt = &n->r[r];
        rt->x = r % n->width;
        rt->y = r / n->width;
        rt->nports += FLIT_DIRS;
        rt->port0 = n->nports;
        n->nports += rt->nports;
        if (rt->nports > *maxp)
            *maxp = rt->nports;
        rt->nports = FLIT_DIRS;
    }
    for (int e = 0; e < n->nends; e++) {
        flit_ep *ep = &n->e[e];
        long fx;
        ep->router = c->ends[e].router;
        ep->port = n->r[ep->router].nports++;
        ep->ej = FLIT_DIRS * R + e;
        ep->inj = FLIT_DIRS * R + n->nends + e;
        rate_of(c->ends[e].inject_rate, &ep->lanes, &fx);
        ep->lane0 = *lanes;
        *lanes += ep->lanes;
        ep->last_vc = -1;
        ep->ring = -1;
        ep->shared = c->ends[e].shared != 0;
        if (ep->shared)
            n->shared_e[n->shared++] = e;
        ep->inj_at = ep->ej_at = -1;
    }
}

static int alloc_state(flit_net *n, int maxp, int lanes)
{
    int vcs = n->vcs;
    size_t P = (size_t)n->nports, V = P * (size_t)vcs, SV = (P + (size_t)n->nends) * (size_t)vcs;
    size_t MP = (size_t)maxp, MV = MP * (size_t)vcs;
    n->wv = FB_WORDS(vcs);
    n->wp = FB_WORDS(maxp);
    n->maxp = maxp;
    n->fast = maxp <= 64 && vcs <= 64;
    n->port = calloc(P, sizeof *n->port);
    n->plink = calloc(P, sizeof *n->plink);
    n->ivc = malloc(V * sizeof *n->ivc);
    n->ready = calloc(V, sizeof *n->ready);
    n->lv_p = malloc(MV * sizeof *n->lv_p);
    n->lv_v = malloc(MV * sizeof *n->lv_v);
    n->iv_out = calloc(V, sizeof *n->iv_out);
    n->fresh = malloc(V * sizeof *n->fresh);
    n->pq = malloc(V * (size_t)n->vcbuf * sizeof *n->pq);
    n->va_aptr = calloc(V, sizeof *n->va_aptr);
    n->va_gptr = calloc(V, sizeof *n->va_gptr);
    n->vaq = malloc(P * MV * sizeof *n->vaq); /* a router's ports times its input VCs */
    n->port_elig = calloc(P * (size_t)n->wv, sizeof *n->port_elig);
    n->elig_po = calloc(P * MP, sizeof *n->elig_po);
    n->occ = calloc(SV, sizeof *n->occ);
    n->inuse = calloc(SV, 1);
    n->owner = malloc(SV * sizeof *n->owner);
    n->lane = malloc((size_t)lanes * sizeof *n->lane);
    n->lane_tent = malloc((size_t)lanes * sizeof *n->lane_tent);
    n->sa_req = malloc(3 * MP * MP * sizeof *n->sa_req); /* sa_fast: input, VC, output a winner */
    n->sa_reqm = calloc(MP * (size_t)n->wp, sizeof *n->sa_reqm);
    n->sa_grm = calloc(MP * (size_t)n->wp, sizeof *n->sa_grm);
    n->sa_cap = malloc(MP * sizeof *n->sa_cap);
    n->sa_ins = malloc(MP * sizeof *n->sa_ins);
    n->sa_list = malloc((MP > (size_t)vcs ? MP : (size_t)vcs) * sizeof *n->sa_list);
    n->sa_outs = malloc(MP * sizeof *n->sa_outs);
    n->sa_accp = malloc(MP * sizeof *n->sa_accp);
    n->sa_accd = malloc(MP * sizeof *n->sa_accd);
    n->va_best = malloc(MV * sizeof *n->va_best);
    n->va_bestd = malloc(MV * sizeof *n->va_bestd);
    void *all[] = {n->port, n->plink, n->ivc, n->ready, n->lv_p, n->lv_v, n->iv_out, n->fresh, n->pq,
                   n->va_aptr, n->va_gptr, n->vaq, n->port_elig, n->elig_po, n->occ,
                   n->inuse, n->owner, n->lane, n->lane_tent, n->sa_req, n->sa_reqm, n->sa_grm, n->sa_cap, n->sa_ins,
                   n->sa_list, n->sa_outs, n->sa_accp, n->sa_accd, n->va_best, n->va_bestd};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (!all[i])
            return ERR_INTERNAL;
    for (size_t i = 0; i < MP; i++)
        n->sa_cap[i] = -1;
    for (int i = 0; i < lanes; i++)
        n->lane[i] = (flit_lane){-1, 0, 0, -1, -1};
    for (size_t i = 0; i < P; i++)
        n->plink[i].link_in = n->plink[i].link_out = n->plink[i].bucket = n->plink[i].ej = -1;
    for (int r = 0; r < n->nrouters; r++) {
        flit_router *R = &n->r[r];
        size_t p0 = (size_t)R->port0, v0 = p0 * (size_t)vcs;
        R->port = n->port + p0;
        R->plink = n->plink + p0;
        R->ivc = n->ivc + v0;
        R->ready = n->ready + v0;
        R->va_next = LONG_MAX;
        R->pq = n->pq + v0 * (size_t)n->vcbuf;
        R->elig = n->elig_po + p0 * MP;
        R->pelig = n->port_elig + p0 * (size_t)n->wv;
        R->iv_out = n->iv_out + v0;
        R->vaq = n->vaq + p0 * MV;
        R->va_aptr = n->va_aptr + v0;
        R->occ = n->occ + v0;
        R->owner = n->owner + v0;
        R->va_gptr = n->va_gptr + v0;
        R->inuse = n->inuse + v0;
    }
    for (size_t i = 0; i < V; i++)
        n->ivc[i] = (flit_ivc){.out = -1, .ovc = -1};
    for (size_t i = 0; i < MV; i++) {
        n->lv_p[i] = (int)(i / (size_t)vcs);
        n->lv_v[i] = (int)(i % (size_t)vcs);
    }
    return ERR_OK;
}

/* Each router's and interface's wheel, of slots for what can arrive in a
   cycle: a flit per flit its incoming links carry and a credit per flit
   its outgoing links carry. */
static int make_wheels(flit_net *n)
{
    int R = n->nrouters, nw = R + n->nends;
    /* the longest way, a flit's, and two: a router that runs two cycles
       at once (step_pair) puts things on a wheel whose owner has not yet
       run the first */
    long slots = n->d_st + n->link_cycles + 3;
    n->wslots = (int)slots;
    /* 0 .. slots - 1 twice and two more: from any start, the slots of the
       cycles a step reaches follow one another (set_clock) */
    if (!(n->sring = malloc((size_t)(2 * slots + 2) * sizeof *n->sring)))
        return ERR_INTERNAL;
    for (long i = 0; i < 2 * slots + 2; i++)
        n->sring[i] = (int)(i % slots);
    n->sof = n->sring;
    for (int l = 0; l < n->nlinks; l++) {
        flit_link *L = &n->l[l];
        if (L->rx_router < 0 && L->rx_end < 0)
            continue; /* no neighbour there */
        L->rx = L->rx_router >= 0 ? n->r[L->rx_router].in : n->e[L->rx_end].in;
        L->tx = L->tx_router >= 0 ? n->r[L->tx_router].in : n->e[L->tx_end].in;
        L->rx->stride += L->speedup;
        L->tx->stride += L->speedup;
    }
    long total = 0;
    for (int i = 0; i < nw; i++) {
        flit_wheel *W = &n->wheels[i];
        W->stride++; /* the count */
        W->id = i;
        total += W->stride;
    }
    if (!(n->wheel_ev = calloc((size_t)(total * slots), sizeof *n->wheel_ev)))
        return ERR_INTERNAL;
    total = 0;
    for (int i = 0; i < nw; i++) {
        flit_wheel *W = &n->wheels[i];
        W->ev = n->wheel_ev + total * slots;
        total += W->stride;
    }
    return ERR_OK;
}

/* A router port's copy of its links. */
static void fill_port(flit_net *n, flit_port *P, flit_plink *Q)
{
    if (Q->link_out >= 0) {
        const flit_link *L = &n->l[Q->link_out];
        P->rx = L->rx;
        P->rx_x0 = L->rx_x0;
        Q->cap = L->bucket < 0 ? L->speedup : 0;
        P->nfree = n->vcs;
        Q->bucket = L->bucket;
        Q->ej = L->rx_end;
        Q->speedup_out = L->speedup;
        Q->busy_at = -1;
    }
    if (Q->link_in >= 0) {
        const flit_link *L = &n->l[Q->link_in];
        P->tx = L->tx;
        P->cr_x0 = L->cr_x0;
        Q->speedup = L->speedup;
    }
}

/* The links: mesh channels where a neighbour is, each endpoint's pair. */
static int wire(flit_net *n, const flit_config *c)
{
    for (int l = 0; l < n->nlinks; l++)
        n->l[l].rx_router = n->l[l].rx_end = n->l[l].tx_router = n->l[l].tx_end = -1;
    for (int r = 0; r < n->nrouters; r++)
        for (int d = 0; d < FLIT_DIRS; d++) {
            int nb = neighbour(n, r, d), l = r * FLIT_DIRS + d;
            if (nb < 0)
                continue;
            flit_link *L = &n->l[l];
            int rx = n->r[nb].port0 + (d ^ 1), tx = n->r[r].port0 + d;
            L->tx_router = r;
            L->rx_router = nb;
            n->plink[tx].link_out = l;
            n->plink[rx].link_in = l;
            L->rx_x0 = (d ^ 1) * n->vcs;
            L->cr_x0 = d * n->vcs;
            make_link(n, l, n->link_cycles, c->link_rate ? c->link_rate[l] : 1.0, -1, 0);
        }
    for (int e = 0; e < n->nends; e++) {
        flit_ep *ep = &n->e[e];
        const flit_end *f = &c->ends[e];
        int p = n->r[ep->router].port0 + ep->port;
        flit_link *J = &n->l[ep->inj], *K = &n->l[ep->ej];
        J->tx_end = e;
        J->rx_router = ep->router;
        K->tx_router = ep->router;
        K->rx_end = e;
        n->plink[p].link_in = ep->inj;
        n->plink[p].link_out = ep->ej;
        ep->vc0 = (n->nports + e) * n->vcs;
        J->rx_x0 = ep->port * n->vcs;
        K->cr_x0 = ep->port * n->vcs;
        int b = make_link(n, ep->inj, 1, f->inject_rate, -1, ep->shared);
        make_link(n, ep->ej, 1, ep->shared ? f->inject_rate : f->eject_rate, ep->shared ? b : -1, 0);
    }
    int rc = make_wheels(n);
    for (int r = 0; r < n->nrouters; r++) {
        flit_router *R = &n->r[r];
        R->unit = 1;
        for (int p = R->port0; p < R->port0 + R->nports; p++) {
            flit_port *P = &n->port[p];
            flit_plink *Q = &n->plink[p];
            fill_port(n, P, Q);
            if ((Q->link_out >= 0 && Q->speedup_out != 1) || (Q->link_in >= 0 && Q->speedup != 1))
                R->unit = 0;
            if (n->fast && Q->bucket >= 0)
                R->bucketed |= 1ULL << (p - R->port0);
            if (Q->ej >= 0 && n->e[Q->ej].shared)
                R->coupled = 1;
        }
    }
    return rc;
}

static int build(flit_net *n, const flit_config *c)
{
    int R = n->nrouters, E = n->nends, maxp, lanes, rc;
    n->r = calloc((size_t)R, sizeof *n->r);
    n->e = calloc((size_t)E, sizeof *n->e);
    n->nlinks = FLIT_DIRS * R + 2 * E;
    n->l = calloc((size_t)n->nlinks, sizeof *n->l);
    n->buckets = calloc((size_t)n->nlinks, sizeof *n->buckets);
    n->wheels = calloc((size_t)(R + E), sizeof *n->wheels);
    n->busy_r = malloc((size_t)R * sizeof *n->busy_r);
    n->busy_e = malloc((size_t)E * sizeof *n->busy_e);
    n->shared_e = malloc((size_t)E * sizeof *n->shared_e);
    if (!n->r || !n->e || !n->l || !n->buckets || !n->wheels || !n->busy_r || !n->busy_e || !n->shared_e)
        return ERR_INTERNAL;
    for (int i = 0; i < R + E; i++)
        *(i < R ? &n->r[i].in : &n->e[i - R].in) = &n->wheels[i];
    number_ports(n, c, &maxp, &lanes);
    if ((rc = alloc_state(n, maxp, lanes)) || (rc = wire(n, c)))
        return rc;
    n->msg_free = -1;
    return flit_grow_packets(n) ? ERR_INTERNAL : ERR_OK;
}

/* Doubles the packet pool (from one per lane and a few); -1 when memory or
   the flit word's 30 bits of packet run out. Rare: the pool stops growing
   once it holds what the network holds at its fullest. */
int flit_grow_packets(flit_net *n)
{
    long c = n->npkt ? 2 * n->npkt : 64 + 2L * n->nends;
    if (c >= (1L << 30))
        return -1;
    flit_pkt *p = realloc(n->pkt, (size_t)c * sizeof *p);
    if (!p)
        return -1;
    n->pkt = p;
    int *f = realloc(n->pkt_free, (size_t)c * sizeof *f);
    if (!f)
        return -1;
    n->pkt_free = f;
    for (long i = c - 1; i >= n->npkt; i--)
        n->pkt_free[n->npkt_free++] = (int)i;
    n->npkt = c;
    return 0;
}

int flit_new(const flit_config *cfg, flit_net **out)
{
    *out = NULL;
    int rc = check_config(cfg);
    if (rc)
        return rc;
    flit_net *n = calloc(1, sizeof *n);
    if (!n)
        return ERR_INTERNAL;
    n->width = cfg->width;
    n->height = cfg->height;
    n->nrouters = cfg->width * cfg->height;
    n->nends = cfg->nends;
    n->vcs = cfg->vcs;
    n->vcbuf = cfg->vc_buffer;
    n->link_cycles = cfg->link_cycles;
    int R = cfg->router_cycles;
    n->d_rc = R > 3 ? R - 3 : 0;
    n->d_va = R > 2;
    n->d_st = R > 1;
    /* mesh channels are link_cycles long, an interface's 1 */
    n->fdelay[0] = n->d_st + cfg->link_cycles + 1;
    n->fdelay[1] = n->d_st + 2;
    n->cdelay[0] = cfg->link_cycles + 1;
    n->cdelay[1] = 2;
    n->ej_track = cfg->vc_buffer <= n->fdelay[1] + n->cdelay[1];
    if ((rc = build(n, cfg))) {
        flit_free(n);
        return rc;
    }
    *out = n;
    return ERR_OK;
}

void flit_free(flit_net *n)
{
    if (!n)
        return;
    void *arrays[] = {n->r, n->e, n->l, n->buckets, n->wheels, n->wheel_ev, n->sring, n->busy_r, n->busy_e, n->shared_e,
                      n->port, n->plink, n->iv_out, n->fresh, n->ivc, n->ready, n->lv_p, n->lv_v, n->pq, n->va_aptr, n->va_gptr, n->vaq, n->occ, n->inuse,
                      n->lane, n->lane_tent, n->port_elig, n->elig_po, n->owner, n->msg, n->live, n->wait, n->pkt, n->pkt_free, n->done, n->sent, n->sa_req,
                      n->sa_reqm, n->sa_grm, n->sa_cap, n->sa_ins, n->sa_list, n->sa_outs, n->sa_accp,
                      n->sa_accd, n->va_best, n->va_bestd};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
    free(n);
}

void flit_set_words(flit_net *n)
{
    n->fast = 0;
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

static void wait_push(flit_net *n, flit_wait w)
{
    long i = n->nwait++;
    while (i > 0 && wait_before(&w, &n->wait[(i - 1) / 2])) {
        n->wait[i] = n->wait[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    n->wait[i] = w;
}

static flit_wait wait_pop(flit_net *n)
{
    flit_wait top = n->wait[0], last = n->wait[--n->nwait];
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
    return top;
}

static int hops(const flit_net *n, int a, int b)
{
    int ra = n->e[a].router, rb = n->e[b].router;
    return abs(ra % n->width - rb % n->width) + abs(ra / n->width - rb / n->width);
}

/* Room in a queue of notices (*Q from *HEAD to *N, capacity *CAP) for
   NEED more: the popped ones are dropped first. */
static int make_room(flit_done **q, long *head, long *n, long *cap, long need)
{
    if (*head == *n)
        *head = *n = 0;
    if (*n + need > *cap && *head) {
        memmove(*q, *q + *head, (size_t)(*n - *head) * sizeof **q);
        *n -= *head;
        *head = 0;
    }
    return grow((void **)q, cap, *n + need, sizeof **q);
}

int flit_send(flit_net *n, long at, int src, int dst, long flits, int packet_flits, long tag)
{
    if (!n || at < n->now || src < 0 || src >= n->nends || dst < 0 || dst >= n->nends || flits < 1 ||
        packet_flits < 1)
        return ERR_INPUT;
    if (make_room(&n->done, &n->done_head, &n->done_n, &n->done_cap, n->nlive + 1) ||
        make_room(&n->sent, &n->sent_head, &n->sent_n, &n->sent_cap, n->nlive + 1) ||
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
                    .pflits = packet_flits, .hops = hops(n, src, dst), .next = -1, .prev = -1,
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

static int end_idle(const flit_net *n, int e)
{
    const flit_ep *ep = &n->e[e];
    return !ep->in->pending && ep->ring < 0 && !ep->busy_lanes;
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
    while (n->nwait && n->wait[0].at <= t)
        flit_ni_enqueue(n, wait_pop(n).msg);
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
        if (n->r[r].in->pending || n->r[r].nfull)
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
        flit_routers_coupled(n, nr, t + 1);
    interfaces(n, t + 1, done0, sent0);
}

long flit_wheel_next(const flit_net *n, const flit_wheel *W, long t)
{
    if (!W->pending)
        return LONG_MAX;
    /* asked only when a cycle did nothing: a look at each slot costs less
       than keeping a note of them at every arrival */
    for (int d = 0, s = (int)(t % n->wslots);; d++, s = s + 1 == n->wslots ? 0 : s + 1) {
        const flit_ev *slot = &W->ev[(long)s * W->stride];
        if (slot->x || slot->w)
            return t + d;
    }
}

/* The first cycle from T at which something may happen, LONG_MAX never. */
static long next_event(const flit_net *n, long t)
{
    long nx = n->nwait ? n->wait[0].at : LONG_MAX;
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
    long u = m->flits - m->sent;
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
    return t0 + cycles_for(n, inj->bucket, inj->speedup, m->flits - m->sent, t0) - 1;
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
        long v = m->sent < m->flits ? sent_bound(n, m, n->now) : LONG_MAX;
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
