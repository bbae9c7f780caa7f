// stress/tracecheck.h -- the checkers shared by the tracing stress
// scenarios (wf_stress_mon_* for PEP 669 monitoring, wf_stress_lt_* for
// legacy settrace/setprofile): C callbacks that check every event they
// get, the controller steps that toggle tracing, and the Python workloads.
// A callback or trace function is C code: it never reaches a safe point,
// so a pause (and so a call that turns events off) cannot complete while
// one runs. That is what makes "after the off call returned" decidable:
// the controller publishes its state with atomics around each call, and a
// callback that reads a state saying "off, and settled" is a violation.
#ifndef WF_STRESS_TRACECHECK_H
#define WF_STRESS_TRACECHECK_H

#include <stdint.h>

#include "common.h"

// ===== Monitoring (scenarios mon_*) =====

// What the monitoring controller does. Weights are relative (0: never).
typedef struct wf_stress_mon_opts {
    int ntools;                // tools 0..ntools-1 (at most 4) are toggled
    unsigned disable_per_256;  // chance a callback answers DISABLE to a
                               // local event
    unsigned w_global;         // set_events(random tool, random set)
    unsigned w_local;          // set_local_events(random tool, random code)
    unsigned w_restart;        // restart_events()
    unsigned w_swap;           // swap a callback (A -> B -> none -> A)
    unsigned w_free;           // free_tool_id + use_tool_id again
    unsigned w_barrier;        // a bare pause (retires swapped callbacks)
    bool exception_sets;       // a quarter of global sets hold only
                               // exception events (no bytecode rewrite)
    bool count_lines;          // tool 5 keeps LINE on and counts per thread
} wf_stress_mon_opts;

// The monitoring workload: functions leaf, gen, boom, work, round_end run
// by N threads in rounds (round_end() after every ROUND calls of work);
// results are exact. It calls _stress_ready(functions...) and then
// _stress_go().
extern const char wf_stress_mon_src[];

// Hooks for wf_stress_run_script_hooks. wf_stress_mon_setup must be given
// the options first (wf_stress_mon_configure).
void wf_stress_mon_configure(const wf_stress_mon_opts *opts);
void wf_stress_mon_setup(const wf_stress_cfg *cfg, wf_thread *ts);
void wf_stress_mon_step(const wf_stress_cfg *cfg, wf_thread *ts,
                        uint64_t *rng, long iter);
void wf_stress_mon_finish(const wf_stress_cfg *cfg, wf_thread *ts);
void wf_stress_mon_report(const wf_stress_cfg *cfg, wf_thread *ts);

// ===== Legacy tracing (settrace_flip, trace_raise) =====

// What the legacy controller toggles with the *_all_threads forms.
typedef struct wf_stress_lt_opts {
    bool trace_all;    // weft_set_trace_all_threads on / off
    bool profile_all;  // weft_set_profile_all_threads on / off
} wf_stress_lt_opts;

void wf_stress_lt_configure(const wf_stress_lt_opts *opts);
// Adds the builtin `_stress_settrace(x)`: x 0 clears the calling
// thread's trace function; 1, 2, 3 set the checking C tracer (plain; one
// that fails now and then in `leaf` frames; one that calls
// weft_set_trace(NULL) from inside now and then); a Python function or
// None goes to sys.settrace's own implementation.
void wf_stress_lt_setup(const wf_stress_cfg *cfg, wf_thread *ts);
void wf_stress_lt_step(const wf_stress_cfg *cfg, wf_thread *ts,
                       uint64_t *rng, long iter);
void wf_stress_lt_finish(const wf_stress_cfg *cfg, wf_thread *ts);
void wf_stress_lt_report(const wf_stress_cfg *cfg, wf_thread *ts);

#endif
