/* serve_iter.c - one serving iteration as a schedule of its own, evaluated;
 * see serve_int.h.
 *
 * An iteration's scenario holds a model per phase that runs: a GPT-2 model's
 * prefill (its transformer rebuilt at the padded prompt length, one sample
 * per admitted request) and its decode step (rebuilt with seq 1 and the mean
 * KV length, one sample per running request), and the requests of any other
 * model at its own shape. Both phases of a model keep its layers, so each
 * takes the user's segments as they are: the same chiplets, the same
 * windows (a disaggregated model's decode steps are evaluated by a srv_iter
 * of their own, whose schedule is the [decode] section as one window). A decode step runs as one mini-batch (its weights are read once
 * per step, as a batched decode reads them); other phases use the largest
 * mini-batch that divides both their batch and the schedule's. When a
 * model both prefills and decodes, the decode uses the weights the prefill
 * holds or fetches on the same chiplets (one fused batch reads them once):
 * its own count none, in L2 or from DRAM.
 *
 * The KV cache of a segment's layers - what its decode requests read and
 * what its prefill writes - stays in the chiplet's L2 when all of it in that
 * window fits beside the resident weights; then a decode step reads it there
 * and no KV byte crosses the NoP. Otherwise the decode reads it from DRAM
 * over the NoP, as the workload's b=kv layers say. */
#include <stdlib.h>
#include <string.h>
#include "runner.h"
#include "serve_int.h"

typedef struct {
    srv_cost cost;
    long *key;                 /* nmodels x 4 */
} iter_entry;

struct srv_iter {
    const plat_t *p;
    const scn_t *scn;
    const sched_t *s;
    srv_opts o;
    double **kvpt;             /* per model: KV bytes per cached token, per layer; NULL if none */
    double *kv_total;          /* per model: their sum */
    int n, cap;
    iter_entry *entries;
    int nslots;                /* a power of two, at least twice n */
    int *slots;
    long evaluated;
};

/* GPT-2 model M rebuilt as one phase: SEQ tokens on KV cached ones. */
static int rebuild(const wl_model *m, long seq, long kv, wl_model *out, err_t *e)
{
    wl_tf_spec spec = m->tf;
    spec.seq = seq;
    spec.kv_len = kv;
    spec.phase = kv ? WL_DECODE : WL_PREFILL;
    return wl_transformer(&spec, m->name, out, e);
}

static int kv_per_token(srv_iter *it, int mi, err_t *e)
{
    const wl_model *m = &it->scn->models[mi].model;
    if (!it->scn->models[mi].llm)
        return ERR_OK;
    wl_model d;
    int rc = rebuild(m, 1, 1, &d, e);
    if (rc)
        return rc;
    if (!(it->kvpt[mi] = calloc((size_t)d.nlayers, sizeof *it->kvpt[mi]))) {
        wl_free(&d);
        return err_internal(e, "out of memory");
    }
    /* with one cached token, a b=kv layer's DRAM bytes are one token's K or V */
    for (int l = 0; l < d.nlayers; l++)
        if (d.layers[l].kind == WL_MATMUL && d.layers[l].b == WL_B_KV) {
            it->kvpt[mi][l] = d.layers[l].dram_bytes;
            it->kv_total[mi] += d.layers[l].dram_bytes;
        }
    wl_free(&d);
    return ERR_OK;
}

void srv_iter_free(srv_iter *it)
{
    if (!it)
        return;
    for (int m = 0; it->kvpt && m < it->scn->nmodels; m++)
        free(it->kvpt[m]);
    free(it->kvpt);
    free(it->kv_total);
    for (int i = 0; i < it->n; i++)
        free(it->entries[i].key);
    free(it->entries);
    free(it->slots);
    free(it);
}

int srv_iter_new(const plat_t *p, const scn_t *scn, const sched_t *s, const srv_opts *o,
                 srv_iter **out, err_t *e)
{
    srv_iter *it = calloc(1, sizeof *it);
    if (!it)
        return err_internal(e, "out of memory");
    *it = (srv_iter){.p = p, .scn = scn, .s = s, .o = *o, .nslots = 64};
    it->kvpt = calloc((size_t)scn->nmodels, sizeof *it->kvpt);
    it->kv_total = calloc((size_t)scn->nmodels, sizeof *it->kv_total);
    it->slots = malloc((size_t)it->nslots * sizeof *it->slots);
    int rc = it->kvpt && it->kv_total && it->slots ? ERR_OK : err_internal(e, "out of memory");
    for (int i = 0; !rc && i < it->nslots; i++)
        it->slots[i] = -1;
    for (int m = 0; !rc && m < scn->nmodels; m++)
        rc = kv_per_token(it, m, e);
    if (rc) {
        srv_iter_free(it);
        return rc;
    }
    *out = it;
    return ERR_OK;
}

long srv_iter_evaluated(const srv_iter *it)
{
    return it->evaluated;
}

double srv_iter_kv_per_token(const srv_iter *it, int model)
{
    return it->kv_total[model];
}

