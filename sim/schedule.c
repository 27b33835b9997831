/* schedule.c - loading, checking and writing schedules; see schedule.h.
 *
 * File format (README "Schedule files"):
 *   [schedule]
 *   scenario = ../scenarios/gpt2-resnet50.ini
 *   [window 1]
 *   gpt2.minibatch = 2
 *   gpt2.1 = emb .. h5.add2 @ n00
 *   gpt2.2 = h6.ln1 .. h6.fc2 @ n10+n11 split=k
 *   gpt2.3 = h7.ln1 .. lm_head @ n01
 * Windows are numbered from 1 in order; a model's segments from 1 in order.
 * A segment on several chiplets ("A+B+...") is split over them, one slice per
 * chiplet in the order given; split= says how (split.h): k output channels
 * (partial outputs gathered, or reduced after an input-channel layer), c input
 * channels (partial sums reduced), n samples of the mini-batch. A chiplet may
 * hold one slice of a segment.
 *   [decode]
 *   gpt2.1 = embed .. h11.add2 @ n01
 *   gpt2.2 = h12.ln1 .. lm_head @ n11
 * gives a GPT-2 model's decode steps segments of their own, covering all its
 * layers, on chiplets no window uses (serve.h: disaggregated serving); no
 * minibatch key, a decode step running its requests as one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "schedule.h"

static void free_part(sched_part *pt)
{
    for (int k = 0; pt->splits && k < pt->nsegs; k++)
        free(pt->splits[k].chips);
    free(pt->splits);
    free(pt->segs);
}

static void free_window(sched_window *w)
{
    for (int i = 0; i < w->nparts; i++)
        free_part(&w->parts[i]);
    free(w->parts);
}

void sched_free(sched_t *s)
{
    for (int w = 0; w < s->nwindows; w++)
        free_window(&s->windows[w]);
    free(s->windows);
    free_window(&s->decode);
    free(s->path);
    memset(s, 0, sizeof *s);
}

/* DW becomes a deep copy of SW; on failure DW holds what was copied, for free_window. */
static int copy_window(sched_window *dw, const sched_window *sw)
{
    *dw = *sw;
    dw->parts = calloc((size_t)sw->nparts + 1, sizeof *dw->parts);
    if (!dw->parts) {
        dw->nparts = 0;
        return ERR_INTERNAL;
    }
    for (int i = 0; i < sw->nparts; i++) {
        const sched_part *sp = &sw->parts[i];
        sched_part *dp = &dw->parts[i];
        *dp = *sp;
        dp->segs = malloc((size_t)sp->nsegs * sizeof(sched_seg) + 1);
        dp->splits = sp->splits ? calloc((size_t)sp->nsegs + 1, sizeof(sched_split)) : NULL;
        int ok = dp->segs && (!sp->splits || dp->splits);
        if (dp->segs)
            memcpy(dp->segs, sp->segs, (size_t)sp->nsegs * sizeof(sched_seg));
        for (int k = 0; ok && dp->splits && k < sp->nsegs; k++) {
            const sched_split *a = &sp->splits[k];
            dp->splits[k] = (sched_split){a->kind, a->nslices, NULL, a->line};
            if (a->chips && !(dp->splits[k].chips = malloc((size_t)a->nslices * sizeof(int))))
                ok = 0;
            else if (a->chips)
                memcpy(dp->splits[k].chips, a->chips, (size_t)a->nslices * sizeof(int));
        }
        if (!ok) {
            dw->nparts = i + 1;
            return ERR_INTERNAL;
        }
    }
    return ERR_OK;
}

int sched_copy(sched_t *dst, const sched_t *src)
{
    memset(dst, 0, sizeof *dst);
    dst->windows = calloc((size_t)src->nwindows + 1, sizeof *dst->windows);
    if (!dst->windows)
        return ERR_INTERNAL;
    int rc = ERR_OK;
    for (int w = 0; !rc && w < src->nwindows; w++) {
        dst->nwindows = w + 1;
        rc = copy_window(&dst->windows[w], &src->windows[w]);
    }
    if (!rc)
        rc = copy_window(&dst->decode, &src->decode);
    if (!rc && src->path && !(dst->path = strdup(src->path)))
        rc = ERR_INTERNAL;
    if (rc)
        sched_free(dst);
    return rc;
}

