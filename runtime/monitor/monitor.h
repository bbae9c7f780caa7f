// runtime/monitor/monitor.h -- PEP 669 monitoring state and the
// `sys.monitoring` API (wf_mon_*).
// Owns the monitoring mutex, the tool names, the global events per tool,
// the callbacks per (tool, event), the weak registry of code objects to
// instrument, and the instrumentation version. Every change takes the
// mutex, computes the new per-code tool sets, returns without a pause when
// nothing changes, and otherwise rewrites every affected code object
// inside ONE pause (ARCHITECTURE "Monitoring", invariants 2-4). Lock
// order: monitoring mutex, then thread list, then pause.
#ifndef WF_RUNTIME_MONITOR_MONITOR_H
#define WF_RUNTIME_MONITOR_MONITOR_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <assert.h>

#include "atomic.h"
#include "vm/code.h"
#include "threads/thread.h"
#include "monitor/events.h"

// sys.monitoring.DISABLE and sys.monitoring.MISSING: two immortal plain
// objects (CPython's are `object()` instances too). Compare by identity.
extern wf_obj wf_mon_disable_obj, wf_mon_missing_obj;
#define WF_MON_DISABLE (wf_val_from_obj(&wf_mon_disable_obj))
#define WF_MON_MISSING (wf_val_from_obj(&wf_mon_missing_obj))

// Create the `sys.monitoring` module: the API functions, DISABLE, MISSING,
// the tool-id constants (DEBUGGER_ID ...) and the `events` namespace
// (every event as its bit, plus NO_EVENTS). The lead attaches it to sys.
// With WEFT_MONITORING=OFF the module exists with the same constants but
// every function raises NotImplementedError.
// Caller: attached. Returns the module, or WF_NULL with an exception set.
WF_MUST_CHECK wf_value wf_mon_make_module(wf_thread *ts);

// Visit the values the monitoring state holds (tool names, callbacks):
// GC roots. Caller: the collector, world stopped.
void wf_mon_visit_roots(wf_visit_fn visit, void *ctx);

// DISABLE's batched opcode restore, asked for through WF_BRK_INSTR (set on
// the disabling thread by wf_instr_disable when an instruction's last tool
// goes): if codes wait on the pending list and the last restore is at
// least WF_MON_RESTORE_INTERVAL_NS old, take the monitoring mutex and run
// wf_instr_flush_pending inside ONE pause, so the disabled code runs
// uninstrumented from then on. Rate-limited, never one pause per disabled
// instruction: inside the interval the bit stays set and a later safe
// point asks again; once nothing is pending it is cleared.
// Caller: wf_brk_handle, attached at a safe point (everything rooted).
// Returns 0, or -1 with an exception set (the pause could not be taken).
#define WF_MON_RESTORE_INTERVAL_NS 2000000u  // 2 ms
#if WEFT_MONITORING
WF_MUST_CHECK int wf_mon_restore_disabled(wf_thread *ts);
#else
static inline int
wf_mon_restore_disabled(wf_thread *ts)
{
    (void)ts;
    return 0;
}
#endif

#if WEFT_MONITORING

// ===== The monitoring mutex =====

// Take the monitoring mutex. If it is busy, the caller detaches while it
// waits (so a holder that requests a pause is not blocked by the waiter)
// and re-attaches after: every value the caller holds must be rooted.
// Caller: attached; must not hold it already, nor the thread-list lock,
// nor be inside a pause (lock order, invariant 4).
void wf_mon_lock(wf_thread *ts);
// Release the monitoring mutex, held by [ts].
void wf_mon_unlock(wf_thread *ts);
// True if [ts] holds the monitoring mutex (for WF_ASSERT_HOLDS-style
// assertions; exact for the asking thread).
bool wf_mon_holds_lock(const wf_thread *ts);
// Debug-build contract check: [ts] holds the monitoring mutex.
#define WF_ASSERT_MON_HOLDS(ts) assert(wf_mon_holds_lock(ts))

// ===== Reading the state from the event path (no lock) =====

// Tools that set global event [event] (< WF_EV_UNGROUPED_COUNT; C_RETURN
// and C_RAISE read CALL's): one relaxed byte load. W: monitoring mutex +
// world stopped.
uint8_t wf_mon_global_tools(int event);

// The callback of ([tool], [event]), or WF_NULL. Acquire load (pairs with
// the release in the swap). The fire layer must root the returned value
// (root stack) before calling it: a concurrent register_callback leaves the
// old callable to the collector, which only the caller's root keeps alive.
wf_value wf_mon_callback(int tool, int event);

// The callbacks table behind wf_mon_callback (monitor.c), for the fire
// layer's inline read. W: wf_mon_callback_swap only. R: acquire loads.
extern wf_atomic_u64 wf_mon_callbacks_[WF_TOOL_COUNT][WF_EV__COUNT];

// wf_mon_callback for a [tool] and [event] already known to be in range
// (the fire layer's delivery loop), inline.
static inline wf_value
wf_mon_callback_at(int tool, int event)
{
    return wf_atomic_load_acquire_u64(&wf_mon_callbacks_[tool][event]);
}

