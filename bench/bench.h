// bench/bench.h -- entry point of `weft bench` (wf_bench_*).
// The harness times workload scripts (bench/workloads.def) as child
// processes, under Weft and optionally under a CPython, in interleaved
// rounds, and prints a table plus one JSON line per workload and mode
// (STYLE 10.4-10.7). It needs only include/weft.h.
#ifndef WF_BENCH_BENCH_H
#define WF_BENCH_BENCH_H

// Run `weft bench` with the arguments after the word "bench" ([argv][0] is
// "bench"); `weft bench --help` lists them. Weft is timed as
// "/proc/self/exe run SCRIPT N" unless --weft gives another command.
// Returns the process exit status: 0 when every selected workload printed
// its expected checksum and was timed, 1 when one failed (wrong checksum,
// crash, timeout), 2 on a usage error.
// Caller: the process's main thread, with no weft_runtime alive; forks and
// waits for children, and does not touch SIGCHLD handling.
int wf_bench_main(int argc, char **argv);

#endif
