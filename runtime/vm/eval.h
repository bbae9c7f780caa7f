// runtime/vm/eval.h -- the bytecode interpreter (wf_eval_*).
// One function runs frames: Python-to-Python calls push the callee's frame
// and continue in the same C invocation (no C recursion); only calls that
// come from C (builtins calling back, __init__, generator resumption)
// enter wf_eval_frame again. The eval breaker is checked only at RESUME
// and JUMP_BACKWARD (ARCHITECTURE invariant 5).
#ifndef WF_RUNTIME_VM_EVAL_H
#define WF_RUNTIME_VM_EVAL_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/frame.h"

// Run [f], a frame pushed by wf_frame_push (localsplus bound), until it
// returns or raises. The frame is linked on ts->frame while it runs and is
// popped from the data stack when it completes (generator frames stay in
// their generator).
// Caller: attached. Reaches safe points. Returns the return value, or
// WF_NULL with an exception set (RecursionError when the C stack or the
// recursion limit runs out).
WF_MUST_CHECK wf_value wf_eval_frame(wf_thread *ts, wf_frame *f);

// Resume generator frame [f] (state CREATED or SUSPENDED, the sent value
// already pushed unless [throwing]). With [throwing], the exception set on
// [ts] is raised at the point where the frame stopped. On return, [f]'s
// state says whether it yielded (SUSPENDED) or finished (COMPLETED).
// Caller: the generator's resumer (holds its running flag). Returns the
// yielded or returned value, or WF_NULL with an exception set.
WF_MUST_CHECK wf_value wf_eval_resume(wf_thread *ts, wf_frame *f,
                                      bool throwing);

// Run module code [co] with [globals] as globals and locals (the module's
// dict). Returns the result (None) or WF_NULL with an exception set.
WF_MUST_CHECK wf_value wf_eval_code(wf_thread *ts, wf_code *co,
                                    wf_value globals);

// Empty function called before each instruction when WF_DEBUG_TRACE_OPS
// is set, for breakpoints: (gdb) break wf_eval_debug_break if op == 42
void wf_eval_debug_break(const wf_codeunit *pc, uint8_t op);

#endif
