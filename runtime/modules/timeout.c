// runtime/modules/timeout.c -- seconds objects as nanosecond timeouts
// (timeout.h).
#include "modules/timeout.h"

#include <math.h>

#include "objects/error.h"

#define NS_PER_SEC 1000000000LL

static wf_value
out_of_range(wf_thread *ts)
{
    return wf_err_format(ts, &wf_exc_OverflowError,
                         "timestamp out of range for C PyTime_t");
}

int
wf_timeout_ns(wf_thread *ts, wf_value secs, int64_t *ns)
{
    if (wf_int_check(secs)) {
        int64_t s;
        if (wf_int_as_i64(ts, secs, &s) < 0)
            return -1;
        if (s > INT64_MAX / NS_PER_SEC || s < INT64_MIN / NS_PER_SEC) {
            (void)out_of_range(ts);
            return -1;
        }
        *ns = s * NS_PER_SEC;
        return 0;
    }
    if (!wf_val_is(secs, &wf_float_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "'%s' object cannot be interpreted as an integer or "
                      "float", wf_obj_type_name(secs));
        return -1;
    }
    double d;
    if (wf_float_as_double(ts, secs, &d) < 0)
        return -1;
    if (isnan(d)) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "Invalid value NaN (not a number)");
        return -1;
    }
    d *= 1e9;
    d = d >= 0 ? ceil(d) : floor(d);
    // 2^63 is exact as a double; INT64_MAX is not (it rounds up to 2^63).
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
        (void)out_of_range(ts);
        return -1;
    }
    *ns = (int64_t)d;
    return 0;
}

struct timespec
wf_timeout_deadline(int64_t ns)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    // ns / 1e9 <= 9.3e9 seconds (292 years): no time_t overflow.
    t.tv_sec += (time_t)(ns / NS_PER_SEC);
    t.tv_nsec += (long)(ns % NS_PER_SEC);
    if (t.tv_nsec >= NS_PER_SEC) {
        t.tv_sec++;
        t.tv_nsec -= NS_PER_SEC;
    }
    return t;
}
