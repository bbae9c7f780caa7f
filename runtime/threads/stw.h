// runtime/threads/stw.h -- stop-the-world pauses (wf_stw_*).
// The one global-consistency mechanism (ARCHITECTURE invariant 2). Lock
// order: monitoring mutex, then thread list, then pause (invariant 4).
#ifndef WF_RUNTIME_THREADS_STW_H
#define WF_RUNTIME_THREADS_STW_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "thread.h"

typedef enum wf_stw_reason {
    WF_STW_GC,
    WF_STW_MONITOR,
    WF_STW_LEGACY,
    WF_STW_TEST,
} wf_stw_reason;

// Stop every attached thread at its next safe point and return once all are
// parked. Caller: attached; must not already be inside a pause.
// Returns 0, or -1 with RuntimeError set if called from inside a pause.
WF_MUST_CHECK int wf_stw_begin(wf_thread *ts, wf_stw_reason why);
// Release the world stopped by wf_stw_begin on this thread.
void wf_stw_end(wf_thread *ts);
// True while the world is stopped (for WF_ASSERT_WORLD_STOPPED).
bool wf_stw_is_stopped(void);

// One recorded pause: why, time from request until every thread was parked
// (time-to-safepoint) and total length, in nanoseconds.
typedef struct wf_stw_record {
    wf_stw_reason why;
    uint64_t ttsp_ns;
    uint64_t duration_ns;
} wf_stw_record;

// Number of recorded pauses in the ring of recent ones.
#define WF_STW_RECORDS 1024

// Copy up to [max] of the most recent pauses, oldest first, into [out].
// Returns how many were copied; *[total] (if not NULL) gets the number of
// pauses since start. Any thread; takes the pause mutex.
size_t wf_stw_get_records(wf_stw_record *out, size_t max, uint64_t *total);

#endif
