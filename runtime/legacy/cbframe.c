// runtime/legacy/cbframe.c -- callback frames (wf_cbf_*): the resident
// frame, the ends of a callback frame and the trampolines' error steps.
// The start (wf_cbf_enter) is inline in cbframe.h; the express forms that
// call it are in trace.c and profile.c.
#include "legacy/cbframe.h"

#if WEFT_MONITORING

#include <stdlib.h>

#include "objects/error.h"

wf_frame *
wf_cbf_frame_ready(wf_thread *ts, wf_value callback)
{
    int32_t limit = wf_thread_recursion_limit(ts);
    if (ts->recursion_depth >= (limit > 0 ? limit : 1000)) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        return NULL;
    }
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callback);
    // Its quiet twin: nothing fires inside a callback, so the instrumented
    // opcodes would only cost (code.h wf_code_quiet).
    wf_code *co = wf_code_quiet(ts, fn->code);
    if (co == NULL)
        return NULL;
    size_t words = wf_frame_words(co);
    wf_frame *nf = ts->cb_frame;
    if (nf == NULL || ts->cb_frame_words < words) {
        nf = realloc(nf, words * sizeof(wf_value));
        if (nf == NULL) {
            wf_err_no_memory(ts);
            return NULL;
        }
        ts->cb_frame = nf;
        ts->cb_frame_words = (uint32_t)words;
    }
    wf_frame_init_header(nf, words, co, callback, fn->globals, fn->builtins,
                         WF_NULL);
    nf->is_entry = WF_FRAME_CALLBACK;
    return nf;
}

void
wf_cbf_failed(wf_thread *ts, int tool, wf_frameobj *fo)
{
    if (tool == WF_TOOL_SYS_PROFILE) {
        wf_lprof_clear_after_error(ts);
        return;
    }
    wf_ltrace_clear_after_error(ts);
    wf_frameobj_set_trace(fo, WF_NONE);
}

// The steps after the call common to a return and a raise: the record
// closed (its pc and sp stay readable), the event being delivered
// restored.
static inline struct wf_lcb *
end(wf_thread *ts)
{
    struct wf_lcb *r = &ts->lcb;
    // The eval loop popped the resident frame as any frame (wf_frame_pop),
    // which set the data stack's top to it: the top it really had.
    ts->stack_top = r->stack_top;
    r->frame = NULL;
    ts->lslot_what = -1;
    ts->lslot_frame = NULL;
    r->fo->line_now = 0;
    return r;
}

int
wf_cbf_return(wf_thread *ts, wf_value res)
{
    struct wf_lcb *r = end(ts);
    if (WF_UNLIKELY(ts->exc != WF_NULL))
        ts->exc = WF_NULL;  // a stray error: not raised
    if (WF_UNLIKELY(r->saved_exc != WF_NULL))
        ts->exc = r->saved_exc;
    wf_root_release(ts, r->mark);
    // settrace: a result other than None becomes f_trace (CPython's
    // trace_trampoline); setprofile ignores it.
    if (res != WF_NONE && r->tool == WF_TOOL_SYS_TRACE)
        wf_frameobj_set_trace(r->fo, res);
    ts->in_callback--;
    return r->ev;
}

void
wf_cbf_unwind(wf_thread *ts)
{
    struct wf_lcb *r = end(ts);
    wf_root_release(ts, r->mark);  // the new exception wins
    wf_cbf_failed(ts, r->tool, r->fo);  // may run a pause
    ts->in_callback--;
}

#endif  // WEFT_MONITORING
