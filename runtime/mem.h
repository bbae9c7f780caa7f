// runtime/mem.h -- non-object memory (wf_mem_*): thin wrappers over the
// process allocator (jemalloc) that turn failure into MemoryError, and the
// retired-array lists freed at the next pause (ARCHITECTURE "Memory").
// In WF_TESTING builds (weft_core_testing, STYLE 9.3) also the allocation
// fault injector and the live-block tracker the OOM loop uses (9.4).
// Objects are allocated by the collector (gc.h), not here.
#ifndef WF_RUNTIME_MEM_H
#define WF_RUNTIME_MEM_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct wf_thread wf_thread;

// Allocate [size] bytes (wf_mem_alloc), [n] zeroed elements of [size]
// bytes (wf_mem_calloc), or resize [p] to [size] bytes keeping its
// contents (wf_mem_realloc; [p] NULL allocates; on failure [p] is left
// allocated and unchanged). A size of 0 allocates one byte.
// Returns the block, or NULL with MemoryError set on [ts] ([ts] may be
// NULL: then nothing is set, for callers outside any thread state).
// Any thread, attached or not; never reaches a safe point; takes no lock.
WF_MUST_CHECK void *wf_mem_alloc(wf_thread *ts, size_t size);
WF_MUST_CHECK void *wf_mem_calloc(wf_thread *ts, size_t n, size_t size);
WF_MUST_CHECK void *wf_mem_realloc(wf_thread *ts, void *p, size_t size);
// Free [p] (from any wf_mem_* function or malloc; NULL is a no-op) now.
// Only when no other thread can still be reading it (else wf_mem_retire).
void wf_mem_free(void *p);
// Free [p] at the next pause: racing readers (a list's or dict's old
// storage) may still hold it. Caller: [ts] is the current thread's state.
// Out of memory for the list: [p] is freed at once if [ts] is the only
// thread, else leaked (never freed early).
void wf_mem_retire(wf_thread *ts, void *p);
// Free every array [ts] retired. Caller: the collector or the pause's
// end, world stopped.
void wf_mem_free_retired(wf_thread *ts);

// ===== Out-of-memory headroom (ARCHITECTURE "Memory") =====
// About WF_MEM_RESERVE_SIZE bytes in small blocks held back from the
// process allocator, so that a thread whose allocation failed has room to
// raise, unwind and handle its MemoryError until the next safe point
// collects. wf_mem_reserve_release frees them (called by wf_gc_note_oom
// on every allocation failure; a no-op when they are already gone) and
// wf_mem_reserve_refill takes them back as far as memory allows
// (the end of every collection: the first takes them; a script too small
// to collect runs without); returns
// whether the reserve is whole afterwards. wf_mem_reserve_free: at
// runtime teardown. Any thread, not in a signal handler (a mutex guards
// the blocks); never raises.
#define WF_MEM_RESERVE_SIZE ((size_t)1 << 20)

void wf_mem_reserve_release(void);
bool wf_mem_reserve_refill(void);
void wf_mem_reserve_free(void);

// Under an address-space or data-size limit (RLIMIT_AS, RLIMIT_DATA),
// create every automatic jemalloc arena now, while there is room:
// jemalloc 5.3 crashes (a NULL arena) instead of failing when a new
// thread's first allocation cannot map the arena it is given, so a thread
// started near the limit would kill the process. Without a limit, and in
// sanitizer builds (whose allocator is not jemalloc), nothing changes.
// Caller: start-up (wf_interp_init), before any thread is started.
void wf_mem_prepare_arenas(void);

// Whether [bytes] of address space can still be mapped now (a mapping
// made and dropped at once; nothing is touched). For thread start: a
// thread started with the address space all but full could not run its
// first Python call. Any thread.
bool wf_mem_headroom(size_t bytes);

#ifdef WF_TESTING
// ===== Fault injector and live-block tracker (WF_TESTING only) =====
// Counted allocations: every wf_mem_alloc/calloc/realloc, and every
// malloc/calloc/realloc/strdup written in a runtime source (mem_testing.h
// maps those onto wf_mem_test_* in weft_core_testing).

// Make the [n]-th counted allocation from now fail (1: the next one), as
// SQLite's faultsim: if [persistent], every counted allocation after it
// fails as well; otherwise only that one (transient). [n] 0 disarms.
// Resets the hit count. Any thread; the count is shared by all threads.
// With WF_MEM_FAULT_BACKTRACE set in the environment, the first fault
// prints its stack to fd 2 (backtrace_symbols_fd).
void wf_mem_fault_arm(uint64_t n, bool persistent);
// Counted allocations the injector has failed since the last arm.
uint64_t wf_mem_fault_hits(void);
// Counted allocations since the last arm (failed ones included).
uint64_t wf_mem_fault_count(void);

// Start recording every block a counted allocation returns, forgetting
// those it frees; blocks allocated before the start are never recorded.
// wf_mem_track_live: how many recorded blocks are still allocated (the
// leaks once a runtime is torn down). wf_mem_track_stop: stop and forget.
// wf_mem_track_dump prints up to [max] live blocks' addresses and sizes
// to stderr. Any thread (a mutex serialises the record).
void wf_mem_track_start(void);
size_t wf_mem_track_live(void);
void wf_mem_track_dump(size_t max);
void wf_mem_track_stop(void);

// The allocator functions of mem_testing.h: libc's contract, counted.
void *wf_mem_test_malloc(size_t size);
void *wf_mem_test_calloc(size_t n, size_t size);
void *wf_mem_test_realloc(void *p, size_t size);
char *wf_mem_test_strdup(const char *s);
void wf_mem_test_free(void *p);
#endif

#endif
