// stress/sc_pause_storm.c -- pause storms (wf_stress_pause_storm_run).
// A native pauser requests pauses back to back while N Python threads run
// bytecode: half compute (exact results), half block and wake (a shared
// Lock, Event timeouts, sleep(0)). The pauser checks inside every pause
// that every other thread is SUSPENDED and does not move; the script
// checks its results; the runner's watchdog catches deadlocks.
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
    "def fib(k):\n"
    "    if k < 2:\n"
    "        return k\n"
    "    return fib(k - 1) + fib(k - 2)\n"
    "errors = []\n"
    "counts = [0] * n\n"
    "lock = threading.Lock()\n"
    "shared = [0]\n"
    "def compute(k):\n"
    "    i = 0\n"
    "    while not done(i):\n"
    "        if fib(12 + (seed + i) % 4) != [144, 233, 377, 610][(seed + i) % 4]:\n"
    "            errors.append('fib')\n"
    "        t = 0\n"
    "        j = 0\n"
    "        while j < 500:\n"
    "            t += j\n"
    "            j += 1\n"
    "        if t != 124750:\n"
    "            errors.append('loop')\n"
    "        i += 1\n"
    "    counts[k] = i\n"
    "def blocker(k):\n"
    "    i = 0\n"
    "    ev = threading.Event()\n"
    "    while not done(i):\n"
    "        with lock:\n"
    "            shared[0] += 1\n"
    "        if i % 3 == 0:\n"
    "            time.sleep(0)\n"
    "        elif i % 3 == 1:\n"
    "            ev.wait(0.0001)\n"
    "        else:\n"
    "            lock.acquire()\n"
    "            lock.release()\n"
    "        i += 1\n"
    "    counts[k] = i\n"
    "ts = []\n"
    "for k in range(n):\n"
    "    f = compute if k % 2 == 0 else blocker\n"
    "    ts.append(threading.Thread(target=f, args=(k,)))\n"
    "for t in ts:\n"
    "    t.start()\n"
    "for t in ts:\n"
    "    t.join()\n"
    "blocked = 0\n"
    "for k in range(n):\n"
    "    if k % 2 == 1:\n"
    "        blocked += counts[k]\n"
    "if errors:\n"
    "    raise AssertionError('wrong results: ' + str(errors[:5]))\n"
    "if shared[0] != blocked:\n"
    "    raise AssertionError('lost lock-protected increments: ' + "
    "str(shared[0]) + ' != ' + str(blocked))\n"
    "print('pause_storm: work', counts)\n";

int
wf_stress_pause_storm_run(const wf_stress_cfg *cfg)
{
    return wf_stress_run_script(cfg, src, 0);
}
