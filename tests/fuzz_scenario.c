/* fuzz_scenario.c - libFuzzer harness of the scenario loader (scn_load),
 * which loads the workloads a scenario names. The scratch directory holds
 * the small workloads the seeds name (../tiny.ini, ../tiny.csv, ../tf.ini);
 * the fuzzed scenario is scenarios/s.ini there. Seeds:
 * tests/fuzz_corpus/scenario. */
#include "fuzz_util.h"
#include "fuzz_models.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_names_system_files(data, size))
        return 0;
    fz_models();
    char path[512];
    fz_write("scenarios/s.ini", data, size, path, sizeof path);
    scn_t s;
    err_t e;
    if (scn_load(path, &s, &e) == ERR_OK)
        scn_free(&s);
    return 0;
}
