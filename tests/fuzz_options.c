/* fuzz_options.c - libFuzzer harness of the command line: the option parser
 * (getopt_long, every numeric option through the strict reader and its
 * range), the checks of option values that need no input file (--nop,
 * --objective, --strategy, search's options), and the number readers
 * themselves, whose results must agree with what they accepted.
 *
 * The input is argv: arguments separated by NUL bytes, the first one the
 * command. main.c is included with its main renamed, so that its static
 * parser is the one under test, unchanged. Seeds: tests/fuzz_corpus/options. */
int mcmsim_main(int argc, char **argv);
#define main mcmsim_main
#include "../sim/main.c"
#undef main
#include "text.h"
#include <assert.h>
#include <math.h>
#include "fuzz_util.h"

#define MAX_ARGS 64

/* What a number reader accepted is what the text says. */
static void check_numbers(const char *arg)
{
    long v;
    if (num_long(arg, -1000, 1000, &v) == NUM_OK && (v < -1000 || v > 1000))
        abort();
    if (num_long(arg, LONG_MIN, LONG_MAX, &v) == NUM_OK) {
        char back[32];
        snprintf(back, sizeof back, "%ld", v);
        /* the same number, less a sign or leading zeros */
        if (strtol(back, NULL, 10) != v)
            abort();
    }
    double d;
    const char *end;
    if (num_real_prefix(arg, &d, &end) == NUM_OK && (!isfinite(d) || end == arg))
        abort();
    if (cfg_parse_quantity(arg, CFG_UNIT_BW, &d) == 0 && !isfinite(d))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy with a NUL at the end, cut into arguments at the NULs */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "mcmsim";
    for (size_t i = 0; i <= size && argc < MAX_ARGS + 1;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    for (int i = 1; i < argc; i++)
        check_numbers(argv[i]);
    opts_t o;
    err_t e = {{0}};
    /* as main calls it: the command's own argv */
    int rc = argc > 1 ? parse_opts(argc - 1, argv + 1, &o, &e) : 0;
    if (rc == ERR_OK && argc > 1) {
        const nop_level *level;
        search_opts so;
        if (cli_nop_option(&o, &level, &e) == ERR_OK && cli_search_options(&o, &so, &e) == ERR_OK) {
            /* what the ranges promise */
            if (so.validate < 1 || so.validate > OPT_VALIDATE_MAX || so.jobs < 1 ||
                so.jobs > OPT_JOBS_MAX || so.anneal_steps < 1 || so.anneal_steps > OPT_STEPS_MAX ||
                o.pes < 0 || o.pes > PLAT_PES_MAX || o.batch < 1 || o.batch > SCN_BATCH_MAX)
                abort();
        }
    }
    if (argc > 1)
        opts_free(&o);
    /* every error is one line of text fit for a terminal */
    if (rc > 0 && (strchr(e.msg, '\n') || text_problem(e.msg)))
        abort();
    free(buf);
    return 0;
}
