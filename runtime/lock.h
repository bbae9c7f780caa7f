// runtime/lock.h -- lock words for per-object locks, ranked mutexes, and the
// lock-rank checker (wf_lock_*, wf_mutex_*, wf_rank_*; STYLE 7.6).
// A wf_lock is one atomic word (the `lock` field of wf_list and wf_dict): 0
// free, 1 held. Critical sections under it are short and never reach a safe
// point, call Python code or allocate through the collector's slow path, so
// a holder is never parked by a pause (leaf rank). Contention spins
// briefly, then yields the CPU.
// A wf_mutex is a pthread mutex with a rank and a name: the runtime's
// ordered locks (thread list, pause mutex, handshake lock ...) are ones.
//
// Lock order (ARCHITECTURE invariant 4): a thread takes locks in strictly
// increasing rank,
//     WF_RANK_MONITOR < WF_RANK_THREADS < WF_RANK_STW < WF_RANK_LEAF,
// so taking a lock of rank r while holding any lock of rank >= r is an
// inversion (equal ranks included: two leaves never nest, two pause-level
// locks never nest). In WF_CHECKS builds (config.h) each thread keeps the
// ranks and names it holds, and an inversion aborts through wf_fatal with
// both names and ranks; so does releasing a lock not held. Release builds
// carry none of it: the hooks are empty macros.
// A try-lock cannot deadlock, so it is not order-checked; once it succeeds
// its lock counts as held like any other.
#ifndef WF_RUNTIME_LOCK_H
#define WF_RUNTIME_LOCK_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "atomic.h"
#include "config.h"

typedef enum wf_lock_rank {
    WF_RANK_MONITOR = 1,  // the monitoring mutex (monitor.c)
    WF_RANK_THREADS = 2,  // interp->threads_lock, the thread list
    WF_RANK_STW = 3,      // the pause mutex (stw.c)
    WF_RANK_LEAF = 4,     // object locks, the handshake lock, records
} wf_lock_rank;

// ===== The rank checker (WF_CHECKS builds; lock.c) =====

#if WF_CHECKS
// Before a blocking acquire of a lock of [rank] named [name]: abort if the
// calling thread holds a lock of rank >= [rank]; then record it as held.
void wf_rank_acquire(wf_lock_rank rank, const char *name);
// Abort as wf_rank_acquire would, recording nothing (before a try-lock
// that falls back to a blocking acquire).
void wf_rank_check(wf_lock_rank rank, const char *name);
// After a successful try-lock: record it as held (no order check).
void wf_rank_acquired_try(wf_lock_rank rank, const char *name);
// After a release: forget it (abort if the thread does not hold it).
void wf_rank_release(wf_lock_rank rank, const char *name);
// Abort if the calling thread holds a lock of rank >= [rank] (a leaf
// holder must not park, STYLE 7.6: wf_rank_assert_below(WF_RANK_LEAF)).
void wf_rank_assert_below(wf_lock_rank rank, const char *what);
// How many locks the calling thread holds (tests).
unsigned wf_rank_held_count(void);
#  define WF_RANK_ACQUIRE(rank, name) wf_rank_acquire(rank, name)
#  define WF_RANK_CHECK(rank, name) wf_rank_check(rank, name)
#  define WF_RANK_ACQUIRED_TRY(rank, name) wf_rank_acquired_try(rank, name)
#  define WF_RANK_RELEASE(rank, name) wf_rank_release(rank, name)
#  define WF_RANK_ASSERT_BELOW(rank, what) wf_rank_assert_below(rank, what)
#else
#  define WF_RANK_ACQUIRE(rank, name) ((void)0)
#  define WF_RANK_CHECK(rank, name) ((void)0)
#  define WF_RANK_ACQUIRED_TRY(rank, name) ((void)0)
#  define WF_RANK_RELEASE(rank, name) ((void)0)
#  define WF_RANK_ASSERT_BELOW(rank, what) ((void)0)
#endif

// ===== Object lock words (leaf rank) =====

typedef struct wf_lock {
    wf_atomic_u32 word;  // 0 free, 1 held
} wf_lock;

// Slow path of wf_lock_acquire (lock.c): spin, then sched_yield.
void wf_lock_acquire_slow(wf_lock *lock);

// Take [lock]. Caller: must not already hold it (not recursive), nor any
// other leaf; must not reach a safe point until wf_lock_release.
static inline void
wf_lock_acquire(wf_lock *lock)
{
    WF_RANK_ACQUIRE(WF_RANK_LEAF, "object lock");
    uint32_t expected = 0;
    if (WF_LIKELY(wf_atomic_cas_acquire_u32(&lock->word, &expected, 1)))
        return;
    wf_lock_acquire_slow(lock);
}

// Try once. Returns true if the lock was taken.
static inline bool
wf_lock_try_acquire(wf_lock *lock)
{
    uint32_t expected = 0;
    if (!wf_atomic_cas_acquire_u32(&lock->word, &expected, 1))
        return false;
    WF_RANK_ACQUIRED_TRY(WF_RANK_LEAF, "object lock");
    return true;
}

// Release [lock], held by the caller. Pairs with the acquire CAS above.
static inline void
wf_lock_release(wf_lock *lock)
{
    wf_atomic_store_release_u32(&lock->word, 0);
    WF_RANK_RELEASE(WF_RANK_LEAF, "object lock");
}

// True if someone holds [lock] (for assertions only: racy by nature).
static inline bool
wf_lock_is_held(const wf_lock *lock)
{
    return wf_atomic_load_relaxed_u32(&lock->word) != 0;
}

// ===== Ranked mutexes =====

typedef struct wf_mutex {
    pthread_mutex_t m;
    wf_lock_rank rank;
    const char *name;
} wf_mutex;

// Static initialiser: `static wf_mutex x = WF_MUTEX_INIT(WF_RANK_LEAF, "x");`
#define WF_MUTEX_INIT(rank, name) { PTHREAD_MUTEX_INITIALIZER, (rank), (name) }

// Initialise [m] at run time. Returns 0, or -1 (pthread_mutex_init failed).
WF_MUST_CHECK static inline int
wf_mutex_init(wf_mutex *m, wf_lock_rank rank, const char *name)
{
    m->rank = rank;
    m->name = name;
    return pthread_mutex_init(&m->m, NULL) == 0 ? 0 : -1;
}

static inline void
wf_mutex_lock(wf_mutex *m)
{
    WF_RANK_ACQUIRE(m->rank, m->name);
    pthread_mutex_lock(&m->m);
}

// Try once. Returns true if [m] was taken.
static inline bool
wf_mutex_trylock(wf_mutex *m)
{
    if (pthread_mutex_trylock(&m->m) != 0)
        return false;
    WF_RANK_ACQUIRED_TRY(m->rank, m->name);
    return true;
}

static inline void
wf_mutex_unlock(wf_mutex *m)
{
    pthread_mutex_unlock(&m->m);
    WF_RANK_RELEASE(m->rank, m->name);
}

#endif
