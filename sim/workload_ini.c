/* workload_ini.c - a workload INI: [model], and either a [layers] list (a
 * line per layer: KIND KEY=VALUE ...) or a [transformer] spec; see workload.h
 * and README.
 *
 * The reader checks what a line says (its kind, known keys given once, the
 * keys its kind needs), resolves in= names and fills in the defaults of keys
 * left out; ranges and shapes are wl_finish's to check, so that a model built
 * in memory meets the same ones. A [transformer] section becomes a wl_tf_spec,
 * whose problems are reported at the line of the key that causes them. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "workload_int.h"

/* ---- [model] and the sections ------------------------------------------ */

static int check_sections(const cfg_file *f, err_t *e)
{
    int bodies = 0;
    for (int i = 0; i < f->nsects; i++) {
        const char *s = f->sects[i];
        if (strcmp(s, "model") && strcmp(s, "layers") && strcmp(s, "transformer"))
            return err_at(e, f->path, f->sect_lines[i],
                          "unknown section (a workload has [model] and either [layers] or "
                          "[transformer])");
        if (strcmp(s, "model") && ++bodies > 1)
            return err_at(e, f->path, f->sect_lines[i],
                          "a workload has either [layers] or [transformer], not both");
    }
    if (!bodies)
        return err_at(e, f->path, 0, "no [layers] or [transformer] section");
    return cfg_check_used(f, "", e);
}

static int load_model_section(cfg_file *f, wl_model *m, err_t *e)
{
    cfg_entry *name = cfg_get(f, "model", "name");
    cfg_entry *eb = cfg_get(f, "model", "elem_bytes");
    int rc = cfg_check_used(f, "model", e);
    if (rc)
        return rc;
    char buf[64];
    const char *why = name ? wl_name_problem(name->value, buf, sizeof buf) : NULL;
    if (why)
        return err_at(e, f->path, name->line, "model name '%s': %s", name->value, why);
    if (name)
        snprintf(m->name, sizeof m->name, "%s", name->value);
    else
        wl_name_from_path(f->path, m->name, sizeof m->name);
    long v = 1;
    if (eb && (rc = cfg_long(f, eb, 1, 8, &v, e)))
        return rc;
    m->elem_bytes = (int)v;
    return ERR_OK;
}

/* ---- [layers] ---------------------------------------------------------- */

/* Resolves an in= list: names of earlier layers, or "input". */
static int parse_inputs(const cfg_file *f, const cfg_entry *en, const wl_model *m, wl_layer *l,
                        char *list, err_t *e)
{
    l->ninputs = 0;
    for (char *nm = list, *next; nm; nm = next) {
        next = strchr(nm, ',');
        if (next)
            *next++ = '\0';
        if (l->ninputs == WL_MAX_INPUTS)
            return err_at(e, f->path, en->line, "%s: too many inputs (at most %d)", en->key,
                          WL_MAX_INPUTS);
        int idx = wl_find(m, nm);
        if (strcmp(nm, "input") && idx < 0) {
            if (strcmp(nm, en->key) == 0)
                return err_at(e, f->path, en->line, "%s: a layer cannot read itself", en->key);
            for (int i = 0; i < f->n; i++)
                if (strcmp(f->v[i].section, "layers") == 0 && strcmp(f->v[i].key, nm) == 0)
                    return err_at(e, f->path, en->line,
                                  "%s: input '%s' is defined later, at line %d (a layer reads "
                                  "only layers above it)", en->key, nm, f->v[i].line);
            return err_at(e, f->path, en->line, "%s: input '%s' names no layer", en->key, nm);
        }
        l->inputs[l->ninputs++] = idx;
    }
    return ERR_OK;
}

static int parse_operand(const cfg_file *f, const cfg_entry *en, const char *v, wl_operand *b,
                         err_t *e)
{
    static const char *const names[] = {"weight", "act", "kv"};
    for (int i = 0; i < 3; i++)
        if (strcmp(v, names[i]) == 0) {
            *b = (wl_operand)i;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "%s: b = '%s' (expected weight, act or kv)", en->key, v);
}

