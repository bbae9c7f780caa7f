// runtime/vm/frame.h -- execution frames and Python-visible frame objects
// (wf_frame_*).
// A wf_frame lives on its thread's data stack (ts->stack_base..stack_limit,
// one reserved region per thread), or inside a generator object once
// RETURN_GENERATOR has copied it there. It holds the code, function,
// globals, builtins, the locals dict of module/class bodies, the saved
// instruction and stack pointers, then localsplus[] followed by the value
// stack. The frame object (wf_frame_type) is created lazily
// (sys._getframe) and snapshots the frame when the frame exits.
// Upholds ARCHITECTURE "Invariants" 6 and the safe-point rule: every live
// value of a frame is below its saved sp when it reaches a safe point.
#ifndef WF_RUNTIME_VM_FRAME_H
#define WF_RUNTIME_VM_FRAME_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/code.h"
#include "threads/thread.h"

// Where a frame's memory lives (wf_frame.owner).
#define WF_FRAME_OWNED_BY_THREAD 0     // on the thread's data stack
#define WF_FRAME_OWNED_BY_GENERATOR 1  // inside a wf_gen object

// wf_frame.is_entry: how returning from the frame continues.
#define WF_FRAME_ENTRY 1     // leave run_frame (the frame was called from C)
#define WF_FRAME_CALLBACK 2  // resume the traced frame's instruction

// Life cycle (wf_frame.state).
#define WF_FRAME_CREATED 0    // pushed, not run yet (generators: not started)
#define WF_FRAME_SUSPENDED 1  // generator frame stopped at a yield
#define WF_FRAME_EXECUTING 2  // linked on its thread's frame chain
#define WF_FRAME_COMPLETED 3  // returned or raised; values are dead

// All fields: W/R: the owning thread; the collector reads them while the
// world is stopped (the frame is then at a safe point, or below one).
struct wf_frame {
    wf_code *code;
    wf_value func;      // the wf_func being run, or WF_NULL (module body)
    wf_value globals;   // dict
    wf_value builtins;  // dict
    wf_value locals;    // dict for module and class bodies, else WF_NULL
    wf_frame *previous; // caller while linked on ts->frame, else NULL
    // Next instruction to run and value-stack top, saved at PROTECT points
    // (STYLE 6.2), at calls and at yields. The faulting or calling
    // instruction of a frame below the top one is instr - 1.
    const wf_codeunit *instr;
    wf_value *sp;
    wf_value frameobj;  // the Python frame object, or WF_NULL
    void *gen;          // owning wf_gen for generator frames, else NULL
    uint32_t nwords;    // size on the data stack, in wf_value words
    uint8_t owner;      // WF_FRAME_OWNED_BY_*
    uint8_t state;      // WF_FRAME_* life cycle
    uint8_t is_entry;   // WF_FRAME_ENTRY: returning leaves wf_eval_frame
                        // (called from C); WF_FRAME_CALLBACK: a trace
                        // function run by the eval loop (legacy/cbframe.h)
    uint8_t pad_;
    // PEP 669 support (runtime/monitor/fire.h): the last control transfer
    // the instrumented code saw in this frame, from instruction
    // [mon_jump_from] to [mon_jump_to] (a jump or branch twin, an exception
    // handler entry, or a callback's jump). INSTRUMENTED_LINE at
    // [mon_jump_to] consumes it to learn which instruction ran before it
    // (CPython's prev_instr); [mon_jump_to] is NULL when nothing is
    // pending. Written only by instrumented paths, never by base opcodes.
    // W/R: the owning thread (the legacy bridge may read them).
    const wf_codeunit *mon_jump_from;
    const wf_codeunit *mon_jump_to;
    wf_value localsplus[];  // nlocalsplus slots, then stacksize slots
};

// Words of a frame of [co] (header + localsplus + value stack).
static inline size_t
wf_frame_words(const wf_code *co)
{
    return (sizeof(wf_frame) / sizeof(wf_value)) + co->nlocalsplus +
           co->stacksize;
}

