// tests/unit/test_legacy.c -- the legacy tracing bridge (runtime/legacy):
// per-thread slots and the union of tools 6/7's events, the *_all_threads
// switch, every adapter's mapping (called directly, as the fire layer
// would), the Python trampoline's f_trace rules, the exception kept around
// a callback, f_lineno's checks and the C API.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>

#include <cmocka.h>

#include <weft.h>

#include "compiler/compile.h"
#include "objects/error.h"
#include "vm/eval.h"
#include "vm/frame.h"
#include "gc.h"
#include "vm/frameobj.h"
#include "legacy/legacy.h"
#include "legacy/lineno.h"
#include "monitor/monitor.h"
#include "monitor/native.h"
#include "threads/thread.h"

static weft_runtime *rt;
static wf_thread *ts;

static int
group_setup(void **state)
{
    (void)state;
    if (weft_runtime_new(&rt) != WEFT_OK)
        return -1;
    ts = wf_thread_current();
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    weft_runtime_free(rt);
    return 0;
}

#if WEFT_MONITORING

// Every test leaves both bridges off and no error set.
static int
teardown(void **state)
{
    (void)state;
    wf_err_clear(ts);
    int rc = wf_ltrace_set_c(ts, NULL, WF_NULL, true) |
             wf_lprof_set_c(ts, NULL, WF_NULL, true);
    wf_err_clear(ts);
    return rc;
}

#define TRACE_BIT (1u << WF_TOOL_SYS_TRACE)
#define PROFILE_BIT (1u << WF_TOOL_SYS_PROFILE)

static wf_evset
tool_events(int tool)
{
    wf_mon_lock(ts);
    wf_evset ev = wf_mon_get_events_locked(tool);
    wf_mon_unlock(ts);
    return ev;
}

// ===== A recording C trace function =====

#define MAX_REC 64
static struct rec {
    int what;
    int line;
    wf_value arg;
    int event;  // wf_ltrace_what_event() during the call
    bool exc_hidden;  // no exception visible to the callee
} recs[MAX_REC];
static int nrecs;
static int fail_at = -1;  // make the nth call fail
// True while fire() delivers a made-up event: the recorder and the Python
// tracers of these tests ignore the real events the fire layer also
// delivers for the test code itself.
static bool firing;

static int
recorder(wf_value obj, wf_frame *f, int what, wf_value arg)
{
    (void)obj;
    if (!firing)
        return 0;
    if (nrecs < MAX_REC) {
        recs[nrecs].what = what;
        recs[nrecs].line = (int)(wf_frame_lineno(f) - f->code->firstlineno);
        recs[nrecs].arg = arg;
        recs[nrecs].event = wf_ltrace_what_event();
        recs[nrecs].exc_hidden = !wf_err_occurred(ts);
    }
    if (nrecs++ == fail_at) {
        wf_err_format(ts, &wf_exc_RuntimeError, "recorder fails");
        return -1;
    }
    return 0;
}

static void
reset_recs(void)
{
    nrecs = 0;
    fail_at = -1;
}

// ===== fire(tool, event, *args): call a bridge's callback directly =====
// The calling Python frame is ts->frame (builtins push no frame), as it is
// when the fire layer delivers an event.

static wf_value
fire_builtin(wf_thread *t, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)kwnames;
    assert_true(nargs >= 2);
    wf_value cb = wf_mon_callback((int)wf_val_as_int(args[0]),
                                  (int)wf_val_as_int(args[1]));
    if (cb == WF_NULL)
        return wf_err_format(t, &wf_exc_RuntimeError, "no callback");
    wf_value call[5];
    call[0] = wf_val_from_obj(t->frame->code);
    size_t n = 1;
    for (size_t i = 2; i < nargs && n < 5; i++)
        call[n++] = args[i];
    // As the fire layer: the callback's own code raises no events.
    firing = true;
    t->in_callback++;
    wf_value r = wf_obj_call(t, cb, call, n, WF_NULL);
    t->in_callback--;
    firing = false;
    return r;
}

// firing(): whether a made-up event is being delivered.
static wf_value
firing_builtin(wf_thread *t, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)t, (void)args, (void)nargs, (void)kwnames;
    return firing ? WF_TRUE : WF_FALSE;
}

// Add fire() and firing() to [globals].
static void
add_helpers(wf_value globals)
{
    wf_value fire = wf_builtin_new(ts, "fire", fire_builtin, NULL);
    wf_value fing = wf_builtin_new(ts, "firing", firing_builtin, NULL);
    assert_true(fire != WF_NULL && fing != WF_NULL);
    assert_int_equal(wf_dict_set(ts, globals, wf_str_intern(ts, "fire"),
                                 fire), 0);
    assert_int_equal(wf_dict_set(ts, globals, wf_str_intern(ts, "firing"),
                                 fing), 0);
}

