// stress/common.h -- shared helpers of the stress scenarios (wf_stress_*):
// configuration, STRESS_CHECK, seeded PRNG, clocks, the pauser thread and
// the latency summary (STYLE 10.2, after CK's regressions/common.h).
// Scenarios run inside a child process that owns one weft runtime.
#ifndef WF_STRESS_COMMON_H
#define WF_STRESS_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "objects/object.h"
#include "stress.h"
#include "threads/thread.h"

// One scenario run's settings (from the command line).
typedef struct wf_stress_cfg {
    const char *name;       // scenario name
    const char *invariant;  // printed on failure
    int threads;            // Python threads
    double seconds;         // run length (0: use iterations)
    long iterations;        // loop count when seconds == 0
    uint64_t seed;
} wf_stress_cfg;

// Scenario entry points (one per stress/scenarios.def line). Return 0 when
// every check held; a failed STRESS_CHECK exits the child process.
#define WF_STRESS(name, threads, tracing, invariant) \
    int wf_stress_##name##_run(const wf_stress_cfg *cfg);
#include "scenarios.def"

// Record the failure (scenario, seed, iteration, thread, message) and
// stop the scenario: the child exits with status 1.
void wf_stress_fail(const wf_stress_cfg *cfg, long iter, const char *file,
                    int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6), noreturn));
#define STRESS_CHECK(cfg, iter, cond, ...)                                \
    do {                                                                  \
        if (!(cond))                                                      \
            wf_stress_fail((cfg), (iter), __FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

// xorshift64* PRNG; [*state] must not be 0.
uint64_t wf_stress_rand(uint64_t *state);
uint64_t wf_stress_now_ns(void);

// The pauser: a native thread with its own wf_thread that requests pauses
// (and, every [gc_every]-th time, collections; 0: never) in a loop until
// stopped, checking inside each pause that every other thread is
// SUSPENDED and that none of them moves (state and saved pc sampled twice).
typedef struct wf_stress_pauser wf_stress_pauser;
wf_stress_pauser *wf_stress_pauser_start(const wf_stress_cfg *cfg,
                                         int gc_every);
// Stop and join it; returns the number of pauses it made.
long wf_stress_pauser_stop(wf_stress_pauser *p);

// Run [src] as __main__ with sys.argv = ["<stress>", args...] in a new
// runtime on the calling thread while a pauser runs; check the script
// exited 0 and printed a last line "ok"; print the summary line with
// pause latencies. Returns 0 (failures exit the child).
int wf_stress_run_script(const wf_stress_cfg *cfg, const char *src,
                         int gc_every);

// What a scenario adds to wf_stress_run_script: a controller thread (a
// native thread with its own wf_thread, attached) that calls [step] in a
// loop, with a short detached sleep between steps, from the moment the
// script calls the builtin `_stress_go()` until the script has returned.
// Any hook may be NULL.
typedef struct wf_stress_hooks {
    // The runtime's main thread, attached, before the script runs (add
    // builtins, claim tools, register callbacks).
    void (*setup)(const wf_stress_cfg *cfg, wf_thread *ts);
    // One controller step; [iter] counts from 1; [rng] is seeded from the
    // scenario's seed.
    void (*step)(const wf_stress_cfg *cfg, wf_thread *ts, uint64_t *rng,
                 long iter);
    // The controller, once, after its last step (and only if it started).
    void (*finish)(const wf_stress_cfg *cfg, wf_thread *ts);
    // The main thread, attached, after the script and the controller have
    // stopped: final checks and one line of scenario counters.
    void (*report)(const wf_stress_cfg *cfg, wf_thread *ts);
} wf_stress_hooks;

// wf_stress_run_script with [hooks] (NULL: none). The summary line also
// gives the controller's step count. Returns 0 (failures exit the child).
int wf_stress_run_script_hooks(const wf_stress_cfg *cfg, const char *src,
                               int gc_every, const wf_stress_hooks *hooks);

// Add builtin function [name] ([fn]) to the builtins of the running
// runtime, so the scenario's script can call back into the harness.
// Caller: the runtime's main thread, attached (a setup hook).
void wf_stress_add_builtin(const wf_stress_cfg *cfg, wf_thread *ts,
                           const char *name, wf_cfunc fn);

#endif
