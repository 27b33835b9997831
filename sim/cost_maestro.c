/* cost_maestro.c - MAESTRO's access counts for the NVDLA-like and the
 * ShiDianNao-like mappings, in closed form.
 *
 * MAESTRO (maestro-project/maestro) reports per tensor the L2 ("upstream")
 * and L1 ("downstream") reads and writes of its top cluster level
 * (cost-analysis/CA_cost-analysis-engine.hpp, AnalyzeClusterLevel_V2). It
 * walks every combination of the directives' iteration states (Init, the
 * Steady iterations, one Edge; dataflow-analysis/DFA_iteration-analysis.hpp)
 * and, for each, counts
 * - L2 reads of an input tensor (weights, inputs): what the sub-clusters
 *   receive (CA_reuse-analysis.hpp GetSpatialIngressTraffic): nothing when
 *   the innermost directive that moved does not index the tensor, else the
 *   unique part of the changed directive's tile, or the whole tile when an
 *   inner indexing directive was reset; a tensor the spatial directive
 *   does not index is multicast and counted once, one that it indexes once
 *   per sub-cluster, minus the overlap that neighbours share;
 * - L2 writes of outputs: the outputs (partial sums) the sub-clusters send
 *   back at every iteration (GetSpatialEgressTraffic);
 * - L1 reads of every tensor and L1 writes of outputs: the MACs of the
 *   iteration (GetOutputTensorSpatialMappingSize for partial sums);
 * - L1 writes of an input tensor: its L2 reads;
 * and, once, the L2 writes of weights and inputs (their sizes: the fill)
 * and the L2 reads of outputs, K (Y - R + 1) (X - S + 1), the size
 * UpdateBufferSizeReq takes (it ignores the stride).
 * Summing those over the states gives the closed forms below; every one
 * was checked against a step-by-step reading of those files on random
 * layers. A matmul is a 1x1 conv. Strides enter as MAESTRO's
 * ApplyOuterStride (DFA_cluster-analysis.hpp) rewrites the sliding
 * directives: TemporalMap(m, o) over input rows or columns becomes
 * (n min(s, R) + max(R - s, 0), n s) with n = (m + s - R) / s outputs. */
#include "cost_int.h"

#include <stddef.h>


static long min_l(long a, long b) { return a < b ? a : b; }
static long max_l(long a, long b) { return a > b ? a : b; }

/* Resnet50_kcp_ws.m, at the top cluster: SpatialMap(1,1) K over P/64
   clusters; TemporalMap(64,64) C; R and S whole; TemporalMap(Sz(R),1) Y;
   TemporalMap(Sz(S),1) X (the stride s turns the offsets of Y and X into
   s). The batch is a TemporalMap(1,1) N under C: images stream under the
   weight tile. Per group, with F_K = ceil(K / clusters) and F_C =
   ceil(C / 64) folds, c0 = min(C, 64) the first channel tile and
   C' = c0 + (F_C - 1) 64 the channels the C tiles carry (MAESTRO counts a
   partial last tile as full):
     weights L2 reads  K R S C'                 (fetched once per K, C tile)
     inputs  L2 reads  c0 R S + F_K (F_C - 1) 64 R S
                       + F_K C' [(B - 1) R S + B (P - 1) row + B P (Q - 1) R min(S, s)]
       a new image or row reloads the R x S window (row = R S, or min(R, s) S
       when Q = 1 and no column loop resets), a column step loads min(S, s)
       new columns, a new K fold starts without a fetch (K does not index
       the inputs), a new C tile with one;
     outputs L2 writes B K' F_C P Q: every output once per C tile (K' = K,
       or K - 1 when K is under the clusters: MAESTRO's last edge cluster
       counts nothing);
   L1: MACs for every tensor's reads and for output writes. */
