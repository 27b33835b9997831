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
    double ready_s;            /* its KV cache is where it decodes: first_s unless shipped */
    int done;
} req_state;

typedef struct {
    const scn_t *scn;
    const srv_stream *st;
    req_state *rs;
    int *waiting, *running;    /* per model FIFOs of request indices, nreq each */
    int *shipping;             /* per model: prefilled, their KV cache on its way */
    int *nwait, *nrun, *wait0, *nship; /* per model: lengths; first waiting */
    srv_mix *mix, *dmix;       /* the windows' iteration; the [decode] one */
    long *admit;               /* per model: admitted this iteration */
    srv_ship **ship;           /* per model: its shipment when disaggregated, else NULL */
    long bucket;
    int done;                  /* requests done */
} loop_t;

static long round_up(long v, long bucket, long cap)
{
    long r = (v + bucket - 1) / bucket * bucket;
    return r < cap ? r : cap;
}

/* Requests waiting now. */
static long waiting_now(const loop_t *L)
{
    long w = 0;
    for (int m = 0; m < L->scn->nmodels; m++)
        w += L->nwait[m] - L->wait0[m];
    return w;
}

/* The mean KV length of model M's running requests, rounded up to the bucket, into X. */
static void decode_mix(const loop_t *L, int m, srv_mix *x)
{
    const int *rq = L->running + (size_t)m * L->st->n;
    long kv = 0, nrun = L->nrun[m];
    for (int i = 0; i < nrun; i++)
        kv += L->st->req[rq[i]].prompt + L->rs[rq[i]].generated - 1;
    x->decode = nrun;
    long mean = nrun ? (kv + nrun - 1) / nrun : 0;
    x->kv = nrun ? round_up(mean, L->bucket, L->scn->models[m].model.tf.context - 1) : 0;
}

/* The windows' iteration from the queues; returns the requests it runs. */
static long compose(loop_t *L)
{
    const scn_t *scn = L->scn;
    int n = L->st->n;
    long active = 0;
    for (int m = 0; m < scn->nmodels; m++) {
        const scn_model *sm = &scn->models[m];
        srv_mix *x = &L->mix[m];
        int *wq = L->waiting + (size_t)m * n;
        long free_slots = sm->batch - L->nrun[m] - L->nship[m], prompt = 0;
        long queued = L->nwait[m] - L->wait0[m];
        L->admit[m] = queued < free_slots ? queued : free_slots;
        for (long i = 0; i < L->admit[m]; i++) {
            long pr = L->st->req[wq[L->wait0[m] + i]].prompt;
            prompt = pr > prompt ? pr : prompt;
        }
        *x = (srv_mix){.prefill = L->admit[m]};
        if (sm->llm) {
            x->prompt = L->admit[m] ? round_up(prompt, L->bucket, sm->model.tf.context) : 0;
            if (!L->ship[m])
                decode_mix(L, m, x);
        }
        active += x->prefill + x->decode;
    }
    return active;
}

/* The [decode] iteration at T: the shipped requests whose cache has
   arrived join the running ones; returns the requests it runs. */
static long compose_decode(loop_t *L, double t)
{
    int n = L->st->n;
    long active = 0;
    for (int m = 0; m < L->scn->nmodels; m++) {
        L->dmix[m] = (srv_mix){0};
        if (!L->ship[m])
            continue;
        int *sq = L->shipping + (size_t)m * n, *rq = L->running + (size_t)m * n, kept = 0;
        for (int i = 0; i < L->nship[m]; i++)
            if (L->rs[sq[i]].ready_s <= t)
                rq[L->nrun[m]++] = sq[i];
            else
                sq[kept++] = sq[i];
        L->nship[m] = kept;
        decode_mix(L, m, &L->dmix[m]);
        active += L->dmix[m].decode;
    }
    return active;
}

/* Model M's running requests have made a token each at T1. */
static void step_running(loop_t *L, int m, double t1, srv_result *r)
{
    int *rq = L->running + (size_t)m * L->st->n, kept = 0;
    for (int i = 0; i < L->nrun[m]; i++) {
        req_state *s = &L->rs[rq[i]];
        s->generated++;
        r->tokens++;
        if (s->generated == L->st->req[rq[i]].output)
            s->done = 1, L->done++, r->out[rq[i]].done_s = t1;
        else
            rq[kept++] = rq[i];
    }
    L->nrun[m] = kept;
}

