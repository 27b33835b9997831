/* pool.h - a fixed team of threads that share out the iterations of a loop.
 *
 * pool_run(pool, n, fn, arg) calls fn(arg, i, worker) once for every i in
 * [0, n), spread over the team (the caller is worker 0), and returns when
 * all are done. Which worker runs which i is not fixed, so FN must write
 * only to what belongs to i, and use WORKER only to pick scratch space of
 * its own: results are then the same for every team size. A team of one,
 * or no team (NULL), runs the loop in the caller, with no thread. Used by the search to
 * estimate many schedules at once; never across a fork (the runner forks
 * only when no loop is running). */
#ifndef MCM_POOL_H
#define MCM_POOL_H

#include <stddef.h>

typedef struct pool pool_t;

typedef void (*pool_fn)(void *arg, long i, int worker);

/* A team of N workers (N - 1 threads); NULL when out of resources. */
pool_t *pool_new(int n);
int pool_size(const pool_t *pool);
void pool_run(pool_t *pool, long n, pool_fn fn, void *arg);
void pool_free(pool_t *pool);

/* SIZE bytes, zeroed, on cache lines no other allocation shares (NULL when
   out of memory; free() frees them): for what one worker writes as it runs
   its share, which another thread's data on the same line would keep
   pulling away (each would pay a miss at every write). */
void *pool_own(size_t size);

#endif
