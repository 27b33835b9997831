/* test_serve.c - `serve` against figures worked out apart from it: one
 * request at a time takes exactly the simulated prefill and decode-step
 * latencies; arrivals beyond capacity are flagged; the KV cache per token
 * is the hand count; request files fail at their line. Disaggregated: the
 * KV shipment is the hand-computed transfer, TPOT the decode chiplets'
 * step, and [decode] errors are located. */
#include "testutil.h"
#include "runner.h"
#include "serve.h"

typedef struct {
    plat_t p;
    scn_t scn;
    sched_t s;
} kase;

/* GPT-2 small (12 blocks) as one model of batch 4, in two segments over
   n00 and n10 of het-2x2. */
static const char *scn_text = "[model gpt2]\nworkload = %s/workloads/gpt2-small.ini\nbatch = 4\n"
                              "prompt_tokens = uniform 16 64\noutput_tokens = uniform 4 16\n";
static const char *sched_text = "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                                "gpt2.1 = embed .. h5.add2 @ n00\n"
                                "gpt2.2 = h6.ln1 .. lm_head @ n10\n";

static char *scn_path, *sched_path;

/* The same prefill; the decode steps on n11 alone (disaggregated). */
static const char *disagg_text = "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                                 "gpt2.1 = embed .. h5.add2 @ n00\n"
                                 "gpt2.2 = h6.ln1 .. lm_head @ n10\n"
                                 "[decode]\ngpt2.1 = embed .. lm_head @ n11\n";

/* The scenario, and a schedule of it from the format SCHED (%s: the scenario). */
static void load_sched(kase *k, const char *sched)
{
    char cwd[512], text[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, scn_text, cwd);
    scn_path = tu_write_tmp(text, ".ini");
    snprintf(text, sizeof text, sched, scn_path);
    sched_path = tu_write_tmp(text, ".ini");
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &k->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(sched_path, &k->p, &k->scn, &k->s, &e) == ERR_OK, "%s", e.msg);
}

static void load(kase *k)
{
    load_sched(k, sched_text);
}

/* ... with 64 KB of L2, which holds no weights and no KV cache. */
static void load_small_l2(kase *k, const char *sched)
{
    load_sched(k, sched);
    for (int c = 0; c < k->p.nchiplets; c++)
        k->p.chiplets[c].l2_bytes = 64e3;
}

static void unload(kase *k)
{
    sched_free(&k->s);
    scn_free(&k->scn);
    plat_free(&k->p);
    unlink(scn_path);
    unlink(sched_path);
    free(scn_path);
    free(sched_path);
}

/* The simulated makespan of the scenario's GPT-2 rebuilt at SEQ tokens on
   KV cached ones, batch 1, under S. */