static const char *where(const sched_t *s)
{
    return s->path ? s->path : "<schedule>";
}

split_kind sched_seg_split(const sched_part *pt, int k)
{
    return pt->splits ? pt->splits[k].kind : SPLIT_NONE;
}

int sched_seg_slices(const sched_part *pt, int k)
{
    return sched_seg_split(pt, k) == SPLIT_NONE ? 1 : pt->splits[k].nslices;
}

int sched_seg_chiplet(const sched_part *pt, int k, int i)
{
    return sched_seg_split(pt, k) == SPLIT_NONE ? pt->segs[k].chiplet : pt->splits[k].chips[i];
}

const sched_part *sched_part_of(const sched_window *w, int model)
{
    for (int i = 0; i < w->nparts; i++)
        if (w->parts[i].model == model)
            return &w->parts[i];
    return NULL;
}

/* Segment K of PT, split: its chiplets, each once, and layers that split so. */
static int check_split(const plat_t *p, const scn_t *scn, const sched_t *s, const sched_part *pt, int k,
                       err_t *e)
{
    const wl_model *wm = &scn->models[pt->model].model;
    const sched_seg *sg = &pt->segs[k];
    const sched_split *sp = &pt->splits[k];
    int line = sp->line ? sp->line : pt->line, w = sp->nslices;
    if (w < 2 || !sp->chips)
        return err_at(e, where(s), line, "split=%s needs two or more chiplets (A+B)",
                      split_kind_name(sp->kind));
    for (int i = 0; i < w; i++) {
        int ch = sched_seg_chiplet(pt, k, i);
        if (ch < 0 || ch >= p->nchiplets)
            return err_at(e, where(s), line, "split segment: no such chiplet");
        for (int j = 0; j < i; j++)
            if (sched_seg_chiplet(pt, k, j) == ch)
                return err_at(e, where(s), line, "segment is split over chiplet %s twice",
                              p->chiplets[ch].name);
    }
    if (sp->kind == SPLIT_N) {
        if (pt->minibatch < w)
            return err_at(e, where(s), line, "split=n over %d chiplets needs a mini-batch of at least %d, "
                          "not %ld", w, w, pt->minibatch);
        return ERR_OK;
    }
    split_mode *modes = malloc(((size_t)(sg->last - sg->first) + 1) * sizeof *modes);
    if (!modes)
        return err_internal(e, "out of memory");
    int bad;
    char why[160];
    int rc = split_modes(wm, sg->first, sg->last, sp->kind, w, modes, &bad, why, sizeof why);
    free(modes);
    if (rc)
        return err_at(e, where(s), line, "split=%s over %d chiplets: layer %s %s",
                      split_kind_name(sp->kind), w, wm->layers[bad].name, why);
    return ERR_OK;
}

/* PT's mini-batch and segments, the first starting at layer *NEXT, which
   it advances past the last; IN names where PT is, for messages. */