void cost_maestro_nvdla(const plat_chiplet *c, const problem *pb, tally *t)
{
    const long *d = pb->d;
    long lanes = min_l(NVDLA_LANES, c->pes), clusters = max_l(c->pes / NVDLA_LANES, 1);
    long k = d[DK], ch = d[DC], r = d[DR], s = d[DS], p = d[DP], q = d[DQ], st = pb->stride;
    double g = (double)d[DG], b = (double)d[DN];
    double fk = (double)cost_ceil_div(k, clusters), fc = (double)cost_ceil_div(ch, lanes);
    double c0 = (double)min_l(ch, lanes), csum = c0 + (fc - 1) * (double)lanes;
    double rs = (double)(r * s);
    double row = q > 1 ? rs : (double)(min_l(r, st) * s);
    double col = (double)(r * min_l(s, st));
    double inner = (b - 1) * rs + b * (double)(p - 1) * row + b * (double)p * (double)(q - 1) * col;
    double keff = k >= clusters ? (double)k : (double)max_l(k - 1, 1);
    double yin = (double)((p - 1) * st + r), xin = (double)((q - 1) * st + s);
    double macs = pb->work;
    t->l2r[TW] = g * (double)k * rs * csum;
    t->l2r[TI] = g * (c0 * rs + fk * (fc - 1) * (double)lanes * rs + fk * csum * inner);
    t->l2w[TO] = g * b * keff * fc * (double)(p * q);
    t->l2r[TO] = g * b * (double)k * (yin - (double)r + 1) * (xin - (double)s + 1);
    t->l2w[TW] = g * (double)k * (double)ch * rs;
    t->l2w[TI] = g * b * (double)ch * yin * xin;
    cost_l1_per_mac(macs, t);
}

/* One directive's facts as MAESTRO derives them from its dimension DIM,
   map size M and offset O (CA_reuse-analysis.hpp AnalyzeInputMappingSizes,
   DFA_iteration-analysis.hpp, DFA_cluster-unit.hpp AnalyzeSpatialEdgeCase):
   the tile it maps, the part of it that is new at a step, the same at the
   edge, and its iterations: Init, `steady` Steady ones, an Edge or not. A
   spatial directive over N sub-clusters iterates in folds of N tiles;
   `active` is how many sub-clusters its edge fold (or its only fold) has
   busy, `edge_edge` whether the last of them holds a partial tile. Integer
   division truncates, as in C++. */
typedef struct {
    long mapped, unique, mapped_edge, unique_edge;
    long steady;
    int init_edge, init_unroll, edge, edge_edge;
    long active;
} directive;

static void tiles_of(long dim, long m, long o, directive *f)
{
    long ns = max_l((dim - m) / o, 0);
    int has_edge = ns * o + m < dim || m > dim;
    long em = dim - (ns + 1) * o;
    if (em < 0)
        em = dim;
    f->mapped = m;
    f->unique = min_l(m, o);
    f->mapped_edge = has_edge ? em : m;
    f->unique_edge = max_l(o - (m - em), 0);
}

static void temporal(long dim, long m, long o, directive *f)
{
    tiles_of(dim, m, o, f);
    long n = (dim - m) / o;
    f->init_edge = dim < m;
    f->init_unroll = dim <= m;
    f->steady = m < dim && n > 0 ? n : 0;
    f->edge = !f->init_edge && n * o + m < dim;
    f->edge_edge = 0;
    f->active = 1;
}

static void spatial(long dim, long m, long o, long n_sub, directive *f)
{
    tiles_of(dim, m, o, f);
    long cover = m + o * (n_sub - 1);
    long n = ((dim - m) / o + 1) / n_sub - 1;
    f->init_unroll = dim <= cover;
    f->init_edge = dim < cover;
    f->steady = cover < dim && n > 0 ? n : 0;
    int has_edge = !f->init_unroll && (n + 1) * (o * n_sub) + cover > dim &&
                   n * (o * n_sub) + cover != dim;
    f->edge = !f->init_edge && has_edge;
    long rem = dim - (n + 1) * o * n_sub;
    long act = rem < m ? 1 : (rem - m) / o + 1;
    f->edge_edge = (act - 1) * o + m < rem;
    if (dim > cover)
        f->active = rem < m ? 1 : (rem - m) / o + 1;
    else if (dim > m)
        f->active = (dim - m) / o + 1 + (o * ((dim - m) / o) + m < dim);
    else
        f->active = 1;
}

/* The ShiDianNao-like mapping's output rows: a spatial Y whose fold is at
   position POS (0 Init, 1 Steady, 2 Edge) and is an edge fold or not
   (EDGE), with its last sub-cluster partial or not (EE). */
enum { INIT, STEADY, EDGE };
typedef struct {
    directive y;
    long n_sub, r, rp, yo;    /* sub-clusters; filter rows; Y's map and offset */
} rows;

/* One sub-cluster's output rows (GetPEEgressVolume for a spatial
   directive): the first holds its whole tile, the others what their tile
   adds; REUSE off counts an edge tile whole. */
