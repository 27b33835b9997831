/* test_names.c - the name index: every name added is found at its
 * position through the index's doublings, names not added are not, a name
 * of two strings is told from the same characters cut elsewhere and from a
 * name of one, and a model's layers are found by name whether
 * wl_push_layer indexed them or the model was put together by hand. */
#include "testutil.h"
#include "names.h"

enum { NNAMES = 5000 };

static names_key name_at(const void *arg, int i)
{
    return names_one(((const char (*)[16])arg)[i]);
}

START_TEST(found_where_added)
{
    static char names[NNAMES][16];
    names_t t = {0};
    ck_assert_int_eq(names_find(&t, names_one("l0"), name_at, names), -1); /* empty: no slots yet */
    for (int i = 0; i < NNAMES; i++) {
        snprintf(names[i], sizeof names[i], "l%d", i);
        ck_assert_int_eq(names_add(&t, name_at, names), 0);
        ck_assert_int_eq(t.n, i + 1);
        ck_assert(t.nslots >= 2 * t.n); /* half full at most */
    }
    for (int i = 0; i < NNAMES; i++)
        ck_assert_int_eq(names_find(&t, names_one(names[i]), name_at, names), i);
    ck_assert_int_eq(names_find(&t, names_one("l5000"), name_at, names), -1);
    ck_assert_int_eq(names_find(&t, names_one(""), name_at, names), -1);
    ck_assert_int_eq(names_find(&t, names_one("l"), name_at, names), -1);
    names_free(&t);
    ck_assert_int_eq(t.nslots, 0);
}
END_TEST

/* The terminator is part of the hash: a key of two strings cut at
   another place hashes apart. */
START_TEST(hash_ends_strings)
{
    ck_assert(names_hash(names_hash(NAMES_HASH0, "ab"), "c") !=
              names_hash(names_hash(NAMES_HASH0, "a"), "bc"));
    ck_assert(names_hash(NAMES_HASH0, "x") == names_hash(NAMES_HASH0, "x"));
}
END_TEST

static const names_key pairs[] = {{"ab", "c"}, {"a", "bc"}, {"abc", NULL}, {"ab", ""}, {"ab", NULL}};

static names_key pair_at(const void *arg, int i)
{
    return ((const names_key *)arg)[i];
}

/* Two-string names (a configuration entry's section and key) and names of
   one string in one index: each is found at its own position only. */
START_TEST(two_part_names)
{
    names_t t = {0};
    int n = (int)(sizeof pairs / sizeof pairs[0]);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(names_find(&t, pairs[i], pair_at, pairs), -1); /* not yet added */
        ck_assert_int_eq(names_add(&t, pair_at, pairs), 0);
    }
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(names_find(&t, pairs[i], pair_at, pairs), i);
    ck_assert_int_eq(names_find(&t, (names_key){"a", "b"}, pair_at, pairs), -1);
    ck_assert_int_eq(names_find(&t, (names_key){"", "abc"}, pair_at, pairs), -1);
    names_free(&t);
}
END_TEST

/* 300 layers, each adding the one above and one halfway up (by name, as
   in= gives them): the inputs found are those layers. */
START_TEST(model_layers_by_name)
{
    size_t cap = 64 + 300 * 64, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "[model]\nname = chain\n\n[layers]\n"
                            "l0 = conv k=8 c=8 r=1 h=4 w=4\n");
    for (int i = 1; i < 300; i++) {
        char *at = text + len;
        if (i / 2 == i - 1) /* an add needs two different inputs */
            len += (size_t)snprintf(at, cap - len, "l%d = conv k=8 c=8 r=1 h=4 w=4 in=l%d\n", i, i - 1);
        else
            len += (size_t)snprintf(at, cap - len, "l%d = add c=8 h=4 w=4 in=l%d,l%d\n", i, i - 1, i / 2);
    }
    char *path = tu_write_tmp(text, ".ini");
    wl_model m = {0};
    tu_load_model(path, &m);
    ck_assert_int_eq(m.nlayers, 300);
    ck_assert_int_eq(wl_find(&m, "l0"), 0);
    ck_assert_int_eq(wl_find(&m, "l299"), 299);
    ck_assert_int_eq(wl_find(&m, "l300"), -1);
    for (int i = 1; i < 300; i++) {
        ck_assert_int_eq(m.layers[i].ninputs, i / 2 == i - 1 ? 1 : 2);
        ck_assert_int_eq(m.layers[i].inputs[0], i - 1);
    }
    ck_assert_int_eq(m.layers[299].inputs[1], 149);
    /* a layer set by hand, past the index: found by a walk, as all are then */
    snprintf(m.layers[299].name, sizeof m.layers[0].name, "renamed");
    wl_layer *more = realloc(m.layers, 301 * sizeof *more);
    ck_assert_ptr_nonnull(more);
    m.layers = more;
    m.layers[300] = m.layers[0];
    snprintf(m.layers[300].name, sizeof m.layers[0].name, "byhand");
    m.nlayers = 301;
    ck_assert_int_eq(wl_find(&m, "byhand"), 300);
    ck_assert_int_eq(wl_find(&m, "renamed"), 299);
    ck_assert_int_eq(wl_find(&m, "l150"), 150);
    wl_free(&m);
    tu_remove_tmp(&path, 1);
    free(text);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("names");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, found_where_added);
    tcase_add_test(tc, hash_ends_strings);
    tcase_add_test(tc, two_part_names);
    tcase_add_test(tc, model_layers_by_name);
    suite_add_tcase(s, tc);
    return s;
}
