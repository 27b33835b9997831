/* flit_int.h - private to the flit engine (flit*.c): its state and the
 * helpers its files share.
 *
 * Everything that moves is a link: a directed channel whose flits go to
 * its receiver's wheel and whose credits go back to its sender's, and the
 * sender's view of the receiver's VC buffers (flits held, VC taken). Links
 * are numbered as the API numbers mesh links, router*4 + dir, then one
 * ejection link per endpoint (its router to its interface), then one
 * injection link per endpoint.
 *
 * A router has 4 + E ports each way, E its endpoints: ports 0..3 are the
 * mesh directions in BookSim's order (input p comes from the neighbour in
 * direction p, output o goes to direction o: 0 +x, 1 -x, 2 +y, 3 -y), then
 * one local port per endpoint in endpoint order. Ports are numbered
 * globally (a router's are port0 .. port0 + nports - 1), but a router
 * reaches its own through its bases, numbering ports and VCs from 0 (an
 * input or output VC is port * vcs + vc), as do the entries on its wheel.
 * Routers and interfaces reach each other only through wheels whose entries
 * arrive two or more cycles later (and the flags that put the receiver on
 * its busy list), so the order in which a cycle visits them does not matter,
 * and a router may run two cycles before the others run the first; the one
 * exception, a shared endpoint's router and interface, which spend one
 * bucket, go in a fixed order. */
#ifndef MCM_FLIT_INT_H
#define MCM_FLIT_INT_H

#include <assert.h>
#include <stdint.h>
#include "flit.h"

enum { FLIT_DIRS = 4 };

/* Token buckets count in 2^-32 flits, so that refills add exactly. */
#define FLIT_ONE (1L << 32)

/* A flit's word: its packet, and whether it heads or ends it. */
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

/* An arrival on a wheel: a flit W for input VC X, or a credit for the
   sender's VC X, as the receiver numbers them (a router: port * vcs + vc,
   flit_router's bases; an interface: the VC of its link). */
typedef struct {
    uint32_t w;
    int x;
} flit_ev;

/* What is on its way to a router or interface, by the cycle it arrives:
   slot (cycle % flit_net.wslots) of STRIDE entries, the first counting
   those that follow, at EV + slot * flit_net.wrow (flit_net.sof).
   Everything arrives 2 to wslots - 2 cycles after it is sent, so a slot
   never holds two cycles' arrivals, and a receiver reads just what reaches
   it this cycle, whatever port it comes by. No count of what a wheel
   holds is kept: a push or take would pay for what only compaction and
   the clock's jumps ask, which look at the slots instead. */
typedef struct {
    flit_ev *ev;
    int stride;             /* 1 + the most that can arrive in a cycle */
    int cbase;              /* a slot's first credit: 1 + the most flits that can arrive in a cycle */
    int busy;               /* on flit_net.busy_r or busy_e */
    int id;                 /* its router, or nrouters + its endpoint */
} flit_wheel;

/* A directed channel: its ends and rate. A router's output port copies
   what its moves use (flit_port). */
typedef struct {
    flit_wheel *rx;         /* the receiver's wheel */
    int rx_x0;              /* flit_ev.x of a flit there, less its VC */
    int lat;                /* channel latency */
    int speedup;            /* flits a cycle at most: ceil(rate) */
    int rx_router, rx_end;  /* receiver: a router, or -1 and an interface (ejection) */
    flit_wheel *tx;         /* the sender's wheel, for credits */
    int cr_x0;              /* flit_ev.x of a credit there, less its VC */
    int tx_router, tx_end;  /* sender: a router, or -1 and an interface (injection) */
    int bucket;             /* index in flit_net.buckets, -1: an integral rate */
} flit_link;

/* A router's port, both ways, as its cycles use it, in a cache line. */
typedef struct {
    uint64_t req;           /* fast: the router's inputs bidding for this output */
    flit_wheel *rx;         /* the output link's receiver, as flit_link */
    flit_wheel *tx;         /* the input link's sender, for credits */
    int rx_dk;              /* flit_ev.x of a flit there, less its output VC (flit_ivc.k) */
    int cr_x0;              /* as flit_link */
    int gptr;               /* SA grant pointer (output) */
    int aptr, off;          /* SA accept pointer, round-robin VC offset (input) */
    int nfree;              /* VCs of the output link not taken */
    int nwait;              /* heads waiting for VA for this output */
    /* a move's constants, in what would be padding: its flit's slot in
       flit_net.mslot's rows and its credit's (a mesh or a local port), and
       what it adds to the sender's count of the receiver's buffer (none
       into an interface whose buffer cannot fill, flit_net.ej_track) */
    unsigned char fslot, cslot, occ_add;
    long flits;             /* the output link's, carried */
} flit_port;

