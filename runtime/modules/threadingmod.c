// runtime/modules/threadingmod.c -- the `_thread` and `threading` modules
// (wf_threading_*).
// `_thread` is C: OS threads (each with its own wf_thread), join handles,
// lock, RLock, Event, get_ident, the thread count, and the bridges to the
// legacy trace/profile slots. `threading` is Python source compiled at
// first import (as CPython's threading.py sits on _thread), so Thread can
// be subclassed and its attributes are plain instance attributes.
// Every blocking call (lock acquire, join, Event.wait) waits detached
// (ARCHITECTURE "Threads and the pause").
#include "modules/threadingmod.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "compiler/compile.h"
#include "objects/error.h"
#include "mem.h"
#include "modules/timeout.h"
#include "vm/eval.h"
#include "legacy/legacy.h"
#include "modules/modules.h"
#include "threads/stw.h"

// ===== Timed waits =====

// A condition variable on CLOCK_MONOTONIC.
static void
cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

// Wait on [c]/[m] (held) until [dl] (NULL: forever). Returns false on
// timeout.
static bool
cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m,
                const struct timespec *dl)
{
    if (dl == NULL) {
        pthread_cond_wait(c, m);
        return true;
    }
    return pthread_cond_timedwait(c, m, dl) != ETIMEDOUT;
}

// Parse a join timeout: WF_NULL/None -> -1 (forever); a negative one is 0
// (Thread.join clamps it first). Returns 0 or -1.
static int
parse_timeout(wf_thread *ts, wf_value v, int64_t *ns)
{
    *ns = -1;
    if (v == WF_NULL || v == WF_NONE)
        return 0;
    if (wf_timeout_ns(ts, v, ns) < 0)
        return -1;
    if (*ns < 0)
        *ns = 0;
    return 0;
}

// ===== lock and RLock =====

// Both lock kinds. The mutex is held only for a few instructions by
// anyone (a leaf), never across a wait: waiters sleep on [cond].
typedef struct tlock {
    wf_obj ob;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    // W/R: under [mutex]; `locked()` reads it relaxed.
    wf_atomic_u32 locked;
    uint64_t owner;  // RLock: ident of the holder. W/R: under [mutex]
    uint64_t count;  // RLock: recursion count. W/R: under [mutex]
} tlock;

static wf_type lock_type, rlock_type, event_type, handle_type;

static void
tlock_finalize(wf_obj *self)
{
    tlock *l = (tlock *)self;
    pthread_mutex_destroy(&l->mutex);
    pthread_cond_destroy(&l->cond);
}

static wf_value
tlock_new_of(wf_thread *ts, wf_type *tp)
{
    tlock *l = (tlock *)wf_gc_alloc(ts, tp, sizeof(tlock));
    if (l == NULL)
        return WF_NULL;
    pthread_mutex_init(&l->mutex, NULL);
    cond_init(&l->cond);
    return wf_val_from_obj(l);
}

static wf_value
lock_type_new(wf_thread *ts, wf_type *type, const wf_value *args,
              size_t nargs, wf_value kwnames)
{
    (void)args;
    if (nargs > 0 || (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0))
        return wf_err_format(ts, &wf_exc_TypeError, "%s() takes no arguments",
                             type->name);
    return tlock_new_of(ts, type);
}

// acquire(blocking=True, timeout=-1) argument parsing, as CPython's
// lock_acquire_parse_args: the timeout is converted first (its errors come
// before the others). *[ns] < 0: forever; 0: don't block.
static int
acquire_args(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames, int64_t *ns)
{
    static const char *const names[] = {"blocking", "timeout"};
    wf_value a[2];
    if (wf_arg_parse(ts, "acquire", args + 1, nargs - 1, kwnames, names, 2,
                     2, 0, a) < 0)
        return -1;
    bool blocking = true;
    if (a[0] != WF_NULL) {
        int t = wf_obj_truthy(ts, a[0]);
        if (t < 0)
            return -1;
        blocking = t;
    }
    const int64_t unset = -1000000000LL;  // timeout=-1, in nanoseconds
    int64_t timeout = unset;
    if (a[1] != WF_NULL && wf_timeout_ns(ts, a[1], &timeout) < 0)
        return -1;
    if (!blocking && timeout != unset) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (timeout < 0 && timeout != unset) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "timeout value must be a non-negative number");
        return -1;
    }
    *ns = !blocking ? 0 : timeout == unset ? -1 : timeout;
    return 0;
}

// Take [l] for [me] (0 for a plain lock). Returns true if taken. Waits
// detached. Caller: attached.
static bool
tlock_take(wf_thread *ts, tlock *l, uint64_t me, int64_t ns)
{
    pthread_mutex_lock(&l->mutex);  // a leaf: never held across a wait
    if (me != 0 && l->locked.v && l->owner == me) {
        l->count++;
        pthread_mutex_unlock(&l->mutex);
        return true;
    }
    if (!l->locked.v || ns == 0) {
        bool got = !l->locked.v;
        if (got) {
            wf_atomic_store_relaxed_u32(&l->locked, 1);
            l->owner = me;
            l->count = 1;
        }
        pthread_mutex_unlock(&l->mutex);
        return got;
    }
    pthread_mutex_unlock(&l->mutex);

    struct timespec dl;
    if (ns > 0)
        dl = wf_timeout_deadline(ns);
    wf_thread_detach(ts);
    pthread_mutex_lock(&l->mutex);
    bool got = true;
    while (l->locked.v) {
        if (!cond_wait_until(&l->cond, &l->mutex, ns > 0 ? &dl : NULL) &&
            l->locked.v) {
            got = false;
            break;
        }
    }
    if (got) {
        wf_atomic_store_relaxed_u32(&l->locked, 1);
        l->owner = me;
        l->count = 1;
    }
    pthread_mutex_unlock(&l->mutex);
    wf_thread_attach(ts);
    return got;
}

