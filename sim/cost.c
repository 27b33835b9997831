/* cost.c - what one layer costs on one chiplet (the model is in cost.h).
 *
 * Every conv and matmul becomes one loop nest over eight dimensions (the
 * problem of cost_int.h). A mapping is a spatial factor per dimension (how
 * many PEs split it) and an order of the temporal loops; the compute cycles
 * of every preset and auto family come from it. One evaluator turns any
 * mapping into the L2 traffic the reuse of its L1 allows, so the tile
 * searches of the auto families cannot disagree about reuse; the presets
 * nvdla and shidiannao take MAESTRO's counts instead (cost_maestro.c), the
 * systolic dataflows SCALE-Sim's (cost_systolic.c). Counts are whole
 * numbers (held in doubles, which do not overflow on a batch of large
 * layers); no allocation, no state. */
#include "cost_int.h"

#include <math.h>


typedef struct {
    long sp[NDIM];      /* PEs splitting each dimension */
    int order[NDIM];    /* temporal loops, outermost first */
    int prio[NTENSOR];  /* the order in which tensors claim the L1 */
    long x, y;          /* PEs per cluster, clusters */
} mapping;

/* A mapping being evaluated: trip counts, the loops that run more than
   once (outermost first; the others change nothing), and how the window
   dimensions cut into spatial tiles. */
typedef struct {
    const problem *pb;
    const mapping *m;
    long t[NDIM];
    int loop[NDIM], nloops;
    long full[NDIM], rem[NDIM]; /* P, Q, R, S: whole spatial tiles, remainder */
} nest;

static long min_l(long a, long b) { return a < b ? a : b; }
static long max_l(long a, long b) { return a > b ? a : b; }
long cost_ceil_div(long a, long b) { return (a + b - 1) / b; }
static long trips(long ext, long sp) { return sp == 1 ? ext : cost_ceil_div(ext, sp); }

/* An unknown input size (0) does not bound the window. */
static long cap(long v, long lim) { return lim > 0 && v > lim ? lim : v; }

/* Input lines that OUTS consecutive outputs of a TAPS-long filter read at
   STRIDE: windows overlap when the stride is shorter than the filter and
   skip lines when it is longer. */
static long window(long outs, long taps, long stride)
{
    return (outs - 1) * min_l(stride, taps) + taps;
}

/* An image's input rows x columns are its size when known, else the
   windows its outputs cover. */
double cost_input_elems(const problem *pb)
{
    long h = pb->in_h > 0 ? pb->in_h : window(pb->d[DP], pb->d[DR], pb->stride);
    long w = pb->in_w > 0 ? pb->in_w : window(pb->d[DQ], pb->d[DS], pb->stride);
    return pb->base[TI] * (double)h * (double)w;
}

/* The dimensions that index tensor T. */
static unsigned indexed_by(int t)
{
    static const unsigned mask[NTENSOR] = {
        [TW] = 1u << DG | 1u << DK | 1u << DC | 1u << DR | 1u << DS,
        [TI] = 1u << DG | 1u << DN | 1u << DC | 1u << DR | 1u << DS | 1u << DP | 1u << DQ,
        [TO] = 1u << DG | 1u << DN | 1u << DK | 1u << DP | 1u << DQ,
    };
    return mask[t];
}

/* The tiles dimension D is cut into: one whole tile, or tiles of its
   spatial factor and a remainder. Returns how many sizes. */
static int tiles(const nest *n, int d, int whole, long size[2], long count[2])
{
    if (whole || n->t[d] == 1) {
        size[0] = n->pb->d[d], count[0] = 1;
        return 1;
    }
    size[0] = n->m->sp[d], count[0] = n->full[d];
    if (n->rem[d] == 0)
        return 1;
    size[1] = n->rem[d], count[1] = 1;
    return 2;
}

/* Input lines read from L2 along output dimension O and filter dimension F,
   summed over their tiles. A dimension is one whole tile when its loop runs
   inside the kept nest (IN > 1) or is the innermost refetching loop SLIDE:
   its consecutive tiles then slide over the input and keep their overlap,
   so only new lines are read. */
