/* serve.c - the serving clock: continuous batching over iterations whose
 * costs serve_iter.c evaluates; see serve.h.
 *
 * A GPT-2 request admitted at an iteration's start is prefilled in it and
 * has its first token when it ends; it then decodes one token per iteration.
 * Its decode step processes the last token against the prompt and the
 * tokens before it (KV length prompt + generated - 1). Requests arriving
 * while an iteration runs wait for its end, as iteration-level scheduling
 * makes them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "serve_int.h"

typedef struct {
    long generated;            /* tokens so far (0: not admitted) */
    double admit_s, first_s;
    int done;
} req_state;

typedef struct {
    const scn_t *scn;
    const srv_stream *st;
    req_state *rs;
    int *waiting, *running;    /* per model FIFOs of request indices, nreq each */
    int *nwait, *nrun, *wait0; /* per model: lengths; first waiting */
    srv_mix *mix;
    long *admit;               /* per model: admitted this iteration */
    long bucket;
} loop_t;

static long round_up(long v, long bucket, long cap)
{
    long r = (v + bucket - 1) / bucket * bucket;
    return r < cap ? r : cap;
}

/* The iteration's composition from the queues; *WAITING gets the requests
   that were waiting at its start. */
static void compose(loop_t *L, long *waiting)
{
    const scn_t *scn = L->scn;
    int n = L->st->n;
    *waiting = 0;
    for (int m = 0; m < scn->nmodels; m++) {
        const scn_model *sm = &scn->models[m];
        srv_mix *x = &L->mix[m];
        int *wq = L->waiting + (size_t)m * n, *rq = L->running + (size_t)m * n;
        long free_slots = sm->batch - L->nrun[m], kv = 0, prompt = 0;
        long queued = L->nwait[m] - L->wait0[m];
        L->admit[m] = queued < free_slots ? queued : free_slots;
        *waiting += queued;
        for (long i = 0; i < L->admit[m]; i++) {
            long pr = L->st->req[wq[L->wait0[m] + i]].prompt;
            prompt = pr > prompt ? pr : prompt;
        }
        for (int i = 0; i < L->nrun[m]; i++) {
            const srv_request *r = &L->st->req[rq[i]];
            kv += r->prompt + L->rs[rq[i]].generated - 1;
        }
        *x = (srv_mix){.prefill = L->admit[m]};
        if (sm->llm) {
            long ctx = sm->model.tf.context;
            x->prompt = L->admit[m] ? round_up(prompt, L->bucket, ctx) : 0;
            x->decode = L->nrun[m];
            long mean = L->nrun[m] ? (kv + L->nrun[m] - 1) / L->nrun[m] : 0;
            x->kv = L->nrun[m] ? round_up(mean, L->bucket, ctx - 1) : 0;
        }
    }
}

