// runtime/monitor/instrument.h -- per-code monitoring data and the bytecode
// rewrite (wf_instr_*).
// Owns what a code object carries once a tool instruments it (its
// `monitoring` slot): the per-instruction tools lanes, the per-line tools,
// the opcodes under the LINE/INSTRUCTION overlays, the base opcodes and the
// instrumentation version; and the rewrite that swaps opcodes for their
// INSTRUMENTED_ twins and back. Upholds ARCHITECTURE invariants 2, 3 and 5:
// bytecode gains instrumentation only inside a pause (or before the code is
// published), DISABLE is a lock-free bit, and an event nobody wants leaves
// its instruction untouched.
#ifndef WF_RUNTIME_MONITOR_INSTRUMENT_H
#define WF_RUNTIME_MONITOR_INSTRUMENT_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdio.h>

#include "atomic.h"
#include "vm/code.h"
#include "monitor/events.h"

// ===== Per-code monitoring data =====

// Each code unit has one 32-bit tools word made of four byte lanes; bit t
// of a lane is tool t. Lanes 0-2 hold the tools of the local events the
// unit's base opcode raises (see wf_instr_event_lane): lane 0 the main one
// (PY_START or PY_RESUME, PY_RETURN, PY_YIELD, CALL, JUMP, BRANCH_LEFT),
// lane 1 BRANCH_RIGHT, lane 2 STOP_ITERATION (FOR_ITER). Lane 3 holds the
// INSTRUCTION tools. LINE tools are in their own byte per unit. One word
// per unit means the fire layer reads an instruction's tools with one
// relaxed load, and DISABLE of one (instruction, tool, event) is one atomic
// AND that cannot touch another event or tool.
#define WF_INSTR_LANE_MAIN 0
#define WF_INSTR_LANE_BRANCH_RIGHT 1
#define WF_INSTR_LANE_STOP_ITERATION 2
#define WF_INSTR_LANE_INSTRUCTION 3
#define WF_INSTR_NO_LANE (-1)

// Static LINE facts of a unit (wf_instr_data.lflags), computed once from
// the base opcodes, the line table and the exception table when the data
// is allocated. CPython 3.14 fires LINE at a line start only if the
// instruction executed just before it in the frame is on another line (or
// is RESUME). Weft does not track the previous instruction on the hot
// path, so it precomputes, per line start, what its possible predecessors
// say: every one fires (ALWAYS), none does (NEVER), or it depends on which
// one ran (DEPENDS: the fire layer asks the frame's last recorded jump,
// wf_frame.mon_jump_*). FEEDS marks a jump whose target is a DEPENDS line
// start: while that target has LINE tools the jump runs as its twin, which
// records the jump in the frame (ARCHITECTURE "Line data is precomputed").
#define WF_INSTR_LINE_NEVER 0u
#define WF_INSTR_LINE_ALWAYS 1u
#define WF_INSTR_LINE_DEPENDS 2u
#define WF_INSTR_LINE_MODE_MASK 3u
#define WF_INSTR_LINE_FEEDS 4u

