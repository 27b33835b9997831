/* pool.c - the thread team; see pool.h.
 *
 * The search runs thousands of loops of a few to a few dozen estimates of
 * about a microsecond each, one after another, so what a loop costs beside
 * its iterations is what -j 2 gains or loses. That cost is cache lines
 * moving between cores (a tenth of a microsecond each on these machines),
 * so a loop is one line: its function, argument and length, its
 * generation, the claim counter and the count of iterations done.
 * Publishing a loop moves that line to the other cores once; each claim
 * moves it once more; finishing, once.
 *
 * Iterations are claimed in runs that shrink as the loop goes (half an even
 * share of what is left, as in OpenMP's guided schedule), so a 27-item loop
 * takes about ten claims, not 27, and still ends with single items, the
 * threads' shares close together. Runs of neighbouring iterations also keep
 * a thread's result slots together. The runs follow from the length, so
 * each thread works out the bounds of the runs it claims itself.
 *
 * The caller writes a loop between two bumps of its sequence number (odd
 * while it writes, as in a seqlock), and the claim counter carries the
 * loop's generation: a thread that read a loop and was then descheduled
 * past its end claims under a generation that is no longer the counter's,
 * and learns from the claim itself that its loop is gone. A claim that
 * succeeds is of a live loop, which cannot end before the claimed run is
 * done, so the caller never waits for the threads to leave a loop, only for
 * its iterations. Between loops a thread spins on the sequence number,
 * yields its core after a short spell (on a machine shared with other
 * work, the thread it waits for may be the one without a core) and sleeps
 * on a condition variable after a long idle one (the caller takes the lock
 * and broadcasts only when one does).
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pool.h"

/* Waits of a few microseconds spin; then a waiting thread yields its core
   at each turn, and after about a millisecond of that it sleeps (between
   loops; a loop's end is never slept on). */
enum { POOL_SPINS = 1 << 8, POOL_YIELDS = 1 << 10 };
enum { POOL_LINE = 64 }; /* bytes in a cache line */
#define POOL_TAG_SHIFT 32 /* the claim counter: generation << 32 | run */
#define POOL_RUN_MASK ((UINT64_C(1) << POOL_TAG_SHIFT) - 1)

struct pool {
    /* the loop: one line, written by the caller, read by every claim */
    _Alignas(POOL_LINE) atomic_ulong seq; /* 2 x generation; odd while a loop is written */
    _Atomic(pool_fn) fn;
    _Atomic(void *) arg;
    atomic_long count;
    atomic_ulong next;        /* generation << 32 | the next run to claim */
    atomic_long done;         /* iterations finished */
    /* the rest, read when a thread starts, stops or sleeps */
    _Alignas(POOL_LINE) int n;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_int stopping;
    atomic_int sleepers;      /* threads asleep on WAKE, or about to be */
};

typedef struct {
    pool_t *pool;
    int worker;
#ifdef __linux__
    cpu_set_t anywhere;  /* the cores the process may use */
    int placed;          /* the thread was started off its creator's core */
#endif
} pool_seat;

/* A loop as one thread read it. */
typedef struct {
    uint64_t gen;
    pool_fn fn;
    void *arg;
    long count;
} pool_loop;

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

/* The generation of sequence number SEQ, as the claim counter carries it. */
static uint64_t gen_of(unsigned long seq)
{
    return (seq / 2) & POOL_RUN_MASK;
}

/* The length of the next run when LEFT iterations are left, on a team of N. */
static long run_length(int n, long left)
{
    return (left + 2L * n - 1) / (2L * n);
}

/* Reads the loop of sequence number SEQ (even) into L; 0 when the caller
   has begun writing another meanwhile. */
static int read_loop(pool_t *p, unsigned long seq, pool_loop *l)
{
    l->gen = gen_of(seq);
    l->fn = atomic_load_explicit(&p->fn, memory_order_relaxed);
    l->arg = atomic_load_explicit(&p->arg, memory_order_relaxed);
    l->count = atomic_load_explicit(&p->count, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&p->seq, memory_order_relaxed) == seq;
}

/* Counts DID iterations of a loop done (the caller waits for them all). */
static void count_done(pool_t *p, long did)
{
    if (did)
        atomic_fetch_add_explicit(&p->done, did, memory_order_release);
}

/* After a claim under generation GEN, another than the loop the thread
   read: the loop of GEN in *L, once the caller has written it all, and 1;
   0 when that loop has ended too (the claim was past its end, or it could
   not have ended). */
static int follow(pool_t *p, uint64_t gen, pool_loop *l)
{
    for (int turns = 0;;) {
        unsigned long s = atomic_load_explicit(&p->seq, memory_order_acquire);
        if (s % 2 == 0) {
            if (gen_of(s) != gen)
                return 0;
            if (read_loop(p, s, l))
                return 1;
        }
        wait_turn(&turns);
    }
}

