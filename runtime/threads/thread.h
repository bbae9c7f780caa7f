// runtime/threads/thread.h -- per-thread state and the interpreter
// (wf_thread_*, wf_interp_*, wf_brk_*, wf_root_*).
// wf_thread holds what belongs to one OS thread: the eval-breaker word,
// current frame, exception state, root stack, allocation list, legacy
// trace/profile slots and the re-entrancy guard (ARCHITECTURE invariant 6).
// wf_interp holds what is process-wide: modules, the thread list, the
// collector's state. Fields are ordered by hotness (STYLE 8.4).
#ifndef WF_RUNTIME_THREADS_THREAD_H
#define WF_RUNTIME_THREADS_THREAD_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <pthread.h>

#include "objects/object.h"

typedef struct wf_frame wf_frame;
typedef struct wf_interp wf_interp;

// Eval-breaker bits (wf_thread.eval_breaker). Checked only at RESUME and
// JUMP_BACKWARD (invariant 5).
#define WF_BRK_STW 0x1u       // a pause is requested: park
#define WF_BRK_GC 0x2u        // a collection is wanted
#define WF_BRK_INSTR 0x4u     // DISABLE left opcodes: restore pause wanted
#define WF_BRK_SIGNAL 0x8u    // SIGINT arrived: KeyboardInterrupt (main)

// Attach states (wf_thread.state).
#define WF_THREAD_DETACHED 0
#define WF_THREAD_ATTACHED 1
#define WF_THREAD_SUSPENDED 2

// One item of the handled-exception stack (sys.exception(), bare raise).
// Frames of generators own one each; PUSH_EXC_INFO/POP_EXCEPT swap values.
typedef struct wf_exc_info {
    wf_value exc;                  // exception being handled, or WF_NONE
    struct wf_exc_info *previous;  // outer item, or NULL
} wf_exc_info;

// Legacy trace/profile C function (CPython's Py_tracefunc), held in the
// c_tracefunc/c_profilefunc slots below and called by legacy/slots.c:
// [what] is a PyTrace_* number (legacy/legacy.h). Returns 0, or non-zero
// with an exception set.
typedef int (*wf_tracefunc)(wf_value obj, wf_frame *frame, int what,
                            wf_value arg);

struct wf_thread {
    // ----- hot: touched by the eval loop -----
    // WF_BRK_* bits. W: any thread, atomic or/and (the pause requester sets
    // WF_BRK_STW with seq_cst, pairing with the seq_cst load in
    // wf_thread_detach). R: owner, relaxed load at safe points.
    wf_atomic_u32 eval_breaker;
    // Monitoring re-entrancy guard: non-zero while a callback runs.
    // W/R: owner only.
    uint32_t in_callback;
    // Monitoring tools this thread delivers events to (bit per tool id):
    // tools 0-5 always; 6 (profile) / 7 (trace) only while this thread's
    // legacy slot is set (ARCHITECTURE "Dispatch is gated per thread").
    // W: the owner under the monitoring mutex, or any thread inside a pause
    // (*_all_threads). R: the owner, plain, on the event path.
    uint8_t mon_tools;
    // Tools whose CALL callback answered DISABLE for the call now in flight
    // at unit mon_keep_pc of frame mon_keep_frame (a callable that is not a
    // Python function, on code that never had two tools on one event): its
    // C_RETURN/C_RAISE still reach them, as in CPython 3.14, where that
    // DISABLE de-instruments the unit but the call already running fires
    // them (monitor/fire.c answer_disable). W/R: owner only.
    uint8_t mon_keep_tools;
    const void *mon_keep_frame;
    const void *mon_keep_pc;
    // Innermost running frame. W: owner. R: owner; the collector in a pause.
    wf_frame *frame;
    // Exception in flight, or WF_NULL. W/R: owner; collector in a pause.
    wf_value exc;
    // Handled-exception stack top (never NULL once the thread runs).
    wf_exc_info *exc_info;
    // C-level recursion depth of Python calls. W/R: owner.
    int32_t recursion_depth;
    // Copy of the interpreter's limit. W: sys.setrecursionlimit on any
    // thread under threads_lock, relaxed atomic store. R: owner, relaxed
    // (wf_thread_recursion_limit: a plain load on x86/arm64).
    wf_atomic_i32 recursion_limit;
    // Frame data stack (VM-owned; frames' locals and value stacks).
    wf_value *stack_base, *stack_top, *stack_limit;