static double window_lines(const nest *n, int o, int f, const long in[NDIM], int slide, long lim)
{
    long so[2], co[2], sf[2], cf[2];
    int no = tiles(n, o, in[o] > 1 || o == slide, so, co);
    int nf = tiles(n, f, in[f] > 1 || f == slide, sf, cf);
    double sum = 0;
    for (int a = 0; a < no; a++)
        for (int b = 0; b < nf; b++)
            sum += (double)co[a] * (double)cf[b] * (double)cap(window(so[a], sf[b], n->pb->stride), lim);
    return sum;
}

/* Elements of the input that one PE holds while its loops run over IN; the
   outputs it owns lie a whole spatial tile apart. */
static double input_footprint(const nest *n, const long in[NDIM])
{
    const problem *pb = n->pb;
    long rows = cap(window(in[DP], in[DR], pb->stride * n->m->sp[DP]), pb->in_h);
    long cols = cap(window(in[DQ], in[DS], pb->stride * n->m->sp[DQ]), pb->in_w);
    return (double)in[DG] * (double)in[DN] * (double)in[DC] * (double)rows * (double)cols;
}

/* What tensor T keeps in each PE, and so what it moves through L2. When a
   PE keeps what the loops loop[k..] touch, T is fetched again by every
   outer loop down to the innermost outer loop that indexes it; outer loops
   below that one leave the kept tile in place. Spatially shared elements
   are multicast and count once. T takes the nest that moves the least of
   those whose footprint fits the L1 it has LEFT, the smallest such, so
   that the other tensors keep room; one element per tensor sits in a PE
   register and costs no L1. Returns the L2 elements (the writes, for
   outputs). */
static double keep(const nest *n, int t, int elem_bytes, double *left)
{
    unsigned idx = indexed_by(t);
    /* For outer loops loop[0..k-1]: the innermost that indexes T (last[k]),
       and the product of the trips of the loops above loop[i] that do not
       (refetch[i]). */
    double refetch[NDIM + 1];
    int last[NDIM + 1];
    refetch[0] = 1, last[0] = -1;
    for (int k = 0; k < n->nloops; k++) {
        int d = n->loop[k];
        int hit = (int)(idx >> d & 1u);
        refetch[k + 1] = hit ? refetch[k] : refetch[k] * (double)n->t[d];
        last[k + 1] = hit ? k : last[k];
    }
    long in[NDIM] = {1, 1, 1, 1, 1, 1, 1, 1};
    double fp = 1, best = INFINITY, claim = 0;
    for (int k = n->nloops; k >= 0; k--) {
        if (k < n->nloops) {
            int d = n->loop[k];
            if (!(idx >> d & 1u))
                continue; /* changes neither the footprint nor the traffic */
            in[d] = n->t[d];
            fp = t == TI ? input_footprint(n, in) : fp * (double)in[d];
        }
        double bytes = fp > 1 ? fp * elem_bytes : 0;
        if (bytes > *left)
            break; /* footprints only grow outwards */
        int m = last[k];
        double v = n->pb->base[t] * (m < 0 ? 1 : refetch[m]);
        if (t == TI) {
            int slide = m < 0 ? -1 : n->loop[m];
            v *= window_lines(n, DP, DR, in, slide, n->pb->in_h) *
                 window_lines(n, DQ, DS, in, slide, n->pb->in_w);
        }
        if (v < best)
            best = v, claim = bytes;
    }
    *left -= claim;
    return best;
}

static double compute_cycles(const problem *pb, const mapping *m)
{
    double c = 1;
    for (int d = 0; d < NDIM; d++)
        c *= (double)trips(pb->d[d], m->sp[d]);
    return c;
}

double cost_with_stalls(const plat_chiplet *c, double compute, double elems, int elem_bytes)
{
    double moving = elems * elem_bytes / c->l2_bw;
    return moving > compute ? moving : compute;
}

static void nest_init(nest *n, const problem *pb, const mapping *m)
{
    static const int windowed[] = {DP, DQ, DR, DS};
    n->pb = pb, n->m = m, n->nloops = 0;
    for (int d = 0; d < NDIM; d++)
        n->t[d] = trips(pb->d[d], m->sp[d]);
    for (int i = 0; i < NDIM; i++)
        if (n->t[m->order[i]] > 1)
            n->loop[n->nloops++] = m->order[i];
    for (int i = 0; i < 4; i++) {
        int d = windowed[i];
        if (n->t[d] > 1)
            n->full[d] = pb->d[d] / m->sp[d], n->rem[d] = pb->d[d] % m->sp[d];
    }
}

