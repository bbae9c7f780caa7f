// runtime/monitor/fire.h -- PEP 669 event delivery from the eval loop
// (wf_fire_*).
// The seam between the eval loop and runtime/monitor. The instrumented
// twins, the LINE/INSTRUCTION overlays and the error path call these
// hooks. Each hook is an inline gate (ARCHITECTURE "Dispatch is gated per
// thread"): tools wanting the event here (the unit's tools lane, or the
// global tools for RAISE, RERAISE, EXCEPTION_HANDLED, PY_UNWIND, PY_THROW)
// & this thread's interest mask (ts->mon_tools) & not inside a callback
// (ts->in_callback). A thread with no interest pays one load and branch;
// the delivery bodies live in fire.c.
// Delivery (fire.c): tools in DESCENDING id order (CPython 3.14), each
// callback rooted while it runs, with the re-entrancy guard set (events
// raised by a callback's own code are not reported), arguments shaped as
// PEP 669 documents them for Python and C callbacks alike (code,
// instruction offset = 2 * unit index as a tagged int, event-specific
// values). A callback returning DISABLE: for a local event, clears that
// (instruction, tool) bit lock-free (wf_instr_disable); for any other
// event, removes the callback and raises ValueError("Cannot disable %s
// events. Callback removed.").
// Contract of every hook: caller attached, the frame's instr and sp saved
// (the eval loop calls them through FIRE/PROTECT), so a hook may reach a
// safe point and run Python code. [pc] is the instrumented instruction.
// Returns 0, or -1 with an exception set (a callback raised, or DISABLE
// was refused), which the eval loop handles like an exception raised by
// the instruction; the exception hooks say how they differ.
#ifndef WF_RUNTIME_MONITOR_FIRE_H
#define WF_RUNTIME_MONITOR_FIRE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdio.h>
#include <stdlib.h>

#include <weft.h>

#include "vm/frame.h"
#include "monitor/events.h"

#if WEFT_MONITORING

#include "monitor/instrument.h"
#include "monitor/monitor.h"
#include "monitor/native.h"

// ===== What a callback may rely on =====
//
// - A LINE callback may move the frame: while it runs, f->instr is one past
//   the instruction the event is for (wf_fire_event_line); setting f->instr
//   to another unit of the same code (and, if the jump leaves blocks,
//   lowering f->sp) makes the eval loop continue there instead of running
//   the original opcode, and that target gets no LINE event of its own
//   (CPython: `if (frame->instr_ptr != this_instr) goto jump`). The
//   settrace bridge's f_lineno setter is built on this.
// - Which instruction ran before a LINE event (CPython's prev_instr) is
//   decided as wf_instr_line_fires describes; a backward jump is reported by
//   JUMP (and BRANCH_*) events whose destination offset is not greater than
//   their source offset.
// - Native callbacks (monitor/native.h) are called directly, with no
//   argument tuple and no root. Where one tool alone wants an event of
//   WF_EVMASK_EXPRESS at the instruction it starts, and its callback is a
//   native one with an express form, the hook calls that form with a tail
//   call: the express path. Only there may a callback push a callback
//   frame (WF_NATIVE_FRAME), which the hook returns as 1 ("Callback
//   frames" below).

// Tools that reach thread [ts] out of [tools] (ARCHITECTURE "Dispatch is
// gated per thread").
static inline uint8_t
wf_fire_gate(const wf_thread *ts, uint8_t tools)
{
    return WF_UNLIKELY(ts->in_callback != 0) ? 0
                                             : (uint8_t)(tools & ts->mon_tools);
}

// Unit index of [pc] in [f]'s code.
static inline uint32_t
wf_fire_index(const wf_frame *f, const wf_codeunit *pc)
{
    return (uint32_t)(pc - f->code->code);
}

// The tools of [lane] at unit [pc] (a twin's lane). One relaxed load of the
// tools word: a DISABLE racing with it may or may not be seen.
static inline uint8_t
wf_fire_lane(const wf_frame *f, const wf_codeunit *pc, int lane)
{
    const wf_instr_data *d = wf_instr_data_of(f->code);
    if (WF_UNLIKELY(d == NULL))
        return 0;
    uint32_t w = wf_atomic_load_relaxed_u32(&d->tools[pc - f->code->code]);
    return (uint8_t)(w >> (8 * lane));
}

// wf_fire_gate of [lane] at [pc], testing the re-entrancy guard first: a
// callback's own code (a trace function's) skips the lane load.
static inline uint8_t
wf_fire_gated_lane(const wf_thread *ts, const wf_frame *f,
                   const wf_codeunit *pc, int lane)
{
    if (WF_UNLIKELY(ts->in_callback != 0))
        return 0;
    return (uint8_t)(wf_fire_lane(f, pc, lane) & ts->mon_tools);
}

