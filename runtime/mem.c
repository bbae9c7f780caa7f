// runtime/mem.c -- non-object memory (wf_mem_*).
// jemalloc is linked and replaces malloc, so these are thin wrappers that
// turn failure into MemoryError. Retired arrays (a list's or dict's old
// storage that racing readers may still hold) wait on their thread's list
// until the next pause (ARCHITECTURE "Memory"). WF_TESTING builds add the
// fault injector and the live-block tracker (STYLE 9.3); release builds
// compile the wrappers alone.
#include "mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "atomic.h"
#include "objects/error.h"
#include "threads/thread.h"

#if defined(__SANITIZE_ADDRESS__)
#  include <sanitizer/lsan_interface.h>
#  define LSAN_IGNORE(p) __lsan_ignore_object(p)
#else
#  define LSAN_IGNORE(p) ((void)(p))
#endif

#ifdef WF_TESTING
#  include <execinfo.h>
#  include <malloc.h>
#  include <stdio.h>
#  include <string.h>

// mem_testing.h renamed libc's malloc, calloc, realloc, strdup and free,
// declarations included: this file reaches the real ones as builtins.
#  undef malloc
#  undef calloc
#  undef realloc
#  undef strdup
#  undef free
#endif

static void *
fail(wf_thread *ts)
{
    if (ts != NULL)
        wf_err_no_memory(ts);
    return NULL;
}

#ifdef WF_TESTING
// ===== Fault injector =====

// Armed: 1 while a fault is pending or persistent. countdown: counted
// allocations left before the failing one. W/R: atomics, any thread.
static wf_atomic_u32 fault_armed;
static wf_atomic_i64 fault_countdown;
static wf_atomic_u32 fault_persistent;
static wf_atomic_u64 fault_hits;
static wf_atomic_u64 fault_count;  // counted allocations since the last arm

void
wf_mem_fault_arm(uint64_t n, bool persistent)
{
    wf_atomic_store_relaxed_u32(&fault_armed, 0);
    wf_atomic_store_relaxed_u64(&fault_hits, 0);
    wf_atomic_store_relaxed_u64(&fault_count, 0);
    wf_atomic_store_relaxed_i64(&fault_countdown, (int64_t)n);
    wf_atomic_store_relaxed_u32(&fault_persistent, persistent);
    wf_atomic_store_release_u32(&fault_armed, n != 0);
}

uint64_t
wf_mem_fault_hits(void)
{
    return wf_atomic_load_relaxed_u64(&fault_hits);
}

uint64_t
wf_mem_fault_count(void)
{
    return wf_atomic_load_relaxed_u64(&fault_count);
}

// Whether this counted allocation is to fail.
static bool
fault_now(void)
{
    wf_atomic_add_relaxed_u64(&fault_count, 1);
    if (!wf_atomic_load_acquire_u32(&fault_armed))
        return false;
    int64_t left = wf_atomic_sub_acq_rel_i64(&fault_countdown, 1);
    if (left == 0 || (left < 0 && wf_atomic_load_relaxed_u32(&fault_persistent))) {
        // The first fault's stack, for finding the failing allocation.
        if (wf_atomic_add_relaxed_u64(&fault_hits, 1) == 1 &&
            getenv("WF_MEM_FAULT_BACKTRACE") != NULL) {
            void *frames[32];
            int n = backtrace(frames, 32);
            fputs("wf_mem: injected fault here:\n", stderr);
            backtrace_symbols_fd(frames, n, 2);
        }
        return true;
    }
    return false;
}

// ===== Live-block tracker =====

// An open-addressing set of live block addresses; TOMB marks a removed
// slot. W/R: under track_lock; tracking is read relaxed first.
#  define TOMB ((void *)1)
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
static wf_atomic_u32 tracking;
static void **track_tab;
static size_t track_cap, track_live, track_used;  // used: live + tombs