static double out_rows(const rows *w, int pos, int edge, int first, int ee, int reuse)
{
    long mapped = w->rp - w->r + 1, uniq = min_l(w->yo, w->rp);
    long medge = w->y.mapped_edge - w->r + 1, uedge = min_l(w->yo, medge);
    long nec = w->y.active;
    if (pos == INIT && edge && ee)
        return (double)(nec == 1 || !reuse ? medge : uedge);
    if (pos != EDGE)
        return (double)(first ? mapped : uniq);
    if (nec == 1 && (first || ee))
        return (double)w->y.mapped_edge; /* MAESTRO takes the input rows here */
    if (nec > 1)
        return (double)(ee ? uedge : first ? mapped : uniq);
    return 1;
}

/* One sub-cluster's input rows (GetPEIngressVolume, GetPEMappedVolume for
   a spatial directive). RESET: the rows' directive is inside the one that
   moved; INITED: an inner indexing directive restarted; CHANGING: the rows'
   directive is the one that moved; ALL: nothing moved yet. */
static double in_rows(const rows *w, int pos, int edge, int first, int ee, int reset, int inited,
                      int changing, int all)
{
    long whole = ee ? w->y.mapped_edge : w->rp;
    long part = ee ? w->y.unique_edge : min_l(w->rp, w->yo);
    if (all) {
        if (!edge)
            return (double)w->rp;
        if (w->y.active == 1)
            return first || ee ? (double)w->y.mapped_edge : 1;
        return (double)whole;
    }
    if (pos == INIT)
        return (double)(first || !reset ? whole : part);
    return (double)(first || inited || !changing ? whole : part);
}

/* A spatially mapped tensor over the sub-clusters of a fold: the first,
   then the others; at an edge fold, its active ones, the last partial when
   EE (GetSpatialIngressTraffic, GetSpatialEgressTraffic). */
typedef double per_cluster(const rows *w, int pos, int edge, int first, int ee, const int *how);

static double over_clusters(const rows *w, int pos, int edge, int ee, per_cluster *f,
                            const int *how)
{
    if (!edge)
        return f(w, pos, edge, 1, 0, how) + (double)(w->n_sub - 1) * f(w, pos, edge, 0, 0, how);
    long nec = w->y.active, e = ee ? 1 : 0;
    double v = f(w, pos, edge, 1, nec == 1 && ee, how);
    if (nec > 1)
        v += (double)max_l(nec - e - 1, 0) * f(w, pos, edge, 0, 0, how) +
             (double)e * f(w, pos, edge, 0, 1, how);
    return v;
}

static double egress_rows(const rows *w, int pos, int edge, int first, int ee, const int *how)
{
    (void)how;
    return out_rows(w, pos, edge, first, ee, 1);
}

/* HOW: reset, inited, changing, all */
static double ingress_rows(const rows *w, int pos, int edge, int first, int ee, const int *how)
{
    return in_rows(w, pos, edge, first, ee, how[0], how[1], how[2], how[3]);
}

/* The MACs of a fold, in output rows (GetOutputTensorSpatialMappingSize
   for partial sums: every sub-cluster of a full fold counts whole). */
static double psum_rows(const rows *w, int pos, int edge, int ee)
{
    if (!edge)
        return (double)w->n_sub * out_rows(w, pos, edge, 1, 0, 0);
    long nec = w->y.active, e = ee ? 1 : 0;
    double v = out_rows(w, pos, edge, 1, nec == 1 && ee, 0);
    if (nec > 1)
        v += (double)max_l(nec - e - 1, 0) * out_rows(w, pos, edge, 1, 0, 0) +
             (double)e * out_rows(w, pos, edge, 0, 1, 0);
    return v;
}

typedef struct {
    int pos, edge, ee;
    double occ;             /* how many folds are in this state */
} fold_state;

/* Resnet50_yxp_os.m, at the top cluster: TemporalMap(1,1) K;
   TemporalMap(1,1) C; SpatialMap(Sz(R),1) Y over P/8 clusters of 8 PEs;
   TemporalMap(7s + S, 8s) X, a tile of 8 output columns (the file writes
   TemporalMap(Sz(S)+7, 8) for its unit-stride layers); R and S whole. A
   matmul's positions are rows of 8. K and C outside the column tiles make
   every (k, c) sweep the map again:
     weights L2 reads  K C R S                 (once per (k, c), multicast)
     inputs  L2 reads  per (k, c): a new C restarts the map (the first row
       whole, the others only their new rows), a new row fold reloads every
       cluster's R rows, each column step loads R rows x 8 new columns into
       every cluster; a new K starts without a fetch;
     outputs L2 writes every output once per input channel: K C P Q;
   L1: MACs for every tensor's reads and for output writes, as MAESTRO
   counts them per tile (with a stride, its output tile is the input tile's
   columns less S - 1, not 8). */