// Run [src] as a module with fire() and firing(), plus builtin [name]
// calling [fn] when [name] is not NULL. Returns its globals, or WF_NULL
// after printing the error.
static wf_value
run_with(const char *src, const char *name, wf_cfunc fn)
{
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    if (cv == WF_NULL) {
        wf_err_print(ts);
        return WF_NULL;
    }
    wf_value globals = wf_dict_new(ts);
    assert_true(globals != WF_NULL);
    add_helpers(globals);
    if (name != NULL)
        assert_int_equal(wf_dict_set(ts, globals, wf_str_intern(ts, name),
                                     wf_builtin_new(ts, name, fn, NULL)),
                         0);
    size_t mark = wf_root_mark(ts);
    assert_true(wf_root_push(ts, globals) >= 0 && wf_root_push(ts, cv) >= 0);
    wf_value r = wf_eval_code(ts, (wf_code *)wf_val_as_obj(cv), globals);
    wf_root_release(ts, mark);
    if (r == WF_NULL) {
        wf_err_print(ts);
        return WF_NULL;
    }
    return globals;
}

static wf_value
run(const char *src)
{
    return run_with(src, NULL, NULL);
}

static wf_value
global(wf_value globals, const char *name)
{
    wf_value key = wf_str_intern(ts, name);
    return key == WF_NULL ? WF_NULL : wf_dict_get_str(globals, key);
}

// ===== Slots and the union =====

static void
test_legacy_settrace_sets_only_the_callers_slot_and_the_union(void **state)
{
    (void)state;
    assert_int_equal(ts->mon_tools & TRACE_BIT, 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_TRACE), 0);
    wf_value fn = wf_builtin_new(ts, "f", fire_builtin, NULL);
    assert_int_equal(wf_ltrace_settrace(ts, fn), 0);
    assert_true(ts->c_tracefunc == wf_ltrace_trampoline);
    assert_true(ts->c_traceobj == fn);
    assert_true(wf_ltrace_gettrace(ts) == fn);
    assert_int_equal(ts->mon_tools & TRACE_BIT, TRACE_BIT);
    wf_evset ev = tool_events(WF_TOOL_SYS_TRACE);
    assert_true(ev & WF_EVMASK(WF_EV_LINE));
    assert_true(ev & WF_EVMASK(WF_EV_PY_START));
    assert_true(ev & WF_EVMASK(WF_EV_STOP_ITERATION));
    assert_false(ev & WF_EVMASK(WF_EV_CALL));  // the tracer ignores C calls
    assert_int_equal(tool_events(WF_TOOL_SYS_PROFILE), 0);
    assert_int_equal(ts->mon_tools & PROFILE_BIT, 0);

    assert_int_equal(wf_lprof_setprofile(ts, fn), 0);
    assert_true(wf_lprof_getprofile(ts) == fn);
    assert_true(tool_events(WF_TOOL_SYS_PROFILE) & WF_EVMASK(WF_EV_CALL));
    assert_int_equal(ts->mon_tools & PROFILE_BIT, PROFILE_BIT);

    assert_int_equal(wf_ltrace_settrace(ts, WF_NONE), 0);
    assert_true(ts->c_tracefunc == NULL);
    assert_true(wf_ltrace_gettrace(ts) == WF_NONE);
    assert_int_equal(ts->mon_tools & TRACE_BIT, 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_TRACE), 0);
    assert_int_equal(wf_lprof_setprofile(ts, WF_NONE), 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_PROFILE), 0);
    assert_int_equal(ts->mon_tools, 0x3F);
}

// A second attached thread, driven step by step by the main thread.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int step;          // the main thread's request
static int done_step;     // what the worker finished
static wf_thread *worker_ts;

// Wait until [*var] >= [v], detached (a pause must not wait for us).
static void
wait_for(wf_thread *self, int *var, int v)
{
    wf_thread_detach(self);
    pthread_mutex_lock(&mu);
    while (*var < v)
        pthread_cond_wait(&cond, &mu);
    pthread_mutex_unlock(&mu);
    wf_thread_attach(self);
}

static void
post(int *var, int v)
{
    pthread_mutex_lock(&mu);
    *var = v;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&mu);
}

static void *
worker_main(void *arg)
{
    (void)arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    worker_ts = me;
    post(&done_step, 1);                        // 1: attached
    wait_for(me, &step, 2);
    int rc = wf_ltrace_set_c(me, recorder, WF_NULL, false);
    post(&done_step, rc == 0 ? 2 : -100);       // 2: own slot set
    wait_for(me, &step, 3);
    rc = wf_ltrace_set_c(me, NULL, WF_NULL, false);
    post(&done_step, rc == 0 ? 3 : -100);       // 3: own slot cleared
    wait_for(me, &step, 4);                     // 4: main is done with us
    wf_thread_free_current(me);
    post(&done_step, 4);
    return NULL;
}