static tlock *
as_tlock(wf_value v)
{
    return (tlock *)wf_val_as_obj(v);
}

static wf_value
lock_m_acquire(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    int64_t ns;
    if (acquire_args(ts, args, nargs, kwnames, &ns) < 0)
        return WF_NULL;
    return wf_val_bool(tlock_take(ts, as_tlock(args[0]), 0, ns));
}

static wf_value
lock_m_enter(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    if (wf_arg_check(ts, "__enter__", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    (void)tlock_take(ts, as_tlock(args[0]), 0, -1);
    return WF_TRUE;
}

static wf_value
lock_m_release(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)kwnames;
    if (nargs < 1)
        return wf_err_format(ts, &wf_exc_TypeError, "release() needs self");
    tlock *l = as_tlock(args[0]);
    pthread_mutex_lock(&l->mutex);
    if (!l->locked.v) {
        pthread_mutex_unlock(&l->mutex);
        return wf_err_format(ts, &wf_exc_RuntimeError, "release unlocked lock");
    }
    wf_atomic_store_relaxed_u32(&l->locked, 0);
    pthread_cond_signal(&l->cond);
    pthread_mutex_unlock(&l->mutex);
    return WF_NONE;
}

static wf_value
lock_m_locked(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    if (wf_arg_check(ts, "locked", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    return wf_val_bool(wf_atomic_load_relaxed_u32(&as_tlock(args[0])->locked));
}

static wf_value
lock_repr(wf_thread *ts, wf_value self)
{
    tlock *l = as_tlock(self);
    bool locked = wf_atomic_load_relaxed_u32(&l->locked) != 0;
    if (wf_val_is(self, &rlock_type)) {
        pthread_mutex_lock(&l->mutex);
        uint64_t owner = l->locked.v ? l->owner : 0, count = l->count;
        pthread_mutex_unlock(&l->mutex);
        return wf_str_format(ts, "<%s _thread.RLock object owner=%llu "
                                 "count=%llu at %p>",
                             locked ? "locked" : "unlocked",
                             (unsigned long long)owner,
                             (unsigned long long)(locked ? count : 0),
                             (void *)l);
    }
    return wf_str_format(ts, "<%s _thread.lock object at %p>",
                         locked ? "locked" : "unlocked", (void *)l);
}

static wf_value
rlock_m_acquire(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    int64_t ns;
    if (acquire_args(ts, args, nargs, kwnames, &ns) < 0)
        return WF_NULL;
    return wf_val_bool(tlock_take(ts, as_tlock(args[0]), ts->ident, ns));
}

static wf_value
rlock_m_enter(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    if (wf_arg_check(ts, "__enter__", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    (void)tlock_take(ts, as_tlock(args[0]), ts->ident, -1);
    return WF_TRUE;
}

static wf_value
rlock_m_release(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)kwnames;
    if (nargs < 1)
        return wf_err_format(ts, &wf_exc_TypeError, "release() needs self");
    tlock *l = as_tlock(args[0]);
    pthread_mutex_lock(&l->mutex);
    if (!l->locked.v || l->owner != ts->ident) {
        pthread_mutex_unlock(&l->mutex);
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "cannot release un-acquired lock");
    }
    if (--l->count == 0) {
        wf_atomic_store_relaxed_u32(&l->locked, 0);
        l->owner = 0;
        pthread_cond_signal(&l->cond);
    }
    pthread_mutex_unlock(&l->mutex);
    return WF_NONE;
}

static wf_value
lock_m_exit(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (wf_val_is(args[0], &rlock_type))
        return rlock_m_release(ts, args, 1, WF_NULL);
    (void)nargs;
    (void)kwnames;
    return lock_m_release(ts, args, 1, WF_NULL);
}

static wf_type lock_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "lock",
    .basic_size = sizeof(tlock),
    .finalize = tlock_finalize,
    .repr = lock_repr,
    .new_ = lock_type_new,
};

static wf_type rlock_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "RLock",
    .basic_size = sizeof(tlock),
    .finalize = tlock_finalize,
    .repr = lock_repr,
    .new_ = lock_type_new,
};

// ===== Event =====

typedef struct tevent {
    wf_obj ob;
    pthread_mutex_t mutex;  // a leaf, never held across a wait
    pthread_cond_t cond;
    wf_atomic_u32 flag;  // W: under [mutex]. R: under it, or relaxed (is_set)
} tevent;

static void
event_finalize(wf_obj *self)
{
    tevent *e = (tevent *)self;
    pthread_mutex_destroy(&e->mutex);
    pthread_cond_destroy(&e->cond);
}

static wf_value
event_type_new(wf_thread *ts, wf_type *type, const wf_value *args,
               size_t nargs, wf_value kwnames)
{
    (void)args;
    if (nargs > 0 || (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "Event() takes no arguments");
    tevent *e = (tevent *)wf_gc_alloc(ts, type, sizeof(tevent));
    if (e == NULL)
        return WF_NULL;
    pthread_mutex_init(&e->mutex, NULL);
    cond_init(&e->cond);
    return wf_val_from_obj(e);
}

static tevent *
as_event(wf_value v)
{
    return (tevent *)wf_val_as_obj(v);
}

static wf_value
event_m_set(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (wf_arg_check(ts, "set", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    tevent *e = as_event(args[0]);
    pthread_mutex_lock(&e->mutex);
    wf_atomic_store_relaxed_u32(&e->flag, 1);
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->mutex);
    return WF_NONE;
}

static wf_value
event_m_clear(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    if (wf_arg_check(ts, "clear", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    tevent *e = as_event(args[0]);
    pthread_mutex_lock(&e->mutex);
    wf_atomic_store_relaxed_u32(&e->flag, 0);
    pthread_mutex_unlock(&e->mutex);
    return WF_NONE;
}

static wf_value
event_m_is_set(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    if (wf_arg_check(ts, "is_set", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    return wf_val_bool(wf_atomic_load_relaxed_u32(&as_event(args[0])->flag));
}

// The flag read under the mutex: a True answer orders the setter's
// writes before the waiter's reads (a relaxed read would not).
static bool
event_flag(tevent *e)
{
    pthread_mutex_lock(&e->mutex);  // a leaf
    bool flag = e->flag.v != 0;
    pthread_mutex_unlock(&e->mutex);
    return flag;
}

// Event.wait(timeout=None), as CPython's (threading.Condition.wait under
// it): a set event answers True whatever the timeout; otherwise a timeout
// that is not > 0 (negative, NaN) answers False at once, and a positive
// one is converted as a lock timeout (OverflowError when too large).
static wf_value
event_m_wait(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    static const char *const names[] = {"timeout"};
    wf_value a[1];
    // CPython's Event.wait is a Python function: its messages.
    if (nargs > 2)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "Event.wait() takes from 1 to 2 positional "
                             "arguments but %zu were given", nargs);
    if (wf_arg_parse(ts, "Event.wait", args + 1, nargs - 1, kwnames, names,
                     1, 1, 0, a) < 0)
        return WF_NULL;
    tevent *e = as_event(args[0]);
    if (event_flag(e))
        return WF_TRUE;
    int64_t ns = -1;  // forever
    if (a[0] != WF_NULL && a[0] != WF_NONE) {
        wf_value pos = wf_obj_richcompare(ts, a[0], wf_val_from_int(0),
                                          WF_CMP_GT);
        if (pos == WF_NULL)
            return WF_NULL;
        int t = wf_obj_truthy(ts, pos);
        if (t < 0)
            return WF_NULL;
        if (!t)
            return wf_val_bool(event_flag(e));
        if (wf_timeout_ns(ts, a[0], &ns) < 0)
            return WF_NULL;
    }
    struct timespec dl;
    if (ns >= 0)
        dl = wf_timeout_deadline(ns);
    wf_thread_detach(ts);
    pthread_mutex_lock(&e->mutex);
    while (!e->flag.v)
        if (!cond_wait_until(&e->cond, &e->mutex, ns >= 0 ? &dl : NULL))
            break;
    bool flag = e->flag.v != 0;
    pthread_mutex_unlock(&e->mutex);
    wf_thread_attach(ts);
    return wf_val_bool(flag);
}

static wf_type event_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "Event",
    .basic_size = sizeof(tevent),
    .finalize = event_finalize,
    .new_ = event_type_new,
};

// ===== Thread handles and start-up =====

// What a started thread and its handle object share. Freed when both are
// done with it (refs). Every field but refs: W/R under [mutex].
typedef struct thandle_shared {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool done;       // the thread has left the thread list
    bool daemon;     // not waited for at process exit
    uint64_t ident;  // immutable after creation
    wf_atomic_u32 refs;  // acq_rel
} thandle_shared;

typedef struct thandle {
    wf_obj ob;
    thandle_shared *sh;  // NULL for the main/dummy thread's handle
} thandle;

static void
shared_decref(thandle_shared *sh)
{
    if (wf_atomic_sub_acq_rel_u32(&sh->refs, 1) == 0) {
        pthread_mutex_destroy(&sh->mutex);
        pthread_cond_destroy(&sh->cond);
        free(sh);
    }
}

static void
handle_finalize(wf_obj *self)
{
    thandle *h = (thandle *)self;
    if (h->sh != NULL)
        shared_decref(h->sh);
}

// Non-daemon threads still running. W/R: under alive_mutex.
static pthread_mutex_t alive_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t alive_cond = PTHREAD_COND_INITIALIZER;
static uint64_t nondaemon_alive;

// Out of memory while reporting: [header] and the name of [exc]'s type
// straight to stderr (unbuffered), with no call that could run Python
// code or allocate, rather than nothing.
static void
print_exception_type(const char *header, wf_value exc)
{
    (void)wf_bi_flush_stdout();
    fprintf(stderr, "%s\n%s\n", header, wf_val_type(exc)->name);
    fflush(stderr);
}

// Print [header] and the traceback of [exc] to stderr as one write, after
// flushing stdout. Formats attached (it may call __str__), writes detached.
static void
print_exception(wf_thread *ts, const char *header, wf_value exc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL) {
        print_exception_type(header, exc);
        return;
    }
    fprintf(mem, "%s\n", header);
    wf_exc_print(ts, exc, mem);
    if (fclose(mem) != 0 || buf == NULL) {
        free(buf);
        print_exception_type(header, exc);
        return;
    }
    wf_thread_detach(ts);
    (void)wf_bi_flush_stdout();
    static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&err_lock);
    fwrite(buf, 1, len, stderr);
    fflush(stderr);
    pthread_mutex_unlock(&err_lock);
    wf_thread_attach(ts);
    free(buf);
}

static void *
thread_main(void *arg)
{
    wf_thread *ts = arg;
    thandle_shared *sh = ts->thread_handle;
    wf_thread_bind_current(ts);
    // roots[0..2]: the callable, its args tuple and kwargs (or None).
    wf_value fn = ts->roots[0], args = ts->roots[1], kwargs = ts->roots[2];
    wf_value r = wf_obj_call_ex(ts, fn, args,
                                kwargs == WF_NONE ? WF_NULL : kwargs);
    if (r == WF_NULL) {
        wf_value exc = wf_err_fetch(ts);
        if (exc != WF_NULL && !wf_val_isinstance(exc, &wf_exc_SystemExit)) {
            if (wf_root_push(ts, exc) < 0) {
                wf_err_clear(ts);  // no room even to root it
                print_exception_type(
                    "Exception ignored in thread started by: ?", exc);
            } else {
                // As CPython's _thread: "Exception ignored in thread
                // started by: <callable>" and the traceback.
                wf_value rep = wf_obj_repr(ts, fn);
                char head[256];
                snprintf(head, sizeof head,
                         "Exception ignored in thread started by: %s",
                         rep != WF_NULL ? wf_str_cstr(rep) : "?");
                wf_err_clear(ts);
                print_exception(ts, head, exc);
            }
            wf_err_clear(ts);
        }
    }
    ts->nroots = 0;
    // Relaxed atomic: threading.enumerate() reads it from other threads.
    wf_atomic_store_relaxed_u64(&ts->pyobj, WF_NULL);
    wf_thread_free_current(ts);  // detaches, unlinks, hands over objects

    bool daemon = sh->daemon;
    pthread_mutex_lock(&sh->mutex);
    sh->done = true;
    pthread_cond_broadcast(&sh->cond);
    pthread_mutex_unlock(&sh->mutex);
    shared_decref(sh);
    if (!daemon) {
        pthread_mutex_lock(&alive_mutex);
        nondaemon_alive--;
        pthread_cond_broadcast(&alive_cond);
        pthread_mutex_unlock(&alive_mutex);
    }
    return NULL;
}

// A started thread's C stack, and the address space start() wants left
// beyond it (wf_mem_headroom).
#define THREAD_C_STACK ((size_t)16 << 20)
#define THREAD_HEADROOM ((size_t)32 << 20)

// Start an OS thread running [fn](*[args], **[kwargs]). Returns its join
// handle, or WF_NULL with an exception set.
static wf_value
start_thread(wf_thread *ts, wf_value fn, wf_value args, wf_value kwargs,
             bool daemon)
{
    thandle *h = (thandle *)wf_gc_alloc(ts, &handle_type,
                                        sizeof(thandle));
    if (h == NULL)
        return WF_NULL;
    thandle_shared *sh = calloc(1, sizeof *sh);
    if (sh == NULL)
        return wf_err_no_memory(ts);
    pthread_mutex_init(&sh->mutex, NULL);
    cond_init(&sh->cond);
    sh->daemon = daemon;
    wf_atomic_store_relaxed_u32(&sh->refs, 2);
    h->sh = sh;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, wf_val_from_obj(h)) < 0)
        return WF_NULL;
    wf_thread *nt = wf_thread_new_detached(ts);  // may park: h is rooted
    if (nt == NULL) {
        wf_root_release(ts, mark);
        wf_atomic_store_relaxed_u32(&sh->refs, 1);
        return WF_NULL;
    }
    sh->ident = nt->ident;
    nt->thread_handle = sh;
    // Everything the new thread needs that can fail is made here, before
    // it runs: a start() that returns means a thread that runs; else
    // RuntimeError, as CPython. The data stack first (mmap can fail under
    // a memory limit).
    if (wf_frame_thread_init(nt) < 0) {
        wf_thread_free_unstarted(ts, nt);
        wf_root_release(ts, mark);
        wf_atomic_store_relaxed_u32(&sh->refs, 1);
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "can't start new thread");
    }
    // Room for its C stack and for its first allocations once it runs:
    // near an address-space limit, refuse the thread here rather than
    // start one whose first call fails with MemoryError.
    if (!wf_mem_headroom(THREAD_C_STACK + THREAD_HEADROOM)) {
        wf_thread_free_unstarted(ts, nt);
        wf_root_release(ts, mark);
        wf_atomic_store_relaxed_u32(&sh->refs, 1);
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "can't start new thread");
    }
    // The new thread is DETACHED and not running: its roots are ours to
    // fill, and a pause sees them from now on.
    if (wf_root_push(nt, fn) < 0 || wf_root_push(nt, args) < 0 ||
        wf_root_push(nt, kwargs) < 0) {
        wf_err_clear(nt);
        wf_thread_free_unstarted(ts, nt);
        wf_root_release(ts, mark);
        wf_atomic_store_relaxed_u32(&sh->refs, 1);
        return wf_err_no_memory(ts);
    }
    if (!daemon) {
        pthread_mutex_lock(&alive_mutex);
        nondaemon_alive++;
        pthread_mutex_unlock(&alive_mutex);
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_C_STACK);
    pthread_t tid;
    int rc = pthread_create(&tid, &attr, thread_main, nt);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        if (!daemon) {
            pthread_mutex_lock(&alive_mutex);
            nondaemon_alive--;
            pthread_mutex_unlock(&alive_mutex);
        }
        wf_thread_free_unstarted(ts, nt);
        wf_root_release(ts, mark);
        wf_atomic_store_relaxed_u32(&sh->refs, 1);
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "can't start new thread");
    }
    wf_root_release(ts, mark);
    return wf_val_from_obj(h);
}

