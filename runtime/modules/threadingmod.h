// runtime/modules/threadingmod.h -- the `_thread` and `threading` modules
// (wf_threading_*): OS threads for Python code, Lock, RLock, Event, and
// the process-exit wait for non-daemon threads (LANGUAGE.md "threading").
// Both modules are listed in modules/modules.def; this header holds what
// api.c calls beyond the registry.
#ifndef WF_RUNTIME_MODULES_THREADINGMOD_H
#define WF_RUNTIME_MODULES_THREADINGMOD_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Block until every non-daemon thread started by `threading`/`_thread` has
// finished (CPython's threading._shutdown). Caller: attached, at a safe
// point (it waits detached).
void wf_threading_wait_all(wf_thread *ts);

#endif