    // ----- warm -----
    // Root stack: values C code holds across calls that reach safe points.
    // W/R: owner; the collector in a pause.
    wf_value *roots;
    size_t nroots, roots_cap;
    // Allocation list and counters. W: owner; sweeper in a pause.
    // R: owner; the collector in a pause.
    wf_obj *alloc_head;
    size_t alloc_bytes;  // bytes allocated since the last collection
    // Bytes not yet folded into interp->gc_allocated: folded with one
    // relaxed atomic add per WF_GC_ALLOC_CHUNK, never per allocation, so
    // allocating threads share no cache line (wf_gc_alloc).
    size_t alloc_unreported;
    // The one pool of dead frame objects (vm/frame.c): those that died
    // unexposed with their frames and those the collector found dead on
    // this thread's list, kept on it (WF_GC_KEPT) for this thread's next
    // frame objects. W/R: owner; the sweeper adds to it in a pause.
    struct wf_frameobj *kept_frames;
    uint32_t nkept_frames;
    // Retired arrays awaiting the next pause (wf_mem_retire).
    void **retired;
    size_t nretired, retired_cap;

    // ----- legacy tracing slots (per thread; runtime/legacy) -----
    // W: owner under the monitoring mutex, or any thread inside a pause
    // (*_all_threads). R: owner.
    wf_tracefunc c_tracefunc;
    wf_value c_traceobj;
    wf_tracefunc c_profilefunc;
    wf_value c_profileobj;
    // The PEP 669 event whose slot function is running on this thread
    // (-1: none) and its frame (runtime/legacy/slots.c; the f_lineno
    // setter reads them). W/R: owner only.
    int32_t lslot_what;
    wf_frame *lslot_frame;
    // The resident callback frame (runtime/legacy/cbframe.h): malloc'ed,
    // [cb_frame_words] words, its header kept ready for the last trace
    // function run in it. NULL until first needed.
    // W/R: owner; the collector visits its function (frame.c).
    wf_frame *cb_frame;
    uint32_t cb_frame_words;
    // The Python-level trace (or profile) function running as a callback
    // frame of the eval loop (runtime/legacy/cbframe.h):
    // [frame] is that frame (NULL: none; at most one, since events are not
    // delivered while it runs); the rest is what its return restores.
    // W/R: owner.
    struct wf_lcb {
        wf_frame *frame;          // the trace function's frame, or NULL
        wf_value *stack_top;      // the data stack's top before it
        const void *pc;           // the traced frame's instrumented unit
        wf_value *sp;             // the traced frame's sp at the event
        struct wf_frameobj *fo;   // the traced frame's object
        wf_value saved_exc;       // exception in flight set aside (rooted)
        size_t mark;              // roots to release to
        int32_t ev;               // PY_START/RESUME/RETURN/YIELD or LINE
        int32_t tool;             // WF_TOOL_SYS_TRACE or _PROFILE
    } lcb;

    // ----- cold -----
    // WF_THREAD_* attach state (the park protocol, stw.c):
    //   ATTACHED -> DETACHED    owner (wf_thread_detach), seq_cst store
    //   DETACHED -> ATTACHED    owner (wf_thread_attach), seq_cst CAS
    //   DETACHED -> SUSPENDED   pause requester, seq_cst CAS
    //   ATTACHED -> SUSPENDED   owner parking at a safe point, under the
    //                           handshake lock, release store
    //   SUSPENDED -> DETACHED   pause requester in wf_stw_end, under the
    //                           handshake lock, release store
    // R: atomic acquire (or seq_cst) by anyone.
    wf_atomic_u32 state;
    // threading.get_ident(). W: at creation, before the thread is linked.
    // R: plain.
    uint64_t ident;
    // W: the OS thread that runs this state, before it first attaches.
    // R: owner.
    pthread_t os_thread;
    wf_exc_info base_exc_info;
    wf_interp *interp;
    // The threading.Thread object of this thread, or WF_NULL.
    // W: owner (threading bootstrap). R: owner; the collector in a pause;
    // threading.enumerate() under the thread-list lock (racy snapshot of a
    // word-sized value: relaxed atomic accesses).
    wf_atomic_u64 pyobj;
    // Opaque state of the threading module (its join handle), or NULL.
    // W: the creating thread before start. R: owner at exit.
    void *thread_handle;
    // Thread list links. W: under interp->threads_lock AND the pause
    // handshake lock while no pause is in progress (wf_thread_link/unlink).
    // R: under threads_lock, or by anyone inside a pause (the list is
    // frozen while the world is stopped).
    wf_thread *next, *prev;
};