// Monitoring data of one code object (wf_code.monitoring). Allocated the
// first time a tool needs the code instrumented (or set_local_events names
// it), published with a release store, and kept until the code is freed:
// a handler that ran a callback (and so maybe a pause) can always re-read
// it. Never shared between code objects.
typedef struct wf_instr_data {
    // The code this belongs to; number of units. Immutable.
    wf_code *code;
    uint32_t ncode;
    // The uninstrumented opcode of every unit, captured at allocation
    // (before any rewrite). Immutable. De-instrumenting writes these back,
    // so the original bytes come back exactly.
    uint8_t *base;
    // Tools lanes per unit (see above).
    // W: monitoring mutex + world stopped (rewrite); or wf_instr_disable
    //    from any attached thread via wf_atomic_and_relaxed_u32.
    // R: wf_atomic_load_relaxed_u32 by the fire layer and validators.
    wf_atomic_u32 *tools;
    // LINE tools per unit (non-zero only where line_starts[] is set).
    // W/R: as [tools], with u8 atomics.
    wf_atomic_u8 *line_tools;
    // Opcode under the INSTRUMENTED_LINE layer of each unit: base or twin.
    // Kept current for every unit whether or not the overlay is present,
    // so a handler resuming after a pause still finds a valid opcode.
    // W: monitoring mutex + world stopped. R: plain (the eval loop).
    uint8_t *under_line;
    // Opcode under the INSTRUMENTED_INSTRUCTION layer of each unit:
    // INSTRUMENTED_LINE, base or twin. Same contract as [under_line].
    uint8_t *under_instr;
    // WF_INSTR_LINE_* facts per unit (see above). Immutable.
    uint8_t *lflags;
    // Local events of this code: tools per local event (bit t: tool t).
    // W: monitoring mutex (inside the pause when bytecode changes with
    //    it). R: under the monitoring mutex, or world stopped.
    uint8_t local[WF_EV_LOCAL_COUNT];
    // The per-event tools (global | local) the last rewrite applied.
    // W: monitoring mutex + world stopped. R: under the monitoring mutex.
    uint8_t active[WF_EV_UNGROUPED_COUNT];
    // Sticky: some rewrite gave one event two tools or more (CPython's
    // per-instruction tools array exists from then on, which changes what
    // a CALL DISABLE does to the call in flight: fire.c answer_disable).
    // W: monitoring mutex + world stopped. R: the fire layer, plain (set
    // before the pause that published the twins ends).
    bool multitool;
    // Global instrumentation version at the last rewrite of this code.
    // W: monitoring mutex + world stopped. R: relaxed atomic.
    wf_atomic_u64 version;
    // Non-zero while a DISABLE left a twin or overlay that the next pause
    // must take back (the code is then on the pending list).
    // W: wf_instr_disable (exchange, acq_rel); the pause clears it.
    // R: same.
    wf_atomic_u32 pending;
    // Link of the pending list (a wf_instr_data *). W: the thread that set
    // [pending], before its CAS push; the pause. R: the pause.
    void *pending_next;
} wf_instr_data;

// The monitoring data of [co], or NULL if no tool ever instrumented it.
// Any thread; acquire load (pairs with the release store that publishes
// it in wf_instr_attach).
static inline wf_instr_data *
wf_instr_data_of(const wf_code *co)
{
    return (wf_instr_data *)wf_atomic_load_acquire_ptr(
        &co->monitoring);
}

#if WEFT_MONITORING

// ===== Rewrite (monitoring mutex held) =====

// Lane of the tools word that holds [event] for the unit at [index] of
// [co], or WF_INSTR_NO_LANE if that instruction cannot raise it. C_RETURN
// and C_RAISE share CALL's lane (CPython: their tools are CALL's tools);
// INSTRUCTION is WF_INSTR_LANE_INSTRUCTION; LINE and the global-only
// events have no lane. Any thread; reads only immutable data.
int wf_instr_event_lane(const wf_instr_data *d, const wf_code *co,
                        uint32_t index, int event);

// Allocate [co]'s monitoring data if it has none and publish it. Safe
// outside a pause: fresh data has every lane zero, so it describes the
// uninstrumented bytes exactly.
// Caller: attached, holds the monitoring mutex; [co] is rooted.
// Returns the data, or NULL with MemoryError set.
WF_MUST_CHECK wf_instr_data *wf_instr_attach(wf_thread *ts, wf_code *co);

// True if the per-event tools [active] (global | local, indexed by event
// below WF_EV_UNGROUPED_COUNT) differ from what [co] was last rewritten
// for in a way that changes its bytecode or tools (a restart always
// does if any local event is active). Pure: no writes.
// Caller: holds the monitoring mutex.
bool wf_instr_needs_rewrite(const wf_code *co, const uint8_t *active,
                            bool restart);

