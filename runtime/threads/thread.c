// runtime/threads/thread.c -- per-thread state, the interpreter and the
// eval-breaker handler (wf_thread_*, wf_interp_*, wf_brk_*, wf_root_*).
// Owns wf_the_interp, the TLS pointer to the calling thread's state and the
// thread list (guarded by interp->threads_lock). Upholds ARCHITECTURE
// invariant 6: per-thread state owns per-thread things.
#include "thread.h"

#include <stdlib.h>
#include <string.h>

#include "../atomic.h"
#include "../error.h"
#include "../gc.h"

wf_interp wf_the_interp;

// The calling OS thread's state. W/R: that thread only.
static _Thread_local wf_thread *current_ts;

// Monotonic thread idents (threading.get_ident()). W: atomic add.
static uint64_t next_ident = 1;

#define ROOTS_INITIAL 64

int
wf_interp_init(void)
{
    wf_interp *interp = &wf_the_interp;
    memset(interp, 0, sizeof *interp);
    if (pthread_mutex_init(&interp->threads_lock, NULL) != 0)
        return -1;
    interp->modules = WF_NULL;
    interp->builtins = WF_NULL;
    interp->builtins_dict = WF_NULL;
    interp->sys_module = WF_NULL;
    interp->main_module = WF_NULL;
    interp->argv = WF_NULL;
    interp->recursion_limit = 1000;
    interp->gc_threshold = (size_t)8 << 20;
    return 0;
}

wf_thread *
wf_thread_current(void)
{
    return current_ts;
}

wf_thread *
wf_thread_new_current(wf_interp *interp)
{
    wf_thread *ts = calloc(1, sizeof *ts);
    if (ts == NULL)
        return NULL;
    ts->roots = malloc(ROOTS_INITIAL * sizeof *ts->roots);
    if (ts->roots == NULL) {
        free(ts);
        return NULL;
    }
    ts->roots_cap = ROOTS_INITIAL;
    ts->exc = WF_NULL;
    ts->base_exc_info.exc = WF_NONE;
    ts->base_exc_info.previous = NULL;
    ts->exc_info = &ts->base_exc_info;
    ts->mon_tools = 0x3F;  // tools 0-5; legacy tools 6/7 join with a slot
    ts->recursion_limit = interp->recursion_limit;
    ts->c_traceobj = WF_NULL;
    ts->c_profileobj = WF_NULL;
    ts->interp = interp;
    ts->os_thread = pthread_self();
    ts->ident = wf_atomic_add_relaxed_u64(&next_ident, 1);
    wf_atomic_store_release_u32(&ts->state, WF_THREAD_ATTACHED);

    pthread_mutex_lock(&interp->threads_lock);
    ts->prev = NULL;
    ts->next = interp->threads;
    if (interp->threads != NULL)
        interp->threads->prev = ts;
    interp->threads = ts;
    if (interp->main_thread == NULL)
        interp->main_thread = ts;
    pthread_mutex_unlock(&interp->threads_lock);

    current_ts = ts;
    return ts;
}

void
wf_thread_free_current(wf_thread *ts)
{
    wf_interp *interp = ts->interp;
    pthread_mutex_lock(&interp->threads_lock);
    if (ts->prev != NULL)
        ts->prev->next = ts->next;
    else
        interp->threads = ts->next;
    if (ts->next != NULL)
        ts->next->prev = ts->prev;
    if (interp->main_thread == ts)
        interp->main_thread = NULL;
    // Adopt the objects: the next collection sweeps them from the orphans.
    if (ts->alloc_head != NULL) {
        wf_obj *tail = ts->alloc_head;
        while (tail->gc_next != NULL)
            tail = tail->gc_next;
        tail->gc_next = interp->orphan_head;
        interp->orphan_head = ts->alloc_head;
        ts->alloc_head = NULL;
    }
    // Nobody can reach a retired array through this thread any more, but
    // other threads may: only a pause may free them. Keep it simple and
    // free them now only if this is the last thread.
    if (interp->threads == NULL)
        wf_mem_free_retired(ts);
    pthread_mutex_unlock(&interp->threads_lock);

    free(ts->retired);
    free(ts->roots);
    if (current_ts == ts)
        current_ts = NULL;
    free(ts);
}

void
wf_thread_detach(wf_thread *ts)
{
    wf_atomic_store_release_u32(&ts->state, WF_THREAD_DETACHED);
}

void
wf_thread_attach(wf_thread *ts)
{
    wf_atomic_store_release_u32(&ts->state, WF_THREAD_ATTACHED);
}

int
wf_brk_handle(wf_thread *ts)
{
    uint32_t bits = wf_atomic_load_relaxed_u32(&ts->eval_breaker);
    if (WF_DEBUG_GC_EVERY_SAFEPOINT)
        bits |= WF_BRK_GC;
    if (bits & WF_BRK_GC) {
        wf_atomic_and_relaxed_u32(&ts->eval_breaker, ~WF_BRK_GC);
        if (wf_gc_collect(ts) < 0)
            return -1;
    }
    return 0;
}

int64_t
wf_root_push(wf_thread *ts, wf_value v)
{
    if (ts->nroots == ts->roots_cap) {
        size_t cap = ts->roots_cap ? 2 * ts->roots_cap : ROOTS_INITIAL;
        wf_value *r = realloc(ts->roots, cap * sizeof *r);
        if (r == NULL) {
            wf_err_no_memory(ts);
            return -1;
        }
        ts->roots = r;
        ts->roots_cap = cap;
    }
    ts->roots[ts->nroots] = v;
    return (int64_t)ts->nroots++;
}
