/* search_int.h - private to the search module (sim/search*.c and
 * sim/strategy_*.c); nothing else includes it.
 *
 * A search places the models of one window at a time: the group, which is
 * every model of the scenario or one window of a packing. A chiplet
 * allocation gives each chiplet to one model of the group or to none:
 * alloc[c] = 0 unused, j + 1 the group's j-th model. The search state holds
 * what every phase shares: the layer-time table, the memo of the parts kept
 * per (model, chiplet set), the best schedules so far, the Pareto front and
 * the counters.
 *
 * An allocation strategy proposes allocations for the current group and is
 * told each one's score (lower is better; INFINITY when a model got no
 * chiplet). The driver, srch_allocate, takes as many proposals as the
 * strategy can make before it must hear a score (its `ahead`: exhaustive
 * any number, annealing one), scores them together (srch_try_allocations,
 * in search_batch.c, on the team of -j threads) and accepts them in order;
 * past 8 models, one at a time:
 *     start; while (propose) { score = srch_try_allocation(); accept(score); } free
 * A new strategy is a file of its own and a row of the table in search.c. */
#ifndef MCM_SEARCH_INT_H
#define MCM_SEARCH_INT_H

#include <stdint.h>
#include "plan.h"
#include "pool.h"
#include "progress.h"
#include "runner.h"
#include "search.h"

#define SRCH_PER_SET 3    /* parts kept per (model, chiplet set): fastest, leanest, best product */
#define SRCH_GROUP_KEEP 2 /* schedules kept per window of a packing */
#define SRCH_MAX_ORDERS 6 /* chiplet orders tried per set: 3! permutations, or 4 snakes */
#define SRCH_POOL 4       /* candidates kept per one validated, to choose distinct ones from */

/* A model's part of a window: its segments and mini-batch, with the
   estimate of the model alone running it. SEGS is storage of the holder's. */
typedef struct {
    int nsegs;
    sched_seg *segs;
    long minibatch;
    double lat_s, energy_j;
} srch_part;

/* The parts kept for one model on one chiplet set (a bitset). */
typedef struct {
    int model;
    uint64_t *set;
    srch_part parts[SRCH_PER_SET];
} srch_memo;

/* Per model: the mini-batch sizes tried (every divisor of the batch,
   ascending) and its layer seconds, [(c * nmbs + bi) * nlayers + l]. */
typedef struct {
    long *mbs;
    int nmbs;
    double *lt;
} srch_model;

typedef struct srch_strategy srch_strategy;

/* A schedule simulated during the search, with its estimate beside. */
typedef struct {
    sched_t s;
    search_point est, pt;
    int ok;
    res_result r;
} srch_sim;

/* What one thread of the search's team estimates with: a plan cache of its
   own (a cache has scratch space and grows as it is used), room to
   assemble a schedule, and the figures of the combinations it estimates in
   a loop, by the loop's index (worker 0 is the caller's). The figures stay
   with the thread that made them, as the caller reads them only for the
   few combinations that may be kept (srch_verdict): a line one thread
   writes and the other then reads moves between their cores, a tenth of an
   estimate each time. */
typedef struct {
    plan_cache *cache;
    err_t err;
    const srch_part **gpart;  /* M */
    sched_part *sp;           /* M */
    sched_window *sw;         /* M */
    double *lat;              /* M */
    int *pick;                /* M + 1: a combination, decoded */
    long cap;                 /* combinations MK, EN and LATS have room for */
    double *mk, *en, *lats;   /* cap, cap, cap x M */
} srch_worker;

/* A memo entry to make: model M on K chiplets, NO orders (rows of N in
   ORDS); its parts start at FIRST in x->batch.parts. */
typedef struct {
    int m, k, no;
    const int *ords;
    long first;
} srch_miss;

/* The combinations a loop estimates, by index: row r is combination
   r % COMBOS of the picks, a mixed-radix number with position 0 fastest,
   digit j of BASE[j] (RADIX when BASE is NULL), N digits; with WHOLE, it is of allocation WHOLE[r / COMBOS], which is the
   pick's digit N. Decoded where it is estimated, so that no table of picks
   crosses between the threads. */
typedef struct {
    int n;
    const int *base;
    int radix;
    long combos;
    const int *whole;
} srch_rows;

