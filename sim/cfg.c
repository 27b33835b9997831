/* cfg.c - strict INI reading on top of inih; see cfg.h. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"

typedef struct {
    FILE *fp;
    cfg_file *f;
    int line;          /* lines handed to inih so far: the line of the entry being parsed */
    int too_long;      /* line number of an over-long line, 0 if none */
    int max;           /* longest line inih accepts */
    int oom;
    int dup_line;      /* first duplicate key or section */
    char dup_what[400];
} cfg_reader;

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int find_section(const cfg_file *f, const char *name)
{
    for (int i = 0; i < f->nsects; i++)
        if (strcmp(f->sects[i], name) == 0)
            return i;
    return -1;
}

/* Section headers are recorded here, from the raw line, because inih does
   not report a section that has no keys, and we want its line for messages. */
static void note_section(cfg_reader *r, const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    if (*line != '[')
        return;
    const char *end = strchr(line, ']');
    if (!end)
        return; /* inih reports the syntax error */
    char name[256];
    size_t n = (size_t)(end - line - 1);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, line + 1, n);
    name[n] = '\0';
    /* inih strips the name the same way */
    char *s = name;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    cfg_file *f = r->f;
    int prev = find_section(f, s);
    if (prev >= 0) {
        if (!r->dup_line) {
            r->dup_line = r->line;
            snprintf(r->dup_what, sizeof r->dup_what, "duplicate section [%s] (first at line %d)", s,
                     f->sect_lines[prev]);
        }
        return;
    }
    char **ns = realloc(f->sects, (size_t)(f->nsects + 1) * sizeof *ns);
    int *nl = ns ? realloc(f->sect_lines, (size_t)(f->nsects + 1) * sizeof *nl) : NULL;
    if (ns)
        f->sects = ns;
    if (!ns || !nl || !(f->sects[f->nsects] = xstrdup(s))) {
        r->oom = 1;
        return;
    }
    f->sect_lines = nl;
    f->sect_lines[f->nsects++] = r->line;
}

static char *reader(char *str, int num, void *stream)
{
    cfg_reader *r = stream;
    if (r->too_long || r->oom)
        return NULL;
    if (!fgets(str, num, r->fp))
        return NULL;
    r->line++;
    /* inih promises lines of num - 3 characters (room for \r, \n and \0) */
    size_t n = strcspn(str, "\r\n");
    if ((int)n > num - 3 || (str[n] == '\0' && !feof(r->fp))) {
        r->too_long = r->line;
        r->max = num - 3;
        return NULL;
    }
    note_section(r, str);
    return str;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    cfg_reader *r = user;
    cfg_file *f = r->f;
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0) {
            if (!r->dup_line) {
                r->dup_line = r->line;
                snprintf(r->dup_what, sizeof r->dup_what, "duplicate key '%s' (first at line %d)",
                         key, f->v[i].line);
            }
            return 1;
        }
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 32;
        cfg_entry *nv = realloc(f->v, (size_t)cap * sizeof *nv);
        if (!nv) {
            r->oom = 1;
            return 0;
        }
        f->v = nv;
        f->cap = cap;
    }
    cfg_entry *en = &f->v[f->n];
    en->section = xstrdup(section);
    en->key = xstrdup(key);
    en->value = xstrdup(value);
    en->line = r->line;
    en->used = 0;
    if (!en->section || !en->key || !en->value) {
        free(en->section);
        free(en->key);
        free(en->value);
        r->oom = 1;
        return 0;
    }
    f->n++;
    return 1;
}

int cfg_load(const char *path, cfg_file *f, err_t *e)
{
    memset(f, 0, sizeof *f);
    f->path = xstrdup(path);
    if (!f->path)
        return err_internal(e, "out of memory");
    cfg_reader r = {.f = f};
    r.fp = fopen(path, "r");
    if (!r.fp) {
        int rc = err_at(e, path, 0, "cannot open: %s", strerror(errno));
        cfg_free(f);
        return rc;
    }
    int bad = ini_parse_stream(reader, &r, handler, &r);
    fclose(r.fp);
    int rc = ERR_OK;
    if (r.oom)
        rc = err_internal(e, "out of memory reading %s", path);
    else if (r.too_long && (bad == 0 || bad >= r.too_long))
        rc = err_at(e, path, r.too_long, "line too long (more than %d characters)", r.max);
    else if (bad > 0 && (!r.dup_line || bad <= r.dup_line))
        rc = err_at(e, path, bad, "syntax error: expected '[section]' or 'key = value'");
    else if (r.dup_line)
        rc = err_at(e, path, r.dup_line, "%s", r.dup_what);
    else if (bad < 0)
        rc = err_internal(e, "inih failed on %s", path);
    if (rc)
        cfg_free(f);
    return rc;
}

