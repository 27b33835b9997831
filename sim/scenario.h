/* scenario.h - a mix of models with batch sizes, run together.
 *
 * A scenario INI has one [model NAME] section per model with the workload
 * file (relative to the scenario file) and the batch size. The scenario owns
 * its loaded models. */
#ifndef MCM_SCENARIO_H
#define MCM_SCENARIO_H

#include "cfg.h"
#include "workload.h"

/* The largest batch of a model (the key's range, and --batch's). */
#define SCN_BATCH_MAX (1L << 20)

typedef struct {
    char name[WL_NAME_MAX];      /* the scenario's name for it, used by schedules */
    wl_model model;
    long batch;
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
