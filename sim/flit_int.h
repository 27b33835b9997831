/* flit_int.h - private to the flit engine (flit*.c): its state and the
 * helpers its files share.
 *
 * Everything that moves is a link: a directed channel with a ring of flits
 * on their way to its receiver and a ring of credits on their way back to
 * its sender, and the sender's view of the receiver's VC buffers (flits
 * held, VC taken). Links are numbered as the API numbers mesh links,
 * router*4 + dir, then one ejection link per endpoint (its router to its
 * interface), then one injection link per endpoint.
 *
 * A router has 4 + E ports each way, E its endpoints: ports 0..3 are the
 * mesh directions in BookSim's order (input p comes from the neighbour in
 * direction p, output o goes to direction o: 0 +x, 1 -x, 2 +y, 3 -y), then
 * one local port per endpoint in endpoint order. Ports are numbered
 * globally (a router's are port0 .. port0 + nports - 1) and an input VC is
 * port * vcs + vc. Within a cycle routers and interfaces reach each other
 * only through rings whose entries arrive two or more cycles later (and the
 * counts that say a ring holds something), so the order in which a cycle
 * visits them does not matter; the one exception, a shared endpoint's
 * router and interface, which spend one bucket, go in a fixed order. */
#ifndef MCM_FLIT_INT_H
#define MCM_FLIT_INT_H

#include <assert.h>
#include <stdint.h>
#include "flit.h"

enum { FLIT_DIRS = 4 };
enum { VC_IDLE, VC_WAIT_VA, VC_ACTIVE };

/* Token buckets count in 2^-32 flits, so that refills add exactly. */
#define FLIT_ONE (1L << 32)

/* A flit in a ring or a buffer: its packet, and whether it heads or ends it. */
#define FW_TAIL 1u
#define FW_HEAD 2u
#define FW_PKT(w) ((int)((w) >> 2))

/* The few helpers of a flit's every hop, inlined whatever their size. */
#define FLIT_HOT static inline __attribute__((always_inline))

/* Bit sets of a few words: a port's VCs, a router's ports. */
typedef uint64_t flit_bits;
#define FB_WORDS(n) (((n) + 63) / 64)

static inline int fb_get(const flit_bits *b, int i)
{
    return (int)(b[i >> 6] >> (i & 63) & 1);
}

static inline void fb_put(flit_bits *b, int i, int on)
{
    if (on)
        b[i >> 6] |= 1ULL << (i & 63);
    else
        b[i >> 6] &= ~(1ULL << (i & 63));
}

static inline int fb_empty(const flit_bits *b, int words)
{
    if (b[0])
        return 0;
    for (int w = 1; w < words; w++)
        if (b[w])
            return 0;
    return 1;
}

/* The members of B (WORDS words) in round-robin order from FROM, at most
   MAX of them, into OUT; returns how many. */
static inline int fb_list(const flit_bits *b, int words, int from, int max, int *out)
{
    int k = 0, w = from >> 6;
    flit_bits low = ~(~0ULL << (from & 63)), m = b[w] & ~low;
    if (words == 1) {
        for (; m && k < max; m &= m - 1)
            out[k++] = __builtin_ctzll(m);
        for (m = b[0] & low; m && k < max; m &= m - 1)
            out[k++] = __builtin_ctzll(m);
        return k;
    }
    for (int round = 0;;) {
        while (m && k < max) {
            out[k++] = (w << 6) + __builtin_ctzll(m);
            m &= m - 1;
        }
        if (k == max || ++round > words)
            return k;
        w = w + 1 == words ? 0 : w + 1;
        m = round == words ? b[w] & low : b[w];
    }
}

static inline void fb_clear(flit_bits *b, int words)
{
    b[0] = 0;
    for (int w = 1; w < words; w++)
        b[w] = 0;
}

typedef struct {
    long rate;      /* per cycle, in FLIT_ONE units */
    long level;     /* tokens left after cycle AT's moves */
    long at;
} flit_bucket;

typedef struct {
    long at;        /* the cycle the receiver sees it */
    uint32_t w;
    int vc;
} flit_slot;

typedef struct {
    long at;
    int vc;
} credit_slot;

typedef struct {
    flit_slot *s;
    int mask, head, n;
} flit_ring;

typedef struct {
    credit_slot *s;
    int mask, head, n;
} credit_ring;

/* The fields a flit's push and pop use come first, a credit's next: each
   set within a cache line. */
typedef struct {
    flit_ring fr;           /* flits on their way to the receiver */
    int lat;                /* channel latency */
    int rx_router, rx_end;  /* receiver: a router, or -1 and an interface (ejection) */
    uint64_t rx_bit;        /* the receiving router port as a bit (fast), else 0 */
    long flits;             /* flits carried */
    int speedup;            /* flits a cycle at most: ceil(rate) */
    credit_ring cr;         /* credits on their way back to the sender */
    int tx_router, tx_end;  /* sender: a router, or -1 and an interface (injection) */
    uint64_t tx_bit;        /* the sending router port as a bit (fast), else 0 */
    int bucket;             /* index in flit_net.buckets, -1: an integral rate */
    long busy, busy_at;     /* cycles it carried flits, when speedup > 1 */
} flit_link;

