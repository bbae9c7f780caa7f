// runtime/vm/frameobj.h -- the layout of Python frame objects
// (wf_frameobj), shared by runtime/vm/frame.c, which creates them and answers
// their attributes, and the legacy tracing adapters, which read f_trace,
// f_trace_lines and f_trace_opcodes on every event without a call.
// A frame object exists only once something asked for it
// (sys._getframe, a Python-level trace function's `call` event, f_back):
// a frame without one has no f_trace (ARCHITECTURE "Legacy tracing").
#ifndef WF_RUNTIME_VM_FRAMEOBJ_H
#define WF_RUNTIME_VM_FRAMEOBJ_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/frame.h"

// Locals a frame object keeps inline at frame exit (see snap_inline).
#define WF_FRAMEOBJ_SNAP_INLINE 4

// The Python frame object. Live while [frame] is set; afterwards the
// snapshot fields answer. All fields: W/R: the owning thread (a frame object
// is only ever handed to code running on the frame's thread, or read once
// the frame completed); the collector in a pause.
typedef struct wf_frameobj {
    wf_obj ob;
    wf_frame *frame;   // live frame, or NULL once it completed
    wf_value gen;      // generator owning [frame] (keeps it alive) or WF_NULL
    wf_value code;     // snapshot (also set while live)
    wf_value globals;  // snapshot (also set while live)
    wf_value back;     // snapshot: frame object of the caller, or WF_NULL
    wf_value locals;   // snapshot dict, or WF_NULL (built lazily from snap)
    // Snapshot of the completed frame's localsplus (cells dereferenced,
    // WF_NULL for unbound) that the f_locals getter turns into [locals]
    // on first use: in [snap_inline] when it has at most
    // WF_FRAMEOBJ_SNAP_INLINE entries, else in the private tuple [snap].
    // [nsnap] entries; 0 and [snap] WF_NULL when none was taken. Taken at
    // frame exit instead of a dict: a traced frame pays a small copy, no
    // allocation (ARCHITECTURE "Legacy tracing").
    wf_value snap;
    uint32_t nsnap;
    wf_value snap_inline[WF_FRAMEOBJ_SNAP_INLINE];
    int32_t lasti;     // snapshot f_lasti (its line: wf_frameobj_lineno)
    // ----- legacy tracing (runtime/legacy) -----
    // f_trace: the local trace function, WF_NONE when unset.
    wf_value trace;
    // CPython's PyFrameObject.f_lineno: the line of the `line` event being
    // delivered (set around the callback only), 0 otherwise, when
    // f_lineno is computed from the frame's last instruction.
    int32_t line_now;
    // The line of the instruction that last raised into a handler that
    // saved its offset (a cleanup handler's "lasti"), or 0: the line this
    // frame reports if it unwinds from a line-less RERAISE, as CPython's
    // RERAISE restores the frame's lasti (runtime/legacy/trace.c).
    int32_t raise_line;
    bool trace_lines;    // f_trace_lines, True by default
    bool trace_opcodes;  // f_trace_opcodes, False by default
    // Whether anything but the frame itself may hold this object
    // (wf_frameobj_expose). A frame whose object was never exposed drops
    // it at exit without a snapshot: nothing can read it any more
    // (ARCHITECTURE "Legacy tracing"). W/R: the owning thread.
    bool exposed;
    // Next on the owner's kept list (frame.c), while dead and kept.
    struct wf_frameobj *kept_next;
} wf_frameobj;

// [fo] is handed out: to Python code, a traceback, a C or non-plain trace
// function, or another frame object's f_back. Its frame then snapshots it
// at exit (wf_frame_detach_object).
static inline void
wf_frameobj_expose(wf_frameobj *fo)
{
    fo->exposed = true;
}

// The frame object of [f] if one was materialised, else NULL. Never
// allocates (the adapters' fast path: no f_trace without a frame object).
static inline wf_frameobj *
wf_frameobj_of(const wf_frame *f)
{
    return f->frameobj != WF_NULL ? (wf_frameobj *)wf_val_as_obj(f->frameobj)
                                  : NULL;
}

#endif