int cfg_parse_file(const char *path, int (*parse)(cfg_file *f, void *arg, err_t *e), void *arg,
                   err_t *e)
{
    cfg_file f;
    int rc = cfg_load(path, &f, e);
    if (rc)
        return rc;
    rc = parse(&f, arg, e);
    cfg_free(&f);
    return rc;
}

char *cfg_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

void cfg_free(cfg_file *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->v[i].section);
        free(f->v[i].key);
        free(f->v[i].value);
    }
    for (int i = 0; i < f->nsects; i++)
        free(f->sects[i]);
    free(f->sects);
    free(f->sect_lines);
    free(f->v);
    free(f->path);
    memset(f, 0, sizeof *f);
}

cfg_entry *cfg_get(cfg_file *f, const char *section, const char *key)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0) {
            f->v[i].used = 1;
            return &f->v[i];
        }
    return NULL;
}

int cfg_section_line(const cfg_file *f, const char *section)
{
    int i = find_section(f, section);
    return i < 0 ? 0 : f->sect_lines[i];
}

int cfg_need(cfg_file *f, const char *section, const char *key, cfg_entry **out, err_t *e)
{
    *out = cfg_get(f, section, key);
    if (*out)
        return ERR_OK;
    if (*section)
        return err_at(e, f->path, cfg_section_line(f, section), "[%s]: missing key '%s'", section, key);
    return err_at(e, f->path, 0, "missing key '%s'", key);
}

int cfg_check_used(const cfg_file *f, const char *section, err_t *e)
{
    for (int i = 0; i < f->n; i++) {
        const cfg_entry *en = &f->v[i];
        if (en->used || (section && strcmp(en->section, section) != 0))
            continue;
        if (*en->section)
            return err_at(e, f->path, en->line, "unknown key '%s' in [%s]", en->key, en->section);
        return err_at(e, f->path, en->line, "unknown key '%s' (outside any section)", en->key);
    }
    return ERR_OK;
}

typedef struct {
    const char *suffix;
    double scale;
} unit_def;

static const unit_def units_bytes[] = {
    {"", 1}, {"B", 1}, {"KB", 1e3}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {NULL, 0}};
static const unit_def units_bw[] = {
    {"", 1}, {"B/s", 1}, {"KB/s", 1e3}, {"kB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9},
    {"TB/s", 1e12}, {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0},
    {"bit/s", 0.125}, {"kbit/s", 125.0}, {"Mbit/s", 1.25e5}, {"Gbit/s", 1.25e8},
    {"Tbit/s", 1.25e11}, {NULL, 0}};
static const unit_def units_time[] = {
    {"", 1}, {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}, {NULL, 0}};
static const unit_def units_freq[] = {
    {"", 1}, {"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0}};
static const unit_def units_energy[] = {
    {"", 1}, {"fJ", 1e-3}, {"pJ", 1}, {"nJ", 1e3}, {"uJ", 1e6}, {NULL, 0}};
static const unit_def units_power[] = {
    {"", 1}, {"W", 1}, {"mW", 1e-3}, {"uW", 1e-6}, {NULL, 0}};
static const unit_def units_none[] = {{"", 1}, {NULL, 0}};

static const unit_def *unit_table(cfg_unit u)
{
    switch (u) {
    case CFG_UNIT_BYTES: return units_bytes;
    case CFG_UNIT_BW: return units_bw;
    case CFG_UNIT_TIME: return units_time;
    case CFG_UNIT_FREQ: return units_freq;
    case CFG_UNIT_ENERGY: return units_energy;
    case CFG_UNIT_POWER: return units_power;
    case CFG_UNIT_NONE: break;
    }
    return units_none;
}

static const char *unit_hint(cfg_unit u)
{
    switch (u) {
    case CFG_UNIT_BYTES: return " (units: B, KB, MB, GB, KiB, MiB, GiB)";
    case CFG_UNIT_BW: return " (units: B/s, KB/s, MB/s, GB/s, Gbit/s, ...)";
    case CFG_UNIT_TIME: return " (units: s, ms, us, ns, ps)";
    case CFG_UNIT_FREQ: return " (units: Hz, kHz, MHz, GHz)";
    case CFG_UNIT_ENERGY: return " (units: fJ, pJ, nJ, uJ)";
    case CFG_UNIT_POWER: return " (units: W, mW, uW)";
    case CFG_UNIT_NONE: break;
    }
    return "";
}

/* strtod alone would take "inf", "nan", hex floats and leading blanks. */
static int plain_number_start(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '0' && (s[1] == 'x' || s[1] == 'X'))
        return 0;
    return isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]));
}