struct wf_interp {
    // Modules by name (dict), builtins module and its dict, sys module.
    // W: import machinery (dict's own lock). R: any attached thread.
    wf_value modules;
    wf_value builtins;
    wf_value builtins_dict;
    wf_value sys_module;
    wf_value main_module;
    wf_value argv;  // list of str, set before running __main__
    // Recursion limit for new threads and sys.getrecursionlimit().
    // W: under threads_lock, relaxed atomic store. R: relaxed atomic.
    wf_atomic_i32 recursion_limit;

    // Thread list. Joining and leaving take threads_lock and then the
    // pause handshake lock, and wait while a pause is in progress, so the
    // list is frozen inside a pause. W: see wf_thread.next.
    // R: under threads_lock, or inside a pause.
    wf_mutex threads_lock;  // rank WF_RANK_THREADS
    wf_thread *threads;
    wf_thread *main_thread;
    // Threads on the list. W: with the list. R: relaxed (threading).
    wf_atomic_u32 nthreads;

    // Collector. Objects of exited threads are adopted here: their
    // allocation lists (one head per exited thread, merged into
    // orphan_head by the next sweep) and their retired arrays (freed at
    // the next pause). W: a leaving thread under threads_lock + handshake
    // lock (no pause in progress); the collector / pause holder inside a
    // pause. R: same.
    wf_obj *orphan_head;
    wf_obj **orphan_lists;
    size_t norphan_lists, orphan_lists_cap;
    void **orphan_retired;
    size_t norphan_retired, orphan_retired_cap;
    // Collection threshold in bytes; allocation beyond it since the last
    // collection sets WF_BRK_GC. W: collector in a pause. R: relaxed.
    wf_atomic_size gc_threshold;
    // Bytes allocated since the last collection, in WF_GC_ALLOC_CHUNK
    // steps. W: relaxed atomic add by allocating threads; the collector in
    // a pause. R: relaxed.
    wf_atomic_size gc_allocated;
    uint64_t gc_collections;
    size_t gc_live_bytes;
};

// The one interpreter of this process.
extern wf_interp wf_the_interp;

// Runtime start-up order (the runtime's entry point, api.c, follows it):
//   1. wf_interp_init()                      mutexes and defaults
//   2. ts = wf_thread_new_current(&wf_the_interp)
//   3. wf_types_init(ts)                     type dicts, names, interned
//                                            strings, interp->modules
//   4. wf_builtins_init(ts)                  builtins module; sets
//                                            interp->builtins(_dict); calls
//                                            wf_exc_init
//   5. the VM's own types (code, generator, frame, class building)
//   6. wf_module_register_builtin for each native module of
//      modules/modules.def, then create __main__ and run.
// At exit: wf_bi_flush_stdout() (also registered with atexit).

// Initialise [wf_the_interp]'s mutexes and defaults (recursion limit 1000,
// GC threshold 8 MiB). Call once, before any thread state exists.
// Returns 0, or -1 if a mutex cannot be created (nothing set: no thread).
WF_MUST_CHECK int wf_interp_init(void);

// The calling OS thread's wf_thread, or NULL if it has none.
wf_thread *wf_thread_current(void);

// Create the state for the calling OS thread and link it on the thread
// list, attached. Waits (it is not attached yet, so it blocks nobody)
// while a pause is in progress. Returns NULL (nothing set) if out of
// memory. Caller: an OS thread with no state of its own.
WF_MUST_CHECK wf_thread *wf_thread_new_current(wf_interp *interp);
// Create a state for a thread that [parent] is about to start, linked on
// the thread list DETACHED, so that [parent] can root the new thread's
// start values in its root stack before the OS thread exists (a pause
// then sees it as a blocked thread). The new OS thread calls
// wf_thread_bind_current. Caller: [parent] attached; may park (a safe
// point) if a pause is in progress. Returns NULL with MemoryError set.
WF_MUST_CHECK wf_thread *wf_thread_new_detached(wf_thread *parent);
// Make [ts] (from wf_thread_new_detached) the calling OS thread's state
// and attach it (waiting for a pause in progress to end).
void wf_thread_bind_current(wf_thread *ts);
// Unlink [ts] from the thread list and free it: its allocation list and
// retired arrays go to the interpreter (collected by the next pause), its
// data stack is released. Caller: the owner (attached, no frame running),
// or [ts]'s creator for a state whose OS thread never started (the creator
// attached). Waits for a pause in progress to end first. After it
// returns, the calling OS thread has no state (for the owner).
void wf_thread_free_current(wf_thread *ts);
void wf_thread_free_unstarted(wf_thread *creator, wf_thread *ts);