static void
test_legacy_events_are_the_union_of_every_threads_slot(void **state)
{
    (void)state;
    step = done_step = 0;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, worker_main, NULL), 0);
    wait_for(ts, &done_step, 1);
    post(&step, 2);
    wait_for(ts, &done_step, 2);
    assert_int_equal(done_step, 2);
    // The worker's slot alone keeps tool 7 on; this thread has no bit.
    assert_true(tool_events(WF_TOOL_SYS_TRACE) & WF_EVMASK(WF_EV_LINE));
    assert_int_equal(ts->mon_tools & TRACE_BIT, 0);
    assert_true(ts->c_tracefunc == NULL);
    // Clearing an unset slot here leaves the worker's events alone.
    assert_int_equal(wf_ltrace_set_c(ts, NULL, WF_NULL, false), 0);
    assert_true(tool_events(WF_TOOL_SYS_TRACE) & WF_EVMASK(WF_EV_LINE));
    // Both set, then the worker clears: this thread's slot keeps it on.
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    post(&step, 3);
    wait_for(ts, &done_step, 3);
    assert_int_equal(done_step, 3);
    assert_true(tool_events(WF_TOOL_SYS_TRACE) & WF_EVMASK(WF_EV_LINE));
    assert_int_equal(wf_ltrace_set_c(ts, NULL, WF_NULL, false), 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_TRACE), 0);

    // *_all_threads: both threads switch (one pause), then both clear.
    wf_value fn = wf_builtin_new(ts, "g", fire_builtin, NULL);
    assert_int_equal(wf_ltrace_settrace_all_threads(ts, fn), 0);
    assert_true(worker_ts->c_tracefunc == wf_ltrace_trampoline);
    assert_true(worker_ts->c_traceobj == fn);
    assert_int_equal(worker_ts->mon_tools & TRACE_BIT, TRACE_BIT);
    assert_true(wf_ltrace_gettrace(ts) == fn);
    assert_true(tool_events(WF_TOOL_SYS_TRACE) & WF_EVMASK(WF_EV_LINE));
    assert_int_equal(wf_lprof_setprofile_all_threads(ts, fn), 0);
    assert_true(worker_ts->c_profileobj == fn);
    assert_int_equal(wf_ltrace_settrace_all_threads(ts, WF_NONE), 0);
    assert_int_equal(wf_lprof_setprofile_all_threads(ts, WF_NONE), 0);
    assert_true(worker_ts->c_tracefunc == NULL);
    assert_true(worker_ts->c_profilefunc == NULL);
    assert_int_equal(worker_ts->mon_tools & (TRACE_BIT | PROFILE_BIT), 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_TRACE), 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_PROFILE), 0);

    post(&step, 4);
    wait_for(ts, &done_step, 4);
    wf_thread_detach(ts);
    pthread_join(th, NULL);
    wf_thread_attach(ts);
}

// ===== The adapters =====

static void
test_legacy_trace_adapters_map_every_event(void **state)
{
    (void)state;
    reset_recs();
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    char src[1024];
    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(7, %d, 0)\n"            // PY_START -> call
             "    fire(7, %d, 3)\n"            // LINE 3 -> line
             "    fire(7, %d, 4, 'v')\n"       // PY_RETURN -> return 'v'
             "    fire(7, %d, 4, 'y')\n"       // PY_YIELD -> return 'y'
             "    fire(7, %d, 4, None)\n"      // PY_UNWIND -> return None
             "    fire(7, %d, 4, ValueError('x'))\n"  // RAISE -> exception
             "    fire(7, %d, 4, None)\n"      // PY_THROW -> call
             "    fire(7, %d, 0)\n"            // PY_RESUME -> call
             "    a = fire(7, %d, 2, 40)\n"    // forward JUMP: DISABLE
             "    b = fire(7, %d, 40, 2)\n"    // backward, other line
             "    return a, b\n"
             "r = f()\n",
             WF_EV_PY_START, WF_EV_LINE, WF_EV_PY_RETURN, WF_EV_PY_YIELD,
             WF_EV_PY_UNWIND, WF_EV_RAISE, WF_EV_PY_THROW, WF_EV_PY_RESUME,
             WF_EV_JUMP, WF_EV_JUMP);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    assert_int_equal(nrecs, 8);
    static const int whats[] = {
        WF_TRACE_CALL,   WF_TRACE_LINE,      WF_TRACE_RETURN, WF_TRACE_RETURN,
        WF_TRACE_RETURN, WF_TRACE_EXCEPTION, WF_TRACE_CALL,   WF_TRACE_CALL,
    };
    static const int evs[] = {
        WF_EV_PY_START, WF_EV_LINE,  WF_EV_PY_RETURN, WF_EV_PY_YIELD,
        WF_EV_PY_UNWIND, WF_EV_RAISE, WF_EV_PY_THROW, WF_EV_PY_RESUME,
    };
    for (int i = 0; i < 8; i++) {
        assert_int_equal(recs[i].what, whats[i]);
        assert_int_equal(recs[i].event, evs[i]);
        assert_true(recs[i].exc_hidden);
    }
    assert_string_equal(wf_str_cstr(recs[2].arg), "v");
    assert_string_equal(wf_str_cstr(recs[3].arg), "y");
    assert_true(recs[4].arg == WF_NONE);
    // exception: (type, value, traceback)
    assert_true(wf_val_is(recs[5].arg, &wf_tuple_type));
    assert_int_equal(wf_tuple_len(recs[5].arg), 3);
    assert_true(wf_tuple_items(recs[5].arg)[0] ==
                wf_val_from_obj(&wf_exc_ValueError));
    wf_value r = global(g, "r");
    assert_true(wf_tuple_items(r)[0] == WF_MON_DISABLE);
    assert_true(wf_tuple_items(r)[1] == WF_MON_DISABLE);
}