/* One KEY=VALUE token of a layer line; *GIVEN has a bit per wl_key_defs entry. */
static int parse_token(const cfg_file *f, const cfg_entry *en, const wl_model *m, wl_layer *l,
                       char *tok, unsigned long *given, err_t *e)
{
    char *eq = strchr(tok, '=');
    if (!eq || eq == tok || !eq[1])
        return err_at(e, f->path, en->line, "%s: '%s' is not KEY=VALUE", en->key, tok);
    *eq = '\0';
    const char *val = eq + 1;
    unsigned form = wl_form_of(l);
    int i = wl_key_find(tok, form);
    if (i < 0) {
        char keys[128];
        return err_at(e, f->path, en->line, "%s: unknown key '%s' (%s takes: %s)", en->key, tok,
                      wl_layer_kind(l), wl_key_list(form, 0, keys, sizeof keys));
    }
    if (*given & (1UL << i))
        return err_at(e, f->path, en->line, "%s: '%s' given twice", en->key, tok);
    *given |= 1UL << i;
    const wl_key_def *d = &wl_key_defs[i];
    if (d->type == WL_KEY_INPUTS)
        return parse_inputs(f, en, m, l, eq + 1, e);
    if (d->type == WL_KEY_OPERAND)
        return parse_operand(f, en, val, &l->b, e);
    long v;
    if (cfg_parse_long(val, &v))
        return err_at(e, f->path, en->line, "%s: '%s': bad integer '%s'", en->key, tok, val);
    if (d->type == WL_KEY_FLAG) {
        if (v != 0 && v != 1)
            return err_at(e, f->path, en->line, "%s: '%s' must be 0 or 1", en->key, tok);
        *(int *)((char *)l + d->off) = (int)v;
    } else {
        *(long *)((char *)l + d->off) = v;
    }
    return ERR_OK;
}

static int given_key(unsigned long given, unsigned form, const char *key)
{
    int i = wl_key_find(key, form);
    return i >= 0 && ((given >> i) & 1);
}

/* The keys a layer line must give, and the sizes it must not give twice over. */
static int check_given(const cfg_file *f, const cfg_entry *en, const wl_layer *l,
                       unsigned long given, err_t *e)
{
    unsigned form = wl_form_of(l);
    for (int i = 0; i < wl_nkeys; i++)
        if ((wl_key_defs[i].required & form) && !(given & (1UL << i))) {
            char keys[128];
            return err_at(e, f->path, en->line, "%s: missing key '%s' (%s needs: %s)", en->key,
                          wl_key_defs[i].key, wl_layer_kind(l),
                          wl_key_list(form, 1, keys, sizeof keys));
        }
    int shaped = 0;
    for (const char *const *k = (const char *const[]){"c", "h", "w", "m", "n", NULL}; *k; k++)
        shaped |= given_key(given, form, *k);
    if (form == WL_F_ELEM && shaped && given_key(given, form, "elems"))
        return err_at(e, f->path, en->line, "%s: give elems or a shape (c h w, m n), not both",
                      en->key);
    return ERR_OK;
}

/* Defaults of the keys a layer line left out. Convolutions pad to keep the
   size at stride 1 ("same"), as hand-written CNNs almost always do; pools
   follow PyTorch (stride = window, no padding) and default to a global pool. */
static void layer_defaults(wl_layer *l, unsigned long given, int index)
{
    unsigned form = wl_form_of(l);
    if (form == WL_F_CONV) {
        if (!given_key(given, form, "s"))
            l->s = l->r;
        if (!given_key(given, form, "stride"))
            l->stride = 1;
        if (!given_key(given, form, "pad"))
            l->pad = (l->r - 1) / 2;
        if (!given_key(given, form, "groups"))
            l->groups = 1;
    } else if (form == WL_F_POOL) {
        int has_r = given_key(given, form, "r");
        if (!has_r)
            l->r = l->h;
        if (!given_key(given, form, "s"))
            l->s = has_r ? l->r : l->w;
        if (!given_key(given, form, "stride"))
            l->stride = l->r;
    } else if (form == WL_F_MATMUL && !given_key(given, form, "heads")) {
        l->heads = 1;
    }
    if (!given_key(given, form, "in")) {
        l->ninputs = 1;
        l->inputs[0] = index - 1;
    }
}

