// include/weft.h -- the public embedding API of Weft (weft_*, WEFT_*).
// The only header an embedder (and cli/, bench/) includes. Exposes opaque
// handles, version macros, status codes and the exported functions; every
// function validates its arguments and returns a status, never aborts on
// misuse (STYLE 3.1, 7.3). Implemented by runtime/api.c.
// Threading: a weft_runtime may be used from the thread that created it;
// per-function contracts below say what else is allowed.
#ifndef WEFT_H
#define WEFT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ===== Version =====

#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0
// One comparable number: 0x00MMmmpp (major, minor, patch).
#define WEFT_VERSION_NUMBER \
  ((WEFT_VERSION_MAJOR << 16) | (WEFT_VERSION_MINOR << 8) | WEFT_VERSION_PATCH)
#define WEFT_VERSION_STRING "0.1.0"

// ===== Visibility =====

// Marks every exported function. The build uses -fvisibility=hidden, so
// only WEFT_API symbols leave a shared build of the runtime (STYLE 3.3).
#if defined(_WIN32)
#  define WEFT_API
#elif defined(__GNUC__)
#  define WEFT_API __attribute__((visibility("default")))
#else
#  define WEFT_API
#endif

// ===== Status codes =====

// Every weft_* function that can fail returns one of these. X(name, value,
// message); the enumerators are WEFT_<name>. OK is 0, errors are negative.
// New codes are appended; values never change once released.
// (clang-format off: the X-macro table and its expansions stay aligned.)
// clang-format off
#define WEFT_STATUS_MAP(X)                                              \
    X(OK,         0, "success")                                         \
    X(EINVAL,    -1, "invalid argument")                                \
    X(ENOMEM,    -2, "out of memory")                                   \
    X(ETOOLBUSY, -3, "monitoring tool id already in use")               \
    X(ENOTOOL,   -4, "monitoring tool id not in use")                   \
    X(EDETACHED, -5, "calling thread is not attached")                  \
    X(EIO,       -6, "cannot read the file")                            \
    X(EEXIST,    -7, "a runtime already exists in this process")        \
    X(ENOTSUP,   -8, "not supported by this build")

typedef enum weft_status {
#define WEFT_STATUS_ENUM_(name, value, msg) WEFT_##name = (value),
    WEFT_STATUS_MAP(WEFT_STATUS_ENUM_)
#undef WEFT_STATUS_ENUM_
} weft_status;

// The enumerator's name ("WEFT_EINVAL"), or "WEFT_<unknown>" for a value
// that is not a status. Pure; any thread; needs no runtime.
static inline const char *
weft_status_name(weft_status st)
{
    switch (st) {
#define WEFT_STATUS_NAME_(name, v, m) case WEFT_##name: return "WEFT_" #name;
        WEFT_STATUS_MAP(WEFT_STATUS_NAME_)
#undef WEFT_STATUS_NAME_
    }
    return "WEFT_<unknown>";
}

// A one-line English description of [st] ("invalid argument"), or
// "unknown status" for a value that is not a status. Pure; any thread;
// needs no runtime.
static inline const char *
weft_strerror(weft_status st)
{
    switch (st) {
#define WEFT_STATUS_MSG_(name, v, msg) case WEFT_##name: return msg;
        WEFT_STATUS_MAP(WEFT_STATUS_MSG_)
#undef WEFT_STATUS_MSG_
    }
    return "unknown status";
}
// clang-format on

// ===== Runtime =====

// One Weft interpreter: heap, modules, threads, monitoring state. Opaque.
typedef struct weft_runtime weft_runtime;

// Create a runtime and attach the calling thread to it as its main thread.
// On success stores the handle in *[out] and returns WEFT_OK.
// Fails with WEFT_EINVAL if [out] is NULL, WEFT_ENOMEM if allocation fails,
// WEFT_EEXIST if this process already has a live runtime (one per process
// for now); *[out] is set to NULL on failure.
// Caller: any thread not attached to a runtime; the calling thread becomes
// the runtime's main thread.
WEFT_API weft_status weft_runtime_new(weft_runtime **out);

