// runtime/objects/error.h -- raising, fetching and printing exceptions (wf_err_*,
// wf_exc_*). The exception in flight lives on the thread (wf_thread.exc);
// there is no longjmp anywhere (STYLE 7.1): functions return WF_NULL / -1
// / NULL with it set.
#ifndef WF_RUNTIME_OBJECTS_ERROR_H
#define WF_RUNTIME_OBJECTS_ERROR_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdio.h>

#include "objects/object.h"

// The built-in exception types: wf_exc_TypeError, wf_exc_ValueError, ...
#define WF_EXC(name, base) extern wf_type wf_exc_##name;
#include "objects/exc_types.def"

// Raise [type] with a message formatted by wf_str_format ([fmt] supports
// printf conversions plus %R %S %T %U). Always returns WF_NULL so callers
// can `return wf_err_format(...)`.
wf_value wf_err_format(wf_thread *ts, wf_type *type, const char *fmt, ...);
// Raise [type] with no arguments (or, for a non-exception-class, TypeError).
wf_value wf_err_set_none(wf_thread *ts, wf_type *type);
// Raise [exc], an exception instance; sets __context__ from the exception
// being handled, as CPython does.
wf_value wf_err_set_value(wf_thread *ts, wf_value exc);
// MemoryError (preallocated instance; never allocates).
wf_value wf_err_no_memory(wf_thread *ts);
// The collector, between mark and sweep (world stopped): if nothing
// reached the preallocated MemoryError, forget its traceback, chain and
// dict (they are about to be swept).
void wf_exc_drop_unreached(void);
// Raise OSError([err], strerror([err])) (BrokenPipeError for EPIPE), as
// CPython's PyErr_SetFromErrno. Always returns WF_NULL.
wf_value wf_err_set_errno(wf_thread *ts, int err);
bool wf_err_occurred(const wf_thread *ts);
// True if the exception in flight is an instance of [type].
bool wf_err_matches(const wf_thread *ts, const wf_type *type);
// Take the exception in flight (WF_NULL if none), leaving none set.
wf_value wf_err_fetch(wf_thread *ts);
// Set [exc] (an instance, or WF_NULL for none) as the exception in flight.
void wf_err_restore(wf_thread *ts, wf_value exc);
void wf_err_clear(wf_thread *ts);
// The exception being handled (sys.exception()), innermost first
// (CPython's _PyErr_GetTopmostException), or WF_NULL if none. Never fails.
wf_value wf_err_handled(const wf_thread *ts);

// ----- raise, except and with, for the eval loop -----
// Caller: attached, [ts]'s own thread. The operands must stay rooted (the
// value stack).

// `raise exc` ([cause] WF_NULL) or `raise exc from cause` (`from None`:
// [cause] WF_NONE): [exc] and [cause] are exception classes (called with
// no arguments) or instances, else TypeError; a cause also suppresses the
// context. Calling a class runs Python
// code and may reach a safe point. Always returns WF_NULL with the new
// exception (or the error making it) set.
wf_value wf_err_raise(wf_thread *ts, wf_value exc, wf_value cause);
// `except type:` (CHECK_EXC_MATCH): whether [exc] is an instance of [type],
// an exception class or a tuple of them. Returns 1 or 0, or -1 with
// TypeError for any other [type] (or an error from __instancecheck__,
// which may reach a safe point).
WF_MUST_CHECK int wf_exc_check_match(wf_thread *ts, wf_value exc,
                                     wf_value type);
// A `with` block raised [exc] (WITH_EXCEPT_START): call the context
// manager's [exit_fn](type(exc), exc, tb), with [exit_self] first unless it
// is WF_NULL. Runs Python code and may reach a safe point. Returns what
// __exit__ returned, or WF_NULL with an exception set.
WF_MUST_CHECK wf_value wf_exc_call_exit(wf_thread *ts, wf_value exit_fn,
                                        wf_value exit_self, wf_value exc);
// A new [type] instance with the one argument str [msg] (not raised).
// Never reaches a safe point. Returns it, or WF_NULL with MemoryError set.
WF_MUST_CHECK wf_value wf_exc_new_msg(wf_thread *ts, wf_type *type,
                                      const char *msg);

// Create an instance of exception class [type] with [args] (a tuple).
WF_MUST_CHECK wf_value wf_exc_new(wf_thread *ts, wf_type *type,
                                  wf_value args);
// Print "Traceback (most recent call last):" ... "Type: message" for [exc]
// to [out], with chained causes/contexts, as CPython's default excepthook.
void wf_exc_print(wf_thread *ts, wf_value exc, FILE *out);
// Register the exception types in [builtins_dict] (at init).
WF_MUST_CHECK int wf_exc_init(wf_thread *ts, wf_value builtins_dict);

// Record that the exception in flight passed through [frame] (a wf_frame
// object or WF_NONE) running [code] at [lineno]/[lasti]: prepends a
// traceback entry to its __traceback__ (CPython's PyTraceBack_Here). The
// VM calls it once per frame while unwinding. Returns 0, or -1 with
// MemoryError replacing the exception.
WF_MUST_CHECK int wf_err_add_traceback(wf_thread *ts, wf_value frame,
                                       wf_value code, int32_t lineno,
                                       int32_t lasti);
// Part of wf_types_init: name strings, dicts and methods of the exception
// types. Returns 0 or -1.
WF_MUST_CHECK int wf_exc_init_types(wf_thread *ts);
// For wf_types_visit_roots: the exception types and the preallocated
// MemoryError instance.
void wf_exc_visit_roots(wf_visit_fn visit, void *ctx);
// Print the exception in flight with wf_exc_print to stderr (after
// flushing stdout) and clear it.
void wf_err_print(wf_thread *ts);
// A new traceback entry (for the VM if it builds chains itself).
WF_MUST_CHECK wf_value wf_traceback_new(wf_thread *ts, wf_value next,
                                        wf_value frame, wf_value code,
                                        int32_t lineno, int32_t lasti);

#endif
