// runtime/threads/stw.c -- stop-the-world pauses (wf_stw_*).
// Owns the pause mutex, the handshake lock and its two condition
// variables, the "world stopped" flag and the ring of pause records
// (time-to-safepoint and length) read by the bench.
// Upholds ARCHITECTURE invariant 2; lock order: monitoring mutex, then
// thread list, then pause, then the handshake lock (a leaf: nothing is
// waited for while it is held except its own condition variables).
//
// The park protocol (ARCHITECTURE "Threads and the pause"; the state
// transitions are listed at wf_thread.state):
//   requester: take the pause mutex (waiting DETACHED, so it never blocks
//     another pause); under the handshake lock set `stopped`; set
//     WF_BRK_STW in every other thread's breaker; then until every other
//     thread is SUSPENDED: CAS DETACHED ones to SUSPENDED, and wait for
//     ATTACHED ones (spinning briefly, then on requester_cond).
//   an attached thread at a safe point (wf_brk_handle): under the
//     handshake lock, if `stopped`, store SUSPENDED, signal the requester,
//     wait on resume_cond until the requester makes it DETACHED, re-attach.
//   wf_stw_end: free retired arrays, then under the handshake lock turn
//     every SUSPENDED thread DETACHED, clear `stopped`, broadcast.
// Joining and leaving the thread list happen under the handshake lock
// while `stopped` is clear, so a pause walks a frozen list without a lock.
#include "threads/stw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "mem.h"
#include "objects/error.h"

// Serialises pause requests. Held from wf_stw_begin to wf_stw_end
// (rank WF_RANK_STW).
static wf_mutex pause_mutex = WF_MUTEX_INIT(WF_RANK_STW, "pause mutex");
// The handshake lock (leaf) and its conditions: requester_cond is
// signalled when a thread parks or detaches during a pause; resume_cond
// is broadcast when a pause ends.
static wf_mutex hs_lock = WF_MUTEX_INIT(WF_RANK_LEAF, "pause handshake lock");
static pthread_cond_t requester_cond;
static pthread_cond_t resume_cond;
static pthread_once_t conds_once = PTHREAD_ONCE_INIT;

// Non-zero while a pause is in progress (from the moment the requester
// starts stopping threads until it releases them).
// W: the requester, under hs_lock, release. R: under hs_lock; acquire
// elsewhere.
static wf_atomic_u32 stopped;
// The thread that holds the pause (for the nesting check).
// W: the requester under pause_mutex, relaxed. R: relaxed, any thread
// (exact for the holder itself).
static wf_atomic_ptr holder;  // wf_thread *

// True from the moment every other thread is parked (end of
// wf_stw_begin) until wf_stw_end starts releasing them.
// W/R: the holder only (WF_ASSERT_WORLD_STOPPED reads it after checking
// that the caller is the holder).
static bool in_force;
// Current pause's timing. W/R: the holder.
static uint64_t begin_ns, parked_ns;
static wf_stw_reason cur_why;
static uint32_t cur_nattached, cur_nthreads;

// Ring of recent pauses. W: the holder in wf_stw_end, under rec_lock.
// R: under rec_lock (a leaf: wf_stw_get_records never waits for a pause).
static wf_mutex rec_lock = WF_MUTEX_INIT(WF_RANK_LEAF, "pause records lock");
static wf_stw_record records[WF_STW_RECORDS];
static uint64_t nrecords;

// How long a requester spins before sleeping on requester_cond.
#define SPIN_NS 20000u

static uint64_t
now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void
init_conds(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&requester_cond, &a);
    pthread_cond_init(&resume_cond, NULL);
    pthread_condattr_destroy(&a);
}

void
wf_stw_handshake_lock(void)
{
    pthread_once(&conds_once, init_conds);
    wf_mutex_lock(&hs_lock);
}

void
wf_stw_handshake_unlock(void)
{
    wf_mutex_unlock(&hs_lock);
}

bool
wf_stw_in_progress_locked(void)
{
    return wf_atomic_load_relaxed_u32(&stopped) != 0;
}

void
wf_stw_wait_end_locked(void)
{
    while (wf_atomic_load_relaxed_u32(&stopped) != 0)
        pthread_cond_wait(&resume_cond, &hs_lock.m);
}