static void
test_legacy_backward_jump_on_one_line_is_a_line_event(void **state)
{
    (void)state;
    reset_recs();
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    // A backward jump that stays on its line (a loop on one line) is
    // reported as a `line` event (CPython's sys_trace_jump_func): fire
    // one between two units of the `return` line.
    char src[512];
    snprintf(src, sizeof src,
             "import sys\n"
             "def f():\n"
             "    co = sys._getframe().f_code\n"
             "    rs = [r for r in co.co_lines() if r[2] == "
             "co.co_firstlineno + 3]\n"
             "    return fire(7, %d, rs[0][1] - 2, rs[0][0])\n"
             "r = f()\n",
             WF_EV_JUMP);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    assert_true(global(g, "r") == WF_NONE);  // not DISABLE
    assert_int_equal(nrecs, 1);
    assert_int_equal(recs[0].what, WF_TRACE_LINE);
    assert_int_equal(recs[0].event, WF_EV_JUMP);
    assert_int_equal(recs[0].line, 3);
}

static void
test_legacy_profile_adapters_report_builtins_only(void **state)
{
    (void)state;
    reset_recs();
    assert_int_equal(wf_lprof_set_c(ts, recorder, WF_NULL, false), 0);
    char src[1024];
    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(6, %d, 0)\n"                 // PY_START -> call
             "    fire(6, %d, 2, len, [1])\n"       // CALL len -> c_call
             "    fire(6, %d, 2, len, [1])\n"       // C_RETURN -> c_return
             "    fire(6, %d, 2, len, [1])\n"       // C_RAISE -> c_exception
             "    fire(6, %d, 2, f, 1)\n"           // CALL f: nothing
             "    fire(6, %d, 2, str, 1)\n"         // CALL a type: nothing
             "    fire(6, %d, 2, [].append, 1)\n"   // bound builtin: c_call
             "    fire(6, %d, 2, 'v')\n"            // PY_RETURN -> return
             "    fire(6, %d, 2, None)\n"           // PY_UNWIND -> return
             "f()\n",
             WF_EV_PY_START, WF_EV_CALL, WF_EV_C_RETURN, WF_EV_C_RAISE,
             WF_EV_CALL, WF_EV_CALL, WF_EV_CALL, WF_EV_PY_RETURN,
             WF_EV_PY_UNWIND);
    assert_true(run(src) != WF_NULL);
    assert_int_equal(nrecs, 7);
    static const int whats[] = {
        WF_TRACE_CALL,   WF_TRACE_C_CALL, WF_TRACE_C_RETURN,
        WF_TRACE_C_EXCEPTION, WF_TRACE_C_CALL, WF_TRACE_RETURN,
        WF_TRACE_RETURN,
    };
    for (int i = 0; i < 7; i++)
        assert_int_equal(recs[i].what, whats[i]);
    assert_true(wf_val_is(recs[1].arg, &wf_builtin_type));
    assert_string_equal(((wf_builtin *)wf_val_as_obj(recs[1].arg))->name,
                        "len");
    assert_string_equal(((wf_builtin *)wf_val_as_obj(recs[4].arg))->name,
                        "append");
    assert_true(recs[6].arg == WF_NONE);
}

static void
test_legacy_adapters_return_early_without_a_slot(void **state)
{
    (void)state;
    reset_recs();
    // Registered (by an earlier set) but this thread has no function.
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    assert_int_equal(wf_ltrace_set_c(ts, NULL, WF_NULL, false), 0);
    char src[256];
    snprintf(src, sizeof src, "fire(7, %d, 0)\nfire(7, %d, 1)\n",
             WF_EV_PY_START, WF_EV_LINE);
    assert_true(run(src) != WF_NULL);
    assert_int_equal(nrecs, 0);
}

// fire_with_exc(tool, event, *args): fire() with a KeyError in flight;
// answers whether the very same exception is in flight afterwards.
static wf_value
fire_with_exc(wf_thread *t, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    wf_err_format(t, &wf_exc_KeyError, "in flight");
    wf_value exc = t->exc;
    size_t mark = wf_root_mark(t);
    assert_true(wf_root_push(t, exc) >= 0);
    wf_value saved = wf_err_fetch(t);
    wf_err_restore(t, saved);
    // fire_builtin runs the callback with the exception set on the thread.
    wf_value cb = wf_mon_callback((int)wf_val_as_int(args[0]),
                                  (int)wf_val_as_int(args[1]));
    wf_value call[4] = {wf_val_from_obj(t->frame->code)};
    size_t n = 1;
    for (size_t i = 2; i < nargs && n < 4; i++)
        call[n++] = args[i];
    (void)kwnames;
    wf_value kept = t->exc;
    t->exc = WF_NULL;  // a builtin call starts with none set
    wf_err_restore(t, kept);
    firing = true;
    t->in_callback++;
    // As the fire layer calls a native callback (monitor/native.h).
    int rc = wf_native_is(cb) ? wf_native_of(cb)->fn(t, t->frame, NULL,
                                                     wf_native_of(cb), call, n)
                              : -1;
    t->in_callback--;
    firing = false;
    bool same = rc >= 0 && t->exc == exc;
    wf_err_clear(t);
    wf_root_release(t, mark);
    return same ? WF_TRUE : WF_FALSE;
}