static size_t
track_slot(uintptr_t p, size_t cap)
{
    uintptr_t h = p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

// Add [p]. Caller: track_lock held. Out of memory here aborts the test.
static void
track_add_locked(void *p)
{
    if (2 * (track_used + 1) > track_cap) {
        size_t ncap = track_cap ? 2 * track_cap : 4096;
        while (4 * track_live > ncap)
            ncap *= 2;
        void **nt = __builtin_calloc(ncap, sizeof *nt);
        if (nt == NULL) {
            fputs("weft: mem tracker: out of memory\n", stderr);
            abort();
        }
        for (size_t i = 0; i < track_cap; i++) {
            void *q = track_tab[i];
            if (q == NULL || q == TOMB)
                continue;
            size_t j = track_slot((uintptr_t)q, ncap);
            while (nt[j] != NULL)
                j = (j + 1) & (ncap - 1);
            nt[j] = q;
        }
        __builtin_free(track_tab);
        track_tab = nt;
        track_cap = ncap;
        track_used = track_live;
    }
    size_t i = track_slot((uintptr_t)p, track_cap);
    while (track_tab[i] != NULL && track_tab[i] != TOMB)
        i = (i + 1) & (track_cap - 1);
    if (track_tab[i] == NULL)
        track_used++;
    track_tab[i] = p;
    track_live++;
}

// Remove [p] if recorded. Returns whether it was. Caller: track_lock held.
static bool
track_remove_locked(uintptr_t p)
{
    if (track_cap == 0)
        return false;
    size_t i = track_slot(p, track_cap);
    while (track_tab[i] != NULL) {
        if ((uintptr_t)track_tab[i] == p) {
            track_tab[i] = TOMB;
            track_live--;
            return true;
        }
        i = (i + 1) & (track_cap - 1);
    }
    return false;
}

// Record that block [old] (0: none; an address only, perhaps freed) became
// [p] (NULL: freed). A block is recorded only if it was born while
// tracking.
static void
track_change(uintptr_t old, void *p)
{
    if (!wf_atomic_load_relaxed_u32(&tracking))
        return;
    pthread_mutex_lock(&track_lock);
    if (wf_atomic_load_relaxed_u32(&tracking)) {
        bool was = old != 0 && track_remove_locked(old);
        if (p != NULL && (old == 0 || was))
            track_add_locked(p);
    }
    pthread_mutex_unlock(&track_lock);
}

void
wf_mem_track_start(void)
{
    pthread_mutex_lock(&track_lock);
    __builtin_free(track_tab);
    track_tab = NULL;
    track_cap = track_live = track_used = 0;
    wf_atomic_store_relaxed_u32(&tracking, 1);
    pthread_mutex_unlock(&track_lock);
}

size_t
wf_mem_track_live(void)
{
    pthread_mutex_lock(&track_lock);
    size_t n = track_live;
    pthread_mutex_unlock(&track_lock);
    return n;
}

void
wf_mem_track_dump(size_t max)
{
    pthread_mutex_lock(&track_lock);
    for (size_t i = 0; i < track_cap && max > 0; i++) {
        void *q = track_tab[i];
        if (q == NULL || q == TOMB)
            continue;
        fprintf(stderr, "  live block %p (%zu bytes)\n", q,
                malloc_usable_size(q));
        max--;
    }
    pthread_mutex_unlock(&track_lock);
}

void
wf_mem_track_stop(void)
{
    pthread_mutex_lock(&track_lock);
    wf_atomic_store_relaxed_u32(&tracking, 0);
    __builtin_free(track_tab);
    track_tab = NULL;
    track_cap = track_live = track_used = 0;
    pthread_mutex_unlock(&track_lock);
}

// ===== Counted allocator =====

void *
wf_mem_test_malloc(size_t size)
{
    if (fault_now())
        return NULL;
    void *p = __builtin_malloc(size);
    track_change(0, p);
    return p;
}

void *
wf_mem_test_calloc(size_t n, size_t size)
{
    if (fault_now())
        return NULL;
    void *p = __builtin_calloc(n, size);
    track_change(0, p);
    return p;
}

// Always moves the block (a new one, copied, the old one freed), as
// ASan's realloc does: a pointer kept across a realloc shows up at once.
void *
wf_mem_test_realloc(void *p, size_t size)
{
    if (p == NULL)
        return wf_mem_test_malloc(size);
    if (fault_now())
        return NULL;
    void *q = __builtin_malloc(size ? size : 1);
    if (q == NULL)
        return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(q, p, old < size ? old : size);
    track_change((uintptr_t)p, q);
    __builtin_free(p);
    return q;
}

char *
wf_mem_test_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = wf_mem_test_malloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void
wf_mem_test_free(void *p)
{
    if (p == NULL)
        return;
    track_change((uintptr_t)p, NULL);
    __builtin_free(p);
}

#  define TRACK_FORGET(p) track_change((uintptr_t)(p), NULL)
#  define RAW_MALLOC wf_mem_test_malloc
#  define RAW_CALLOC wf_mem_test_calloc
#  define RAW_REALLOC wf_mem_test_realloc
#  define RAW_FREE wf_mem_test_free
#else
#  define TRACK_FORGET(p) ((void)(p))
#  define RAW_MALLOC malloc
#  define RAW_CALLOC calloc
#  define RAW_REALLOC realloc
#  define RAW_FREE free
#endif

// ===== Wrappers =====

void *
wf_mem_alloc(wf_thread *ts, size_t size)
{
    void *p = RAW_MALLOC(size ? size : 1);
    return p != NULL ? p : fail(ts);
}

void *
wf_mem_calloc(wf_thread *ts, size_t n, size_t size)
{
    void *p = RAW_CALLOC(n ? n : 1, size ? size : 1);
    return p != NULL ? p : fail(ts);
}

void *
wf_mem_realloc(wf_thread *ts, void *p, size_t size)
{
    void *q = RAW_REALLOC(p, size ? size : 1);
    return q != NULL ? q : fail(ts);
}

void
wf_mem_free(void *p)
{
    RAW_FREE(p);
}

void
wf_mem_retire(wf_thread *ts, void *p)
{
    if (p == NULL)
        return;
    if (ts->nretired == ts->retired_cap) {
        size_t cap = ts->retired_cap ? 2 * ts->retired_cap : 64;
        void **r = RAW_REALLOC(ts->retired, cap * sizeof *r);
        if (r == NULL) {
            // Out of memory. Alone, no other thread can be reading [p]:
            // free it now. Else leaking it is safe, freeing it early is
            // not; the leak checkers (the tracker, LeakSanitizer) are
            // told, so the OOM loop counts only unintended leaks.
            if (wf_thread_count(ts->interp) <= 1) {
                RAW_FREE(p);
            } else {
                TRACK_FORGET(p);
                LSAN_IGNORE(p);
            }
            return;
        }
        ts->retired = r;
        ts->retired_cap = cap;
    }
    ts->retired[ts->nretired++] = p;
}

void
wf_mem_free_retired(wf_thread *ts)
{
    for (size_t i = 0; i < ts->nretired; i++)
        RAW_FREE(ts->retired[i]);
    ts->nretired = 0;
}

// ===== Out-of-memory headroom =====

// The reserve is many small blocks of the size classes the exception path
// allocates (tracebacks, exception objects, short strings, frames), not
// one big block: freed, they land in the allocator's bins of those sizes
// and are reused as they are, while a freed big block would have to be
// split, which needs allocator metadata (more memory) first. About
// WF_MEM_RESERVE_SIZE bytes in all. W/R: under reserve_lock (never taken
// in a signal handler; held only around malloc/free).
static const uint16_t reserve_sizes[] = {16,  32,  48,  64,   96,   128,
                                         192, 256, 512, 1024, 2048, 4096};
#define RESERVE_CLASSES (sizeof reserve_sizes / sizeof reserve_sizes[0])
#define RESERVE_PER_CLASS_MAX 64
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;
static void *reserve[RESERVE_CLASSES * RESERVE_PER_CLASS_MAX];
static size_t nreserve;
static bool reserve_full;

static size_t
reserve_count(size_t cls)
{
    size_t n = WF_MEM_RESERVE_SIZE / RESERVE_CLASSES / reserve_sizes[cls];
    return n < RESERVE_PER_CLASS_MAX ? n : RESERVE_PER_CLASS_MAX;
}

void
wf_mem_reserve_release(void)
{
    pthread_mutex_lock(&reserve_lock);
    while (nreserve > 0)
        RAW_FREE(reserve[--nreserve]);
    reserve_full = false;
    pthread_mutex_unlock(&reserve_lock);
}

bool
wf_mem_reserve_refill(void)
{
    pthread_mutex_lock(&reserve_lock);
    if (!reserve_full) {
        // Fill from the first missing block on; stop at the first failure
        // (a later refill goes on from there).
        size_t at = 0;
        bool ok = true;
        for (size_t c = 0; c < RESERVE_CLASSES && ok; c++) {
            for (size_t k = 0; k < reserve_count(c) && ok; k++, at++) {
                if (at < nreserve)
                    continue;
                void *p = RAW_MALLOC(reserve_sizes[c]);
                if (p == NULL)
                    ok = false;
                else
                    reserve[nreserve++] = p;
            }
        }
        reserve_full = ok;
    }
    bool full = reserve_full;
    pthread_mutex_unlock(&reserve_lock);
    return full;
}

void
wf_mem_reserve_free(void)
{
    wf_mem_reserve_release();
}

// ===== jemalloc's arenas under a memory limit =====

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define ARENAS_PREPARE 0
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define ARENAS_PREPARE 0
#  endif
#endif
#ifndef ARENAS_PREPARE
#  define ARENAS_PREPARE 1
#endif

#if ARENAS_PREPARE
// jemalloc's control interface (<jemalloc/jemalloc.h> would redeclare
// malloc and friends, which WF_TESTING builds rename).
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp,
            size_t newlen);

static bool
limited(int resource)
{
    struct rlimit rl;
    return getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY;
}
#endif

void
wf_mem_prepare_arenas(void)
{
#if ARENAS_PREPARE
    if (!limited(RLIMIT_AS) && !limited(RLIMIT_DATA))
        return;
    unsigned n, cur;
    size_t len = sizeof n;
    if (mallctl("arenas.narenas", &n, &len, NULL, 0) != 0)
        return;  // not jemalloc after all
    len = sizeof cur;
    if (mallctl("thread.arena", &cur, &len, NULL, 0) != 0)
        return;
    // Binding this thread to arena i creates it if it does not exist yet;
    // a failure leaves that arena to be created later (as without this).
    for (unsigned i = 0; i < n; i++)
        (void)mallctl("thread.arena", NULL, NULL, &i, sizeof i);
    (void)mallctl("thread.arena", NULL, NULL, &cur, sizeof cur);
#endif
}

bool
wf_mem_headroom(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    munmap(p, bytes);
    return true;
}
