// stress/stress.h -- entry point of `weft stress` (wf_stress_*).
// The CLI calls wf_stress_main; the scenarios behind it (stress/sc_*.c,
// registered in stress/scenarios.def, STYLE 10.1) run each in its own
// child process under a watchdog (STYLE 10.3).
#ifndef WF_STRESS_STRESS_H
#define WF_STRESS_STRESS_H

// Run `weft stress` with the arguments after the word "stress"
// ([argv][0] is "stress"); `weft stress --help` lists them. Prints to
// stdout/stderr and returns the process exit status: 0 when every
// scenario held its invariant, 1 when one failed (a violated check, a
// crash, a deadlock caught by the watchdog), 2 on a usage error.
// Caller: the process's main thread, with no weft_runtime alive (each
// scenario runs in its own child process).
int wf_stress_main(int argc, char **argv);

#endif
