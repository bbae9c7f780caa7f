// runtime/legacy/profile.c -- sys.setprofile as adapters over monitoring
// tool 6 (wf_lprof_*).
// Owns tool 6's callbacks: PY_START/PY_RESUME/PY_THROW -> `call`,
// PY_RETURN/PY_YIELD -> `return` with the value, PY_UNWIND -> `return`
// None, CALL/C_RETURN/C_RAISE -> `c_call`/`c_return`/`c_exception` for
// builtins only, exactly as CPython 3.12+'s legacy_tracing.c; and the
// trampoline running a Python-level profile function (sysmodule.c
// profile_trampoline). Events reach these adapters only on threads whose
// profile slot is set (the thread's interest mask).
#include "legacy/legacy.h"

#include "objects/error.h"
#include "vm/frameobj.h"
#include "legacy/cbframe.h"
#include "legacy/slots.h"

#if WEFT_MONITORING
#  include "monitor/monitor.h"
#endif

static const wf_lslot_spec profile_spec;

// ===== The Python-level profile function =====

// Same as CPython: the result is ignored; a raise clears the thread's
// profile function and propagates.
static inline int
trampoline(wf_thread *ts, wf_value obj, wf_frame *f, int what, wf_value arg,
           int ev)
{
    wf_value fobj = wf_frame_get_object(ts, f);
    if (fobj == WF_NULL)
        return -1;
    wf_value res = wf_lslot_run_py(ts, f, obj, fobj, what, arg, ev);
    if (WF_UNLIKELY(res == WF_NULL)) {
        wf_lslot_clear_after_error(ts, &profile_spec);
        return -1;
    }
    return 0;
}

void
wf_lprof_clear_after_error(wf_thread *ts)
{
    wf_lslot_clear_after_error(ts, &profile_spec);
}

int
wf_lprof_trampoline(wf_value obj, wf_frame *f, int what, wf_value arg)
{
    wf_thread *ts = wf_thread_current();
    return trampoline(ts, obj, f, what, arg, ts->lslot_what);
}

int
wf_lprof_set_c(wf_thread *ts, wf_tracefunc fn, wf_value obj,
               bool all_threads)
{
    return wf_lslot_set(ts, &profile_spec, fn, obj, all_threads);
}

int
wf_lprof_setprofile(wf_thread *ts, wf_value func)
{
    if (func == WF_NONE)
        return wf_lprof_set_c(ts, NULL, WF_NULL, false);
    return wf_lprof_set_c(ts, wf_lprof_trampoline, func, false);
}

int
wf_lprof_setprofile_all_threads(wf_thread *ts, wf_value func)
{
    if (func == WF_NONE)
        return wf_lprof_set_c(ts, NULL, WF_NULL, true);
    return wf_lprof_set_c(ts, wf_lprof_trampoline, func, true);
}

wf_value
wf_lprof_getprofile(wf_thread *ts)
{
    return ts->c_profilefunc != NULL && ts->c_profileobj != WF_NULL
               ? ts->c_profileobj
               : WF_NONE;
}

#if WEFT_MONITORING

// ===== Adapters (tool 6's callbacks) =====

// Deliver [what]/[arg] for event [ev] of [f], the current frame, to the
// thread's profile slot (set).
static inline wf_value
profile_at(wf_thread *ts, wf_frame *f, int ev, int what, wf_value arg)
{
    int err = ts->c_profilefunc == wf_lprof_trampoline
                  ? trampoline(ts, ts->c_profileobj, f, what, arg, ev)
                  : wf_lslot_call(ts, ts->c_profilefunc, ts->c_profileobj, f,
                                  what, arg, ev);
    return err < 0 ? WF_NULL : WF_NONE;
}

// call_profile_func: deliver [what]/[arg] for event [ev] of the current
// frame to the thread's profile slot.
static wf_value
call_profile_func(wf_thread *ts, int ev, int what, wf_value arg)
{
    if (ts->c_profilefunc == NULL)
        return WF_NONE;
    wf_frame *f = ts->frame;
    if (f == NULL)
        return wf_err_format(ts, &wf_exc_SystemError,
                             "Missing frame when calling profile function.");
    return profile_at(ts, f, ev, what, arg);
}

