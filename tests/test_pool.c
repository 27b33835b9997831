/* test_pool.c - the thread team: every iteration runs exactly once, on a
 * worker of the team, for every team size and loop length, loop after loop. */
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

Suite *test_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    /* a team larger than the machine's cores waits for time slices */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_iteration_once);
    suite_add_tcase(s, tc);
    return s;
}