// Bottom of [f]'s value stack.
static inline wf_value *
wf_frame_stack_base(wf_frame *f)
{
    return f->localsplus + f->code->nlocalsplus;
}

// Index of [f]'s last started instruction (the call or yield it is at).
static inline uint32_t
wf_frame_lasti_index(const wf_frame *f)
{
    uint32_t i = (uint32_t)(f->instr - f->code->code);
    return i > 0 ? i - 1 : 0;
}

// Slow path of wf_frame_push: creates the data stack on first use, raises
// RecursionError at the limit. Same contract as wf_frame_push.
WF_MUST_CHECK wf_frame *wf_frame_push_slow(wf_thread *ts, wf_code *co,
                                           wf_value func, wf_value globals,
                                           wf_value builtins,
                                           wf_value locals);

// Fill a frame header for [co] at [f], except localsplus and sp.
static inline void
wf_frame_init_header(wf_frame *f, size_t words, wf_code *co, wf_value func,
                     wf_value globals, wf_value builtins, wf_value locals)
{
    f->code = co;
    f->func = func;
    f->globals = globals;
    f->builtins = builtins;
    f->locals = locals;
    f->previous = NULL;
    f->instr = co->code;
    f->frameobj = WF_NULL;
    f->gen = NULL;
    f->nwords = (uint32_t)words;
    f->owner = WF_FRAME_OWNED_BY_THREAD;
    f->state = WF_FRAME_CREATED;
    f->is_entry = 0;
    f->pad_ = 0;
    f->mon_jump_to = NULL;
}

// Fill a frame header for [co] at [f] with empty localsplus and value stack.
static inline wf_frame *
wf_frame_init_at(wf_frame *f, size_t words, wf_code *co, wf_value func,
                 wf_value globals, wf_value builtins, wf_value locals)
{
    wf_frame_init_header(f, words, co, func, globals, builtins, locals);
    uint32_t n = co->nlocalsplus;
    for (uint32_t i = 0; i < n; i++)
        f->localsplus[i] = WF_NULL;
    f->sp = f->localsplus + n;
    return f;
}

// Push a frame for [co] on [ts]'s data stack with every localsplus slot
// empty (WF_NULL) and an empty value stack; counts one level of recursion.
// [func] may be WF_NULL (module code); [locals] is the dict of module and
// class bodies, else WF_NULL.
// Caller: attached. Never reaches a safe point; allocates nothing on the
// heap. Returns the frame, or NULL with RecursionError (recursion limit or
// data stack exhausted) or MemoryError set.
WF_MUST_CHECK static inline wf_frame *
wf_frame_push(wf_thread *ts, wf_code *co, wf_value func, wf_value globals,
              wf_value builtins, wf_value locals)
{
    size_t words = wf_frame_words(co);
    if (WF_UNLIKELY(ts->recursion_depth >= wf_thread_recursion_limit(ts) ||
                    (size_t)(ts->stack_limit - ts->stack_top) < words))
        return wf_frame_push_slow(ts, co, func, globals, builtins, locals);
    wf_frame *f = (wf_frame *)ts->stack_top;
    ts->stack_top += words;
    ts->recursion_depth++;
    return wf_frame_init_at(f, words, co, func, globals, builtins, locals);
}

