/* fuzz_price.h - what the workload harnesses (fuzz_workload.c, fuzz_onnx.c)
 * do with a model that loads: price it with the cost model on every
 * dataflow, which is where sizes turn into arithmetic. KNOB, a byte of the
 * input, picks the chiplet's PE count and the batch. */
#ifndef MCM_FUZZ_PRICE_H
#define MCM_FUZZ_PRICE_H

#include <stdint.h>
#include "cost.h"
#include "platform.h"
#include "workload.h"

/* Pricing is per layer and per dataflow; past this many layers an input
   tests the loader only (a 12-block transformer spec is 147 layers). */
#define FZ_PRICED_LAYERS 600

static inline void fz_price(const wl_model *m, uint8_t knob)
{
    if (m->nlayers > FZ_PRICED_LAYERS)
        return;
    for (int df = 0; df < PLAT_NDATAFLOW; df++) {
        /* a chiplet as plat_finish accepts it, the cost model's contract
           (a systolic array needs a square PE count or a shape) */
        long pes = 1L << (knob >> 3); /* 1 .. 2^31, clipped to the key's range */
        plat_t p;
        err_t e;
        if (plat_single((plat_dataflow)df, pes > PLAT_PES_MAX ? PLAT_PES_MAX : pes, &p, &e))
            continue;
        cost_table t;
        if (cost_model(&p.chiplets[0], m, 1 + (knob >> 1 & 3) * 7, &t) == 0)
            cost_table_free(&t);
        plat_free(&p);
    }
}

#endif