static double simulate_phase_on(kase *k, const sched_t *s, long seq, long kv)
{
    wl_tf_spec spec = k->scn.models[0].model.tf;
    spec.seq = seq;
    spec.kv_len = kv;
    spec.phase = kv ? WL_DECODE : WL_PREFILL;
    scn_model m = k->scn.models[0];
    err_t e;
    ck_assert_int_eq(wl_transformer(&spec, m.name, &m.model, &e), ERR_OK);
    m.batch = 1;
    scn_t one = {.path = k->scn.path, .nmodels = 1, .models = &m};
    res_result r;
    int rc = runner_one(eval_find("simulate"), &k->p, &one, s, NULL, NULL, &r, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    double t = r.makespan_s;
    res_free(&r);
    wl_free(&m.model);
    return t;
}

/* ... under the kase's own schedule. */
static double simulate_phase(kase *k, long seq, long kv)
{
    return simulate_phase_on(k, &k->s, seq, kv);
}

static void serve_file(kase *k, const char *csv, long bucket, srv_stream *st, srv_result *r)
{
    char *path = tu_write_tmp(csv, ".csv");
    err_t e;
    ck_assert_msg(srv_load_requests(path, &k->scn, st, &e) == ERR_OK, "%s", e.msg);
    srv_opts o = {.bucket = bucket};
    ck_assert_msg(srv_run(&k->p, &k->scn, &k->s, st, &o, r, &e) == ERR_OK, "%s", e.msg);
    unlink(path);
    free(path);
}

/* One request at a time (the second arrives long after the first is done):
   TTFT is the simulated 20-token prefill; each of the 3 decode steps after
   the first token reads a KV cache of 20, 21, 22 tokens, so TPOT is the mean
   of those three simulated steps. An L2 of 64 KB holds neither the weights
   nor the KV cache (12 blocks x 2 x 768 B = 18 KB per token), so the KV
   cache is read from DRAM, as the decode workload reads it. */
START_TEST(test_one_at_a_time_is_the_simulation)
{
    kase k;
    load_small_l2(&k, sched_text);
    srv_stream st;
    srv_result r;
    serve_file(&k, "arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,20,4\n100,gpt2,20,4\n", 1,
               &st, &r);
    double prefill = simulate_phase(&k, 20, 0);
    double tpot = (simulate_phase(&k, 1, 20) + simulate_phase(&k, 1, 21) +
                   simulate_phase(&k, 1, 22)) / 3;
    for (int i = 0; i < 2; i++) {
        ck_assert_double_eq(r.out[i].queue_s, 0);
        ck_assert_rel(r.out[i].ttft_s, prefill, 1e-9);
        ck_assert_rel(r.out[i].tpot_s, tpot, 1e-9);
        ck_assert_rel(r.out[i].e2e_s, prefill + 3 * tpot, 1e-9);
    }
    ck_assert_rel(r.ttft_p50_s, prefill, 1e-9);
    ck_assert_rel(r.tpot_p99_s, tpot, 1e-9);
    /* 2 x (1 prefill + 3 decode steps), the second request's from the cache */
    ck_assert_int_eq(r.iterations, 8);
    ck_assert_int_eq(r.evaluated, 4);
    ck_assert_int_eq(r.kv_dram_iterations, 6);
    ck_assert_rel(r.tokens, 8, 0);
    ck_assert_int_eq(r.overloaded, 0);
    srv_result_free(&r);
    srv_stream_free(&st);
    unload(&k);
}
END_TEST

/* With het-2x2's 10 MB of L2 the 22-token KV cache (6 blocks x 2 x 768 B x
   22 = 203 KB per chiplet) stays on chip: no iteration reads it from DRAM,
   the prefill is unchanged, and each decode step moves fewer DRAM bytes, so
   it is no slower than the one reading its cache from DRAM. */
START_TEST(test_kv_in_l2_skips_dram)
{
    kase k;
    load(&k);
    srv_stream st;
    srv_result r;
    serve_file(&k, "arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,20,4\n", 1, &st, &r);
    ck_assert_int_eq(r.kv_dram_iterations, 0);
    ck_assert_rel(r.out[0].ttft_s, simulate_phase(&k, 20, 0), 1e-9);
    double dram = (simulate_phase(&k, 1, 20) + simulate_phase(&k, 1, 21) +
                   simulate_phase(&k, 1, 22)) / 3;
    ck_assert_double_le(r.out[0].tpot_s, dram);
    srv_result_free(&r);
    srv_stream_free(&st);
    unload(&k);
}
END_TEST

/* KV bytes per token = layers x 2 (K and V) x d_model x elem_bytes:
   GPT-2 small 12 x 2 x 768 x 1 = 18432; GPT-2 medium 24 x 2 x 1024 x 1 =
   49152 (int8), 98304 at fp16. */
START_TEST(test_kv_bytes_per_token)
{
    kase k;
    load(&k);
    srv_stream st;
    srv_result r;
    serve_file(&k, "arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,8,1\n", 16, &st, &r);
    ck_assert_double_eq(r.kv_bytes_per_token[0], 12 * 2 * 768 * 1);
    srv_result_free(&r);
    srv_stream_free(&st);
    unload(&k);

    char text[1024];
    snprintf(text, sizeof text,
             "[model]\nname = m\nelem_bytes = 2\n[transformer]\nfamily = gpt2\nd_model = 1024\n"
             "layers = 24\nheads = 16\n");
    char *wl = tu_write_tmp(text, ".ini");
    snprintf(text, sizeof text, "[model gpt2]\nworkload = %s\nbatch = 1\n", wl);
    char *scn = tu_write_tmp(text, ".ini");
    snprintf(text, sizeof text, "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                                "gpt2.1 = embed .. lm_head @ n00\n", scn);
    char *sch = tu_write_tmp(text, ".ini");
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &k.p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(sch, &k.p, &k.scn, &k.s, &e) == ERR_OK, "%s", e.msg);
    srv_stream one = {.n = 1, .req = &(srv_request){.prompt = 4, .output = 1}};
    srv_opts o = {.bucket = 16, .ev = eval_find("estimate")};
    ck_assert_msg(srv_run(&k.p, &k.scn, &k.s, &one, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert_double_eq(r.kv_bytes_per_token[0], 24 * 2 * 1024 * 2);
    srv_result_free(&r);
    sched_free(&k.s);
    scn_free(&k.scn);
    plat_free(&k.p);
    unlink(wl), unlink(scn), unlink(sch);
    free(wl), free(scn), free(sch);
}
END_TEST

/* A decode step of GPT-2 small streams its 124 MB of weights from DRAM at
   64 GB/s, about 2 ms; with at most 4 requests decoding and 4 to 16 output
   tokens, the package finishes at most 4 requests per ~20 ms of decode and
   prefill: tens per second. 500 per second is far beyond that, 2 per second
   far below it. */
START_TEST(test_overload_is_flagged)
{
    kase k;
    load(&k);
    err_t e;
    srv_opts o = {.bucket = 16};
    srv_stream st;
    srv_result r;
    ck_assert_int_eq(srv_poisson(&k.scn, 500, 0.5, 1, &st, &e), ERR_OK);
    ck_assert_msg(srv_run(&k.p, &k.scn, &k.s, &st, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(r.overloaded, 1);
    ck_assert_int_gt(r.queue_end, r.queue_mid + 4);
    srv_result_free(&r);
    srv_stream_free(&st);
    ck_assert_int_eq(srv_poisson(&k.scn, 2, 5, 1, &st, &e), ERR_OK);
    ck_assert_msg(srv_run(&k.p, &k.scn, &k.s, &st, &o, &r, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(r.overloaded, 0);
    srv_result_free(&r);
    srv_stream_free(&st);
    unload(&k);
}
END_TEST

/* Poisson arrivals: 100/s over 20 s gives 2000 expected, standard deviation
   sqrt(2000) = 45; 5 sigma is 224. Lengths within the scenario's ranges; the
   same seed gives the same stream, another seed another. */
START_TEST(test_poisson_stream)
{
    kase k;
    load(&k);
    err_t e;
    srv_stream a, b, c;
    ck_assert_int_eq(srv_poisson(&k.scn, 100, 20, 7, &a, &e), ERR_OK);
    ck_assert_int_eq(srv_poisson(&k.scn, 100, 20, 7, &b, &e), ERR_OK);
    ck_assert_int_eq(srv_poisson(&k.scn, 100, 20, 8, &c, &e), ERR_OK);
    ck_assert_int_gt(a.n, 2000 - 224);
    ck_assert_int_lt(a.n, 2000 + 224);
    ck_assert_int_eq(a.n, b.n);
    ck_assert_int_eq(memcmp(a.req, b.req, (size_t)a.n * sizeof *a.req), 0);
    ck_assert(c.n != a.n || memcmp(a.req, c.req, (size_t)a.n * sizeof *a.req));
    long lo = 1000, hi = 0;
    for (int i = 0; i < a.n; i++) {
        ck_assert(a.req[i].arrival_s >= 0 && a.req[i].arrival_s < 20);
        ck_assert(i == 0 || a.req[i].arrival_s >= a.req[i - 1].arrival_s);
        ck_assert(a.req[i].output >= 4 && a.req[i].output <= 16);
        lo = a.req[i].prompt < lo ? a.req[i].prompt : lo;
        hi = a.req[i].prompt > hi ? a.req[i].prompt : hi;
    }
    /* 2000 uniform draws of 49 values miss an end with probability ~1e-18 */
    ck_assert_int_eq(lo, 16);
    ck_assert_int_eq(hi, 64);
    srv_stream_free(&a);
    srv_stream_free(&b);
    srv_stream_free(&c);
    unload(&k);
}
END_TEST

/* --search: one candidate per objective; the chosen one serves at least as
   many requests within the SLOs as every other, and no fewer tokens/s than
   any that ties it; the result returned is the chosen one's. */
START_TEST(test_search_keeps_the_best_served)
{
    kase k;
    load(&k);
    err_t e;
    srv_stream st;
    ck_assert_int_eq(srv_poisson(&k.scn, 20, 1, 3, &st, &e), ERR_OK);
    search_opts so;
    search_defaults(&so);
    so.no_simulate = 1;
    so.jobs = 1;
    srv_opts o = {.bucket = 16, .slo_ttft_s = 0.05, .slo_tpot_s = 0.004};
    /* with --disaggregate, each winner is followed by its variant when it
       leaves a chiplet of its kind idle; here none does (measured: every
       winner leaves only the ShiDianNao s01 idle, see test_variant) */
    for (int d = 0; d < 2; d++) {
        sched_t best;
        srv_result r;
        srv_searched sr;
        ck_assert_msg(srv_search(&k.p, &k.scn, &so, 1, d, &st, &o, &best, &r, &sr, &e) == ERR_OK,
                      "%s", e.msg);
        const srv_candidate *c = &sr.cand[sr.chosen];
        int winners = 0;
        for (int i = 0; i < sr.n; i++) {
            const srv_candidate *x = &sr.cand[i];
            ck_assert(!x->disaggregated || d);
            if (x->disaggregated)
                ck_assert(i > 0 && sr.cand[i - 1].objective == x->objective &&
                          !sr.cand[i - 1].disaggregated);
            else
                ck_assert_int_eq(x->objective, winners++);
            ck_assert(c->slo_attainment >= x->slo_attainment);
            if (c->slo_attainment == x->slo_attainment)
                ck_assert(c->tokens_per_s >= x->tokens_per_s);
        }
        ck_assert_int_eq(winners, 4);
        ck_assert_int_eq(sr.n, 4);
        ck_assert_int_eq(best.decode.nparts, c->disaggregated);
        ck_assert_double_eq(r.tokens_per_s, c->tokens_per_s);
        ck_assert_double_eq(r.slo_attainment, c->slo_attainment);
        ck_assert_int_eq(r.disaggregated, c->disaggregated);
        ck_assert_int_gt(best.nwindows, 0);
        srv_searched_free(&sr);
        srv_result_free(&r);
        sched_free(&best);
    }
    srv_stream_free(&st);
    unload(&k);
}
END_TEST

/* An LLM beside a CNN stream: a ResNet-50 request alone runs whole in one
   iteration, so its TTFT and end-to-end time are the simulated batch-1
   pass of ResNet-50 on s01 (GPT-2 idle), and it has no TPOT. */
START_TEST(test_cnn_beside_llm)
{
    char cwd[512], text[2048];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, "[model gpt2]\nworkload = %s/workloads/gpt2-small.ini\nbatch = 2\n"
                                "[model cnn]\nworkload = %s/workloads/resnet50.ini\nbatch = 4\n",
             cwd, cwd);
    char *scn = tu_write_tmp(text, ".ini");
    snprintf(text, sizeof text, "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                                "gpt2.1 = embed .. lm_head @ n00\ncnn.minibatch = 1\n"
                                "cnn.1 = conv1 .. fc @ s01\n", scn);
    char *sch = tu_write_tmp(text, ".ini");
    kase k;
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &k.p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load(sch, &k.p, &k.scn, &k.s, &e) == ERR_OK, "%s", e.msg);
    srv_stream st;
    srv_result r;
    serve_file(&k, "arrival_s,model,prompt_tokens,output_tokens\n0,cnn,0,0\n50,gpt2,16,1\n", 1,
               &st, &r);
    /* the CNN alone, batch 1, on its part of the schedule */
    scn_model cnn = k.scn.models[1];
    cnn.batch = 1;
    scn_t one = {.path = k.scn.path, .nmodels = 1, .models = &cnn};
    sched_t s1 = k.s;
    sched_window w = k.s.windows[0];
    sched_part part = w.parts[1];
    part.model = 0;
    w.nparts = 1;
    w.parts = &part;
    s1.windows = &w;
    res_result sim;
    int rc = runner_one(eval_find("simulate"), &k.p, &one, &s1, NULL, NULL, &sim, &e);
    ck_assert_msg(rc == ERR_OK, "%s", e.msg);
    ck_assert_rel(r.out[0].ttft_s, sim.makespan_s, 1e-9);
    ck_assert_rel(r.out[0].e2e_s, sim.makespan_s, 1e-9);
    ck_assert_double_eq(r.out[0].tpot_s, -1);
    res_free(&sim);
    ck_assert_double_eq(r.kv_bytes_per_token[1], 0);
    /* one GPT-2 token, from its prefill; the CNN's image is no token */
    ck_assert_rel(r.tokens, 1, 0);
    ck_assert_int_eq(r.iterations, 2);
    srv_result_free(&r);
    srv_stream_free(&st);
    sched_free(&k.s);
    scn_free(&k.scn);
    plat_free(&k.p);
    unlink(scn), unlink(sch);
    free(scn), free(sch);
}
END_TEST

static void bad_file(kase *k, const char *csv, int line, const char *what)
{
    char *path = tu_write_tmp(csv, ".csv");
    err_t e;
    srv_stream st;
    ck_assert_int_eq(srv_load_requests(path, &k->scn, &st, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, line, what);
    ck_assert_int_eq(st.n, 0);
    unlink(path);
    free(path);
}

START_TEST(test_request_file_errors)
{
    kase k;
    load(&k);
    const char *h = "arrival_s,model,prompt_tokens,output_tokens\n";
    bad_file(&k, "arrival,model,prompt,output\n", 1, "expected the header");
    char text[256];
    snprintf(text, sizeof text, "%s0,gpt2,8,4\n1,bert,8,4\n", h);
    bad_file(&k, text, 3, "no model 'bert'");
    snprintf(text, sizeof text, "%s0,gpt2,1000,100\n", h);
    bad_file(&k, text, 2, "more than its context of 1024");
    snprintf(text, sizeof text, "%s-1,gpt2,8,4\n", h);
    bad_file(&k, text, 2, "arrival_s");
    snprintf(text, sizeof text, "%s0,gpt2,8\n", h);
    bad_file(&k, text, 2, "expected 4 fields");
    snprintf(text, sizeof text, "%s0,gpt2,0,4\n", h);
    bad_file(&k, text, 2, "must be >= 1");
    bad_file(&k, h, 1, "no requests");
    unload(&k);
}
END_TEST

/* ---- disaggregated serving ([decode]) ---- */

/* The decode steps of DISAGG_TEXT alone, as a one-window schedule at batch 1. */
static double simulate_decode(kase *k, long kv)
{
    sched_part dp = k->s.decode.parts[0];
    dp.minibatch = 1;
    sched_window w = {.nparts = 1, .parts = &dp, .line = k->s.decode.line};
    sched_t dv = {.path = k->s.path, .nwindows = 1, .windows = &w};
    return simulate_phase_on(k, &dv, 1, kv);
}

/* One request (20 prompt tokens, 2 output tokens) alone, twice, prefill on
   n00 + n10, decode on n11, 64 KB of L2 (the KV cache in DRAM, as the plain
   workloads read it):
   - TTFT is the simulated 20-token prefill on the windows' segments;
   - its KV cache is 20 x 12 blocks x 2 x 768 B = 368640 B: blocks 0-5
     (184320 B) go n00 -> n11 (XY: east link, north link, 2 hops), blocks
     6-11 (184320 B) n10 -> n11 (north link, 1 hop). Both flows cross the
     north link n10 -> n11 and n11's 100 GB/s ejection port, so max-min
     gives each 50 GB/s and both end at 368640 B / 100 GB/s = 3.6864 us; the
     longer route's latency, 2 x 35 ns, follows: 3.7564 us;
   - its one decode step reads a KV cache of 20 tokens on n11: TPOT is that
     step simulated alone on the [decode] segment;
   - end to end: the three in a row. */
START_TEST(test_disagg_one_request)
{
    kase k;
    load_small_l2(&k, disagg_text);
    srv_stream st;
    srv_result r;
    serve_file(&k, "arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,20,2\n100,gpt2,20,2\n", 1,
               &st, &r);
    double prefill = simulate_phase(&k, 20, 0), step = simulate_decode(&k, 20);
    double ship = 368640 / 100e9 + 2 * 35e-9;
    ck_assert_int_eq(r.disaggregated, 1);
    ck_assert_rel(r.kv_bytes_per_token[0], 12 * 2 * 768, 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_double_eq(r.out[i].queue_s, 0);
        ck_assert_rel(r.out[i].ttft_s, prefill, 1e-9);
        ck_assert_rel(r.out[i].kv_shipped_bytes, 368640, 0);
        ck_assert_rel(r.out[i].kv_ship_s, ship, 1e-9);
        ck_assert_rel(r.out[i].tpot_s, step, 1e-9);
        ck_assert_rel(r.out[i].e2e_s, prefill + ship + step, 1e-9);
    }
    ck_assert_rel(r.kv_shipped_bytes, 2 * 368640, 0);
    ck_assert_rel(r.kv_ship_mean_s, ship, 1e-9);
    /* a prefill and a decode step per request, the second's from the caches */
    ck_assert_int_eq(r.iterations, 4);
    ck_assert_int_eq(r.evaluated, 2);
    ck_assert_rel(r.busy_s, 2 * prefill, 1e-9);
    ck_assert_rel(r.decode_busy_s, 2 * step, 1e-9);
    srv_result_free(&r);
    srv_stream_free(&st);
    unload(&k);
}
END_TEST

/* A 40-token generation (prompt 20) while six 256-token prompts arrive
   every 5 ms. Co-located, its decode steps share iterations with their
   prefills and each of those iterations lasts a prefill; disaggregated,
   they run on n11 beside the prefills. Measured (het-2x2, 10 MB L2):
   TPOT p99 co-located 0.029912 s (a short request's one decode step, fused
   with a 256-token prefill), disaggregated 0.005537 s; the long request's
   TPOT 0.004810 s co-located, 0.002925 s disaggregated. */
START_TEST(test_disagg_tpot_beats_interference)
{
    const char *csv = "arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,20,40\n"
                      "0.005,gpt2,256,2\n0.010,gpt2,256,2\n0.015,gpt2,256,2\n"
                      "0.020,gpt2,256,2\n0.025,gpt2,256,2\n0.030,gpt2,256,2\n";
    double p99[2], longest[2];
    for (int d = 0; d < 2; d++) {
        kase k;
        load_sched(&k, d ? disagg_text : sched_text);
        srv_stream st;
        srv_result r;
        serve_file(&k, csv, 1, &st, &r);
        p99[d] = r.tpot_p99_s;
        longest[d] = r.out[0].tpot_s;
        srv_result_free(&r);
        srv_stream_free(&st);
        unload(&k);
    }
    ck_assert_double_lt(p99[1], p99[0]);
    ck_assert_double_lt(longest[1], longest[0]);
}
END_TEST

/* The search's disaggregated variant of the two-stage schedule on n00 and
   n10 (NVDLA): the idle NVDLA chiplet is n11 alone (s01 is ShiDianNao), so
   the decode is one segment of all layers on n11, DISAGG_TEXT's. With s01
   made NVDLA too, s01 and n11 (chiplet order) get a segment each, the cut
   where the first holds at most half the weight bytes and one more layer
   would pass half. With every chiplet in use there is no variant. */
START_TEST(test_variant)
{
    kase k;
    load(&k);
    err_t e;
    sched_t v;
    int made;
    int n11 = plat_find_chiplet(&k.p, "n11"), s01 = plat_find_chiplet(&k.p, "s01");
    const wl_model *m = &k.scn.models[0].model;
    ck_assert_msg(srv_variant(&k.p, &k.scn, &k.s, &v, &made, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(made, 1);
    ck_assert_int_eq(v.decode.nparts, 1);
    ck_assert_int_eq(v.decode.parts[0].nsegs, 1);
    ck_assert_int_eq(v.decode.parts[0].segs[0].chiplet, n11);
    ck_assert_int_eq(v.decode.parts[0].segs[0].last, m->nlayers - 1);
    ck_assert_int_eq(v.decode.parts[0].minibatch, 4);
    ck_assert_int_eq(v.nwindows, 1);
    ck_assert_int_eq(v.windows[0].parts[0].segs[1].chiplet, plat_find_chiplet(&k.p, "n10"));
    sched_free(&v);
    k.p.chiplets[s01].dataflow = k.p.chiplets[n11].dataflow;
    ck_assert_int_eq(srv_variant(&k.p, &k.scn, &k.s, &v, &made, &e), ERR_OK);
    ck_assert_int_eq(made, 1);
    const sched_part *d = &v.decode.parts[0];
    ck_assert_int_eq(d->nsegs, 2);
    ck_assert_int_eq(d->segs[0].chiplet, s01);
    ck_assert_int_eq(d->segs[1].chiplet, n11);
    double total = 0, first = 0;
    for (int l = 0; l < m->nlayers; l++)
        total += m->layers[l].weight_bytes;
    for (int l = 0; l <= d->segs[0].last; l++)
        first += m->layers[l].weight_bytes;
    ck_assert_double_le(first, total / 2);
    ck_assert_double_gt(first + m->layers[d->segs[0].last + 1].weight_bytes, total / 2);
    ck_assert_int_eq(d->segs[1].first, d->segs[0].last + 1);
    sched_free(&v);
    unload(&k);
    /* every chiplet in use: the decode has nowhere to go */
    load_sched(&k, "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                   "gpt2.1 = embed .. h2.add2 @ n00\ngpt2.2 = h3.ln1 .. h5.add2 @ n10\n"
                   "gpt2.3 = h6.ln1 .. h8.add2 @ s01\ngpt2.4 = h9.ln1 .. lm_head @ n11\n");
    ck_assert_int_eq(srv_variant(&k.p, &k.scn, &k.s, &v, &made, &e), ERR_OK);
    ck_assert_int_eq(made, 0);
    unload(&k);
}
END_TEST

/* A schedule from FMT (%s: the scenario) that must fail at LINE. */
static void bad_sched(const char *scn_fmt, const char *fmt, int line, const char *what)
{
    char cwd[512], text[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, scn_fmt, cwd, cwd);
    char *scn = tu_write_tmp(text, ".ini");
    snprintf(text, sizeof text, fmt, scn);
    char *sch = tu_write_tmp(text, ".ini");
    plat_t p;
    scn_t sc;
    sched_t s;
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(sched_load(sch, &p, &sc, &s, &e), ERR_INPUT);
    tu_assert_located(e.msg, sch, line, what);
    plat_free(&p);
    unlink(scn), unlink(sch);
    free(scn), free(sch);
}

/* Lines: 1 [schedule], 2 scenario, 3 [window 1], 4 minibatch, 5 and 6 the
   prefill segments, 7 [decode], 8 its first key. */
START_TEST(test_disagg_schedule_errors)
{
    const char *pre = "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                      "gpt2.1 = embed .. h5.add2 @ n00\ngpt2.2 = h6.ln1 .. lm_head @ n10\n[decode]\n";
    const char *cases[][2] = {
        {"gpt2.1 = embed .. lm_head @ n10\n", "n10, which window 1 gives to gpt2"},
        {"gpt2.1 = embed .. lm_head @ n11+n00 split=n\n", "n00, which window 1 gives to gpt2"},
        {"gpt2.1 = embed .. h5.add2 @ n11\n", "layers from h6.ln1 on are in no decode segment"},
        {"gpt2.1 = embed .. h5.add2 @ n11\ngpt2.2 = h7.ln1 .. lm_head @ s01\n",
         "[decode]: gpt2 segment 2 starts at layer h7.ln1, expected h6.ln1"},
        {"gpt2.minibatch = 1\ngpt2.1 = embed .. lm_head @ n11\n", "no 'gpt2.minibatch' here"},
    };
    char fmt[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(fmt, sizeof fmt, "%s%s", pre, cases[i][0]);
        bad_sched(scn_text, fmt, 8, cases[i][1]);
    }
    /* a CNN has no decode step */
    const char *mixed = "[model gpt2]\nworkload = %s/workloads/gpt2-small.ini\nbatch = 2\n"
                        "[model cnn]\nworkload = %s/workloads/resnet50.ini\nbatch = 4\n";
    bad_sched(mixed, "[schedule]\nscenario = %s\n[window 1]\ngpt2.minibatch = 1\n"
                     "gpt2.1 = embed .. lm_head @ n00\ncnn.minibatch = 1\ncnn.1 = conv1 .. fc @ s01\n"
                     "[decode]\ncnn.1 = conv1 .. fc @ n11\n", 9, "model cnn is not served token by token");
}
END_TEST

/* A disaggregated schedule written reads back with its [decode] segments. */
START_TEST(test_disagg_schedule_round_trip)
{
    kase k, back;
    load_sched(&k, disagg_text);
    char *out = tu_write_tmp("", ".ini");
    FILE *f = fopen(out, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(sched_write(f, &k.p, &k.scn, &k.s, scn_path), ERR_OK);
    fclose(f);
    err_t e;
    ck_assert_msg(sched_load(out, &k.p, &back.scn, &back.s, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(back.s.decode.nparts, 1);
    const sched_part *a = &k.s.decode.parts[0], *b = &back.s.decode.parts[0];
    ck_assert_int_eq(b->nsegs, 1);
    ck_assert_int_eq(b->segs[0].first, a->segs[0].first);
    ck_assert_int_eq(b->segs[0].last, a->segs[0].last);
    ck_assert_int_eq(b->segs[0].chiplet, plat_find_chiplet(&k.p, "n11"));
    ck_assert_int_eq(b->minibatch, 4);
    sched_t copy;
    ck_assert_int_eq(sched_copy(&copy, &back.s), ERR_OK);
    ck_assert_int_eq(copy.decode.nparts, 1);
    ck_assert_int_eq(copy.decode.parts[0].segs[0].chiplet, b->segs[0].chiplet);
    sched_free(&copy);
    sched_free(&back.s);
    scn_free(&back.scn);
    unlink(out);
    free(out);
    unload(&k);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("serve");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_one_at_a_time_is_the_simulation);
    tcase_add_test(tc, test_kv_in_l2_skips_dram);
    tcase_add_test(tc, test_kv_bytes_per_token);
    tcase_add_test(tc, test_overload_is_flagged);
    tcase_add_test(tc, test_poisson_stream);
    tcase_add_test(tc, test_search_keeps_the_best_served);
    tcase_add_test(tc, test_cnn_beside_llm);
    tcase_add_test(tc, test_request_file_errors);
    tcase_add_test(tc, test_disagg_one_request);
    tcase_add_test(tc, test_disagg_tpot_beats_interference);
    tcase_add_test(tc, test_disagg_schedule_errors);
    tcase_add_test(tc, test_disagg_schedule_round_trip);
    tcase_add_test(tc, test_variant);
    suite_add_tcase(s, tc);
    return s;
}