void
wf_threading_wait_all(wf_thread *ts)
{
    wf_thread_detach(ts);
    pthread_mutex_lock(&alive_mutex);
    while (nondaemon_alive > 0)
        pthread_cond_wait(&alive_cond, &alive_mutex);
    pthread_mutex_unlock(&alive_mutex);
    wf_thread_attach(ts);
}

static thandle *
as_handle(wf_value v)
{
    return (thandle *)wf_val_as_obj(v);
}

// handle.join(timeout=None) -> True if the thread has finished.
static wf_value
handle_m_join(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    static const char *const names[] = {"timeout"};
    wf_value a[1];
    if (wf_arg_parse(ts, "join", args + 1, nargs - 1, kwnames, names, 1, 1, 0,
                     a) < 0)
        return WF_NULL;
    int64_t ns;
    if (parse_timeout(ts, a[0], &ns) < 0)
        return WF_NULL;
    thandle_shared *sh = as_handle(args[0])->sh;
    if (sh == NULL)
        return WF_FALSE;  // the main thread: never joined here
    struct timespec dl;
    if (ns >= 0)
        dl = wf_timeout_deadline(ns);
    wf_thread_detach(ts);
    pthread_mutex_lock(&sh->mutex);
    while (!sh->done)
        if (!cond_wait_until(&sh->cond, &sh->mutex, ns >= 0 ? &dl : NULL))
            break;
    bool done = sh->done;
    pthread_mutex_unlock(&sh->mutex);
    wf_thread_attach(ts);
    return wf_val_bool(done);
}

