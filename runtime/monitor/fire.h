// runtime/monitor/fire.h -- PEP 669 event delivery from the eval loop
// (wf_fire_*).
// The seam between the eval loop and runtime/monitor: the instrumented
// twins (and the error path) call these hooks. For now every hook does
// nothing and returns 0; the monitoring issue fills them (look up the
// instruction's tools, gate by the thread's interest mask, call callbacks
// with the re-entrancy guard set, honour DISABLE).
// Contract of every hook: caller attached, the frame's instr and sp saved
// (the eval loop calls them through PROTECT), so a hook may reach a safe
// point and run Python callbacks. [pc] is the instrumented instruction.
// Returns 0, or -1 with an exception set (the callback raised), which the
// eval loop handles like an exception raised by the instruction.
#ifndef WF_RUNTIME_MONITOR_FIRE_H
#define WF_RUNTIME_MONITOR_FIRE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "../frame.h"

// PY_START (oparg 0) or PY_RESUME (after a yield).
static inline int
wf_fire_start(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              uint32_t oparg)
{
    (void)ts; (void)f; (void)pc; (void)oparg;
    return 0;
}

// PY_RETURN with [retval].
static inline int
wf_fire_py_return(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                  wf_value retval)
{
    (void)ts; (void)f; (void)pc; (void)retval;
    return 0;
}

// PY_YIELD with [value].
static inline int
wf_fire_py_yield(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value value)
{
    (void)ts; (void)f; (void)pc; (void)value;
    return 0;
}

// CALL of [callable] with first argument [arg0] (MISSING: WF_NULL).
static inline int
wf_fire_call(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             wf_value callable, wf_value arg0)
{
    (void)ts; (void)f; (void)pc; (void)callable; (void)arg0;
    return 0;
}

// C_RETURN ([ok]) or C_RAISE (!ok) after a call of a non-Python callable.
// On C_RAISE the exception in flight is kept.
static inline int
wf_fire_c_result(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                 wf_value callable, wf_value arg0, bool ok)
{
    (void)ts; (void)f; (void)pc; (void)callable; (void)arg0; (void)ok;
    return 0;
}

// JUMP from [pc] to [dest].
static inline int
wf_fire_jump(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
             const wf_codeunit *dest)
{
    (void)ts; (void)f; (void)pc; (void)dest;
    return 0;
}

// BRANCH_LEFT (not [taken]) / BRANCH_RIGHT ([taken]) to [dest].
static inline int
wf_fire_branch(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
               const wf_codeunit *dest, bool taken)
{
    (void)ts; (void)f; (void)pc; (void)dest; (void)taken;
    return 0;
}

// RERAISE of the exception in flight.
static inline int
wf_fire_reraise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// RAISE: the exception in flight was raised at [pc] (error path).
static inline int
wf_fire_raise(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// EXCEPTION_HANDLED: a handler of [f] at [pc] catches the exception.
static inline int
wf_fire_exception_handled(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// PY_UNWIND: [f] exits with the exception in flight.
static inline int
wf_fire_py_unwind(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// PY_THROW: an exception is thrown into generator frame [f].
static inline int
wf_fire_py_throw(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// LINE event for the instruction at [pc] (INSTRUMENTED_LINE).
static inline int
wf_fire_line(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// INSTRUCTION event for [pc] (INSTRUMENTED_INSTRUCTION).
static inline int
wf_fire_instruction(wf_thread *ts, wf_frame *f, const wf_codeunit *pc)
{
    (void)ts; (void)f; (void)pc;
    return 0;
}

// The opcode that INSTRUMENTED_LINE / INSTRUMENTED_INSTRUCTION at [pc]
// overlays, from the code's monitoring data (it may itself be a twin).
// Nothing rewrites code yet, so reaching this is internal corruption.
static inline uint8_t
wf_fire_original_opcode(const wf_frame *f, const wf_codeunit *pc,
                        bool line)
{
    fprintf(stderr, "weft: fatal: %s at unit %u of %s with no monitoring "
            "data\n", line ? "INSTRUMENTED_LINE" : "INSTRUMENTED_INSTRUCTION",
            (unsigned)(pc - f->code->code), wf_str_cstr(f->code->name));
    abort();
}

#endif