static void
test_legacy_exception_in_flight_survives_a_callback(void **state)
{
    (void)state;
    reset_recs();
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    char src[512];
    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(7, %d, 0)\n"
             "    return fx(7, %d, 2)\n"
             "r = f()\n",
             WF_EV_PY_START, WF_EV_LINE);
    wf_value globals = run_with(src, "fx", fire_with_exc);
    assert_true(globals != WF_NULL);
    assert_true(global(globals, "r") == WF_TRUE);
    assert_int_equal(nrecs, 2);
    assert_true(recs[1].exc_hidden);  // the callee saw none
}

// ===== The exception tuple across the opcode switch =====
// A frame that set f_trace_opcodes takes the monitoring mutex before its
// `exception` event is delivered, and waiting for that mutex is a safe
// point: the (type, value, traceback) tuple must already be rooted there.
// A helper thread holds the mutex, waits until the main thread blocks on
// it, collects, and lets go. The fuzzer found the tuple freed there
// (weft stress --scenario fuzz, seed 302): ASan sees the dead tuple in
// the recorder.

static wf_thread *holder_ts;

static void *
holder_main(void *arg)
{
    (void)arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    holder_ts = me;
    wf_mon_lock(me);
    post(&done_step, 1);  // 1: holding the mutex
    // Until the main thread, back from hold(), waits for it (detached
    // meanwhile: the main thread may pause before it gets there).
    wait_for(me, &step, 1);
    wf_thread_detach(me);
    while (wf_atomic_load_acquire_u32(&ts->state) != WF_THREAD_DETACHED)
        sched_yield();
    wf_thread_attach(me);
    int rc = wf_gc_collect(me);
    wf_mon_unlock(me);
    post(&done_step, rc == 0 ? 2 : -100);  // 2: collected, let go
    wait_for(me, &step, 3);
    wf_thread_free_current(me);
    return NULL;
}

// hold(): start the holder and return once it holds the mutex.
static pthread_t holder_thread;

static wf_value
hold_builtin(wf_thread *t, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    assert_int_equal(pthread_create(&holder_thread, NULL, holder_main, NULL),
                     0);
    wait_for(t, &done_step, 1);
    post(&step, 1);  // attached again: the next wait is for the mutex
    return WF_NONE;
}

static void
test_legacy_exception_tuple_survives_the_opcode_switch(void **state)
{
    (void)state;
    reset_recs();
    step = done_step = 0;
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    char src[512];
    snprintf(src, sizeof src,
             "import sys\n"
             "def f():\n"
             "    sys._getframe().f_trace_opcodes = True\n"
             "    hold()\n"
             "    fire(7, %d, 4, ValueError('x'))\n"
             "f()\n",
             WF_EV_RAISE);
    assert_true(run_with(src, "hold", hold_builtin) != WF_NULL);
    assert_int_equal(done_step, 2);  // the holder collected meanwhile
    assert_int_equal(nrecs, 1);
    assert_int_equal(recs[0].what, WF_TRACE_EXCEPTION);
    wf_value a = recs[0].arg;
    assert_true(wf_val_is(a, &wf_tuple_type));
    assert_int_equal(wf_tuple_len(a), 3);
    assert_true(wf_tuple_items(a)[0] == wf_val_from_obj(&wf_exc_ValueError));
    post(&step, 3);
    wf_thread_detach(ts);
    pthread_join(holder_thread, NULL);
    wf_thread_attach(ts);
}

// A failing C trace function switches the slot off and its error wins.
static void
test_legacy_failing_trace_function_disables_the_thread(void **state)
{
    (void)state;
    reset_recs();
    fail_at = 1;
    assert_int_equal(wf_ltrace_set_c(ts, recorder, WF_NULL, false), 0);
    char src[512];
    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(7, %d, 0)\n"
             "    try:\n"
             "        fire(7, %d, 4)\n"
             "    except RuntimeError as e:\n"
             "        return str(e)\n"
             "r = f()\n",
             WF_EV_PY_START, WF_EV_LINE);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    assert_string_equal(wf_str_cstr(global(g, "r")), "recorder fails");
    assert_int_equal(nrecs, 2);
    // The C slot is not the Python trampoline: a C function's failure is
    // its caller's to handle; the Python bridge clears itself (below).
}

// ===== The Python-level trampoline =====

