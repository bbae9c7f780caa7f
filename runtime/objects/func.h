// runtime/objects/func.h -- Python functions (wf_func_*, wf_func_type).
// A function pairs a code object with its globals, defaults, keyword-only
// defaults and closure. Calling one binds the arguments into a fresh frame
// (CPython's rules and TypeError messages) and runs it; the eval loop's
// CALL does the same binding without recursing in C (inlined calls).
// Functions are immutable after MAKE_FUNCTION / SET_FUNCTION_ATTRIBUTE
// except __defaults__-style attribute writes, which store one word.
#ifndef WF_RUNTIME_OBJECTS_FUNC_H
#define WF_RUNTIME_OBJECTS_FUNC_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "objects/cell.h"
#include "vm/code.h"
#include "vm/frame.h"

// All fields: W: MAKE_FUNCTION / SET_FUNCTION_ATTRIBUTE before the function
// is published; attribute stores by any thread (one plain word store).
// R: any thread, plain.
typedef struct wf_func {
    wf_obj ob;
    wf_code *code;
    wf_value globals;     // dict
    wf_value builtins;    // dict
    wf_value name;        // str (__name__)
    wf_value qualname;    // str (__qualname__)
    wf_value defaults;    // tuple, or WF_NULL
    wf_value kwdefaults;  // dict, or WF_NULL
    wf_value closure;     // tuple of cells, or WF_NULL
    wf_value module;      // __module__ (globals['__name__']) or WF_NONE
    wf_value doc;         // __doc__, WF_NONE
    wf_value dict;        // attribute dict, created lazily, or WF_NULL
} wf_func;

// A new function for [co] running in [globals]; name and qualname come from
// the code. Never reaches a safe point.
// Returns the function, or WF_NULL with MemoryError set.
WF_MUST_CHECK wf_value wf_func_new(wf_thread *ts, wf_code *co,
                                   wf_value globals);

// Bind [nargs] positional values of [args] followed by the keyword values
// named by [kwnames] (a tuple of str, or WF_NULL) into [f]'s localsplus, as
// CPython: defaults, *args, keyword arguments, keyword-only arguments and
// **kwargs, with CPython's TypeError messages. [f] is a fresh frame of
// [fn]'s code. Allocates (the *args tuple, the **kwargs dict) but never
// reaches a safe point. Returns 0, or -1 with TypeError/MemoryError set.
WF_MUST_CHECK int wf_func_bind(wf_thread *ts, const wf_func *fn,
                               wf_frame *f, const wf_value *args,
                               size_t nargs, wf_value kwnames);

// Push a frame for [fn] and bind the arguments into it (wf_func_bind).
// Returns the frame, or NULL with an exception set (the frame is popped).
WF_MUST_CHECK wf_frame *wf_func_push_frame(wf_thread *ts, wf_value fn,
                                           const wf_value *args,
                                           size_t nargs, wf_value kwnames);

// Run the class body [fn] with [ns] as its locals dict (__build_class__).
// Returns the body's result (None), or WF_NULL with an exception set.
// Reaches safe points (runs Python code).
WF_MUST_CHECK wf_value wf_func_run_with_locals(wf_thread *ts, wf_value fn,
                                               wf_value ns);

// CALL_FUNCTION_EX's operands, (callable self_or_null args [kwargs]) from
// [base][0]: make [base][2] a tuple of the positional arguments, with
// self ([base][1], then set to WF_NULL) prepended, and check that
// [base][3] (if [has_kw]) is a dict. Works for any callable. The slots
// must be rooted (the value stack). Iterating [base][2] may run Python
// code and reach a safe point. Returns 0, or -1 with TypeError ("Value
// after * must be an iterable", "argument after ** must be a mapping") or
// the iterator's exception set.
WF_MUST_CHECK int wf_func_prepare_call_ex(wf_thread *ts, wf_value *base,
                                          bool has_kw);

#endif