// Record a control transfer from [from] to [to] in [f] (for the LINE event
// at [to], see wf_frame.mon_jump_*).
static inline void
wf_fire_note_jump(wf_frame *f, const wf_codeunit *from, const wf_codeunit *to)
{
    f->mon_jump_from = from;
    f->mon_jump_to = to;
}

// ===== Delivery bodies (fire.c) =====

// Deliver local or global event [ev] at unit [pc] of [f] to [tools] (already
// gated), with the PEP 669 arguments (code, offset of [pc], then [extra]
// values, [nextra] <= 2). Values in [extra] must be rooted by the caller.
WF_MUST_CHECK int wf_fire_deliver(wf_thread *ts, wf_frame *f,
                                  const wf_codeunit *pc, int ev,
                                  uint8_t tools, const wf_value *extra,
                                  size_t nextra);

// As wf_fire_deliver, with every argument after the code given in [rest]
// ([nrest] <= 3): for BRANCH events reported by POP_ITER, whose offset
// argument is not [pc]'s. DISABLE still applies to ([pc], tool).
WF_MUST_CHECK int wf_fire_deliver_raw(wf_thread *ts, wf_frame *f,
                                      const wf_codeunit *pc, int ev,
                                      uint8_t tools, const wf_value *rest,
                                      size_t nrest);

// Deliver exception event [ev] (RAISE, RERAISE, EXCEPTION_HANDLED,
// PY_UNWIND, PY_THROW) for the exception in flight (ts->exc), which the
// callbacks receive and which is kept in flight afterwards. If a callback
// raises, its exception replaces the one in flight (CPython's
// do_monitor_exc) and -1 is returned.
WF_MUST_CHECK int wf_fire_exc_slow(wf_thread *ts, wf_frame *f,
                                   const wf_codeunit *pc, int ev,
                                   uint8_t tools);

// The bodies of wf_fire_c_result, wf_fire_stop_iteration, the LINE overlay
// (wf_fire_line, only on a thread where wf_fire_line_quiet is false: decides
// whether the line is new for this frame, the recorded jump consumed,
// then delivers it; may return 1, "Callback frames" below) and
// wf_fire_instruction; same contracts.
// The tools a CALL DISABLE kept for the C_RETURN/C_RAISE of the call in
// flight at [pc] of [f] (thread.h mon_keep_tools), taken (cleared) when
// they match; 0 otherwise.
uint8_t wf_fire_take_kept(wf_thread *ts, const wf_frame *f,
                          const wf_codeunit *pc);
WF_MUST_CHECK int wf_fire_c_result_slow(wf_thread *ts, wf_frame *f,
                                        const wf_codeunit *pc,
                                        wf_value callable, wf_value arg0,
                                        bool ok, uint8_t tools);
WF_MUST_CHECK int wf_fire_stop_iteration_slow(wf_thread *ts, wf_frame *f,
                                              const wf_codeunit *pc,
                                              wf_value value, uint8_t tools);
WF_MUST_CHECK int wf_fire_line(wf_thread *ts, wf_frame *f,
                               const wf_codeunit *pc);
WF_MUST_CHECK int wf_fire_instruction_slow(wf_thread *ts, wf_frame *f,
                                           const wf_codeunit *pc,
                                           uint8_t tools);

// ===== Hooks =====

// PY_START, PY_RESUME, PY_RETURN or PY_YIELD (the last two with [arg],
// rooted) at [pc], for [tools] (already gated): as wf_fire_deliver, with
// the express path (see above). May return 1.
WF_MUST_CHECK int wf_fire_frame_event(wf_thread *ts, wf_frame *f,
                                      const wf_codeunit *pc, int ev,
                                      uint8_t tools, wf_value arg);

// ----- Callback frames -----
// The hooks of the instructions whose event comes first in them --
// wf_fire_start (RESUME), wf_fire_py_return (RETURN_VALUE),
// wf_fire_py_yield (YIELD_VALUE) and the LINE overlay (wf_fire_line) --
// may return 1: an express callback pushed a callback frame
// (WF_NATIVE_FRAME: a client runs a Python function in the eval loop),
// which is now ts->frame. The eval loop runs it, and when it returns or
// raises, continues the traced instruction past its event (eval.c). The
// events are WF_EVMASK_EXPRESS.

// PY_START (oparg 0) or PY_RESUME (after a yield) at RESUME [pc]. May
// return 1 (callback frame).
static inline int
wf_fire_start(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              uint32_t oparg)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_frame_event(ts, f, pc,
                               oparg == 0 ? WF_EV_PY_START : WF_EV_PY_RESUME,
                               t, WF_NONE);
}

// PY_RETURN with [retval] (rooted: still on the value stack). May return
// 1 (callback frame).
static inline int
wf_fire_py_return(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                  wf_value retval)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_frame_event(ts, f, pc, WF_EV_PY_RETURN, t, retval);
}

