// runtime/threads/thread.c -- per-thread state, the interpreter and the
// eval-breaker handler (wf_thread_*, wf_interp_*, wf_brk_*, wf_root_*).
// Owns wf_the_interp, the TLS pointer to the calling thread's state and the
// thread list (guarded by interp->threads_lock). Upholds ARCHITECTURE
// invariant 6: per-thread state owns per-thread things.
#include "threads/thread.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "vm/frame.h"
#include "gc.h"
#include "mem.h"
#include "monitor/monitor.h"
#include "threads/stw.h"

wf_interp wf_the_interp;

// The calling OS thread's state. W/R: that thread only.
static _Thread_local wf_thread *current_ts;

// Monotonic thread idents (threading.get_ident()). W: relaxed atomic add.
static wf_atomic_u64 next_ident = WF_ATOMIC_INIT(1);

#define ROOTS_INITIAL 64

int
wf_interp_init(void)
{
    wf_interp *interp = &wf_the_interp;
    memset(interp, 0, sizeof *interp);
    if (wf_mutex_init(&interp->threads_lock, WF_RANK_THREADS,
                      "thread list lock") != 0)
        return -1;
    interp->modules = WF_NULL;
    interp->builtins = WF_NULL;
    interp->builtins_dict = WF_NULL;
    interp->sys_module = WF_NULL;
    interp->main_module = WF_NULL;
    interp->argv = WF_NULL;
    wf_atomic_store_relaxed_i32(&interp->recursion_limit, 1000);
    wf_atomic_store_relaxed_size(&interp->gc_threshold, (size_t)8 << 20);
    wf_mem_prepare_arenas();
    return 0;
}

wf_thread *
wf_thread_current(void)
{
    return current_ts;
}

// ===== Joining and leaving the list =====

// A fresh state for [interp], not linked, in [state]. NULL if out of
// memory.
static wf_thread *
thread_alloc(wf_interp *interp, uint32_t state)
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
    ts->c_traceobj = WF_NULL;
    ts->c_profileobj = WF_NULL;
    wf_gc_thread_start(ts);
    ts->lslot_what = -1;
    wf_atomic_store_relaxed_u64(&ts->pyobj, WF_NULL);
    ts->interp = interp;
    ts->ident = wf_atomic_add_relaxed_u64(&next_ident, 1);
    wf_atomic_store_relaxed_u32(&ts->state, state);
    return ts;
}

// Link [ts] at the head of the list. Caller holds threads_lock and the
// handshake lock, and no pause is in progress.
static void
link_locked(wf_interp *interp, wf_thread *ts)
{
    // Under threads_lock: sys.setrecursionlimit writes both under it.
    wf_atomic_store_relaxed_i32(
        &ts->recursion_limit,
        wf_atomic_load_relaxed_i32(&interp->recursion_limit));
    ts->prev = NULL;
    ts->next = interp->threads;
    if (interp->threads != NULL)
        interp->threads->prev = ts;
    interp->threads = ts;
    if (interp->main_thread == NULL)
        interp->main_thread = ts;
    wf_atomic_store_relaxed_u32(
        &interp->nthreads, wf_atomic_load_relaxed_u32(&interp->nthreads) + 1);
}

// Take threads_lock and the handshake lock at a moment when no pause is
// in progress. Caller: not attached (a pause in progress holds it
// SUSPENDED or does not know it yet).
static void
lock_list_no_pause(wf_interp *interp)
{
    for (;;) {
        wf_mutex_lock(&interp->threads_lock);
        wf_stw_handshake_lock();
        if (!wf_stw_in_progress_locked())
            return;
        wf_mutex_unlock(&interp->threads_lock);
        wf_stw_wait_end_locked();
        wf_stw_handshake_unlock();
    }
}

static void
unlock_list(wf_interp *interp)
{
    wf_stw_handshake_unlock();
    wf_mutex_unlock(&interp->threads_lock);
}

