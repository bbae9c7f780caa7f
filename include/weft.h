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

#ifdef __cplusplus
}
#endif

#endif
