// stress/sc_alloc_pressure.c -- allocation pressure across threads
// (wf_stress_alloc_pressure_run). Rounds of N threads append to one
// shared list and insert into one shared dict (20 000 each) while
// allocating garbage, so collections are triggered by any thread and run
// beside the pauser's. Counts and sums must be exact; a generator shared
// by two threads yields each value once (or raises ValueError).
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
    "PER = 20000\n"
    "def worker(k, rl, rd):\n"
    "    g = None\n"
    "    for j in range(PER):\n"
    "        rl.append(j)\n"
    "        rd[(k, j)] = j\n"
    "        if j % 64 == 0:\n"
    "            g = [str(x) + 'x' for x in range(40)]\n"
    "def counter():\n"
    "    i = 0\n"
    "    while True:\n"
    "        yield i\n"
    "        i += 1\n"
    "def taker(gen, out, m):\n"
    "    for _ in range(m):\n"
    "        try:\n"
    "            out.append(next(gen))\n"
    "        except ValueError:\n"
    "            out.append(-1)\n"
    "r = 0\n"
    "while not done(r):\n"
    "    rl = []\n"
    "    rd = {}\n"
    "    ts = [threading.Thread(target=worker, args=(k, rl, rd)) "
    "for k in range(n)]\n"
    "    gen = counter()\n"
    "    outs = [[], []]\n"
    "    ts.append(threading.Thread(target=taker, args=(gen, outs[0], 3000)))\n"
    "    ts.append(threading.Thread(target=taker, args=(gen, outs[1], 3000)))\n"
    "    for t in ts:\n"
    "        t.start()\n"
    "    for t in ts:\n"
    "        t.join()\n"
    "    if len(rl) != PER * n:\n"
    "        raise AssertionError('list lost items: ' + str(len(rl)))\n"
    "    if sum(rl) != n * (PER * (PER - 1) // 2):\n"
    "        raise AssertionError('list items wrong')\n"
    "    if len(rd) != PER * n:\n"
    "        raise AssertionError('dict lost keys: ' + str(len(rd)))\n"
    "    got = sorted([v for v in outs[0] + outs[1] if v >= 0])\n"
    "    if got != list(range(len(got))):\n"
    "        raise AssertionError('generator values duplicated or lost')\n"
    "    r += 1\n"
    "print('alloc_pressure: rounds', r)\n";

int
wf_stress_alloc_pressure_run(const wf_stress_cfg *cfg)
{
    return wf_stress_run_script(cfg, src, 2);
}