wf_thread *
wf_thread_new_current(wf_interp *interp)
{
    wf_thread *ts = thread_alloc(interp, WF_THREAD_ATTACHED);
    if (ts == NULL)
        return NULL;
    ts->os_thread = pthread_self();
    // Not on the list yet, so no pause waits for us while we wait here;
    // linked ATTACHED while no pause is in progress, so the next requester
    // sees us and waits for our first safe point.
    lock_list_no_pause(interp);
    link_locked(interp, ts);
    unlock_list(interp);
    current_ts = ts;
    return ts;
}

wf_thread *
wf_thread_new_detached(wf_thread *parent)
{
    wf_interp *interp = parent->interp;
    wf_thread *ts = thread_alloc(interp, WF_THREAD_DETACHED);
    if (ts == NULL) {
        wf_err_no_memory(parent);
        return NULL;
    }
    wf_thread_detach(parent);
    lock_list_no_pause(interp);
    link_locked(interp, ts);
    unlock_list(interp);
    wf_thread_attach(parent);
    return ts;
}

void
wf_thread_bind_current(wf_thread *ts)
{
    // SIGINT is for the main thread (KeyboardInterrupt, wf_signal_*):
    // threads Weft starts never take it, so it interrupts the main
    // thread's blocking calls wherever the kernel would have delivered it.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    ts->os_thread = pthread_self();
    current_ts = ts;
    wf_thread_attach(ts);
}

// Unlink [ts] and hand its objects and retired arrays to the interpreter.
// Caller: [ts] is not attached; takes the list locks.
static void
unlink_and_adopt(wf_interp *interp, wf_thread *ts)
{
    lock_list_no_pause(interp);
    if (ts->prev != NULL)
        ts->prev->next = ts->next;
    else
        interp->threads = ts->next;
    if (ts->next != NULL)
        ts->next->prev = ts->prev;
    if (interp->main_thread == ts)
        interp->main_thread = NULL;
    wf_atomic_store_relaxed_u32(
        &interp->nthreads, wf_atomic_load_relaxed_u32(&interp->nthreads) - 1);
    // Adopt the objects: the next collection sweeps this list too.
    if (ts->alloc_head != NULL) {
        if (interp->norphan_lists == interp->orphan_lists_cap) {
            size_t cap = interp->orphan_lists_cap ? 2 * interp->orphan_lists_cap
                                                  : 16;
            wf_obj **p = realloc(interp->orphan_lists, cap * sizeof *p);
            if (p != NULL) {
                interp->orphan_lists = p;
                interp->orphan_lists_cap = cap;
            }
        }
        if (interp->norphan_lists < interp->orphan_lists_cap) {
            interp->orphan_lists[interp->norphan_lists++] = ts->alloc_head;
        } else {
            // No room: splice the list onto the one orphan list (a walk,
            // no allocation) rather than leak it.
            wf_obj *tail = ts->alloc_head;
            while (tail->gc_next != NULL)
                tail = tail->gc_next;
            tail->gc_next = interp->orphan_head;
            interp->orphan_head = ts->alloc_head;
        }
        ts->alloc_head = NULL;
    }
    wf_frame_release_kept(ts);
    // Other threads may still read these arrays: only a pause frees them,
    // unless no thread is left to read them.
    if (interp->threads == NULL) {
        wf_mem_free_retired(ts);
    } else if (ts->nretired > 0) {
        size_t need = interp->norphan_retired + ts->nretired;
        if (need > interp->orphan_retired_cap) {
            size_t cap = need * 2;
            void **p = realloc(interp->orphan_retired, cap * sizeof *p);
            if (p != NULL) {
                interp->orphan_retired = p;
                interp->orphan_retired_cap = cap;
            }
        }
        if (need <= interp->orphan_retired_cap) {
            memcpy(interp->orphan_retired + interp->norphan_retired,
                   ts->retired, ts->nretired * sizeof(void *));
            interp->norphan_retired = need;
        } else if (interp->norphan_retired == 0) {
            // Out of memory, nothing orphaned yet: trade arrays instead.
            void **mine = ts->retired;
            size_t mine_cap = ts->retired_cap;
            ts->retired = interp->orphan_retired;
            ts->retired_cap = interp->orphan_retired_cap;
            interp->orphan_retired = mine;
            interp->orphan_retired_cap = mine_cap;
            interp->norphan_retired = ts->nretired;
        }
        // Else out of memory: the arrays leak (never freed early).
        ts->nretired = 0;
    }
    // Fold the unreported allocation bytes into the interpreter's count.
    wf_atomic_add_relaxed_size(&interp->gc_allocated, ts->alloc_unreported);
    unlock_list(interp);
}

