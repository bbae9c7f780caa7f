// runtime/objects/classbuild.h -- `class` statements: builtins.__build_class__
// (wf_classbuild_*).
// Runs the class body with a fresh namespace dict as its locals, then hands
// the namespace to wf_class_new. Single inheritance only (LANGUAGE.md).
#ifndef WF_RUNTIME_OBJECTS_CLASSBUILD_H
#define WF_RUNTIME_OBJECTS_CLASSBUILD_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "threads/thread.h"

// Add __build_class__ to the builtins dict. Caller: start-up (api.c), after
// wf_builtins_init. Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_classbuild_init(wf_thread *ts);

#endif