// Leave the attached state around a blocking call (sleep, lock wait, I/O):
// the thread must not touch the heap until wf_thread_attach (it may still
// read the bytes of immutable objects it keeps rooted, as print does). A
// detached thread costs a pause nothing: the requester holds it SUSPENDED.
// Caller: attached, at a point where every live value is rooted and the
// frame's pc/sp are saved (inside a PROTECTed call). Never blocks.
// Idempotent: detaching a thread that is not attached does nothing (it
// must not turn a SUSPENDED thread back to DETACHED mid-pause).
void wf_thread_detach(wf_thread *ts);
// Re-enter the attached state after wf_thread_detach. Blocks while a pause
// holds this thread SUSPENDED (a detached thread never re-attaches
// mid-pause). Caller: detached (attaching an attached thread does
// nothing).
void wf_thread_attach(wf_thread *ts);
// pthread_mutex_lock([m]) for an attached caller: tries once, else waits
// detached, so a pause never waits for a thread blocked on [m].
// Caller: attached, at a safe point (as wf_thread_detach).
void wf_thread_lock_mutex(wf_thread *ts, pthread_mutex_t *m);
// The same for a ranked mutex (lock.h): rank-checked in WF_CHECKS builds.
void wf_thread_lock_ranked(wf_thread *ts, wf_mutex *m);

// Called by the eval loop when eval_breaker is non-zero: parks for a
// pause (WF_BRK_STW), runs a wanted collection (WF_BRK_GC), etc.
// Returns 0 or -1 with an exception.
// Caller: attached, at a safe point (frame's sp and pc saved).
WF_MUST_CHECK int wf_brk_handle(wf_thread *ts);

// ===== SIGINT: KeyboardInterrupt in the main thread =====
// The handler only sets a pending flag and WF_BRK_SIGNAL in [main_ts]'s
// eval breaker (signal-safe atomic stores); the eval loop's next safe
// point (wf_brk_handle) raises KeyboardInterrupt there. Blocking calls of
// the main thread (time.sleep) see EINTR, check wf_signal_pending, and
// raise it after re-attaching (wf_signal_check). Threads Weft starts
// block SIGINT (wf_thread_bind_current).

// Install the SIGINT handler for [main_ts], unless SIGINT is not at its
// default disposition (ignored, as for a background job, or the host's
// own handler): then nothing changes, as in CPython. Caller: the runtime's
// start-up on the main thread; wf_signal_uninstall at teardown restores
// the previous disposition.
void wf_signal_install(wf_thread *main_ts);
void wf_signal_uninstall(void);
// Whether a SIGINT is waiting to become KeyboardInterrupt on [ts]. Any
// state (detached included); never blocks.
bool wf_signal_pending(const wf_thread *ts);
// Raise the pending KeyboardInterrupt on [ts] (if it is the main thread
// and one is pending): returns -1 with it set, else 0. Caller: attached.
WF_MUST_CHECK int wf_signal_check(wf_thread *ts);

// Number of threads on the list (threading.active_count). Any thread.
uint32_t wf_thread_count(wf_interp *interp);

// [ts]'s recursion limit (its copy of the interpreter's). Owner.
static inline int32_t
wf_thread_recursion_limit(const wf_thread *ts)
{
    return wf_atomic_load_relaxed_i32(&ts->recursion_limit);
}

// ===== Root stack =====

// Make room and push [v]. Returns its index, or -1 with MemoryError set.
WF_MUST_CHECK int64_t wf_root_push(wf_thread *ts, wf_value v);

static inline size_t
wf_root_mark(const wf_thread *ts)
{
    return ts->nroots;
}

// Drop roots back to [mark] (from wf_root_mark).
static inline void
wf_root_release(wf_thread *ts, size_t mark)
{
    ts->nroots = mark;
}

#endif
