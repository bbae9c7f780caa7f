// runtime/legacy/capi.c -- the legacy tracing C API of include/weft.h
// (weft_set_trace, weft_set_profile and their *_all_threads forms, and the
// weft_frame / weft_object accessors a C trace function uses).
// A C trace function and its data travel in a small collectable "hook"
// object held in the thread's slot (the slot's object, as CPython's
// c_traceobj), so the slot keeps its usual shape: a wf_tracefunc (the
// trampoline below) plus one value. Upholds STYLE 7.3: every entry point
// validates its arguments and thread state and returns a status.
#include <weft.h>

#include "atomic.h"
#include "objects/error.h"
#include "vm/frame.h"
#include "legacy/legacy.h"

// The hook object: the embedder's function and data, and which slot it
// lives in (to switch that slot off when the function fails).
// Immutable once made.
typedef struct capi_hook {
    wf_obj ob;
    weft_trace_func fn;
    void *data;
    bool profile;
} capi_hook;

static wf_type capi_hook_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "weft_trace_hook",
    .base = &wf_object_type,
    .basic_size = sizeof(capi_hook),
};

// The slot function of every C API hook: call the embedder's function;
// a non-zero answer switches the slot off (keeping the RuntimeError it
// raises), as a raising Python trace function does.
static int
capi_trampoline(wf_value obj, wf_frame *f, int what, wf_value arg)
{
    const capi_hook *h = (const capi_hook *)wf_val_as_obj(obj);
    int rc = h->fn(h->data, (weft_frame *)f, what,
                   (const weft_object *)(const void *)&arg);
    if (rc == 0)
        return 0;
    wf_thread *ts = wf_thread_current();
    wf_err_format(ts, &wf_exc_RuntimeError,
                  "C %s function returned %d",
                  h->profile ? "profile" : "trace", rc);
    size_t mark = wf_root_mark(ts);
    wf_value exc = wf_err_fetch(ts);
    if (wf_root_push(ts, exc) < 0)
        exc = wf_err_fetch(ts);  // the preallocated MemoryError instead
    int r = h->profile ? wf_lprof_set_c(ts, NULL, WF_NULL, false)
                       : wf_ltrace_set_c(ts, NULL, WF_NULL, false);
    if (r < 0)
        wf_err_clear(ts);
    wf_err_restore(ts, exc);
    wf_root_release(ts, mark);
    return -1;
}

static weft_status
set_hook(weft_runtime *rt, weft_trace_func fn, void *data, bool profile,
         bool all_threads)
{
    if (rt == NULL)
        return WEFT_EINVAL;
#if !WEFT_MONITORING
    if (fn != NULL)
        return WEFT_ENOTSUP;
#endif
    wf_thread *ts = wf_thread_current();
    if (ts == NULL ||
        wf_atomic_load_acquire_u32(&ts->state) != WF_THREAD_ATTACHED)
        return WEFT_EDETACHED;
    wf_value obj = WF_NULL;
    if (fn != NULL) {
        capi_hook *h = (capi_hook *)wf_gc_alloc(ts, &capi_hook_type,
                                                sizeof(capi_hook));
        if (h == NULL) {
            wf_err_clear(ts);
            return WEFT_ENOMEM;
        }
        h->fn = fn;
        h->data = data;
        h->profile = profile;
        obj = wf_val_from_obj(h);
    }
    // The exception state of the caller (a C function called from Python,
    // say) is not ours to disturb.
    size_t mark = wf_root_mark(ts);
    wf_value saved = wf_err_fetch(ts);
    if (saved != WF_NULL && wf_root_push(ts, saved) < 0) {
        wf_err_clear(ts);
        wf_err_restore(ts, saved);
        return WEFT_ENOMEM;
    }
    wf_tracefunc tf = fn != NULL ? capi_trampoline : NULL;
    int rc = profile ? wf_lprof_set_c(ts, tf, obj, all_threads)
                     : wf_ltrace_set_c(ts, tf, obj, all_threads);
    weft_status st = WEFT_OK;
    if (rc < 0) {
        st = wf_err_matches(ts, &wf_exc_MemoryError) ? WEFT_ENOMEM
                                                     : WEFT_EINVAL;
        wf_err_clear(ts);
    }
    wf_err_restore(ts, saved);
    wf_root_release(ts, mark);
    return st;
}

weft_status
weft_set_trace(weft_runtime *rt, weft_trace_func fn, void *data)
{
    return set_hook(rt, fn, data, false, false);
}

weft_status
weft_set_profile(weft_runtime *rt, weft_trace_func fn, void *data)
{
    return set_hook(rt, fn, data, true, false);
}

weft_status
weft_set_trace_all_threads(weft_runtime *rt, weft_trace_func fn, void *data)
{
    return set_hook(rt, fn, data, false, true);
}

weft_status
weft_set_profile_all_threads(weft_runtime *rt, weft_trace_func fn,
                             void *data)
{
    return set_hook(rt, fn, data, true, true);
}

// ===== Accessors =====

int
weft_frame_lineno(const weft_frame *frame)
{
    if (frame == NULL)
        return -1;
    const wf_frame *f = (const wf_frame *)frame;
    if (f->instr > f->code->code) {
        int32_t line = wf_code_line(f->code, wf_frame_lasti_index(f));
        if (line == WF_NO_LINE)
            return -1;
    }
    return (int)wf_frame_lineno(f);
}

int
weft_frame_first_lineno(const weft_frame *frame)
{
    return frame != NULL ? (int)((const wf_frame *)frame)->code->firstlineno
                         : -1;
}

const char *
weft_frame_code_name(const weft_frame *frame)
{
    if (frame == NULL)
        return "";
    return wf_str_cstr(((const wf_frame *)frame)->code->name);
}

const char *
weft_frame_filename(const weft_frame *frame)
{
    if (frame == NULL)
        return "";
    return wf_str_cstr(((const wf_frame *)frame)->code->filename);
}

const char *
weft_object_type_name(const weft_object *arg)
{
    if (arg == NULL)
        return "NoneType";
    return wf_obj_type_name(*(const wf_value *)(const void *)arg);
}

const char *
weft_object_name(const weft_object *arg)
{
    if (arg == NULL)
        return NULL;
    wf_value v = *(const wf_value *)(const void *)arg;
    if (wf_val_is(v, &wf_builtin_type))
        return ((const wf_builtin *)wf_val_as_obj(v))->name;
    if (wf_val_is(v, &wf_type_type))
        return ((const wf_type *)wf_val_as_obj(v))->name;
    return NULL;
}
