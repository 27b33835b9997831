/* cfg.c - strict INI reading on top of inih; see cfg.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cfg.h"
#include "names.h"
#include "num.h"

typedef struct {
    FILE *fp;
    cfg_file *f;
    int line;          /* lines handed to inih so far: the line of the entry being parsed */
    int too_long;      /* line number of an over-long line, 0 if none */
    int nul;           /* line number of a line with a NUL byte, 0 if none */
    int max;           /* longest line inih accepts */
    int oom;
    int too_many;      /* line number of the entry past CFG_MAX_ENTRIES, 0 if none */
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

/* ---- the names of a file's entries and sections ---- */

static names_key entry_name(const void *v, int i)
{
    const cfg_entry *en = &((const cfg_entry *)v)[i];
    return (names_key){en->section, en->key};
}

static names_key sect_name(const void *f, int i)
{
    return names_one(((const cfg_file *)f)->sects[i]);
}

/* The index of entry (SECTION, KEY) of F, or -1. */
static int find_entry(const cfg_file *f, const char *section, const char *key)
{
    return names_find(&f->names, (names_key){section, key}, entry_name, f->v);
}

static int find_section(const cfg_file *f, const char *name)
{
    return names_find(&f->sect_names, names_one(name), sect_name, f);
}

/* Appends section NAME, new, at LINE: -1 when out of memory. */
static int add_section(cfg_file *f, const char *name, int line)
{
    char **ns = realloc(f->sects, (size_t)(f->nsects + 1) * sizeof *ns);
    int *nl = ns ? realloc(f->sect_lines, (size_t)(f->nsects + 1) * sizeof *nl) : NULL;
    if (ns)
        f->sects = ns;
    if (nl)
        f->sect_lines = nl;
    if (!ns || !nl || !(f->sects[f->nsects] = xstrdup(name)))
        return -1;
    if (names_add(&f->sect_names, sect_name, f)) {
        free(f->sects[f->nsects]);
        return -1;
    }
    f->sect_lines[f->nsects++] = line;
    return 0;
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
            /* the name is not quoted: this may not be the kind of file we
               expected at all, and its content is not ours to echo */
            snprintf(r->dup_what, sizeof r->dup_what, "duplicate section (first at line %d)",
                     f->sect_lines[prev]);
        }
        return;
    }
    if (f->nsects + f->n >= CFG_MAX_ENTRIES) {
        r->too_many = r->line;
        return;
    }
    if (add_section(f, s, r->line))
        r->oom = 1;
}

/* One line for inih, read byte by byte: fgets cannot tell a NUL byte from
   the end of what it read, and would cut the line there. */
