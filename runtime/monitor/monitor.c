// runtime/monitor/monitor.c -- PEP 669 monitoring state and the
// `sys.monitoring` API (wf_mon_*).
// Owns the monitoring mutex, tool names, global events, callbacks, the weak
// code registry and the instrumentation version; turns every change into
// at most ONE pause that rewrites every affected code object
// (instrument.c). Upholds ARCHITECTURE invariants 2-4 and "No needless
// pauses": the new per-code tool sets are computed first, and a change
// that alters no bytecode returns without pausing. Argument checks and
// messages are those of CPython 3.14's sys.monitoring (instrumentation.c).
#include "monitor/monitor.h"
#include "monitor/native.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "objects/error.h"
#include "threads/stw.h"
#include "monitor/instrument.h"

// DISABLE and MISSING: plain immortal objects, compared by identity.
wf_obj wf_mon_disable_obj = WF_OBJ_STATIC_INIT(&wf_object_type);
wf_obj wf_mon_missing_obj = WF_OBJ_STATIC_INIT(&wf_object_type);

#if WEFT_MONITORING

// ===== State =====

// The monitoring mutex. A pthread mutex, not a wf_lock: it is held across
// a pause (wf_stw_begin is a safe point), which the leaf-rank wf_lock
// forbids. Its rank is WF_RANK_MONITOR (lock.h): taken before the thread
// list lock and the pause, never after. Waiters detach (wf_mon_lock).
static wf_mutex mon_mutex = WF_MUTEX_INIT(WF_RANK_MONITOR, "monitoring mutex");
// The wf_thread holding mon_mutex, or NULL (for wf_mon_holds_lock).
// W: the holder, relaxed. R: relaxed, any thread (exact for the holder).
static wf_atomic_ptr mon_owner;

// Tool names (str), WF_NULL when the id is free.
// W: monitoring mutex. R: monitoring mutex; the collector in a pause.
static wf_value tool_names[WF_TOOL_COUNT];

// Global events: tools per event (bit t: tool t), as CPython's
// interp->monitors.
// W: monitoring mutex, relaxed atomic stores (inside the pause when
//    bytecode changes with them). R: relaxed atomic from the event path;
//    plain under the mutex.
static wf_atomic_u8 global_tools[WF_EV_UNGROUPED_COUNT];

// Callbacks per (tool, event), wf_value words, 0 (WF_NULL) for none.
// W: atomic exchange, acq_rel (wf_mon_callback_swap), any attached thread.
// R: acquire (wf_mon_callback); the collector in a pause.
wf_atomic_u64 wf_mon_callbacks_[WF_TOOL_COUNT][WF_EV__COUNT];

// The express path's table: see monitor.h.
wf_atomic_u64 wf_mon_express_[WF_EV__COUNT][256];

// Instrumentation version, bumped by every global change and every pause
// that rewrites bytecode.
// W: monitoring mutex (inside the pause when bytecode changes). R: relaxed.
static wf_atomic_u64 version;

// The weak code registry: an open-addressing set of wf_code pointers with
// linear probing and backward-shift deletion (no tombstones).
// W: monitoring mutex (add, grow); world stopped (remove from the sweep).
// R: monitoring mutex, with no safe point inside a walk; or world stopped.
// A freed code is removed by its finalize hook before its memory goes, so
// no walk ever meets a dangling pointer. Not a GC root (weak).
static wf_code **reg_slots;
static size_t reg_cap;    // 0 or a power of two
static size_t reg_count;

// ===== The monitoring mutex =====

void
wf_mon_lock(wf_thread *ts)
{
    WF_RANK_CHECK(mon_mutex.rank, mon_mutex.name);
    if (!wf_mutex_trylock(&mon_mutex)) {
        // The holder may be about to pause: wait detached so the pause
        // need not wait for us (invariant 4, no deadlock).
        wf_thread_detach(ts);
        wf_mutex_lock(&mon_mutex);
        wf_thread_attach(ts);
    }
    wf_atomic_store_relaxed_ptr(&mon_owner, ts);
}

void
wf_mon_unlock(wf_thread *ts)
{
    (void)ts;  // used by the debug assertion only
    WF_ASSERT_MON_HOLDS(ts);
    wf_atomic_store_relaxed_ptr(&mon_owner, NULL);
    wf_mutex_unlock(&mon_mutex);
}

