// stress/sc_mon_line_counts.c -- exact per-thread LINE counts while other
// tools toggle (wf_stress_mon_line_counts_run). Tool 5 sets LINE
// globally before the script starts and never changes; its callback
// counts each thread's LINE events per line in the workload's functions.
// The main thread's first round (before the controller starts) is the
// calibration; every later round of every thread must match it exactly,
// while the controller toggles global and local events of tools 0-2,
// their callbacks DISABLE now and then, and restart_events runs.
#include "tracecheck.h"

static const wf_stress_mon_opts opts = {
    .ntools = 3,
    .disable_per_256 = 48,
    .w_global = 6,
    .w_local = 8,
    .w_restart = 3,
    .w_barrier = 2,
    .count_lines = true,
};

static void
setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    wf_stress_mon_configure(&opts);
    wf_stress_mon_setup(cfg, ts);
}

int
wf_stress_mon_line_counts_run(const wf_stress_cfg *cfg)
{
    static const wf_stress_hooks hooks = {
        .setup = setup,
        .step = wf_stress_mon_step,
        .finish = wf_stress_mon_finish,
        .report = wf_stress_mon_report,
    };
    return wf_stress_run_script_hooks(cfg, wf_stress_mon_src, 4, &hooks);
}
