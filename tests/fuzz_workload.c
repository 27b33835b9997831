/* fuzz_workload.c - libFuzzer harness of the workload loaders: the first
 * byte chooses the reader (INI layer list or transformer spec; SCALE-Sim
 * CSV), the rest is the file. A model that loads is priced by the cost model
 * on every dataflow, which is where sizes turn into arithmetic. Seeds:
 * tests/fuzz_corpus/workload. */
#include "cost.h"
#include "fuzz_util.h"
#include "platform.h"
#include "workload.h"

/* Pricing is per layer and per dataflow; past this many layers an input
   tests the loader only (a 12-block transformer spec is 147 layers). */
#define PRICED_LAYERS 600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char path[512];
    fz_write(data[0] & 1 ? "w.csv" : "w.ini", data + 1, size - 1, path, sizeof path);
    wl_model m;
    err_t e;
    if (wl_load(path, &m, &e) != ERR_OK)
        return 0;
    if (m.nlayers <= PRICED_LAYERS)
        for (int df = 0; df < PLAT_NDATAFLOW; df++) {
            /* a chiplet as plat_finish accepts it, the cost model's contract
               (a systolic array needs a square PE count or a shape) */
            long pes = 1L << (data[0] >> 3); /* 1 .. 2^31, clipped to the key's range */
            plat_t p;
            if (plat_single((plat_dataflow)df, pes > PLAT_PES_MAX ? PLAT_PES_MAX : pes, &p, &e))
                continue;
            cost_table t;
            if (cost_model(&p.chiplets[0], &m, 1 + (data[0] >> 1 & 3) * 7, &t) == 0)
                cost_table_free(&t);
            plat_free(&p);
        }
    wl_free(&m);
    return 0;
}
