/* names.c - the name index; see names.h. Open addressing with linear
 * probing. */
#include <stdlib.h>
#include <string.h>
#include "names.h"

unsigned long names_hash(unsigned long h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return (h ^ 0x1f) * 1099511628211UL; /* ends the string: ("ab", "c") is not ("a", "bc") */
}

static unsigned long key_hash(names_key k)
{
    unsigned long h = names_hash(NAMES_HASH0, k.s);
    return k.s2 ? names_hash(h, k.s2) : h;
}

static int same_key(names_key a, names_key b)
{
    return strcmp(a.s, b.s) == 0 && (a.s2 ? b.s2 && strcmp(a.s2, b.s2) == 0 : !b.s2);
}

/* The slot of NAME in SLOTS (NSLOTS of them): its own, or the empty one
   where it would go. */
static int *slot_of(int *slots, int nslots, names_key name, names_of_fn name_of, const void *arg)
{
    unsigned long mask = (unsigned long)nslots - 1;
    for (unsigned long i = key_hash(name) & mask;; i = (i + 1) & mask)
        if (!slots[i] || same_key(name_of(arg, slots[i] - 1), name))
            return &slots[i];
}

int names_find(const names_t *t, names_key name, names_of_fn name_of, const void *arg)
{
    if (!t->nslots)
        return -1;
    return *slot_of(t->slots, t->nslots, name, name_of, arg) - 1;
}

int names_add(names_t *t, names_of_fn name_of, const void *arg)
{
    if (2 * (t->n + 1) > t->nslots) {
        int ns = t->nslots ? 2 * t->nslots : 64;
        int *sl = calloc((size_t)ns, sizeof *sl);
        if (!sl)
            return -1;
        for (int i = 0; i < t->n; i++)
            *slot_of(sl, ns, name_of(arg, i), name_of, arg) = i + 1;
        free(t->slots);
        t->slots = sl;
        t->nslots = ns;
    }
    *slot_of(t->slots, t->nslots, name_of(arg, t->n), name_of, arg) = t->n + 1;
    t->n++;
    return 0;
}

void names_free(names_t *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}