// Destroy [rt]: join nothing, release every object and the runtime itself.
// Threads the script started and left running are not waited for (as
// CPython's daemon threads); their further behaviour is undefined, so the
// CLI frees the runtime only after the script returns. NULL is a no-op.
// Caller: the thread that created [rt]; no Weft code may run concurrently.
WEFT_API void weft_runtime_free(weft_runtime *rt);

// The live runtime of this process, or NULL if none exists (for code that
// runs inside a script, such as a C tool installed from a builtin module).
// Any thread. Never fails.
WEFT_API weft_runtime *weft_runtime_current(void);

// Set sys.argv to the [argc] strings of [argv] (copied; the caller keeps
// ownership). As CPython: argv[0] is the script path, or "-c" for code
// given on the command line; argc may be 0 (sys.argv becomes ['']).
// Returns WEFT_OK, WEFT_EINVAL if [rt] is NULL, argc < 0, or argv (or one
// of its first argc entries) is NULL; WEFT_ENOMEM on allocation failure.
// Caller: the runtime's main thread, before or between weft_run_* calls.
WEFT_API weft_status weft_set_argv(weft_runtime *rt, int argc,
                                   const char *const *argv);

// Compile and run the file at [path] as module __main__.
// Returns WEFT_OK when the script ran, whatever its outcome, and stores in
// *[exit_code] the exit status a command-line host should use, as CPython:
// 0 when the script finished normally; 1 for an uncaught exception,
// SyntaxError included (the traceback has been printed to stderr);
// SystemExit's code (None -> 0, an int -> that int, anything else is
// printed to stderr -> 1).
// Returns WEFT_EINVAL if an argument is NULL, WEFT_EIO if the file cannot
// be opened or read (nothing printed; *[exit_code] untouched, the host
// reports the error), WEFT_ENOMEM if the runtime itself ran out of memory
// outside the script.
// Caller: the runtime's main thread. Blocks until the script's main code
// returns (threads it started and did not join may still run).
WEFT_API weft_status weft_run_file(weft_runtime *rt, const char *path,
                                   int *exit_code);

// As weft_run_file, for the NUL-terminated source [src]; [filename] is the
// name shown in tracebacks and co_filename ("<string>" for `weft -c`).
// Returns WEFT_OK with *[exit_code] as weft_run_file; WEFT_EINVAL if an
// argument is NULL; WEFT_ENOMEM as weft_run_file.
// Caller: the runtime's main thread.
WEFT_API weft_status weft_run_string(weft_runtime *rt, const char *src,
                                     const char *filename, int *exit_code);

// The runtime library's version, "MAJOR.MINOR.PATCH" (equal to
// WEFT_VERSION_STRING of the header it was built with). Static storage;
// any thread; needs no runtime.
WEFT_API const char *weft_version_string(void);

// ===== Statistics =====

// Stop-the-world pauses since the runtime started (ARCHITECTURE "Threads
// and the pause"): how many, and percentiles of time-to-safepoint (request
// until every attached thread is parked) and of pause length (request until
// release), in nanoseconds. All zero when no pause happened.
typedef struct weft_pause_stats {
    uint64_t count;
    uint64_t ttsp_ns_p50, ttsp_ns_p99, ttsp_ns_max;
    uint64_t dur_ns_p50, dur_ns_p99, dur_ns_max;
} weft_pause_stats;

// Fill *[out] with the pause statistics of [rt] (a consistent snapshot).
// Returns WEFT_OK, or WEFT_EINVAL if an argument is NULL.
// Caller: any thread, attached or not; takes only the statistics lock, so
// it never waits for a pause to end and never reaches a safe point.
WEFT_API weft_status weft_stats_pauses(weft_runtime *rt, weft_pause_stats *out);

// ===== Legacy tracing C API (runtime/legacy) =====
// sys.settrace / sys.setprofile for tracers written in C, as CPython's
// PyEval_SetTrace, PyEval_SetProfile, PyEval_SetTraceAllThreads and
// PyEval_SetProfileAllThreads. A trace function gets the same events as a
// Python-level one (WEFT_TRACE_*, CPython's PyTrace_* numbers) but for
// every frame: the f_trace rules of the Python bridge do not apply. It
// runs on the thread where the event happened, with that thread attached,
// and no event is reported for code it runs itself.

