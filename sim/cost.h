/* cost.h - what one layer costs on one chiplet.
 *
 * The dataflow maps the layer's loops onto the PE array (the README's
 * presets, or the best tile of a family); from the mapping come the compute
 * cycles, the L2->PE traffic that can stall them, and the accesses to L1 and
 * L2 per tensor with the reuse the dataflow gives. Batch is folded in as the
 * dataflow would: weights fetched once are reused across the batch. DRAM and
 * the NoP are not here: the evaluators add them. Pure functions, no state.
 *
 * Conventions (README "Cost model" has the formulas):
 * - A matmul is a 1x1 conv over its M positions with C = kd, K = n. When B
 *   is a weight the batch's tokens share it; when B is an activation (or the
 *   KV cache) each (head, sample) is a product of its own, and "weights"
 *   count the B operand.
 * - Access counts are in elements, per tensor (weights, inputs, outputs),
 *   read and written, at L1 (PE-local) and L2 (the shared buffer); L2
 *   traffic moves elem_bytes per element, partial sums included. They
 *   follow MAESTRO's counting, which its per-access energies assume: L1 is
 *   read for the three operands of every MAC and written with its partial
 *   sum; an input or weight element that L2 sends is written to L1 once;
 *   L2 is written with what fills it (the weights and inputs) and with the
 *   outputs and partial sums the array sends back, and read for what it
 *   sends the array and for the outputs it hands on. The L2 counts of
 *   nvdla and shidiannao are MAESTRO's own for those mappings; systolic
 *   dataflows take SCALE-Sim's SRAM counts; the other dataflows the L2
 *   traffic of the reuse their L1 allows.
 * - spatial_x x spatial_y is how the mapping partitions the array (PEs per
 *   cluster x clusters; a systolic array's columns x rows), however much
 *   of it the layer fills.
 * - Vector ops run on the vector unit: no PE cycles, utilization 0, each
 *   operation costs pj_mac, inputs are read from and outputs written to L2.
 * - Needs batch >= 1, elem_bytes >= 1 and the chiplet plat_finish accepts;
 *   a layer's groups, stride and heads of 0 count as 1. */
#ifndef MCM_COST_H
#define MCM_COST_H

#include "platform.h"
#include "workload.h"

enum { COST_WEIGHTS, COST_INPUTS, COST_OUTPUTS, COST_NTENSOR };

typedef struct {
    double macs;             /* for the whole batch */
    double compute_cycles;   /* PE-array bound (vector unit for vector ops) */
    double cycles;           /* with on-chip bandwidth stalls: max(compute, traffic / l2_bw) */
    double utilization;      /* macs / (pes * cycles): with the stalls; 0 for vector ops */
    double utilization_pe;   /* macs / (pes * compute_cycles): PE-bound */
    int spatial_x, spatial_y;/* spatial factors used: PEs per cluster x clusters */
    /* element accesses, per tensor (COST_WEIGHTS, ...) */
    double l1_reads[COST_NTENSOR], l1_writes[COST_NTENSOR];
    double l2_reads[COST_NTENSOR], l2_writes[COST_NTENSOR];
    double e_mac_pj, e_l1_pj, e_l2_pj, energy_pj;
} cost_t;

/* Cost of layer L of a model with ELEM_BYTES-wide elements, run for BATCH
   samples at once on chiplet C. Reads the layer's dimensions and, for
   vector ops, vec_ops, in_bytes and out_bytes; for conv and matmul, macs.
   About a microsecond, the auto families' tile search included. */
void cost_layer(const plat_chiplet *c, const wl_layer *l, int elem_bytes, long batch, cost_t *out);

/* Every layer of a model on one chiplet, and the sums over its layers
   (macs, compute_cycles, cycles, energies; the rest of TOTAL is zero). */
typedef struct {
    int nlayers;
    cost_t *layers;
    cost_t total;
} cost_table;

/* ERR_INTERNAL when out of memory. */
int cost_model(const plat_chiplet *c, const wl_model *m, long batch, cost_table *t);
void cost_table_free(cost_table *t);

#endif
