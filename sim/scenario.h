/* scenario.h - a mix of models with batch sizes, run together.
 *
 * A scenario INI has one [model NAME] section per model with the workload
 * file (relative to the scenario file) and the batch size. The scenario owns
 * its loaded models. For `serve`, a section may also say how the requests of
 * its model look when arrivals are drawn (--rate): their share of the
 * arrivals and, for GPT-2, the prompt and output lengths; a GPT-2 model's
 * batch is then the most requests that decode together. */
#ifndef MCM_SCENARIO_H
#define MCM_SCENARIO_H

#include "cfg.h"
#include "workload.h"

/* The largest batch of a model (the key's range, and --batch's). */
#define SCN_BATCH_MAX (1L << 20)

/* A length drawn uniformly from LO..HI tokens (LO == HI: always LO). */
typedef struct {
    long lo, hi;
    int line;                    /* where it was given; 0 for the default */
} scn_dist;

typedef struct {
    char name[WL_NAME_MAX];      /* the scenario's name for it, used by schedules */
    wl_model model;
    long batch;
    int llm;                     /* a GPT-2 transformer: served token by token */
    scn_dist prompt, output;     /* llm: prompt_tokens, output_tokens (default: the
                                    workload's seq, and 1) */
    double share;                /* share = W: its part of the drawn arrivals (default 1) */
} scn_model;

typedef struct {
    char *path;
    int nmodels;
    scn_model *models;
} scn_t;

int scn_load(const char *path, scn_t *s, err_t *e);
/* scn_load with the N SETS applied to the file (cfg.h) before it is read. */
int scn_load_set(const char *path, const cfg_set *sets, int nsets, scn_t *s, err_t *e);
void scn_free(scn_t *s);
int scn_find(const scn_t *s, const char *name);  /* -1 if none */

#endif