// Event kinds (the `what` of a weft_trace_func); same values as PyTrace_*.
#define WEFT_TRACE_CALL 0
#define WEFT_TRACE_EXCEPTION 1
#define WEFT_TRACE_LINE 2
#define WEFT_TRACE_RETURN 3
#define WEFT_TRACE_C_CALL 4
#define WEFT_TRACE_C_EXCEPTION 5
#define WEFT_TRACE_C_RETURN 6
#define WEFT_TRACE_OPCODE 7

// A running frame, and a value, as a trace function sees them. Opaque;
// valid only until the trace function returns.
typedef struct weft_frame weft_frame;
typedef struct weft_object weft_object;

// A trace or profile function. [data] is what weft_set_trace/profile was
// given; [arg] is the event's argument (the return value for RETURN, the
// (type, value, traceback) tuple for EXCEPTION, the builtin for C_*, None
// otherwise). Return 0 to go on. A non-zero return switches the function
// off for the calling thread (as a raising Python trace function does) and
// raises RuntimeError in the traced code at that point.
typedef int (*weft_trace_func)(void *data, weft_frame *frame, int what,
                               const weft_object *arg);

// Set the calling thread's trace (or profile) function to [fn] with
// [data]; [fn] NULL removes it ([data] is then ignored). The *_all_threads
// forms set it for every thread of the runtime at one instant (one pause).
// Returns WEFT_OK; WEFT_EINVAL if [rt] is NULL; WEFT_EDETACHED if the
// calling thread is not attached to [rt] (it must be running Weft code
// or be the runtime's main thread between runs); WEFT_ENOTSUP in a build
// without monitoring; WEFT_ENOMEM if allocation fails.
// Caller: an attached thread; may pause every thread of the runtime.
WEFT_API weft_status weft_set_trace(weft_runtime *rt, weft_trace_func fn,
                                    void *data);
WEFT_API weft_status weft_set_profile(weft_runtime *rt, weft_trace_func fn,
                                      void *data);
WEFT_API weft_status weft_set_trace_all_threads(weft_runtime *rt,
                                                weft_trace_func fn,
                                                void *data);
WEFT_API weft_status weft_set_profile_all_threads(weft_runtime *rt,
                                                  weft_trace_func fn,
                                                  void *data);

// Inside a trace function only: the frame's current line (-1 if none),
// its code's first line, its code's name and file name (static for the
// duration of the call; never NULL).
WEFT_API int weft_frame_lineno(const weft_frame *frame);
WEFT_API int weft_frame_first_lineno(const weft_frame *frame);
WEFT_API const char *weft_frame_code_name(const weft_frame *frame);
WEFT_API const char *weft_frame_filename(const weft_frame *frame);
// Inside a trace function only: the type name of [arg] ("int", "tuple");
// and the name of a builtin function or a type, else NULL (for C_* events
// this is the builtin's __name__).
WEFT_API const char *weft_object_type_name(const weft_object *arg);
WEFT_API const char *weft_object_name(const weft_object *arg);

// ===== End of the legacy tracing C API =====

// ===== Monitoring (PEP 669) C API (runtime/monitor) =====
// sys.monitoring for tools written in C: claim a tool id, register a C
// callback per (tool, event), set the tool's global events. The same state
// as the Python API (a tool claimed here is in use for sys.monitoring too),
// the same delivery: callbacks run on the thread where the event happened,
// in descending tool id order, and no event is reported for code a
// callback runs. Used by the tests and the bench to measure dispatch cost
// without a Python callback.

// Event numbers: the bit index of each event in sys.monitoring.events.
#define WEFT_MON_EV_PY_START 0
#define WEFT_MON_EV_PY_RESUME 1
#define WEFT_MON_EV_PY_RETURN 2
#define WEFT_MON_EV_PY_YIELD 3
#define WEFT_MON_EV_CALL 4
#define WEFT_MON_EV_LINE 5
#define WEFT_MON_EV_INSTRUCTION 6
#define WEFT_MON_EV_JUMP 7
#define WEFT_MON_EV_BRANCH_LEFT 8
#define WEFT_MON_EV_BRANCH_RIGHT 9
#define WEFT_MON_EV_STOP_ITERATION 10
#define WEFT_MON_EV_RAISE 11
#define WEFT_MON_EV_EXCEPTION_HANDLED 12
#define WEFT_MON_EV_PY_UNWIND 13
#define WEFT_MON_EV_PY_THROW 14
#define WEFT_MON_EV_RERAISE 15
#define WEFT_MON_EV_C_RETURN 16
#define WEFT_MON_EV_C_RAISE 17
#define WEFT_MON_EV_COUNT 18
// An event set: bit (1u << WEFT_MON_EV_x) per event.
#define WEFT_MON_EVENT_BIT(ev) (1u << (ev))

