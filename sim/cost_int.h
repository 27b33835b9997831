/* cost_int.h - what the cost model's files share, private to them: a layer
 * as one loop nest (cost.c builds it), the tally a pricing fills, and the
 * pricings of the other files (cost_maestro.c: MAESTRO's access counts of
 * the NVDLA-like and ShiDianNao-like mappings; cost_systolic.c: SCALE-Sim's
 * systolic arrays). */
#ifndef MCM_COST_INT_H
#define MCM_COST_INT_H

#include "cost.h"

/* Groups G, images N, output channels K, input channels C, filter rows R
   and columns S, output rows P and columns Q. */
enum { DG, DN, DK, DC, DR, DS, DP, DQ, NDIM };
/* NVDLA's cluster reduces 64 input channels; ShiDianNao's is 8 outputs wide. */
enum { NVDLA_LANES = 64, SHIDIANNAO_WIDTH = 8 };
enum { TW = COST_WEIGHTS, TI = COST_INPUTS, TO = COST_OUTPUTS, NTENSOR = COST_NTENSOR };

typedef struct {
    long d[NDIM];
    long stride;
    long in_h, in_w;        /* input rows and columns per group and image; 0: unknown */
    int flat;               /* matmul: its positions have no 2-D layout */
    /* what every mapping of it shares */
    double work, outputs;   /* MACs and output elements */
    double base[NTENSOR];   /* product of the extents that index each tensor, the
                               input's rows and columns aside */
} problem;

/* What a pricing of a layer found, in elements. `traffic` is what crosses
   the L2 port of the array and can stall it (cycles = max(compute, traffic
   * elem_bytes / l2_bw)). */
typedef struct {
    double compute, cycles;
    double l1r[NTENSOR], l1w[NTENSOR], l2r[NTENSOR], l2w[NTENSOR];
    double traffic;
    long x, y;              /* spatial factors: PEs per cluster x clusters */
} tally;

long cost_ceil_div(long a, long b);
/* The elements of PB's input tensor (what fills L2 before the layer). */
double cost_input_elems(const problem *pb);
/* max(compute, elems * elem_bytes / l2_bw) */
double cost_with_stalls(const plat_chiplet *c, double compute, double elems, int elem_bytes);

/* MAESTRO's convention, which its per-access energies assume: each of
   MACS reads its weight, input and partial sum from L1 and writes the
   partial sum back; what an operand's L1 receives is what L2 sent it.
   Fills in the L1 counts of T from its L2 reads. */
void cost_l1_per_mac(double macs, tally *t);

/* The L1 and L2 counts of MAESTRO's top cluster for NVDLA's mapping
   (Resnet50_kcp_ws.m: 64 input channels in a cluster, clusters over output
   channels) and ShiDianNao's (Resnet50_yxp_os.m: clusters over output
   rows, 8 output columns a cluster); T's compute cycles are the caller's. */
void cost_maestro_nvdla(const plat_chiplet *c, const problem *pb, tally *t);
void cost_maestro_shidiannao(const plat_chiplet *c, const problem *pb, tally *t);

/* SCALE-Sim's systolic arrays on the chiplet's rows x cols: cycles with the
   fill and drain of every fold, SRAM (L2) reads and writes per operand. */
void cost_systolic_os(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t);
void cost_systolic_ws(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t);
void cost_systolic_is(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t);

#endif
