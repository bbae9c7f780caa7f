// runtime/gc.c -- the precise, non-moving mark-sweep collector (wf_gc_*).
// Owns object allocation (wf_gc_alloc), the mark stack and the collection
// statistics. A collection runs only inside a pause (ARCHITECTURE
// invariant 2, "Memory"): mark from every root with an explicit stack (no
// recursion), sweep every thread's list and the orphans, free retired
// arrays, then set the next threshold.
#include "gc.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "mem.h"
#include "objects/error.h"
#include "monitor/instrument.h"
#include "monitor/monitor.h"
#include "modules/modules.h"
#include "threads/stw.h"

#define GC_MIN_THRESHOLD ((size_t)8 << 20)

// Marking state of the one collection in progress (inside a pause).
typedef struct mark_state {
    wf_obj **stack;
    size_t n, cap;
    // An object was marked but could not be pushed (the stack could not
    // grow): marking ends with rescans of the heap (mark_overflowed).
    bool overflow;
    // Immortal objects marked this cycle, chained through their gc_next
    // (never used otherwise: they are on no list): their bits are cleared
    // at the end, since the sweep never sees them. No allocation.
    wf_obj *immortals;
} mark_state;

// The mark stack, kept from one collection to the next so that a
// collection normally allocates nothing (reserved at the first one). W/R:
// the collector in a pause.
static wf_obj **kept_stack;
static size_t kept_cap;
#define MARK_STACK_MIN 4096

// An allocation failed (wf_gc_note_oom): the next safe point collects
// whatever the threshold says. W/R: relaxed atomics, any thread.
static wf_atomic_u32 oom_due;

// Statistics. W: the collector in a pause. R: wf_gc_get_stats (racy
// snapshot is fine for tests and the bench).
static wf_gc_stats stats;

// ===== GC stress (WEFT_GC_STRESS, config.h) =====

// Ask for a collection every stress_every object allocations (0: off).
// W: stress_init (once) or wf_gc_set_stress. R: relaxed, on the slow path.
static wf_atomic_u32 stress_every;
// Allocations since the last request; whether one is owed (the next
// wf_gc_collect_if_needed collects regardless of the threshold).
// W/R: relaxed atomics, any thread.
static wf_atomic_u32 stress_count, stress_due;
static pthread_once_t stress_once = PTHREAD_ONCE_INIT;

static void
stress_init(void)
{
    const char *e = getenv("WEFT_GC_STRESS");
    if (e != NULL && e[0] != '\0')
        wf_atomic_store_relaxed_u32(&stress_every,
                                    (uint32_t)strtoul(e, NULL, 10));
}

void
wf_gc_set_stress(uint32_t every)
{
    pthread_once(&stress_once, stress_init);
    wf_atomic_store_relaxed_u32(&stress_every, every);
}

// [ts]'s unreported count, biased so that its next allocation takes the
// slow path (report_alloc) again while stress is on.
static size_t
stress_bias(void)
{
    return wf_atomic_load_relaxed_u32(&stress_every) ? WF_GC_ALLOC_CHUNK - 1
                                                     : 0;
}

void
wf_gc_thread_start(wf_thread *ts)
{
    pthread_once(&stress_once, stress_init);
    ts->alloc_unreported = stress_bias();
}

// Stress mode's report: count one allocation, ask for a collection at
// this thread's next safe point every stress_every.
static void
stress_alloc(wf_thread *ts, uint32_t every)
{
    ts->alloc_unreported = WF_GC_ALLOC_CHUNK - 1;
    if (wf_atomic_add_relaxed_u32(&stress_count, 1) >= every) {
        wf_atomic_store_relaxed_u32(&stress_count, 0);
        wf_atomic_store_relaxed_u32(&stress_due, 1);
        wf_atomic_or_relaxed_u32(&ts->eval_breaker, WF_BRK_GC);
    }
}

// ===== Allocation =====