// What a C callback is told about one event. Valid only during the call.
typedef struct weft_mon_event {
    int tool;               // the tool id (0-7) being called
    int event;              // WEFT_MON_EV_*
    const char *code_name;  // co_name of the code object (UTF-8)
    int32_t firstlineno;    // its co_firstlineno
    int32_t offset;         // instruction offset (2 * unit); -1 for LINE
    int32_t line;           // LINE: the new line; else the offset's line,
                            // or -1 if it has none
} weft_mon_event;

// A C monitoring callback. [data] is what weft_monitor_set_callback got.
// Return 0 to go on; WEFT_MON_DISABLE to stop this event at this
// instruction for this tool (local events only; for others the callback is
// removed and ValueError raised, as a Python callback returning DISABLE);
// a negative value raises RuntimeError in the monitored code at the event.
typedef int (*weft_mon_callback)(void *data, const weft_mon_event *ev);
#define WEFT_MON_DISABLE 1

// Claim tool id [tool] (0-5) under [name] (copied).
// Returns WEFT_OK; WEFT_EINVAL for a bad id or NULL [rt]/[name];
// WEFT_ETOOLBUSY if the id is in use; WEFT_EDETACHED if the calling thread
// is not attached to [rt]; WEFT_ENOMEM; WEFT_ENOTSUP without monitoring.
// Caller: an attached thread (may wait for the monitoring mutex).
WEFT_API weft_status weft_monitor_use_tool(weft_runtime *rt, int tool,
                                           const char *name);

// Release [tool] (0-5): its callbacks, global and local events go first
// (sys.monitoring.free_tool_id). Returns WEFT_OK (also for an id not in
// use), WEFT_EINVAL, WEFT_EDETACHED, WEFT_ENOTSUP.
// Caller: an attached thread; may pause every thread of the runtime.
WEFT_API weft_status weft_monitor_free_tool(weft_runtime *rt, int tool);

// Set (or, with [fn] NULL, remove) the C callback of ([tool], [event]).
// An atomic swap: no pause. Returns WEFT_OK; WEFT_EINVAL for a bad tool
// (0-5) or event; WEFT_ENOTOOL if [tool] is not in use; WEFT_EDETACHED;
// WEFT_ENOMEM; WEFT_ENOTSUP without monitoring.
// Caller: an attached thread.
WEFT_API weft_status weft_monitor_set_callback(weft_runtime *rt, int tool,
                                               int event,
                                               weft_mon_callback fn,
                                               void *data);

// Set [tool]'s global events to [events] (sys.monitoring.set_events: CALL
// implies C_RETURN and C_RAISE, which cannot be set without it). When it
// returns, every thread reports every later event of the set, and no
// thread reports an event outside it. Returns WEFT_OK; WEFT_EINVAL for a
// bad tool or set; WEFT_ENOTOOL; WEFT_EDETACHED; WEFT_ENOMEM;
// WEFT_ENOTSUP. Caller: an attached thread; may pause every thread.
WEFT_API weft_status weft_monitor_set_events(weft_runtime *rt, int tool,
                                             uint32_t events);

// sys.monitoring.restart_events: re-enable every (instruction, tool) a
// callback disabled. Returns WEFT_OK, WEFT_EINVAL, WEFT_EDETACHED,
// WEFT_ENOMEM, WEFT_ENOTSUP. Caller: an attached thread; may pause.
WEFT_API weft_status weft_monitor_restart_events(weft_runtime *rt);

// ===== End of the monitoring C API =====

#ifdef __cplusplus
}
#endif

#endif
