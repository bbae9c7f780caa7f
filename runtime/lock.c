// runtime/lock.c -- contended path of the per-object lock words (wf_lock_*).
// Test-and-test-and-set with bounded exponential spinning, then yielding.
// Holders never park (leaf rank, STYLE 7.6), so a waiter always makes
// progress once the holder's short critical section ends.
#include "lock.h"

#include <sched.h>

void
wf_lock_acquire_slow(uint32_t *word)
{
    unsigned spins = 1;
    for (;;) {
        // Wait until it looks free before trying the CAS again, so waiters
        // do not bounce the cache line.
        while (wf_atomic_load_relaxed_u32(word) != 0) {
            if (spins < 1024) {
                for (unsigned i = 0; i < spins; i++)
                    wf_atomic_pause();
                spins *= 2;
            } else {
                sched_yield();
            }
        }
        if (wf_lock_try_acquire(word))
            return;
    }
}
