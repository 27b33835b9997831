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
            plat_chiplet c;
            plat_chiplet_defaults(&c);
            c.dataflow = (plat_dataflow)df;
            c.pes = 1L << (data[0] >> 3); /* 1 .. 2^31, clipped to the key's range */
            if (c.pes > PLAT_PES_MAX)
                c.pes = PLAT_PES_MAX;
            cost_table t;
            if (cost_model(&c, &m, 1 + (data[0] >> 1 & 3) * 7, &t) == 0)
                cost_table_free(&t);
        }
    wl_free(&m);
    return 0;
}