static int check_part(const plat_t *p, const scn_t *scn, const sched_t *s, const sched_part *pt,
                      const char *in, int *next, err_t *e)
{
    int m = pt->model;
    const char *name = scn->models[m].name;
    const wl_model *wm = &scn->models[m].model;
    if (pt->nsegs < 1)
        return err_at(e, where(s), pt->line, "%s: model %s has no segment", in, name);
    if (pt->minibatch < 1 || scn->models[m].batch % pt->minibatch != 0)
        return err_at(e, where(s), pt->line, "%s: %s: mini-batch %ld does not divide the batch %ld",
                      in, name, pt->minibatch, scn->models[m].batch);
    for (int k = 0; k < pt->nsegs; k++) {
        const sched_seg *sg = &pt->segs[k];
        if (sg->chiplet < 0 || sg->chiplet >= p->nchiplets)
            return err_at(e, where(s), pt->line, "%s: %s segment %d: no such chiplet", in, name, k + 1);
        if (sg->first != *next)
            return err_at(e, where(s), pt->line,
                          "%s: %s segment %d starts at layer %s, expected %s "
                          "(segments must cover the layers in order, each once)",
                          in, name, k + 1,
                          sg->first >= 0 && sg->first < wm->nlayers ? wm->layers[sg->first].name : "?",
                          *next < wm->nlayers ? wm->layers[*next].name : "(past the last layer)");
        if (sg->last < sg->first || sg->last >= wm->nlayers)
            return err_at(e, where(s), pt->line, "%s: %s segment %d ends before it starts", in,
                          name, k + 1);
        *next = sg->last + 1;
        int rc = sched_seg_split(pt, k) == SPLIT_NONE ? ERR_OK : check_split(p, scn, s, pt, k, e);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

/* The window and part that use chiplet CH, or -1. */
static int window_using(const sched_t *s, int ch, int *part)
{
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++) {
            const sched_part *pt = &s->windows[w].parts[i];
            for (int k = 0; k < pt->nsegs; k++)
                for (int j = 0; j < sched_seg_slices(pt, k); j++)
                    if (sched_seg_chiplet(pt, k, j) == ch) {
                        *part = i;
                        return w;
                    }
        }
    return -1;
}

/* [decode]: served GPT-2 models only, all their layers, on chiplets of its own. */
static int check_decode(const plat_t *p, const scn_t *scn, const sched_t *s, err_t *e)
{
    for (int i = 0; i < s->decode.nparts; i++) {
        const sched_part *pt = &s->decode.parts[i];
        const scn_model *sm = &scn->models[pt->model];
        if (!sm->llm)
            return err_at(e, where(s), pt->line, "[decode]: model %s is not served token by token "
                          "(not GPT-2): it has no decode step to place", sm->name);
        int next = 0, rc = check_part(p, scn, s, pt, "[decode]", &next, e);
        if (rc)
            return rc;
        if (next != sm->model.nlayers)
            return err_at(e, where(s), pt->line, "[decode]: model %s: layers from %s on are in no "
                          "decode segment", sm->name, sm->model.layers[next].name);
        for (int k = 0; k < pt->nsegs; k++)
            for (int j = 0; j < sched_seg_slices(pt, k); j++) {
                int ch = sched_seg_chiplet(pt, k, j), other, w = window_using(s, ch, &other);
                if (w >= 0)
                    return err_at(e, where(s), pt->line,
                                  "[decode]: %s segment %d is on %s, which window %d gives to %s: "
                                  "a disaggregated decode runs beside the prefill, on chiplets of "
                                  "its own", sm->name, k + 1, p->chiplets[ch].name, w + 1,
                                  scn->models[s->windows[w].parts[other].model].name);
            }
    }
    return ERR_OK;
}

int sched_validate(const plat_t *p, const scn_t *scn, const sched_t *s, err_t *e)
{
    if (s->nwindows < 1)
        return err_at(e, where(s), 0, "no [window N] section");
    for (int w = 0; w < s->nwindows; w++)
        for (int i = 0; i < s->windows[w].nparts; i++)
            if (s->windows[w].parts[i].model < 0 || s->windows[w].parts[i].model >= scn->nmodels)
                return err_at(e, where(s), s->windows[w].parts[i].line, "unknown model");
    for (int m = 0; m < scn->nmodels; m++) {
        const wl_model *wm = &scn->models[m].model;
        int next = 0, last_line = 0;
        for (int w = 0; w < s->nwindows; w++)
            for (int i = 0; i < s->windows[w].nparts; i++) {
                const sched_part *pt = &s->windows[w].parts[i];
                if (pt->model != m)
                    continue;
                last_line = pt->line;
                for (int j = 0; j < i; j++)
                    if (s->windows[w].parts[j].model == m)
                        return err_at(e, where(s), pt->line, "window %d: model %s appears twice",
                                      w + 1, scn->models[m].name);
                char in[32];
                snprintf(in, sizeof in, "window %d", w + 1);
                int rc = check_part(p, scn, s, pt, in, &next, e);
                if (rc)
                    return rc;
            }
        if (next != wm->nlayers)
            return err_at(e, where(s), last_line, "model %s: layers from %s on are in no segment",
                          scn->models[m].name, wm->layers[next].name);
    }
    return check_decode(p, scn, s, e);
}

/* ---- loading ---- */


/* A layer reference: its name, or #INDEX. */
static int layer_ref(const cfg_file *f, int line, const wl_model *m, const char *ref, int *out, err_t *e)
{
    if (ref[0] == '#') {
        long idx;
        if (cfg_parse_long(ref + 1, &idx) || idx < 0 || idx >= m->nlayers)
            return err_at(e, f->path, line, "layer index '%s' is not in 0..%d", ref, m->nlayers - 1);
        *out = (int)idx;
        return ERR_OK;
    }
    *out = wl_find(m, ref);
    if (*out < 0)
        return err_at(e, f->path, line, "model %s has no layer '%s'", m->name, ref);
    return ERR_OK;
}

/* "A+B+... split=KIND" after the '@' of a segment: its chiplets and how it
   is split; CHIPS is cut in place. */
static int parse_chips(const cfg_file *f, int line, const plat_t *p, char *chips, sched_seg *sg,
                       sched_split *sp, err_t *e)
{
    char *kind = strstr(chips, "split=");
    *sp = (sched_split){.kind = SPLIT_NONE, .line = line};
    if (kind) {
        *kind = '\0';
        kind = cfg_trim(kind + 6);
        if (split_kind_parse(kind, &sp->kind))
            return err_at(e, f->path, line, "unknown split kind '%s' (expected split=k, c or n)", kind);
    }
    int n = 1;
    for (const char *c = chips; *c; c++)
        n += *c == '+';
    if (n > 1 && !kind)
        return err_at(e, f->path, line, "a segment on %d chiplets needs split=k, c or n", n);
    if (kind && n < 2)
        return err_at(e, f->path, line, "split=%s needs two or more chiplets (A+B)", kind);
    if (n > 1) {
        if (!(sp->chips = malloc((size_t)n * sizeof *sp->chips)))
            return err_internal(e, "out of memory");
        sp->nslices = n;
    }
    char *save = NULL;
    for (int i = 0; i < n; i++) {
        char *tok = strtok_r(i ? NULL : chips, "+", &save);
        char *name = cfg_trim(tok ? tok : (char *)"");
        int ch = plat_find_chiplet(p, name);
        if (ch < 0)
            return err_at(e, f->path, line, "platform %s has no chiplet '%s'", p->name, name);
        if (i == 0)
            sg->chiplet = ch;
        if (n > 1)
            sp->chips[i] = ch;
    }
    return ERR_OK;
}

/* "FIRST .. LAST @ CHIPLET" or "LAYER @ CHIPLET", CHIPLET possibly
   "A+B+... split=KIND" */
static int parse_seg(const cfg_file *f, const cfg_entry *en, const plat_t *p, const wl_model *m,
                     sched_seg *sg, sched_split *sp, err_t *e)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", en->value);
    char *at = strchr(buf, '@');
    if (!at)
        return err_at(e, f->path, en->line, "segment must be 'FIRST .. LAST @ CHIPLET', not '%s'",
                      en->value);
    *at = '\0';
    int rc = parse_chips(f, en->line, p, at + 1, sg, sp, e);
    if (rc)
        return rc;
    char *dots = strstr(buf, "..");
    if (dots) {
        *dots = '\0';
        if ((rc = layer_ref(f, en->line, m, cfg_trim(buf), &sg->first, e)) ||
            (rc = layer_ref(f, en->line, m, cfg_trim(dots + 2), &sg->last, e)))
            return rc;
    } else {
        if ((rc = layer_ref(f, en->line, m, cfg_trim(buf), &sg->first, e)))
            return rc;
        sg->last = sg->first;
    }
    if (sg->last < sg->first)
        return err_at(e, f->path, en->line, "segment ends (%s) before it starts (%s)",
                      m->layers[sg->last].name, m->layers[sg->first].name);
    return ERR_OK;
}

