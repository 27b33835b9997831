/* names.h - finding a name among many by hashing: a model's layers, an
 * ONNX graph's tensors, a configuration file's sections and its entries
 * (whose name is two strings, the section and the key).
 *
 * An index holds positions, not names: the names stay in the caller's
 * array, which NAME_OF reads, so an index costs one int per slot and its
 * owner's array may grow (by realloc) without it. Lookups are exact string
 * matches; the slots are at least twice the names, so a lookup reads one
 * or two slots on average, and the index doubles as names are added. */
#ifndef MCM_NAMES_H
#define MCM_NAMES_H

/* A name: one string, or a pair of them, ("ab", "c") not the same name
   as ("a", "bc") nor as "abc". */
typedef struct {
    const char *s, *s2; /* S2 NULL for a name of one string */
} names_key;

static inline names_key names_one(const char *s)
{
    return (names_key){s, NULL};
}

/* The name at position I of the caller's array ARG. */
typedef names_key (*names_of_fn)(const void *arg, int i);

typedef struct {
    int *slots;  /* position + 1, 0 for an empty slot */
    int nslots;  /* 0, or a power of two */
    int n;       /* positions 0 .. n-1 are indexed */
} names_t;

/* FNV-1a of S, continuing from H (names_hash(NAMES_HASH0, s) for one
   string; chain calls for a key of several strings). */
#define NAMES_HASH0 14695981039346656037UL
unsigned long names_hash(unsigned long h, const char *s);

/* The position of NAME among T's, or -1. */
int names_find(const names_t *t, names_key name, names_of_fn name_of, const void *arg);
/* Indexes position t->n (its name must not be indexed yet); -1 when out of
   memory, T unchanged. */
int names_add(names_t *t, names_of_fn name_of, const void *arg);
void names_free(names_t *t);

#endif