// Fold [ts]'s unreported bytes into the interpreter's count; ask for a
// collection (at this thread's next safe point) past the threshold. Under
// GC stress every allocation comes here (stress_bias): the fast path in
// link_new is the same in every mode.
static WF_NOINLINE void
report_alloc(wf_thread *ts)
{
    pthread_once(&stress_once, stress_init);
    uint32_t every = wf_atomic_load_relaxed_u32(&stress_every);
    if (WF_UNLIKELY(every != 0)) {
        stress_alloc(ts, every);
        return;
    }
    wf_interp *interp = ts->interp;
    size_t total = wf_atomic_add_relaxed_size(&interp->gc_allocated,
                                              ts->alloc_unreported);
    ts->alloc_unreported = 0;
    if (total > wf_atomic_load_relaxed_size(&interp->gc_threshold))
        wf_atomic_or_relaxed_u32(&ts->eval_breaker, WF_BRK_GC);
}

// Link fresh object [o] of [size] bytes and type [tp] on [ts]'s list.
static inline wf_obj *
link_new(wf_thread *ts, wf_obj *o, wf_type *tp, size_t size)
{
    o->type = tp;
    o->gc_next = ts->alloc_head;
    ts->alloc_head = o;
    ts->alloc_bytes += size;
    // Per-thread count, folded into the shared one a chunk at a time: no
    // shared cache line is written per allocation.
    ts->alloc_unreported += size;
    if (WF_UNLIKELY(ts->alloc_unreported >= WF_GC_ALLOC_CHUNK))
        report_alloc(ts);
    return o;
}

wf_obj *
wf_gc_alloc(wf_thread *ts, wf_type *tp, size_t size)
{
    wf_obj *o = calloc(1, size);
    if (o == NULL) {
        wf_err_no_memory(ts);
        return NULL;
    }
    return link_new(ts, o, tp, size);
}

wf_obj *
wf_gc_alloc_uninit(wf_thread *ts, wf_type *tp, size_t size)
{
    wf_obj *o = malloc(size);
    if (o == NULL) {
        wf_err_no_memory(ts);
        return NULL;
    }
    o->gc_bits = 0;
    o->aux = 0;
    return link_new(ts, o, tp, size);
}

// A type's reclaim slot keeps dead objects for reuse (object.h); off
// under AddressSanitizer, which must see every free.
#define RECLAIM_ON (WF_GC_REUSE != 0)

// Grow the mark stack. Returns false (the stack unchanged) if out of
// memory: the caller falls back to overflow rescans, never aborts.
static bool
grow_stack(mark_state *ms)
{
    size_t ncap = ms->cap ? 2 * ms->cap : MARK_STACK_MIN;
    wf_obj **p = realloc(ms->stack, ncap * sizeof *p);
    if (p == NULL)
        return false;
    ms->stack = p;
    ms->cap = ncap;
    return true;
}

void
wf_gc_visit(wf_value v, void *ctx)
{
    if (!wf_val_is_obj(v))
        return;
    wf_obj *o = wf_val_as_obj(v);
    if (o->gc_bits & WF_GC_MARK)
        return;
    mark_state *ms = ctx;
    o->gc_bits |= WF_GC_MARK;
    if (o->gc_bits & WF_GC_IMMORTAL) {
        o->gc_next = ms->immortals;
        ms->immortals = o;
    }
    if (ms->n == ms->cap && !grow_stack(ms)) {
        ms->overflow = true;  // marked, children not yet: a rescan finds it
        return;
    }
    ms->stack[ms->n++] = o;
}

static void
drain(mark_state *ms)
{
    while (ms->n > 0) {
        wf_obj *o = ms->stack[--ms->n];
        // A heap class is reachable through its instances' headers.
        wf_gc_visit(wf_val_from_obj(o->type), ms);
        if (o->type->traverse != NULL)
            o->type->traverse(o, wf_gc_visit, ms);
    }
}

// Scan every marked object of list [head] (linked through gc_next from
// [head] on) again, draining after each: reaches the children of objects
// marked while the stack was full.
static void
rescan_list(wf_obj *head, mark_state *ms)
{
    for (wf_obj *o = head; o != NULL; o = o->gc_next) {
        if (!(o->gc_bits & WF_GC_MARK))
            continue;
        wf_gc_visit(wf_val_from_obj(o->type), ms);
        if (o->type->traverse != NULL)
            o->type->traverse(o, wf_gc_visit, ms);
        drain(ms);
    }
}