/* The iteration that ran from T0 to T1 advances every request in it. */
static void advance(loop_t *L, double t0, double t1, srv_result *r)
{
    int n = L->st->n;
    for (int m = 0; m < L->scn->nmodels; m++) {
        int *wq = L->waiting + (size_t)m * n, *rq = L->running + (size_t)m * n;
        int kept = 0;
        for (int i = 0; i < L->nrun[m]; i++) {
            req_state *s = &L->rs[rq[i]];
            s->generated++;
            r->tokens++;
            if (s->generated == L->st->req[rq[i]].output)
                s->done = 1, r->out[rq[i]].done_s = t1;
            else
                rq[kept++] = rq[i];
        }
        L->nrun[m] = kept;
        for (long i = 0; i < L->admit[m]; i++) {
            int q = wq[L->wait0[m]++];
            req_state *s = &L->rs[q];
            const srv_request *rq_ = &L->st->req[q];
            s->admit_s = t0;
            s->first_s = t1;
            s->generated = 1;
            r->tokens += L->scn->models[m].llm;
            if (!L->scn->models[m].llm || rq_->output == 1)
                s->done = 1, r->out[q].done_s = t1;
            else
                rq[L->nrun[m]++] = q;
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least P of the N values at or below it. */
static double percentile(double *v, int n, double p)
{
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int k = (int)ceil(p * n) - 1;
    return v[k < 0 ? 0 : k];
}

static int summarise(const srv_stream *st, const srv_opts *o, srv_result *r, err_t *e)
{
    double *v = malloc((size_t)st->n * sizeof *v), first = st->req[0].arrival_s, last = 0;
    if (!v)
        return err_internal(e, "out of memory");
    long ttft_ok = 0, tpot_ok = 0, both = 0;
    for (int i = 0; i < st->n; i++) {
        const srv_outcome *q = &r->out[i];
        int a = q->ttft_s <= o->slo_ttft_s, b = q->tpot_s <= o->slo_tpot_s;
        ttft_ok += a;
        tpot_ok += b;
        both += a && b;
        last = q->done_s > last ? q->done_s : last;
        v[i] = q->ttft_s;
    }
    r->ttft_p50_s = percentile(v, st->n, 0.50);
    r->ttft_p99_s = percentile(v, st->n, 0.99);
    int nt = 0;
    for (int i = 0; i < st->n; i++)
        if (r->out[i].tpot_s >= 0)
            v[nt++] = r->out[i].tpot_s;
    r->tpot_p50_s = percentile(v, nt, 0.50);
    r->tpot_p99_s = percentile(v, nt, 0.99);
    free(v);
    r->span_s = last - first;
    r->tokens_per_s = r->span_s > 0 ? r->tokens / r->span_s : 0;
    r->requests_per_s = r->span_s > 0 ? st->n / r->span_s : 0;
    r->energy_per_token_j = r->tokens > 0 ? r->energy_j / r->tokens : 0;
    r->slo_ttft_attainment = o->slo_ttft_s > 0 ? (double)ttft_ok / st->n : -1;
    r->slo_tpot_attainment = o->slo_tpot_s > 0 ? (double)tpot_ok / st->n : -1;
    r->slo_attainment = o->slo_ttft_s > 0 || o->slo_tpot_s > 0 ? (double)both / st->n : -1;
    return ERR_OK;
}

static void outcomes(const srv_stream *st, const req_state *rs, srv_result *r)
{
    for (int i = 0; i < st->n; i++) {
        const srv_request *q = &st->req[i];
        srv_outcome *o = &r->out[i];
        o->queue_s = rs[i].admit_s - q->arrival_s;
        o->ttft_s = rs[i].first_s - q->arrival_s;
        o->e2e_s = o->done_s - q->arrival_s;
        o->tpot_s = q->output >= 2 ? (o->done_s - rs[i].first_s) / (double)(q->output - 1) : -1;
    }
}

/* serve.h's overload rule, from the queue at each iteration start (T, Q) and
   the busy time accumulated by then (BUSY). */
typedef struct {
    double half, end;          /* the arrival period's middle and end */
    double busy_at_half;
    int seen_half, seen_end;
} overload_t;

static void watch(overload_t *w, double t, long q, double busy, srv_result *r)
{
    if (!w->seen_half && t >= w->half) {
        w->seen_half = 1;
        r->queue_mid = q;
        w->busy_at_half = busy;
    }
    if (!w->seen_end && t >= w->end) {
        w->seen_end = 1;
        r->queue_end = q;
        r->busy_second_half = w->end > w->half ? (busy - w->busy_at_half) / (t - w->half) : 0;
    }
}

static int loop_alloc(loop_t *L, const scn_t *scn, const srv_stream *st)
{
    size_t n = (size_t)st->n, m = (size_t)scn->nmodels;
    L->rs = calloc(n, sizeof *L->rs);
    L->waiting = malloc(n * m * sizeof *L->waiting);
    L->running = malloc(n * m * sizeof *L->running);
    L->nwait = calloc(m, sizeof *L->nwait);
    L->nrun = calloc(m, sizeof *L->nrun);
    L->wait0 = calloc(m, sizeof *L->wait0);
    L->mix = calloc(m, sizeof *L->mix);
    L->admit = calloc(m, sizeof *L->admit);
    return L->rs && L->waiting && L->running && L->nwait && L->nrun && L->wait0 && L->mix &&
           L->admit ? ERR_OK : ERR_INTERNAL;
}

static void loop_free(loop_t *L)
{
    free(L->rs);
    free(L->waiting);
    free(L->running);
    free(L->nwait);
    free(L->nrun);
    free(L->wait0);
    free(L->mix);
    free(L->admit);
}

static int serve_loop(srv_iter *it, loop_t *L, srv_result *r, err_t *e)
{
    const srv_stream *st = L->st;
    int next = 0, done = 0;
    long big = 0;
    for (int m = 0; m < L->scn->nmodels; m++)
        big = L->scn->models[m].batch > big ? L->scn->models[m].batch : big;
    overload_t w = {.half = st->req[st->n - 1].arrival_s / 2, .end = st->req[st->n - 1].arrival_s};
    double t = 0;
    while (done < st->n) {
        for (; next < st->n && st->req[next].arrival_s <= t; next++) {
            int m = st->req[next].model;
            L->waiting[(size_t)m * st->n + L->nwait[m]++] = next;
        }
        long waiting, active = 0;
        compose(L, &waiting);
        for (int m = 0; m < L->scn->nmodels; m++)
            active += L->mix[m].prefill + L->mix[m].decode;
        if (!active) {
            t = st->req[next].arrival_s;
            continue;
        }
        watch(&w, t, waiting, r->busy_s, r);
        r->max_queue = waiting > r->max_queue ? waiting : r->max_queue;
        srv_cost c;
        int rc = srv_iter_cost(it, L->mix, &c, e);
        if (rc)
            return rc;
        r->iterations++;
        r->busy_s += c.latency_s;
        r->energy_j += c.energy_j;
        r->kv_dram_iterations += c.kv_dram;
        advance(L, t, t + c.latency_s, r);
        t += c.latency_s;
        done = 0;
        for (int m = 0; m < L->scn->nmodels; m++)
            done += L->wait0[m] - L->nrun[m];
    }
    r->overloaded = w.seen_end && r->busy_second_half >= 0.95 && r->queue_end - r->queue_mid > big;
    outcomes(st, L->rs, r);
    return ERR_OK;
}

void srv_result_free(srv_result *r)
{
    free(r->out);
    free(r->kv_bytes_per_token);
    memset(r, 0, sizeof *r);
}

int srv_run(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_stream *st,
            const srv_opts *o, srv_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    r->n = st->n;
    r->nmodels = scn->nmodels;
    r->out = calloc((size_t)st->n, sizeof *r->out);
    r->kv_bytes_per_token = calloc((size_t)scn->nmodels, sizeof *r->kv_bytes_per_token);
    loop_t L = {.scn = scn, .st = st, .bucket = o->bucket > 0 ? o->bucket : 1};
    srv_iter *it = NULL;
    int rc = r->out && r->kv_bytes_per_token && !loop_alloc(&L, scn, st)
                 ? ERR_OK : err_internal(e, "out of memory");
    if (!rc)
        rc = srv_iter_new(p, scn, s, o, &it, e);
    if (!rc)
        rc = serve_loop(it, &L, r, e);
    if (!rc) {
        r->evaluated = srv_iter_evaluated(it);
        for (int m = 0; m < scn->nmodels; m++)
            r->kv_bytes_per_token[m] = srv_iter_kv_per_token(it, m);
        rc = summarise(st, o, r, e);
    }
    srv_iter_free(it);
    loop_free(&L);
    if (rc)
        srv_result_free(r);
    return rc;
}
