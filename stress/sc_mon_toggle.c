// stress/sc_mon_toggle.c -- global PEP 669 events toggled under load
// (wf_stress_mon_toggle_run). A controller thread sets random global event
// sets for tools 0-3 (a quarter of them exception events only, which
// rewrite no bytecode), swaps C callbacks (A -> B -> none -> A), frees and
// re-claims tool ids and makes bare pauses while N threads run the
// monitoring workload (stress/tracecheck.c). Every callback checks that
// its (tool, event) is on by the flag protocol, that the event is well
// formed (a known code's name and first line, a line and offset inside
// it), and that it was not swapped out a pause ago; results are exact.
#include "tracecheck.h"

static const wf_stress_mon_opts opts = {
    .ntools = 4,
    .w_global = 12,
    .w_swap = 5,
    .w_free = 1,
    .w_barrier = 2,
    .exception_sets = true,
};

static void
setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    wf_stress_mon_configure(&opts);
    wf_stress_mon_setup(cfg, ts);
}

int
wf_stress_mon_toggle_run(const wf_stress_cfg *cfg)
{
    static const wf_stress_hooks hooks = {
        .setup = setup,
        .step = wf_stress_mon_step,
        .finish = wf_stress_mon_finish,
        .report = wf_stress_mon_report,
    };
    return wf_stress_run_script_hooks(cfg, wf_stress_mon_src, 4, &hooks);
}
