// runtime/lock.h -- small lock words for per-object locks (wf_lock_*).
// A wf_lock is one uint32_t (the `lock` field of wf_list and wf_dict): 0
// free, 1 held. Critical sections under it are short and never reach a safe
// point, call Python code or allocate through the collector's slow path, so
// a holder is never parked by a pause (STYLE 7.6: leaf rank).
// Contention spins briefly, then yields the CPU.
#ifndef WF_RUNTIME_LOCK_H
#define WF_RUNTIME_LOCK_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "atomic.h"
#include "config.h"

// Lock ranks (STYLE 7.6). Debug builds will keep the held ranks per thread
// and assert on inversion; the hooks are wf_lock_rank_acquired/_released.
typedef enum wf_lock_rank {
    WF_RANK_MONITOR = 1,
    WF_RANK_THREADS = 2,
    WF_RANK_STW = 3,
    WF_RANK_LEAF = 4,
} wf_lock_rank;

// Slow path of wf_lock_acquire (lock.c): spin, then sched_yield.
void wf_lock_acquire_slow(uint32_t *word);

// Take the lock word [word]. Caller: must not already hold it (not
// recursive); must not reach a safe point until wf_lock_release.
static inline void
wf_lock_acquire(uint32_t *word)
{
    uint32_t expected = 0;
    if (WF_LIKELY(wf_atomic_cas_acquire_u32(word, &expected, 1)))
        return;
    wf_lock_acquire_slow(word);
}

// Try once. Returns true if the lock was taken.
static inline bool
wf_lock_try_acquire(uint32_t *word)
{
    uint32_t expected = 0;
    return wf_atomic_cas_acquire_u32(word, &expected, 1);
}

// Release [word], held by the caller. Pairs with the acquire CAS above.
static inline void
wf_lock_release(uint32_t *word)
{
    wf_atomic_store_release_u32(word, 0);
}

// True if someone holds [word] (for assertions only: racy by nature).
static inline bool
wf_lock_is_held(const uint32_t *word)
{
    return wf_atomic_load_relaxed_u32(word) != 0;
}

#endif
