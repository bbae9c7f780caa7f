// runtime/legacy/lineno.h -- writing f_lineno from a trace function: a
// jump, with CPython's checks (wf_lineno_*).
// Validates the jump against Weft's own bytecode (a model of the value
// stack per instruction, built from the opcode table and the exception
// table, as CPython's frameobject.c mark_stacks does for its bytecode),
// pops what the target does not have, and moves the frame's next
// instruction; the fire layer continues there after the `line` callback.
#ifndef WF_RUNTIME_LEGACY_LINENO_H
#define WF_RUNTIME_LEGACY_LINENO_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/frameobj.h"

// frame.f_lineno = [value] for frame object [fo] (WF_NULL: delete).
// Same checks and messages as CPython 3.14 (frame_setlineno): an exact
// int; only from a trace function during a `line` event of the frame
// being traced; not before the code's first line nor after its last; not
// into a for-loop body, an `except` block, or anywhere the value stack
// does not match (ValueError). On success pops the values the target's
// stack does not have (restoring the handled exception when it pops an
// `except` block's saved one), binds None to unbound plain locals (as
// CPython, which warns), and sets the frame's next instruction to the
// first instruction of the target line.
// Caller: attached, the frame's own thread. Returns 0, or -1 with an
// exception set.
WF_MUST_CHECK int wf_lineno_set(wf_thread *ts, wf_frameobj *fo,
                                wf_value value);

// The value-stack model of [co] (exposed for the unit tests): fill
// [stacks] ([co]->ncode + 1 entries) with one encoded stack per
// instruction, or WF_LINENO_UNREACHED / WF_LINENO_OVERFLOW.
#define WF_LINENO_UNREACHED (-2)
#define WF_LINENO_OVERFLOW (-1)
void wf_lineno_mark_stacks(const wf_code *co, int64_t *stacks);

// The stack depth of an encoded stack from wf_lineno_mark_stacks.
int wf_lineno_stack_depth(int64_t stack);

#endif