/* Cycles and L2 traffic of mapping M. Gives up (cycles INFINITY) once the
   traffic passes BOUND elements, which a search knows cannot win. Outputs:
   every write but the first of each element reads the partial sum back;
   the finished outputs are read once more, to be handed on. */
static void evaluate(const plat_chiplet *c, const problem *pb, const mapping *m, int elem_bytes,
                     double bound, tally *out)
{
    nest n;
    nest_init(&n, pb, m);
    out->compute = 1;
    for (int d = 0; d < NDIM; d++)
        out->compute *= (double)n.t[d];
    double left = c->l1_bytes;
    out->traffic = 0;
    for (int k = 0; k < NTENSOR; k++) {
        int t = m->prio[k];
        double moved = keep(&n, t, elem_bytes, &left);
        if (t == TO) {
            out->l2w[TO] = moved;
            out->l2r[TO] = moved;
            out->traffic += 2 * moved - pb->outputs;
        } else {
            out->l2r[t] = moved;
            out->l2w[t] = t == TI ? cost_input_elems(pb) : pb->base[t];
            out->traffic += moved;
        }
        if (out->traffic > bound) {
            out->cycles = INFINITY;
            return;
        }
    }
    out->x = m->x, out->y = m->y;
    out->cycles = cost_with_stalls(c, out->compute, out->traffic, elem_bytes);
}

void cost_l1_per_mac(double macs, tally *t)
{
    for (int k = 0; k < NTENSOR; k++)
        t->l1r[k] = macs;
    t->l1w[TO] = macs;
    t->l1w[TW] = t->l2r[TW];
    t->l1w[TI] = t->l2r[TI];
}

static void mapping_init(mapping *m, const int order[NDIM], const int prio[NTENSOR], long x, long y)
{
    for (int d = 0; d < NDIM; d++) {
        m->sp[d] = 1;
        m->order[d] = order[d];
    }
    for (int t = 0; t < NTENSOR; t++)
        m->prio[t] = prio[t];
    m->x = x, m->y = y;
}

/* Channel clusters take output channels, and whole groups when a group has
   fewer output channels than there are clusters (depthwise layers). */
static void spread_channels(const problem *pb, long clusters, mapping *m)
{
    m->sp[DK] = min_l(pb->d[DK], clusters);
    m->sp[DG] = min_l(pb->d[DG], clusters / m->sp[DK]);
}

/* Weight-stationary: each PE of a cluster holds the weight of one (c, r, s),
   the cluster reduces them in an adder tree, clusters take output channels.
   Images and positions stream under the weight tile, so weights are read
   once per batch; the R, S loops run innermost so a partial sum is done
   with a channel tile before it leaves the cluster. */
static void ws_mapping(const problem *pb, long sp_c, long sp_r, long sp_s, long x, long clusters,
                       mapping *m)
{
    static const int order[NDIM] = {DG, DK, DC, DN, DP, DQ, DR, DS};
    static const int prio[NTENSOR] = {TW, TI, TO};
    mapping_init(m, order, prio, x, clusters);
    m->sp[DC] = sp_c, m->sp[DR] = sp_r, m->sp[DS] = sp_s;
    spread_channels(pb, clusters, m);
}

/* Output-stationary: a PE owns an output (row, column, channel) until its
   C, R, S loops are done; the array sweeps position tiles, and output
   channels under them. A matmul's positions fill the cols x rows tile in
   reading order (ShiDianNao's 8-wide layout): ceil(ceil(M / 8) / rows)
   tiles is ceil(M / (8 rows)), and no padded position moves data. */
static void os_mapping(const problem *pb, long cols, long rows, long channels, mapping *m)
{
    static const int order[NDIM] = {DG, DN, DP, DQ, DK, DC, DR, DS};
    static const int prio[NTENSOR] = {TO, TI, TW};
    mapping_init(m, order, prio, cols, rows * channels);
    if (pb->flat)
        m->sp[DP] = rows * cols;
    else
        m->sp[DQ] = cols, m->sp[DP] = rows;
    spread_channels(pb, channels, m);
}