// ===== The express path =====
// Tool 6's PY_START, PY_RESUME, PY_RETURN and PY_YIELD where tool 6 alone
// wants them at the instruction they start (monitor/fire.h): a callback
// frame for a Python-level profile function of the plain shape
// (legacy/cbframe.h), else a call from C.

// The event delivered by a call from C, the re-entrancy guard raised.
WF_NOINLINE static int
direct(wf_thread *ts, wf_frame *f, int ev, wf_value arg)
{
    if (ts->c_profilefunc == NULL)
        return WF_NATIVE_DONE;
    int what = wf_lslot_frame_what(ev, &arg);
    ts->in_callback++;
    wf_value res = profile_at(ts, f, ev, what, arg);
    ts->in_callback--;
    return res == WF_NULL ? WF_NATIVE_ERROR : WF_NATIVE_DONE;
}

static int
express_frame(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              const wf_native *self, wf_value arg)
{
    int ev = self->event;
    // The profile function sees every frame (no f_trace) and its result
    // is ignored (wf_cbf_return); `call` gets None, `return` the value.
    wf_value callback = ts->c_profileobj;
    if (WF_UNLIKELY(ts->c_profilefunc != wf_lprof_trampoline ||
                    !wf_cbf_shape(callback)))
        return direct(ts, f, ev, arg);
    wf_frameobj *fo = wf_frameobj_of(f);
    if (fo == NULL) {
        wf_value fobj = wf_frame_get_object_hidden(ts, f);
        if (fobj == WF_NULL)
            return WF_CBF_ERROR;
        fo = (wf_frameobj *)wf_val_as_obj(fobj);
    }
    bool ret = ev == WF_EV_PY_RETURN || ev == WF_EV_PY_YIELD;
    wf_cbf_call c = {callback, ret ? WF_TRACE_RETURN : WF_TRACE_CALL,
                     ret ? arg : WF_NONE, 0, WF_TOOL_SYS_PROFILE};
    return wf_cbf_enter(ts, f, pc, ev, fo, &c);
}

