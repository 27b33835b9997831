/* fuzz_models.h - the small workloads and scenario that the scenario and
 * schedule harnesses' seeds name, written once into the scratch directory. */
#ifndef MCM_FUZZ_MODELS_H
#define MCM_FUZZ_MODELS_H

#include "fuzz_util.h"

static inline void fz_models(void)
{
    static int done;
    if (done)
        return;
    static const struct {
        const char *name, *text;
    } files[] = {
        {"tiny.ini", "[model]\nname = tiny\n[layers]\nc1 = conv k=16 c=3 r=3 h=32 w=32 stride=2\n"
                     "p1 = maxpool c=16 h=16 w=16 r=2\nc2 = conv k=32 c=16 r=3 h=8 w=8\n"
                     "c2x = conv k=32 c=16 r=1 h=8 w=8 in=p1\na = add c=32 h=8 w=8 in=c2,c2x\n"
                     "fc = matmul m=1 k=2048 n=10 bias=1\n"},
        {"tiny2.ini", "[model]\nname = tiny2\n[layers]\nc1 = conv k=16 c=3 r=3 h=32 w=32\n"
                      "r1 = relu c=16 h=32 w=32\nc2 = conv k=8 c=16 r=1 h=32 w=32\n"
                      "fc = matmul m=1 k=8192 n=10\n"},
        {"tiny.csv", "Layer, M, N, K,\nfc1, 4, 64, 32,\nfc2, 4, 16, 64,\n"},
        {"tf.ini", "[model]\nname = tf\n[transformer]\nfamily = gpt2\nd_model = 64\nlayers = 2\n"
                   "heads = 2\nseq = 8\nvocab = 100\ncontext = 16\n"},
        {"scenarios/mix.ini", "[model t]\nworkload = ../tiny2.ini\nbatch = 4\n"
                              "[model g]\nworkload = ../tf.ini\nbatch = 2\n"},
    };
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        fz_write(files[i].name, files[i].text, strlen(files[i].text), path, sizeof path);
    done = 1;
}

#endif