// True if [active] asks for any instrumentation of bytecode at all (a local
// event or RERAISE), i.e. a code needs monitoring data to honour it.
bool wf_instr_active_needs_data(const uint8_t *active);

// Rewrite [co] for the per-event tools [active]: each tool newly active
// for an event is added to every lane of that event, each tool no longer
// active is removed; with [restart], every active tool is re-added
// (restart_events: bits cleared by DISABLE come back). Then every opcode
// byte is set from its lanes: the twin where some tool wants an event of
// the unit, INSTRUMENTED_LINE at a line start with LINE tools, and
// INSTRUMENTED_INSTRUCTION on top where INSTRUCTION tools remain. Opargs
// are never touched. Records [version] and clears [co]'s pending flag.
// No-op if [co] has no data and [active] needs none.
// Caller: holds the monitoring mutex; the world is stopped, or [co] is not
// yet visible to any other thread (code creation). Data must exist when
// wf_instr_active_needs_data(active) (wf_instr_attach before the pause).
void wf_instr_rewrite(wf_code *co, const uint8_t *active, bool restart,
                      uint64_t version);

// Put back the opcodes that DISABLE left instrumented (batched restore):
// for every code on the pending list, set each opcode byte from its
// current lanes. Caller: the world is stopped (any pause; the monitoring
// pauses call it themselves). Never allocates.
void wf_instr_flush_pending(void);

// True if some code waits on the pending list (a DISABLE left opcodes for
// the next pause to restore). Any thread; acquire load.
bool wf_instr_has_pending(void);

// ===== Event path (any attached thread, no lock) =====

// Tools that want [event] at the unit [index] of [co], after DISABLE: for
// a local event (and C_RETURN / C_RAISE, which follow CALL), the unit's
// lane; for LINE, the unit's line tools; for the global-only events
// (RAISE, EXCEPTION_HANDLED, PY_UNWIND, PY_THROW, RERAISE), the global
// tools of [event]. 0 if [co] has no monitoring data (local events) or
// [index] is out of range. Relaxed loads: a DISABLE racing with this read
// may or may not be seen (PEP 669 allows one spurious event).
uint8_t wf_instr_tools_at(const wf_code *co, uint32_t index, int event);

// Stop delivering [event] to [tool] at unit [index] of [co] (a callback
// returned DISABLE): clears the tool's bit in the one lane (or the line
// tools byte) with an atomic AND, so the effect is immediate for every
// thread and no other (instruction, tool, event) changes. The opcode byte
// stays as it is until the next pause, which puts the original back if no
// tool is left (wf_instr_flush_pending). When the last tool of the unit's
// layer goes, the code is queued and the calling thread's WF_BRK_INSTR is
// set: its next safe point asks for a rate-limited restore pause
// (wf_mon_restore_disabled). Ignored for events that cannot be disabled
// (the fire layer reports those) and for units without a lane.
// Caller: any attached thread; no lock; never pauses or allocates.
void wf_instr_disable(wf_code *co, uint32_t index, int tool, int event);

// The opcode under the overlay at unit [index]: under INSTRUMENTED_LINE if
// [line], else under INSTRUMENTED_INSTRUCTION (which may be
// INSTRUMENTED_LINE, or a twin). What INSTRUMENTED_LINE / _INSTRUCTION
// dispatch to after firing their event. Valid for every unit of a code
// with monitoring data, overlay present or not; calls wf_fatal-style abort
// if [co] has none (an overlay without data is corruption).
// Caller: any attached thread; plain reads (written only in pauses).
uint8_t wf_instr_original_opcode(const wf_code *co, uint32_t index,
                                 bool line);

// The opcode at unit [index] under the LINE and INSTRUCTION overlays as
// they stand now (base or twin). For the eval loop after a pause: a thread
// that parked inside RESUME or JUMP_BACKWARD re-dispatches to this opcode
// if a rewrite changed it, without firing the overlays again. Returns the
// base opcode if [co] has no monitoring data.
// Caller: any attached thread; plain reads (written only in pauses).
uint8_t wf_instr_inner_opcode(const wf_code *co, uint32_t index);

