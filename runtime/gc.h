// runtime/gc.h -- the precise stop-the-world mark-sweep collector (wf_gc_*).
// Objects are on their allocating thread's list (wf_thread.alloc_head);
// roots are every thread's frames, root stack, exception state and trace
// objects, plus the interpreter's modules, the static types and the
// native modules' roots (modules/modules.def). A collection runs only
// inside a pause (ARCHITECTURE "Memory").
#ifndef WF_RUNTIME_GC_H
#define WF_RUNTIME_GC_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Collect now. Caller: attached, at a safe point, NOT inside a pause;
// takes one (wf_stw_*), marks from every thread's roots (attached threads
// are parked at safe points, detached ones have saved frames), sweeps
// every thread's list and the orphans, releases the pause (which frees
// the retired arrays). Returns 0, or -1 with an exception set (pause
// refused).
WF_MUST_CHECK int wf_gc_collect(wf_thread *ts);
// Collect if allocation since the last collection is still above the
// threshold once the pause is held (several threads may ask at once: the
// first collects, the others find nothing to do), or always if [force].
// Same contract as wf_gc_collect.
WF_MUST_CHECK int wf_gc_collect_if_needed(wf_thread *ts, bool force);

// An allocation on [ts] (NULL: none known) failed: release the memory
// reserve (mem.h) so the thread has room to handle its MemoryError, and
// collect at [ts]'s next safe point regardless of the threshold (the
// garbage the failure left may be what fills memory). Any thread, any
// state; never allocates. Called by wf_err_no_memory.
void wf_gc_note_oom(wf_thread *ts);

// GC stress (config.h WEFT_GC_STRESS): from now on, ask for a collection
// every [every] object allocations (at the allocating thread's next safe
// point); 0 turns it off. Overrides the environment variable. Any thread.
void wf_gc_set_stress(uint32_t every);

// Allocation is reported to the interpreter's counter in steps of this
// many bytes per thread (ARCHITECTURE "Threads and the pause").
#define WF_GC_ALLOC_CHUNK ((size_t)256 << 10)

// Mark [v] and everything reachable from it. For traverse slots and root
// visitors: pass as the wf_visit_fn with the ctx you were given.
void wf_gc_visit(wf_value v, void *ctx);

// Provided by the VM (frame.c): visit every value held by [ts]'s running
// frames (locals, cells, value stacks up to the saved sp, function and
// code of each frame). Generator frames are reached through their
// generator objects' traverse slot instead.
void wf_frame_visit_thread(wf_thread *ts, wf_visit_fn visit, void *ctx);

// Set up fresh thread state [ts]'s allocation count (under GC stress its
// first allocation already reports). Caller: thread.c, [ts] not yet
// linked. Reads WEFT_GC_STRESS the first time.
void wf_gc_thread_start(wf_thread *ts);


// Whether dead objects may be reused at all (reclaim slots, WF_GC_KEPT):
// not under AddressSanitizer, which must see every free.
#if defined(__SANITIZE_ADDRESS__)
#  define WF_GC_REUSE 0
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define WF_GC_REUSE 0
#  endif
#endif
#ifndef WF_GC_REUSE
#  define WF_GC_REUSE 1
#endif

// Statistics for tests and the bench.
typedef struct wf_gc_stats {
    uint64_t collections;
    size_t live_bytes_after_last;  // bytes surviving the last collection
    size_t peak_live_bytes;
    size_t freed_objects_total;
} wf_gc_stats;
void wf_gc_get_stats(wf_gc_stats *out);

#endif