/* What a loop's combination leaves for the caller: its error, its score,
   and where its figures are when it may be kept (worker HELD's arrays);
   HELD is -1 when the lists as they stood when the loop began rule it out
   (they only get harder to enter), so that only its score is read. */
typedef struct {
    double score;
    int rc;
    int held;
} srch_verdict;

/* Room for a batch of estimates (search_batch.c), grown as needed: of
   combinations, and of parts (of up to N chiplets each). */
typedef struct {
    long cap;                 /* combinations */
    srch_verdict *verdict;    /* cap */
    const srch_rows *rows;    /* the loop's */
    long pcap;                /* parts */
    srch_part *parts;         /* pcap, segs in SEGS */
    sched_seg *segs;          /* pcap x N */
    int *prc;                 /* pcap */
    int *task;                /* pcap: the miss a part belongs to */
    const srch_miss *miss;    /* the misses being made */
} srch_batch;

/* Room for scoring allocations together, grown as needed. */
typedef struct {
    int cap;                  /* allocations */
    int *alloc;               /* cap x N */
    double *score;            /* cap */
    uint64_t *sets;           /* cap x M x words */
    int *count;               /* cap x M */
    const srch_memo **memo;   /* cap x M */
    int *pending;             /* cap x M: the miss of a set not in the memo, or -1 */
    srch_miss *miss;          /* cap x M */
    srch_memo **made;         /* cap x M */
    int *ords;                /* cap x M x SRCH_MAX_ORDERS x N */
    int *whole;               /* cap: the allocations that give every model chiplets */
} srch_ahead;

typedef struct {
    const plat_t *p;
    const scn_t *scn;
    const search_opts *o;
    eval_opts eo;             /* of the simulations */
    const srch_strategy *strategy; /* the options', auto's choice made */
    err_t *e;
    plan_cache *cache;        /* worker 0's */
    pool_t *pool;             /* the -j threads that estimate; NULL once the search is done */
    srch_worker *wk;          /* one per member of the team */
    int nwk;
    srch_batch batch;
    srch_ahead ahead;
    int M, N;
    int words;                /* of a chiplet bitset: ceil(N / 64) */
    srch_model *models;
    int *snake;               /* the chiplets along the mesh snake */
    int nsnake;
    srch_memo **memo;         /* open addressing; entries never move */
    long memo_cap, memo_n;
    uint64_t rng;             /* one stream for every window, in search order */
    /* the best candidates so far, by estimate (search_cmp): the pool that
       validation chooses from, SRCH_POOL x --validate of them */
    sched_t *top;
    search_point *top_pt;
    int ntop, top_cap;
    /* the makespan-energy front of the estimates, each point's schedule beside it */
    search_point *pareto;
    sched_t *pareto_s;
    int npareto, cap_pareto;
    long estimated, allocations;
    prog_t prog;              /* the progress line (search_opts.progress) */
    double units_done, units; /* estimating: strategy runs done and in all, in units of
                                 anneal_steps (a packing's windows share one) */
    double unit;              /* the share of the run under way */
    srch_sim *sims;           /* --sim-budget's simulations, by schedule */
    int nsims, cap_sims;
    long simulated, rankings, best_differs;
    /* the models being placed in one window: all of them, or one window
       of a packing; VIEW is the scenario restricted to them, for estimates */
    int G;
    int *gm;
    scn_model *view_models;
    scn_t view;
    /* a group's best single-window schedules (models numbered as in VIEW) */
    sched_t gbest[SRCH_GROUP_KEEP];
    search_point gpt[SRCH_GROUP_KEEP];
    int ngbest;
    /* scratch, sized from the input */
    int *alloc;               /* N: the proposal being scored */
    int *ords;                /* SRCH_MAX_ORDERS x N */
    int *list;                /* N: a set's chiplets */
    sched_seg *segs;          /* N: a part being cut */
    uint64_t *gsets;          /* M x words: the group's chiplet sets */
    int *gcount;              /* M */
    const srch_memo **gmemo;  /* M */
    int *pick;                /* M */
    double *work;             /* M */
} srch_state;