static void
test_legacy_python_trace_function_follows_f_trace_rules(void **state)
{
    (void)state;
    char src[2048];
    snprintf(src, sizeof src,
             "import sys\n"
             "LOG = []\n"
             "def local(frame, event, arg):\n"
             "    if not firing(): return None\n"
             "    LOG.append(event + ' ' + frame.f_code.co_name + ' ' + "
             "str(frame.f_lineno - frame.f_code.co_firstlineno))\n"
             "    return None\n"                 // keeps f_trace
             "def glob(frame, event, arg):\n"
             "    if not firing(): return None\n"
             "    LOG.append('g ' + event + ' ' + frame.f_code.co_name)\n"
             "    if frame.f_code.co_name == 'quiet':\n"
             "        return None\n"             // no local events
             "    return local\n"
             "def quiet():\n"
             "    fire(7, %d, 0)\n"
             "    fire(7, %d, 2)\n"
             "def loud():\n"
             "    fire(7, %d, 0)\n"
             "    fire(7, %d, sys._getframe().f_code.co_firstlineno + 2)\n"
             "    fire(7, %d, sys._getframe().f_code.co_firstlineno + 2)\n"
             "    fire(7, %d, 2, 5)\n"
             "    return sys._getframe().f_trace is local\n"
             "sys.settrace(glob)\n"
             "quiet()\n"
             "R = loud()\n"
             "sys.settrace(None)\n",
             WF_EV_PY_START, WF_EV_LINE, WF_EV_PY_START, WF_EV_LINE,
             WF_EV_LINE, WF_EV_PY_RETURN);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    assert_true(global(g, "R") == WF_TRUE);
    wf_value log = global(g, "LOG");
    wf_list *l = (wf_list *)wf_val_as_obj(log);
    assert_int_equal(l->n, 5);
    wf_value x = WF_NULL;
    const char *want[] = {"g call quiet", "g call loud", "line loud 2",
                          "line loud 2", "return loud 4"};
    for (size_t i = 0; i < 5; i++) {
        assert_true(wf_list_get(log, i, &x));
        assert_string_equal(wf_str_cstr(x), want[i]);
    }
}

// A traced frame whose object no one but the frame could reach (the trace
// function never reads `frame`) drops it at exit into the thread's pool of
// dead frame objects; the next traced call takes it back. The collector
// leaves pooled objects where they are (and adds the dead frame objects it
// finds). Reading `frame` exposes it: it is then snapshotted at exit and
// not returned to the pool.
static void
test_legacy_unexposed_frame_objects_are_kept_and_reused(void **state)
{
    (void)state;
    assert_int_equal(wf_gc_collect(ts), 0);
    wf_frame_release_kept(ts);  // an empty pool; what it held is garbage
    static const char blind[] =
        "import sys\n"
        "def blind(frame, event, arg):\n"
        "    return blind\n"
        "def f(x):\n"
        "    return x + 1\n"
        "sys.settrace(blind)\n"
        "f(1)\n"
        "f(2)\n"
        "sys.settrace(None)\n";
    assert_true(run(blind) != WF_NULL);
#if WF_GC_REUSE
    assert_int_equal(ts->nkept_frames, 1);  // f's, taken back by f(2)
    wf_frameobj *k = ts->kept_frames;
    assert_non_null(k);
    assert_true(k->ob.gc_bits & WF_GC_KEPT);
    assert_false(k->exposed);
    assert_null(wf_frameobj_frame(k));
    // Unreachable, yet the collector leaves it where it is.
    assert_int_equal(wf_gc_collect(ts), 0);
    assert_true(k->ob.gc_bits & WF_GC_KEPT);
    assert_true(k->ob.type == &wf_frame_type);
    assert_true(ts->nkept_frames >= 1);
    uint32_t n = ts->nkept_frames;
    wf_frameobj *top = ts->kept_frames;
    assert_true(run(blind) != WF_NULL);
    assert_int_equal(ts->nkept_frames, n);
    assert_true(ts->kept_frames == top);  // the same object, reused
    // A trace function that reads `frame`: exposed, snapshotted, not kept.
    wf_value g = run("import sys\n"
                     "def seeing(frame, event, arg):\n"
                     "    frame.f_lineno\n"
                     "    return seeing\n"
                     "def f(x):\n"
                     "    return x + 1\n"
                     "sys.settrace(seeing)\n"
                     "f(1)\n"
                     "sys.settrace(None)\n");
    assert_true(g != WF_NULL);
    assert_true(ts->nkept_frames < n);  // f's (top) was not returned
    assert_false(top->ob.gc_bits & WF_GC_KEPT);
    assert_true(top->exposed);
#else
    assert_int_equal(ts->nkept_frames, 0);  // AddressSanitizer: none kept
#endif
    wf_frame_release_kept(ts);
    assert_int_equal(ts->nkept_frames, 0);
    assert_null(ts->kept_frames);
}

static void
test_legacy_raising_python_trace_function_turns_tracing_off(void **state)
{
    (void)state;
    char src[2048];
    snprintf(src, sizeof src,
             "import sys\n"
             "class Boom(Exception): pass\n"
             "def tr(frame, event, arg):\n"
             "    if event == 'line' and firing():\n"
             "        raise Boom('b')\n"
             "    return tr\n"
             "def victim():\n"
             "    fire(7, %d, 0)\n"
             "    try:\n"
             "        fire(7, %d, 3)\n"
             "    except Boom:\n"
             "        return (sys.gettrace(), sys._getframe().f_trace)\n"
             "sys.settrace(tr)\n"
             "R = victim()\n",
             WF_EV_PY_START, WF_EV_LINE);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    wf_value r = global(g, "R");
    assert_true(wf_tuple_items(r)[0] == WF_NONE);
    assert_true(wf_tuple_items(r)[1] == WF_NONE);
    assert_true(ts->c_tracefunc == NULL);
    assert_int_equal(ts->mon_tools & TRACE_BIT, 0);
    assert_int_equal(tool_events(WF_TOOL_SYS_TRACE), 0);
}