bool
wf_mon_holds_lock(const wf_thread *ts)
{
    return wf_atomic_load_relaxed_ptr(&mon_owner) == (const void *)ts;
}

// ===== Event path =====

uint8_t
wf_mon_global_tools(int event)
{
    if (event == WF_EV_C_RETURN || event == WF_EV_C_RAISE)
        event = WF_EV_CALL;
    if (event < 0 || event >= WF_EV_UNGROUPED_COUNT)
        return 0;
    return wf_atomic_load_relaxed_u8(&global_tools[event]);
}

wf_value
wf_mon_callback(int tool, int event)
{
    if (tool < 0 || tool >= WF_TOOL_COUNT || event < 0 ||
        event >= WF_EV__COUNT)
        return WF_NULL;
    return wf_atomic_load_acquire_u64(&wf_mon_callbacks_[tool][event]);
}

wf_value
wf_mon_callback_swap(int tool, int event, wf_value func)
{
    if (tool < 0 || tool >= WF_TOOL_COUNT || event < 0 ||
        event >= WF_EV__COUNT)
        return WF_NULL;
    wf_value old =
        wf_atomic_exchange_acq_rel_u64(&wf_mon_callbacks_[tool][event], func);
    // The express entry follows (monitor.h): re-read, store, check, until
    // no other swap came in between.
    wf_atomic_u64 *cbp = &wf_mon_callbacks_[tool][event];
    for (;;) {
        wf_value cur = wf_atomic_load_seq_cst_u64(cbp);
        uint64_t x = 0;
        if (wf_native_is(cur) && wf_native_of(cur)->express != NULL)
            x = (uint64_t)(uintptr_t)wf_native_of(cur);
        wf_atomic_store_seq_cst_u64(&wf_mon_express_[event][1u << tool], x);
        if (wf_atomic_load_seq_cst_u64(cbp) == cur)
            break;
    }
    return old;
}

uint64_t
wf_mon_version(void)
{
    return wf_atomic_load_relaxed_u64(&version);
}

void
wf_mon_visit_roots(wf_visit_fn visit, void *ctx)
{
    for (int t = 0; t < WF_TOOL_COUNT; t++) {
        if (tool_names[t] != WF_NULL)
            visit(tool_names[t], ctx);
        for (int e = 0; e < WF_EV__COUNT; e++) {
            wf_value cb = wf_atomic_load_relaxed_u64(&wf_mon_callbacks_[t][e]);
            if (cb != WF_NULL)
                visit(cb, ctx);
        }
    }
}

// ===== Code registry =====

static size_t
reg_hash(const wf_code *co, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)co >> 4;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

// Insert without growing. Returns false if already present.
static bool
reg_insert(wf_code **slots, size_t cap, wf_code *co)
{
    size_t i = reg_hash(co, cap);
    while (slots[i] != NULL) {
        if (slots[i] == co)
            return false;
        i = (i + 1) & (cap - 1);
    }
    slots[i] = co;
    return true;
}

int
wf_mon_registry_add_locked(wf_thread *ts, wf_code *co)
{
    WF_ASSERT_MON_HOLDS(ts);
    if (2 * (reg_count + 1) > reg_cap) {
        size_t cap = reg_cap ? 2 * reg_cap : 64;
        wf_code **slots = wf_mem_calloc(ts, cap, sizeof *slots);
        if (slots == NULL)
            return -1;
        for (size_t i = 0; i < reg_cap; i++) {
            if (reg_slots[i] != NULL)
                reg_insert(slots, cap, reg_slots[i]);
        }
        wf_mem_free(reg_slots);
        reg_slots = slots;
        reg_cap = cap;
    }
    if (reg_insert(reg_slots, reg_cap, co))
        reg_count++;
    return 0;
}

