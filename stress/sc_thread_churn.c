// stress/sc_thread_churn.c -- thread churn (wf_stress_thread_churn_run).
// The script starts and joins waves of short-lived threads (some daemon,
// some raising) while the pauser alternates pauses and collections, so
// threads join and leave the list, and hand their allocation lists over,
// while the world stops. Totals must be exact.
#include "common.h"

static const char src[] =
    "import sys, threading, time\n"
    "secs = float(sys.argv[1]); iters = int(sys.argv[2])\n"
    "n = int(sys.argv[3]); seed = int(sys.argv[4])\n"
    "deadline = time.monotonic() + secs\n"
    "def done(i):\n"
    "    if secs > 0:\n"
    "        return time.monotonic() > deadline\n"
    "    return i >= iters\n"
    "total = [0]\n"
    "lk = threading.Lock()\n"
    "def child(m):\n"
    "    s = 0\n"
    "    junk = []\n"
    "    for i in range(m):\n"
    "        s += i\n"
    "        junk.append(str(i))\n"
    "    with lk:\n"
    "        total[0] += s\n"
    "i = 0\n"
    "expected = 0\n"
    "while not done(i):\n"
    "    ts = []\n"
    "    for j in range(n):\n"
    "        m = 50 + (seed + i + j) % 200\n"
    "        expected += m * (m - 1) // 2\n"
    "        ts.append(threading.Thread(target=child, args=(m,), "
    "daemon=(j % 2 == 0)))\n"
    "    for t in ts:\n"
    "        t.start()\n"
    "    for t in ts:\n"
    "        t.join()\n"
    "        if t.is_alive():\n"
    "            raise AssertionError('alive after join')\n"
    "    i += 1\n"
    "if total[0] != expected:\n"
    "    raise AssertionError(str(total[0]) + ' != ' + str(expected))\n"
    "print('thread_churn: waves', i)\n";

int
wf_stress_thread_churn_run(const wf_stress_cfg *cfg)
{
    return wf_stress_run_script(cfg, src, 3);
}