static int parse_layer(const cfg_file *f, const cfg_entry *en, wl_model *m, int *cap, err_t *e)
{
    wl_layer l = {0};
    char *buf = strdup(en->value);
    if (!buf)
        return err_internal(e, "out of memory");
    char *save;
    char *tok = strtok_r(buf, " \t", &save);
    int rc = ERR_OK;
    if (!tok || wl_kind_parse(tok, &l.kind, &l.op)) {
        char kinds[128];
        rc = err_at(e, f->path, en->line, "%s: unknown layer kind '%s' (kinds:%s)", en->key,
                    tok ? tok : "", wl_kind_list(kinds, sizeof kinds));
    }
    unsigned long given = 0;
    while (!rc && (tok = strtok_r(NULL, " \t", &save)))
        rc = parse_token(f, en, m, &l, tok, &given, e);
    free(buf);
    if (rc || (rc = check_given(f, en, &l, given, e)))
        return rc;
    layer_defaults(&l, given, m->nlayers);
    return wl_push_layer(m, cap, en->key, &l, en->line, e);
}

static int load_layers(cfg_file *f, wl_model *m, err_t *e)
{
    int cap = 0, rc;
    for (int i = 0; i < f->n; i++) {
        cfg_entry *en = &f->v[i];
        if (strcmp(en->section, "layers"))
            continue;
        en->used = 1;
        if ((rc = parse_layer(f, en, m, &cap, e)))
            return rc;
    }
    if (m->nlayers == 0)
        return err_at(e, f->path, cfg_section_line(f, "layers"), "[layers] has no layers");
    return wl_finish(m, e);
}

/* ---- [transformer] ----------------------------------------------------- */

/* The integer keys of [transformer]. */
static const struct {
    const char *key;
    size_t off;
    long min, max;
    int required;
} tf_keys[] = {
    {"d_model", offsetof(wl_tf_spec, d_model), 1, 1L << 20, 1},
    {"layers", offsetof(wl_tf_spec, nlayers), 1, 1L << 12, 1},
    {"heads", offsetof(wl_tf_spec, heads), 1, 1L << 12, 1},
    {"seq", offsetof(wl_tf_spec, seq), 1, 1L << 24, 0},
    {"vocab", offsetof(wl_tf_spec, vocab), 1, 1L << 24, 0},
    {"context", offsetof(wl_tf_spec, context), 1, 1L << 24, 0},
    {"kv_len", offsetof(wl_tf_spec, kv_len), 0, 1L << 24, 0},
};
#define NTF_KEYS (int)(sizeof tf_keys / sizeof tf_keys[0])

/* The published GPT-2 and BERT sizes, for `size = ...` instead of the three keys. */
static const struct {
    wl_family family;
    const char *name;
    long d_model, layers, heads;
} tf_sizes[] = {
    {WL_GPT2, "small", 768, 12, 12},  {WL_GPT2, "medium", 1024, 24, 16},
    {WL_GPT2, "large", 1280, 36, 20}, {WL_GPT2, "xl", 1600, 48, 25},
    {WL_BERT, "base", 768, 12, 12},   {WL_BERT, "large", 1024, 24, 16},
};

static int apply_size(const cfg_file *f, const cfg_entry *en, wl_tf_spec *spec, err_t *e)
{
    for (size_t i = 0; i < sizeof tf_sizes / sizeof tf_sizes[0]; i++)
        if (tf_sizes[i].family == spec->family && strcmp(tf_sizes[i].name, en->value) == 0) {
            spec->d_model = tf_sizes[i].d_model;
            spec->nlayers = tf_sizes[i].layers;
            spec->heads = tf_sizes[i].heads;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "'size': unknown size '%s' (%s)", en->value,
                  spec->family == WL_GPT2 ? "small, medium, large or xl" : "base or large");
}