/* [window N], or with DECODE the [decode] section, whose parts have no
   mini-batch key: a decode step runs the running requests as one. */
static int load_window(cfg_file *f, int sect, const plat_t *p, const scn_t *scn, int decode,
                       sched_window *win, err_t *e)
{
    const char *sec = f->sects[sect];
    win->line = f->sect_lines[sect];
    win->parts = calloc((size_t)scn->nmodels, sizeof *win->parts);
    if (!win->parts)
        return err_internal(e, "out of memory");
    int rc;
    /* parts in the order their first key appears, so a written file reads back the same */
    for (int i = 0; i < f->n; i++) {
        cfg_entry *en = &f->v[i];
        if (strcmp(en->section, sec) != 0)
            continue;
        const char *dot = strrchr(en->key, '.');
        if (!dot)
            return err_at(e, f->path, en->line,
                          "key '%s': expected MODEL.minibatch or MODEL.N (segment N)", en->key);
        char mname[WL_NAME_MAX];
        snprintf(mname, sizeof mname, "%.*s", (int)(dot - en->key), en->key);
        int m = scn_find(scn, mname);
        if (m < 0)
            return err_at(e, f->path, en->line, "scenario %s has no model '%s'", scn->path, mname);
        sched_part *pt = NULL;
        for (int j = 0; j < win->nparts; j++)
            if (win->parts[j].model == m)
                pt = &win->parts[j];
        if (!pt) {
            pt = &win->parts[win->nparts++];
            pt->model = m;
            pt->line = en->line;
            pt->minibatch = 0;
            pt->segs = calloc((size_t)scn->models[m].model.nlayers, sizeof *pt->segs);
            if (!pt->segs)
                return err_internal(e, "out of memory");
        }
        en->used = 1;
        if (strcmp(dot + 1, "minibatch") == 0 && decode)
            return err_at(e, f->path, en->line, "[decode]: no '%s' here: a decode step runs its "
                          "running requests as one mini-batch", en->key);
        if (strcmp(dot + 1, "minibatch") == 0) {
            if ((rc = cfg_long(f, en, 1, scn->models[m].batch, &pt->minibatch, e)))
                return rc;
            if (scn->models[m].batch % pt->minibatch)
                return err_at(e, f->path, en->line, "mini-batch %ld does not divide %s's batch %ld",
                              pt->minibatch, mname, scn->models[m].batch);
            continue;
        }
        long k;
        if (cfg_parse_long(dot + 1, &k) || k < 1)
            return err_at(e, f->path, en->line,
                          "key '%s': expected MODEL.minibatch or MODEL.N (segment N >= 1)", en->key);
        if (k != pt->nsegs + 1)
            return err_at(e, f->path, en->line, "segment %s.%ld follows %s.%d: number segments 1, 2, ... in order",
                          mname, k, mname, pt->nsegs);
        if (pt->nsegs >= scn->models[m].model.nlayers)
            return err_at(e, f->path, en->line, "more segments than %s has layers", mname);
        sched_split sp = {0};
        rc = parse_seg(f, en, p, &scn->models[m].model, &pt->segs[pt->nsegs], &sp, e);
        if (!rc && sp.kind != SPLIT_NONE && !pt->splits &&
            !(pt->splits = calloc((size_t)scn->models[m].model.nlayers, sizeof *pt->splits)))
            rc = err_internal(e, "out of memory");
        if (rc) {
            free(sp.chips);
            return rc;
        }
        if (pt->splits)
            pt->splits[pt->nsegs] = sp;
        pt->nsegs++;
    }
    for (int j = 0; j < win->nparts; j++) {
        sched_part *pt = &win->parts[j];
        if (decode)
            pt->minibatch = scn->models[pt->model].batch;
        if (pt->minibatch == 0)
            return err_at(e, f->path, pt->line, "[%s]: missing key '%s.minibatch'", sec,
                          scn->models[pt->model].name);
        if (pt->nsegs == 0)
            return err_at(e, f->path, pt->line, "[%s]: model %s has no segment (%s.1 = ...)", sec,
                          scn->models[pt->model].name, scn->models[pt->model].name);
    }
    if (win->nparts == 0)
        return err_at(e, f->path, win->line, "[%s] runs no model", sec);
    return ERR_OK;
}