typedef struct {
    int state;              /* VC_* */
    int out;                /* output port (router-local) of its front packet */
    int olink;              /* that output's link */
    int ovc;                /* VC of that output, once allocated */
    int head, count;        /* its flits in flit_net.buf */
    long ready;             /* WAIT_VA: the first cycle it may bid for VA */
} flit_ivc;

typedef struct {
    uint64_t due;           /* bit (c & 63) set: something arrives at cycle c */
    uint64_t ring_in, ring_cr; /* fast: ports whose incoming flits / returning credits wait on a ring */
    uint64_t outmask;       /* fast: outputs some input VC may bid for */
    int pending;            /* flits and credits on their way to it */
    int busy;               /* on flit_net.busy_r */
    int nfull;              /* input VCs holding flits */
    int nva;                /* input VCs waiting for VA: flit_net.va[port0*vcs ..] */
    int nports;             /* 4 + its endpoints, each way */
    int port0;              /* its first global port */
    int x, y;
} flit_router;

typedef struct {
    uint64_t due;           /* as flit_router.due */
    int pending;            /* ejected flits and credits on their way to it */
    int busy;
    int shared;
    int stuck;              /* its last try injected nothing for want of a VC or credit */
    int inj, ej;            /* links into and out of the router */
    int lanes, lane0;       /* packets in progress at once, from flit_net.lane_* */
    int busy_lanes;         /* lanes holding a packet */
    int lane_rr;
    int last_vc;            /* VC of its last head, -1 before the first */
    int ring;               /* active messages, the next to give a packet; -1 */
    int free_msgs;          /* active messages with no packet in a lane */
    int router, port;       /* its router and local port there (4 + j) */
    long inj_flits, ej_flits;
    long queued;            /* messages not wholly cut into packets */
    long inj_at, ej_at;     /* last cycles injection / ejection spent a shared bucket */
} flit_ep;

typedef struct {
    long tag, at;
    long flits, made, sent, ejected;  /* cut into packets, injected, ejected */
    int src, dst, pflits, hops;
    int in_lane;            /* one of its packets is being injected */
    int next, prev;         /* the source's ring of active messages; next: free list */
    int live;               /* index in flit_net.live */
} flit_msg;

typedef struct {
    int msg, size, left;    /* flits, flits not yet ejected */
    int dst_router, dst_port;
} flit_pkt;

typedef struct {
    long at, seq;
    int msg;
} flit_wait;

typedef struct {
    long tag, cycle;
} flit_done;

struct flit_net {
    int width, height, nrouters, nends, vcs, vcbuf, link_cycles;
    int d_rc, d_va, d_st;   /* pipeline: cycles of RC, VA (0: with SA), ST */
    long now;
    int dirty;              /* the last cycle did something: the next may too */
    int poll;               /* delays reach 64 cycles: due bits cannot tell, look every cycle */
    int fast;               /* a router's ports and a port's VCs fit a 64-bit word */
    int shared;             /* some endpoint is shared */
    int oom;                /* the packet pool could not grow */

    flit_router *r;
    flit_ep *e;
    flit_link *l;
    int nlinks, nports, nbuckets;
    flit_bucket *buckets;

    int *port_in, *port_out;  /* per global port: its incoming / outgoing link, -1 none */
    flit_ring **port_fr;      /* per port: the ring of flits coming in, NULL none */
    credit_ring **port_cr;    /* per port: the ring of credits coming back to its output */
    int *port_cap;            /* output side: flits a cycle when no bucket limits it, else 0 */
    int *port_speedup;        /* input side: flits it may send a cycle */
    int *port_off;            /* SA: round-robin VC offset of the input */
    int *port_aptr, *port_gptr; /* iSLIP pointers: accept (input), grant (output) */
    flit_ivc *ivc;            /* per input VC */
    int *iv_out;              /* per input VC: its output port, as flit_ivc.out, packed */
    int *fresh, nfresh;       /* VCs that won VA this cycle, to bid for the switch from the next */
    uint32_t *buf;            /* vcbuf flits per input VC */
    int wv, wp;               /* words of a bit set of a port's VCs, of a router's ports */
    flit_bits *port_elig;     /* per input port, its ACTIVE VCs with a flit and a credit (not fast) */
    int maxp;                 /* most ports of a router */
    uint64_t *elig_po;        /* fast: per input port ip and output o, [ip * maxp + o], those VCs bound for o */
    uint64_t *reqmask;        /* fast: per output port, the inputs with such VCs for it */
    int *owner;               /* per link VC taken by a router's input VC: that VC */
    int *nfree;               /* per link: VCs not taken */
    int *va_aptr;             /* per input VC */
    int *va_gptr;             /* per output VC: global port * vcs + vc */
    int *va;                  /* per router, its input VCs (port-local p*vcs + v) in WAIT_VA */
    int *occ;                 /* per link VC: flits in the receiver's buffer, by the sender's count */
    unsigned char *inuse;     /* per link VC: taken by a packet */