static wf_value
sys_profile_start(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_profile_func(ts, WF_EV_PY_START, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_profile_resume(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_profile_func(ts, WF_EV_PY_RESUME, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_profile_throw(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    (void)args, (void)nargs, (void)kwnames;
    return call_profile_func(ts, WF_EV_PY_THROW, WF_TRACE_CALL, WF_NONE);
}

static wf_value
sys_profile_return(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kwnames)
{
    (void)kwnames;
    return call_profile_func(ts, WF_EV_PY_RETURN, WF_TRACE_RETURN,
                             nargs >= 3 ? args[2] : WF_NONE);
}

static wf_value
sys_profile_yield(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    (void)kwnames;
    return call_profile_func(ts, WF_EV_PY_YIELD, WF_TRACE_RETURN,
                             nargs >= 3 ? args[2] : WF_NONE);
}

static wf_value
sys_profile_unwind(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kwnames)
{
    (void)kwnames;
    // The Python-level profiler sees every frame: give it its object now,
    // so the line below shows.
    if (ts->frame != NULL && ts->c_profilefunc == wf_lprof_trampoline &&
        wf_frame_get_object(ts, ts->frame) == WF_NULL)
        return WF_NULL;
    wf_frameobj *fo = ts->frame != NULL ? wf_frameobj_of(ts->frame) : NULL;
    if (fo != NULL && ts->c_profilefunc != NULL)
        fo->line_now = wf_lslot_unwind_line(ts->frame,
                                            nargs >= 3 ? args[2] : WF_NULL);
    wf_value r = call_profile_func(ts, WF_EV_PY_UNWIND, WF_TRACE_RETURN,
                                   WF_NONE);
    if (ts->frame != NULL && (fo = wf_frameobj_of(ts->frame)) != NULL)
        fo->line_now = 0;
    return r;
}

// CALL, C_RETURN, C_RAISE: (code, offset, callable, arg0). Same as
// CPython: only builtins are reported; a method of a type called through
// the type (CPython's method descriptor: Weft's unbound builtin with an
// owner) is reported bound to its first argument, and not at all without
// one. Calls of Python functions, classes and types are no c_call.
static wf_value
profile_c_event(wf_thread *ts, int ev, int what, const wf_value *args,
                size_t nargs)
{
    if (ts->c_profilefunc == NULL || nargs < 4 ||
        !wf_val_is(args[2], &wf_builtin_type))
        return WF_NONE;
    wf_value callable = args[2];
    const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(callable);
    if (b->owner != NULL && b->self == WF_NULL) {
        wf_value self = args[3];
        if (self == WF_NULL || self == WF_MON_MISSING)
            return WF_NONE;
        wf_value bound = wf_builtin_new(ts, b->name, b->fn, b->owner);
        if (bound == WF_NULL)
            return WF_NULL;
        ((wf_builtin *)wf_val_as_obj(bound))->self = self;
        ((wf_builtin *)wf_val_as_obj(bound))->module = b->module;
        callable = bound;  // rooted by the slot call (its [arg])
    }
    return call_profile_func(ts, ev, what, callable);
}

static wf_value
sys_profile_call(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    (void)kwnames;
    return profile_c_event(ts, WF_EV_CALL, WF_TRACE_C_CALL, args, nargs);
}

static wf_value
sys_profile_c_return(wf_thread *ts, const wf_value *args, size_t nargs,
                     wf_value kwnames)
{
    (void)kwnames;
    return profile_c_event(ts, WF_EV_C_RETURN, WF_TRACE_C_RETURN, args,
                           nargs);
}

static wf_value
sys_profile_c_raise(wf_thread *ts, const wf_value *args, size_t nargs,
                    wf_value kwnames)
{
    (void)kwnames;
    return profile_c_event(ts, WF_EV_C_RAISE, WF_TRACE_C_EXCEPTION, args,
                           nargs);
}

static const wf_lslot_cb profile_cbs[] = {
    {WF_EV_PY_START, "sys_profile_start", sys_profile_start, express_frame},
    {WF_EV_PY_RESUME, "sys_profile_resume", sys_profile_resume,
     express_frame},
    {WF_EV_PY_THROW, "sys_profile_throw", sys_profile_throw, NULL},
    {WF_EV_PY_RETURN, "sys_profile_return", sys_profile_return,
     express_frame},
    {WF_EV_PY_YIELD, "sys_profile_yield", sys_profile_yield, express_frame},
    {WF_EV_PY_UNWIND, "sys_profile_unwind", sys_profile_unwind, NULL},
    {WF_EV_CALL, "sys_profile_call_or_return", sys_profile_call, NULL},
    {WF_EV_C_RETURN, "sys_profile_call_or_return", sys_profile_c_return,
     NULL},
    {WF_EV_C_RAISE, "sys_profile_call_or_return", sys_profile_c_raise, NULL},
};

// Same set as CPython 3.14's _PyEval_SetProfile (CALL implies C_RETURN
// and C_RAISE).
#define PROFILE_EVENTS                                                     \
    (WF_EVMASK(WF_EV_PY_START) | WF_EVMASK(WF_EV_PY_RESUME) |              \
     WF_EVMASK(WF_EV_PY_RETURN) | WF_EVMASK(WF_EV_PY_YIELD) |              \
     WF_EVMASK(WF_EV_CALL) | WF_EVMASK(WF_EV_PY_UNWIND) |                  \
     WF_EVMASK(WF_EV_PY_THROW))

static const wf_lslot_spec profile_spec = {
    .tool = WF_TOOL_SYS_PROFILE,
    .events = PROFILE_EVENTS,
    .cbs = profile_cbs,
    .ncbs = sizeof profile_cbs / sizeof profile_cbs[0],
};

#undef PROFILE_EVENTS

#else  // !WEFT_MONITORING

static const wf_lslot_spec profile_spec = {
    .tool = WF_TOOL_SYS_PROFILE,
};

#endif  // WEFT_MONITORING
