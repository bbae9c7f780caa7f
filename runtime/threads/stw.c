// runtime/threads/stw.c -- stop-the-world pauses (wf_stw_*).
// Owns the pause mutex, the "world stopped" flag and the ring of pause
// records (time-to-safepoint and length) read by the bench.
// Upholds ARCHITECTURE invariant 2; lock order: monitoring mutex, then
// thread list, then pause (invariant 4).
// Today every pause is requested by the one attached thread, so "every
// other attached thread is parked" holds trivially; the threads issue adds
// the park/unpark handshake between the marked steps below.
#include "stw.h"

#include <string.h>
#include <time.h>

#include "../atomic.h"
#include "../error.h"

// Serialises pause requests. Held from wf_stw_begin to wf_stw_end.
static pthread_mutex_t pause_mutex = PTHREAD_MUTEX_INITIALIZER;
// Non-zero while the world is stopped.
// W: the requester, holding pause_mutex. R: relaxed/acquire, any thread.
static uint32_t stopped;
// The thread that holds the pause (for the nesting check).
// W: the requester under pause_mutex. R: relaxed, any thread.
static wf_thread *holder;

// Current pause's timing. W/R: the holder.
static uint64_t begin_ns, parked_ns;
static wf_stw_reason cur_why;

// Ring of recent pauses. W: the holder in wf_stw_end. R: under
// pause_mutex.
static wf_stw_record records[WF_STW_RECORDS];
static uint64_t nrecords;

static uint64_t
now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int
wf_stw_begin(wf_thread *ts, wf_stw_reason why)
{
    if (wf_atomic_load_relaxed_ptr((void *const *)&holder) == ts) {
        wf_err_format(ts, &wf_exc_RuntimeError,
                      "stop-the-world pause requested inside a pause");
        return -1;
    }
    uint64_t t0 = now_ns();
    pthread_mutex_lock(&pause_mutex);
    wf_atomic_store_relaxed_ptr((void **)&holder, ts);
    cur_why = why;
    begin_ns = t0;
    // Step for the threads issue: set WF_BRK_STW in every other thread's
    // eval breaker, move DETACHED threads to SUSPENDED, and wait for every
    // ATTACHED one to park.
    wf_atomic_store_release_u32(&stopped, 1);
    parked_ns = now_ns();
    return 0;
}

void
wf_stw_end(wf_thread *ts)
{
    (void)ts;
    uint64_t end = now_ns();
    wf_stw_record *r = &records[nrecords % WF_STW_RECORDS];
    r->why = cur_why;
    r->ttsp_ns = parked_ns - begin_ns;
    r->duration_ns = end - begin_ns;
    nrecords++;
    // Step for the threads issue: resume the parked threads here.
    wf_atomic_store_release_u32(&stopped, 0);
    wf_atomic_store_relaxed_ptr((void **)&holder, NULL);
    pthread_mutex_unlock(&pause_mutex);
}

bool
wf_stw_is_stopped(void)
{
    return wf_atomic_load_acquire_u32(&stopped) != 0;
}

size_t
wf_stw_get_records(wf_stw_record *out, size_t max, uint64_t *total)
{
    pthread_mutex_lock(&pause_mutex);
    uint64_t n = nrecords < WF_STW_RECORDS ? nrecords : WF_STW_RECORDS;
    if (n > max)
        n = max;
    for (uint64_t i = 0; i < n; i++)
        out[i] = records[(nrecords - n + i) % WF_STW_RECORDS];
    if (total != NULL)
        *total = nrecords;
    pthread_mutex_unlock(&pause_mutex);
    return (size_t)n;
}