// PY_YIELD with [value] (rooted: still on the value stack). May return 1
// (callback frame).
static inline int
wf_fire_py_yield(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value value)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_frame_event(ts, f, pc, WF_EV_PY_YIELD, t, value);
}

// CALL of [callable] with first argument [arg0] (WF_NULL: none, passed as
// MISSING). Both rooted (on the value stack).
static inline int
wf_fire_call(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             wf_value callable, wf_value arg0)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    wf_value extra[2] = {callable, arg0 == WF_NULL ? WF_MON_MISSING : arg0};
    return wf_fire_deliver(ts, f, pc, WF_EV_CALL, t, extra, 2);
}

// C_RETURN ([ok]) or C_RAISE (!ok) after the call at [pc] of a callable
// that is not a Python function; the tools are CALL's (CPython). On
// C_RAISE the exception in flight is kept, unless a callback raises: then
// its exception replaces it (-1). On C_RETURN, -1 means the result must be
// dropped and the callback's exception raised.
static inline int
wf_fire_c_result(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value callable, wf_value arg0, bool ok)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_UNLIKELY(ts->mon_keep_tools != 0))
        t |= wf_fire_take_kept(ts, f, pc);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_c_result_slow(ts, f, pc, callable, arg0, ok, t);
}

// JUMP from [pc] to [dest]. Records the jump in [f] first (LINE needs it
// even when no tool wants JUMP here).
static inline int
wf_fire_jump(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             const wf_codeunit *dest)
{
    wf_fire_note_jump(f, pc, dest);
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    wf_value extra = wf_val_from_int(wf_code_offset(wf_fire_index(f, dest)));
    return wf_fire_deliver(ts, f, pc, WF_EV_JUMP, t, &extra, 1);
}

// BRANCH_LEFT (not [taken]) / BRANCH_RIGHT ([taken]) from [src] to [dest],
// reported by the twin at [pc] (whose lanes hold the tools; [src] is [pc]
// except for POP_ITER, which reports its loop's FOR_ITER). Records the
// transfer in [f].
static inline int
wf_fire_branch(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
               const wf_codeunit *src, const wf_codeunit *dest, bool taken)
{
    wf_fire_note_jump(f, src, dest);
    uint8_t t = wf_fire_gated_lane(
        ts, f, pc, taken ? WF_INSTR_LANE_BRANCH_RIGHT : WF_INSTR_LANE_MAIN);
    if (WF_LIKELY(t == 0))
        return 0;
    wf_value extra[2] = {
        wf_val_from_int(wf_code_offset(wf_fire_index(f, src))),
        wf_val_from_int(wf_code_offset(wf_fire_index(f, dest)))};
    // The offset argument is [src]'s; DISABLE and the tools are [pc]'s.
    return wf_fire_deliver_raw(ts, f, pc,
                           taken ? WF_EV_BRANCH_RIGHT : WF_EV_BRANCH_LEFT, t,
                           extra, 2);
}

// STOP_ITERATION at FOR_ITER [pc]: a generator it iterates returned
// [value] (rooted by the caller). The callbacks get a StopIteration.
static inline int
wf_fire_stop_iteration(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                       wf_value value)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_STOP_ITERATION);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_stop_iteration_slow(ts, f, pc, value, t);
}

// Exception events: global tools only, no bytecode needed (error path).
static inline int
wf_fire_exc(wf_thread *ts, wf_frame *f, const wf_codeunit *pc, int ev)
{
    uint8_t t = wf_fire_gate(ts, wf_mon_global_tools(ev));
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_exc_slow(ts, f, pc, ev, t);
}

// RERAISE of the exception in flight at [pc] (RERAISE, bare raise).
static inline int
wf_fire_reraise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    return wf_fire_exc(ts, f, pc, WF_EV_RERAISE);
}

// RAISE: the exception in flight was raised at [pc] (error path).
static inline int
wf_fire_raise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    return wf_fire_exc(ts, f, pc, WF_EV_RAISE);
}

// EXCEPTION_HANDLED: the handler at [pc] of [f] catches [exc] (already
// fetched and pushed for the handler, so rooted). A callback that raises
// leaves its exception set (-1).
static inline int
wf_fire_exception_handled(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                          wf_value exc)
{
    uint8_t t = wf_fire_gate(ts, wf_mon_global_tools(WF_EV_EXCEPTION_HANDLED));
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_deliver(ts, f, pc, WF_EV_EXCEPTION_HANDLED, t, &exc, 1);
}

// PY_UNWIND: [f] exits at [pc] with the exception in flight.
static inline int
wf_fire_py_unwind(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    return wf_fire_exc(ts, f, pc, WF_EV_PY_UNWIND);
}