void cost_maestro_shidiannao(const plat_chiplet *c, const problem *pb, tally *t)
{
    const long *d = pb->d;
    long wd = min_l(SHIDIANNAO_WIDTH, c->pes), n_sub = max_l(c->pes / SHIDIANNAO_WIDTH, 1);
    long k = d[DK], ch = d[DC], r = d[DR], s = d[DS], st = pb->stride;
    long p = d[DP] * d[DN], q = d[DQ];
    if (pb->flat)
        q = min_l(p, wd), p = cost_ceil_div(p, wd);
    long yin = (p - 1) * st + r, xin = (q - 1) * st + s;
    rows w = {.n_sub = n_sub, .r = r, .rp = r, .yo = st};
    spatial(yin, r, st, n_sub, &w.y);
    long xm = wd * min_l(st, s) + max_l(s - st, 0), xo = wd * st;
    directive x;
    temporal(xin, xm, xo, &x);
    /* Output columns of the first, a steady and the edge column step. */
    double xinit = (double)(x.init_edge ? x.mapped_edge - s + 1 : xm - s + 1);
    double xi = (double)(x.init_edge ? x.mapped_edge : xm);
    if (x.init_edge && xinit <= 0) /* MAESTRO's tile goes negative here: take the real one */
        xinit = (double)q, xi = (double)xin;
    double cols = xinit + (double)x.steady * (double)(xm - s + 1) +
                  (x.edge ? (double)(x.mapped_edge - s + 1) : 0);
    double steps = (double)x.steady + x.edge, fresh = (double)min_l(xm, xo);
    /* The row folds: the first, the steady ones, the edge one. */
    fold_state fold[3] = {{INIT, w.y.init_edge, w.y.init_edge, 1}};
    int nf = 1;
    if (w.y.steady)
        fold[nf++] = (fold_state){STEADY, 0, 0, (double)w.y.steady};
    if (w.y.edge)
        fold[nf++] = (fold_state){EDGE, 1, w.y.edge_edge, 1};
    double kc = (double)k * (double)ch, psum = 0, egress = 0, in = 0;
    static const int all[4] = {0, 0, 0, 1};
    in += over_clusters(&w, INIT, fold[0].edge, fold[0].ee, ingress_rows, all) * xi;
    if (ch > 1) {
        int new_c[4] = {1, !w.y.init_unroll || !x.init_unroll, 0, 0};
        in += (double)k * (double)(ch - 1) *
              over_clusters(&w, INIT, fold[0].edge, fold[0].ee, ingress_rows, new_c) * xi;
    }
    int new_row[4] = {0, !x.init_unroll, 1, 0};
    static const int new_col[4] = {0, 0, 0, 0};
    for (int i = 0; i < nf; i++) {
        psum += fold[i].occ * psum_rows(&w, fold[i].pos, fold[i].edge, fold[i].ee);
        egress += fold[i].occ * over_clusters(&w, fold[i].pos, fold[i].edge, fold[i].ee,
                                              egress_rows, NULL);
        if (i > 0)
            in += kc * fold[i].occ *
                  over_clusters(&w, fold[i].pos, fold[i].edge, fold[i].ee, ingress_rows, new_row) * xi;
        in += kc * fold[i].occ * steps * fresh *
              over_clusters(&w, fold[i].pos, fold[i].edge, fold[i].ee, ingress_rows, new_col);
    }
    double g = (double)d[DG], rs = (double)(r * s);
    t->l2r[TW] = t->l2w[TW] = g * kc * rs;
    t->l2r[TI] = g * in;
    t->l2w[TO] = g * kc * cols * egress;
    t->l2r[TO] = g * (double)k * (double)((p - 1) * st + 1) * (double)((q - 1) * st + 1);
    t->l2w[TI] = g * (double)ch * (double)yin * (double)xin;
    cost_l1_per_mac(g * kc * rs * cols * psum, t);
}