// The express path's table (monitor/native.h, fire.h), indexed by event
// and by a gated tools byte, so that the path needs no test of its own:
// entry [ev][1 << tool] is the native callback registered for (tool, ev)
// if it has an express form, else 0 (pointer words, as wf_mon_callbacks_);
// entries of bytes with no bit or several bits stay 0. It follows wf_mon_callbacks_: W:
// wf_mon_callback_swap, after its exchange, storing and re-checking until
// the entry matches the callback it read (seq_cst), so that it ends
// matching the last swap; until then a reader may still get the previous
// callback's express form, as if the swap had not happened yet. Not a
// root: a collection runs in a pause, and a swapping thread reaches no
// safe point between the two stores, so every entry then matches its
// callback. R: acquire, the express path.
struct wf_native;
extern wf_atomic_u64 wf_mon_express_[WF_EV__COUNT][256];

// The express form's callback of [event] for the gated tools byte
// [tools], or NULL (above).
static inline const struct wf_native *
wf_mon_express_for(uint8_t tools, int event)
{
    return (const struct wf_native *)(uintptr_t)wf_atomic_load_acquire_u64(
        &wf_mon_express_[event][tools]);
}

// Atomically replace the callback of ([tool], [event]) with [func]
// (WF_NULL: none) and return the previous one (WF_NULL if none). No pause,
// no lock: registration is an atomic pointer swap, the old callable is
// left to the collector. Used by register_callback (under the mutex) and
// by the fire layer to remove a callback that returned DISABLE for a
// non-local event. Any attached thread.
wf_value wf_mon_callback_swap(int tool, int event, wf_value func);

// The global instrumentation version: bumped by every change of global
// events, clear_tool_id and restart_events, and by every pause that
// rewrites bytecode (inside it). The eval loop may compare it to detect
// that instrumentation changed while it was parked. Relaxed load.
uint64_t wf_mon_version(void);

// ===== C-level API (monitoring mutex held: the _locked forms) =====
// Tool ids are 0-7 here (6/7 for sys.setprofile/settrace); the Python wrappers
// reject 6 and 7 first. Tools below 6 must be in use (use_tool) for the
// event-setting calls; 6 and 7 need not be, as in CPython.

// use_tool_id: claim [tool] with [name] (a str). ValueError "tool %d is
// already in use" if claimed. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_use_tool_locked(wf_thread *ts, int tool,
                                         wf_value name);
// clear_tool_id: unregister every callback of [tool], clear its global
// events and, on every code object, its local events; bumps the version
// and rewrites in one pause. No-op for a tool not in use. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_clear_tool_locked(wf_thread *ts, int tool);
// free_tool_id: clear_tool_id, then release the id. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_free_tool_locked(wf_thread *ts, int tool);
// get_tool: the name of [tool], or WF_NULL if not in use.
wf_value wf_mon_get_tool_locked(int tool);
// set_events: set [tool]'s global events to [events] (normalised: no bit at
// or above WF_EV_UNGROUPED_COUNT). ValueError "tool %d is not in use".
// Returns 0 without pausing if nothing changes; else bumps the version and
// rewrites every affected code in one pause. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_set_events_locked(wf_thread *ts, int tool,
                                           wf_evset events);
// get_events: [tool]'s global events.
wf_evset wf_mon_get_events_locked(int tool);
// set_local_events: set [tool]'s local events on [co] to [events]
// (normalised, local events only). ValueError "tool %d is not in use".
// Allocates [co]'s monitoring data; rewrites [co] in one pause if its
// tool sets change. [co] must be rooted. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_set_local_events_locked(wf_thread *ts, int tool,
                                                 wf_code *co,
                                                 wf_evset events);
// get_local_events: [tool]'s local events on [co] (0 if none).
wf_evset wf_mon_get_local_events_locked(int tool, const wf_code *co);
// restart_events: re-enable every (instruction, tool) disabled by DISABLE,
// in one pause. Bumps the version. Returns 0 or -1.
WF_MUST_CHECK int wf_mon_restart_events_locked(wf_thread *ts);

// The same, taking and releasing the mutex around the call.
WF_MUST_CHECK int wf_mon_set_events(wf_thread *ts, int tool,
                                    wf_evset events);
WF_MUST_CHECK int wf_mon_set_local_events(wf_thread *ts, int tool,
                                          wf_code *co, wf_evset events);
WF_MUST_CHECK int wf_mon_restart_events(wf_thread *ts);

// ===== Code registry (for instrument.c) =====
// A weak set of every live code object created through
// wf_instr_on_code_created. Weak: it is no GC root; code's finalize calls
// wf_instr_on_code_freed, which removes the code inside the sweep's pause,
// so a freed code is never touched. Walked under the mutex with no safe
// point inside the walk, or inside a pause.

// Add [co]. Caller: holds the mutex. Returns 0 or -1 with MemoryError.
WF_MUST_CHECK int wf_mon_registry_add_locked(wf_thread *ts, wf_code *co);
// Remove [co] if present. Caller: world stopped (sweep) or holds the mutex.
void wf_mon_registry_remove(wf_code *co);
// Number of registered code objects (tests). Caller: holds the mutex.
size_t wf_mon_registry_count_locked(void);

// Fill [active] (WF_EV_UNGROUPED_COUNT bytes) with the per-event tools
// [co] should have: global events | [co]'s local events.
// Caller: holds the mutex.
void wf_mon_active_for_locked(const wf_code *co, uint8_t *active);

#endif  // WEFT_MONITORING

#endif
