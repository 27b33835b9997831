/* fuzz_platform.c - libFuzzer harness of the platform loader (plat_load,
 * plat_finish: the mesh, the link table, the ports) and of the routes every
 * evaluator then asks of it. Seeds: tests/fuzz_corpus/platform. */
#include "fuzz_util.h"
#include "nop.h"
#include "platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    fz_write("p.ini", data, size, path, sizeof path);
    plat_t p;
    err_t e;
    if (plat_load(path, &p, &e) != ERR_OK)
        return 0;
    /* every endpoint pair's route stays inside the link table */
    int n = p.nchiplets + p.ndrams, *route = malloc((size_t)nop_route_cap(&p) * sizeof *route);
    for (int a = 0; route && a < n && a < 64; a++)
        for (int b = 0; b < n && b < 64; b++) {
            int k = nop_route(&p, a, b, route);
            for (int i = 0; i < k; i++)
                if (route[i] < 0 || route[i] >= p.nlinks)
                    abort();
        }
    free(route);
    plat_free(&p);
    return 0;
}
