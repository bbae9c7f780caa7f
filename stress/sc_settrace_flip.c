// stress/sc_settrace_flip.c -- settrace/setprofile_all_threads flipped on
// and off under load (wf_stress_settrace_flip_run). A controller thread
// flips weft_set_trace_all_threads and weft_set_profile_all_threads with
// the checking C function (stress/tracecheck.c) while N threads run
// calls, generators, exceptions and builtins with exact results. The
// function checks that no event reaches a thread after the call that
// cleared every slot returned, that trace functions get only trace events
// and profile functions only profile events, and that calls and returns
// (c_calls and c_returns) pair up, per thread, for the frames entered
// while the function stayed set.
#include "tracecheck.h"

static const char src[] =
    "import sys, threading, time\n"
    "secs = float(sys.argv[1]); iters = int(sys.argv[2])\n"
    "n = int(sys.argv[3]); seed = int(sys.argv[4])\n"
    "def leaf(x):\n"
    "    y = x * 3\n"
    "    if y % 2 == 0:\n"
    "        y = y // 2\n"
    "    else:\n"
    "        y = y + 1\n"
    "    return y\n"
    "def gen(k):\n"
    "    i = 0\n"
    "    while i < k:\n"
    "        yield i * i\n"
    "        i += 1\n"
    "def deep(d):\n"
    "    if d == 0:\n"
    "        try:\n"
    "            raise KeyError(d)\n"
    "        except KeyError:\n"
    "            return 1\n"
    "    return deep(d - 1) + 1\n"
    "def unwind(d):\n"
    "    if d == 0:\n"
    "        raise ValueError('x')\n"
    "    return unwind(d - 1)\n"
    "def work(k):\n"
    "    t = 0\n"
    "    for i in range(k):\n"
    "        t += leaf(i)\n"
    "    t += sum(gen(k // 3))\n"
    "    t += deep(k % 7)\n"
    "    try:\n"
    "        unwind(k % 5)\n"
    "    except ValueError:\n"
    "        t += 1\n"
    "    t += len(sorted([str(j) for j in range(k % 9)]))\n"
    "    return t\n"
    "K = 30\n"
    "expected = work(K)\n"
    "errors = []\n"
    "counts = [0] * n\n"
    "deadline = time.monotonic() + secs\n"
    "def worker(k):\n"
    "    r = 0\n"
    "    while True:\n"
    "        if secs > 0:\n"
    "            if time.monotonic() > deadline:\n"
    "                break\n"
    "        elif r >= iters:\n"
    "            break\n"
    "        v = work(K)\n"
    "        if v != expected:\n"
    "            errors.append(v)\n"
    "        r += 1\n"
    "    counts[k] = r\n"
    "_stress_go()\n"
    "ts = [threading.Thread(target=worker, args=(k,)) for k in range(n)]\n"
    "for t in ts:\n"
    "    t.start()\n"
    "for t in ts:\n"
    "    t.join()\n"
    "if errors:\n"
    "    raise AssertionError('wrong results: ' + str(errors[:5]))\n"
    "print('settrace_flip: work', counts)\n";

static const wf_stress_lt_opts opts = {.trace_all = true,
                                       .profile_all = true};

static void
setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    wf_stress_lt_configure(&opts);
    wf_stress_lt_setup(cfg, ts);
}

int
wf_stress_settrace_flip_run(const wf_stress_cfg *cfg)
{
    static const wf_stress_hooks hooks = {
        .setup = setup,
        .step = wf_stress_lt_step,
        .finish = wf_stress_lt_finish,
        .report = wf_stress_lt_report,
    };
    return wf_stress_run_script_hooks(cfg, src, 4, &hooks);
}
