/* cost.h - what one layer costs on one chiplet.
 *
 * The dataflow maps the layer's loops onto the PE array (DESIGN.md's
 * presets, or the best tile of a family); from the mapping come the compute
 * cycles, the L2->PE traffic that can stall them, and the accesses to L1 and
 * L2 per tensor with the reuse the dataflow gives. Batch is folded in as the
 * dataflow would: weights fetched once are reused across the batch. DRAM and
 * the NoP are not here: the evaluators add them. Pure functions, no state. */
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
   samples at once on chiplet C. */
void cost_layer(const plat_chiplet *c, const wl_layer *l, int elem_bytes, long batch, cost_t *out);

#endif
