/* test_runner.c - the runner's contract: one process per isolated job, a
 * direct child of the caller; the full result comes back through the wire;
 * a failing job fails alone with its message; the runner reaps only its own
 * children; results do not depend on the number of workers. */
#include <signal.h>
#include <sys/wait.h>
#include "testutil.h"
#include "runner.h"
#include "estimate.h"
#include "wire.h"

/* Evaluators that say where they ran: makespan = the pid, energy = the parent's pid. */
static int where_run(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                     const eval_opts *o, res_result *r, err_t *e)
{
    (void)pl, (void)o;
    if (res_init(r, p, scn, s))
        return err_internal(e, "out of memory");
    r->makespan_s = (double)getpid();
    r->energy_j = (double)getppid();
    return ERR_OK;
}

static int fails_with_input_error(const plat_t *p, const scn_t *scn, const sched_t *s,
                                  const plan_t *pl, const eval_opts *o, res_result *r, err_t *e)
{
    (void)p, (void)scn, (void)s, (void)pl, (void)o;
    memset(r, 0, sizeof *r);
    return err_input(e, "job says no");
}

static const evaluator isolated = {"where", 1, where_run};
static const evaluator in_process = {"here", 0, where_run};
static const evaluator refuses = {"no", 1, fails_with_input_error};

typedef struct {
    plat_t p;
    scn_t scn;
    sched_t s;
} kase;

static void load(kase *k)
{
    err_t e;
    ck_assert_msg(plat_load("platforms/het-2x2.ini", &k->p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_msg(sched_load("workloads/schedules/het-2x2-gpt2-resnet50.ini", &k->p, &k->scn, &k->s,
                             &e) == ERR_OK, "%s", e.msg);
}

static void unload(kase *k)
{
    sched_free(&k->s);
    scn_free(&k->scn);
    plat_free(&k->p);
}

static run_job job(const kase *k, const evaluator *ev, const eval_opts *o)
{
    return (run_job){.p = &k->p, .scn = &k->scn, .s = &k->s, .ev = ev, .opts = o};
}

START_TEST(one_direct_child_per_isolated_job)
{
    kase k;
    load(&k);
    run_job jobs[5];
    for (int i = 0; i < 5; i++)
        jobs[i] = job(&k, i == 2 ? &in_process : &isolated, NULL);
    err_t e;
    ck_assert_int_eq(runner_run(jobs, 5, 2, &e), ERR_OK);
    double me = (double)getpid();
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(jobs[i].rc, ERR_OK);
        if (i == 2) {
            ck_assert(jobs[i].r.makespan_s == me);
        } else {
            /* its own process, whose parent is this one (not a grandchild) */
            ck_assert(jobs[i].r.makespan_s != me);
            ck_assert(jobs[i].r.energy_j == me);
            for (int j = 0; j < i; j++)
                ck_assert(j == 2 || jobs[j].r.makespan_s != jobs[i].r.makespan_s);
        }
        res_free(&jobs[i].r);
    }
    unload(&k);
}
END_TEST

START_TEST(a_failing_job_fails_alone)
{
    kase k;
    load(&k);
    eval_opts crash = {.fault = EVAL_FAULT_ABORT};
    run_job jobs[4] = {job(&k, eval_find("simulate"), NULL), job(&k, eval_find("simulate"), &crash),
                       job(&k, &refuses, NULL), job(&k, eval_find("estimate"), NULL)};
    err_t e;
    ck_assert_int_eq(runner_run(jobs, 4, 2, &e), ERR_OK);
    ck_assert_int_eq(jobs[0].rc, ERR_OK);
    ck_assert(jobs[0].r.simulated && jobs[0].r.makespan_s > 0);
    ck_assert_int_eq(jobs[1].rc, ERR_INTERNAL);
    ck_assert_msg(strstr(jobs[1].err.msg, "crashed"), "%s", jobs[1].err.msg);
    ck_assert_int_eq(jobs[2].rc, ERR_INPUT);
    ck_assert_msg(strstr(jobs[2].err.msg, "job says no"), "%s", jobs[2].err.msg);
    ck_assert_int_eq(jobs[3].rc, ERR_OK);
    ck_assert(!jobs[3].r.simulated && jobs[3].r.makespan_s > 0);
    res_free(&jobs[0].r);
    res_free(&jobs[3].r);
    unload(&k);
}
END_TEST

START_TEST(reaps_only_its_own_children)
{
    kase k;
    load(&k);
    pid_t other = fork();
    if (other == 0)
        _exit(7);
    run_job jobs[3] = {job(&k, &isolated, NULL), job(&k, &isolated, NULL), job(&k, &isolated, NULL)};
    err_t e;
    ck_assert_int_eq(runner_run(jobs, 3, 3, &e), ERR_OK);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(jobs[i].rc, ERR_OK);
        res_free(&jobs[i].r);
    }
    int status;
    ck_assert_int_eq(waitpid(other, &status, 0), other);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    unload(&k);
}
END_TEST

