/* serve.h - a stream of inference requests served on the package.
 *
 * Requests arrive (a CSV file, or Poisson arrivals drawn from the scenario's
 * length distributions) and are served with continuous batching, as Orca and
 * vLLM schedule them: time advances one iteration at a time; an iteration
 * runs, under the given schedule, the prefill of the requests admitted at
 * its start (FIFO per model, while fewer than the model's batch are running)
 * and one decode step of every running GPT-2 request; a request of another
 * model (a CNN) runs whole in the iteration that admits it. Each iteration
 * is one evaluation of a schedule of its own (serve_iter.c says how it is
 * built), simulated, and remembered by its composition. The serving clock
 * and the per-request figures are composed from those iterations here:
 * nothing inside an iteration is approximated beyond what the evaluator
 * models, and nothing between iterations is simulated.
 *
 * A model the schedule's [decode] section places is served disaggregated
 * (DistServe, Splitwise): two pipelines run at once, the windows' one
 * (prefills of its admitted requests, beside everything of the other
 * models) and the decode one on the [decode] chiplets (one decode step of
 * every request whose KV cache has arrived). After its prefill a request's
 * KV cache is shipped over the NoP (serve_ship.c); its first decode step
 * waits for it. Its TTFT ends with the prefill; its TPOT is counted from
 * the cache's arrival; the shipment is reported on its own. */
#ifndef MCM_SERVE_H
#define MCM_SERVE_H

#include "eval.h"
#include "schedule.h"
#include "search.h"

typedef struct {
    double arrival_s;
    int model;                 /* index in the scenario */
    long prompt, output;       /* tokens; 0 and 0 for a model that is not served token by token */
    int line;                  /* CSV line, 0 when drawn */
} srv_request;

typedef struct {
    int n;
    srv_request *req;          /* in arrival order (ties: file order) */
    double rate_per_s;         /* drawn: the offered rate; 0 for a file */
} srv_stream;

/* Reads PATH: a header `arrival_s,model,prompt_tokens,output_tokens`, then one
   request per line; models are the scenario's names. FILE:LINE errors. */
int srv_load_requests(const char *path, const scn_t *scn, srv_stream *st, err_t *e);
/* Poisson arrivals at RATE per second over [0, DURATION) seconds, each of a
   model drawn by the scenario's shares, its lengths from its distributions;
   splitmix64 from SEED, so the same seed gives the same stream everywhere. */
int srv_poisson(const scn_t *scn, double rate, double duration, unsigned long seed,
                srv_stream *st, err_t *e);
void srv_stream_free(srv_stream *st);

typedef struct {
    const evaluator *ev;       /* NULL: simulate */
    eval_opts eval;
    long bucket;               /* tokens: prompt and mean KV lengths are rounded up to a
                                  multiple (1 = exact) before an iteration is evaluated */
    double slo_ttft_s, slo_tpot_s; /* 0: no target */
} srv_opts;

typedef struct {
    double queue_s;            /* arrival to admission */
    double ttft_s;             /* arrival to first token (other models: to the result) */
    double tpot_s;             /* (done - first token) / (output - 1); -1 when output < 2 */
    double e2e_s;              /* arrival to done */
    double done_s;
    double kv_shipped_bytes;   /* disaggregated: its KV cache, prefill to decode chiplets */
    double kv_ship_s;          /* the shipment it went in, end of prefill to arrival; else 0 */
} srv_outcome;

typedef struct {
    int n;
    srv_outcome *out;          /* per request, in stream order */
    long iterations;           /* iterations run */
    long evaluated;            /* distinct compositions evaluated (the rest came from the cache) */
    long kv_dram_iterations;   /* iterations where some KV cache did not fit in L2 */
    double busy_s, span_s;     /* package busy (disaggregated: the windows' pipeline);
                                  first arrival to last completion */
    int disaggregated;         /* some model's decode ran on [decode] chiplets */
    double decode_busy_s;      /* the [decode] pipeline busy */
    double kv_shipped_bytes;   /* over all requests */
    double kv_ship_mean_s, kv_ship_max_s; /* over the requests shipped; 0 if none */
    double energy_j, tokens;
    double ttft_p50_s, ttft_p99_s, tpot_p50_s, tpot_p99_s; /* nearest rank; tpot -1 if none */
    double tokens_per_s, requests_per_s, energy_per_token_j;
    double slo_ttft_attainment, slo_tpot_attainment, slo_attainment; /* -1: no target */
    long max_queue;            /* most requests waiting at an iteration's start */
    int overloaded;            /* the queue grew without bound: see srv_run */
    long queue_mid, queue_end; /* waiting at the middle and at the end of the arrivals */
    double busy_second_half;   /* busy fraction over the second half of the arrivals */
    int nmodels;
    double *kv_bytes_per_token; /* per scenario model */
} srv_result;

/* Serves ST on P under S (a schedule of SCN). The run is flagged overloaded
   when, over the second half of the arrival period, the package (or either
   pipeline) was busy at least 95 % of the time and the waiting queue grew by more than the largest
   batch: arrivals outpace service and the queue grows with the duration. */
int srv_run(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_stream *st,
            const srv_opts *o, srv_result *r, err_t *e);
void srv_result_free(srv_result *r);

/* One schedule the search proposed, as it served. */
typedef struct {
    search_objective objective;    /* the search's objective that chose it */
    int disaggregated;             /* its winner with the decode on idle chiplets */
    double tokens_per_s, slo_attainment, ttft_p99_s, tpot_p99_s, energy_per_token_j;
    int overloaded;
} srv_candidate;

typedef struct {
    int n, chosen;
    srv_candidate *cand;
} srv_searched;

/* A schedule for serving ST: search's winner under SO's objective, or, with
   ALL_OBJECTIVES, under each of its objectives, each served (with
   DISAGGREGATE, a disaggregated variant of each too), the best kept
   (serve_search.c says how). BEST, R and SR are the chosen schedule,
   how it served, and every candidate; all are freed on failure. */
int srv_search(const plat_t *p, const scn_t *scn, const search_opts *so, int all_objectives,
               int disaggregate, const srv_stream *st, const srv_opts *o, sched_t *best,
               srv_result *r, srv_searched *sr, err_t *e);
void srv_searched_free(srv_searched *sr);
/* V: W with its GPT-2 models' decode on the chiplets it leaves idle
   (serve_search.c says which, and how cut); *MADE 0, V untouched, when W
   has no such variant. */
int srv_variant(const plat_t *p, const scn_t *scn, const sched_t *w, sched_t *v, int *made,
                err_t *e);

#endif