struct srch_strategy {
    const char *name;   /* what --strategy calls it */
    const char *method; /* what the report calls it */
    int ahead;          /* proposals it can make before it is told a score */
    /* STEPS: the proposals a budgeted strategy may make in this window */
    int (*start)(srch_state *x, long steps, void **priv);
    /* Writes the next allocation (N entries) to ALLOC: 1, or 0 when done. */
    int (*propose)(srch_state *x, void *priv, int *alloc);
    /* The score of a proposed allocation, in the order they were proposed. */
    void (*accept)(srch_state *x, void *priv, const int *alloc, double score);
    void (*free)(void *priv);
    /* A strategy over the whole space (windows included) sets WHOLE instead
       of the four above: it runs the search, offering what it estimates. */
    int (*whole)(srch_state *x);
};

extern const srch_strategy srch_exhaustive, srch_anneal, srch_ea, srch_nsga2;

/* search_genome.c: the genome of ea and nsga2 (its header comment says
   what it holds), in a pool of individuals with scratch beside them. */
typedef struct {
    int *win;                 /* M: each model's window label */
    int *pick;                /* M: its kept part, 0 .. SRCH_PER_SET - 1 */
    int *own;                 /* M x N: per label, each chiplet's model + 1, or 0 */
    int nwin;
    search_point pt;          /* its figures (estimated, or simulated) */
    double f[2];              /* nsga2: its two objectives */
    int rank;                 /* nsga2: its front, 0 the first */
    double crowd;             /* nsga2: its crowding distance */
} srch_genome;

typedef struct {
    srch_state *x;
    int cap;                  /* individuals, the last few scratch */
    srch_genome *g;
    int *genes;
    int *map, *mw, *cnt;      /* M each */
    uint64_t *sets;           /* M x words */
    srch_miss *miss;          /* the memo entries a batch of trials lacks, */
    srch_memo **made;         /* being made, */
    int *ords;                /* and their chiplet orders (rows of N) */
} srch_evo;

/* Whether A should replace B (ARG: the strategy's). */
typedef int (*srch_better_fn)(const srch_state *x, const srch_genome *a, const srch_genome *b,
                              const void *arg);

int srch_evo_init(srch_evo *v, srch_state *x, int cap);
void srch_evo_free(srch_evo *v);
srch_genome *srch_evo_at(srch_evo *v, int i);
/* Moves individuals IDX[0..P-1] (of 0 .. N-1) to slots 0 .. P-1, the rest
   after them in some order; WHERE is scratch of N. */
void srch_evo_gather(srch_evo *v, const int *idx, int P, int n, int *where);
void srch_gen_copy(const srch_state *x, srch_genome *dst, const srch_genome *src);
void srch_gen_normalize(srch_evo *v, srch_genome *g);
/* Individual I of a first population: 0 every model in one window, 1 one
   model per window, 2 .. M-1 the greedy packings (each window with the
   proportional allocation), the rest random. */
void srch_gen_seed(srch_evo *v, srch_genome *g, int i);
/* CHILD = a uniform crossover of A and B, then one to three random changes. */
void srch_gen_vary(srch_evo *v, const srch_genome *a, const srch_genome *b, srch_genome *child);
/* Decodes G, estimates its schedule and offers it (srch_keep); G->pt. */
int srch_gen_eval(srch_evo *v, srch_genome *g);
/* Whether generation GEN's survivors are chosen on simulated figures: the
   last ceil(sim_budget / population) generations are. */
int srch_evo_simulated(const srch_state *x, int gen);
/* The fitness of individuals 0 .. N-1 from their simulations (cached; the
   budget spent, those past it keep their estimates). */
int srch_evo_simulate(srch_evo *v, int n);
/* A local search from G: random single changes, each kept when BETTER says. */
int srch_gen_improve(srch_evo *v, srch_genome *g, srch_better_fn better, const void *arg);
/* The better_fn of the search's --objective, ties broken on the other figures. */
int srch_gen_better_objective(const srch_state *x, const srch_genome *a, const srch_genome *b,
                              const void *arg);
/* Seed I, estimated and improved. */
int srch_gen_start(srch_evo *v, srch_genome *g, int i, srch_better_fn better, const void *arg);
/* A child of A and B, estimated and improved. */
int srch_gen_child(srch_evo *v, const srch_genome *a, const srch_genome *b, srch_genome *child,
                   srch_better_fn better, const void *arg);

/* search.c */
int srch_lookup(const char *const *names, int n, const char *name);
const srch_strategy *srch_strategy_find(const char *name); /* NULL if unknown */

