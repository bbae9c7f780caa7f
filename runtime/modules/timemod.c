// runtime/modules/timemod.c -- the built-in `time` module (wf_time_*): clocks and
// sleep. sleep detaches the thread while it blocks, so a pause never
// waits for a sleeping thread (ARCHITECTURE "Threads and the pause").
#define _GNU_SOURCE  // ppoll
#include "modules/modules.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "objects/error.h"
#include "modules/timeout.h"
#include "objects/object.h"
#include "threads/thread.h"

static wf_value
clock_float(wf_thread *ts, clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return wf_float_new(ts, (double)t.tv_sec + (double)t.tv_nsec * 1e-9);
}

static wf_value
clock_ns(wf_thread *ts, clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return wf_int_new(ts, (int64_t)t.tv_sec * 1000000000 + t.tv_nsec);
}

static wf_value
t_perf_counter(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "perf_counter", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return clock_float(ts, CLOCK_MONOTONIC);
}

static wf_value
t_perf_counter_ns(wf_thread *ts, const wf_value *args, size_t nargs,
                  wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "perf_counter_ns", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return clock_ns(ts, CLOCK_MONOTONIC);
}

static wf_value
t_time(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "time", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return clock_float(ts, CLOCK_REALTIME);
}

static wf_value
t_time_ns(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "time_ns", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return clock_ns(ts, CLOCK_REALTIME);
}

static wf_value
t_process_time(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kw)
{
    (void)args;
    if (wf_arg_check(ts, "process_time", nargs, kw, 0, 0) < 0)
        return WF_NULL;
    return clock_float(ts, CLOCK_PROCESS_CPUTIME_ID);
}

static wf_value
t_sleep(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "time.sleep", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    int64_t ns;
    if (wf_timeout_ns(ts, args[0], &ns) < 0)
        return WF_NULL;
    if (ns < 0)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "sleep length must be non-negative");
    if (wf_signal_check(ts) < 0)  // Ctrl-C just before the call
        return WF_NULL;
    struct timespec now, deadline = wf_timeout_deadline(ns);
    // SIGINT is blocked except inside ppoll, which unblocks it atomically:
    // one arriving between the pending check and the wait still ends the
    // wait (EINTR) instead of being noticed only after it. Other signals
    // resume the sleep; Ctrl-C ends it with KeyboardInterrupt (CPython).
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    wf_thread_detach(ts);
    while (!wf_signal_pending(ts)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        struct timespec left = {deadline.tv_sec - now.tv_sec,
                                deadline.tv_nsec - now.tv_nsec};
        if (left.tv_nsec < 0) {
            left.tv_sec--;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0)
            break;
        int r = ppoll(NULL, 0, &left, &old);
        if (r == 0 || (r < 0 && errno != EINTR))
            break;  // the time is up
    }
    wf_thread_attach(ts);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (wf_signal_check(ts) < 0)
        return WF_NULL;
    return WF_NONE;
}

wf_value
wf_time_module_init(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } funcs[] = {
        {"perf_counter", t_perf_counter},
        {"perf_counter_ns", t_perf_counter_ns},
        {"monotonic", t_perf_counter},
        {"monotonic_ns", t_perf_counter_ns},
        {"time", t_time},
        {"time_ns", t_time_ns},
        {"process_time", t_process_time},
        {"sleep", t_sleep},
    };
    wf_value m = wf_module_new(ts, "time");
    if (m == WF_NULL)
        return WF_NULL;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (wf_module_add_func(ts, m, funcs[i].name, funcs[i].fn) < 0)
            return WF_NULL;
    return m;
}