void
wf_mon_registry_remove(wf_code *co)
{
    if (reg_cap == 0)
        return;
    size_t i = reg_hash(co, reg_cap);
    while (reg_slots[i] != co) {
        if (reg_slots[i] == NULL)
            return;  // never registered (creation failed, or a test code)
        i = (i + 1) & (reg_cap - 1);
    }
    // Backward-shift deletion keeps every probe chain unbroken.
    size_t hole = i;
    for (size_t j = (i + 1) & (reg_cap - 1); reg_slots[j] != NULL;
         j = (j + 1) & (reg_cap - 1)) {
        size_t home = reg_hash(reg_slots[j], reg_cap);
        // Move j into the hole unless its home lies cyclically in
        // (hole, j].
        bool stays = hole <= j ? (home > hole && home <= j)
                               : (home > hole || home <= j);
        if (!stays) {
            reg_slots[hole] = reg_slots[j];
            hole = j;
        }
    }
    reg_slots[hole] = NULL;
    reg_count--;
}

size_t
wf_mon_registry_count_locked(void)
{
    return reg_count;
}

// ===== Computing tool sets =====

// A pending change of the monitoring state, applied atomically (inside one
// pause when bytecode changes).
typedef struct mon_change {
    uint8_t global[WF_EV_UNGROUPED_COUNT];  // new global tools per event
    wf_code *local_code;                    // code whose local events change
    int local_tool;
    wf_evset local_events;
    int clear_tool;  // drop this tool's local events everywhere, or -1
    bool restart;    // re-enable what DISABLE removed
} mon_change;

static void
change_init(mon_change *ch)
{
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++)
        ch->global[e] = global_tools[e].v;  // under the mutex
    ch->local_code = NULL;
    ch->local_tool = -1;
    ch->local_events = 0;
    ch->clear_tool = -1;
    ch->restart = false;
}

// [co]'s local tools per local event after [ch] (or now, if [ch] is NULL).
static void
local_after(const mon_change *ch, const wf_code *co, uint8_t *local)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    for (int e = 0; e < WF_EV_LOCAL_COUNT; e++)
        local[e] = d != NULL ? d->local[e] : 0;
    if (ch == NULL)
        return;
    if (ch->clear_tool >= 0) {
        for (int e = 0; e < WF_EV_LOCAL_COUNT; e++)
            local[e] &= (uint8_t)~(1u << ch->clear_tool);
    }
    if (ch->local_code == co) {
        uint8_t bit = (uint8_t)(1u << ch->local_tool);
        for (int e = 0; e < WF_EV_LOCAL_COUNT; e++) {
            local[e] &= (uint8_t)~bit;
            if (ch->local_events & WF_EVMASK(e))
                local[e] |= bit;
        }
    }
}

static void
active_after(const mon_change *ch, const wf_code *co, uint8_t *active)
{
    uint8_t local[WF_EV_LOCAL_COUNT];
    local_after(ch, co, local);
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        active[e] = ch != NULL ? ch->global[e] : global_tools[e].v;
        if (e < WF_EV_LOCAL_COUNT)
            active[e] |= local[e];
    }
}

void
wf_mon_active_for_locked(const wf_code *co, uint8_t *active)
{
    active_after(NULL, co, active);
}

// Write [ch] into the state. Caller: the mutex; the world stopped if any
// bytecode changes with it (local events are only ever read under the
// mutex, global tools with relaxed loads).
static void
commit(const mon_change *ch, bool bump)
{
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++)
        wf_atomic_store_relaxed_u8(&global_tools[e], ch->global[e]);
    if (ch->clear_tool >= 0) {
        for (size_t i = 0; i < reg_cap; i++) {
            wf_instr_data *d =
                reg_slots[i] != NULL ? wf_instr_data_of(reg_slots[i]) : NULL;
            if (d == NULL)
                continue;
            for (int e = 0; e < WF_EV_LOCAL_COUNT; e++)
                d->local[e] &= (uint8_t)~(1u << ch->clear_tool);
        }
    }
    if (ch->local_code != NULL) {
        wf_instr_data *d = wf_instr_data_of(ch->local_code);
        uint8_t local[WF_EV_LOCAL_COUNT];
        local_after(ch, ch->local_code, local);
        if (d != NULL)
            memcpy(d->local, local, sizeof local);
    }
    if (bump)
        wf_atomic_store_relaxed_u64(&version, version.v + 1);  // writer: the mutex
}

