// runtime/modules/threadingmod.h -- the `_thread` and `threading` modules
// (wf_threading_*): OS threads for Python code, Lock, RLock, Event, and
// the process-exit wait for non-daemon threads (LANGUAGE.md "threading").
#ifndef WF_RUNTIME_MODULES_THREADINGMOD_H
#define WF_RUNTIME_MODULES_THREADINGMOD_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Register "_thread" and "threading" for import (wf_builtins_init calls it,
// before any thread but the main one exists). Returns 0 or -1.
WF_MUST_CHECK int wf_threading_register(void);

// Block until every non-daemon thread started by `threading`/`_thread` has
// finished (CPython's threading._shutdown). Caller: attached, at a safe
// point (it waits detached).
void wf_threading_wait_all(wf_thread *ts);

// Visit the static types of this module (their method dicts) for the
// collector.
void wf_threading_visit_roots(wf_visit_fn visit, void *ctx);

#endif