/* Same figures whether a simulation ran alone or beside others, and every
   figure crossed the wire: the timeline and the link load series too. */
START_TEST(full_results_whatever_the_workers)
{
    kase k;
    load(&k);
    eval_opts o = {.timeline = 1, .series_buckets = 7};
    const evaluator *sim = eval_find("simulate");
    res_result alone;
    err_t e;
    ck_assert_msg(runner_one(sim, &k.p, &k.scn, &k.s, NULL, &o, &alone, &e) == ERR_OK, "%s", e.msg);
    run_job jobs[3] = {job(&k, sim, &o), job(&k, sim, &o), job(&k, sim, &o)};
    ck_assert_int_eq(runner_run(jobs, 3, 2, &e), ERR_OK);
    for (int i = 0; i < 3; i++) {
        const res_result *r = &jobs[i].r;
        ck_assert_int_eq(jobs[i].rc, ERR_OK);
        ck_assert(r->makespan_s == alone.makespan_s && r->energy_j == alone.energy_j);
        ck_assert(r->edp_js == alone.edp_js && r->throughput_per_s == alone.throughput_per_s);
        ck_assert(r->e_static_j == alone.e_static_j && r->e_static_j > 0);
        ck_assert(memcmp(r->chiplets, alone.chiplets, (size_t)r->nchiplets * sizeof *r->chiplets) == 0);
        ck_assert_int_eq(r->nevents, alone.nevents);
        ck_assert_int_gt(r->nevents, 0);
        ck_assert(memcmp(r->events, alone.events, (size_t)r->nevents * sizeof *r->events) == 0);
        for (int l = 0; l < r->nlinks; l++) {
            ck_assert_int_eq(r->links[l].nseries, 7);
            ck_assert(memcmp(r->links[l].series, alone.links[l].series, 7 * sizeof(double)) == 0);
            ck_assert(r->links[l].utilization == alone.links[l].utilization);
        }
        for (int m = 0; m < r->nmodels; m++) {
            ck_assert_int_eq(r->models[m].nminibatches, alone.models[m].nminibatches);
            ck_assert(r->models[m].throughput_per_s == alone.models[m].throughput_per_s);
        }
        ck_assert(memcmp(r->segs, alone.segs, (size_t)r->nsegs * sizeof *r->segs) == 0);
        res_free(&jobs[i].r);
    }
    res_free(&alone);
    unload(&k);
}
END_TEST

/* A corrupt or short answer is refused, never read past its end. */
START_TEST(the_wire_refuses_what_does_not_fit)
{
    kase k;
    load(&k);
    res_result r, back;
    err_t e;
    ck_assert_int_eq(est_run(&k.p, &k.scn, &k.s, &r, &e), ERR_OK);
    wire_t w = {0};
    wire_put_result(&w, &r);
    ck_assert(!w.failed);
    ck_assert_int_eq(res_init(&back, &k.p, &k.scn, &k.s), ERR_OK);
    ck_assert_int_eq(wire_get_result(&w, &back), 0);
    ck_assert(back.makespan_s == r.makespan_s && back.e_dram_j == r.e_dram_j);
    /* het-2x2's four 4096-PE chiplets burn 1.75 W each without power gating */
    ck_assert_rel(r.e_static_j, 4 * 1.75 * r.makespan_s, 1e-12);
    ck_assert(back.e_static_j == r.e_static_j && back.energy_j == r.energy_j);
    ck_assert(memcmp(back.chiplets, r.chiplets, (size_t)r.nchiplets * sizeof *r.chiplets) == 0);
    res_free(&back);
    for (size_t cut = 0; cut < w.n; cut += 97) {
        wire_t part = {.b = w.b, .n = cut};
        ck_assert_int_eq(res_init(&back, &k.p, &k.scn, &k.s), ERR_OK);
        ck_assert_int_eq(wire_get_result(&part, &back), -1);
        res_free(&back);
    }
    /* another shape: one window fewer */
    w.pos = 0;
    k.s.nwindows = 0;
    ck_assert_int_eq(res_init(&back, &k.p, &k.scn, &k.s), ERR_OK);
    ck_assert_int_eq(wire_get_result(&w, &back), -1);
    res_free(&back);
    k.s.nwindows = 1;
    wire_free(&w);
    res_free(&r);
    unload(&k);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("runner");
    TCase *tc = tcase_create("runner");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_direct_child_per_isolated_job);
    tcase_add_test(tc, a_failing_job_fails_alone);
    tcase_add_test(tc, reaps_only_its_own_children);
    tcase_add_test(tc, full_results_whatever_the_workers);
    tcase_add_test(tc, the_wire_refuses_what_does_not_fit);
    suite_add_tcase(s, tc);
    return s;
}