// Apply [ch]: compute every registered code's new tool sets; allocate
// monitoring data where a code needs it; if any code's bytecode or tools
// change, commit and rewrite them all inside ONE pause, else commit
// without pausing. [bump]: the change alters global state (version bump).
// Caller: attached, holds the mutex; [ch->local_code], if any, is rooted
// and registered or not (set_local_events on any code object works).
// Returns 0, or -1 with an exception set (nothing changed then).
static int
apply_locked(wf_thread *ts, const mon_change *ch, bool bump)
{
    WF_ASSERT_MON_HOLDS(ts);
    uint8_t active[WF_EV_UNGROUPED_COUNT];
    bool rewrite = false;
    // Pass 1, world running: no safe point inside this walk, so the
    // collector cannot free a code under it. Nothing here outlives the
    // walk: a collection may run at wf_stw_begin.
    for (size_t i = 0; i < reg_cap; i++) {
        wf_code *co = reg_slots[i];
        if (co == NULL)
            continue;
        active_after(ch, co, active);
        if (wf_instr_active_needs_data(active) && wf_instr_attach(ts, co) == NULL)
            return -1;
        if (wf_instr_needs_rewrite(co, active, ch->restart))
            rewrite = true;
    }
    wf_code *lc = ch->local_code;
    if (lc != NULL) {
        // Every live code is registered by its creation hook; adding it
        // here too keeps a code made any other way under clear_tool_id.
        if (wf_mon_registry_add_locked(ts, lc) < 0 ||
            wf_instr_attach(ts, lc) == NULL)
            return -1;
        active_after(ch, lc, active);
        if (wf_instr_needs_rewrite(lc, active, ch->restart))
            rewrite = true;
    }
    if (!rewrite) {
        bool removes = ch->clear_tool >= 0;
        for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++)
            if (global_tools[e].v & ~ch->global[e])
                removes = true;
        commit(ch, bump);
        // Events read from the global tools (RAISE, EXCEPTION_HANDLED,
        // PY_UNWIND, ...) need no rewrite, but a thread may have loaded
        // the old tools just before the commit. A bare pause after it
        // means every thread has since passed a safe point, so once this
        // call returns none delivers a removed (tool, event): the promise
        // of set_events/clear_tool_id (found by stress mon_toggle).
        if (removes) {
            if (wf_stw_begin(ts, WF_STW_MONITOR) < 0)
                return -1;
            wf_stw_end(ts);
        }
        return 0;
    }
    if (wf_stw_begin(ts, WF_STW_MONITOR) < 0)
        return -1;
    // Pass 2, world stopped: the registry is exactly the live codes.
    WF_ASSERT_WORLD_STOPPED();  // global tools, local events, bytecode
    wf_instr_flush_pending();
    commit(ch, true);
    uint64_t v = wf_atomic_load_relaxed_u64(&version);
    for (size_t i = 0; i < reg_cap; i++) {
        wf_code *co = reg_slots[i];
        if (co == NULL)
            continue;
        wf_mon_active_for_locked(co, active);
        if (wf_instr_needs_rewrite(co, active, ch->restart))
            wf_instr_rewrite(co, active, ch->restart, v);
    }
    wf_stw_end(ts);
    return 0;
}

// ===== DISABLE's batched restore =====

// CLOCK_MONOTONIC time of the last restore pause, in nanoseconds (0: none
// yet). W: the monitoring mutex holder, relaxed. R: relaxed, any thread
// (a stale value only delays or repeats a check, never a pause: the
// decision is re-taken under the mutex).
static wf_atomic_u64 last_restore_ns;

static uint64_t
mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int
wf_mon_restore_disabled(wf_thread *ts)
{
    // Cleared first: a DISABLE that queues a code after this point sets
    // it again, so no request is lost.
    wf_atomic_and_relaxed_u32(&ts->eval_breaker, ~WF_BRK_INSTR);
    if (!wf_instr_has_pending())
        return 0;
    uint64_t now = mono_ns();
    bool due = now - wf_atomic_load_relaxed_u64(&last_restore_ns) >=
               WF_MON_RESTORE_INTERVAL_NS;
    // A safe point inside a monitoring call (the mutex held across a
    // callback) cannot take the mutex again: ask later.
    if (due && !wf_mon_holds_lock(ts)) {
        wf_mon_lock(ts);
        // Re-checked under the mutex: another thread may have restored
        // while this one waited.
        if (wf_instr_has_pending() &&
            mono_ns() - wf_atomic_load_relaxed_u64(&last_restore_ns) >=
                WF_MON_RESTORE_INTERVAL_NS) {
            if (wf_stw_begin(ts, WF_STW_MONITOR) < 0) {
                wf_mon_unlock(ts);
                return -1;
            }
            wf_instr_flush_pending();
            wf_stw_end(ts);
            wf_atomic_store_relaxed_u64(&last_restore_ns, mono_ns());
        }
        wf_mon_unlock(ts);
    }
    // Still pending (not due, or queued meanwhile): ask again at a later
    // safe point of this thread.
    if (wf_instr_has_pending())
        wf_atomic_or_relaxed_u32(&ts->eval_breaker, WF_BRK_INSTR);
    return 0;
}

