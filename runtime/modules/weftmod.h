// runtime/modules/weftmod.h -- the Weft-only `_weft` module (wf_weftmod_*).
// Hooks the benchmark and stress harnesses use from Weft-Python scripts to
// reach the C APIs of include/weft.h (C monitoring callbacks, C trace and
// profile functions), so that the cost of a C-level tool can be measured
// with the same workloads as a Python-level one.
#ifndef WF_RUNTIME_MODULES_WEFTMOD_H
#define WF_RUNTIME_MODULES_WEFTMOD_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "config.h"

// Register `_weft` for import. Call during start-up. Returns 0 or -1.
WF_MUST_CHECK int wf_weftmod_register(void);

#endif