/* The shipment of the caches model M's admitted requests wrote, done by
   T1: each gets its bytes and the shipment's time. */
static int ship(loop_t *L, int m, double t1, srv_result *r, err_t *e)
{
    const int *wq = L->waiting + (size_t)m * L->st->n;
    double tokens = 0, time_s, energy_j, per_token = r->kv_bytes_per_token[m];
    for (long i = 0; i < L->admit[m]; i++)
        if (L->st->req[wq[L->wait0[m] + i]].output > 1)
            tokens += (double)L->st->req[wq[L->wait0[m] + i]].prompt;
    if (tokens == 0)
        return ERR_OK;
    int rc = srv_ship_cost(L->ship[m], tokens, &time_s, &energy_j, e);
    if (rc)
        return rc;
    r->energy_j += energy_j;
    r->kv_shipped_bytes += tokens * per_token;
    for (long i = 0; i < L->admit[m]; i++) {
        int q = wq[L->wait0[m] + i];
        if (L->st->req[q].output < 2)
            continue;
        L->rs[q].ready_s = t1 + time_s;
        r->out[q].kv_shipped_bytes = (double)L->st->req[q].prompt * per_token;
        r->out[q].kv_ship_s = time_s;
    }
    return ERR_OK;
}

/* The windows' iteration that ran from T0 to T1 advances every request in it. */
static int advance(loop_t *L, double t0, double t1, srv_result *r, err_t *e)
{
    int n = L->st->n;
    for (int m = 0; m < L->scn->nmodels; m++) {
        int *wq = L->waiting + (size_t)m * n, *rq = L->running + (size_t)m * n;
        int *sq = L->shipping + (size_t)m * n;
        if (!L->ship[m])
            step_running(L, m, t1, r);
        int rc = L->ship[m] ? ship(L, m, t1, r, e) : ERR_OK;
        if (rc)
            return rc;
        for (long i = 0; i < L->admit[m]; i++) {
            int q = wq[L->wait0[m]++];
            req_state *s = &L->rs[q];
            const srv_request *rq_ = &L->st->req[q];
            s->admit_s = t0;
            s->first_s = t1;
            if (!L->ship[m])
                s->ready_s = t1;
            s->generated = 1;
            r->tokens += L->scn->models[m].llm;
            if (!L->scn->models[m].llm || rq_->output == 1)
                s->done = 1, L->done++, r->out[q].done_s = t1;
            else if (L->ship[m])
                sq[L->nship[m]++] = q;
            else
                rq[L->nrun[m]++] = q;
        }
    }
    return ERR_OK;
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
        o->tpot_s = q->output >= 2 ? (o->done_s - rs[i].ready_s) / (double)(q->output - 1) : -1;
    }
}

/* serve.h's overload rule for one pipeline, from the queue at each
   iteration start (T, Q) and the pipeline's busy time by then (BUSY). */
typedef struct {
    double half, end;          /* the arrival period's middle and end */
    double busy_at_half;
    int seen_half, seen_end;
    long queue_mid, queue_end;
    double busy_second_half;
} overload_t;

static void watch(overload_t *w, double t, long q, double busy)
{
    if (!w->seen_half && t >= w->half) {
        w->seen_half = 1;
        w->queue_mid = q;
        w->busy_at_half = busy;
    }
    if (!w->seen_end && t >= w->end) {
        w->seen_end = 1;
        w->queue_end = q;
        w->busy_second_half = w->end > w->half ? (busy - w->busy_at_half) / (t - w->half) : 0;
    }
}

static int overloaded(const overload_t *w, long big)
{
    return w->seen_end && w->busy_second_half >= 0.95 && w->queue_end - w->queue_mid > big;
}

static int loop_alloc(loop_t *L, const scn_t *scn, const srv_stream *st)
{
    size_t n = (size_t)st->n, m = (size_t)scn->nmodels;
    L->rs = calloc(n, sizeof *L->rs);
    L->waiting = malloc(n * m * sizeof *L->waiting);
    L->running = malloc(n * m * sizeof *L->running);
    L->shipping = malloc(n * m * sizeof *L->shipping);
    L->nwait = calloc(m, sizeof *L->nwait);
    L->nship = calloc(m, sizeof *L->nship);
    L->dmix = calloc(m, sizeof *L->dmix);
    L->ship = calloc(m, sizeof *L->ship);
    L->nrun = calloc(m, sizeof *L->nrun);
    L->wait0 = calloc(m, sizeof *L->wait0);
    L->mix = calloc(m, sizeof *L->mix);
    L->admit = calloc(m, sizeof *L->admit);
    return L->rs && L->waiting && L->running && L->shipping && L->nwait && L->nship && L->dmix &&
           L->ship && L->nrun && L->wait0 && L->mix && L->admit ? ERR_OK : ERR_INTERNAL;
}

