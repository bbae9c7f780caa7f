// runtime/modules/sysmodule.c -- the `sys` module (wf_sys_*).
// Owns sys's functions: argv, exit, _getframe, the recursion limit,
// version_info, implementation, _is_gil_enabled, exception/exc_info,
// settrace/setprofile and their get/all-threads forms (thin wrappers over
// runtime/legacy), and the sys.monitoring attachment.
#include "modules/sysmodule.h"

#include <string.h>

#include "objects/error.h"
#include "vm/frame.h"
#include "legacy/legacy.h"
#include "modules/modules.h"
#include "monitor/monitor.h"

// ===== Functions =====

static wf_value
sys_exit(wf_thread *ts, const wf_value *args, size_t nargs,
         wf_value kwnames)
{
    if (wf_arg_check(ts, "exit", nargs, kwnames, 0, 1) < 0)
        return WF_NULL;
    wf_value t = nargs ? wf_tuple_pack(ts, 1, args[0]) : wf_empty_tuple;
    if (t == WF_NULL)
        return WF_NULL;
    wf_value exc = wf_exc_new(ts, &wf_exc_SystemExit, t);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

static wf_value
sys_getframe(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    if (wf_arg_check(ts, "_getframe", nargs, kwnames, 0, 1) < 0)
        return WF_NULL;
    int64_t depth = 0;
    if (nargs && wf_int_as_i64(ts, args[0], &depth) < 0)
        return WF_NULL;
    wf_frame *f = ts->frame;
    while (f != NULL && depth > 0) {
        f = f->previous;
        depth--;
    }
    if (f == NULL)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "call stack is not deep enough");
    return wf_frame_get_object(ts, f);
}

static wf_value
sys_getrecursionlimit(wf_thread *ts, const wf_value *args, size_t nargs,
                      wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "getrecursionlimit", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return wf_val_from_int(
        wf_atomic_load_relaxed_i32(&ts->interp->recursion_limit));
}

