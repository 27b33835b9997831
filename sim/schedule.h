/* schedule.h - which layers run where and when.
 *
 * Time windows run one after another. In a window each model that runs there
 * runs a contiguous range of its layers, split into contiguous segments; each
 * segment runs on one chiplet, or is split over several (split.h: by output
 * channels, input channels or samples). A model's batch streams through its
 * segments as a pipeline of mini-batches. Across windows each model's layers are covered
 * exactly once and in order. A [decode] section may give a served GPT-2
 * model's decode steps segments of their own (disaggregated serving). A
 * schedule file names its scenario; chiplets are
 * named as in the platform, layers as in the workload (or #INDEX). */
#ifndef MCM_SCHEDULE_H
#define MCM_SCHEDULE_H

#include <stdio.h>
#include "platform.h"
#include "scenario.h"
#include "split.h"

typedef struct {
    int first, last;   /* layer indices, inclusive */
    int chiplet;       /* split: the first slice's */
} sched_seg;

/* How a segment is split (split.h): over NSLICES chiplets, CHIPS (its
   own array) in slice order. */
typedef struct {
    split_kind kind;   /* SPLIT_NONE: on its chiplet alone */
    int nslices;
    int *chips;
    int line;          /* where it was defined, for messages */
} sched_split;

typedef struct {
    int model;         /* index in the scenario */
    long minibatch;    /* divides the model's batch */
    int nsegs;
    sched_seg *segs;
    sched_split *splits; /* NULL when no segment is split; else one per segment */
    int line;          /* where it was defined, for messages */
} sched_part;

typedef struct {
    int nparts;
    sched_part *parts;
    int line;
} sched_window;

typedef struct {
    char *path;
    int nwindows;
    sched_window *windows;
    /* [decode]: the decode steps of the models `serve` disaggregates, on
       chiplets no window uses, one part per such model (its minibatch the
       batch); nparts 0 when prefill and decode share the windows. Only
       `serve` reads it. */
    sched_window decode;
} sched_t;

/* Segment K of PT: how it is split, on how many chiplets it runs, and
   which one runs its slice I. */
split_kind sched_seg_split(const sched_part *pt, int k);
int sched_seg_slices(const sched_part *pt, int k);
int sched_seg_chiplet(const sched_part *pt, int k, int i);
/* The part of W that runs MODEL, or NULL. */
const sched_part *sched_part_of(const sched_window *w, int model);

/* Loads a schedule and the scenario it names (relative to the schedule file),
   resolving chiplets against P; validates it fully. */
int sched_load(const char *path, const plat_t *p, scn_t *scn, sched_t *s, err_t *e);
/* sched_load with the N SCN_SET values applied to the scenario file (cfg.h). */
int sched_load_set(const char *path, const plat_t *p, const cfg_set *scn_set, int nsets,
                   scn_t *scn, sched_t *s, err_t *e);
void sched_free(sched_t *s);

/* Coverage, order, chiplets, mini-batches, splits. FILE names the source in messages. */
int sched_validate(const plat_t *p, const scn_t *scn, const sched_t *s, err_t *e);

/* Writes S so that sched_load(PATH...) reads back the same schedule;
   SCENARIO_REF is written as the scenario key. */
int sched_write(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
                const char *scenario_ref);

/* Deep copy, for the search. */
int sched_copy(sched_t *dst, const sched_t *src);

#endif