/* Runs the runs WORKER claims, of loop L or of the loop a claim turns out
   to be of, and counts them done. */
static void take_part(pool_t *p, pool_loop *l, int worker)
{
    long k = 0, at = 0, did = 0; /* run K starts at iteration AT */
    for (;;) {
        uint64_t v = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (v >> POOL_TAG_SHIFT != l->gen) {
            /* L ended before this thread's first claim, and the claim was
               of a later loop: no one else will run what it claimed */
            count_done(p, did);
            did = k = at = 0;
            if (!follow(p, v >> POOL_TAG_SHIFT, l))
                return;
        }
        for (long r = (long)(v & POOL_RUN_MASK); k < r && at < l->count; k++)
            at += run_length(p->n, l->count - at);
        if (at >= l->count)
            break; /* no run left */
        long end = at + run_length(p->n, l->count - at);
        for (long i = at; i < end; i++)
            l->fn(l->arg, i, worker);
        did += end - at;
        k++, at = end;
    }
    count_done(p, did);
}

/* Waits for an even sequence number other than SEEN: spinning first, then
   asleep. */
static unsigned long next_seq(pool_t *p, unsigned long seen)
{
    unsigned long s;
    for (int turns = 0, yields = 0; yields < POOL_YIELDS; yields += turns == POOL_SPINS) {
        s = atomic_load_explicit(&p->seq, memory_order_acquire);
        if (s != seen && s % 2 == 0)
            return s;
        wait_turn(&turns);
    }
    /* counted before the number is read again (both sequentially
       consistent), so a publisher either finds the count or is seen */
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add(&p->sleepers, 1);
    while ((s = atomic_load(&p->seq)) == seen || s % 2)
        pthread_cond_wait(&p->wake, &p->lock);
    atomic_fetch_sub(&p->sleepers, 1);
    pthread_mutex_unlock(&p->lock);
    return s;
}

static void *thread_main(void *v)
{
    pool_seat *seat = v;
    pool_t *p = seat->pool;
    unsigned long seen = 0;
#ifdef __linux__
    if (seat->placed) /* where it starts is a hint: it may go anywhere now */
        pthread_setaffinity_np(pthread_self(), sizeof seat->anywhere, &seat->anywhere);
#endif
    for (;;) {
        unsigned long s = next_seq(p, seen);
        if (atomic_load(&p->stopping))
            break;
        pool_loop l;
        if (!read_loop(p, s, &l))
            continue; /* a newer loop is being written: wait for it */
        seen = s;
        take_part(p, &l, seat->worker);
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

/* Wakes whoever sleeps, after a new sequence number. A thread going to
   sleep counts itself before it looks at the number again, and this looks
   at the count after the bump (all sequentially consistent): either it
   finds the sleeper, whose lock it then waits for, or the sleeper sees the
   new number. Spinning threads need no lock and no broadcast, which would
   cost each of the search's small loops a few hundred nanoseconds. */
static void wake_sleepers(pool_t *p)
{
    if (atomic_load(&p->sleepers) == 0)
        return;
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

/* Writes loop FN, ARG, COUNT (the next generation) and publishes it;
   returns it as the caller's threads read it. */
static pool_loop publish(pool_t *p, pool_fn fn, void *arg, long count)
{
    unsigned long s = atomic_load_explicit(&p->seq, memory_order_relaxed);
    atomic_store_explicit(&p->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release); /* odd before any field changes */
    pool_loop l = {gen_of(s + 2), fn, arg, count};
    atomic_store_explicit(&p->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&p->arg, arg, memory_order_relaxed);
    atomic_store_explicit(&p->count, count, memory_order_relaxed);
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    atomic_store_explicit(&p->next, l.gen << POOL_TAG_SHIFT, memory_order_relaxed);
    atomic_store(&p->seq, s + 2);
    wake_sleepers(p);
    return l;
}

void pool_run(pool_t *p, long n, pool_fn fn, void *arg)
{
    if (!p || p->n == 1 || n < 2) {
        for (long i = 0; i < n; i++)
            fn(arg, i, 0);
        return;
    }
    pool_loop l = publish(p, fn, arg, n);
    take_part(p, &l, 0); /* the caller's claims are always of L */
    for (int turns = 0; atomic_load_explicit(&p->done, memory_order_acquire) < n;)
        wait_turn(&turns);
}

void pool_free(pool_t *p)
{
    if (!p)
        return;
    atomic_store(&p->stopping, 1);
    publish(p, NULL, NULL, 0);
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