static void
thread_release(wf_thread *ts)
{
    wf_frame_thread_fini(ts);
    free(ts->retired);
    free(ts->roots);
    free(ts);
}

void
wf_thread_free_current(wf_thread *ts)
{
    wf_interp *interp = ts->interp;
    // Detached from here on: the list change waits for a pause in
    // progress, which holds us SUSPENDED meanwhile.
    if (wf_atomic_load_relaxed_u32(&ts->state) == WF_THREAD_ATTACHED)
        wf_thread_detach(ts);
    unlink_and_adopt(interp, ts);
    if (current_ts == ts)
        current_ts = NULL;
    thread_release(ts);
}

void
wf_thread_free_unstarted(wf_thread *creator, wf_thread *ts)
{
    wf_thread_detach(creator);
    unlink_and_adopt(ts->interp, ts);
    wf_thread_attach(creator);
    thread_release(ts);
}

uint32_t
wf_thread_count(wf_interp *interp)
{
    return wf_atomic_load_relaxed_u32(&interp->nthreads);
}

// ===== Attach and detach =====

void
wf_thread_detach(wf_thread *ts)
{
    // Only the owner leaves ATTACHED, so if we are not ATTACHED we are
    // already detached (DETACHED, or SUSPENDED by a pause in progress):
    // storing DETACHED then would undo the requester's CAS and let this
    // thread re-attach mid-pause. A nested detach is a no-op.
    if (wf_atomic_load_relaxed_u32(&ts->state) != WF_THREAD_ATTACHED)
        return;
    // seq_cst store, then seq_cst load of the breaker: pairs with the
    // requester's seq_cst breaker or then state scan, so either it sees us
    // DETACHED or we see its WF_BRK_STW and wake it (Dekker).
    wf_atomic_store_seq_cst_u32(&ts->state, WF_THREAD_DETACHED);
    if (wf_atomic_load_seq_cst_u32(&ts->eval_breaker) & WF_BRK_STW)
        wf_stw_notify_detached();
}

void
wf_thread_attach(wf_thread *ts)
{
    for (;;) {
        uint32_t expected = WF_THREAD_DETACHED;
        // seq_cst: pairs with the requester's DETACHED -> SUSPENDED CAS;
        // acquire: the pause's writes happen before we touch the heap.
        if (wf_atomic_cas_seq_cst_u32(&ts->state, &expected,
                                      WF_THREAD_ATTACHED))
            return;
        // Already attached (a nested attach): nothing to do. Without this
        // the loop below would spin forever while ATTACHED, and every
        // later pause would wait for this thread.
        if (expected == WF_THREAD_ATTACHED)
            return;
        // SUSPENDED: a pause is in progress; wait until it ends.
        wf_stw_wait_resumed(ts);
    }
}

void
wf_thread_lock_mutex(wf_thread *ts, pthread_mutex_t *m)
{
    if (pthread_mutex_trylock(m) == 0)
        return;
    wf_thread_detach(ts);
    pthread_mutex_lock(m);
    wf_thread_attach(ts);
}