/* Row-stationary as Eyeriss maps it: a PE set of R filter rows (vertical,
   partial sums flow up) by E output rows (horizontal, input rows shared on
   the diagonals); each PE runs a 1-D convolution of one filter row over one
   input row (S, Q temporal). E folds when the output has more rows than the
   array has room for; sets are replicated over output channels, groups,
   images and input channels, in that order, to fill the array. */
static void eyeriss_mapping(const problem *pb, long pes, mapping *m)
{
    static const int order[NDIM] = {DG, DK, DC, DR, DN, DP, DQ, DS};
    static const int prio[NTENSOR] = {TW, TI, TO};
    static const int replicate[] = {DK, DG, DN, DC};
    long r = min_l(pb->d[DR], pes), p = min_l(pb->d[DP], pes / r), sets = pes / (r * p);
    mapping_init(m, order, prio, r * p, sets);
    m->sp[DR] = r, m->sp[DP] = p;
    for (int i = 0; i < (int)(sizeof replicate / sizeof replicate[0]); i++) {
        int d = replicate[i];
        m->sp[d] = min_l(pb->d[d], sets);
        sets /= m->sp[d];
    }
}

/* A candidate mapping: a preset's one, or a tile shape of an auto family. */
typedef struct {
    mapping m;
    double compute;
} shape;

/* Spatial factors tried for a dimension: powers of two below LIM, then LIM
   (the whole dimension, or all the PEs left); at most 64 of them. */
enum { MAX_FACTORS = 64 };
static long next_factor(long v, long lim) { return 2 * v < lim ? 2 * v : lim; }

static void shape_done(const problem *pb, shape *s) { s->compute = compute_cycles(pb, &s->m); }

/* The mappings of the presets: they set the compute cycles (and, for
   eyeriss, the L2 traffic). */
static void nvdla_mapping(const problem *pb, long pes, mapping *m)
{
    ws_mapping(pb, min_l(NVDLA_LANES, pes), 1, 1, min_l(NVDLA_LANES, pes),
               max_l(pes / NVDLA_LANES, 1), m);
}

static void shidiannao_mapping(const problem *pb, long pes, mapping *m)
{
    os_mapping(pb, min_l(SHIDIANNAO_WIDTH, pes), max_l(pes / SHIDIANNAO_WIDTH, 1), 1, m);
}

/* Output-stationary shapes of ShiDianNao's family: PEs own output positions
   only (channels stay temporal, as in the preset), and the family is tuned
   by the tile of x columns and the rows all the PEs left, in the fewest
   passes, the narrowest on a tie. Tiles of equal passes differ only in their
   halos, so one is worth a full evaluation. The loop over z, the output
   channels side by side, is kept at z = 1: spreading channels over PEs is
   what weight-stationary and systolic arrays do, and it would make this
   family another one. */
static int os_shapes(const problem *pb, long pes, shape *out)
{
    const long *d = pb->d;
    long zlim = 1;
    int n = 0;
    for (long z = 1;; z = next_factor(z, zlim)) {
        long budget = pes / z, xlim = min_l(budget, d[DQ]), bx = 1;
        double fewest = INFINITY;
        for (long x = 1;; x = next_factor(x, xlim)) {
            double passes = (double)trips(d[DP], budget / x) * (double)trips(d[DQ], x);
            if (passes < fewest)
                fewest = passes, bx = x;
            if (x == xlim)
                break;
        }
        os_mapping(pb, bx, min_l(budget / bx, d[DP]), z, &out[n].m);
        shape_done(pb, &out[n++]);
        if (z == zlim)
            return n;
    }
}

/* Weight-stationary shapes: a cluster of x PEs reduces over C, then S,
   then R; the clusters take output channels. */
static int ws_shapes(const problem *pb, long pes, shape *out)
{
    const long *d = pb->d;
    long lim = min_l(pes, d[DC] * d[DR] * d[DS]);
    int n = 0;
    for (long x = 1;; x = next_factor(x, lim)) {
        long c = min_l(d[DC], x), s = min_l(d[DS], x / c), r = min_l(d[DR], x / (c * s));
        ws_mapping(pb, c, r, s, x, pes / x, &out[n].m);
        shape_done(pb, &out[n++]);
        if (x == lim)
            return n;
    }
}

