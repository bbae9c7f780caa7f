// runtime/monitor/native.h -- native monitoring callbacks (wf_native_*):
// a C function plus its data, registered for one (tool, event) like any
// Python callable.
// The one kind of C callback the fire layer knows. The public C API
// (weft_monitor_set_callback, capi.c) and every in-runtime client (the
// settrace/setprofile bridge on tools 7/6) register these; the fire layer
// calls them with no argument tuple, no generic call and no root, and
// knows nothing of who made them. A native callback is a collectable,
// immutable object: registration stays the atomic swap of
// wf_mon_callback_swap, clear_tool_id and the collector see it, and
// Python code that gets it back from register_callback can call it.
#ifndef WF_RUNTIME_MONITOR_NATIVE_H
#define WF_RUNTIME_MONITOR_NATIVE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "objects/object.h"
#include "vm/frame.h"
#include "monitor/events.h"

#if WEFT_MONITORING

typedef struct wf_native wf_native;

// What a native callback answers. DISABLE is not an answer: a callback
// that wants it returns wf_native_disable(...) (below), so that the fire
// layer can hand an event over with a tail call.
typedef enum wf_native_answer {
    WF_NATIVE_ERROR = -1,  // an exception is set on the thread
    WF_NATIVE_DONE = 0,    // delivered (or nothing to do)
    WF_NATIVE_FRAME = 1,   // express form only: a callback frame was
                           // pushed and is now ts->frame (the eval loop
                           // runs it; see monitor/fire.h)
    WF_NATIVE_DISABLE_VALUE = 2,  // only with [pc] NULL, from
                                  // wf_native_disable: the Python-level
                                  // call returns sys.monitoring.DISABLE
} wf_native_answer;

// The general form: event [self]->event of [self]->tool at unit [pc] of
// frame [f] (the thread's current frame), with PEP 669's arguments in
// [args] ([nargs] >= 2): args[0] is the code object, args[1] the
// instruction offset as a tagged int (for LINE: the line number), then
// the event's own values (the returned value, the callable and its first
// argument, the exception ...). [pc] is the unit DISABLE applies to; it is NULL
// when Python code calls the callback object itself (then the callback
// must not push a frame, and DISABLE becomes the call's result).
// Called with the thread's re-entrancy guard (ts->in_callback) as the
// fire layer found it: a callback that runs code which could fire events
// raises the guard around it. Caller: attached, at a safe point; the
// frame saved. Returns WF_NATIVE_DONE or WF_NATIVE_ERROR.
typedef int (*wf_native_fn)(wf_thread *ts, wf_frame *f,
                            const wf_codeunit *pc, const wf_native *self,
                            const wf_value *args, size_t nargs);

// The express form: the short call the fire layer makes wherever [self]'s
// tool is the only one wanting the event at the unit it reports (the
// express path of monitor/fire.h; not for BRANCH events reported by
// POP_ITER, whose offset is another unit's): the event's first own value
// in [arg] (LINE: the line number as a tagged int; PY_RETURN/PY_YIELD:
// the value, rooted on the value stack; RAISE and the other exception
// events: the exception; CALL: the callable; None when there is none),
// its offset being [pc]'s. May answer WF_NATIVE_FRAME only for the events
// of WF_EVMASK_EXPRESS (their hooks run the frame); elsewhere it answers
// WF_NATIVE_DONE or WF_NATIVE_ERROR.
typedef int (*wf_native_express_fn)(wf_thread *ts, wf_frame *f,
                                    const wf_codeunit *pc,
                                    const wf_native *self, wf_value arg);

// The events whose hook can run a callback frame, each at the instruction
// the event starts (RESUME, RETURN_VALUE, YIELD_VALUE, the LINE overlay).
#define WF_EVMASK_EXPRESS                                              \
    (WF_EVMASK(WF_EV_PY_START) | WF_EVMASK(WF_EV_PY_RESUME) |          \
     WF_EVMASK(WF_EV_PY_RETURN) | WF_EVMASK(WF_EV_PY_YIELD) |          \
     WF_EVMASK(WF_EV_LINE))

struct wf_native {
    wf_obj ob;
    // Every field is written once by wf_native_new, before the object is
    // published by wf_mon_callback_swap (a release), and never changed.
    // R: plain, any thread, after the acquire load of the callback table.
    wf_native_fn fn;
    wf_native_express_fn express;  // NULL: the event goes to [fn]
    void *data;                    // the client's, not traced by the GC
    void (*client_fn)(void);       // the client's own function, if it
                                   // wraps one (the C API's embedder's)
    const char *name;              // for repr; static storage
    int8_t tool;
    int8_t event;
};

extern wf_type wf_native_type;

// A native callback for ([tool], [event]) calling [fn] (and [express],
// which may be NULL), with [data] and [client_fn] for the client and
// [name] (static) for its repr. Caller: attached; allocates (never
// collects). Returns it, or WF_NULL with MemoryError set.
WF_MUST_CHECK wf_value wf_native_new(wf_thread *ts, int tool, int event,
                                     const char *name, wf_native_fn fn,
                                     wf_native_express_fn express,
                                     void *data, void (*client_fn)(void));

// Whether [cb] (a callback table entry, maybe WF_NULL) is a native one.
static inline bool
wf_native_is(wf_value cb)
{
    return cb != WF_NULL && wf_val_is(cb, &wf_native_type);
}

static inline const wf_native *
wf_native_of(wf_value cb)
{
    return (const wf_native *)wf_val_as_obj(cb);
}

// A native callback's DISABLE answer for its event at unit [pc] of [f]:
// for a local event, clears that (instruction, tool) bit lock-free
// (wf_instr_disable) and returns WF_NATIVE_DONE; for any other event,
// removes the callback and raises ValueError("Cannot disable %s events.
// Callback removed."), as CPython 3.14, returning WF_NATIVE_ERROR. With
// [pc] NULL (Python called the object), returns WF_NATIVE_DISABLE_VALUE.
// Any attached thread; no lock, no pause.
WF_MUST_CHECK int wf_native_disable(wf_thread *ts, wf_frame *f,
                                    const wf_codeunit *pc,
                                    const wf_native *self);

#endif  // WEFT_MONITORING

#endif