bool
wf_stw_is_stopped(void)
{
    return wf_atomic_load_acquire_u32(&stopped) != 0;
}

#if WF_CHECKS
// The pause holder, or NULL (for the pause assertion).
static wf_thread *
stw_holder(void)
{
    return wf_atomic_load_relaxed_ptr(&holder);
}

void
wf_stw_assert_stopped_at(const char *file, int line)
{
    wf_thread *self = wf_thread_current();
    wf_thread *h = stw_holder();
    if (h == NULL || !wf_stw_is_stopped())
        wf_fatal_at(file, line, "WF_ASSERT_WORLD_STOPPED failed: no pause "
                                "is in force");
    if (h != self)
        wf_fatal_at(file, line, "WF_ASSERT_WORLD_STOPPED failed: the "
                                "caller (thread %p) is not the pause holder "
                                "(thread %p)", (void *)self, (void *)h);
    if (!in_force)
        wf_fatal_at(file, line, "WF_ASSERT_WORLD_STOPPED failed: the pause "
                                "is not in force (threads not yet parked, "
                                "or already released)");
}
#endif

// ===== Parking =====

void
wf_stw_park(wf_thread *ts)
{
    WF_RANK_ASSERT_BELOW(WF_RANK_LEAF, "parking for a pause");
    wf_stw_handshake_lock();
    if (wf_atomic_load_relaxed_u32(&stopped) == 0 ||
        wf_atomic_load_relaxed_ptr(&holder) == ts) {
        wf_stw_handshake_unlock();
        return;
    }
    // Release: the requester's acquire load of our state sees our frames
    // (saved pc/sp), roots and allocation list as they are now.
    wf_atomic_store_release_u32(&ts->state, WF_THREAD_SUSPENDED);
    pthread_cond_signal(&requester_cond);
    while (wf_atomic_load_acquire_u32(&ts->state) == WF_THREAD_SUSPENDED)
        pthread_cond_wait(&resume_cond, &hs_lock.m);
    wf_stw_handshake_unlock();
    // DETACHED now; a new pause may suspend us again before we attach.
    wf_thread_attach(ts);
}

void
wf_stw_wait_resumed(wf_thread *ts)
{
    wf_stw_handshake_lock();
    while (wf_atomic_load_acquire_u32(&ts->state) == WF_THREAD_SUSPENDED)
        pthread_cond_wait(&resume_cond, &hs_lock.m);
    wf_stw_handshake_unlock();
}

void
wf_stw_notify_detached(void)
{
    wf_stw_handshake_lock();
    pthread_cond_signal(&requester_cond);
    wf_stw_handshake_unlock();
}

// ===== The requester =====

// Suspend what can be suspended; count the attached threads still
// running. The list is frozen (`stopped` is set).
static uint32_t
count_running(wf_thread *self)
{
    uint32_t running = 0;
    for (wf_thread *t = self->interp->threads; t != NULL; t = t->next) {
        if (t == self)
            continue;
        uint32_t s = wf_atomic_load_acquire_u32(&t->state);
        if (s == WF_THREAD_DETACHED) {
            uint32_t expected = WF_THREAD_DETACHED;
            // seq_cst (pairs with the CAS in wf_thread_attach): exactly
            // one of us wins.
            if (wf_atomic_cas_seq_cst_u32(&t->state, &expected,
                                          WF_THREAD_SUSPENDED))
                s = WF_THREAD_SUSPENDED;
            else
                s = expected;
        }
        if (s != WF_THREAD_SUSPENDED)
            running++;
    }
    return running;
}

