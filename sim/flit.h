/* flit.h - a flit-level, cycle-by-cycle model of a mesh of input-queued
 * routers, as BookSim2 models its `iq` router.
 *
 * Wormhole flow control with virtual channels and credits; XY routing;
 * a non-speculative pipeline of route computation, VC allocation, switch
 * allocation and switch traversal (iSLIP with one iteration for both
 * allocators); network interfaces that inject one packet at a time as
 * BookSim's batch-mode sources do. The engine promises:
 *  - BookSim's zero-load packet latency: (hops + 1) * router_cycles +
 *    hops * link_cycles + 3 + (packet_flits - 1) from a message's cycle AT
 *    to its last flit's ejection;
 *  - the same state whether flit_run is called once or in many steps, and
 *    bit-for-bit the same results for the same calls;
 *  - no work for idle routers and idle stretches jumped over.
 * Pure C11, no SimGrid: a SimGrid actor drives it lazily (run to now, send,
 * ask flit_next_done, sleep), and so does the batch driver of traffic.h.
 *
 * Pipeline for router_cycles R (a head flit arriving at cycle c leaves at
 * c + R - 1; body flits take switch allocation and traversal only):
 * R >= 4: R - 3 cycles of route computation, then VA, SA and ST one cycle
 * each (BookSim's routing_delay = R - 3); R = 3: lookahead routing (no RC
 * cycle); R = 2: VA and SA in one cycle; R = 1: traversal in the SA cycle
 * as well. A flit or credit put on a channel of latency L at cycle t is
 * seen at t + L + 1, as BookSim's channels; injection and ejection channels
 * have L = 1.
 *
 * Rates: a port or link of rate r moves, in each cycle, at most ceil(r)
 * flits and only while a token bucket (r per cycle, holding at most 1 + r,
 * full at the start) has a whole flit; integral rates are never limited by
 * the bucket. A port of rate > 1 gets ceil(r) switch ports: it can win that
 * many distinct outputs (inputs) in a cycle, and its interface keeps that
 * many packets in progress. A shared endpoint's injection and ejection
 * spend one bucket of inject_rate; when both want its last flit, the side
 * that spent less recently goes first. */
#ifndef MCM_FLIT_H
#define MCM_FLIT_H

#include <stddef.h>

typedef struct {
    int router;          /* mesh router it attaches to, id = x + width*y */
    double inject_rate;  /* flits per cycle into the router, > 0 */
    double eject_rate;   /* flits per cycle out of the router, > 0 */
    int shared;          /* 1: injection and ejection draw on one budget of inject_rate (a DRAM channel shared by reads and writes) */
} flit_end;

typedef struct {
    int width, height;        /* routers; XY dimension-order routing, x first */
    int vcs;                  /* virtual channels per input port, >= 1 */
    int vc_buffer;            /* flits per VC buffer, >= 1 */
    int router_cycles;        /* router pipeline per hop, >= 1; BookSim's RC, VA, SA, ST = 4 */
    int link_cycles;          /* mesh channel latency, >= 1 */
    int nends;                /* network interfaces (endpoints), >= 1; several may share a router */
    const flit_end *ends;
    const double *link_rate;  /* flits/cycle per directed mesh link [router*4 + dir], dir 0 east (+x), 1 west, 2 north (+y), 3 south; NULL: all 1. A missing link (mesh edge) is never used. */
} flit_config;

typedef struct flit_net flit_net;

/* 0, or ERR_INTERNAL (out of memory) / ERR_INPUT (bad config) from err.h */
int flit_new(const flit_config *cfg, flit_net **out);
void flit_free(flit_net *n);
/* Queue a message of FLITS flits (>= 1) from endpoint SRC to endpoint DST,
   cut into packets of PACKET_FLITS (the last may be shorter), available at
   the source's network interface from cycle AT (>= flit_now). TAG is
   returned on completion. SRC == DST is allowed: it uses the router's
   injection and ejection ports and no mesh link. 0 or ERR_INPUT (bad
   argument), ERR_INTERNAL (out of memory). */
int flit_send(flit_net *n, long at, int src, int dst, long flits, int packet_flits, long tag);
/* Simulate every cycle before UNTIL (>= flit_now, else ERR_INPUT); then
   flit_now() == UNTIL. Idle stretches cost nothing. ERR_INTERNAL when
   memory runs out; the net is then unusable. */
int flit_run(flit_net *n, long until);
long flit_now(const flit_net *n);
/* A lower bound, >= flit_now, on the cycle of the next completion of a
   message not yet complete (completions already made wait in
   flit_pop_done); LONG_MAX when no message is in flight or queued. */
long flit_next_done(const flit_net *n);
/* Like flit_next_done, for the next notice of either kind: a completion,
   or a message's last flit entering the network (flit_pop_sent). */
long flit_next_event(const flit_net *n);
/* Messages whose last flit has entered the network (left its interface),
   in that order (ties: lower tag first): 1 and *TAG, *CYCLE, or 0. A
   sender may move on then; the message completes later. */
int flit_pop_sent(flit_net *n, long *tag, long *cycle);
/* Completed messages in the order they completed (ties: lower tag first):
   1 and *TAG, *CYCLE (the cycle its last flit was ejected, BookSim's
   atime), or 0 when none is pending. */
int flit_pop_done(flit_net *n, long *tag, long *cycle);
/* Per directed mesh link [router*4+dir]: flits carried and cycles in which
   it carried at least one; zeros for a missing link. */
void flit_link_stats(const flit_net *n, int link, long *flits, long *busy_cycles);
/* Per endpoint: flits its interface injected and ejected. */
void flit_port_stats(const flit_net *n, int end, long *inject_flits, long *eject_flits);

/* Messages of endpoint END not yet wholly cut into packets, whether or not
   their cycle AT has come: a driver that feeds a long batch lazily keeps
   this above what the interface can take before its next look. */
long flit_queued(const flit_net *n, int end);
/* Messages sent and not yet complete. */
long flit_in_flight(const flit_net *n);

#endif
