// stress/sc_trace_raise.c -- trace functions that raise or clear tracing
// from inside, per-thread settrace, and settrace_all_threads, while waves
// of threads start and exit (wf_stress_trace_raise_run). Each worker
// switches its own trace function at random: off, the checking C tracer
// (plain, failing now and then in `leaf`, or calling weft_set_trace(NULL)
// from inside), or a Python trace function that raises in `leaf` or calls
// sys.settrace(None) from inside; it exits with any of them still set.
// The controller flips settrace_all_threads. Checks: the C tracer's (no
// event after the slot was cleared and the call returned, by the thread
// itself or by the controller; call/return balance), the Python tracer
// is never called after it raised or cleared itself on that thread, and
// every completed work item has the exact result.
#include "tracecheck.h"

static const char src[] =
    "import sys, threading, time\n"
    "secs = float(sys.argv[1]); iters = int(sys.argv[2])\n"
    "n = int(sys.argv[3]); seed = int(sys.argv[4])\n"
    "class Boom(Exception):\n"
    "    pass\n"
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
    "def work(k):\n"
    "    t = 0\n"
    "    for i in range(k):\n"
    "        t += leaf(i)\n"
    "    for v in gen(k // 4):\n"
    "        t += v\n"
    "    try:\n"
    "        raise ValueError(k)\n"
    "    except ValueError:\n"
    "        t += 1\n"
    "    return t\n"
    "K = 20\n"
    "ITEMS = 6\n"
    "expected = work(K)\n"
    "armed = {}\n"
    "ncalls = {}\n"
    "bad = []\n"
    "stats = [[0, 0] for _ in range(n)]\n"
    "def pyfn(frame, event, arg):\n"
    "    me = threading.get_ident()\n"
    "    if not armed.get(me, False):\n"
    "        bad.append(('called while disarmed', event, frame.f_code.co_name))\n"
    "        return None\n"
    "    c = ncalls.get(me, 0) + 1\n"
    "    ncalls[me] = c\n"
    "    if frame.f_code.co_name == 'leaf' and c % 41 == 0:\n"
    "        armed[me] = False\n"
    "        raise Boom()\n"
    "    if c % 67 == 0:\n"
    "        sys.settrace(None)\n"
    "        armed[me] = False\n"
    "        return None\n"
    "    return pyfn\n"
    "def worker(k, w):\n"
    "    me = threading.get_ident()\n"
    "    r = (seed + k * 7919 + w * 104729) % 2147483647 + 1\n"
    "    done = 0\n"
    "    while done < ITEMS:\n"
    "        r = (r * 48271) % 2147483647\n"
    "        m = r % 8\n"
    "        if m < 4:\n"
    "            _stress_settrace(m)\n"
    "        elif m == 4:\n"
    "            armed[me] = True\n"
    "            _stress_settrace(pyfn)\n"
    "        elif m == 5:\n"
    "            _stress_settrace(None)\n"
    "            armed[me] = False\n"
    "        try:\n"
    "            v = work(K)\n"
    "        except Boom:\n"
    "            stats[k][0] += 1\n"
    "            continue\n"
    "        except RuntimeError:\n"
    "            stats[k][1] += 1\n"
    "            continue\n"
    "        if v != expected:\n"
    "            bad.append(('wrong result', v))\n"
    "        done += 1\n"
    "    m = r % 3\n"
    "    if m == 2:\n"
    "        armed[me] = True\n"
    "        _stress_settrace(pyfn)\n"
    "    else:\n"
    "        _stress_settrace(m)\n"
    "deadline = time.monotonic() + secs\n"
    "def finished(i):\n"
    "    if secs > 0:\n"
    "        return time.monotonic() > deadline\n"
    "    return i >= iters\n"
    "_stress_go()\n"
    "w = 0\n"
    "while not finished(w):\n"
    "    ts = [threading.Thread(target=worker, args=(k, w)) for k in range(n)]\n"
    "    for t in ts:\n"
    "        t.start()\n"
    "    for t in ts:\n"
    "        t.join()\n"
    "    w += 1\n"
    "_stress_settrace(0)\n"
    "if bad:\n"
    "    raise AssertionError(str(len(bad)) + ' violations: ' + str(bad[:5]))\n"
    "print('trace_raise: waves', w, 'Boom', sum([s[0] for s in stats]),\n"
    "      'RuntimeError', sum([s[1] for s in stats]))\n";

static const wf_stress_lt_opts opts = {.trace_all = true};

static void
setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    wf_stress_lt_configure(&opts);
    wf_stress_lt_setup(cfg, ts);
}

int
wf_stress_trace_raise_run(const wf_stress_cfg *cfg)
{
    static const wf_stress_hooks hooks = {
        .setup = setup,
        .step = wf_stress_lt_step,
        .finish = wf_stress_lt_finish,
        .report = wf_stress_lt_report,
    };
    return wf_stress_run_script_hooks(cfg, src, 3, &hooks);
}