int cfg_parse_quantity(const char *text, cfg_unit unit, double *out)
{
    if (!plain_number_start(text))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || !isfinite(v))
        return -1;
    while (*end == ' ')
        end++;
    for (const unit_def *d = unit_table(unit); d->suffix; d++)
        if (strcmp(end, d->suffix) == 0) {
            *out = v * d->scale;
            return isfinite(*out) ? 0 : -1;
        }
    return -1;
}

int cfg_parse_long(const char *text, long *out)
{
    const char *s = text;
    if (*s == '+' || *s == '-')
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int cfg_quantity(const cfg_file *f, const cfg_entry *en, cfg_unit unit, double lo, double hi,
                 double *out, err_t *e)
{
    double v;
    if (cfg_parse_quantity(en->value, unit, &v))
        return err_at(e, f->path, en->line, "'%s': bad number '%s'%s", en->key, en->value,
                      unit_hint(unit));
    if (v < lo || v > hi)
        return err_at(e, f->path, en->line, "'%s' = %s is out of range [%g, %g]", en->key,
                      en->value, lo, hi);
    *out = v;
    return ERR_OK;
}

int cfg_long(const cfg_file *f, const cfg_entry *en, long lo, long hi, long *out, err_t *e)
{
    long v;
    if (cfg_parse_long(en->value, &v))
        return err_at(e, f->path, en->line, "'%s': bad integer '%s'", en->key, en->value);
    if (v < lo || v > hi)
        return err_at(e, f->path, en->line, "'%s' = %ld is out of range [%ld, %ld]", en->key, v,
                      lo, hi);
    *out = v;
    return ERR_OK;
}

char *cfg_resolve_path(const char *base, const char *rel)
{
    if (rel[0] == '/' || !strchr(base, '/'))
        return xstrdup(rel);
    size_t dir = (size_t)(strrchr(base, '/') - base);
    size_t n = dir + 1 + strlen(rel) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s/%s", (int)dir, base, rel);
    return p;
}

char *cfg_relative_path(const char *file, const char *target)
{
    char dir[4096], *abs_dir = NULL, *abs_target = realpath(target, NULL), *out = NULL;
    const char *slash = strrchr(file, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - file + (slash == file)), file);
    else
        snprintf(dir, sizeof dir, ".");
    abs_dir = realpath(dir, NULL);
    if (!abs_target || !abs_dir || strcmp(abs_dir, "/") == 0) {
        free(abs_dir);
        return abs_target ? abs_target : xstrdup(target);
    }
    /* longest common prefix ending at a directory boundary */
    size_t common = 0;
    for (size_t i = 0; abs_dir[i] && abs_dir[i] == abs_target[i]; i++)
        if (abs_dir[i] == '/')
            common = i;
    if (abs_dir[strlen(abs_dir)] == '\0' && abs_target[strlen(abs_dir)] == '/' &&
        strncmp(abs_dir, abs_target, strlen(abs_dir)) == 0)
        common = strlen(abs_dir);
    int ups = 0;
    for (const char *c = abs_dir + common; *c; c++)
        ups += *c == '/';
    size_t n = (size_t)ups * 3 + strlen(abs_target + common) + 2;
    out = malloc(n);
    if (out) {
        out[0] = '\0';
        for (int i = 0; i < ups; i++)
            strcat(out, "../");
        strcat(out, abs_target + common + 1);
    }
    free(abs_dir);
    free(abs_target);
    return out;
}
