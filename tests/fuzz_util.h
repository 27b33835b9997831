/* fuzz_util.h - what the libFuzzer harnesses (tests/fuzz_*.c) share.
 *
 * The loaders read files by name, so each input is written to a file in a
 * scratch directory of the harness's own (made once per process, removed by
 * `make fuzz`'s script). Inputs that name system files are skipped: a
 * loader refuses devices and FIFOs, but a harness has no business reading
 * /proc or /sys at the fuzzer's whim (a root-readable /proc/kmsg blocks). */
#ifndef MCM_FUZZ_UTIL_H
#define MCM_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch directory, made on first use. */
static inline const char *fz_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/mcmsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Writes N bytes of DATA to DIR/NAME (DIR: fz_dir()); PATH receives it. */
static inline void fz_write(const char *name, const void *data, size_t n, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", fz_dir(), name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700); /* a subdirectory NAME may name */
    *slash = '/';
    FILE *fp = fopen(path, "wb");
    if (!fp || (n && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0)
        abort();
}

/* 1 when DATA names something a harness must not open. */
static inline int fz_names_system_files(const uint8_t *data, size_t n)
{
    static const char *const bad[] = {"/proc", "/sys", "/dev", "/run", "/var"};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        size_t k = strlen(bad[b]);
        for (size_t i = 0; i + k <= n; i++)
            if (memcmp(data + i, bad[b], k) == 0)
                return 1;
    }
    return 0;
}

#endif