// ===== C-level API =====

static int
check_tool_in_use(wf_thread *ts, int tool)
{
    if (tool < WF_TOOL_SYS_PROFILE && tool_names[tool] == WF_NULL) {
        wf_err_format(ts, &wf_exc_ValueError, "tool %d is not in use", tool);
        return -1;
    }
    return 0;
}

int
wf_mon_use_tool_locked(wf_thread *ts, int tool, wf_value name)
{
    WF_ASSERT_MON_HOLDS(ts);
    if (tool_names[tool] != WF_NULL) {
        wf_err_format(ts, &wf_exc_ValueError, "tool %d is already in use",
                      tool);
        return -1;
    }
    tool_names[tool] = name;
    return 0;
}

int
wf_mon_clear_tool_locked(wf_thread *ts, int tool)
{
    WF_ASSERT_MON_HOLDS(ts);
    if (tool < WF_TOOL_SYS_PROFILE && tool_names[tool] == WF_NULL)
        return 0;
    // CPython 3.14: every callback goes, then the global and local events.
    for (int e = 0; e < WF_EV__COUNT; e++)
        (void)wf_mon_callback_swap(tool, e, WF_NULL);
    mon_change ch;
    change_init(&ch);
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++)
        ch.global[e] &= (uint8_t)~(1u << tool);
    ch.clear_tool = tool;
    return apply_locked(ts, &ch, true);
}

int
wf_mon_free_tool_locked(wf_thread *ts, int tool)
{
    if (wf_mon_clear_tool_locked(ts, tool) < 0)
        return -1;
    tool_names[tool] = WF_NULL;
    return 0;
}

wf_value
wf_mon_get_tool_locked(int tool)
{
    return tool_names[tool];
}

int
wf_mon_set_events_locked(wf_thread *ts, int tool, wf_evset events)
{
    WF_ASSERT_MON_HOLDS(ts);
    if (check_tool_in_use(ts, tool) < 0)
        return -1;
    events &= WF_EVMASK_UNGROUPED;
    if (wf_mon_get_events_locked(tool) == events)
        return 0;  // nothing changes: no pause, no version bump
    mon_change ch;
    change_init(&ch);
    uint8_t bit = (uint8_t)(1u << tool);
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        ch.global[e] &= (uint8_t)~bit;
        if (events & WF_EVMASK(e))
            ch.global[e] |= bit;
    }
    return apply_locked(ts, &ch, true);
}

wf_evset
wf_mon_get_events_locked(int tool)
{
    wf_evset set = 0;
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if ((global_tools[e].v >> tool) & 1)
            set |= WF_EVMASK(e);
    }
    return set;
}

int
wf_mon_set_local_events_locked(wf_thread *ts, int tool, wf_code *co,
                               wf_evset events)
{
    WF_ASSERT_MON_HOLDS(ts);
    if (check_tool_in_use(ts, tool) < 0)
        return -1;
    events &= WF_EVMASK_LOCAL;
    if (wf_mon_get_local_events_locked(tool, co) == events &&
        wf_instr_data_of(co) != NULL)
        return 0;
    mon_change ch;
    change_init(&ch);
    ch.local_code = co;
    ch.local_tool = tool;
    ch.local_events = events;
    return apply_locked(ts, &ch, false);
}

wf_evset
wf_mon_get_local_events_locked(int tool, const wf_code *co)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    wf_evset set = 0;
    if (d == NULL)
        return 0;
    for (int e = 0; e < WF_EV_LOCAL_COUNT; e++) {
        if ((d->local[e] >> tool) & 1)
            set |= WF_EVMASK(e);
    }
    return set;
}

int
wf_mon_restart_events_locked(wf_thread *ts)
{
    mon_change ch;
    change_init(&ch);
    ch.restart = true;
    return apply_locked(ts, &ch, true);
}

