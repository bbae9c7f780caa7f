// runtime/legacy/cbframe.h -- callback frames (wf_cbf_*): a Python-level
// trace or profile function run by the eval loop itself.
// A trace function of the plain shape (a Python function of exactly three
// positional parameters, not a generator: the compiler marks its code
// WF_CO_PLAIN3) is not called from C for the events that start an
// instruction (WF_EVMASK_EXPRESS, reached through the express path of
// monitor/fire.h). Its frame, the thread's resident callback frame, is
// linked on the eval loop's own frame chain, flagged WF_FRAME_CALLBACK,
// and the loop runs it like any frame. When it returns, wf_cbf_return
// does what the trampolines do after the call, and the loop continues the
// traced instruction where its event left it (eval.c callback_returned);
// when it raises, wf_cbf_unwind does the trampolines' error steps and the
// exception propagates from the traced instruction. Same observable
// behaviour as the call from C; no C recursion, no second eval loop.
// State: wf_thread.lcb (the running callback, at most one: no event is
// delivered while it runs) and wf_thread.cb_frame (the resident frame).
// W/R: the owning thread only.
#ifndef WF_RUNTIME_LEGACY_CBFRAME_H
#define WF_RUNTIME_LEGACY_CBFRAME_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/code.h"
#include "vm/frame.h"
#include "vm/frameobj.h"
#include "objects/func.h"
#include "threads/thread.h"
#include "legacy/legacy.h"
#include "legacy/slots.h"

#if WEFT_MONITORING

#include "monitor/native.h"

// What an attempt to start a callback frame gives. The first three are
// the express form's answers (monitor/native.h) unchanged.
typedef enum wf_cbf_start {
    WF_CBF_ERROR = WF_NATIVE_ERROR,    // an exception is set, as the call
                                       // would have raised it
    WF_CBF_NOTHING = WF_NATIVE_DONE,   // nothing to call for this event
    WF_CBF_PUSHED = WF_NATIVE_FRAME,   // pushed: it is ts->frame now
    WF_CBF_DECLINED = 3,               // this event cannot run as a
                                       // callback frame: call from C
} wf_cbf_start;

// The call a callback frame makes: [callback](frame object, [what]'s
// name, [arg]).
typedef struct wf_cbf_call {
    wf_value callback;  // of the plain shape (wf_cbf_shape)
    int what;           // WF_TRACE_*: the `event` argument
    wf_value arg;       // the `arg` argument: None, or rooted by the
                        // traced frame's value stack
    int32_t line;       // the frame object's f_lineno while it runs (LINE:
                        // the line; else 0: derived from the frame)
    int tool;           // WF_TOOL_SYS_TRACE (a non-None result becomes
                        // f_trace) or WF_TOOL_SYS_PROFILE (ignored)
} wf_cbf_call;

// Whether [callback] has the plain shape (the compiler marks such code).
static inline bool
wf_cbf_shape(wf_value callback)
{
    return wf_val_is(callback, &wf_func_type) &&
           (((const wf_func *)wf_val_as_obj(callback))->code->flags &
            WF_CO_PLAIN3);
}

// The resident callback frame made ready for [callback] (cbframe.c): its
// area grown to the code's size, its header written; also the recursion
// limit's check, as a call would make it. Returns it, or NULL with
// RecursionError or MemoryError set. Caller: no callback frame is active.
WF_MUST_CHECK wf_frame *wf_cbf_frame_ready(wf_thread *ts, wf_value callback);

// The trampolines' steps when the function failed: the thread's slot of
// [tool] cleared (may pause), and for settrace the frame's f_trace
// ([fo]). Caller: the re-entrancy guard raised.
void wf_cbf_failed(wf_thread *ts, int tool, wf_frameobj *fo);

