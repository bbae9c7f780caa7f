// runtime/legacy/cbframe.h -- the end of a callback frame's event
// (wf_ltrace_cb_*), inline for the eval loop (legacy.h "Callback frames").
#ifndef WF_RUNTIME_LEGACY_CBFRAME_H
#define WF_RUNTIME_LEGACY_CBFRAME_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "frameobj.h"
#include "legacy.h"

#if WEFT_MONITORING

// The steps after the call common to a return and a raise: the record
// closed, the event being delivered restored; [*pc] and [*sp] are the
// traced unit and its stack top at the event.
static inline struct wf_lcb *
wf_ltrace_cb_end(wf_thread *ts, const wf_codeunit **pc, wf_value **sp)
{
    struct wf_lcb *r = &ts->lcb;
    r->frame = NULL;
    ts->lslot_what = r->old_what;
    ts->lslot_frame = r->old_frame;
    r->fo->line_now = 0;
    *pc = (const wf_codeunit *)r->pc;
    *sp = r->sp;
    return r;
}

// The callback frame returned [res] and was popped: finish the event
// (f_trace, the exception in flight, the guard). Returns the event and
// sets [*pc] and [*sp] as wf_ltrace_cb_end.
static inline int
wf_ltrace_cb_return(wf_thread *ts, wf_value res, const wf_codeunit **pc,
                    wf_value **sp)
{
    struct wf_lcb *r = wf_ltrace_cb_end(ts, pc, sp);
    if (WF_UNLIKELY(ts->exc != WF_NULL))
        ts->exc = WF_NULL;  // a stray error: not raised
    if (WF_UNLIKELY(r->saved_exc != WF_NULL))
        ts->exc = r->saved_exc;
    wf_root_release(ts, r->mark);
    if (res != WF_NONE)
        r->fo->trace = res;
    ts->in_callback--;
    return r->ev;
}

#endif  // WEFT_MONITORING
#endif
