/* des.c - the schedule as a SimGrid simulation: drives the engine; see
 * des.h, and des_int.h for how the work is shared among des*.c. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <xbt/config.h>
#include <xbt/log.h>
#include "des_int.h"

void des_engine_init(const eval_opts *o, const nop_level *level)
{
    if (o->verbose) {
        xbt_log_control_set("root.thresh:verbose");
    } else {
        xbt_log_control_set("root.thresh:critical");
        /* a deadlock is reported as an input error; the engine's own alarm
           about it, its only critical message, goes nowhere */
        xbt_log_control_set("ker_engine.add:no ker_engine.app:file:/dev/null");
    }
    /* static: SimGrid keeps pointers into argv for the life of the process */
    static char prog[] = "mcmsim";
#ifdef __SANITIZE_ADDRESS__
    /* ASan cannot follow SimGrid's own stack switching; threads it can. The
       factory must be chosen on the command line: init creates it. */
    static char factory[] = "--cfg=contexts/factory:thread";
    static char *argv[] = {prog, factory, NULL};
#else
    static char *argv[] = {prog, NULL};
#endif
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    simgrid_init(&argc, argv);
    if (level->configure)
        level->configure();
    /* events closer than this merge: the default, 1 ns, is half a cycle at
       500 MHz; 0.1 ps is far below any modelled time and still above the
       rounding of clock values up to minutes */
    sg_cfg_set_double("surf/precision", 1e-13);
}

static int simulate(des_ctx *c, res_result *r, err_t *e)
{
    c->nhosts = c->p->nchiplets + c->p->ndrams;
    if (des_build_flows(c))
        return err_internal(e, "out of memory building the simulation");
    char path[64];
    int fd, rc = des_write_platform(c, &fd, path, sizeof path, e);
    if (rc)
        return rc;
    des_engine_init(c->o, c->level);
    simgrid_load_platform(path);
    close(fd); /* the file goes with it */
    char name[32];
    for (int h = 0; h < c->nhosts; h++) {
        des_host_name(c, h, name, sizeof name);
        c->hosts[h] = sg_host_by_name(name);
    }
    if ((rc = c->level->open(c->p, c->hosts, &c->net, e)))
        return rc;
    for (int i = 0; i < c->pl->nsegs + c->nflows; i++)
        c->party[i].waiting_on = -1; /* actors of later windows: nobody waits yet */
    c->done = sg_sem_init(0);
    sg_actor_t ctl = sg_actor_init("controller", c->hosts[0]);
    sg_actor_set_data(ctl, c);
    sg_actor_start(ctl, des_controller_main, 0, NULL);
    simgrid_run();
    sg_sem_destroy(c->done); /* the engine does not own it: memcheck counts it lost */
    c->done = NULL;
    if (!c->finished)
        return des_deadlock_error(c, e);
    return des_collect(c, r, e);
}

/* Indices a plan from elsewhere (tests) must respect before the engine trusts them. */
static int check_plan(const plat_t *p, const sched_t *s, const res_result *r, const plan_t *pl,
                      err_t *e)
{
    if (pl->nsegs != r->nsegs || pl->nwindows != s->nwindows)
        return err_internal(e, "plan: %d segments in %d windows, the schedule has %d in %d",
                            pl->nsegs, pl->nwindows, r->nsegs, s->nwindows);
    for (int w = 0; w < pl->nwindows; w++)
        for (int si = pl->win_first[w]; si < pl->win_first[w + 1]; si++)
            if (pl->segs[si].window != w)
                return err_internal(e, "plan: segment %d is not in window %d", si, w);
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        const res_seg *rs = &r->segs[si];
        if (ps->part != rs->part || ps->model != rs->model || ps->chiplet != rs->chiplet ||
            ps->nminibatches < 1 || ps->dram < 0 || ps->dram >= p->ndrams ||
            !(ps->cycles >= 0) || !(ps->weight_bytes >= 0) || !(ps->gather_bytes >= 0))
            return err_internal(e, "plan: segment %d does not match the schedule", si);
        for (int j = 0; j < ps->nin + ps->nout; j++) {
            const plan_edge *ed = j < ps->nin ? &ps->in[j] : &ps->out[j - ps->nin];
            int ok = ed->kind == PLAN_SEG ? ed->seg >= 0 && ed->seg < pl->nsegs
                                          : ed->dram >= 0 && ed->dram < p->ndrams;
            if (!ok || !(ed->bytes >= 0) || !isfinite(ed->bytes))
                return err_internal(e, "plan: segment %d has a bad edge", si);
        }
    }
    return ERR_OK;
}

int des_simulate(const plat_t *p, const scn_t *scn, const sched_t *s, const plan_t *pl,
                 const eval_opts *o, res_result *r, err_t *e)
{
    eval_opts defaults = {0};
    plan_t own = {0};
    int rc = ERR_OK;
    if (!o)
        o = &defaults;
    if (!pl && !(rc = plan_build(p, scn, s, &own, e)))
        pl = &own;
    long execs = 0, transfers = 0;
    if (!rc && pl)
        des_count(pl, &execs, &transfers);
    if (!rc && execs + transfers > DES_MAX_EVENTS)
        rc = err_at(e, s->path ? s->path : "<schedule>", 0,
                    "the simulation would run %ld computes and %ld transfers, more than %ld "
                    "(larger mini-batches or fewer segments)", execs, transfers, DES_MAX_EVENTS);
    if (rc) {
        plan_free(&own);
        return rc;
    }
    if (res_init(r, p, scn, s)) {
        plan_free(&own);
        return err_internal(e, "out of memory");
    }
    des_ctx c = {.p = p, .scn = scn, .pl = pl, .o = o, .level = o->nop ? o->nop : nop_level_find(p->nop.model)};
    if (!c.level)
        c.level = nop_level_find(NULL);
    rc = check_plan(p, s, r, pl, e);
    if (!rc)
        rc = simulate(&c, r, e);
    if (!rc) {
        r->simulated = 1;
        snprintf(r->nop, sizeof r->nop, "%s", c.level->name);
        res_finish(r, scn);
        if (des_input_causes(&c, r))
            rc = err_internal(e, "out of memory collecting the simulation's figures");
    }
    des_ctx_free(&c);
    plan_free(&own);
    if (rc)
        res_free(r);
    return rc;
}

void des_count(const plan_t *pl, long *execs, long *transfers)
{
    *execs = *transfers = 0;
    for (int si = 0; si < pl->nsegs; si++) {
        const plan_seg *ps = &pl->segs[si];
        long n = ps->nminibatches;
        if (ps->cycles > 0)
            *execs += n;
        for (int j = 0; j < ps->nin; j++) {
            const plan_edge *ed = &ps->in[j];
            int cross = ed->kind == PLAN_DRAM || pl->segs[ed->seg].chiplet != ps->chiplet;
            if (cross && ed->bytes > 0)
                *transfers += n;
        }
        for (int j = 0; j < ps->nout; j++)
            if (ps->out[j].kind == PLAN_DRAM && ps->out[j].bytes > 0)
                *transfers += n;
        *transfers += (ps->gather_bytes > 0) * n;
        *transfers += ps->weight_bytes > 0 ? (ps->resident ? 1 : n) : 0;
    }
}