// Start [c] as a callback frame for event [ev] at unit [pc] of [f] (the
// current frame, saved), [fo] being [f]'s frame object: the exception in
// flight set aside, the frame linked as ts->frame, the re-entrancy guard
// raised until it ends. Returns WF_CBF_PUSHED, or WF_CBF_ERROR with an
// exception set (and, as the trampolines, the slot cleared). Inline: it
// is the whole cost of a traced event once the express path chose it.
// Caller: the express path (no callback frame is active).
static inline __attribute__((always_inline)) int
wf_cbf_enter(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev,
             wf_frameobj *fo, const wf_cbf_call *c)
{
    struct wf_lcb *r = &ts->lcb;
    r->mark = wf_root_mark(ts);
    r->saved_exc = ts->exc;
    if (WF_UNLIKELY(r->saved_exc != WF_NULL)) {
        ts->exc = WF_NULL;
        if (wf_lslot_root_push(ts, r->saved_exc) < 0)
            return WF_CBF_ERROR;  // MemoryError replaces the exception
    }
    const wf_func *fn = (const wf_func *)wf_val_as_obj(c->callback);
    if (!(fn->code->flags & WF_CO_ARG0_UNREAD))
        wf_frameobj_expose(fo);  // the function reads its `frame`
    wf_frame *nf = ts->cb_frame;
    // (A function's __code__ cannot change: its func identifies the code.)
    if (WF_UNLIKELY(nf == NULL || nf->func != c->callback ||
                    ts->recursion_depth >= wf_thread_recursion_limit(ts))) {
        nf = wf_cbf_frame_ready(ts, c->callback);
        if (WF_UNLIKELY(nf == NULL)) {
            // As the trampolines when the call fails (the new error wins
            // over the one set aside).
            wf_root_release(ts, r->mark);
            ts->in_callback++;
            wf_cbf_failed(ts, c->tool, fo);
            ts->in_callback--;
            return WF_CBF_ERROR;
        }
    }
    wf_code *co = nf->code;
    uint32_t n = co->nlocalsplus;
    for (uint32_t i = 3; i < n; i++)
        nf->localsplus[i] = WF_NULL;
    nf->localsplus[0] = wf_val_from_obj(fo);
    nf->localsplus[1] = wf_lslot_what_strs_[c->what];  // set before any event
    nf->localsplus[2] = c->arg;
    nf->sp = nf->localsplus + n;
    // Past RESUME (WF_CO_PLAIN3): its event cannot fire inside a callback,
    // and the eval breaker is checked at the traced code's next RESUME or
    // backward jump, or the callback's own.
    nf->instr = co->code + 1;
    nf->frameobj = WF_NULL;
    nf->mon_jump_to = NULL;
    wf_frame_set_state(nf, WF_FRAME_EXECUTING);
    nf->previous = ts->frame;
    ts->recursion_depth++;
    r->stack_top = ts->stack_top;
    r->pc = pc;
    r->sp = f->sp;
    r->fo = fo;
    r->ev = ev;
    r->tool = c->tool;
    // No slot function runs outside a callback (in_callback is 0 here),
    // so the event being delivered was none: wf_cbf_return restores that.
    ts->lslot_what = ev;
    ts->lslot_frame = f;
    fo->line_now = c->line;
    ts->in_callback++;
    ts->frame = nf;
    r->frame = nf;
    return WF_CBF_PUSHED;
}

// The callback frame returned [res] and the eval loop popped it: finish
// the event (f_trace, the exception in flight, the guard). Returns the
// event (WF_EV_*); the traced unit and its stack top at the event stay in
// ts->lcb.pc and .sp. Out of line: inlined, it cost the untraced eval
// loop a register.
int wf_cbf_return(wf_thread *ts, wf_value res);

// The callback frame raised and the eval loop popped it: the trampolines'
// error steps (the slot cleared, f_trace None; may pause), the exception
// stays set; ts->lcb.pc and .sp as above, for the traced instruction to
// raise it.
void wf_cbf_unwind(wf_thread *ts);

#endif  // WEFT_MONITORING

#endif