/* The scenario's SETS: the N values sweep gives it. */
typedef struct {
    const cfg_set *sets;
    int n;
} scn_sets;

static int load_file(cfg_file *f, const plat_t *p, const scn_sets *ss, scn_t *scn, sched_t *s,
                     err_t *e)
{
    cfg_entry *en;
    int rc;
    if (!cfg_section_line(f, "schedule"))
        return err_at(e, f->path, 0, "missing section [schedule]");
    if ((rc = cfg_need(f, "schedule", "scenario", &en, e)))
        return rc;
    char *spath = cfg_resolve_path(f->path, en->value);
    if (!spath)
        return err_internal(e, "out of memory");
    rc = scn_load_set(spath, ss->sets, ss->n, scn, e);
    free(spath);
    if (rc)
        return rc;
    s->windows = calloc((size_t)f->nsects, sizeof *s->windows);
    if (!s->windows)
        return err_internal(e, "out of memory");
    for (int i = 0; i < f->nsects; i++) {
        const char *sec = f->sects[i];
        if (strcmp(sec, "schedule") == 0)
            continue;
        if (strcmp(sec, "decode") == 0) {
            if (s->decode.parts)
                return err_at(e, f->path, f->sect_lines[i], "a second [decode] section");
            if ((rc = load_window(f, i, p, scn, 1, &s->decode, e)))
                return rc;
            continue;
        }
        long num;
        if (strncmp(sec, "window ", 7) != 0 || cfg_parse_long(sec + 7, &num))
            return err_at(e, f->path, f->sect_lines[i],
                          "unknown section (expected [schedule], [window N] or [decode])");
        if (num != s->nwindows + 1)
            return err_at(e, f->path, f->sect_lines[i],
                          "[%s]: windows are numbered 1, 2, ... in order (expected %d)", sec,
                          s->nwindows + 1);
        s->nwindows++;
        if ((rc = load_window(f, i, p, scn, 0, &s->windows[s->nwindows - 1], e)))
            return rc;
    }
    return cfg_check_used(f, NULL, e);
}