// Finish marking after the stack overflowed: rescan every list (and the
// marked immortals) until a pass marks nothing it could not push.
// Bounded memory: terminates with any stack capacity, zero included.
static void
mark_overflowed(wf_interp *interp, mark_state *ms)
{
    while (ms->overflow) {
        ms->overflow = false;
        rescan_list(ms->immortals, ms);
        for (wf_thread *t = interp->threads; t != NULL; t = t->next)
            rescan_list(t->alloc_head, ms);
        rescan_list(interp->orphan_head, ms);
        for (size_t i = 0; i < interp->norphan_lists; i++)
            rescan_list(interp->orphan_lists[i], ms);
    }
}

static void
mark_thread(wf_thread *t, mark_state *ms)
{
    wf_frame_visit_thread(t, wf_gc_visit, ms);
    for (size_t i = 0; i < t->nroots; i++)
        wf_gc_visit(t->roots[i], ms);
    wf_gc_visit(t->exc, ms);
    for (wf_exc_info *ei = t->exc_info; ei != NULL; ei = ei->previous)
        wf_gc_visit(ei->exc, ms);
    wf_gc_visit(t->c_traceobj, ms);
    wf_gc_visit(t->c_profileobj, ms);
    wf_gc_visit(wf_atomic_load_relaxed_u64(&t->pyobj), ms);
}

// Sweep list [head]: unmark survivors, finalize the dead and move them to
// *[dead] (freed once every list is swept: a dead object's type may itself
// be dead, and is read until then), except those whose type reclaims them
// for [owner] (object.h; NULL for orphan lists: none). Adds to *[live] and
// *[freed].
static void
sweep_list(wf_obj **head, size_t *live, size_t *freed, wf_thread *owner,
           wf_obj **dead)
{
    WF_ASSERT_WORLD_STOPPED();  // every thread's list, every header
    wf_obj **link = head;
    while (*link != NULL) {
        wf_obj *o = *link;
        if (o->gc_bits & (WF_GC_MARK | WF_GC_KEPT)) {
            o->gc_bits &= ~WF_GC_MARK;
            *live += malloc_usable_size(o);
            link = &o->gc_next;
        } else if (RECLAIM_ON && owner != NULL && o->type->reclaim != NULL &&
                   o->type->reclaim(o, owner)) {
            link = &o->gc_next;  // kept where it is, flagged WF_GC_KEPT
            (*freed)++;
        } else {
            *link = o->gc_next;
            if (o->type->finalize != NULL)
                o->type->finalize(o);
            o->gc_next = *dead;
            *dead = o;
            (*freed)++;
        }
    }
}

int
wf_gc_collect(wf_thread *ts)
{
    return wf_gc_collect_if_needed(ts, true);
}