static wf_value
sys_setrecursionlimit(wf_thread *ts, const wf_value *args, size_t nargs,
                      wf_value kwnames)
{
    if (wf_arg_check(ts, "setrecursionlimit", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    if (!wf_val_is_int(args[0]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'%s' object cannot be interpreted as an "
                             "integer",
                             wf_obj_type_name(args[0]));
    int64_t n = wf_val_as_int(args[0]);
    if (n < 1)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "recursion limit must be greater or equal than "
                             "1");
    if (n > INT32_MAX)
        return wf_err_format(ts, &wf_exc_OverflowError,
                             "Python int too large to convert to C int");
    if (n <= ts->recursion_depth)
        return wf_err_format(ts, &wf_exc_RecursionError,
                             "cannot set the recursion limit to %d at the "
                             "recursion depth %d: the limit is too low",
                             (int)n, (int)ts->recursion_depth);
    wf_interp *interp = ts->interp;
    wf_mutex_lock(&interp->threads_lock);
    // Each thread reads its copy without a lock (wf_thread_recursion_limit):
    // relaxed atomic stores, so a racing reader sees the old or new limit.
    wf_atomic_store_relaxed_i32(&interp->recursion_limit, (int32_t)n);
    for (wf_thread *t = interp->threads; t != NULL; t = t->next)
        wf_atomic_store_relaxed_i32(&t->recursion_limit, (int32_t)n);
    wf_mutex_unlock(&interp->threads_lock);
    return WF_NONE;
}

static wf_value
sys_is_gil_enabled(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "_is_gil_enabled", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return WF_FALSE;  // LANGUAGE.md: the GIL never exists
}

// sys.settrace / setprofile and friends: the calling thread's legacy slot
// (runtime/legacy). No callability check, as CPython: a non-callable
// fails at its first event.
static wf_value
sys_settrace(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    if (wf_arg_check(ts, "settrace", nargs, kwnames, 1, 1) < 0 ||
        wf_ltrace_settrace(ts, args[0]) < 0)
        return WF_NULL;
    return WF_NONE;
}

static wf_value
sys_setprofile(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    if (wf_arg_check(ts, "setprofile", nargs, kwnames, 1, 1) < 0 ||
        wf_lprof_setprofile(ts, args[0]) < 0)
        return WF_NULL;
    return WF_NONE;
}

// sys._settraceallthreads / sys._setprofileallthreads (CPython 3.12+):
// every thread's slot, in one pause.
static wf_value
sys_settraceallthreads(wf_thread *ts, const wf_value *args, size_t nargs,
                       wf_value kwnames)
{
    if (wf_arg_check(ts, "_settraceallthreads", nargs, kwnames, 1, 1) < 0 ||
        wf_ltrace_settrace_all_threads(ts, args[0]) < 0)
        return WF_NULL;
    return WF_NONE;
}

static wf_value
sys_setprofileallthreads(wf_thread *ts, const wf_value *args, size_t nargs,
                         wf_value kwnames)
{
    if (wf_arg_check(ts, "_setprofileallthreads", nargs, kwnames, 1, 1) <
            0 ||
        wf_lprof_setprofile_all_threads(ts, args[0]) < 0)
        return WF_NULL;
    return WF_NONE;
}

static wf_value
sys_gettrace(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "gettrace", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return wf_ltrace_gettrace(ts);
}

static wf_value
sys_getprofile(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "getprofile", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return wf_lprof_getprofile(ts);
}

static wf_value
handled_exception(wf_thread *ts)
{
    for (wf_exc_info *ei = ts->exc_info; ei != NULL; ei = ei->previous)
        if (ei->exc != WF_NULL && ei->exc != WF_NONE)
            return ei->exc;
    return WF_NONE;
}

static wf_value
sys_exception(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "exception", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return handled_exception(ts);
}

static wf_value
sys_exc_info(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "exc_info", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    wf_value e = handled_exception(ts);
    if (e == WF_NONE)
        return wf_tuple_pack(ts, 3, WF_NONE, WF_NONE, WF_NONE);
    wf_value tb = ((wf_exc *)wf_val_as_obj(e))->traceback;
    return wf_tuple_pack(ts, 3, wf_val_from_obj(wf_val_type(e)), e,
                         tb == WF_NULL ? WF_NONE : tb);
}

// ===== Module creation =====

static wf_value
argv_list(wf_thread *ts)
{
    wf_value argv = ts->interp->argv;
    if (argv != WF_NULL)
        return argv;
    wf_value empty = wf_str_from_cstr(ts, "");
    if (empty == WF_NULL)
        return WF_NULL;
    argv = wf_list_from_array(ts, &empty, 1);
    if (argv != WF_NULL)
        ts->interp->argv = argv;
    return argv;
}

wf_value
wf_sys_module_init(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } funcs[] = {
        {"exit", sys_exit},
        {"_getframe", sys_getframe},
        {"getrecursionlimit", sys_getrecursionlimit},
        {"setrecursionlimit", sys_setrecursionlimit},
        {"_is_gil_enabled", sys_is_gil_enabled},
        {"settrace", sys_settrace},
        {"setprofile", sys_setprofile},
        {"gettrace", sys_gettrace},
        {"getprofile", sys_getprofile},
        {"_settraceallthreads", sys_settraceallthreads},
        {"_setprofileallthreads", sys_setprofileallthreads},
        {"exception", sys_exception},
        {"exc_info", sys_exc_info},
    };
    wf_value m = wf_module_new(ts, "sys");
    if (m == WF_NULL)
        return WF_NULL;
    ts->interp->sys_module = m;  // rooted from here on
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (wf_module_add_func(ts, m, funcs[i].name, funcs[i].fn) < 0)
            return WF_NULL;

    wf_value argv = argv_list(ts);
    wf_value final_ = wf_str_from_cstr(ts, "final");
    wf_value monitoring = wf_mon_make_module(ts);  // PEP 669
    if (argv == WF_NULL || final_ == WF_NULL || monitoring == WF_NULL)
        return WF_NULL;
    wf_value vi = wf_tuple_pack(ts, 5, wf_val_from_int(3),
                                wf_val_from_int(14), wf_val_from_int(0),
                                final_, wf_val_from_int(0));
    if (vi == WF_NULL || wf_module_add(ts, m, "argv", argv) < 0 ||
        wf_module_add(ts, m, "version_info", vi) < 0 ||
        wf_module_add(ts, m, "maxsize", wf_val_from_int(WF_INT_MAX)) < 0 ||
        wf_module_add(ts, m, "monitoring", monitoring) < 0)
        return WF_NULL;

    wf_value s;
    if ((s = wf_str_from_cstr(ts, "3.14.0 (Weft 0.1.0)")) == WF_NULL ||
        wf_module_add(ts, m, "version", s) < 0 ||
        (s = wf_str_from_cstr(ts, "linux")) == WF_NULL ||
        wf_module_add(ts, m, "platform", s) < 0 ||
        (s = wf_str_from_cstr(ts, "little")) == WF_NULL ||
        wf_module_add(ts, m, "byteorder", s) < 0)
        return WF_NULL;
    if (ts->interp->modules != WF_NULL &&
        wf_module_add(ts, m, "modules", ts->interp->modules) < 0)
        return WF_NULL;

    // sys.implementation: a namespace with name and version; a module
    // object serves as the namespace.
    wf_value impl = wf_module_new(ts, "implementation");
    if (impl == WF_NULL || wf_module_add(ts, m, "implementation", impl) < 0)
        return WF_NULL;
    wf_value vname = wf_str_from_cstr(ts, "weft");
    if (vname == WF_NULL || wf_module_add(ts, impl, "name", vname) < 0 ||
        wf_module_add(ts, impl, "version", vi) < 0)
        return WF_NULL;
    wf_value tag = wf_str_from_cstr(ts, "weft-314");
    if (tag == WF_NULL || wf_module_add(ts, impl, "cache_tag", tag) < 0)
        return WF_NULL;
    return m;
}

int
wf_sys_update_argv(wf_thread *ts)
{
    wf_value m = ts->interp->sys_module;
    if (m == WF_NULL || ts->interp->argv == WF_NULL)
        return 0;
    return wf_module_add(ts, m, "argv", ts->interp->argv);
}
