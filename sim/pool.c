/* pool.c - the thread team; see pool.h.
 *
 * Iterations are claimed one at a time from a shared counter, so uneven
 * work balances itself. A loop is a generation: the caller publishes it
 * under the lock and the threads, which sleep on a condition variable
 * between loops, take part until the counter runs out; the caller waits
 * until every thread has left the loop before it returns, so the next
 * loop's arguments cannot be seen by a late thread of the last one. The
 * search runs many short loops back to back (tens of microseconds each),
 * so a thread that finished one spins a little before it sleeps. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "pool.h"

enum { POOL_SPINS = 20000 };

struct pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    atomic_long generation;   /* bumped for each loop, and once more to stop */
    int stopping;
    /* the loop running */
    pool_fn fn;
    void *arg;
    long count;
    atomic_long next;
    int busy;                 /* threads still inside the loop */
};

typedef struct {
    pool_t *pool;
    int worker;
} pool_seat;

static void take_part(pool_t *p, int worker)
{
    for (long i; (i = atomic_fetch_add(&p->next, 1)) < p->count;)
        p->fn(p->arg, i, worker);
}

static void *thread_main(void *v)
{
    pool_seat *seat = v;
    pool_t *p = seat->pool;
    long seen = 0;
    for (;;) {
        for (int s = 0; s < POOL_SPINS && atomic_load(&p->generation) == seen; s++)
            sched_yield();
        pthread_mutex_lock(&p->lock);
        while (atomic_load(&p->generation) == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        seen = atomic_load(&p->generation);
        if (p->stopping) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        pthread_mutex_unlock(&p->lock);
        take_part(p, seat->worker);
        pthread_mutex_lock(&p->lock);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->lock);
    }
    free(seat);
    return NULL;
}

pool_t *pool_new(int n)
{
    pool_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = n < 1 ? 1 : n;
    p->threads = calloc((size_t)p->n, sizeof *p->threads);
    if (!p->threads || pthread_mutex_init(&p->lock, NULL) || pthread_cond_init(&p->wake, NULL) ||
        pthread_cond_init(&p->done, NULL)) {
        free(p->threads);
        free(p);
        return NULL;
    }
    for (int w = 1; w < p->n; w++) {
        pool_seat *seat = malloc(sizeof *seat);
        if (seat)
            *seat = (pool_seat){p, w};
        if (!seat || pthread_create(&p->threads[w], NULL, thread_main, seat)) {
            free(seat);
            p->n = w; /* the team is as large as it got */
            break;
        }
    }
    return p;
}

int pool_size(const pool_t *pool)
{
    return pool->n;
}

void pool_run(pool_t *p, long n, pool_fn fn, void *arg)
{
    if (!p || p->n == 1 || n < 2) {
        for (long i = 0; i < n; i++)
            fn(arg, i, 0);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->arg = arg;
    p->count = n;
    atomic_store(&p->next, 0);
    p->busy = p->n - 1;
    atomic_fetch_add(&p->generation, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    take_part(p, 0);
    pthread_mutex_lock(&p->lock);
    while (p->busy > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void pool_free(pool_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    atomic_fetch_add(&p->generation, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int w = 1; w < p->n; w++)
        pthread_join(p->threads[w], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p->threads);
    free(p);
}