int
wf_stw_begin(wf_thread *ts, wf_stw_reason why)
{
    if (wf_atomic_load_relaxed_ptr(&holder) == ts) {
        wf_err_format(ts, &wf_exc_RuntimeError,
                      "stop-the-world pause requested inside a pause");
        return -1;
    }
    // Take the pause mutex. If another thread holds it, that pause may be
    // waiting for us: wait detached, so it holds us SUSPENDED instead
    // ("a thread asked to park while it waits to request a pause parks
    // first"). wf_stw_end makes every thread DETACHED before it unlocks,
    // so the attach below never waits.
    WF_RANK_CHECK(pause_mutex.rank, pause_mutex.name);
    if (!wf_mutex_trylock(&pause_mutex)) {
        wf_thread_detach(ts);
        wf_mutex_lock(&pause_mutex);
        wf_thread_attach(ts);
    }
    wf_atomic_store_relaxed_ptr(&holder, ts);
    cur_why = why;
    begin_ns = now_ns();

    wf_stw_handshake_lock();
    wf_atomic_store_release_u32(&stopped, 1);
    uint32_t nthreads = 0;
    for (wf_thread *t = ts->interp->threads; t != NULL; t = t->next) {
        nthreads++;
        if (t != ts)  // seq_cst: pairs with the load in wf_thread_detach
            wf_atomic_or_seq_cst_u32(&t->eval_breaker, WF_BRK_STW);
    }
    wf_stw_handshake_unlock();
    cur_nthreads = nthreads;

    // Wait until every other thread is SUSPENDED: spin briefly (a running
    // thread reaches a safe point within a few microseconds), then sleep,
    // which also frees this core for a thread the OS has preempted (on a
    // machine with few cores, the one we wait for may be queued behind
    // us).
    uint32_t running = count_running(ts);
    cur_nattached = running;
    uint64_t spin_until = begin_ns + SPIN_NS;
    while (running != 0 && now_ns() < spin_until) {
        for (int i = 0; i < 16; i++)
            wf_atomic_pause();
        running = count_running(ts);
    }
    if (running != 0) {
        wf_stw_handshake_lock();
        while ((running = count_running(ts)) != 0) {
            // Timed: a detach racing with the scan is also caught by
            // wf_stw_notify_detached, this is only a safety net.
            struct timespec dl;
            clock_gettime(CLOCK_MONOTONIC, &dl);
            dl.tv_nsec += 1000000;
            if (dl.tv_nsec >= 1000000000) {
                dl.tv_sec++;
                dl.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&requester_cond, &hs_lock.m, &dl);
        }
        wf_stw_handshake_unlock();
    }
    parked_ns = now_ns();
    in_force = true;
    return 0;
}

void
wf_stw_end(wf_thread *ts)
{
    wf_interp *interp = ts->interp;
    WF_ASSERT_WORLD_STOPPED();
    // No reader holds a retired array across a safe point, and every
    // other thread is at one: free them all (ARCHITECTURE "Memory").
    for (wf_thread *t = interp->threads; t != NULL; t = t->next)
        wf_mem_free_retired(t);
    for (size_t i = 0; i < interp->norphan_retired; i++)
        free(interp->orphan_retired[i]);
    interp->norphan_retired = 0;

    uint64_t end = now_ns();
    wf_mutex_lock(&rec_lock);
    wf_stw_record *r = &records[nrecords % WF_STW_RECORDS];
    r->why = cur_why;
    r->ttsp_ns = parked_ns - begin_ns;
    r->duration_ns = end - begin_ns;
    r->nattached = cur_nattached;
    r->nthreads = cur_nthreads;
    nrecords++;
    wf_mutex_unlock(&rec_lock);

    in_force = false;
    wf_stw_handshake_lock();
    for (wf_thread *t = interp->threads; t != NULL; t = t->next) {
        if (t == ts)
            continue;
        wf_atomic_and_relaxed_u32(&t->eval_breaker, ~WF_BRK_STW);
        // Release: our writes in the pause (marks cleared, instrumented
        // bytecode) happen before the thread runs again.
        if (wf_atomic_load_relaxed_u32(&t->state) == WF_THREAD_SUSPENDED)
            wf_atomic_store_release_u32(&t->state, WF_THREAD_DETACHED);
    }
    wf_atomic_store_release_u32(&stopped, 0);
    wf_atomic_store_relaxed_ptr(&holder, NULL);
    pthread_cond_broadcast(&resume_cond);
    wf_stw_handshake_unlock();
    wf_mutex_unlock(&pause_mutex);
}

size_t
wf_stw_get_records(wf_stw_record *out, size_t max, uint64_t *total)
{
    wf_mutex_lock(&rec_lock);
    uint64_t n = nrecords < WF_STW_RECORDS ? nrecords : WF_STW_RECORDS;
    if (n > max)
        n = max;
    for (uint64_t i = 0; i < n; i++)
        out[i] = records[(nrecords - n + i) % WF_STW_RECORDS];
    if (total != NULL)
        *total = nrecords;
    wf_mutex_unlock(&rec_lock);
    return (size_t)n;
}
