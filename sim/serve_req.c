/* serve_req.c - request streams: read from a CSV file or drawn as Poisson
 * arrivals; see serve.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "num.h"
#include "serve.h"

static const char *const req_cols[] = {"arrival_s", "model", "prompt_tokens", "output_tokens"};
#define REQ_NCOLS 4

void srv_stream_free(srv_stream *st)
{
    free(st->req);
    memset(st, 0, sizeof *st);
}

static int push(srv_stream *st, int *cap, const srv_request *r)
{
    if (st->n == *cap) {
        int ncap = *cap ? 2 * *cap : 64;
        srv_request *n = realloc(st->req, (size_t)ncap * sizeof *n);
        if (!n)
            return ERR_INTERNAL;
        st->req = n;
        *cap = ncap;
    }
    st->req[st->n++] = *r;
    return ERR_OK;
}

/* A request's lengths against its model: tokens for GPT-2 within its
   context, none for the others. WHERE/LINE name it in messages. */
static int check_lengths(const scn_t *scn, const srv_request *r, const char *where, err_t *e)
{
    const scn_model *m = &scn->models[r->model];
    if (!m->llm) {
        if (r->prompt || r->output)
            return err_at(e, where, r->line,
                          "model %s is not served token by token: prompt_tokens and "
                          "output_tokens must be 0", m->name);
        return ERR_OK;
    }
    if (r->prompt < 1 || r->output < 1)
        return err_at(e, where, r->line, "model %s: prompt_tokens and output_tokens must be >= 1",
                      m->name);
    if (r->prompt + r->output > m->model.tf.context)
        return err_at(e, where, r->line,
                      "model %s: prompt_tokens + output_tokens = %ld is more than its context "
                      "of %ld positions", m->name, r->prompt + r->output, m->model.tf.context);
    return ERR_OK;
}

static int req_row(const char *path, const scn_t *scn, char **fld, int n, int line,
                   srv_request *r, err_t *e)
{
    if (n != REQ_NCOLS)
        return err_at(e, path, line, "expected %d fields (%s,%s,%s,%s), got %d", REQ_NCOLS,
                      req_cols[0], req_cols[1], req_cols[2], req_cols[3], n);
    const char *end;
    *r = (srv_request){.line = line};
    if (num_real_prefix(fld[0], &r->arrival_s, &end) != NUM_OK || *end || r->arrival_s < 0)
        return err_at(e, path, line, "arrival_s: '%s' is not a time >= 0 in seconds", fld[0]);
    if ((r->model = scn_find(scn, fld[1])) < 0)
        return err_at(e, path, line, "model: scenario %s has no model '%s'", scn->path, fld[1]);
    long *v[2] = {&r->prompt, &r->output};
    for (int i = 0; i < 2; i++)
        if (num_long(fld[2 + i], 0, 1L << 30, v[i]) != NUM_OK)
            return err_at(e, path, line, "%s: '%s' is not a token count", req_cols[2 + i],
                          fld[2 + i]);
    return check_lengths(scn, r, path, e);
}

/* Arrival order, file order among equal times (qsort is not stable). */
static int by_arrival(const void *a, const void *b)
{
    const srv_request *x = a, *y = b;
    if (x->arrival_s != y->arrival_s)
        return x->arrival_s < y->arrival_s ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

int srv_load_requests(const char *path, const scn_t *scn, srv_stream *st, err_t *e)
{
    memset(st, 0, sizeof *st);
    FILE *fp;
    int rc = cfg_open_input(path, &fp, e);
    if (rc)
        return rc;
    char *line = NULL;
    size_t size = 0;
    int lineno = 0, header = 0, cap = 0;
    char *row, *fld[REQ_NCOLS + 1];
    while (!rc && !(rc = cfg_next_row(fp, path, &line, &size, &lineno, &row, e)) && row) {
        int n = cfg_csv_split(row, fld, REQ_NCOLS + 1);
        if (!header) {
            int ok = n == REQ_NCOLS;
            for (int i = 0; ok && i < REQ_NCOLS; i++)
                ok = strcmp(fld[i], req_cols[i]) == 0;
            if (!ok)
                rc = err_at(e, path, lineno, "expected the header %s,%s,%s,%s", req_cols[0],
                            req_cols[1], req_cols[2], req_cols[3]);
            header = 1;
            continue;
        }
        srv_request r;
        if (!(rc = req_row(path, scn, fld, n, lineno, &r, e)) && push(st, &cap, &r))
            rc = err_internal(e, "out of memory");
    }
    if (!rc && ferror(fp))
        rc = err_internal(e, "reading %s: %s", path, strerror(errno));
    free(line);
    fclose(fp);
    if (!rc && st->n == 0)
        rc = err_at(e, path, lineno, "no requests (expected the header, then one per line)");
    if (rc) {
        srv_stream_free(st);
        return rc;
    }
    qsort(st->req, (size_t)st->n, sizeof *st->req, by_arrival);
    return ERR_OK;
}

/* The next draw in [0, 1) from splitmix64 state *S: 53 bits. */
static double uniform01(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    return (double)(num_splitmix64(*s) >> 11) * 0x1.0p-53;
}

static long draw_len(uint64_t *s, const scn_dist *d)
{
    long n = d->hi - d->lo + 1;
    long k = (long)(uniform01(s) * (double)n);
    return d->lo + (k < n ? k : n - 1);
}

int srv_poisson(const scn_t *scn, double rate, double duration, unsigned long seed,
                srv_stream *st, err_t *e)
{
    memset(st, 0, sizeof *st);
    if (!(rate > 0) || !isfinite(rate) || !(duration > 0) || !isfinite(duration))
        return err_input(e, "--rate and --duration must be positive");
    /* beyond this the arrays, and the run, are no longer a model of anything */
    if (rate * duration > 1e7)
        return err_input(e, "--rate x --duration = %.3g requests: at most 1e7", rate * duration);
    double total = 0;
    for (int m = 0; m < scn->nmodels; m++)
        total += scn->models[m].share;
    st->rate_per_s = rate;
    uint64_t s = (uint64_t)seed;
    int cap = 0;
    for (double t = -log1p(-uniform01(&s)) / rate; t < duration;
         t += -log1p(-uniform01(&s)) / rate) {
        double pick = uniform01(&s) * total, acc = 0;
        int m = 0;
        while (m < scn->nmodels - 1 && pick >= (acc += scn->models[m].share))
            m++;
        const scn_model *sm = &scn->models[m];
        srv_request r = {.arrival_s = t, .model = m};
        if (sm->llm) {
            r.prompt = draw_len(&s, &sm->prompt);
            r.output = draw_len(&s, &sm->output);
        }
        if (push(st, &cap, &r)) {
            srv_stream_free(st);
            return err_internal(e, "out of memory");
        }
    }
    if (st->n == 0) {
        srv_stream_free(st);
        return err_input(e, "--rate %g over --duration %g s drew no request: raise either", rate,
                         duration);
    }
    return ERR_OK;
}