/* Maps an entry's value to one of NAMES (index into *OUT). */
static int parse_word(const cfg_file *f, const cfg_entry *en, const char *const *names, int n,
                      int *out, err_t *e)
{
    for (int i = 0; i < n; i++)
        if (strcmp(en->value, names[i]) == 0) {
            *out = i;
            return ERR_OK;
        }
    return err_at(e, f->path, en->line, "'%s': unknown value '%s' (expected %s or %s)", en->key,
                  en->value, names[0], names[1]);
}

static int load_tf_spec(cfg_file *f, int elem_bytes, wl_tf_spec *spec, err_t *e)
{
    static const char *const families[] = {"gpt2", "bert"}, *const phases[] = {"prefill", "decode"};
    const char *sec = "transformer";
    cfg_entry *ent[NTF_KEYS];
    for (int i = 0; i < NTF_KEYS; i++)
        ent[i] = cfg_get(f, sec, tf_keys[i].key);
    cfg_entry *fam = cfg_get(f, sec, "family"), *phase = cfg_get(f, sec, "phase");
    cfg_entry *lm = cfg_get(f, sec, "lm_head"), *size = cfg_get(f, sec, "size");
    int rc = cfg_check_used(f, sec, e);
    int v;
    if (rc || (rc = cfg_need(f, sec, "family", &fam, e)) ||
        (rc = parse_word(f, fam, families, 2, &v, e)))
        return rc;
    wl_tf_defaults(spec, (wl_family)v);
    spec->elem_bytes = elem_bytes;
    if (size && (rc = apply_size(f, size, spec, e)))
        return rc;
    for (int i = 0; i < NTF_KEYS; i++) {
        if (!ent[i] && tf_keys[i].required && !size)
            return err_at(e, f->path, cfg_section_line(f, sec), "[%s]: missing key '%s'", sec,
                          tf_keys[i].key);
        long *field = (long *)((char *)spec + tf_keys[i].off);
        if (ent[i] && (rc = cfg_long(f, ent[i], tf_keys[i].min, tf_keys[i].max, field, e)))
            return rc;
    }
    if (phase && (rc = parse_word(f, phase, phases, 2, &v, e)))
        return rc;
    spec->phase = phase ? (wl_phase)v : WL_PREFILL;
    long lm_head = spec->lm_head;
    if (lm && (rc = cfg_long(f, lm, 0, 1, &lm_head, e)))
        return rc;
    spec->lm_head = (int)lm_head;
    char buf[160];
    const char *key;
    const char *why = wl_tf_problem(spec, buf, sizeof buf, &key);
    if (!why)
        return ERR_OK;
    const cfg_entry *at = key ? cfg_get(f, sec, key) : NULL;
    return err_at(e, f->path, at ? at->line : cfg_section_line(f, sec), "[%s]: %s", sec, why);
}

/* ---- the file ---------------------------------------------------------- */

static int load_ini_body(cfg_file *f, void *arg, err_t *e)
{
    wl_model *m = arg;
    int rc;
    if ((rc = check_sections(f, e)) || (rc = load_model_section(f, m, e)))
        return rc;
    if (!cfg_section_line(f, "transformer")) {
        if (!(m->path = strdup(f->path)))
            return err_internal(e, "out of memory");
        return load_layers(f, m, e);
    }
    wl_tf_spec spec;
    char name[WL_NAME_MAX];
    snprintf(name, sizeof name, "%s", m->name);
    if ((rc = load_tf_spec(f, m->elem_bytes, &spec, e)) || (rc = wl_transformer(&spec, name, m, e)))
        return rc;
    if (!(m->path = strdup(f->path)))
        return err_internal(e, "out of memory");
    /* Generated layers point at the spec they came from. */
    for (int i = 0; i < m->nlayers; i++)
        m->layers[i].line = cfg_section_line(f, "transformer");
    return ERR_OK;
}

int wl_ini_load(const char *path, wl_model *m, err_t *e)
{
    return cfg_parse_file(path, load_ini_body, m, e);
}
