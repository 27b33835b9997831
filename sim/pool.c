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
 * spell (the caller takes the lock and broadcasts only when one does). A
 * spinning thread yields its core after a short spell: on a machine shared
 * with other work, the thread it waits for may be the one without a core,
 * and spinning on would keep it waiting out a whole time slice.
 *
 * A new thread starts on its creator's core, and Linux moves it away only
 * at a load-balancing tick, milliseconds later: until then the two share
 * one core and every loop waits for a yield (a third to half of the runs
 * of a 0.1 s search lost a fifth of their time to it, measured). So each
 * thread is created on another core the process may use, then lets itself
 * run anywhere again: a starting place, not a pinning, which a machine
 * shared with other work (or with other MPI ranks) could not afford. */
#define _GNU_SOURCE /* CPU sets and thread affinity (Linux) */
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
enum { POOL_LINE = 64 }; /* bytes in a cache line */

struct pool {
    int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_long generation;   /* bumped for each loop, and once more to stop */
    atomic_int stopping;
    atomic_int sleepers;      /* threads asleep on WAKE, or about to be */
    /* the loop running, valid from its generation on, read at every claim;
       the counters each thread writes sit on lines of their own, so that a
       claim costs one line moving between cores, not three */
    _Alignas(POOL_LINE) pool_fn fn;
    void *arg;
    long count, chunk;
    _Alignas(POOL_LINE) atomic_long next;
    _Alignas(POOL_LINE) atomic_long done; /* iterations finished */
    _Alignas(POOL_LINE) atomic_int busy;  /* threads still inside the loop */
};

typedef struct {
    pool_t *pool;
    int worker;
#ifdef __linux__
    cpu_set_t anywhere;  /* the cores the process may use */
    int placed;          /* the thread was started off its creator's core */
#endif
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
    long n = p->count, chunk = p->chunk, did = 0;
    pool_fn fn = p->fn;
    void *arg = p->arg;
    for (long i; (i = atomic_fetch_add_explicit(&p->next, chunk, memory_order_relaxed)) < n;) {
        long end = i + chunk < n ? i + chunk : n;
        for (long k = i; k < end; k++)
            fn(arg, k, worker);
        did += end - i;
    }
    /* once, when there is nothing left to claim: the caller waits for all */
    atomic_fetch_add_explicit(&p->done, did, memory_order_release);
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
    /* counted before the generation is read again (both sequentially
       consistent), so a publisher either finds the count or is seen */
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add(&p->sleepers, 1);
    while ((g = atomic_load(&p->generation)) == seen)
        pthread_cond_wait(&p->wake, &p->lock);
    atomic_fetch_sub(&p->sleepers, 1);
    pthread_mutex_unlock(&p->lock);
    return g;
}

static void *thread_main(void *v)
{
    pool_seat *seat = v;
    pool_t *p = seat->pool;
    long seen = 0;
#ifdef __linux__
    if (seat->placed) /* where it starts is a hint: it may go anywhere now */
        pthread_setaffinity_np(pthread_self(), sizeof seat->anywhere, &seat->anywhere);
#endif
    while ((seen = next_generation(p, seen)), !atomic_load(&p->stopping)) {
        take_part(p, seat->worker);
        atomic_fetch_sub_explicit(&p->busy, 1, memory_order_release);
    }
    free(seat);
    return NULL;
}

#ifdef __linux__
/* The core K places after HERE, cyclically, among those of SET. */
static int core_after(const cpu_set_t *set, int here, int k)
{
    int n = CPU_COUNT(set), at = 0;
    for (int c = 0; c < here; c++)
        at += CPU_ISSET(c, set) != 0;
    for (int c = 0, i = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, set) && i++ == (at + k) % n)
            return c;
    return here;
}
#endif

/* Starts SEAT's thread in *T, on the WORKER-th core after its creator's
   among those the process may use, where there are two or more. */
static int start_thread(pthread_t *t, pool_seat *seat)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr))
        return -1;
#ifdef __linux__
    int here = sched_getcpu();
    if (here >= 0 && !pthread_getaffinity_np(pthread_self(), sizeof seat->anywhere, &seat->anywhere) &&
        CPU_ISSET(here, &seat->anywhere) && CPU_COUNT(&seat->anywhere) > 1) {
        cpu_set_t start;
        CPU_ZERO(&start);
        CPU_SET(core_after(&seat->anywhere, here, seat->worker), &start);
        seat->placed = !pthread_attr_setaffinity_np(&attr, sizeof start, &start);
    }
#endif
    int rc = pthread_create(t, &attr, thread_main, seat);
    pthread_attr_destroy(&attr);
    return rc;
}

pool_t *pool_new(int n)
{
    pool_t *p = pool_own(sizeof *p) /* its lines aligned */;
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
        pool_seat *seat = calloc(1, sizeof *seat);
        if (seat)
            seat->pool = p, seat->worker = w;
        if (!seat || start_thread(&p->threads[w], seat)) {
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

/* Starts generation +1 and wakes whoever sleeps. A thread going to sleep
   counts itself before it looks at the generation again, and this looks at
   the count after the bump (all sequentially consistent): either it finds
   the sleeper, whose lock it then waits for, or the sleeper sees the new
   generation. Spinning threads need no lock and no broadcast, which would
   cost each of the search's small loops a few hundred nanoseconds. */
static void publish(pool_t *p)
{
    atomic_fetch_add(&p->generation, 1);
    if (atomic_load(&p->sleepers) == 0)
        return;
    pthread_mutex_lock(&p->lock);
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

void *pool_own(size_t size)
{
    /* aligned_alloc takes a multiple of the alignment, and never 0 here */
    size_t n = size ? (size + POOL_LINE - 1) / POOL_LINE * POOL_LINE : POOL_LINE;
    void *v = aligned_alloc(POOL_LINE, n);
    if (v)
        memset(v, 0, n);
    return v;
}
