// runtime/modules/timeout.h -- seconds objects as nanosecond timeouts, by
// CPython's PyTime_t rules (an int64 count of nanoseconds): shared by
// time.sleep and the _thread waits so that every one of them accepts,
// rounds and refuses the same values with the same messages.
#ifndef WF_RUNTIME_MODULES_TIMEOUT_H
#define WF_RUNTIME_MODULES_TIMEOUT_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdint.h>
#include <time.h>

#include "objects/object.h"

// [secs] (an int or a float) as nanoseconds in *[ns], rounded away from
// zero (CPython's _PyTime_ROUND_TIMEOUT: a positive timeout never becomes
// 0). Errors, each raised on [ts] with CPython's message: TypeError for
// another type, ValueError for NaN, OverflowError when the value is
// outside int64 nanoseconds (about +-292 years). Returns 0 or -1.
WF_MUST_CHECK int wf_timeout_ns(wf_thread *ts, wf_value secs, int64_t *ns);

// The CLOCK_MONOTONIC time [ns] (>= 0) nanoseconds from now.
struct timespec wf_timeout_deadline(int64_t ns);

#endif