/* The best of N shapes (a preset has one): fewest cycles with bandwidth
   stalls, then least L2 traffic, then the first. Only shapes with the fewest
   compute cycles, and those that could beat a stalled best, are worth a full
   evaluation. */
static void best_shape(const plat_chiplet *c, const problem *pb, int elem_bytes, const shape *s,
                       int n, tally *t)
{
    double fewest = INFINITY;
    for (int i = 0; i < n; i++)
        if (s[i].compute < fewest)
            fewest = s[i].compute;
    int found = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            double cc = s[i].compute;
            if (pass == 0 ? cc != fewest : cc <= fewest || cc > t->cycles)
                continue;
            /* Equal compute: more traffic loses. More compute: traffic that
               stalls past the best's cycles loses. */
            double bound = !found ? INFINITY
                           : pass == 0 ? t->traffic
                                       : t->cycles * c->l2_bw / elem_bytes;
            tally u;
            evaluate(c, pb, &s[i].m, elem_bytes, bound, &u);
            if (!found || u.cycles < t->cycles || (u.cycles == t->cycles && u.traffic < t->traffic)) {
                *t = u;
                found = 1;
            }
        }
    cost_l1_per_mac(pb->work, t);
}

/* A pricing of a layer on chiplet C: cycles, stalls and access counts in
   T. The dataflow table in platform.h names one per dataflow. */
typedef void price_fn(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t);

/* NVDLA and ShiDianNao: the preset's mapping sets the compute cycles and,
   with the reuse its L1 allows, the traffic that can stall them; MAESTRO's
   analysis of the same mapping the accesses. MAESTRO's counts keep nothing
   in a PE past one iteration's tile (its ShiDianNao mapping reads every
   input again for each output channel), which at the shipped 256 B/cycle
   would stall the ShiDianNao-like array on every 1x1 layer; its own
   runtimes, which the compute cycles agree with, do not. */
static void maestro_price(const plat_chiplet *c, const problem *pb, int elem_bytes,
                          const mapping *m, tally *t)
{
    shape s = {.m = *m};
    shape_done(pb, &s);
    best_shape(c, pb, elem_bytes, &s, 1, t);
    if (c->dataflow == PLAT_NVDLA)
        cost_maestro_nvdla(c, pb, t);
    else
        cost_maestro_shidiannao(c, pb, t);
}

static void nvdla_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    mapping m;
    nvdla_mapping(pb, c->pes, &m);
    maestro_price(c, pb, elem_bytes, &m, t);
}

static void shidiannao_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    mapping m;
    shidiannao_mapping(pb, c->pes, &m);
    maestro_price(c, pb, elem_bytes, &m, t);
}

static void eyeriss_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    shape s;
    eyeriss_mapping(pb, c->pes, &s.m);
    shape_done(pb, &s);
    best_shape(c, pb, elem_bytes, &s, 1, t);
}

static void os_positions_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    shape s[MAX_FACTORS];
    best_shape(c, pb, elem_bytes, s, os_shapes(pb, c->pes, s), t);
}

static void ws_auto_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    shape s[MAX_FACTORS];
    best_shape(c, pb, elem_bytes, s, ws_shapes(pb, c->pes, s), t);
}

/* The best output-stationary mapping of either family: positions only, or
   a systolic array whose PE (i, j) keeps output position i of output
   channel j, when the chiplet has an array shape. Fewest cycles with
   stalls, then least traffic, then positions only. */
static void os_auto_price(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    os_positions_price(c, pb, elem_bytes, t);
    if (c->array_rows < 1)
        return;
    tally u = {0};
    cost_systolic_os(c, pb, elem_bytes, &u);
    if (u.cycles < t->cycles || (u.cycles == t->cycles && u.traffic < t->traffic))
        *t = u;
}

static price_fn *const dataflow_price[PLAT_NDATAFLOW] = {
#define COST_PRICE(value, name, family, price, about) [value] = price,
    PLAT_DATAFLOW_TABLE(COST_PRICE)
#undef COST_PRICE
};

