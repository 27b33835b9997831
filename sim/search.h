/* search.h - the outer scheduler: find a good schedule for a scenario.
 *
 * The space (SCAR's): time windows -> which chiplets each model gets in a
 * window -> the order its segments take through them -> where its layers are
 * cut -> its mini-batch. Strategies: exhaustive and anneal explore the chiplet
 * allocations of fixed window structures (every model in one window on
 * disjoint chiplets; one model per window on all chiplets; with three models
 * or more, greedy packings into 2 .. M-1 windows), by enumeration or by
 * simulated annealing from a fixed seed; ea (SCAR's evolutionary search) and
 * nsga2 (NSGA-II on two objectives) search windows, allocations and parts
 * together; auto is exhaustive when the all-models window has at most
 * max_exhaustive allocations, otherwise nsga2. Sizes come from the input: any
 * number of models, chiplets and mini-batch sizes (every divisor of a batch is
 * tried). For a given allocation and order the cut points are those that
 * minimise the slowest segment on those chiplets (bisection over a greedy
 * fill, exact for a fixed order). Every candidate is ranked by the closed-form
 * estimate, ties broken on the other figures; `validate` of them, chosen to
 * differ (the best, points along the estimated front, distinct allocations),
 * are simulated (in parallel, each in its own process) and the winner is the
 * best simulated one. Deterministic for a given seed, whatever `jobs` is and
 * however many MPI ranks share the search (`ranks`, runner.h). */
#ifndef MCM_SEARCH_H
#define MCM_SEARCH_H

#include "nop.h"
#include "result.h"

typedef enum { OBJ_LATENCY, OBJ_THROUGHPUT, OBJ_ENERGY, OBJ_EDP } search_objective;

typedef struct {
    search_objective objective;
    int validate;           /* candidates simulated (default 8) */
    int jobs;               /* simulations at once (default: online cores) */
    unsigned long seed;
    long max_exhaustive;    /* allocations enumerated before switching to annealing */
    long anneal_steps;
    int progress;           /* progress lines on stderr */
    int verbose;            /* the validations' SimGrid log on stderr (eval_opts.verbose) */
    int no_simulate;        /* rank and choose on estimates only (tests, quick looks) */
    const char *strategy;   /* "auto" (default), "exhaustive", "anneal", "ea", "nsga2" */
    int population, generations; /* ea and nsga2 (default SCAR's: 10 and 4) */
    search_objective objectives[2]; /* nsga2's two (default latency and energy) */
    long sim_budget;        /* ea/nsga2: simulations that may replace estimates as fitness
                               in the last generations (0: none) */
    const nop_level *nop;   /* network level of the validations; NULL: the platform's */
    struct runner_ranks *ranks; /* MPI ranks sharing the estimates and simulations (runner.h);
                               NULL: this process alone */
} search_opts;

typedef struct {
    double makespan_s, energy_j, latency_s; /* latency: mean over models */
} search_point;

typedef struct {
    sched_t best;
    res_result est, sim;    /* the winner, estimated and simulated (sim empty if no_simulate) */
    int exhaustive;
    const char *strategy;   /* what the all-models window used: its --strategy name */
    const char *method;     /* and how the report says it ("exhaustive", "simulated annealing") */
    double space;           /* schedules the space holds (allocations x orders x cuts x mini-batches) */
    long allocations;       /* chiplet allocations visited */
    long estimated;         /* schedules estimated */
    long simulated;
    int nvalid;             /* validated candidates: the estimated best first */
    search_point *val_est, *val_sim;
    int *val_ok;            /* simulation succeeded */
    err_t *val_err;         /* why not, where it did not */
    int *val_front;         /* on the estimated makespan-energy front */
    sched_t *val_sched;     /* their schedules */
    int val_win;            /* the winner among them */
    long rankings;          /* rankings by simulation made (validation, simulated generations) */
    long best_differs;      /* of which the simulated best was not the estimated best */
    double rank_agreement;  /* Kendall's tau between estimated and simulated scores */
    int npareto;            /* the estimated makespan-energy front, by makespan */
    search_point *pareto;
    /* where the time went (--verbose; never in a report, which must be the
       same bytes at every run): the setup and the strategy's stage (the
       estimates, and the simulations a strategy makes itself), the
       validation, and the whole; the threads that estimated */
    double search_s, validate_s, wall_s;
    int threads;
} search_result;

void search_defaults(search_opts *o);
int search_objective_parse(const char *name); /* -1 if unknown */
const char *search_objective_name(search_objective o);
/* ERR_OK if NAME is a strategy, else an input error that names the valid ones. */
int search_strategy_check(const char *name, err_t *e);
/* Lower is better. */
double search_score(search_objective o, const search_point *pt);
/* Negative when A is better than B for O, positive when worse, 0 when they
   are equal on every figure: O first, ties broken on throughput, energy and
   latency in that order (O itself skipped). */
int search_cmp(search_objective o, const search_point *a, const search_point *b);
/* Parses "A,B" (two distinct objective names) into OUT; an input error if not. */
int search_objectives_parse(const char *text, search_objective out[2], err_t *e);

/* The field's baselines as schedules (README "Baselines"): monolithic-os runs
   the models one after another on a one-chip platform; standalone gives each
   model one chiplet of its own, no layer pipelining; simba shares the
   chiplets out in proportion to work and pipelines each model over its block
   in mesh order, without regard to dataflows. Mini-batches are chosen for
   the objective. */
typedef enum { BASE_MONOLITHIC, BASE_STANDALONE, BASE_SIMBA } search_base;
int search_baseline_parse(const char *name); /* -1 if unknown */
const char *search_baseline_name(search_base b);
int search_baseline(const plat_t *p, const scn_t *scn, search_base kind, const search_opts *o,
                    sched_t *out, err_t *e);

int search_run(const plat_t *p, const scn_t *scn, const search_opts *o, search_result *r, err_t *e);
void search_result_free(search_result *r);

#endif
