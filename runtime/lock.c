// runtime/lock.c -- contended path of the per-object lock words (wf_lock_*)
// and, in WF_CHECKS builds, the lock-rank checker (wf_rank_*; STYLE 7.6,
// jemalloc's witness).
// Lock words: test-and-test-and-set with bounded exponential spinning,
// then yielding. Holders never park (leaf rank), so a waiter always makes
// progress once the holder's short critical section ends.
#include "lock.h"

#include <sched.h>
#include <string.h>

#include "check.h"

void
wf_lock_acquire_slow(wf_lock *lock)
{
    unsigned spins = 1;
    for (;;) {
        // Wait until it looks free before trying the CAS again, so waiters
        // do not bounce the cache line.
        while (wf_atomic_load_relaxed_u32(&lock->word) != 0) {
            if (spins < 1024) {
                for (unsigned i = 0; i < spins; i++)
                    wf_atomic_pause();
                spins *= 2;
            } else {
                sched_yield();
            }
        }
        uint32_t expected = 0;
        if (wf_atomic_cas_acquire_u32(&lock->word, &expected, 1))
            return;
    }
}

#if WF_CHECKS

// ===== Rank checker =====

// The locks the calling thread holds, in the order taken. More than
// WF_RANK_MAX_HELD at once is itself a bug (ranks are strictly increasing,
// so a correct thread holds at most one lock per rank).
#define WF_RANK_MAX_HELD 16
typedef struct held_lock {
    wf_lock_rank rank;
    const char *name;
} held_lock;
static _Thread_local held_lock held[WF_RANK_MAX_HELD];
static _Thread_local unsigned nheld;

static void
push_held(wf_lock_rank rank, const char *name)
{
    if (nheld == WF_RANK_MAX_HELD)
        wf_fatal("lock rank: more than %d locks held taking %s (rank %d)",
                 WF_RANK_MAX_HELD, name, (int)rank);
    held[nheld].rank = rank;
    held[nheld].name = name;
    nheld++;
}

void
wf_rank_check(wf_lock_rank rank, const char *name)
{
    for (unsigned i = 0; i < nheld; i++) {
        if (held[i].rank >= rank)
            wf_fatal("lock order inversion: taking %s (rank %d) while "
                     "holding %s (rank %d)",
                     name, (int)rank, held[i].name, (int)held[i].rank);
    }
}

void
wf_rank_acquire(wf_lock_rank rank, const char *name)
{
    wf_rank_check(rank, name);
    push_held(rank, name);
}

void
wf_rank_acquired_try(wf_lock_rank rank, const char *name)
{
    push_held(rank, name);
}

void
wf_rank_release(wf_lock_rank rank, const char *name)
{
    // Usually the last one taken; locks may be released out of order.
    for (unsigned i = nheld; i-- > 0;) {
        if (held[i].rank == rank && strcmp(held[i].name, name) == 0) {
            for (unsigned j = i + 1; j < nheld; j++)
                held[j - 1] = held[j];
            nheld--;
            return;
        }
    }
    wf_fatal("lock rank: releasing %s (rank %d), which this thread does "
             "not hold", name, (int)rank);
}

void
wf_rank_assert_below(wf_lock_rank rank, const char *what)
{
    for (unsigned i = 0; i < nheld; i++) {
        if (held[i].rank >= rank)
            wf_fatal("lock rank: %s while holding %s (rank %d)", what,
                     held[i].name, (int)held[i].rank);
    }
}

unsigned
wf_rank_held_count(void)
{
    return nheld;
}

#endif
