// stress/sc_mon_local_disable.c -- local events, DISABLE storms and
// restart_events under load (wf_stress_mon_local_disable_run). The
// controller sets random local events for tools 0-2 on random code
// objects of the workload (and now and then global ones), calls
// restart_events and makes bare pauses; callbacks answer DISABLE to a
// quarter of the local events they get. Besides mon_toggle's checks, an
// (instruction, tool, event) that a callback DISABLEd gets no event once
// a full pause has passed, unless restart_events or a call that turned
// an event on ran since.
#include "tracecheck.h"

static const wf_stress_mon_opts opts = {
    .ntools = 3,
    .disable_per_256 = 64,
    .w_global = 3,
    .w_local = 12,
    .w_restart = 4,
    .w_barrier = 4,
};

static void
setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    wf_stress_mon_configure(&opts);
    wf_stress_mon_setup(cfg, ts);
}

int
wf_stress_mon_local_disable_run(const wf_stress_cfg *cfg)
{
    static const wf_stress_hooks hooks = {
        .setup = setup,
        .step = wf_stress_mon_step,
        .finish = wf_stress_mon_finish,
        .report = wf_stress_mon_report,
    };
    return wf_stress_run_script_hooks(cfg, wf_stress_mon_src, 4, &hooks);
}
