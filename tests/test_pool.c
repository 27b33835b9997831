/* test_pool.c - the thread team: every iteration runs exactly once, on a
 * worker of the team, for every team size and loop length, loop after loop;
 * and through thousands of short loops one after another, where a thread
 * that read one loop may first claim in the next (more threads than cores
 * make that happen: a thread loses its core between reading and claiming). */
#include "testutil.h"
#include "pool.h"

typedef struct {
    long *hits;
    int *by;
} marks;

static void mark(void *arg, long i, int worker)
{
    marks *m = arg;
    m->hits[i]++;
    m->by[i] = worker;
}

START_TEST(every_iteration_once)
{
    const int sizes[] = {1, 2, 3, 8};
    const long lengths[] = {0, 1, 2, 7, 1000};
    for (int s = 0; s < 4; s++) {
        pool_t *p = pool_new(sizes[s]);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(pool_size(p), sizes[s]);
        for (int rep = 0; rep < 50; rep++)
            for (int k = 0; k < 5; k++) {
                long n = lengths[k];
                marks m = {calloc((size_t)n + 1, sizeof(long)), calloc((size_t)n + 1, sizeof(int))};
                pool_run(p, n, mark, &m);
                for (long i = 0; i < n; i++) {
                    ck_assert_int_eq(m.hits[i], 1);
                    ck_assert(m.by[i] >= 0 && m.by[i] < sizes[s]);
                }
                free(m.hits);
                free(m.by);
            }
        pool_free(p);
    }
}
END_TEST

START_TEST(short_loops_back_to_back)
{
    const int sizes[] = {2, 3, 8};
    const long loops[] = {20000, 20000, 2000};
    long *hits = calloc(64, sizeof *hits);
    int *by = calloc(64, sizeof *by);
    marks m = {hits, by};
    for (int s = 0; s < 3; s++) {
        pool_t *p = pool_new(sizes[s]);
        ck_assert_ptr_nonnull(p);
        unsigned v = 12345;
        for (long l = 0; l < loops[s]; l++) {
            v = v * 1103515245u + 12345u; /* lengths 0 to 40, as the search's loops */
            long n = (long)((v >> 16) % 41);
            memset(hits, 0, 64 * sizeof *hits);
            pool_run(p, n, mark, &m);
            for (long i = 0; i < 64; i++)
                ck_assert_int_eq(hits[i], i < n);
        }
        pool_free(p);
    }
    free(hits);
    free(by);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    /* a team larger than the machine's cores waits for time slices */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_iteration_once);
    tcase_add_test(tc, short_loops_back_to_back);
    suite_add_tcase(s, tc);
    return s;
}
