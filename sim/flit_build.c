/* flit_build.c - the flit engine's construction: a network as flit_new
 * lays it out (see flit_int.h) and its release.
 *
 * Everything a cycle needs is allocated here and by flit_send (wheels are
 * sized for the most that can arrive in a cycle), but for the packet pool,
 * which doubles, rarely, until it holds what the network can. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include "err.h"
#include "flit_int.h"

/* Rates above this many flits a cycle are refused: buckets must not overflow. */
#define FLIT_MAX_RATE 65536.0

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
    n->ej_msg = malloc((size_t)n->nends * (size_t)vcs * sizeof *n->ej_msg);
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
                   n->va_aptr, n->va_gptr, n->vaq, n->port_elig, n->elig_po, n->occ, n->inuse, n->owner,
                   n->lane, n->ej_msg, n->lane_tent, n->sa_req, n->sa_reqm, n->sa_grm, n->sa_cap, n->sa_ins,
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
    for (int e = 0; e < n->nends; e++)
        n->e[e].ej_msg = n->ej_msg + (size_t)e * (size_t)vcs;
    for (size_t i = 0; i < MV; i++) {
        n->lv_p[i] = (int)(i / (size_t)vcs);
        n->lv_v[i] = (int)(i % (size_t)vcs);
    }
    return ERR_OK;
}

/* Each router's and interface's wheel, of slots for what can arrive in a
   cycle: a flit per flit its incoming links carry and a credit per flit
   its outgoing links carry. A slot of every wheel makes a row of
   flit_net.wheel_ev, so that a slot is found by an addition. */
static int make_wheels(flit_net *n)
{
    int R = n->nrouters, nw = R + n->nends;
    /* the longest way, a flit's, and two: a router that runs two cycles
       at once (step_pair) puts things on a wheel whose owner has not yet
       run the first */
    long slots = n->d_st + n->link_cycles + 3;
    n->wslots = (int)slots;
    for (int l = 0; l < n->nlinks; l++) {
        flit_link *L = &n->l[l];
        if (L->rx_router < 0 && L->rx_end < 0)
            continue; /* no neighbour there */
        L->rx = L->rx_router >= 0 ? n->r[L->rx_router].in : n->e[L->rx_end].in;
        L->tx = L->tx_router >= 0 ? n->r[L->tx_router].in : n->e[L->tx_end].in;
        L->rx->stride += L->speedup;
        L->rx->cbase += L->speedup;
        L->tx->stride += L->speedup;
    }
    long total = 0;
    for (int i = 0; i < nw; i++) {
        flit_wheel *W = &n->wheels[i];
        W->stride++; /* the count */
        W->cbase++;
        W->id = i;
        total += W->stride;
    }
    n->wrow = total;
    if (!(n->wheel_ev = calloc((size_t)(total * slots), sizeof *n->wheel_ev)) ||
        !(n->sring = malloc((size_t)(2 * slots + 2) * sizeof *n->sring)))
        return ERR_INTERNAL;
    /* 0 .. slots - 1 twice and two more, as offsets: from any start, the
       slots of the cycles a step reaches follow one another (set_clock) */
    for (long i = 0; i < 2 * slots + 2; i++)
        n->sring[i] = i % slots * total;
    n->sof = n->sring;
    total = 0;
    for (int i = 0; i < nw; i++) {
        flit_wheel *W = &n->wheels[i];
        W->ev = n->wheel_ev + total;
        total += W->stride;
    }
    return ERR_OK;
}

/* A router port's copy of its links; O is its number in the router. */
static void fill_port(flit_net *n, flit_port *P, flit_plink *Q, int o)
{
    int local = o >= FLIT_DIRS;
    P->fslot = (unsigned char)local;
    P->cslot = (unsigned char)(2 + local);
    P->occ_add = !local || n->ej_track;
    if (Q->link_out >= 0) {
        const flit_link *L = &n->l[Q->link_out];
        P->rx = L->rx;
        P->rx_dk = L->rx_x0 - o * n->vcs;
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
        ep->inj_bucket = J->bucket;
    }
    int rc = make_wheels(n);
    for (int r = 0; r < n->nrouters; r++) {
        flit_router *R = &n->r[r];
        R->unit = 1;
        for (int p = R->port0; p < R->port0 + R->nports; p++) {
            flit_port *P = &n->port[p];
            flit_plink *Q = &n->plink[p];
            fill_port(n, P, Q, p - R->port0);
            if ((Q->link_out >= 0 && Q->speedup_out != 1) || (Q->link_in >= 0 && Q->speedup != 1))
                R->unit = 0;
            if (n->fast && Q->bucket >= 0)
                R->bucketed |= 1ULL << (p - R->port0);
            if (Q->ej >= 0 && n->e[Q->ej].shared)
                R->coupled = 1;
        }
        if (R->coupled)
            n->coupled_r[n->ncoupled++] = r;
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
    n->coupled_r = malloc((size_t)R * sizeof *n->coupled_r);
    if (!n->r || !n->e || !n->l || !n->buckets || !n->wheels || !n->busy_r || !n->busy_e || !n->shared_e ||
        !n->coupled_r)
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
    void *arrays[] = {n->r, n->e, n->l, n->buckets, n->wheels, n->wheel_ev, n->sring, n->busy_r,
                      n->busy_e, n->shared_e, n->coupled_r, n->port, n->plink, n->iv_out, n->fresh,
                      n->ivc, n->ready, n->lv_p, n->lv_v, n->pq, n->va_aptr, n->va_gptr, n->vaq, n->occ,
                      n->inuse, n->lane, n->ej_msg, n->lane_tent, n->port_elig, n->elig_po, n->owner, n->msg,
                      n->live, n->wait, n->run, n->pkt, n->pkt_free, n->done, n->sent, n->sa_req, n->sa_reqm,
                      n->sa_grm, n->sa_cap, n->sa_ins, n->sa_list, n->sa_outs, n->sa_accp, n->sa_accd,
                      n->va_best, n->va_bestd};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
    free(n);
}

void flit_set_words(flit_net *n)
{
    n->fast = 0;
}
