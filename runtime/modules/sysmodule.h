// runtime/modules/sysmodule.h -- the `sys` module (wf_sys_*).
// Listed in modules/modules.def (wf_sys_module_init) and created on first
// import; this header holds what api.c calls beyond the registry.
#ifndef WF_RUNTIME_MODULES_SYSMODULE_H
#define WF_RUNTIME_MODULES_SYSMODULE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Set sys.argv of an already imported sys module to interp->argv (after
// weft_set_argv). Returns 0 or -1 with an exception set.
WF_MUST_CHECK int wf_sys_update_argv(wf_thread *ts);

#endif