int
wf_mon_set_events(wf_thread *ts, int tool, wf_evset events)
{
    wf_mon_lock(ts);
    int rc = wf_mon_set_events_locked(ts, tool, events);
    wf_mon_unlock(ts);
    return rc;
}

int
wf_mon_set_local_events(wf_thread *ts, int tool, wf_code *co,
                        wf_evset events)
{
    wf_mon_lock(ts);
    int rc = wf_mon_set_local_events_locked(ts, tool, co, events);
    wf_mon_unlock(ts);
    return rc;
}

int
wf_mon_restart_events(wf_thread *ts)
{
    wf_mon_lock(ts);
    int rc = wf_mon_restart_events_locked(ts);
    wf_mon_unlock(ts);
    return rc;
}

// ===== sys.monitoring functions =====
// Positional-only, ints converted first (CPython's argument clinic), then
// checked in CPython 3.14's order with its messages.

// Clinic's `int` converter.
static int
arg_int(wf_thread *ts, wf_value v, int *out)
{
    int64_t i;
    if (wf_int_as_i64(ts, v, &i) < 0)
        return -1;
    if (i < INT_MIN || i > INT_MAX) {
        wf_err_format(ts, &wf_exc_OverflowError,
                      "Python int too large to convert to C int");
        return -1;
    }
    *out = (int)i;
    return 0;
}

static int
check_valid_tool(wf_thread *ts, int tool)
{
    if (tool < 0 || tool >= WF_TOOL_USER_COUNT) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "invalid tool %d (must be between 0 and 5)", tool);
        return -1;
    }
    return 0;
}

// C_RETURN/C_RAISE only with CALL; drop them (CALL implies them) and
// expand the deprecated BRANCH. Returns 0 or -1.
static int
normalise_event_set(wf_thread *ts, int *set)
{
    wf_evset s = (wf_evset)*set;
    if ((s & WF_EVMASK_C_RETURN_EVENTS) &&
        (s & WF_EVMASK_C_CALL_EVENTS) != WF_EVMASK_C_CALL_EVENTS) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "cannot set C_RETURN or C_RAISE events independently");
        return -1;
    }
    s &= ~WF_EVMASK_C_RETURN_EVENTS;
    if (s & WF_EVMASK(WF_EV_BRANCH)) {
        s &= ~WF_EVMASK(WF_EV_BRANCH);
        s |= WF_EVMASK_BRANCH_BOTH;
    }
    *set = (int)s;
    return 0;
}

static bool
is_code(wf_value v)
{
    return wf_val_is(v, &wf_code_type);
}

