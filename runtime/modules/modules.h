// runtime/modules/modules.h -- declarations of the module registry
// (modules/modules.def): every native module's init function and root
// visitor, by expansion, so api.c and gc.c reach each module through the
// list and include no module's own header. Each module's .c includes this
// header for its registry functions; their contracts are at the top of
// modules.def.
#ifndef WF_RUNTIME_MODULES_MODULES_H
#define WF_RUNTIME_MODULES_MODULES_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "objects/object.h"

#define WF_MODULE(name, init) WF_MUST_CHECK wf_value init(wf_thread *ts);
#define WF_MODULE_ROOTS(name, init, visit_roots) \
    WF_MUST_CHECK wf_value init(wf_thread *ts);  \
    void visit_roots(wf_visit_fn visit, void *ctx);
#include "modules/modules.def"

#endif