void
wf_thread_lock_ranked(wf_thread *ts, wf_mutex *m)
{
    WF_RANK_CHECK(m->rank, m->name);  // before the try: it may block next
    if (wf_mutex_trylock(m))
        return;
    wf_thread_detach(ts);
    wf_mutex_lock(m);
    wf_thread_attach(ts);
}

int
wf_brk_handle(wf_thread *ts)
{
    uint32_t bits = wf_atomic_load_relaxed_u32(&ts->eval_breaker);
    if (bits & WF_BRK_STW)
        wf_stw_park(ts);
    if (WF_DEBUG_GC_EVERY_SAFEPOINT)
        bits |= WF_BRK_GC;
    if (bits & WF_BRK_GC) {
        wf_atomic_and_relaxed_u32(&ts->eval_breaker, ~WF_BRK_GC);
        if (wf_gc_collect_if_needed(ts, WF_DEBUG_GC_EVERY_SAFEPOINT) < 0)
            return -1;
    }
    // DISABLE's batched, rate-limited opcode restore (it clears or keeps
    // the bit itself).
    if ((bits & WF_BRK_INSTR) && wf_mon_restore_disabled(ts) < 0)
        return -1;
    if (bits & WF_BRK_SIGNAL) {
        // Clear the bit before reading the pending flag: a signal landing
        // in between sets the bit again (one spare check, nothing lost).
        wf_atomic_and_relaxed_u32(&ts->eval_breaker, ~WF_BRK_SIGNAL);
        if (wf_signal_check(ts) < 0)
            return -1;
    }
    return 0;
}

// ===== SIGINT (KeyboardInterrupt) =====

// A SIGINT arrived and no KeyboardInterrupt was raised for it yet.
// W: the handler (relaxed atomic store; lock-free, so async-signal-safe)
// and wf_signal_check (exchange). R: any thread.
static wf_atomic_u32 sigint_pending;
// The state whose eval breaker the handler sets (the main thread's), or
// NULL while no handler is installed. W: wf_signal_install/uninstall.
// R: the handler, relaxed.
static wf_atomic_ptr sigint_target;
static struct sigaction sigint_old;  // W/R: install/uninstall only
static bool sigint_installed;        // W/R: install/uninstall only

static void
on_sigint(int sig)
{
    (void)sig;
    wf_atomic_store_relaxed_u32(&sigint_pending, 1);
    wf_thread *t = wf_atomic_load_relaxed_ptr(&sigint_target);
    if (t != NULL)
        wf_atomic_or_relaxed_u32(&t->eval_breaker, WF_BRK_SIGNAL);
}

void
wf_signal_install(wf_thread *main_ts)
{
    struct sigaction old;
    if (sigint_installed || sigaction(SIGINT, NULL, &old) != 0 ||
        (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
        return;  // ignored or handled by the host: left alone (CPython)
    wf_atomic_store_relaxed_ptr(&sigint_target, main_ts);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
    if (sigaction(SIGINT, &sa, &sigint_old) != 0) {
        wf_atomic_store_relaxed_ptr(&sigint_target, NULL);
        return;
    }
    sigint_installed = true;
}

void
wf_signal_uninstall(void)
{
    if (!sigint_installed)
        return;
    sigaction(SIGINT, &sigint_old, NULL);
    sigint_installed = false;
    wf_atomic_store_relaxed_ptr(&sigint_target, NULL);
    wf_atomic_store_relaxed_u32(&sigint_pending, 0);
}

bool
wf_signal_pending(const wf_thread *ts)
{
    return wf_atomic_load_relaxed_ptr(&sigint_target) == ts &&
           wf_atomic_load_relaxed_u32(&sigint_pending) != 0;
}

int
wf_signal_check(wf_thread *ts)
{
    if (wf_atomic_load_relaxed_ptr(&sigint_target) != ts ||
        !wf_atomic_exchange_acq_rel_u32(&sigint_pending, 0))
        return 0;
    wf_err_set_none(ts, &wf_exc_KeyboardInterrupt);
    return -1;
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
