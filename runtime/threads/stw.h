// runtime/threads/stw.h -- stop-the-world pauses (wf_stw_*).
// The one global-consistency mechanism (ARCHITECTURE invariant 2). Lock
// order: monitoring mutex, then thread list, then pause (invariant 4).
#ifndef WF_RUNTIME_THREADS_STW_H
#define WF_RUNTIME_THREADS_STW_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "check.h"
#include "threads/thread.h"

typedef enum wf_stw_reason {
    WF_STW_GC,
    WF_STW_MONITOR,
    WF_STW_LEGACY,
    WF_STW_TEST,
    WF_STW_TYPE,  // a class's slots or bases change (objects/typeobj.c)
} wf_stw_reason;

// Stop every attached thread at its next safe point and return once all are
// parked: every other thread on the list is then SUSPENDED (parked at a
// safe point, or held while blocked), and none runs until wf_stw_end.
// Caller: attached, at a safe point: while it waits for another thread's
// pause to end it parks like any thread (that pause may collect), so every
// value it holds must be rooted. It may hold the monitoring mutex; it may
// hold the thread-list lock only if every waiter for that lock detaches
// (wf_thread_lock_mutex). Takes the pause mutex, then the handshake lock
// (a leaf) for short sections.
// Returns 0, or -1 with RuntimeError set if [ts] already holds the pause
// (nested or recursive request: an error, never a deadlock).
WF_MUST_CHECK int wf_stw_begin(wf_thread *ts, wf_stw_reason why);
// Release the world stopped by wf_stw_begin on this thread: frees every
// retired array (no reader can hold one across a safe point), records the
// pause, lets suspended threads go. Caller: the pause holder.
void wf_stw_end(wf_thread *ts);
// True while the world is stopped (for WF_ASSERT_WORLD_STOPPED).
bool wf_stw_is_stopped(void);

// WF_ASSERT_WORLD_STOPPED(): the contract check of every write that a W:
// comment says happens in a pause (STYLE 4.2, 7.4). In WF_CHECKS builds it
// aborts through wf_fatal, naming the caller's file:line, unless a pause
// is in force (wf_stw_begin has returned: every other thread is parked)
// and the calling thread is its holder. Release builds: nothing.
#if WF_CHECKS
void wf_stw_assert_stopped_at(const char *file, int line);
#  define WF_ASSERT_WORLD_STOPPED()                                       \
    wf_stw_assert_stopped_at(__FILE__, __LINE__)
#else
#  define WF_ASSERT_WORLD_STOPPED() ((void)0)
#endif

// ===== The park protocol (thread.c uses these; see stw.c) =====

// Park [ts] if a pause is in progress (WF_BRK_STW seen at a safe point):
// mark it SUSPENDED, wake the requester, wait until the pause ends, then
// attach again. Returns at once if no pause is in progress.
// Caller: attached, at a safe point, holding no leaf lock.
void wf_stw_park(wf_thread *ts);
// Wait until [ts] is no longer SUSPENDED (wf_thread_attach's slow path).
// Caller: [ts]'s owner, not attached.
void wf_stw_wait_resumed(wf_thread *ts);
// Wake a requester that may be waiting for [ts], which has just detached
// while its WF_BRK_STW bit was set. Any thread.
void wf_stw_notify_detached(void);
// The handshake lock (a leaf mutex). Thread-list changes happen under
// interp->threads_lock and then this lock, and only while no pause is in
// progress, so a pause sees a frozen list.
void wf_stw_handshake_lock(void);
void wf_stw_handshake_unlock(void);
// Under the handshake lock: true while a pause is in progress.
bool wf_stw_in_progress_locked(void);
// Under the handshake lock: wait (releasing it meanwhile) until no pause
// is in progress. Caller: not attached (or the pause would wait for it).
void wf_stw_wait_end_locked(void);

// One recorded pause: why, time from request (pause mutex held) until
// every thread was parked (time-to-safepoint) and total length, in
// nanoseconds; how many other threads were attached (had to reach a safe
// point) and how many were on the list.
typedef struct wf_stw_record {
    wf_stw_reason why;
    uint64_t ttsp_ns;
    uint64_t duration_ns;
    uint32_t nattached;
    uint32_t nthreads;
} wf_stw_record;

// Number of recorded pauses in the ring of recent ones.
#define WF_STW_RECORDS 1024

// Copy up to [max] of the most recent pauses, oldest first, into [out].
// Returns how many were copied; *[total] (if not NULL) gets the number of
// pauses since start. Any thread; takes the pause mutex.
size_t wf_stw_get_records(wf_stw_record *out, size_t max, uint64_t *total);

#endif