int sched_load(const char *path, const plat_t *p, scn_t *scn, sched_t *s, err_t *e)
{
    return sched_load_set(path, p, NULL, 0, scn, s, e);
}

int sched_load_set(const char *path, const plat_t *p, const cfg_set *scn_set, int nsets,
                   scn_t *scn, sched_t *s, err_t *e)
{
    scn_sets ss = {scn_set, nsets};
    memset(s, 0, sizeof *s);
    memset(scn, 0, sizeof *scn);
    cfg_file f;
    int rc = cfg_load(path, &f, e);
    if (rc)
        return rc;
    if (!(s->path = strdup(path)))
        rc = err_internal(e, "out of memory");
    if (!rc)
        rc = load_file(&f, p, &ss, scn, s, e);
    cfg_free(&f);
    if (!rc)
        rc = sched_validate(p, scn, s, e);
    if (rc) {
        sched_free(s);
        scn_free(scn);
    }
    return rc;
}

/* The parts of W, one MODEL.minibatch key each unless DECODE. */
static void write_window(FILE *out, const plat_t *p, const scn_t *scn, const sched_window *w,
                         int decode)
{
    for (int i = 0; i < w->nparts; i++) {
        const sched_part *pt = &w->parts[i];
        const scn_model *sm = &scn->models[pt->model];
        if (!decode)
            fprintf(out, "%s.minibatch = %ld\n", sm->name, pt->minibatch);
        for (int k = 0; k < pt->nsegs; k++) {
            const sched_seg *sg = &pt->segs[k];
            fprintf(out, "%s.%d = %s .. %s @ ", sm->name, k + 1,
                    sm->model.layers[sg->first].name, sm->model.layers[sg->last].name);
            for (int j = 0; j < sched_seg_slices(pt, k); j++)
                fprintf(out, "%s%s", j ? "+" : "", p->chiplets[sched_seg_chiplet(pt, k, j)].name);
            if (sched_seg_split(pt, k) != SPLIT_NONE)
                fprintf(out, " split=%s", split_kind_name(sched_seg_split(pt, k)));
            fputc('\n', out);
        }
    }
}

int sched_write(FILE *out, const plat_t *p, const scn_t *scn, const sched_t *s,
                const char *scenario_ref)
{
    fprintf(out, "; mcmsim schedule for platform %s\n\n[schedule]\nscenario = %s\n", p->name,
            scenario_ref);
    for (int w = 0; w < s->nwindows; w++) {
        fprintf(out, "\n[window %d]\n", w + 1);
        write_window(out, p, scn, &s->windows[w], 0);
    }
    if (s->decode.nparts) {
        fprintf(out, "\n[decode]\n");
        write_window(out, p, scn, &s->decode, 1);
    }
    return ferror(out) ? ERR_INTERNAL : ERR_OK;
}
