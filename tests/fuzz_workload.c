/* fuzz_workload.c - libFuzzer harness of the text workload loaders: the
 * first byte chooses the reader (INI layer list or transformer spec;
 * SCALE-Sim CSV) and sizes the chiplet that prices it, the rest is the
 * file. Seeds: tests/fuzz_corpus/workload. */
#include "fuzz_price.h"
#include "fuzz_util.h"

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
    fz_price(&m, data[0]);
    wl_free(&m);
    return 0;
}