/* The rest of a port: what only an output with a bucket or a port of a
   speedup above 1 needs (flit_router.unit, bucketed), and the output
   link's busy cycles. */
typedef struct {
    int cap;                /* flits the output moves a cycle when no bucket limits it, else 0 */
    int speedup;            /* flits the input may send a cycle */
    int bucket;             /* the output link's bucket, -1 none */
    int ej;                 /* the endpoint it ejects to, -1 none */
    int speedup_out;        /* the output link's speedup */
    int link_in, link_out;  /* -1 none */
    long busy, busy_at;     /* cycles the output link carried flits, when speedup_out > 1 */
} flit_plink;

/* An input VC. Flits of a packet are contiguous in a VC and alike but for
   the head and the tail, so it holds a count of flits and its packets'
   ids, each taken at its head's arrival; the front packet's flits yet to
   leave tell the word of the next to leave. */
typedef struct {
    int out;                /* output port of its front packet; -1: the VC is idle */
    int ovc;                /* VC of that output; -1 while the packet waits for VA */
    int count;              /* flits it holds */
    int head, npk;          /* its packets, in flit_router.pq from head on, the front one first */
    uint32_t w;             /* the next flit to leave: the front packet's, FW_HEAD, FW_TAIL */
    int left;               /* the front packet's flits yet to leave */
    int k;                  /* while ovc >= 0: out * vcs + ovc, that output VC in the router's numbering */
} flit_ivc;

/* A router. Its ports, input VCs and output VCs are numbered from 0 in
   each (port p, input VC p * vcs + v, output VC o * vcs + v); the bases
   point into flit_net's arrays, which hold every router's in turn. */
typedef struct {
    flit_wheel *in;         /* flits and credits on their way to it, in flit_net.wheels */
    flit_port *port;
    flit_plink *plink;
    flit_ivc *ivc;
    long *ready;            /* per input VC waiting for VA: the first cycle it may bid */
    int *pq;                /* vcbuf packets an input VC (a VC holds as many flits) */
    uint64_t *elig;         /* fast: [p * maxp + o] input p's VCs bound for output o that may bid */
    flit_bits *pelig;       /* else: wv words an input port, its VCs that may bid */
    int *iv_out;            /* per input VC: flit_ivc.out, packed */
    int *vaq;               /* per output o, from o * nports * vcs: its input VCs waiting for VA,
                               flit_port.nwait of them */
    int *va_aptr;           /* per input VC */
    int *occ, *owner, *va_gptr; /* per output VC: as flit_net.occ, the input VC that took it, VA pointer */
    unsigned char *inuse;   /* per output VC: taken by a packet */
    uint64_t outmask;       /* fast: outputs some input VC may bid for */
    uint64_t vawait;        /* fast: outputs with heads waiting for VA (flit_port.nwait) */
    int nfull;              /* input VCs holding flits */
    int unit;               /* its ports move one flit a cycle at most */
    uint64_t bucketed;      /* fast: its outputs a bucket limits */
    int coupled;            /* it has a shared endpoint */
    long va_next;           /* no VA can succeed before this cycle; LONG_MAX while no head waits */
    int nports;             /* 4 + its endpoints, each way */
    int port0;              /* its first global port */
    int x, y;
} flit_router;

typedef struct {
    flit_wheel *in;         /* ejected flits and injection credits on their way to it */
    int shared;
    int stuck;              /* its last try injected nothing for want of a VC or credit */
    int inj, ej;            /* links into and out of the router */
    int inj_bucket;         /* the injection link's bucket, -1 none: here, so that a cycle
                               that injects nothing touches no link */
    int vc0;                /* its injection VCs in flit_net.occ, inuse: vc0 + vc */
    int lanes, lane0;       /* packets in progress at once, from flit_net.lane[lane0] */
    int busy_lanes;         /* lanes holding a packet */
    int lane_rr;
    int last_vc;            /* VC of its last head, -1 before the first */
    int ring;               /* active messages, the next to give a packet; -1 */
    int free_msgs;          /* active messages with no packet in a lane */
    int router, port;       /* its router and local port there (4 + j) */
    int *ej_msg;            /* per VC of its ejection link: the message of the packet coming
                               on it, from its head, so that its other flits need not look it
                               up (a packet's flits come in order, its tail last) */
    long inj_flits, ej_flits;
    long queued;            /* messages not wholly cut into packets */
    long inj_at, ej_at;     /* last cycles injection / ejection spent a shared bucket */
} flit_ep;