static char *reader(char *str, int num, void *stream)
{
    cfg_reader *r = stream;
    if (r->too_long || r->nul || r->too_many || r->oom)
        return NULL;
    int n = 0, c = EOF;
    while (n < num - 1 && (c = getc(r->fp)) != EOF) {
        str[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0)
        return NULL;
    str[n] = '\0';
    r->line++;
    if (memchr(str, '\0', (size_t)n)) {
        r->nul = r->line;
        return NULL;
    }
    /* inih promises lines of num - 3 characters (room for \r, \n and \0);
       a line that filled the buffer without its newline goes on beyond it */
    size_t len = strcspn(str, "\r\n");
    if ((int)len > num - 3 || (str[n - 1] != '\n' && c != EOF)) {
        r->too_long = r->line;
        r->max = num - 3;
        return NULL;
    }
    note_section(r, str);
    return str;
}

/* Appends the entry (SECTION, KEY) = VALUE of LINE, new: -1 when out of
   memory. */
static int add_entry(cfg_file *f, const char *section, const char *key, const char *value, int line)
{
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 32;
        cfg_entry *nv = realloc(f->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return -1;
        f->v = nv;
        f->cap = cap;
    }
    cfg_entry *en = &f->v[f->n];
    en->section = xstrdup(section);
    en->key = xstrdup(key);
    en->value = xstrdup(value);
    en->line = line;
    en->used = 0;
    if (!en->section || !en->key || !en->value || names_add(&f->names, entry_name, f->v)) {
        free(en->section);
        free(en->key);
        free(en->value);
        return -1;
    }
    f->n++;
    return 0;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    cfg_reader *r = user;
    cfg_file *f = r->f;
    if (f->nsects + f->n >= CFG_MAX_ENTRIES) {
        r->too_many = r->line;
        return 0;
    }
    int prev = find_entry(f, section, key);
    if (prev >= 0) {
        if (!r->dup_line) {
            r->dup_line = r->line;
            snprintf(r->dup_what, sizeof r->dup_what, "duplicate key (first at line %d)", f->v[prev].line);
        }
        return 1;
    }
    if (add_entry(f, section, key, value, r->line)) {
        r->oom = 1;
        return 0;
    }
    return 1;
}

int cfg_load(const char *path, cfg_file *f, err_t *e)
{
    memset(f, 0, sizeof *f);
    f->path = xstrdup(path);
    if (!f->path)
        return err_internal(e, "out of memory");
    cfg_reader r = {.f = f};
    int rc = cfg_open_input(path, &r.fp, e);
    if (rc) {
        cfg_free(f);
        return rc;
    }
    int bad = ini_parse_stream(reader, &r, handler, &r);
    f->nlines = r.line;
    int unread = ferror(r.fp) ? (errno ? errno : EIO) : 0;
    fclose(r.fp);
    if (r.oom)
        rc = err_internal(e, "out of memory reading %s", path);
    else if (unread)
        rc = err_system(e, "cannot read %s: %s", path, strerror(unread));
    else if (r.nul && (bad == 0 || bad >= r.nul))
        rc = err_at(e, path, r.nul, "a NUL byte (not a text file)");
    else if (r.too_many && (bad == 0 || bad >= r.too_many))
        rc = err_at(e, path, r.too_many, "more than %d keys and sections", CFG_MAX_ENTRIES);
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

int cfg_open_input(const char *path, FILE **out, err_t *e)
{
    struct stat st;
    *out = NULL;
    /* stat first: a FIFO, a device or a directory is not even opened (a
       FIFO without a writer would block the open, a device may act on it) */
    if (stat(path, &st) != 0)
        return err_at(e, path, 0, "cannot open: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return err_at(e, path, 0, "not a regular file");
    /* and again on what was opened, without waiting, in case it changed */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return err_at(e, path, 0, "cannot open: %s", strerror(errno));
    int rc = ERR_OK;
    if (fstat(fd, &st) != 0)
        rc = err_system(e, "cannot read %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = err_at(e, path, 0, "not a regular file");
    else if (st.st_size > CFG_MAX_FILE_BYTES)
        rc = err_at(e, path, 0, "larger than %d MiB: not an input file", CFG_MAX_FILE_BYTES >> 20);
    else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 || !(*out = fdopen(fd, "r")))
        rc = err_system(e, "cannot read %s: %s", path, strerror(errno));
    if (rc)
        close(fd);
    return rc;
}

int cfg_next_row(FILE *fp, const char *path, char **line, size_t *size, int *lineno, char **row,
                 err_t *e)
{
    ssize_t len;
    *row = NULL;
    while ((len = getline(line, size, fp)) != -1) {
        ++*lineno;
        if (memchr(*line, '\0', (size_t)len))
            return err_at(e, path, *lineno, "a NUL byte (not a text file)");
        *row = cfg_trim(*line);
        if (**row)
            return ERR_OK;
    }
    *row = NULL; /* a last blank line left it pointing into the buffer */
    return ERR_OK;
}

int cfg_parse_file(const char *path, int (*parse)(cfg_file *f, void *arg, err_t *e), void *arg,
                   err_t *e)
{
    return cfg_parse_file_set(path, NULL, 0, parse, arg, e);
}

int cfg_apply(cfg_file *f, const cfg_set *sets, int n, err_t *e)
{
    for (int i = 0; i < n; i++) {
        const cfg_set *st = &sets[i];
        int at = find_entry(f, st->section, st->key);
        if (at >= 0) {
            cfg_entry *en = &f->v[at];
            char *v = xstrdup(st->value);
            if (!v)
                return err_internal(e, "out of memory");
            free(en->value);
            en->value = v;
            en->line = 0;
            continue;
        }
        if ((find_section(f, st->section) < 0 && add_section(f, st->section, f->nlines + 1)) ||
            add_entry(f, st->section, st->key, st->value, 0))
            return err_internal(e, "out of memory");
    }
    return ERR_OK;
}

int cfg_parse_file_set(const char *path, const cfg_set *sets, int n,
                       int (*parse)(cfg_file *f, void *arg, err_t *e), void *arg, err_t *e)
{
    cfg_file f;
    int rc = cfg_load(path, &f, e);
    if (rc)
        return rc;
    if (!(rc = cfg_apply(&f, sets, n, e)))
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
    names_free(&f->names);
    names_free(&f->sect_names);
    for (int i = 0; i < f->nasked; i++) {
        free(f->asked[i].section);
        free(f->asked[i].key);
    }
    free(f->asked);
    names_free(&f->asked_names);
    free(f->v);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* Notes that a loader knows KEY in SECTION, for the list of what was
   expected that an unknown key's error gives (quoting the unknown key
   itself would echo a file that may not be ours: /etc/shadow's first user).
   Best effort: out of memory, the list is shorter. */
static void note_asked(cfg_file *f, const char *section, const char *key)
{
    if (names_find(&f->asked_names, (names_key){section, key}, entry_name, f->asked) >= 0)
        return;
    if (f->nasked == f->cap_asked) {
        int cap = f->cap_asked ? 2 * f->cap_asked : 32;
        cfg_entry *na = realloc(f->asked, (size_t)cap * sizeof *na);
        if (!na)
            return;
        f->asked = na;
        f->cap_asked = cap;
    }
    cfg_entry *a = &f->asked[f->nasked];
    *a = (cfg_entry){.section = xstrdup(section), .key = xstrdup(key)};
    if (!a->section || !a->key || names_add(&f->asked_names, entry_name, f->asked)) {
        free(a->section);
        free(a->key);
        return;
    }
    f->nasked++;
}

cfg_entry *cfg_get(cfg_file *f, const char *section, const char *key)
{
    note_asked(f, section, key);
    int i = find_entry(f, section, key);
    if (i < 0)
        return NULL;
    f->v[i].used = 1;
    return &f->v[i];
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
        /* what was found is not quoted: the file may not be one of ours */
        if (!*en->section)
            return err_at(e, f->path, en->line, "a key before any [section]");
        char known[512];
        size_t used = 0;
        known[0] = '\0';
        for (int k = 0; k < f->nasked && used < sizeof known; k++)
            if (strcmp(f->asked[k].section, en->section) == 0)
                used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
                                         used ? ", " : "", f->asked[k].key);
        if (!used)
            return err_at(e, f->path, en->line, "unknown key in [%s]", en->section);
        return err_at(e, f->path, en->line, "unknown key in [%s] (expected %s)", en->section,
                      known);
    }
    return ERR_OK;
}

typedef struct {
    const char *suffix;
    double scale;
} unit_def;

/* A table without a "" row takes no bare number but 0: bytes, rates, times
   and clocks are where a missing unit is off by 10^9 without a word. */
static const unit_def units_bytes[] = {
    {"B", 1}, {"KB", 1e3}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {NULL, 0}};
static const unit_def units_bw[] = {
    {"B/s", 1}, {"KB/s", 1e3}, {"kB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9},
    {"TB/s", 1e12}, {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0},
    {"bit/s", 0.125}, {"kbit/s", 125.0}, {"Mbit/s", 1.25e5}, {"Gbit/s", 1.25e8},
    {"Tbit/s", 1.25e11}, {NULL, 0}};
static const unit_def units_time[] = {
    {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}, {NULL, 0}};
static const unit_def units_freq[] = {
    {"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0}};
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

/* " (units: B, KB, ...)": every suffix of U's table, for messages; "" for
   a plain number. BUF holds the longest table's list. */
static const char *unit_hint(cfg_unit u, char *buf, size_t size)
{
    const unit_def *d = unit_table(u);
    if (!d->suffix[0])
        d++;
    if (!d->suffix)
        return "";
    size_t n = (size_t)snprintf(buf, size, " (units:");
    for (; d->suffix && n < size; d++)
        n += (size_t)snprintf(buf + n, size - n, " %s%s", d->suffix, d[1].suffix ? "," : ")");
    return buf;
}

int cfg_parse_quantity(const char *text, cfg_unit unit, double *out)
{
    double v;
    const char *end;
    if (num_real_prefix(text, &v, &end) != NUM_OK)
        return -1;
    while (*end == ' ')
        end++;
    for (const unit_def *d = unit_table(unit); d->suffix; d++)
        if (strcmp(end, d->suffix) == 0) {
            *out = v * d->scale;
            return isfinite(*out) ? 0 : -1;
        }
    if (*end)
        return -1;
    if (v == 0) {
        *out = 0;
        return 0;
    }
    return CFG_NEEDS_UNIT;
}

int cfg_parse_long(const char *text, long *out)
{
    return num_long(text, LONG_MIN, LONG_MAX, out) == NUM_OK ? 0 : -1;
}

int cfg_quantity(const cfg_file *f, const cfg_entry *en, cfg_unit unit, double lo, double hi,
                 double *out, err_t *e)
{
    double v;
    char hint[256];
    int bad = cfg_parse_quantity(en->value, unit, &v);
    if (bad == CFG_NEEDS_UNIT)
        return err_at(e, f->path, en->line, "'%s' = %s needs a unit%s", en->key, en->value,
                      unit_hint(unit, hint, sizeof hint));
    if (bad)
        return err_at(e, f->path, en->line, "'%s': bad number '%s'%s", en->key, en->value,
                      unit_hint(unit, hint, sizeof hint));
    if (v < lo || v > hi)
        return err_at(e, f->path, en->line, "'%s' = %s is out of range [%g, %g]", en->key,
                      en->value, lo, hi);
    *out = v;
    return ERR_OK;
}

int cfg_long(const cfg_file *f, const cfg_entry *en, long lo, long hi, long *out, err_t *e)
{
    switch (num_long(en->value, lo, hi, out)) {
    case NUM_OK:
        return ERR_OK;
    case NUM_RANGE:
        return err_at(e, f->path, en->line, "'%s' = %s is out of range [%ld, %ld]", en->key,
                      en->value, lo, hi);
    case NUM_SYNTAX:
        break;
    }
    return err_at(e, f->path, en->line, "'%s': bad integer '%s'", en->key, en->value);
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

int cfg_csv_split(char *line, char **fld, int max)
{
    int n = 0;
    char *last = NULL;
    for (char *p = line, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        last = cfg_trim(p);
        if (n < max)
            fld[n] = last;
        n++;
    }
    return n > 1 && !*last ? n - 1 : n;
}