static wf_value
handle_m_is_done(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    if (wf_arg_check(ts, "is_done", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    thandle_shared *sh = as_handle(args[0])->sh;
    if (sh == NULL)
        return WF_FALSE;
    pthread_mutex_lock(&sh->mutex);
    bool done = sh->done;
    pthread_mutex_unlock(&sh->mutex);
    return wf_val_bool(done);
}

static wf_value
handle_m_ident(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    if (wf_arg_check(ts, "ident", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    thandle_shared *sh = as_handle(args[0])->sh;
    return wf_int_new(ts, sh != NULL ? (int64_t)sh->ident : (int64_t)ts->ident);
}

static wf_type handle_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "_ThreadHandle",
    .basic_size = sizeof(thandle),
    .finalize = handle_finalize,
};

// ===== _thread functions =====

// _thread._start(callable, daemon) -> handle: run callable() in a new
// thread (the threading.Thread bootstrap).
static wf_value
th_start(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "_start", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    int daemon = wf_obj_truthy(ts, args[1]);
    if (daemon < 0)
        return WF_NULL;
    return start_thread(ts, args[0], wf_empty_tuple, WF_NONE, daemon);
}

// _thread.start_new_thread(function, args, kwargs=None) -> ident. Such
// threads are not waited for at exit (as CPython's _thread).
static wf_value
th_start_new_thread(wf_thread *ts, const wf_value *args, size_t nargs,
                    wf_value kw)
{
    if (wf_arg_check(ts, "start_new_thread", nargs, kw, 2, 3) < 0)
        return WF_NULL;
    if (!wf_val_is(args[1], &wf_tuple_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "2nd arg must be a tuple");
    wf_value kwargs = nargs > 2 ? args[2] : WF_NONE;
    if (kwargs != WF_NONE && !wf_val_is(kwargs, &wf_dict_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "optional 3rd arg must be a dictionary");
    wf_value h = start_thread(ts, args[0], args[1], kwargs, true);
    if (h == WF_NULL)
        return WF_NULL;
    return wf_int_new(ts, (int64_t)as_handle(h)->sh->ident);
}

static wf_value
th_allocate_lock(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "allocate_lock", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return tlock_new_of(ts, &lock_type);
}

static wf_value
th_get_ident(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "get_ident", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return wf_int_new(ts, (int64_t)ts->ident);
}

static wf_value
th_count(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "_count", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return wf_val_from_int((int64_t)wf_thread_count(ts->interp));
}

static wf_value
th_set_current(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kw)
{
    if (wf_arg_check(ts, "_set_current", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_atomic_store_relaxed_u64(&ts->pyobj, args[0]);
    return WF_NONE;
}

static wf_value
th_get_current(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "_get_current", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    wf_value o = wf_atomic_load_relaxed_u64(&ts->pyobj);
    return o != WF_NULL ? o : WF_NONE;
}

static wf_value
th_is_main(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "_is_main", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    wf_mutex_lock(&ts->interp->threads_lock);  // short, no safe point
    bool is_main = ts->interp->main_thread == ts;
    wf_mutex_unlock(&ts->interp->threads_lock);
    return wf_val_bool(is_main);
}

// _thread._enumerate() -> list of the threading.Thread objects of the
// threads on the list. The list is walked under threads_lock with no safe
// point inside (allocation never collects).
static wf_value
th_enumerate(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "_enumerate", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    wf_value l = wf_list_new(ts, 0);
    if (l == WF_NULL)
        return WF_NULL;
    wf_interp *interp = ts->interp;
    wf_thread_lock_ranked(ts, &interp->threads_lock);
    int rc = 0;
    for (wf_thread *t = interp->threads; t != NULL && rc == 0; t = t->next) {
        wf_value o = wf_atomic_load_relaxed_u64(&t->pyobj);
        if (o != WF_NULL)
            rc = wf_list_append(ts, l, o);
    }
    wf_mutex_unlock(&interp->threads_lock);
    return rc < 0 ? WF_NULL : l;
}

static wf_value
th_print_exception(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kw)
{
    if (wf_arg_check(ts, "_print_exception", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    if (!wf_val_isinstance(args[0], &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError, "header must be str");
    print_exception(ts, wf_str_cstr(args[0]), args[1]);
    return WF_NONE;
}

static wf_value
th_main_handle(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "_main_handle", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    thandle *h = (thandle *)wf_gc_alloc(ts, &handle_type,
                                        sizeof(thandle));
    return h != NULL ? wf_val_from_obj(h) : WF_NULL;
}

// _thread._pause(n=1): request [n] stop-the-world pauses (Weft only; the
// stress and bench scripts use it to measure pause latency).
static wf_value
th_pause(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "_pause", nargs, kw, 0, 1) < 0)
        return WF_NULL;
    int64_t n = 1;
    if (nargs == 1 && wf_int_as_i64(ts, args[0], &n) < 0)
        return WF_NULL;
    for (int64_t i = 0; i < n; i++) {
        if (wf_stw_begin(ts, WF_STW_TEST) < 0)
            return WF_NULL;
        wf_stw_end(ts);
    }
    return WF_NONE;
}

// Legacy hooks: one-argument wrappers over runtime/legacy.
static wf_value
hook_call(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw,
          const char *name, int (*fn)(wf_thread *, wf_value))
{
    if (wf_arg_check(ts, name, nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return fn(ts, args[0]) < 0 ? WF_NULL : WF_NONE;
}

static wf_value
th_settrace(wf_thread *ts, const wf_value *a, size_t n, wf_value kw)
{
    return hook_call(ts, a, n, kw, "_settrace", wf_ltrace_settrace);
}

static wf_value
th_setprofile(wf_thread *ts, const wf_value *a, size_t n, wf_value kw)
{
    return hook_call(ts, a, n, kw, "_setprofile", wf_lprof_setprofile);
}

static wf_value
th_settrace_all(wf_thread *ts, const wf_value *a, size_t n, wf_value kw)
{
    return hook_call(ts, a, n, kw, "_settrace_all",
                     wf_ltrace_settrace_all_threads);
}

static wf_value
th_setprofile_all(wf_thread *ts, const wf_value *a, size_t n, wf_value kw)
{
    return hook_call(ts, a, n, kw, "_setprofile_all",
                     wf_lprof_setprofile_all_threads);
}

// ===== Module creation =====

static int
ready_type(wf_thread *ts, wf_type *tp)
{
    if (tp->base == NULL)
        tp->base = &wf_object_type;
    if (tp->name_str == WF_NULL) {
        tp->name_str = wf_str_intern(ts, tp->name);
        if (tp->name_str == WF_NULL)
            return -1;
        tp->qualname_str = tp->name_str;
    }
    if (tp->dict == WF_NULL) {
        tp->dict = wf_dict_new(ts);
        if (tp->dict == WF_NULL)
            return -1;
    }
    return 0;
}

static int
init_types(wf_thread *ts)
{
    static const struct {
        wf_type *tp;
        const char *name;
        wf_cfunc fn;
    } methods[] = {
        {&lock_type, "acquire", lock_m_acquire},
        {&lock_type, "acquire_lock", lock_m_acquire},
        {&lock_type, "release", lock_m_release},
        {&lock_type, "release_lock", lock_m_release},
        {&lock_type, "locked", lock_m_locked},
        {&lock_type, "__enter__", lock_m_enter},
        {&lock_type, "__exit__", lock_m_exit},
        {&rlock_type, "acquire", rlock_m_acquire},
        {&rlock_type, "release", rlock_m_release},
        {&rlock_type, "__enter__", rlock_m_enter},
        {&rlock_type, "__exit__", lock_m_exit},
        {&event_type, "set", event_m_set},
        {&event_type, "clear", event_m_clear},
        {&event_type, "is_set", event_m_is_set},
        {&event_type, "isSet", event_m_is_set},
        {&event_type, "wait", event_m_wait},
        {&handle_type, "join", handle_m_join},
        {&handle_type, "is_done", handle_m_is_done},
        {&handle_type, "ident", handle_m_ident},
    };
    static bool done;  // under the import lock
    if (done)
        return 0;
    if (ready_type(ts, &lock_type) < 0 ||
        ready_type(ts, &rlock_type) < 0 ||
        ready_type(ts, &event_type) < 0 ||
        ready_type(ts, &handle_type) < 0)
        return -1;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (wf_type_add_method(ts, methods[i].tp, methods[i].name,
                               methods[i].fn) < 0)
            return -1;
    done = true;
    return 0;
}

// modules.def root visitor of `_thread`: its static types (their method
// dicts).
void
wf_threading_visit_roots(wf_visit_fn visit, void *ctx)
{
    visit(wf_val_from_obj(&lock_type), ctx);
    visit(wf_val_from_obj(&rlock_type), ctx);
    visit(wf_val_from_obj(&event_type), ctx);
    visit(wf_val_from_obj(&handle_type), ctx);
}

wf_value
wf_threading_thread_module_init(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } funcs[] = {
        {"start_new_thread", th_start_new_thread},
        {"start_new", th_start_new_thread},
        {"allocate_lock", th_allocate_lock},
        {"allocate", th_allocate_lock},
        {"get_ident", th_get_ident},
        {"_count", th_count},
        {"_start", th_start},
        {"_set_current", th_set_current},
        {"_get_current", th_get_current},
        {"_is_main", th_is_main},
        {"_enumerate", th_enumerate},
        {"_print_exception", th_print_exception},
        {"_main_handle", th_main_handle},
        {"_pause", th_pause},
        {"_settrace", th_settrace},
        {"_setprofile", th_setprofile},
        {"_settrace_all", th_settrace_all},
        {"_setprofile_all", th_setprofile_all},
    };
    if (init_types(ts) < 0)
        return WF_NULL;
    wf_value m = wf_module_new(ts, "_thread");
    if (m == WF_NULL)
        return WF_NULL;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (wf_module_add_func(ts, m, funcs[i].name, funcs[i].fn) < 0)
            return WF_NULL;
    wf_value tmax = wf_float_new(ts, 9223372036.0);
    if (tmax == WF_NULL ||
        wf_module_add(ts, m, "LockType", wf_val_from_obj(&lock_type)) < 0 ||
        wf_module_add(ts, m, "lock", wf_val_from_obj(&lock_type)) < 0 ||
        wf_module_add(ts, m, "RLock", wf_val_from_obj(&rlock_type)) < 0 ||
        wf_module_add(ts, m, "Event", wf_val_from_obj(&event_type)) < 0 ||
        wf_module_add(ts, m, "error", wf_val_from_obj(&wf_exc_RuntimeError)) < 0 ||
        wf_module_add(ts, m, "TIMEOUT_MAX", tmax) < 0)
        return WF_NULL;
    return m;
}

// The Python half, compiled at first import. Kept inside the Weft subset:
// no decorators, so Thread's name/daemon/ident are plain attributes.
static const char threading_src[] =
    "Lock = _thread.allocate_lock\n"
    "RLock = _thread.RLock\n"
    "Event = _thread.Event\n"
    "get_ident = _thread.get_ident\n"
    "get_native_id = _thread.get_ident\n"
    "TIMEOUT_MAX = _thread.TIMEOUT_MAX\n"
    "ThreadError = _thread.error\n"
    "_trace_hook = None\n"
    "_profile_hook = None\n"
    "_counter = 0\n"
    "_counter_lock = _thread.allocate_lock()\n"
    "\n"
    "def _newname(prefix='Thread-'):\n"
    "    global _counter\n"
    "    with _counter_lock:\n"
    "        _counter += 1\n"
    "        n = _counter\n"
    "    return prefix + str(n)\n"
    "\n"
    "class Thread:\n"
    "    _initialized = False\n"
    "\n"
    "    def __init__(self, group=None, target=None, name=None, args=(),\n"
    "                 kwargs=None, daemon=None):\n"
    "        if group is not None:\n"
    "            raise AssertionError('group argument must be None for now')\n"
    "        if kwargs is None:\n"
    "            kwargs = {}\n"
    "        if name:\n"
    "            name = str(name)\n"
    "        else:\n"
    "            name = _newname()\n"
    "            if target is not None:\n"
    "                try:\n"
    "                    name += ' (' + target.__name__ + ')'\n"
    "                except AttributeError:\n"
    "                    pass\n"
    "        self._target = target\n"
    "        self.name = name\n"
    "        self._args = args\n"
    "        self._kwargs = kwargs\n"
    "        if daemon is not None:\n"
    "            self.daemon = bool(daemon)\n"
    "        else:\n"
    "            self.daemon = current_thread().daemon\n"
    "        self.ident = None\n"
    "        self.native_id = None\n"
    "        self._handle = None\n"
    "        self._started = False\n"
    "        self._initialized = True\n"
    "\n"
    "    def __repr__(self):\n"
    "        status = 'initial'\n"
    "        if self._started:\n"
    "            status = 'started'\n"
    "        if self._handle is not None and self._handle.is_done():\n"
    "            status = 'stopped'\n"
    "        if self.daemon:\n"
    "            status += ' daemon'\n"
    "        if self.ident is not None:\n"
    "            status += ' ' + str(self.ident)\n"
    "        return '<' + type(self).__name__ + '(' + self.name + ', ' + "
    "status + ')>'\n"
    "\n"
    "    def start(self):\n"
    "        if not self._initialized:\n"
    "            raise RuntimeError('thread.__init__() not called')\n"
    "        if self._started:\n"
    "            raise RuntimeError('threads can only be started once')\n"
    "        self._started = True\n"
    "        try:\n"
    "            self._handle = _thread._start(self._bootstrap, self.daemon)\n"
    "        except BaseException:\n"
    "            self._started = False\n"
    "            raise\n"
    "        self.ident = self._handle.ident()\n"
    "        self.native_id = self.ident\n"
    "\n"
    "    def _bootstrap(self):\n"
    "        self.ident = _thread.get_ident()\n"
    "        self.native_id = self.ident\n"
    "        _thread._set_current(self)\n"
    "        if _trace_hook is not None:\n"
    "            _thread._settrace(_trace_hook)\n"
    "        if _profile_hook is not None:\n"
    "            _thread._setprofile(_profile_hook)\n"
    "        try:\n"
    "            self.run()\n"
    "        except SystemExit:\n"
    "            pass\n"
    "        except BaseException as exc:\n"
    "            _thread._print_exception('Exception in thread ' + self.name"
    " + ':', exc)\n"
    "\n"
    "    def run(self):\n"
    "        try:\n"
    "            if self._target is not None:\n"
    "                self._target(*self._args, **self._kwargs)\n"
    "        finally:\n"
    "            self._target = None\n"
    "            self._args = None\n"
    "            self._kwargs = None\n"
    "\n"
    "    def join(self, timeout=None):\n"
    "        if not self._initialized:\n"
    "            raise RuntimeError('Thread.__init__() not called')\n"
    "        if not self._started:\n"
    "            raise RuntimeError('cannot join thread before it is "
    "started')\n"
    "        if self is current_thread():\n"
    "            raise RuntimeError('cannot join current thread')\n"
    "        if timeout is not None:\n"
    "            timeout = max(timeout, 0)\n"
    "        self._handle.join(timeout)\n"
    "\n"
    "    def is_alive(self):\n"
    "        if not self._started:\n"
    "            return False\n"
    "        return not self._handle.is_done()\n"
    "\n"
    "    def getName(self):\n"
    "        return self.name\n"
    "\n"
    "    def setName(self, name):\n"
    "        self.name = str(name)\n"
    "\n"
    "    def isDaemon(self):\n"
    "        return self.daemon\n"
    "\n"
    "    def setDaemon(self, daemonic):\n"
    "        self.daemon = daemonic\n"
    "\n"
    "class _MainThread(Thread):\n"
    "    def __init__(self):\n"
    "        Thread.__init__(self, None, None, 'MainThread', (), None, "
    "False)\n"
    "        self._started = True\n"
    "        self.ident = _thread.get_ident()\n"
    "        self.native_id = self.ident\n"
    "        self._handle = _thread._main_handle()\n"
    "\n"
    "class _DummyThread(Thread):\n"
    "    def __init__(self):\n"
    "        Thread.__init__(self, None, None, _newname('Dummy-'), (), None, "
    "True)\n"
    "        self._started = True\n"
    "        self.ident = _thread.get_ident()\n"
    "        self.native_id = self.ident\n"
    "        self._handle = _thread._main_handle()\n"
    "\n"
    "    def is_alive(self):\n"
    "        return True\n"
    "\n"
    "    def join(self, timeout=None):\n"
    "        raise RuntimeError('cannot join a dummy thread')\n"
    "\n"
    "def current_thread():\n"
    "    t = _thread._get_current()\n"
    "    if t is None:\n"
    "        t = _DummyThread()\n"
    "        _thread._set_current(t)\n"
    "    return t\n"
    "\n"
    "currentThread = current_thread\n"
    "\n"
    "def main_thread():\n"
    "    return _main_thread\n"
    "\n"
    "def active_count():\n"
    "    return _thread._count()\n"
    "\n"
    "activeCount = active_count\n"
    "\n"
    "def enumerate():\n"
    "    return _thread._enumerate()\n"
    "\n"
    "def settrace(func):\n"
    "    global _trace_hook\n"
    "    _trace_hook = func\n"
    "\n"
    "def settrace_all_threads(func):\n"
    "    settrace(func)\n"
    "    _thread._settrace_all(func)\n"
    "\n"
    "def gettrace():\n"
    "    return _trace_hook\n"
    "\n"
    "def setprofile(func):\n"
    "    global _profile_hook\n"
    "    _profile_hook = func\n"
    "\n"
    "def setprofile_all_threads(func):\n"
    "    setprofile(func)\n"
    "    _thread._setprofile_all(func)\n"
    "\n"
    "def getprofile():\n"
    "    return _profile_hook\n"
    "\n"
    "_main_thread = _MainThread()\n"
    "if _thread._is_main():\n"
    "    _thread._set_current(_main_thread)\n";

// Module init for wf_import("threading"): import _thread (directly: the
// import lock is held), then run the Python half in the module's dict.
wf_value
wf_threading_module_init(wf_thread *ts)
{
    wf_interp *interp = ts->interp;
    size_t mark = wf_root_mark(ts);
    wf_value result = WF_NULL;
    wf_value key = wf_str_intern(ts, "_thread");
    if (key == WF_NULL)
        return WF_NULL;
    wf_value th = wf_dict_get_str(interp->modules, key);
    if (th == WF_NULL) {
        th = wf_threading_thread_module_init(ts);
        if (th == WF_NULL || wf_root_push(ts, th) < 0 ||
            wf_dict_set_str(ts, interp->modules, key, th) < 0)
            goto done;
    }
    wf_value m = wf_module_new(ts, "threading");
    if (m == WF_NULL || wf_root_push(ts, m) < 0)
        goto done;
    if (wf_module_add(ts, m, "_thread", th) < 0 ||
        wf_module_add(ts, m, "__builtins__", interp->builtins) < 0)
        goto done;
    wf_value co = wf_comp_module(ts, threading_src, sizeof threading_src - 1,
                                 "<frozen threading>");
    if (co == WF_NULL || wf_root_push(ts, co) < 0)
        goto done;
    wf_value globals = ((wf_module *)wf_val_as_obj(m))->dict;
    if (wf_eval_code(ts, (wf_code *)wf_val_as_obj(co), globals) == WF_NULL)
        goto done;
    result = m;
done:
    wf_root_release(ts, mark);
    return result;
}