// Would LINE fire at unit [b] of [co] (data [d]) if unit [p] ran just
// before it? (CPython 3.14's _Py_call_instrumentation_line: the lines
// differ, or [p] is RESUME, which a line event must never hide.)
static inline bool
wf_instr_pred_fires(const wf_code *co, const wf_instr_data *d, uint32_t p,
                    uint32_t b)
{
    return co->lines[p] != co->lines[b] || d->base[p] == WF_OP_RESUME;
}

// Whether LINE fires at line start [index] of [co] (data [d], not NULL)
// given the instruction [prev] that ran just before it in the frame;
// [prev] == UINT32_MAX means unknown, and the unit's precomputed
// WF_INSTR_LINE_* mode decides (DEPENDS then assumes a fall-through from
// index - 1). Pure; any attached thread. Inline: the LINE overlay's
// delivery makes it with no call (fire.c wf_fire_line).
static inline bool
wf_instr_line_fires_in(const wf_code *co, const wf_instr_data *d,
                       uint32_t index, uint32_t prev)
{
    if (index >= d->ncode)
        return false;
    if (prev == UINT32_MAX) {
        uint8_t mode = d->lflags[index] & WF_INSTR_LINE_MODE_MASK;
        if (mode != WF_INSTR_LINE_DEPENDS)
            return mode == WF_INSTR_LINE_ALWAYS;
        if (index == 0)
            return true;
        prev = index - 1;  // no jump recorded: a fall-through
    }
    if (prev >= d->ncode)
        return true;
    return wf_instr_pred_fires(co, d, prev, index);
}

// wf_instr_line_fires_in with [co]'s own data; false without any.
bool wf_instr_line_fires(const wf_code *co, uint32_t index, uint32_t prev);

// ===== Validation =====

// Print [co]'s instrumentation (per unit: opcode, under-line and
// under-instruction opcodes, base opcode, lanes, line tools, line start) to
// [out]. Caller: monitoring mutex held or world stopped.
void wf_instr_dump(const wf_code *co, FILE *out);

// Check [co]'s instrumentation (STYLE 7.5): every opcode byte is what its
// lanes ask for (or, while a DISABLE restore is pending, a valid layering
// of the same base opcode), lanes only hold active tools, line tools only at
// line starts, and active == global | local. On failure dumps the code
// with wf_instr_dump to stderr, then aborts (debug and release: tests call
// it). Caller: monitoring mutex held or world stopped; no change in
// progress.
void wf_instr_check_code(const wf_code *co);

// ===== Hooks the rest of the runtime calls =====

// Register a new code object for instrumentation and instrument it for the
// events already set (under the monitoring mutex, no pause: [co] is not
// yet visible to other threads). The compiler's code constructor calls it
// once, after the code's fields are final and before the code escapes.
// Caller: attached; may block on the monitoring mutex (detached while it
// waits, so [co] is rooted here for that time).
// Returns 0, or -1 with MemoryError set (the code is then not registered
// and must not be run: drop it).
WF_MUST_CHECK int wf_instr_on_code_created(wf_thread *ts, wf_code *co);

// Forget [co] as it is freed: unregister it and free its monitoring data.
// Code's finalize slot calls it. Caller: the collector's sweep, world
// stopped (it takes no lock: the monitoring mutex holder, if any, is
// parked at a safe point, outside any registry walk).
void wf_instr_on_code_freed(wf_code *co);

#else  // !WEFT_MONITORING

static inline int
wf_instr_on_code_created(wf_thread *ts, wf_code *co)
{
    (void)ts;
    (void)co;
    return 0;
}

static inline void
wf_instr_on_code_freed(wf_code *co)
{
    (void)co;
}

static inline void
wf_instr_flush_pending(void)
{
}

static inline bool
wf_instr_has_pending(void)
{
    return false;
}

#endif  // WEFT_MONITORING

#endif
