/* eval.c - the table of evaluators; see eval.h. */
#include <string.h>
#include "des.h"
#include "estimate.h"

static const evaluator evaluators[] = {
    {"estimate", 0, est_evaluate},
    {"simulate", 1, des_simulate},
};

const evaluator *eval_find(const char *name)
{
    for (size_t i = 0; i < sizeof evaluators / sizeof evaluators[0]; i++)
        if (strcmp(evaluators[i].name, name) == 0)
            return &evaluators[i];
    return NULL;
}