static void loop_free(loop_t *L)
{
    free(L->rs);
    free(L->waiting);
    free(L->running);
    free(L->shipping);
    free(L->nship);
    free(L->dmix);
    for (int m = 0; L->ship && m < L->scn->nmodels; m++)
        srv_ship_free(L->ship[m]);
    free(L->ship);
    free(L->nwait);
    free(L->nrun);
    free(L->wait0);
    free(L->mix);
    free(L->admit);
}

enum { PIPE_WINDOWS, PIPE_DECODE };

/* One pipeline: its iterations' costs, the one running, its busy time. */
typedef struct {
    srv_iter *it;              /* NULL: the pipeline does not exist */
    const srv_mix *mix;
    int busy;
    double start, end, busy_s;
    overload_t w;
} pipe_t;

/* Starts an iteration of PI at T if it has work (ACTIVE). */
static int start(pipe_t *pi, long active, double t, srv_result *r, err_t *e)
{
    if (!active)
        return ERR_OK;
    srv_cost c;
    int rc = srv_iter_cost(pi->it, pi->mix, &c, e);
    if (rc)
        return rc;
    r->iterations++;
    pi->busy_s += c.latency_s;
    r->energy_j += c.energy_j;
    r->kv_dram_iterations += c.kv_dram;
    pi->busy = 1;
    pi->start = t;
    pi->end = t + c.latency_s;
    return ERR_OK;
}

/* The next moment something happens: an iteration ends, or an idle
   pipeline may get work (an arrival, a KV cache). */
static double next_event(const loop_t *L, const pipe_t *P, int next)
{
    double t = INFINITY;
    for (int i = 0; i < 2; i++)
        t = P[i].busy && P[i].end < t ? P[i].end : t;
    if (!P[PIPE_WINDOWS].busy && next < L->st->n && L->st->req[next].arrival_s < t)
        t = L->st->req[next].arrival_s;
    for (int m = 0; P[PIPE_DECODE].it && !P[PIPE_DECODE].busy && m < L->scn->nmodels; m++)
        for (int i = 0; i < L->nship[m]; i++) {
            double ready = L->rs[L->shipping[(size_t)m * L->st->n + i]].ready_s;
            t = ready < t ? ready : t;
        }
    return t;
}

static int serve_loop(pipe_t *P, loop_t *L, srv_result *r, err_t *e)
{
    const srv_stream *st = L->st;
    int next = 0, rc = ERR_OK;
    long big = 0;
    for (int m = 0; m < L->scn->nmodels; m++)
        big = L->scn->models[m].batch > big ? L->scn->models[m].batch : big;
    for (int i = 0; i < 2; i++)
        P[i].w = (overload_t){.half = st->req[st->n - 1].arrival_s / 2,
                              .end = st->req[st->n - 1].arrival_s};
    double t = 0;
    while (!rc) {
        if (P[PIPE_WINDOWS].busy && P[PIPE_WINDOWS].end <= t) {
            P[PIPE_WINDOWS].busy = 0;
            if ((rc = advance(L, P[PIPE_WINDOWS].start, P[PIPE_WINDOWS].end, r, e)))
                break;
        }
        if (P[PIPE_DECODE].busy && P[PIPE_DECODE].end <= t) {
            P[PIPE_DECODE].busy = 0;
            for (int m = 0; m < L->scn->nmodels; m++)
                if (L->ship[m])
                    step_running(L, m, P[PIPE_DECODE].end, r);
        }
        if (L->done == st->n)
            break;
        for (; next < st->n && st->req[next].arrival_s <= t; next++) {
            int m = st->req[next].model;
            L->waiting[(size_t)m * st->n + L->nwait[m]++] = next;
        }
        long waiting = waiting_now(L), active[2] = {0, 0};
        if (!P[PIPE_WINDOWS].busy)
            active[PIPE_WINDOWS] = compose(L);
        if (P[PIPE_DECODE].it && !P[PIPE_DECODE].busy)
            active[PIPE_DECODE] = compose_decode(L, t);
        if (active[PIPE_WINDOWS] || active[PIPE_DECODE]) {
            for (int i = 0; i < 2; i++)
                watch(&P[i].w, t, waiting, P[i].busy_s);
            r->max_queue = waiting > r->max_queue ? waiting : r->max_queue;
        }
        for (int i = 0; !rc && i < 2; i++)
            rc = start(&P[i], active[i], t, r, e);
        t = next_event(L, P, next);
        if (!rc && t == INFINITY)
            rc = err_internal(e, "serve: requests left that no pipeline can run");
    }
    if (rc)
        return rc;
    const overload_t *w = &P[PIPE_WINDOWS].w;
    r->busy_s = P[PIPE_WINDOWS].busy_s;
    r->decode_busy_s = P[PIPE_DECODE].busy_s;
    r->queue_mid = w->queue_mid;
    r->queue_end = w->queue_end;
    r->busy_second_half = w->busy_second_half;
    r->overloaded = overloaded(w, big) || overloaded(&P[PIPE_DECODE].w, big);
    outcomes(st, L->rs, r);
    return ERR_OK;
}