// PY_THROW: the exception in flight is thrown into generator frame [f],
// stopped at [pc].
static inline int
wf_fire_py_throw(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    return wf_fire_exc(ts, f, pc, WF_EV_PY_THROW);
}

// The unit that ran before LINE at [pc] of [f]: the recorded jump's source
// if it leads here, else UINT32_MAX (unknown: the unit's mode decides).
// Consumes the recorded jump.
static inline uint32_t
wf_fire_take_prev(wf_frame *f, const wf_codeunit *pc)
{
    uint32_t prev = UINT32_MAX;
    if (f->mon_jump_to == pc && f->mon_jump_from != NULL)
        prev = wf_fire_index(f, f->mon_jump_from);
    f->mon_jump_to = NULL;
    return prev;
}

// Whether the LINE overlay at any unit is silent on thread [ts]: no
// interest, or inside a callback (a trace function's own lines). The
// overlay then only consumes the frame's recorded jump and runs the
// original opcode: no hook, no saved frame (eval.c TARGET(LINE)).
static inline bool
wf_fire_line_quiet(const wf_thread *ts)
{
    return (ts->in_callback | (ts->mon_tools == 0)) != 0;
}


// INSTRUCTION event for [pc] (INSTRUMENTED_INSTRUCTION).
static inline int
wf_fire_instruction(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    uint8_t t = wf_fire_gated_lane(ts, f, pc, WF_INSTR_LANE_INSTRUCTION);
    if (WF_LIKELY(t == 0))
        return 0;
    return wf_fire_instruction_slow(ts, f, pc, t);
}

// The opcode that INSTRUMENTED_LINE / INSTRUMENTED_INSTRUCTION at [pc]
// overlays, from the code's monitoring data (it may itself be a twin).
static inline uint8_t
wf_fire_original_opcode(const wf_frame *f, const wf_codeunit *pc, bool line)
{
    const wf_instr_data *d = wf_instr_data_of(f->code);
    uint32_t i = wf_fire_index(f, pc);
    if (WF_LIKELY(d != NULL && i < d->ncode))
        return line ? d->under_line[i] : d->under_instr[i];
    return wf_instr_original_opcode(f->code, i, line);  // reports, aborts
}

// The opcode under the overlays at [pc] now (after a pause that may have
// rewritten it): what RESUME / JUMP_BACKWARD re-dispatch to.
static inline uint8_t
wf_fire_inner_opcode(const wf_frame *f, const wf_codeunit *pc)
{
    return wf_instr_inner_opcode(f->code, wf_fire_index(f, pc));
}

// Line of the instruction an event of [f] is being delivered for
// (f->instr - 1), for adapters; WF_NO_LINE if none.
static inline int32_t
wf_fire_event_line(const wf_frame *f)
{
    return wf_code_line(f->code, wf_frame_lasti_index(f));
}

#else  // !WEFT_MONITORING: nothing is ever instrumented; the base copies
       // of the event opcodes still name these hooks in dead code.

static inline int
wf_fire_start(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              uint32_t oparg)
{
    (void)ts; (void)f; (void)pc; (void)oparg;
    return 0;
}

static inline int
wf_fire_py_return(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                  wf_value retval)
{
    (void)ts; (void)f; (void)pc; (void)retval;
    return 0;
}

static inline int
wf_fire_py_yield(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value value)
{
    (void)ts; (void)f; (void)pc; (void)value;
    return 0;
}

static inline int
wf_fire_call(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             wf_value callable, wf_value arg0)
{
    (void)ts; (void)f; (void)pc; (void)callable; (void)arg0;
    return 0;
}

static inline int
wf_fire_c_result(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value callable, wf_value arg0, bool ok)
{
    (void)ts; (void)f; (void)pc; (void)callable; (void)arg0; (void)ok;
    return 0;
}

static inline int
wf_fire_jump(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             const wf_codeunit *dest)
{
    (void)ts; (void)f; (void)pc; (void)dest;
    return 0;
}

static inline int
wf_fire_branch(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
               const wf_codeunit *src, const wf_codeunit *dest, bool taken)
{
    (void)ts; (void)f; (void)pc; (void)src; (void)dest; (void)taken;
    return 0;
}

static inline int
wf_fire_stop_iteration(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                       wf_value value)
{
    (void)ts; (void)f; (void)pc; (void)value;
    return 0;
}

static inline int
wf_fire_raise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

static inline int
wf_fire_reraise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

static inline int
wf_fire_exception_handled(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                          wf_value exc)
{
    (void)ts; (void)f; (void)pc; (void)exc;
    return 0;
}

static inline int
wf_fire_py_unwind(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

static inline int
wf_fire_py_throw(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

static inline void
wf_fire_note_jump(wf_frame *f, const wf_codeunit *from, const wf_codeunit *to)
{
    (void)f; (void)from; (void)to;
}

#endif  // WEFT_MONITORING

#endif
