/* scenario.c - loading of model mixes; see scenario.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "scenario.h"

int scn_find(const scn_t *s, const char *name)
{
    for (int i = 0; i < s->nmodels; i++)
        if (strcmp(s->models[i].name, name) == 0)
            return i;
    return -1;
}

void scn_free(scn_t *s)
{
    for (int i = 0; i < s->nmodels; i++)
        wl_free(&s->models[i].model);
    free(s->models);
    free(s->path);
    memset(s, 0, sizeof *s);
}

/* Scenario names appear in schedules as "NAME.minibatch" and in reports. */
static int check_model_name(const cfg_file *f, int line, const char *name, err_t *e)
{
    if (!*name || strlen(name) >= WL_NAME_MAX)
        return err_at(e, f->path, line, "model name '%s' must be 1 to %d characters", name,
                      WL_NAME_MAX - 1);
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return err_at(e, f->path, line,
                          "model name '%s': use letters, digits, '-' and '_' only", name);
    return ERR_OK;
}

/* "N" or "uniform LO HI", tokens, into D. */
static int parse_dist(const cfg_file *f, const cfg_entry *en, scn_dist *d, err_t *e)
{
    char rest[64];
    long lo, hi;
    int n = 0;
    if (cfg_parse_long(en->value, &lo) == 0) {
        hi = lo;
    } else if (sscanf(en->value, "uniform %ld %ld%n", &lo, &hi, &n) != 2 ||
               sscanf(en->value + n, "%63s", rest) == 1) {
        return err_at(e, f->path, en->line, "%s = '%s': expected N or 'uniform LO HI' (tokens)",
                      en->key, en->value);
    }
    if (lo < 1 || hi < lo)
        return err_at(e, f->path, en->line, "%s = '%s': lengths must be 1 <= LO <= HI", en->key,
                      en->value);
    *d = (scn_dist){lo, hi, en->line};
    return ERR_OK;
}

/* The serving keys of section SEC (scenario.h), after its model is loaded. */
static int load_serving(cfg_file *f, const char *sec, scn_model *m, err_t *e)
{
    const wl_model *w = &m->model;
    m->llm = w->has_tf && w->tf.family == WL_GPT2;
    /* the default leaves room for the one output token */
    long seq = m->llm && w->tf.seq >= w->tf.context ? w->tf.context - 1 : w->tf.seq;
    m->prompt = (scn_dist){m->llm ? seq : 0, m->llm ? seq : 0, 0};
    m->output = (scn_dist){1, 1, 0};
    m->share = 1;
    int rc;
    cfg_entry *en = cfg_get(f, sec, "share");
    if (en && (rc = cfg_quantity(f, en, CFG_UNIT_NONE, 1e-9, 1e9, &m->share, e)))
        return rc;
    const char *keys[2] = {"prompt_tokens", "output_tokens"};
    scn_dist *d[2] = {&m->prompt, &m->output};
    for (int i = 0; i < 2; i++) {
        if (!(en = cfg_get(f, sec, keys[i])))
            continue;
        if (!m->llm)
            return err_at(e, f->path, en->line, "%s is for GPT-2 models (served token by token)",
                          keys[i]);
        if ((rc = parse_dist(f, en, d[i], e)))
            return rc;
    }
    if (m->llm && m->prompt.hi + m->output.hi > w->tf.context)
        return err_at(e, f->path, m->output.line ? m->output.line : m->prompt.line,
                      "prompt_tokens + output_tokens can reach %ld, more than the context of "
                      "%ld positions", m->prompt.hi + m->output.hi, w->tf.context);
    return ERR_OK;
}

static int load_models(cfg_file *f, void *arg, err_t *e)
{
    scn_t *s = arg;
    s->models = calloc((size_t)f->nsects + 1, sizeof *s->models);
    if (!s->models)
        return err_internal(e, "out of memory");
    int rc;
    for (int i = 0; i < f->nsects; i++) {
        const char *sec = f->sects[i];
        int line = f->sect_lines[i];
        if (strncmp(sec, "model ", 6) != 0)
            return err_at(e, f->path, line, "unknown section (expected [model NAME])");
        if ((rc = check_model_name(f, line, sec + 6, e)))
            return rc;
        if (scn_find(s, sec + 6) >= 0)
            return err_at(e, f->path, line, "duplicate model '%s'", sec + 6);
        scn_model *m = &s->models[s->nmodels];
        snprintf(m->name, sizeof m->name, "%s", sec + 6);
        cfg_entry *en;
        if ((rc = cfg_need(f, sec, "batch", &en, e)) ||
            (rc = cfg_long(f, en, 1, SCN_BATCH_MAX, &m->batch, e)))
            return rc;
        if ((rc = cfg_need(f, sec, "workload", &en, e)))
            return rc;
        char *wpath = cfg_resolve_path(f->path, en->value);
        if (!wpath)
            return err_internal(e, "out of memory");
        rc = wl_load(wpath, &m->model, e);
        free(wpath);
        if (rc || (rc = load_serving(f, sec, m, e))) {
            wl_free(&m->model);
            return rc;
        }
        s->nmodels++;
    }
    if ((rc = cfg_check_used(f, NULL, e)))
        return rc;
    if (s->nmodels == 0)
        return err_at(e, f->path, 0, "no [model NAME] section");
    return ERR_OK;
}

int scn_load(const char *path, scn_t *s, err_t *e)
{
    return scn_load_set(path, NULL, 0, s, e);
}

int scn_load_set(const char *path, const cfg_set *sets, int nsets, scn_t *s, err_t *e)
{
    memset(s, 0, sizeof *s);
    int rc = cfg_parse_file_set(path, sets, nsets, load_models, s, e);
    if (!rc && !(s->path = strdup(path)))
        rc = err_internal(e, "out of memory");
    if (rc)
        scn_free(s);
    return rc;
}