/* search_space.c: the state */
int srch_setup(srch_state *x, const plat_t *p, const scn_t *scn, const search_opts *o, err_t *e);
void srch_teardown(srch_state *x);
/* FRAC of the strategy run under way is done: the progress line of the
   estimates (progress.h), over all runs. */
/* splitmix64 over the search's stream: small, seedable, the same everywhere */
uint64_t srch_rand(uint64_t *s);
double srch_unit(uint64_t *s); /* in [0, 1) */
void srch_progress(srch_state *x, double frac);
/* A run of STEPS annealing steps as a share of the estimating stage. */
double srch_steps_share(const srch_state *x, long steps);
/* Places the models GM[0..G-1] from now on; GM NULL: the whole scenario. */
void srch_set_group(srch_state *x, const int *gm, int g);
double srch_model_work(const scn_model *sm);
/* ORDER[0..M-1]: the scenario's models, the most work first. */
void srch_by_work(const srch_state *x, int *order);
/* The allocations of N chiplets to BASE - 1 models or none: BASE^N, or
   more than LIMIT (without overflow) when that is more. */
long srch_alloc_count(int base, int n, long limit);
void srch_proportional_allocation(srch_state *x, int *alloc);

/* search_space.c: parts and the space */
void srch_part_copy(srch_part *dst, const srch_part *src);
int srch_cut(srch_state *x, int m, const int *ord, int k, int bi, srch_part *pt);
/* The parts kept for model M on the K chiplets of SET, made on first use. */
int srch_parts_for(srch_state *x, int m, const uint64_t *set, int k, const srch_memo **out);
/* The memo's entry for model M on SET; NULL when there is none yet. */
const srch_memo *srch_memo_find(const srch_state *x, int m, const uint64_t *set);
/* A new entry for model M on the K chiplets of SET, its parts not made yet,
   and the chiplet orders to try for it: *NO rows of N in ORDS. */
int srch_memo_new(srch_state *x, int m, const uint64_t *set, int k, int *ords, int *no,
                  srch_memo **out);
/* Keeps the best of the N PARTS made for an entry's orders x mini-batches. */
void srch_memo_fill(srch_memo *me, const srch_part *parts, long n);
/* Adds ME to the memo, which owns it from then on (freed on failure too). */
int srch_memo_add(srch_state *x, srch_memo *me);
int srch_space_size(const srch_state *x, double *space);

/* search_split.c: the best schedule's segments split where that pays */
int srch_splits(srch_state *x);
/* search_offer.c: candidates */
/* Builds, in W's scratch, the schedule a combination PICK stands for. */
typedef sched_t (*srch_build_fn)(srch_state *x, void *arg, const int *pick, srch_worker *w);

/* Estimates model M alone running PT on the K chiplets SET it is given,
   with worker W's cache (not counted); its energy has the static power of
   SET's chiplets, not the rest of the package's. */
int srch_estimate_part(srch_state *x, srch_worker *w, int m, const int *set, int k, srch_part *pt);
/* The same with worker 0, counted. */
int srch_eval_part(srch_state *x, int m, const int *set, int k, srch_part *pt);
/* The schedule of PT[j] running model j of the view, for j < N: in one
   window, or one window each when SEPARATE. It lives in W's scratch. */
sched_t srch_assemble(srch_worker *w, const srch_part *const *pt, int n, int separate);
/* Offers S, estimated at MK, EN and the view's model latencies LAT, to the
   top list (and the Pareto front); *SCORE is its score. Counts it. */
/* The point of a schedule estimated at MK, EN and the view's model latencies LAT. */
search_point srch_point(const srch_state *x, double mk, double en, const double *lat);
int srch_keep(srch_state *x, const sched_t *s, double mk, double en, const double *lat,
              double *score);
int srch_offer(srch_state *x, const sched_t *s, double *score);
/* Whether a schedule at PT could still enter the lists srch_keep offers
   it to: 0 only when it cannot, whatever is offered before it. */
int srch_may_keep(const srch_state *x, const search_point *pt);
/* srch_keep of the schedule BUILD makes of PICK (srch_combine's), built
   with worker 0 only if it is kept. */
int srch_keep_pick(srch_state *x, srch_build_fn build, void *arg, const int *pick, double mk,
                   double en, const double *lat, double *score);