int
wf_gc_collect_if_needed(wf_thread *ts, bool force)
{
    if (wf_stw_begin(ts, WF_STW_GC) < 0)
        return -1;
    wf_interp *interp = ts->interp;
    if (!force && !wf_atomic_exchange_acq_rel_u32(&stress_due, 0) &&
        !wf_atomic_load_relaxed_u32(&oom_due) &&
        wf_atomic_load_relaxed_size(&interp->gc_allocated) <=
            wf_atomic_load_relaxed_size(&interp->gc_threshold)) {
        wf_stw_end(ts);  // another thread collected first
        return 0;
    }
    WF_ASSERT_WORLD_STOPPED();  // marks, lists, orphans, threshold below
    bool after_oom = wf_atomic_exchange_acq_rel_u32(&oom_due, 0) != 0;
    mark_state ms = {.stack = kept_stack, .cap = kept_cap};
    wf_instr_flush_pending();  // DISABLE's batched opcode restore

    // ----- mark -----
    wf_types_visit_roots(wf_gc_visit, &ms);
    wf_mon_visit_roots(wf_gc_visit, &ms);  // tool names, callbacks
#define WF_MODULE(name, init)
#define WF_MODULE_ROOTS(name, init, visit_roots) visit_roots(wf_gc_visit, &ms);
#include "modules/modules.def"
    wf_gc_visit(interp->modules, &ms);
    wf_gc_visit(interp->builtins, &ms);
    wf_gc_visit(interp->builtins_dict, &ms);
    wf_gc_visit(interp->sys_module, &ms);
    wf_gc_visit(interp->main_module, &ms);
    wf_gc_visit(interp->argv, &ms);
    for (wf_thread *t = interp->threads; t != NULL; t = t->next)
        mark_thread(t, &ms);
    drain(&ms);
    mark_overflowed(interp, &ms);
    wf_exc_drop_unreached();

    // ----- sweep -----
    // Finalizers only free non-object memory: nothing here runs user code
    // (ARCHITECTURE "Nothing runs inside a pause but ...").
    size_t live = 0, freed = 0;
    wf_obj *dead = NULL;
    for (wf_thread *t = interp->threads; t != NULL; t = t->next) {
        sweep_list(&t->alloc_head, &live, &freed, t, &dead);
        t->alloc_bytes = 0;
        t->alloc_unreported = stress_bias();
    }
    // Lists of exited threads: sweep each, then splice the survivors onto
    // the one orphan list.
    sweep_list(&interp->orphan_head, &live, &freed, NULL, &dead);
    for (size_t i = 0; i < interp->norphan_lists; i++) {
        wf_obj *head = interp->orphan_lists[i];
        sweep_list(&head, &live, &freed, NULL, &dead);
        if (head == NULL)
            continue;
        wf_obj *tail = head;
        while (tail->gc_next != NULL)
            tail = tail->gc_next;
        tail->gc_next = interp->orphan_head;
        interp->orphan_head = head;
    }
    interp->norphan_lists = 0;
    // Every list swept: no live object and no dead one's type is read any
    // more (an instance may be swept after its class; the fuzzer found it:
    // tests/scripts/adversarial/fz_gc_class_dies_first).
    for (wf_obj *o = dead, *next; o != NULL; o = next) {
        next = o->gc_next;
        free(o);
    }
    for (wf_obj *o = ms.immortals, *next; o != NULL; o = next) {
        next = o->gc_next;
        o->gc_next = NULL;
        o->gc_bits &= ~WF_GC_MARK;
    }
    // Retired arrays are freed by wf_stw_end (every pause).
    for (wf_thread *t = interp->threads; t != NULL; t = t->next)
        wf_atomic_and_relaxed_u32(&t->eval_breaker, ~WF_BRK_GC);
    kept_stack = ms.stack;  // reserved for the next collection
    kept_cap = ms.cap;
    // The headroom for handling MemoryError (mem.h): taken at the first
    // collection (a script too small to collect never pays for it), and
    // after a failed allocation released it, back if memory allows.
    (void)wf_mem_reserve_refill();

    // ----- next threshold and statistics -----
    // After an allocation failure, collect again soon: what the handler
    // of that MemoryError still held may be garbage once it is done.
    size_t threshold = after_oom ? live + GC_MIN_THRESHOLD : 2 * live;
    if (threshold < GC_MIN_THRESHOLD)
        threshold = GC_MIN_THRESHOLD;
    wf_atomic_store_relaxed_size(&interp->gc_threshold, threshold);
    wf_atomic_store_relaxed_size(&interp->gc_allocated, 0);
    interp->gc_collections++;
    interp->gc_live_bytes = live;
    stats.collections++;
    stats.live_bytes_after_last = live;
    if (live > stats.peak_live_bytes)
        stats.peak_live_bytes = live;
    stats.freed_objects_total += freed;

    wf_stw_end(ts);
    return 0;
}

void
wf_gc_note_oom(wf_thread *ts)
{
    wf_mem_reserve_release();
    wf_atomic_store_relaxed_u32(&oom_due, 1);
    if (ts != NULL)
        wf_atomic_or_relaxed_u32(&ts->eval_breaker, WF_BRK_GC);
}

void
wf_gc_get_stats(wf_gc_stats *out)
{
    *out = stats;
}
