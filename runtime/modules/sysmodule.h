// runtime/modules/sysmodule.h -- the `sys` module (wf_sys_*).
// Registered with the built-in module registry at start-up and created on
// first import. Reads the interpreter's argv and recursion limit; tracing
// entry points (settrace, setprofile, monitoring) are placeholders that
// raise NotImplementedError until runtime/monitor and runtime/legacy land.
#ifndef WF_RUNTIME_MODULES_SYSMODULE_H
#define WF_RUNTIME_MODULES_SYSMODULE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Register "sys" with wf_module_register_builtin. Caller: start-up (api.c),
// after wf_builtins_init, before any thread runs.
// Returns 0, or -1 if the registry refuses it.
WF_MUST_CHECK int wf_sys_register(wf_thread *ts);

// Set sys.argv of an already imported sys module to interp->argv (after
// weft_set_argv). Returns 0 or -1 with an exception set.
WF_MUST_CHECK int wf_sys_update_argv(wf_thread *ts);

#endif
