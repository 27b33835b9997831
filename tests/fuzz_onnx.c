/* fuzz_onnx.c - libFuzzer harness of the ONNX importer: the input is the
 * model file, protobuf and all (the graph walk, shape inference and
 * operator rules are what it is for; protobuf-c's own parser comes along).
 * A model that loads is priced on a chiplet its last byte sizes. Seeds:
 * tests/fuzz_corpus/onnx (tests/onnx/gen_fuzz_seeds.py writes them). */
#include "fuzz_price.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char path[512];
    fz_write("m.onnx", data, size, path, sizeof path);
    wl_model m;
    err_t e;
    if (wl_load(path, &m, &e) != ERR_OK)
        return 0;
    fz_price(&m, data[size - 1]);
    wl_free(&m);
    return 0;
}
