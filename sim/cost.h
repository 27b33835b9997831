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
 *   (l1_w, l2_w) count the B operand.
 * - Access counts are in elements; L2 traffic moves elem_bytes per element,
 *   partial sums included. l2_o counts the writes of outputs and partial
 *   sums and the reads of partial sums back; l1_* count the operand reads of
 *   the MACs that a PE register does not already hold and the partial-sum
 *   updates that leave it.
 * - spatial_x x spatial_y is how the mapping partitions the array (PEs per
 *   cluster x clusters), however much of it the layer fills.
 * - Vector ops run on the vector unit: no PE cycles, utilization 0, each
 *   operation costs pj_mac, inputs are read from and outputs written to L2.
 * - Needs batch >= 1, elem_bytes >= 1 and the chiplet plat_finish accepts;
 *   a layer's groups, stride and heads of 0 count as 1. */
#ifndef MCM_COST_H
#define MCM_COST_H

#include "platform.h"
#include "workload.h"

typedef struct {
    double macs;             /* for the whole batch */
    double compute_cycles;   /* PE-array bound (vector unit for vector ops) */
    double cycles;           /* with on-chip bandwidth stalls: max(compute, traffic / l2_bw) */
    double utilization;      /* macs / (pes * compute_cycles); 0 for vector ops */
    int spatial_x, spatial_y;/* spatial factors used: PEs per cluster x clusters */
    /* element accesses, per tensor */
    double l1_w, l1_i, l1_o;
    double l2_w, l2_i, l2_o;
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