/* Offers, through OFFER, combinations PICK of one choice per position, the
   i-th among BASE[i] (among RADIX when BASE is NULL): every one, lowest
   position fastest, when they are few enough; otherwise a coordinate
   descent from choice 0 everywhere (each position's other choices in turn,
   kept when they improve the score, until a pass improves nothing). PICK is
   scratch of N; *BEST: the best score offered. */
int srch_combine(srch_state *x, int n, const int *base, int radix, int *pick, srch_build_fn build,
                 void *arg, double *best);
/* srch_combine over the parts kept in ME[0..N-1] (ME[j] for model j of the
   view), arranged as srch_assemble does. */
int srch_cross(srch_state *x, const srch_memo *const *me, int n, int separate, double *best);
/* The chiplet sets (G bitsets) and their sizes that ALLOC gives the group's models. */
void srch_alloc_sets(const srch_state *x, const int *alloc, uint64_t *sets, int *count);
/* Scores the group's models in one window on ALLOC: the best of the cross
   product of their kept parts, INFINITY if a model has no chiplet. */
int srch_try_allocation(srch_state *x, const int *alloc, double *best);

/* search_batch.c: the team. Workers for O's -j (at least one, at most one
   per core); the team is stopped before the search forks its simulations. */
int srch_team_start(srch_state *x);
void srch_team_stop(srch_state *x);
int srch_team_resume(srch_state *x); /* after a stop: the same team again */
void srch_team_free(srch_state *x);
/* Room in x->batch, and in each worker, for N combinations. */
int srch_batch_reserve(srch_state *x, long n);
/* Combination R of ROWS in PICK (ROWS->n picks, and the allocation after
   them when ROWS->whole is set). */
void srch_rows_pick(const srch_rows *rows, long r, int *pick);
/* Scores the NROWS combinations ROWS built by BUILD, on the team, then
   keeps them in order: as many srch_offer calls would, for any team size.
   The best score of the rows whose pick KEY holds k goes to BEST[k] (KEY <
   0: all to *BEST); BEST must hold INFINITY or a score to beat. */
int srch_batch_combine(srch_state *x, const srch_rows *rows, long nrows, srch_build_fn build, void *arg,
                       int key, double *best);
/* Cuts the model of each of the N misses over each of its orders at every
   mini-batch and estimates the parts, all on the team at once: x->batch.parts
   holds them, miss after miss, order-major (FIRST is set here). */
int srch_batch_parts(srch_state *x, srch_miss *miss, int n);
/* Scores the N allocations ALLOCS (rows of N chiplets) of the current group
   into SCORES as srch_try_allocation would one after another, with their
   new memo entries and their combinations each made in one loop of the team.
   Needs a group of at most 8 models. */
int srch_try_allocations(srch_state *x, const int *allocs, int n, double *scores);
/* How many allocations srch_try_allocations takes at once for the current
   group, with room made for them in x->ahead; 0 when it cannot (more than
   8 models, whose combinations are searched by descent, or out of memory). */
int srch_batch_allocations(srch_state *x);

/* search_validate.c: the candidates simulated, and the simulations
   cached by schedule for --sim-budget */
/* Replaces each estimate PT[i] of S[i] (N of them) with its simulated
   figures: from the cache, or simulated now (all at once, -j at a time)
   while the budget lasts; counts the ranking and whether its best by
   simulation differs from its best by estimate. Stops and restarts the team. */
int srch_sim_fitness(srch_state *x, sched_t *s, search_point *pt, int n);
void srch_sims_free(srch_state *x);
search_point srch_point_of(const res_result *r);
/* Whether A and B give each model the same chiplets, window by window. */
int srch_same_structure(const sched_t *a, const sched_t *b);
/* Simulates the N schedules S[], -j at a time; JOBS[i] holds each result
   (the caller frees them). */
int srch_simulate(srch_state *x, const sched_t *const *s, int n, run_job *jobs);
/* Chooses the candidates (the file's header says how), simulates them
   unless no_simulate, fills R's val_* and rank figures and R->sim; *WIN:
   the winner among them (0, the estimated best, when not simulated). Sorts
   the front by makespan. The team must be stopped. */
int srch_validate(srch_state *x, search_result *r, int *win);

/* search_windows.c: window structures, each window's allocations searched
   by the state's allocation strategy */
int srch_allocate(srch_state *x, long steps);
int srch_one_window(srch_state *x);
int srch_sequential(srch_state *x);
int srch_packings(srch_state *x);

#endif