static void problem_sizes(problem *pb)
{
    pb->work = 1;
    for (int t = 0; t < NTENSOR; t++)
        pb->base[t] = 1;
    for (int d = 0; d < NDIM; d++) {
        double e = (double)pb->d[d];
        pb->work *= e;
        for (int t = 0; t < NTENSOR; t++)
            if (indexed_by(t) >> d & 1u && (t != TI || d == DG || d == DN || d == DC))
                pb->base[t] *= e;
    }
    pb->outputs = pb->base[TO];
}

/* A conv, or a matmul as a 1x1 conv over its positions. When B is a
   weight, the batch's tokens share it (images); when B is an activation of
   each sample, every (head, sample) is a product of its own (groups). */
static void layer_problem(const wl_layer *l, long batch, problem *pb)
{
    long *d = pb->d;
    if (l->kind == WL_CONV) {
        long g = max_l(l->groups, 1);
        d[DG] = g, d[DN] = batch, d[DK] = l->k / g, d[DC] = l->c / g;
        d[DR] = l->r, d[DS] = l->s, d[DP] = l->p, d[DQ] = l->q;
        pb->stride = max_l(l->stride, 1);
        pb->in_h = l->h, pb->in_w = l->w;
        pb->flat = 0;
    } else {
        int shared = l->b == WL_B_WEIGHT;
        d[DG] = max_l(l->heads, 1) * (shared ? 1 : batch), d[DN] = shared ? batch : 1;
        d[DK] = l->n, d[DC] = l->kd, d[DR] = d[DS] = 1, d[DP] = l->m, d[DQ] = 1;
        pb->stride = 1;
        pb->in_h = l->m, pb->in_w = 1;
        pb->flat = 1;
    }
    problem_sizes(pb);
}

/* Output-stationary arrays stack the rows of all images, so that a small
   feature map and a large batch still fill the rows; a halo across two
   images is not modelled. */
static void stack_rows(problem *pb)
{
    pb->d[DP] *= pb->d[DN];
    pb->in_h *= pb->d[DN];
    pb->d[DN] = 1;
    problem_sizes(pb);
}

void cost_layer(const plat_chiplet *c, const wl_layer *l, int elem_bytes, long batch, cost_t *out)
{
    *out = (cost_t){0};
    if (l->kind == WL_VECTOR) {
        double ops = l->vec_ops * (double)batch;
        out->compute_cycles = ceil(ops / c->vector_per_cycle);
        out->l2_reads[TI] = l->in_bytes / elem_bytes * (double)batch;
        out->l2_writes[TO] = l->out_bytes / elem_bytes * (double)batch;
        out->cycles = cost_with_stalls(c, out->compute_cycles,
                                       out->l2_reads[TI] + out->l2_writes[TO], elem_bytes);
        /* A vector op costs what a MAC costs: it is one ALU operation. */
        out->e_mac_pj = ops * c->pj_mac;
    } else {
        problem pb;
        tally t = {0};
        layer_problem(l, batch, &pb);
        if (plat_dataflow_is_os(c->dataflow))
            stack_rows(&pb);
        dataflow_price[c->dataflow](c, &pb, elem_bytes, &t);
        out->macs = l->macs * (double)batch;
        out->compute_cycles = t.compute;
        out->cycles = t.cycles;
        out->utilization = out->macs / ((double)c->pes * t.cycles);
        out->utilization_pe = out->macs / ((double)c->pes * t.compute);
        out->spatial_x = (int)t.x, out->spatial_y = (int)t.y;
        for (int k = 0; k < NTENSOR; k++) {
            out->l1_reads[k] = t.l1r[k], out->l1_writes[k] = t.l1w[k];
            out->l2_reads[k] = t.l2r[k], out->l2_writes[k] = t.l2w[k];
        }
        out->e_mac_pj = out->macs * c->pj_mac;
    }
    double l1 = 0, l2 = 0;
    for (int k = 0; k < NTENSOR; k++) {
        l1 += out->l1_reads[k] + out->l1_writes[k];
        l2 += out->l2_reads[k] + out->l2_writes[k];
    }
    out->e_l1_pj = l1 * c->pj_l1;
    out->e_l2_pj = l2 * c->pj_l2;
    out->energy_pj = out->e_mac_pj + out->e_l1_pj + out->e_l2_pj;
}