// wf_frame_push for a call of function [func] (of [co], with [globals] and
// [builtins]) whose three positional arguments [a0]..[a2] fill its first
// localsplus slots (co->argcount == 3, no other binding): the slots are
// written once, not emptied first. Same contract as wf_frame_push.
WF_MUST_CHECK static inline wf_frame *
wf_frame_push3(wf_thread *ts, wf_code *co, wf_value func, wf_value globals,
               wf_value builtins, wf_value a0, wf_value a1, wf_value a2)
{
    size_t words = wf_frame_words(co);
    wf_frame *f;
    if (WF_UNLIKELY(ts->recursion_depth >= wf_thread_recursion_limit(ts) ||
                    (size_t)(ts->stack_limit - ts->stack_top) < words)) {
        f = wf_frame_push_slow(ts, co, func, globals, builtins, WF_NULL);
        if (f == NULL)
            return NULL;
    } else {
        f = (wf_frame *)ts->stack_top;
        ts->stack_top += words;
        ts->recursion_depth++;
        wf_frame_init_header(f, words, co, func, globals, builtins, WF_NULL);
        uint32_t n = co->nlocalsplus;
        for (uint32_t i = 3; i < n; i++)
            f->localsplus[i] = WF_NULL;
        f->sp = f->localsplus + n;
    }
    f->localsplus[0] = a0;
    f->localsplus[1] = a1;
    f->localsplus[2] = a2;
    return f;
}

// The frame object of [f], created on first use. Returns it, or WF_NULL
// with MemoryError set. Never reaches a safe point.
WF_MUST_CHECK wf_value wf_frame_get_object(wf_thread *ts, wf_frame *f);
// The same without exposing it (legacy/frameobj.h wf_frameobj_expose): for
// the settrace bridge only, which exposes it itself when the trace
// function can read it.
WF_MUST_CHECK wf_value wf_frame_get_object_hidden(wf_thread *ts, wf_frame *f);

// Copy what Python can see of [f] (line, lasti, f_back, f_locals) into its
// frame object, if any, and cut the object loose from [f]. Called when [f]
// completes. Allocates (f_locals snapshot) but never collects; on
// MemoryError the snapshot keeps f_locals empty and clears the error.
void wf_frame_detach_object(wf_thread *ts, wf_frame *f);

// The frame object a traceback entry for [f] holds (tb_frame): [f]'s,
// made and exposed if need be, with the exception in flight kept; None
// only if memory ran out. Never reaches a safe point.
wf_value wf_frame_traceback_object(wf_thread *ts, wf_frame *f);

// Hand [ts]'s kept frame objects back to the collector (thread exit, with
// the thread list locked).
void wf_frame_release_kept(wf_thread *ts);

// Source line [f] is at (its last started instruction), or the code's
// first line if it has not started.
int32_t wf_frame_lineno(const wf_frame *f);

// A dict of [f]'s bound locals (functions), or its locals dict (module and
// class bodies). Returns WF_NULL with an exception set on failure.
WF_MUST_CHECK wf_value wf_frame_locals_snapshot(wf_thread *ts, wf_frame *f);

// Pop [f], the top frame of [ts]'s data stack, after snapshotting its frame
// object if it has one; gives back one level of recursion.
// Caller: the owner; [f] is no longer linked on ts->frame.
static inline void
wf_frame_pop(wf_thread *ts, wf_frame *f)
{
    if (WF_UNLIKELY(f->frameobj != WF_NULL))
        wf_frame_detach_object(ts, f);
    f->state = WF_FRAME_COMPLETED;
    ts->stack_top = (wf_value *)f;
    ts->recursion_depth--;
}

// Visit every value [f] holds: code, function, dicts, frame object,
// localsplus, and the value stack up to its saved sp.
void wf_frame_visit(wf_frame *f, wf_visit_fn visit, void *ctx);

// Release [ts]'s data stack region (thread exit). Caller: the owner, with no
// frame left on it.
void wf_frame_thread_fini(wf_thread *ts);
// Map [ts]'s data stack now (else its first frame does): a thread about
// to be started gets it before start() returns, so running out of address
// space is an error of start(), not a thread that never runs. Returns 0,
// or -1 with MemoryError set on [ts].
WF_MUST_CHECK int wf_frame_thread_init(wf_thread *ts);

// Give the frame type its methods and attributes (api.c, at init).
WF_MUST_CHECK int wf_frame_init_type(wf_thread *ts);

#endif