static void
test_legacy_f_trace_lines_gates_line_events(void **state)
{
    (void)state;
    char src[2048];
    snprintf(src, sizeof src,
             "import sys\n"
             "LOG = []\n"
             "def tr(frame, event, arg):\n"
             "    if firing(): LOG.append(event)\n"
             "    frame.f_trace_lines = False\n"
             "    return tr\n"
             "def f():\n"
             "    fire(7, %d, 0)\n"
             "    fire(7, %d, 3)\n"
             "    fire(7, %d, 3, 1)\n"
             "sys.settrace(tr)\n"
             "f()\n"
             "sys.settrace(None)\n",
             WF_EV_PY_START, WF_EV_LINE, WF_EV_PY_RETURN);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    wf_value log = global(g, "LOG");
    assert_int_equal(((wf_list *)wf_val_as_obj(log))->n, 2);  // call, return
}

// ===== f_lineno =====

static struct {
    int target;      // relative line to jump to, on the first line event
    int from;        // ... at this relative line
    int64_t landed;  // unit index the frame would continue at, or -1
    char msg[128];
} jump;

static int
jumper(wf_value obj, wf_frame *f, int what, wf_value arg)
{
    (void)obj, (void)arg;
    if (what != WF_TRACE_LINE ||
        wf_frame_lineno(f) - f->code->firstlineno != jump.from)
        return 0;
    wf_value fobj = wf_frame_get_object(ts, f);
    const wf_codeunit *instr = f->instr;
    wf_value *sp = f->sp;
    int rc = wf_lineno_set(ts, (wf_frameobj *)wf_val_as_obj(fobj),
                           wf_val_from_int(f->code->firstlineno +
                                           jump.target));
    if (rc < 0) {
        wf_value e = wf_err_fetch(ts);
        wf_value s = wf_obj_str(ts, e);
        snprintf(jump.msg, sizeof jump.msg, "%s", wf_str_cstr(s));
        jump.landed = -1;
    } else {
        jump.landed = f->instr - f->code->code;
        jump.msg[0] = 0;
    }
    // The fire layer is not under test: put the frame back.
    f->instr = instr;
    f->sp = sp;
    return 0;
}

// Run f's LINE at relative line [from] through [jumper]: f is compiled
// from [body]; the fire() call sits on line [from].
static void
try_jump(const char *src, int from, int target)
{
    jump.from = from;
    jump.target = target;
    jump.landed = -2;
    jump.msg[0] = 0;
    assert_int_equal(wf_ltrace_set_c(ts, jumper, WF_NULL, false), 0);
    assert_true(run(src) != WF_NULL);
    assert_int_equal(wf_ltrace_set_c(ts, NULL, WF_NULL, false), 0);
}

static void
test_legacy_lineno_checks_match_cpython(void **state)
{
    (void)state;
    char src[1024];
    // Line 3 of f fires its own LINE event (relative line 3).
    snprintf(src, sizeof src,
             "def f():\n"
             "    out = []\n"
             "    for i in range(2):\n"
             "        fire(7, %d, 3)\n"
             "        out.append(i)\n"
             "    try:\n"
             "        out.append(1)\n"
             "    except ValueError:\n"
             "        out.append(2)\n"
             "    out.append(9)\n"
             "    return out\n"
             "f()\n",
             WF_EV_LINE);
    try_jump(src, 3, 4);   // within the loop body: fine
    assert_true(jump.landed >= 0);
    try_jump(src, 3, 9);   // out of the loop: pops the iterator
    assert_true(jump.landed >= 0);
    try_jump(src, 3, 8);   // into an except block
    assert_string_equal(jump.msg, "can't jump into an 'except' block as "
                                  "there's no exception");
    try_jump(src, 3, -3);
    assert_true(strstr(jump.msg, "comes before the current code block"));
    try_jump(src, 3, 99);
    assert_true(strstr(jump.msg, "comes after the current code block"));

    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(7, %d, 1)\n"
             "    for i in range(2):\n"
             "        pass\n"
             "    return 1\n"
             "f()\n",
             WF_EV_LINE);
    try_jump(src, 1, 3);   // into a for body from outside
    assert_string_equal(jump.msg, "can't jump into the body of a for loop");
    try_jump(src, 1, 4);   // forward, same block
    assert_true(jump.landed >= 0);
}

static void
test_legacy_lineno_refused_outside_a_line_event(void **state)
{
    (void)state;
    wf_value g = run("import sys\n"
                     "def f():\n"
                     "    try:\n"
                     "        sys._getframe().f_lineno = 3\n"
                     "    except ValueError as e:\n"
                     "        return str(e)\n"
                     "r = f()\n");
    assert_true(g != WF_NULL);
    assert_string_equal(wf_str_cstr(global(g, "r")),
                        "f_lineno can only be set in a trace function");
}

