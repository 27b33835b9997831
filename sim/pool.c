/* pool.c - the thread team; see pool.h.
 *
 * Iterations are claimed one at a time from a shared counter, so uneven
 * work balances itself. A loop is a generation: the caller writes the
 * loop's function, argument and length, then bumps the generation (a
 * release), so a thread that sees the new generation (an acquire) sees the
 * loop; the caller counts the threads out of the loop before it returns,
 * so no thread of one loop can read the next one's arguments. The search
 * runs tens of thousands of loops of about ten estimates each (a few
 * microseconds in all), so waking a sleeping thread through the kernel
 * would cost more than the loop: between loops a thread spins on the
 * generation, and sleeps on a condition variable only after a long idle
 * spell (the caller's broadcast costs nothing while nobody sleeps). A
 * spinning thread yields its core after a short spell: on a machine shared
 * with other work, the thread it waits for may be the one without a core,
 * and spinning on would keep it waiting out a whole time slice. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "pool.h"

/* Waits of a few microseconds spin; then a waiting thread yields its core
   at each turn, and after about a millisecond of that it sleeps (between
   loops; a loop's end is never slept on). Iterations a claim takes at most. */
enum { POOL_SPINS = 1 << 8, POOL_YIELDS = 1 << 10, POOL_CHUNK = 16 };

struct pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_long generation;   /* bumped for each loop, and once more to stop */
    atomic_int stopping;
    /* the loop running, valid from its generation on */
    pool_fn fn;
    void *arg;
    long count, chunk;
    atomic_long next;
    atomic_long done;         /* iterations finished */
    atomic_int busy;          /* threads still inside the loop */
};

typedef struct {
    pool_t *pool;
    int worker;
} pool_seat;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* One turn of a wait: a pause while the wait is short (*TURNS counts them),
   then the core to whoever else wants it. */
static void wait_turn(int *turns)
{
    if (*turns < POOL_SPINS) {
        ++*turns;
        cpu_relax();
    } else {
        sched_yield();
    }
}

/* Iterations are claimed a few at a time: neighbouring iterations write
   neighbouring result slots, which two threads taking turns would keep
   pulling each other's cache lines for. */
static void take_part(pool_t *p, int worker)
{
    long n = p->count, chunk = p->chunk;
    for (long i; (i = atomic_fetch_add(&p->next, chunk)) < n;) {
        long end = i + chunk < n ? i + chunk : n;
        for (long k = i; k < end; k++)
            p->fn(p->arg, k, worker);
        atomic_fetch_add_explicit(&p->done, end - i, memory_order_release);
    }
}

/* Until every thread has left the last loop. */
static void wait_threads(pool_t *p)
{
    for (int turns = 0; atomic_load_explicit(&p->busy, memory_order_acquire) > 0;)
        wait_turn(&turns);
}

/* Waits for a generation other than SEEN: spinning first, then asleep. */
static long next_generation(pool_t *p, long seen)
{
    long g;
    for (int turns = 0, yields = 0; yields < POOL_YIELDS; yields += turns == POOL_SPINS) {
        if ((g = atomic_load_explicit(&p->generation, memory_order_acquire)) != seen)
            return g;
        wait_turn(&turns);
    }
    pthread_mutex_lock(&p->lock);
    while ((g = atomic_load_explicit(&p->generation, memory_order_acquire)) == seen)
        pthread_cond_wait(&p->wake, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return g;
}

static void *thread_main(void *v)
{
    pool_seat *seat = v;
    pool_t *p = seat->pool;
    long seen = 0;
    while ((seen = next_generation(p, seen)), !atomic_load(&p->stopping)) {
        take_part(p, seat->worker);
        atomic_fetch_sub_explicit(&p->busy, 1, memory_order_release);
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
    if (!p->threads || pthread_mutex_init(&p->lock, NULL) || pthread_cond_init(&p->wake, NULL)) {
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

/* Starts generation +1 and wakes whoever sleeps. */
static void publish(pool_t *p)
{
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void pool_run(pool_t *p, long n, pool_fn fn, void *arg)
{
    if (!p || p->n == 1 || n < 2) {
        for (long i = 0; i < n; i++)
            fn(arg, i, 0);
        return;
    }
    wait_threads(p);
    p->fn = fn;
    p->arg = arg;
    p->count = n;
    /* eight claims per thread at least, so the ends of a loop stay short */
    p->chunk = n / (8L * p->n);
    p->chunk = p->chunk < 1 ? 1 : p->chunk > POOL_CHUNK ? POOL_CHUNK : p->chunk;
    atomic_store(&p->next, 0);
    atomic_store(&p->done, 0);
    atomic_store(&p->busy, p->n - 1);
    publish(p);
    take_part(p, 0);
    for (int turns = 0; atomic_load_explicit(&p->done, memory_order_acquire) < n;)
        wait_turn(&turns);
}

void pool_free(pool_t *p)
{
    if (!p)
        return;
    wait_threads(p);
    atomic_store(&p->stopping, 1);
    publish(p);
    for (int w = 1; w < p->n; w++)
        pthread_join(p->threads[w], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p->threads);
    free(p);
}

enum { POOL_LINE = 64 };

void *pool_own(size_t size)
{
    /* aligned_alloc takes a multiple of the alignment, and never 0 here */
    size_t n = size ? (size + POOL_LINE - 1) / POOL_LINE * POOL_LINE : POOL_LINE;
    void *v = aligned_alloc(POOL_LINE, n);
    if (v)
        memset(v, 0, n);
    return v;
}