static wf_value
mon_use_tool_id(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    int tool;
    if (wf_arg_check(ts, "use_tool_id", nargs, kwnames, 2, 2) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    if (!wf_val_isinstance(args[1], &wf_str_type))
        return wf_err_format(ts, &wf_exc_ValueError,
                             "tool name must be a str");
    wf_mon_lock(ts);
    int rc = wf_mon_use_tool_locked(ts, tool, args[1]);
    wf_mon_unlock(ts);
    return rc < 0 ? WF_NULL : WF_NONE;
}

// clear_tool_id / free_tool_id: check the one tool argument, then run
// [op] under the monitoring mutex.
static wf_value
tool_op(wf_thread *ts, const char *fname, const wf_value *args, size_t nargs,
        wf_value kwnames, int (*op)(wf_thread *, int))
{
    int tool;
    if (wf_arg_check(ts, fname, nargs, kwnames, 1, 1) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    wf_mon_lock(ts);
    int rc = op(ts, tool);
    wf_mon_unlock(ts);
    return rc < 0 ? WF_NULL : WF_NONE;
}

static wf_value
mon_clear_tool_id(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kwnames)
{
    return tool_op(ts, "clear_tool_id", args, nargs, kwnames,
                   wf_mon_clear_tool_locked);
}

static wf_value
mon_free_tool_id(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    return tool_op(ts, "free_tool_id", args, nargs, kwnames,
                   wf_mon_free_tool_locked);
}

static wf_value
mon_get_tool(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    int tool;
    if (wf_arg_check(ts, "get_tool", nargs, kwnames, 1, 1) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    wf_mon_lock(ts);
    wf_value name = wf_mon_get_tool_locked(tool);
    wf_mon_unlock(ts);
    return name == WF_NULL ? WF_NONE : name;
}

static int
bit_length(uint64_t x)
{
    int n = 0;
    while (x != 0) {
        n++;
        x >>= 1;
    }
    return n;
}

static wf_value
mon_register_callback(wf_thread *ts, const wf_value *args, size_t nargs,
                      wf_value kwnames)
{
    int tool, event;
    if (wf_arg_check(ts, "register_callback", nargs, kwnames, 3, 3) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || arg_int(ts, args[1], &event) < 0 ||
        check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    if (__builtin_popcount((unsigned)event) != 1) {
        return wf_err_format(
            ts, &wf_exc_ValueError,
            "The callback can only be set for one event at a time");
    }
    int ev = bit_length((uint64_t)(int64_t)event) - 1;
    if (ev < 0 || ev >= WF_EV__COUNT)
        return wf_err_format(ts, &wf_exc_ValueError, "invalid event %d",
                             event);
    wf_value func = args[2] == WF_NONE ? WF_NULL : args[2];
    wf_mon_lock(ts);
    wf_value old;
    if (ev == WF_EV_BRANCH) {
        // The deprecated BRANCH registers for both directions and answers
        // with the previous BRANCH_LEFT callback (CPython 3.14).
        (void)wf_mon_callback_swap(tool, WF_EV_BRANCH_RIGHT, func);
        old = wf_mon_callback_swap(tool, WF_EV_BRANCH_LEFT, func);
    } else {
        old = wf_mon_callback_swap(tool, ev, func);
    }
    wf_mon_unlock(ts);
    return old == WF_NULL ? WF_NONE : old;
}

static wf_value
mon_get_events(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    int tool;
    if (wf_arg_check(ts, "get_events", nargs, kwnames, 1, 1) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    wf_mon_lock(ts);
    wf_evset set = wf_mon_get_events_locked(tool);
    wf_mon_unlock(ts);
    return wf_val_from_int((int64_t)set);
}

static wf_value
mon_set_events(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    int tool, set;
    if (wf_arg_check(ts, "set_events", nargs, kwnames, 2, 2) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || arg_int(ts, args[1], &set) < 0 ||
        check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    if (set < 0 || set >= (1 << WF_EV__COUNT))
        return wf_err_format(ts, &wf_exc_ValueError, "invalid event set 0x%x",
                             (unsigned)set);
    if (normalise_event_set(ts, &set) < 0)
        return WF_NULL;
    int rc = wf_mon_set_events(ts, tool, (wf_evset)set);
    return rc < 0 ? WF_NULL : WF_NONE;
}

static wf_value
mon_get_local_events(wf_thread *ts, const wf_value *args, size_t nargs,
                     wf_value kwnames)
{
    int tool;
    if (wf_arg_check(ts, "get_local_events", nargs, kwnames, 2, 2) < 0 ||
        arg_int(ts, args[0], &tool) < 0)
        return WF_NULL;
    if (!is_code(args[1]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "code must be a code object");
    if (check_valid_tool(ts, tool) < 0)
        return WF_NULL;
    wf_mon_lock(ts);
    wf_evset set = wf_mon_get_local_events_locked(
        tool, (const wf_code *)wf_val_as_obj(args[1]));
    wf_mon_unlock(ts);
    return wf_val_from_int((int64_t)set);
}

static wf_value
mon_set_local_events(wf_thread *ts, const wf_value *args, size_t nargs,
                     wf_value kwnames)
{
    int tool, set;
    if (wf_arg_check(ts, "set_local_events", nargs, kwnames, 3, 3) < 0 ||
        arg_int(ts, args[0], &tool) < 0 || arg_int(ts, args[2], &set) < 0)
        return WF_NULL;
    if (!is_code(args[1]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "code must be a code object");
    if (check_valid_tool(ts, tool) < 0 || normalise_event_set(ts, &set) < 0)
        return WF_NULL;
    if (set < 0 || set >= (1 << WF_EV_LOCAL_COUNT))
        return wf_err_format(ts, &wf_exc_ValueError,
                             "invalid local event set 0x%x", (unsigned)set);
    int rc = wf_mon_set_local_events(
        ts, tool, (wf_code *)wf_val_as_obj(args[1]), (wf_evset)set);
    return rc < 0 ? WF_NULL : WF_NONE;
}

static wf_value
mon_restart_events(wf_thread *ts, const wf_value *args, size_t nargs,
                   wf_value kwnames)
{
    (void)args;
    if (wf_arg_check(ts, "restart_events", nargs, kwnames, 0, 0) < 0)
        return WF_NULL;
    return wf_mon_restart_events(ts) < 0 ? WF_NULL : WF_NONE;
}

#define MON_FUNCS(X)                          \
    X("use_tool_id", mon_use_tool_id)         \
    X("clear_tool_id", mon_clear_tool_id)     \
    X("free_tool_id", mon_free_tool_id)       \
    X("get_tool", mon_get_tool)               \
    X("register_callback", mon_register_callback) \
    X("get_events", mon_get_events)           \
    X("set_events", mon_set_events)           \
    X("get_local_events", mon_get_local_events) \
    X("set_local_events", mon_set_local_events) \
    X("restart_events", mon_restart_events)

#else  // !WEFT_MONITORING

void
wf_mon_visit_roots(wf_visit_fn visit, void *ctx)
{
    (void)visit;
    (void)ctx;
}

// Every function of a monitoring-less build.
static wf_value
mon_unavailable(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    (void)args;
    (void)nargs;
    (void)kwnames;
    return wf_err_format(ts, &wf_exc_NotImplementedError,
                         "sys.monitoring is not available in this build "
                         "(WEFT_MONITORING=OFF)");
}

#define MON_FUNCS(X)                           \
    X("use_tool_id", mon_unavailable)          \
    X("clear_tool_id", mon_unavailable)        \
    X("free_tool_id", mon_unavailable)         \
    X("get_tool", mon_unavailable)             \
    X("register_callback", mon_unavailable)    \
    X("get_events", mon_unavailable)           \
    X("set_events", mon_unavailable)           \
    X("get_local_events", mon_unavailable)     \
    X("set_local_events", mon_unavailable)     \
    X("restart_events", mon_unavailable)

#endif  // WEFT_MONITORING

// ===== The module =====

wf_value
wf_mon_make_module(wf_thread *ts)
{
    // Allocation never collects (gc.h), so the two modules need no roots
    // while they are filled.
    wf_value m = wf_module_new(ts, "sys.monitoring");
    if (m == WF_NULL)
        return WF_NULL;
#define MON_ADD_FUNC_(name, fn)                      \
    if (wf_module_add_func(ts, m, (name), (fn)) < 0) \
        return WF_NULL;
    MON_FUNCS(MON_ADD_FUNC_)
#undef MON_ADD_FUNC_
    if (wf_module_add(ts, m, "DISABLE", WF_MON_DISABLE) < 0 ||
        wf_module_add(ts, m, "MISSING", WF_MON_MISSING) < 0 ||
        wf_module_add(ts, m, "DEBUGGER_ID",
                      wf_val_from_int(WF_TOOL_DEBUGGER)) < 0 ||
        wf_module_add(ts, m, "COVERAGE_ID",
                      wf_val_from_int(WF_TOOL_COVERAGE)) < 0 ||
        wf_module_add(ts, m, "PROFILER_ID",
                      wf_val_from_int(WF_TOOL_PROFILER)) < 0 ||
        wf_module_add(ts, m, "OPTIMIZER_ID",
                      wf_val_from_int(WF_TOOL_OPTIMIZER)) < 0)
        return WF_NULL;
    // CPython's `events` is a SimpleNamespace; Weft has no namespace type,
    // so it is a module object with the same attributes.
    wf_value events = wf_module_new(ts, "sys.monitoring.events");
    if (events == WF_NULL)
        return WF_NULL;
#define MON_ADD_EVENT_(name, bit)                                        \
    if (wf_module_add(ts, events, #name,                                 \
                      wf_val_from_int((int64_t)1 << (bit))) < 0)         \
        return WF_NULL;
    WF_EVENT_LIST(MON_ADD_EVENT_)
#undef MON_ADD_EVENT_
    if (wf_module_add(ts, events, "NO_EVENTS", wf_val_from_int(0)) < 0 ||
        wf_module_add(ts, m, "events", events) < 0)
        return WF_NULL;
    return m;
}