    int *lane_pkt, *lane_flit, *lane_vc;
    int *lane_tent;           /* VCs a dry run of injection has taken */

    int *busy_r, nbusy_r, *busy_e, nbusy_e;

    flit_msg *msg;
    int nmsg, msg_free;
    long cmsg;
    int *live;                /* messages not yet complete */
    long nlive, clive;
    long seq;
    flit_wait *wait;          /* messages before their cycle, a heap */
    long nwait, cwait;

    flit_pkt *pkt;
    int *pkt_free;
    long npkt, npkt_free;

    flit_done *done;
    long done_head, done_n, done_cap;
    flit_done *sent;        /* messages whose last flit has entered the network */
    long sent_head, sent_n, sent_cap;

    /* scratch of one router's allocation, sized for the largest router */
    int *sa_req, *sa_cap, *sa_ins, *sa_outs, *sa_accp, *sa_accd, *sa_list;
    flit_bits *sa_reqm, *sa_grm; /* per output its requesting inputs, per input its grants */
    int *va_best, *va_bestd, *va_touched;
};

static inline void flit_wake_router(flit_net *n, int r)
{
    if (!n->r[r].busy) {
        n->r[r].busy = 1;
        n->busy_r[n->nbusy_r++] = r;
    }
}

static inline void flit_wake_end(flit_net *n, int e)
{
    if (!n->e[e].busy) {
        n->e[e].busy = 1;
        n->busy_e[n->nbusy_e++] = e;
    }
}

/* Puts flit W for VC on link L at cycle T, EXTRA cycles before it is on
   the channel: the receiver sees it at T + EXTRA + lat + 1. */
FLIT_HOT void flit_push_flit(flit_net *n, flit_link *L, long t, int extra, int vc, uint32_t w)
{
    flit_ring *q = &L->fr;
    assert(q->n <= q->mask);
    flit_slot *s = &q->s[(q->head + q->n++) & q->mask];
    long at = t + extra + L->lat + 1;
    s->at = at;
    s->w = w;
    s->vc = vc;
    if (L->rx_router >= 0) {
        flit_router *R = &n->r[L->rx_router];
        R->pending++;
        R->due |= 1ULL << (at & 63);
        R->ring_in |= L->rx_bit;
        if (!R->busy)
            flit_wake_router(n, L->rx_router);
    } else {
        flit_ep *E = &n->e[L->rx_end];
        E->pending++;
        E->due |= 1ULL << (at & 63);
        if (!E->busy)
            flit_wake_end(n, L->rx_end);
    }
    L->flits++;
    if (L->speedup > 1 && L->busy_at != t) {
        L->busy_at = t;
        L->busy++;
    }
}

/* Returns a credit for VC on link L at cycle T. */
FLIT_HOT void flit_push_credit(flit_net *n, flit_link *L, long t, int vc)
{
    credit_ring *q = &L->cr;
    assert(q->n <= q->mask);
    credit_slot *s = &q->s[(q->head + q->n++) & q->mask];
    long at = t + L->lat + 1;
    s->at = at;
    s->vc = vc;
    if (L->tx_router >= 0) {
        flit_router *R = &n->r[L->tx_router];
        R->pending++;
        R->due |= 1ULL << (at & 63);
        R->ring_cr |= L->tx_bit;
        if (!R->busy)
            flit_wake_router(n, L->tx_router);
    } else {
        flit_ep *E = &n->e[L->tx_end];
        E->pending++;
        E->due |= 1ULL << (at & 63);
        if (!E->busy)
            flit_wake_end(n, L->tx_end);
    }
}

/* Whether something may arrive at T for a router or interface of DUE bits. */
static inline int flit_due(const flit_net *n, uint64_t due, long t)
{
    return n->poll || (due >> (t & 63) & 1);
}

/* flit.c */
void flit_msg_done(flit_net *n, int m, long t);
void flit_msg_sent(flit_net *n, int m, long t);
int flit_grow_packets(flit_net *n);
long flit_bucket_level(const flit_bucket *b, long t);
int flit_bucket_tokens(const flit_bucket *b, long t);
void flit_bucket_spend(flit_bucket *b, long t, int k);

/* Makes the routers allocate on several-word sets even where single words
   would do: the tests check that both give the same. */
void flit_set_words(flit_net *n);

/* flit_router.c */
void flit_router_step(flit_net *n, int r, long t);
long flit_router_next(const flit_net *n, int r, long t);

/* flit_ni.c */
/* Makes message M, whose cycle has come, active at its interface. */
void flit_ni_enqueue(flit_net *n, int m);
void flit_ni_credits(flit_net *n, int e, long t);
void flit_ni_step(flit_net *n, int e, long t);
/* Flits the interface of E would inject at T were its bucket no limit. */
int flit_ni_wants(flit_net *n, int e, long t);
long flit_ni_next(const flit_net *n, int e);

#endif