typedef struct {
    long tag, at;
    long flits, made, ejected;  /* cut into packets, ejected; injected: flit_msg_injected */
    int src, dst, pflits, hops;
    int lane;               /* the lane injecting one of its packets (flit_net.lane), -1 none */
    int next, prev;         /* the source's ring of active messages; next: free list */
    int live;               /* index in flit_net.live */
} flit_msg;

typedef struct {
    int msg, size;          /* its flits */
    int dst_port;           /* its destination's local port at its router */
    int dst_x, dst_y;       /* that router's place, for XY routing without a division */
} flit_pkt;

typedef struct {
    long at, seq;
    int msg;
} flit_wait;

typedef struct {
    long tag, cycle;
} flit_done;

/* A packet an interface is injecting. */
typedef struct {
    int pkt;                /* -1: none */
    int flit;               /* the next flit's index */
    int size;               /* its flits */
    int vc;                 /* -1 until its head has one */
    int msg;
} flit_lane;

struct flit_net {
    int width, height, nrouters, nends, vcs, vcbuf, link_cycles;
    int d_rc, d_va, d_st;   /* pipeline: cycles of RC, VA (0: with SA), ST */
    /* from a move at a mesh port [0] or a local one [1]: cycles to the
       flit's arrival downstream, to the credit's upstream */
    int fdelay[2], cdelay[2];
    /* their slots from the router cycles of the step under way (t0 + d),
       set once a step: [d][0..1] fdelay's, [d][2..3] cdelay's, [d][4] the
       slot of cycle t0 + d itself, whose arrivals it reads */
    long mslot[2][5];
    /* an interface ejects a flit as it comes, so a VC of an ejection link
       holds at most fdelay[1] + cdelay[1] flits by its router's count (a
       flit a cycle): a buffer deeper than that never fills, and its
       credits are not needed; ej_track 0 then */
    int ej_track;
    long now;
    int dirty;              /* the last cycle did something: the next may too */
    unsigned steps;         /* steps run, for compaction now and then */
    int fast;               /* a router's ports and a port's VCs fit a 64-bit word */
    int shared, *shared_e;  /* the shared endpoints, how many */
    int ncoupled, *coupled_r; /* the routers of shared endpoints */
    int oom;                /* the packet pool could not grow */

    flit_router *r;
    flit_ep *e;
    flit_link *l;
    int nlinks, nports, nbuckets;
    flit_bucket *buckets;
    int wslots;               /* a wheel's slots */
    long t0;                  /* the cycle the step under way began with */
    long wrow;                /* entries of a slot of every wheel */
    long *sof;                /* the slot of cycle t0 + i, for i up to wslots + 1, as an
                                 offset from a wheel's ev: in sring */
    long *sring;
    flit_wheel *wheels;       /* every router's, then every endpoint's: together, for a push
                                 touches only its slot beyond them */
    flit_ev *wheel_ev;        /* every wheel's slots: slot 0 of each, then slot 1 of each, ...,
                                 so that a cycle's arrivals everywhere lie together */

    /* the arrays the routers' bases point into (flit_router) */
    flit_port *port;          /* per port: every router's in turn */
    flit_plink *plink;
    flit_ivc *ivc;            /* per input VC: port * vcs + vc, every router's in turn */
    long *ready;
    int *lv_p, *lv_v;         /* a router's input VC port * vcs + vc: its port, its VC */
    int *iv_out, *vaq, *va_aptr;
    int *pq;
    int *fresh, nfresh;       /* a router's VCs that won VA this cycle, to bid for the switch from the next */
    int wv, wp;               /* words of a bit set of a port's VCs, of a router's ports */
    flit_bits *port_elig;     /* not fast: wv words per port */
    int maxp;                 /* most ports of a router */
    uint64_t *elig_po;        /* fast: maxp words per port */
    /* per VC of a sender: every router's output VCs in turn (port * vcs +
       vc), then from flit_ep.vc0 each endpoint's injection VCs */
    int *occ;                 /* flits in the receiver's buffer, by the sender's count */
    unsigned char *inuse;     /* taken by a packet */
    int *owner, *va_gptr;     /* a router's */

    flit_lane *lane;
    int *ej_msg;              /* every endpoint's flit_ep.ej_msg, vcs each */
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
    /* and those sent in order of their cycles (a batch, a trace in time
       order), a queue in that order, from run_head to nrun: no sifting */
    flit_wait *run;
    long run_head, nrun, crun;

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
    uint64_t sa_grants[64];   /* sa_unit: per input, the outputs granting it */
    int *va_best, *va_bestd;  /* VA's grants of an output's VCs */
};