const double *srv_iter_kv_layers(const srv_iter *it, int model)
{
    return it->kvpt[model];
}

/* ---- the iteration's scenario and schedule ---- */

enum { PH_WHOLE, PH_PREFILL, PH_DECODE };

typedef struct {
    scn_t scn;                 /* its models: one per phase that runs */
    int *origin, *phase;       /* per iteration model: the scenario model, the phase */
    int *owned;                /* its wl_model was built here */
    sched_t s;
} iter_case;

static void case_free(iter_case *k)
{
    for (int i = 0; i < k->scn.nmodels; i++)
        if (k->owned[i])
            wl_free(&k->scn.models[i].model);
    free(k->scn.models);
    for (int w = 0; w < k->s.nwindows; w++)
        free(k->s.windows[w].parts);
    free(k->s.windows);
    free(k->origin);
    free(k->phase);
    free(k->owned);
}

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int add_phase(const srv_iter *it, iter_case *k, int m, int phase, const srv_mix *x,
                     err_t *e)
{
    const scn_model *sm = &it->scn->models[m];
    int i = k->scn.nmodels;
    scn_model *im = &k->scn.models[i];
    *im = *sm;
    snprintf(im->name, sizeof im->name, "%.*s%s", WL_NAME_MAX - 8, sm->name,
             phase == PH_DECODE ? ".decode" : "");
    im->batch = phase == PH_DECODE ? x->decode : x->prefill;
    k->origin[i] = m;
    k->phase[i] = phase;
    if (phase != PH_WHOLE) {
        int rc = rebuild(&sm->model, phase == PH_DECODE ? 1 : x->prompt,
                         phase == PH_DECODE ? x->kv : 0, &im->model, e);
        if (rc)
            return rc;
        k->owned[i] = 1;
        /* beside its prefill, on the same segments, a decode step uses the
           weights the prefill holds or fetches: counted once, for residency
           too */
        for (int l = 0; phase == PH_DECODE && x->prefill && l < im->model.nlayers; l++)
            im->model.layers[l].weight_bytes = 0;
    }
    k->scn.nmodels++;
    return ERR_OK;
}

static int build_case(const srv_iter *it, const srv_mix *mix, iter_case *k, err_t *e)
{
    const scn_t *scn = it->scn;
    const sched_t *s = it->s;
    int cap = 2 * scn->nmodels, rc = ERR_OK;
    memset(k, 0, sizeof *k);
    k->scn.path = scn->path;
    k->s.path = s->path;
    k->scn.models = calloc((size_t)cap, sizeof *k->scn.models);
    k->origin = calloc((size_t)cap, sizeof *k->origin);
    k->phase = calloc((size_t)cap, sizeof *k->phase);
    k->owned = calloc((size_t)cap, sizeof *k->owned);
    k->s.windows = calloc((size_t)s->nwindows, sizeof *k->s.windows);
    if (!k->scn.models || !k->origin || !k->phase || !k->owned || !k->s.windows)
        return err_internal(e, "out of memory");
    for (int m = 0; !rc && m < scn->nmodels; m++) {
        const srv_mix *x = &mix[m];
        int llm = scn->models[m].llm;
        if (x->prefill)
            rc = add_phase(it, k, m, llm ? PH_PREFILL : PH_WHOLE, x, e);
        if (!rc && x->decode)
            rc = add_phase(it, k, m, PH_DECODE, x, e);
    }
    for (int w = 0; !rc && w < s->nwindows; w++) {
        const sched_window *sw = &s->windows[w];
        sched_window *iw = &k->s.windows[k->s.nwindows];
        if (!(iw->parts = calloc((size_t)sw->nparts * 2, sizeof *iw->parts)))
            return err_internal(e, "out of memory");
        iw->line = sw->line;
        for (int j = 0; j < sw->nparts; j++)
            for (int i = 0; i < k->scn.nmodels; i++) {
                if (k->origin[i] != sw->parts[j].model)
                    continue;
                sched_part *ip = &iw->parts[iw->nparts++];
                *ip = sw->parts[j];
                ip->model = i;
                long b = k->scn.models[i].batch;
                ip->minibatch = k->phase[i] == PH_DECODE ? b : gcd(b, sw->parts[j].minibatch);
            }
        if (iw->nparts)
            k->s.nwindows++;
        else
            free(iw->parts);
    }
    return rc;
}

/* ---- the KV cache and shared weights in the plan ---- */

/* KV bytes of iteration model I's segment PS: what its decode step reads, or
   what its prefill writes; 0 for other models. */
static double seg_kv(const srv_iter *it, const iter_case *k, const srv_mix *mix,
                     const plan_seg *ps)
{
    int i = ps->model, m = k->origin[i];
    if (k->phase[i] == PH_WHOLE || !it->kvpt[m])
        return 0;
    double per_token = 0;
    for (int l = ps->first; l <= ps->last; l++)
        per_token += it->kvpt[m][l];
    return k->phase[i] == PH_DECODE ? per_token * (double)mix[m].kv * (double)mix[m].decode
                                    : per_token * (double)mix[m].prompt * (double)mix[m].prefill;
}

