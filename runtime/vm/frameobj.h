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

#include "atomic.h"
#include "vm/frame.h"

// Locals a frame object keeps inline at frame exit (see snap_inline).
#define WF_FRAMEOBJ_SNAP_INLINE 4

// The Python frame object. Live while [frame] is set; afterwards the
// snapshot fields answer.
// Threads (ARCHITECTURE "Frames read from other threads"): a frame object
// may be handed to any thread. The frame's *owner* is the thread that runs
// it (for a thread frame, the thread whose data stack holds it). Another
// thread never reads the live frame outside a pause: it loads [frame] with
// acquire; NULL means the snapshot below is complete and it reads that;
// else it stops the world and reads the live frame there (frame.c
// foreign_read), so it sees the frame as it was at the owner's last safe
// point or call. Fields without their own W/R: W: the owner (or anyone
// inside a pause) before [frame] is released as NULL; then immutable. R:
// the owner; another thread inside a pause, or after an acquire load of
// [frame] found NULL; the collector in a pause.
typedef struct wf_frameobj {
    wf_obj ob;
    // Live frame, or NULL once it completed. W: the owner (creation, and a
    // release store of NULL after the snapshot at exit); inside a pause.
    // R: the owner relaxed; another thread acquire (wf_frameobj_frame).
    wf_atomic_ptr frame;
    wf_value gen;      // generator owning [frame] (keeps it alive) or WF_NULL
    wf_value code;     // snapshot (also set while live); immutable
    wf_value globals;  // snapshot (also set while live); immutable
    wf_value back;     // snapshot: frame object of the caller, or WF_NULL
    // Snapshot dict, or WF_NULL (built lazily from snap by the first
    // thread that asks: W: CAS acq_rel from WF_NULL once [frame] is NULL,
    // or the owner at exit before that. R: acquire).
    wf_atomic_u64 locals;
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
    // f_trace: the local trace function, WF_NONE when unset. W: any thread
    // (frame.f_trace = fn; the owner's trace adapters), release: the
    // function object is seen built. R: acquire (wf_frameobj_trace), by
    // the owner's line/call/return adapters on every event. A thread that
    // writes another thread's f_trace is seen at the owner's next event.
    wf_atomic_u64 trace;
    // CPython's PyFrameObject.f_lineno: the line of the `line` event being
    // delivered (set around the callback only), 0 otherwise, when
    // f_lineno is computed from the frame's last instruction.
    int32_t line_now;
    // The line of the instruction that last raised into a handler that
    // saved its offset (a cleanup handler's "lasti"), or 0: the line this
    // frame reports if it unwinds from a line-less RERAISE, as CPython's
    // RERAISE restores the frame's lasti (runtime/legacy/trace.c).
    int32_t raise_line;
    // f_trace_lines (True by default) and f_trace_opcodes (False). W: any
    // thread, relaxed. R: relaxed (wf_frameobj_trace_lines/_opcodes): the
    // owner's next event sees the new value or the old one.
    wf_atomic_bool trace_lines;
    wf_atomic_bool trace_opcodes;
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

// [fo]'s live frame, or NULL once it completed (then its snapshot answers).
// Acquire: pairs with the release store of NULL after the snapshot. Only
// the owner may dereference a non-NULL result outside a pause; any thread
// may compare it with a frame of its own.
static inline wf_frame *
wf_frameobj_frame(const wf_frameobj *fo)
{
    return wf_atomic_load_acquire_ptr(&fo->frame);
}

// f_trace of [fo] (WF_NONE when unset), and setting it (any thread).
static inline wf_value
wf_frameobj_trace(const wf_frameobj *fo)
{
    return wf_atomic_load_acquire_u64(&fo->trace);
}

static inline void
wf_frameobj_set_trace(wf_frameobj *fo, wf_value fn)
{
    wf_atomic_store_release_u64(&fo->trace, fn);
}

// f_trace_lines and f_trace_opcodes of [fo] (any thread may set them).
static inline bool
wf_frameobj_trace_lines(const wf_frameobj *fo)
{
    return wf_atomic_load_relaxed_bool(&fo->trace_lines);
}

static inline bool
wf_frameobj_trace_opcodes(const wf_frameobj *fo)
{
    return wf_atomic_load_relaxed_bool(&fo->trace_opcodes);
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
