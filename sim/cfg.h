/* cfg.h - strict reading of mcmsim's INI files.
 *
 * inih does the tokenising; this module keeps every (section, key, value)
 * with the line it came from, refuses lines too long for inih instead of
 * letting them be cut, and turns values into numbers with units, so that each
 * loader only has to say which keys it knows. Numbers are strict: the whole
 * value must parse, and must be finite and inside the asked range. */
#ifndef MCM_CFG_H
#define MCM_CFG_H

#include <stdio.h>
#include "err.h"
#include "names.h"

typedef struct {
    char *section;  /* "" before the first section header */
    char *key;
    char *value;
    int line;
    int used;       /* set by cfg_get and friends; cfg_check_used reports the rest */
} cfg_entry;

typedef struct {
    char *path;
    cfg_entry *v;
    int n, cap;
    int *sect_lines; /* line of each distinct section header, in file order */
    char **sects;
    int nsects;
    names_t names;      /* v by (section, key) and sects by name: a file of */
    names_t sect_names; /* many lines must not cost their square */
    cfg_entry *asked; /* the (section, key) pairs loaders asked for, present or */
    int nasked, cap_asked; /* not: what an unknown key's error lists */
    names_t asked_names;
    int nlines;       /* lines read: a section added by cfg_apply comes after them */
} cfg_file;

/* The most entries (key lines) and sections an INI file may have: every
   loader is at worst quadratic in the layers or channels a file holds, and
   a model of 65536 layers is far beyond any real one. */
#define CFG_MAX_ENTRIES 65536

/* The largest input file read (a layer list of a million lines is 50 MB). */
#define CFG_MAX_FILE_BYTES (64 << 20)

/* Opens input PATH for reading: a regular file of at most CFG_MAX_FILE_BYTES.
   A FIFO, a device or a directory is the input error "PATH: not a regular
   file", without waiting on it. */
int cfg_open_input(const char *path, FILE **fp, err_t *e);

/* The next line of FP (PATH's) that is not blank, trimmed, into *ROW
   (inside getline's buffer *LINE of *SIZE), *LINENO counting every line;
   *ROW is NULL at the end. A NUL byte is the input error at its line (it
   would end the row early, silently). */
int cfg_next_row(FILE *fp, const char *path, char **line, size_t *size, int *lineno, char **row,
                 err_t *e);

/* Reads and tokenises PATH; a syntax error, an over-long line or a NUL byte
   is an input error at its line. */
int cfg_load(const char *path, cfg_file *f, err_t *e);
void cfg_free(cfg_file *f);
/* cfg_load, then PARSE(f, ARG, e), then cfg_free: the shape of every loader. */
int cfg_parse_file(const char *path, int (*parse)(cfg_file *f, void *arg, err_t *e), void *arg,
                   err_t *e);

/* A value given for KEY of SECTION from outside the file (mcmsim sweep's
   --set), read by the loaders as if the file said it. */
typedef struct {
    const char *section, *key, *value;
} cfg_set;

/* Applies the N SETS to F: each replaces the value of its key, or adds the
   key to its section, or the section after the file's last line. Its entry
   has line 0, so that a message about it names the file, not a line that
   says something else. */
int cfg_apply(cfg_file *f, const cfg_set *sets, int n, err_t *e);
/* cfg_parse_file with the N SETS applied before PARSE. */
int cfg_parse_file_set(const char *path, const cfg_set *sets, int n,
                       int (*parse)(cfg_file *f, void *arg, err_t *e), void *arg, err_t *e);

/* S without leading and trailing blanks (in place). */
char *cfg_trim(char *s);

/* The entry KEY of SECTION, or NULL; marks it used. A repeated key is an error
   reported by cfg_load already. */
cfg_entry *cfg_get(cfg_file *f, const char *section, const char *key);
/* Like cfg_get but a missing key is an input error at the section's line. */
int cfg_need(cfg_file *f, const char *section, const char *key, cfg_entry **out, err_t *e);
/* Line of SECTION's header (0 if absent). */
int cfg_section_line(const cfg_file *f, const char *section);
/* An input error for the first entry of SECTION (or of any section when NULL)
   that no loader asked for: "unknown key". */
int cfg_check_used(const cfg_file *f, const char *section, err_t *e);

/* Units that a value may carry after its number. A bare number is an energy
   in pJ or a power in W; a size, rate, time or frequency must say its unit
   (README "Units"), but for 0. */
typedef enum {
    CFG_UNIT_NONE,   /* plain number */
    CFG_UNIT_BYTES,  /* B, KB, MB, GB (1000^n), KiB, MiB, GiB (1024^n) */
    CFG_UNIT_BW,     /* B/s, KB/s, MB/s, GB/s, TB/s, and the same in bit: Gbit/s */
    CFG_UNIT_TIME,   /* s, ms, us, ns, ps */
    CFG_UNIT_FREQ,   /* Hz, kHz, MHz, GHz */
    CFG_UNIT_ENERGY, /* fJ, pJ, nJ, uJ */
    CFG_UNIT_POWER   /* W, mW, uW */
} cfg_unit;

/* cfg_parse_quantity's answer for a bare number other than 0 where UNIT
   wants its unit written. */
#define CFG_NEEDS_UNIT (-2)
/* Parse TEXT as a number with a unit into base units; 0 on success,
   CFG_NEEDS_UNIT or -1 (not such a quantity) otherwise. */
int cfg_parse_quantity(const char *text, cfg_unit unit, double *out);
/* Parse TEXT as a whole decimal integer; 0 on success. */
int cfg_parse_long(const char *text, long *out);

/* Value of an entry as a quantity in [lo, hi]; input error at its line otherwise. */
int cfg_quantity(const cfg_file *f, const cfg_entry *en, cfg_unit unit, double lo, double hi,
                 double *out, err_t *e);
int cfg_long(const cfg_file *f, const cfg_entry *en, long lo, long hi, long *out, err_t *e);

/* Splits a CSV row in place at commas into trimmed fields; a trailing comma
   (SCALE-Sim ends rows with one) adds no field. Returns the field count;
   only the first MAX are stored in FLD. */
int cfg_csv_split(char *line, char **fld, int max);

/* Resolve REL against the directory of the file BASE (absolute REL is kept).
   Returns a malloc'd string. */
char *cfg_resolve_path(const char *base, const char *rel);

/* The path of TARGET relative to the directory that will hold FILE (both as
   given from the current directory; that directory must exist), for files
   that name other files. Falls back to TARGET's absolute path. malloc'd. */
char *cfg_relative_path(const char *file, const char *target);

#endif