void srv_result_free(srv_result *r)
{
    free(r->out);
    free(r->kv_bytes_per_token);
    memset(r, 0, sizeof *r);
}

/* The disaggregated models' shipments, and the [decode] pipeline's
   iterations under DV, a schedule of S's [decode] window alone. */
static int disaggregate(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_opts *o,
                        const srv_iter *it, loop_t *L, const sched_t *dv, srv_iter **dit,
                        err_t *e)
{
    int rc = ERR_OK;
    for (int i = 0; !rc && i < s->decode.nparts; i++) {
        int m = s->decode.parts[i].model;
        rc = srv_ship_new(p, scn, s, m, srv_iter_kv_layers(it, m), &L->ship[m], e);
    }
    return rc || !s->decode.nparts ? rc : srv_iter_new(p, scn, dv, o, dit, e);
}

/* The requests shipped: their mean and longest shipment. */
static void ship_summary(const srv_stream *st, srv_result *r)
{
    int n = 0;
    for (int i = 0; i < st->n; i++)
        if (r->out[i].kv_shipped_bytes > 0) {
            n++;
            r->kv_ship_mean_s += r->out[i].kv_ship_s;
            r->kv_ship_max_s = r->out[i].kv_ship_s > r->kv_ship_max_s ? r->out[i].kv_ship_s
                                                                     : r->kv_ship_max_s;
        }
    r->kv_ship_mean_s = n ? r->kv_ship_mean_s / n : 0;
}

int srv_run(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_stream *st,
            const srv_opts *o, srv_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    r->n = st->n;
    r->nmodels = scn->nmodels;
    r->disaggregated = s->decode.nparts > 0;
    r->out = calloc((size_t)st->n, sizeof *r->out);
    r->kv_bytes_per_token = calloc((size_t)scn->nmodels, sizeof *r->kv_bytes_per_token);
    loop_t L = {.scn = scn, .st = st, .bucket = o->bucket > 0 ? o->bucket : 1};
    sched_t dv = {.path = s->path, .nwindows = 1, .windows = (sched_window *)&s->decode};
    pipe_t P[2] = {{0}, {0}};
    int rc = r->out && r->kv_bytes_per_token && !loop_alloc(&L, scn, st)
                 ? ERR_OK : err_internal(e, "out of memory");
    if (!rc)
        rc = srv_iter_new(p, scn, s, o, &P[PIPE_WINDOWS].it, e);
    for (int m = 0; !rc && m < scn->nmodels; m++)
        r->kv_bytes_per_token[m] = srv_iter_kv_per_token(P[PIPE_WINDOWS].it, m);
    if (!rc)
        rc = disaggregate(p, scn, s, o, P[PIPE_WINDOWS].it, &L, &dv, &P[PIPE_DECODE].it, e);
    P[PIPE_WINDOWS].mix = L.mix;
    P[PIPE_DECODE].mix = L.dmix;
    if (!rc)
        rc = serve_loop(P, &L, r, e);
    if (!rc) {
        for (int i = 0; i < 2; i++)
            r->evaluated += P[i].it ? srv_iter_evaluated(P[i].it) : 0;
        ship_summary(st, r);
        rc = summarise(st, o, r, e);
    }
    for (int i = 0; i < 2; i++)
        srv_iter_free(P[i].it);
    loop_free(&L);
    if (rc)
        srv_result_free(r);
    return rc;
}