/* Applies serve_iter.c's header rules to PL; returns whether some KV cache
   stays in DRAM. NEED and HELD are scratch, a double per chiplet. */
static int place_kv(const srv_iter *it, const iter_case *k, const srv_mix *mix, plan_t *pl,
                    double *need, double *held)
{
    int dram = 0, nch = it->p->nchiplets;
    for (int w = 0; w < pl->nwindows; w++) {
        int a = pl->win_first[w], b = pl->win_first[w + 1];
        memset(need, 0, (size_t)nch * sizeof *need);
        memset(held, 0, (size_t)nch * sizeof *held);
        for (int i = a; i < b; i++) {
            const plan_seg *ps = &pl->segs[i];
            need[ps->chiplet] += seg_kv(it, k, mix, ps);
            held[ps->chiplet] += ps->resident ? ps->weight_bytes : 0;
        }
        for (int i = a; i < b; i++) {
            plan_seg *ps = &pl->segs[i];
            double kv = k->phase[ps->model] == PH_DECODE ? seg_kv(it, k, mix, ps) : 0;
            double room = it->p->chiplets[ps->chiplet].l2_bytes - held[ps->chiplet];
            if (kv > 0 && need[ps->chiplet] <= room)
                ps->gather_bytes = ps->gather_bytes > kv ? ps->gather_bytes - kv : 0;
            else if (kv > 0)
                dram = 1;
        }
    }
    return dram;
}

static int evaluate(const srv_iter *it, const srv_mix *mix, srv_cost *c, err_t *e)
{
    iter_case k;
    plan_t pl = {0};
    int rc = build_case(it, mix, &k, e);
    if (!rc)
        rc = plan_build(it->p, &k.scn, &k.s, &pl, e);
    double *scratch = rc ? NULL : malloc(2 * (size_t)it->p->nchiplets * sizeof *scratch);
    if (!rc && !scratch)
        rc = err_internal(e, "out of memory");
    if (!rc) {
        c->kv_dram = place_kv(it, &k, mix, &pl, scratch, scratch + it->p->nchiplets);
        res_result r;
        const evaluator *ev = it->o.ev ? it->o.ev : eval_find("simulate");
        if (!(rc = runner_one(ev, it->p, &k.scn, &k.s, &pl, &it->o.eval, &r, e))) {
            c->latency_s = r.makespan_s;
            c->energy_j = r.energy_j;
            res_free(&r);
        }
    }
    free(scratch);
    plan_free(&pl);
    case_free(&k);
    return rc;
}

/* ---- the cache ---- */

static unsigned long hash_key(const long *key, int n)
{
    unsigned long h = 1469598103934665603UL;
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned long)key[i]) * 1099511628211UL;
    return h;
}

static int grow_slots(srv_iter *it)
{
    int n = it->nslots * 2, len = 4 * it->scn->nmodels;
    int *slots = malloc((size_t)n * sizeof *slots);
    if (!slots)
        return ERR_INTERNAL;
    for (int i = 0; i < n; i++)
        slots[i] = -1;
    for (int i = 0; i < it->n; i++) {
        unsigned long h = hash_key(it->entries[i].key, len) & (unsigned long)(n - 1);
        while (slots[h] >= 0)
            h = (h + 1) & (unsigned long)(n - 1);
        slots[h] = i;
    }
    free(it->slots);
    it->slots = slots;
    it->nslots = n;
    return ERR_OK;
}

int srv_iter_cost(srv_iter *it, const srv_mix *mix, srv_cost *c, err_t *e)
{
    int len = 4 * it->scn->nmodels;
    const long *key = (const long *)mix;
    unsigned long h = hash_key(key, len) & (unsigned long)(it->nslots - 1);
    for (; it->slots[h] >= 0; h = (h + 1) & (unsigned long)(it->nslots - 1))
        if (memcmp(it->entries[it->slots[h]].key, key, (size_t)len * sizeof *key) == 0) {
            *c = it->entries[it->slots[h]].cost;
            return ERR_OK;
        }
    int rc = evaluate(it, mix, c, e);
    if (rc)
        return rc;
    it->evaluated++;
    if (it->n == it->cap) {
        int ncap = it->cap ? 2 * it->cap : 64;
        iter_entry *n = realloc(it->entries, (size_t)ncap * sizeof *n);
        if (!n)
            return err_internal(e, "out of memory");
        it->entries = n;
        it->cap = ncap;
    }
    iter_entry *en = &it->entries[it->n];
    if (!(en->key = malloc((size_t)len * sizeof *key)))
        return err_internal(e, "out of memory");
    memcpy(en->key, key, (size_t)len * sizeof *key);
    en->cost = *c;
    it->slots[h] = it->n++;
    if (2 * it->n > it->nslots && grow_slots(it))
        return err_internal(e, "out of memory");
    return ERR_OK;
}