/* Puts the router or interface of W on its busy list (flit.c): out of
   line, as a push that wakes one is rare and a flit's path short of
   registers. */
void flit_wake(flit_net *n, flit_wheel *W);

/* Slot S of wheel W (an offset, flit_net.sof), about to hold one more: a
   router or interface is busy while its wheel holds something, so it is
   on its busy list when that comes. */
FLIT_HOT flit_ev *flit_slot(flit_net *n, flit_wheel *W, long s)
{
    if (!W->busy)
        flit_wake(n, W);
    return W->ev + s;
}

/* Puts flit W for VC X in slot S of wheel WH (flit_net.sof: the slot of a
   cycle). A slot's flits follow its first entry, which counts them (x) and
   its credits (w), and its credits follow its flits' room (from cbase),
   so that each kind is read in a loop of its own; the stride holds both. */
FLIT_HOT void flit_put_flit(flit_net *n, flit_wheel *Wh, long s, uint32_t w, int x)
{
    flit_ev *slot = flit_slot(n, Wh, s);
    slot[++slot->x] = (flit_ev){w, x};
}

/* Puts a credit for VC X in slot S of wheel WH. */
FLIT_HOT void flit_put_credit(flit_net *n, flit_wheel *Wh, long s, int x)
{
    flit_ev *slot = flit_slot(n, Wh, s);
    slot[Wh->cbase + (int)slot->w++].x = x;
}

/* Slot S of W, of the cycle under way, NULL when nothing comes then: *NF
   flits from slot[1] on and *NC credits from slot[cbase] on. Its counts
   are zeroed: nothing is put there before the cycle has passed. */
FLIT_HOT const flit_ev *flit_take(flit_wheel *W, long s, int *nf, int *nc)
{
    flit_ev *slot = W->ev + s;
    *nf = slot->x;
    *nc = (int)slot->w;
    if (!(*nf | *nc))
        return NULL;
    slot->x = 0;
    slot->w = 0;
    return slot;
}

/* An interface puts flit W for VC on its injection link L at cycle T. */
FLIT_HOT void flit_push_flit(flit_net *n, const flit_link *L, long t, int vc, uint32_t w)
{
    flit_put_flit(n, L->rx, n->sof[t + L->lat + 1 - n->t0], w, L->rx_x0 + vc);
}

/* An interface returns a credit for VC on its ejection link L at cycle T. */
FLIT_HOT void flit_push_credit(flit_net *n, const flit_link *L, long t, int vc)
{
    flit_put_credit(n, L->tx, n->sof[t + L->lat + 1 - n->t0], L->cr_x0 + vc);
}

/* flit.c */
void flit_msg_done(flit_net *n, int m, long t);
/* Message M's flits injected: those cut into packets but what its packet
   in a lane has yet to send (a message's packets go one at a time, in
   order). Asked by the bounds only, which spares each flit a count. */
long flit_msg_injected(const flit_net *n, const flit_msg *m);
void flit_msg_sent(flit_net *n, int m, long t);
long flit_bucket_level(const flit_bucket *b, long t);
int flit_bucket_tokens(const flit_bucket *b, long t);
void flit_bucket_spend(flit_bucket *b, long t, int k);
/* The first cycle from T at which something arrives on W (nothing arrives
   before T); LONG_MAX none. */
long flit_wheel_next(const flit_net *n, const flit_wheel *W, long t);

/* flit_build.c */
int flit_grow_packets(flit_net *n);
/* Makes the routers allocate on several-word sets even where single words
   would do: the tests check that both give the same. */
void flit_set_words(flit_net *n);

/* flit_router.c */
/* The first NR busy routers' cycle T, and with PAIR their cycle T + 1
   too, but for coupled ones (flit_router.coupled), which
   flit_routers_coupled runs later. */
void flit_routers(flit_net *n, int nr, long t, int pair);
void flit_routers_coupled(flit_net *n, long t);
long flit_router_next(const flit_net *n, int r, long t);

/* flit_ni.c */
/* Makes message M, whose cycle has come, active at its interface. */
void flit_ni_enqueue(flit_net *n, int m);
void flit_ni_credits(flit_net *n, int e, long t);
/* The first NE busy interfaces' cycle T. */
void flit_nis(flit_net *n, int ne, long t);
/* Flits the interface of E would inject at T were its bucket no limit. */
int flit_ni_wants(flit_net *n, int e, long t);

#endif