// ===== The stack model =====

static void
test_legacy_mark_stacks_sees_iterators_and_handlers(void **state)
{
    (void)state;
    wf_value g = run("def f(xs):\n"
                     "    for x in xs:\n"
                     "        pass\n"
                     "    try:\n"
                     "        x = xs[0]\n"
                     "    except ValueError:\n"
                     "        x = 1\n"
                     "    return x\n");
    assert_true(g != WF_NULL);
    wf_value fn = global(g, "f");
    wf_value cv = wf_obj_getattr(ts, fn, wf_str_intern(ts, "__code__"));
    assert_true(cv != WF_NULL);
    wf_code *co = (wf_code *)wf_val_as_obj(cv);
    int64_t *stacks = test_malloc((co->ncode + 1) * sizeof *stacks);
    wf_lineno_mark_stacks(co, stacks);
    assert_int_equal(stacks[0], 0);
    bool iter_seen = false, except_seen = false;
    for (uint32_t i = 0; i < co->ncode; i++) {
        int64_t s = stacks[i];
        if (s <= 0)
            continue;
        if (co->lines[i] == co->firstlineno + 2 && (s & 7) == 1)
            iter_seen = true;   // the loop body has the iterator
        if ((s & 7) == 2)
            except_seen = true;
    }
    test_free(stacks);
    assert_true(iter_seen);
    assert_true(except_seen);
}

// ===== The C API =====

static int capi_calls;

static int
capi_tracer(void *data, weft_frame *frame, int what, const weft_object *arg)
{
    (void)arg;
    if (!firing)
        return 0;
    assert_ptr_equal(data, &capi_calls);
    assert_string_equal(weft_frame_code_name(frame), "f");
    assert_true(weft_frame_first_lineno(frame) >= 1);
    if (what == WEFT_TRACE_C_CALL)
        assert_string_equal(weft_object_name(arg), "len");
    capi_calls++;
    return 0;
}

static void
test_legacy_c_api_sets_and_clears_slots(void **state)
{
    (void)state;
    assert_int_equal(weft_set_trace(NULL, capi_tracer, NULL), WEFT_EINVAL);
    assert_int_equal(weft_set_trace(rt, capi_tracer, &capi_calls), WEFT_OK);
    assert_true(ts->c_tracefunc != NULL);
    assert_int_equal(ts->mon_tools & TRACE_BIT, TRACE_BIT);
    assert_int_equal(weft_set_profile_all_threads(rt, capi_tracer,
                                                  &capi_calls), WEFT_OK);
    assert_true(ts->c_profilefunc != NULL);
    capi_calls = 0;
    char src[512];
    snprintf(src, sizeof src,
             "def f():\n"
             "    fire(7, %d, 0)\n"
             "    fire(6, %d, 2, len, 1)\n"
             "f()\n",
             WF_EV_PY_START, WF_EV_CALL);
    assert_true(run(src) != WF_NULL);
    assert_int_equal(capi_calls, 2);
    assert_int_equal(weft_set_trace_all_threads(rt, NULL, NULL), WEFT_OK);
    assert_int_equal(weft_set_profile(rt, NULL, NULL), WEFT_OK);
    assert_true(ts->c_tracefunc == NULL && ts->c_profilefunc == NULL);
}

#endif  // WEFT_MONITORING

static void
test_legacy_gettrace_is_none_without_a_function(void **state)
{
    (void)state;
    assert_true(wf_ltrace_gettrace(ts) == WF_NONE);
    assert_true(wf_lprof_getprofile(ts) == WF_NONE);
    assert_int_equal(wf_ltrace_settrace(ts, WF_NONE), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_gettrace_is_none_without_a_function),
#if WEFT_MONITORING
#define T(name) cmocka_unit_test_teardown(name, teardown)
        T(test_legacy_settrace_sets_only_the_callers_slot_and_the_union),
        T(test_legacy_events_are_the_union_of_every_threads_slot),
        T(test_legacy_trace_adapters_map_every_event),
        T(test_legacy_backward_jump_on_one_line_is_a_line_event),
        T(test_legacy_profile_adapters_report_builtins_only),
        T(test_legacy_adapters_return_early_without_a_slot),
        T(test_legacy_exception_in_flight_survives_a_callback),
        T(test_legacy_exception_tuple_survives_the_opcode_switch),
        T(test_legacy_failing_trace_function_disables_the_thread),
        T(test_legacy_python_trace_function_follows_f_trace_rules),
        T(test_legacy_unexposed_frame_objects_are_kept_and_reused),
        T(test_legacy_raising_python_trace_function_turns_tracing_off),
        T(test_legacy_f_trace_lines_gates_line_events),
        T(test_legacy_lineno_checks_match_cpython),
        T(test_legacy_lineno_refused_outside_a_line_event),
        T(test_legacy_mark_stacks_sees_iterators_and_handlers),
        T(test_legacy_c_api_sets_and_clears_slots),
#undef T
#endif
    };
    return cmocka_run_group_tests_name("legacy", tests, group_setup,
                                       group_teardown);
}
