// stress/tracecheck.c -- checkers of the tracing stress scenarios
// (wf_stress_mon_*, wf_stress_lt_*): C callbacks that validate every event
// against the state the controller published, and the controller steps.
// The protocol (ARCHITECTURE "Tracing stress scenarios"): a flag is set
// before the call that turns an event on and cleared after the call that
// turns it off has returned; counters that the controller bumps before and
// after a call (odd while the call runs) tell a callback whether a state
// is settled. Callbacks run without a safe point, so no pause completes
// while one runs; a callback that starts after a flag was cleared started
// after the off call returned.
#define _GNU_SOURCE
#include "tracecheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weft.h>

#include "atomic.h"
#include "vm/code.h"
#include "objects/error.h"
#include "objects/func.h"
#include "legacy/legacy.h"
#include "monitor/events.h"
#include "monitor/monitor.h"
#include "threads/stw.h"

// ===== Shared Python workload (monitoring) =====

const char wf_stress_mon_src[] =
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
    "def boom(x):\n"
    "    try:\n"
    "        if x % 3 == 0:\n"
    "            raise ValueError(x)\n"
    "        return x\n"
    "    except ValueError:\n"
    "        return -x\n"
    "def work(k):\n"
    "    t = 0\n"
    "    for i in range(k):\n"
    "        t += leaf(i)\n"
    "    for v in gen(k // 4):\n"
    "        t += v\n"
    "    j = 0\n"
    "    while j < k:\n"
    "        t += boom(j) + len(str(j))\n"
    "        j += 1\n"
    "    return t\n"
    "def round_end():\n"
    "    return 0\n"
    "K = 24\n"
    "ROUND = 4\n"
    "first = [work(K) for _ in range(ROUND)]\n"
    "round_end()\n"
    "expected = first[0]\n"
    "if first != [expected] * ROUND:\n"
    "    raise AssertionError('calibration differs: ' + str(first))\n"
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
    "        for _ in range(ROUND):\n"
    "            v = work(K)\n"
    "            if v != expected:\n"
    "                errors.append(v)\n"
    "        round_end()\n"
    "        r += 1\n"
    "    counts[k] = r\n"
    "_stress_ready(leaf, gen, boom, work, round_end, worker)\n"
    "_stress_go()\n"
    "ts = [threading.Thread(target=worker, args=(k,)) for k in range(n)]\n"
    "for t in ts:\n"
    "    t.start()\n"
    "for t in ts:\n"
    "    t.join()\n"
    "if errors:\n"
    "    raise AssertionError('wrong results: ' + str(errors[:5]))\n"
    "print('rounds per thread', counts)\n";

// ===== Monitoring: state =====

enum {
    MON_TOOLS = 4,          // toggled tools 0..3
    MON_COUNT_TOOL = 5,     // the tool that keeps LINE on (count_lines)
    MON_CODES = 16,         // code objects from _stress_ready
    MON_UNITS = 512,        // units tracked per code for DISABLE
    MON_EVENTS = WEFT_MON_EV_COUNT,
    MON_LOCAL = WF_EV_LOCAL_COUNT,
    MON_MAXLINE = 256,      // line histogram size (the script is shorter)
};

static const wf_stress_cfg *mcfg;
static wf_stress_mon_opts mopts;

// One callback registration: the data of a C callback. Two per (tool,
// event), installed alternately, so a swapped-out one can be retired.
typedef struct mon_reg {
    int tool, event;
    // 1 once the controller knows no thread may still call it (it was
    // swapped out and a pause has passed since, or its tool was freed).
    // W: controller (release). R: callbacks (acquire).
    uint32_t dead;
    // Swapped out, not yet retired. W/R: controller only.
    bool retire;
} mon_reg;
static mon_reg regs[MON_TOOLS][MON_EVENTS][2];
// Which registration is installed: 0, 1, or -1 (none). Controller only.
static int installed[MON_TOOLS][MON_EVENTS];

// Events on (as the flag protocol says): global per (tool, event) and
// local per (tool, code, event). C_RETURN / C_RAISE use CALL's flag.
// W: controller (release), set before the on call and cleared after the
// off call returned. R: callbacks (acquire).
static uint32_t gflag[MON_TOOLS][MON_EVENTS];
static uint32_t lflag[MON_TOOLS][MON_CODES][MON_LOCAL];
// The sets the controller last applied. Controller only.
static uint32_t gcur[MON_TOOLS];
static uint32_t lcur[MON_TOOLS][MON_CODES];

// Bare pauses completed by the controller, from 1. W: controller
// (release, after wf_stw_end). R: callbacks (acquire).
static uint64_t epoch = 1;
// Bumped before and after every call that may re-enable a DISABLEd
// instruction (restart_events, or any call that turns an event on): odd
// while one runs. W: controller. R: callbacks (acquire).
static uint64_t rgen;
// Per (tool, code, local event, unit): the (rgen << 32 | epoch) a callback
// saw when it answered DISABLE there (the largest, if several), or 0.
// W/R: callbacks (CAS).
static uint64_t disabled_at[MON_TOOLS][MON_CODES][MON_LOCAL][MON_UNITS];

// The code objects the workload handed over (_stress_ready). Filled once
// by the main thread before _stress_go; [ncodes] published with release.
typedef struct mon_code {
    wf_code *co;
    const char *name;  // the code's own name string (compare by identity)
    char cname[32];
    int32_t first, last;
} mon_code;
static mon_code codes[MON_CODES];
static uint32_t ncodes;

// Counters (relaxed). events: delivered to checking callbacks.
static uint64_t n_events, n_disables, n_rounds;

// count_lines: the calibration histogram (main thread's first round).
// W: main thread before _stress_go, then [calibrated] (release).
static uint32_t calib[MON_MAXLINE];
static uint32_t calibrated;

// Per-thread state of the callbacks.
typedef struct mon_tls {
    uint64_t rng;
    uint64_t events;  // not yet added to n_events
    uint32_t hist[MON_MAXLINE];
} mon_tls;
static _Thread_local mon_tls mtl;

static int
flag_event(int ev)
{
    return ev == WEFT_MON_EV_C_RETURN || ev == WEFT_MON_EV_C_RAISE
               ? WEFT_MON_EV_CALL
               : ev;
}

static int
find_code(const char *name, int32_t first)
{
    uint32_t n = wf_atomic_load_acquire_u32_word(&ncodes);
    for (uint32_t i = 0; i < n; i++)
        if (codes[i].first == first && strcmp(codes[i].cname, name) == 0)
            return (int)i;
    return -1;
}

static uint64_t
tls_rand(void)
{
    if (mtl.rng == 0)
        mtl.rng = (mcfg->seed ^ (uint64_t)(uintptr_t)&mtl) | 1;
    return wf_stress_rand(&mtl.rng);
}

// ===== Monitoring: the checking callback =====

// Is [ev] well formed: a live code, a line inside it, an offset inside it?
static void
check_shape(const weft_mon_event *ev, int fi)
{
    STRESS_CHECK(mcfg, 0, ev->code_name != NULL && ev->code_name[0] != '\0',
                 "event %d of tool %d has no code name", ev->event, ev->tool);
    int32_t lo = ev->firstlineno, hi = INT32_MAX;
    if (fi >= 0)
        hi = codes[fi].last;
    if (ev->event == WEFT_MON_EV_LINE) {
        STRESS_CHECK(mcfg, 0, ev->offset == -1 && ev->line >= lo &&
                                  ev->line <= hi,
                     "LINE event of tool %d in %s (first line %d) for line "
                     "%d, outside %d..%d",
                     ev->tool, ev->code_name, ev->firstlineno, ev->line, lo,
                     hi);
        return;
    }
    STRESS_CHECK(mcfg, 0,
                 ev->offset >= 0 && ev->offset % 2 == 0 &&
                     (fi < 0 || (uint32_t)ev->offset / 2 < codes[fi].co->ncode),
                 "event %d of tool %d in %s has offset %d outside the code",
                 ev->event, ev->tool, ev->code_name, ev->offset);
    STRESS_CHECK(mcfg, 0, ev->line == -1 || (ev->line >= lo && ev->line <= hi),
                 "event %d of tool %d in %s (first line %d) at line %d, "
                 "outside %d..%d",
                 ev->event, ev->tool, ev->code_name, ev->firstlineno,
                 ev->line, lo, hi);
}

static int
mon_cb(void *data, const weft_mon_event *ev)
{
    const mon_reg *r = data;
    STRESS_CHECK(mcfg, 0, r->tool == ev->tool && r->event == ev->event,
                 "callback of (tool %d, event %d) called for (tool %d, "
                 "event %d)",
                 r->tool, r->event, ev->tool, ev->event);
    STRESS_CHECK(mcfg, 0, !wf_atomic_load_acquire_u32_word(&r->dead),
                 "callback of (tool %d, event %d) called after it was "
                 "replaced (or its tool freed) and a pause had passed",
                 r->tool, r->event);
    uint64_t e = wf_atomic_load_acquire_u64_word(&epoch);
    uint64_t g = wf_atomic_load_acquire_u64_word(&rgen);
    int fi = find_code(ev->code_name, ev->firstlineno);
    check_shape(ev, fi);
    int fe = flag_event(ev->event);
    bool on = wf_atomic_load_acquire_u32_word(&gflag[ev->tool][fe]) != 0 ||
              (fi >= 0 && fe < MON_LOCAL &&
               wf_atomic_load_acquire_u32_word(&lflag[ev->tool][fi][fe]) != 0);
    STRESS_CHECK(mcfg, 0, on,
                 "event %d delivered to tool %d in %s line %d after the "
                 "call that turned it off returned",
                 ev->event, ev->tool, ev->code_name, ev->line);
    if (++mtl.events == 1024) {
        wf_atomic_add_relaxed_u64_word(&n_events, mtl.events);
        mtl.events = 0;
    }
    if (mopts.disable_per_256 == 0 || ev->event >= MON_LOCAL || fi < 0)
        return 0;
    uint64_t *slot = NULL;
    if (ev->offset >= 0 && ev->offset / 2 < MON_UNITS)
        slot = &disabled_at[ev->tool][fi][ev->event][ev->offset / 2];
    if (slot != NULL) {
        uint64_t d = wf_atomic_load_acquire_u64_word(slot);
        uint64_t dg = d >> 32, de = d & 0xFFFFFFFFu;
        STRESS_CHECK(mcfg, 0,
                     d == 0 || (g & 1) || dg != g || e < de + 2,
                     "event %d of tool %d in %s offset %d delivered after "
                     "a callback DISABLEd it and a full pause passed, with "
                     "no restart_events or re-enable since",
                     ev->event, ev->tool, ev->code_name, ev->offset);
    }
    if ((tls_rand() & 255) >= mopts.disable_per_256)
        return 0;
    if (slot != NULL && !(g & 1)) {
        uint64_t mine = (g << 32) | (e & 0xFFFFFFFFu);
        uint64_t old = wf_atomic_load_relaxed_u64_word(slot);
        while (old < mine && !wf_atomic_cas_acq_rel_u64_word(slot, &old, mine))
            ;
    }
    wf_atomic_add_relaxed_u64_word(&n_disables, 1);
    return WEFT_MON_DISABLE;
}

// count_lines: tool 5's LINE callback. Counts this thread's LINE events in
// the workload's functions; at round_end, compares with the calibration.
static int
count_cb(void *data, const weft_mon_event *ev)
{
    (void)data;
    STRESS_CHECK(mcfg, 0,
                 ev->tool == MON_COUNT_TOOL && ev->event == WEFT_MON_EV_LINE,
                 "counting callback called for tool %d event %d", ev->tool,
                 ev->event);
    STRESS_CHECK(mcfg, 0, ev->line >= 0 && ev->line < MON_MAXLINE,
                 "LINE event for line %d", ev->line);
    const char *name = ev->code_name;
    if (strcmp(name, "round_end") != 0) {
        if (strcmp(name, "leaf") == 0 || strcmp(name, "gen") == 0 ||
            strcmp(name, "boom") == 0 || strcmp(name, "work") == 0)
            mtl.hist[ev->line]++;
        return 0;
    }
    if (!wf_atomic_load_acquire_u32_word(&calibrated)) {
        memcpy(calib, mtl.hist, sizeof calib);
        wf_atomic_store_release_u32_word(&calibrated, 1);
    } else {
        for (int l = 0; l < MON_MAXLINE; l++)
            STRESS_CHECK(mcfg, 0, mtl.hist[l] == calib[l],
                         "a thread saw %u LINE events for line %d in one "
                         "round where a quiet round sees %u (tool %d kept "
                         "LINE on throughout)",
                         mtl.hist[l], l, calib[l], MON_COUNT_TOOL);
        wf_atomic_add_relaxed_u64_word(&n_rounds, 1);
    }
    memset(mtl.hist, 0, sizeof mtl.hist);
    return 0;
}

// ===== Monitoring: builtins, setup =====

static wf_value
bi_ready(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    (void)kwnames;
    if (nargs > MON_CODES || wf_atomic_load_relaxed_u32_word(&ncodes) != 0)
        return wf_err_format(ts, &wf_exc_RuntimeError, "_stress_ready: bad "
                                                        "call");
    for (size_t i = 0; i < nargs; i++) {
        if (!wf_val_is(args[i], &wf_func_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "_stress_ready takes functions");
        wf_code *co = ((const wf_func *)wf_val_as_obj(args[i]))->code;
        mon_code *c = &codes[i];
        c->co = co;
        c->name = wf_str_cstr(co->name);
        snprintf(c->cname, sizeof c->cname, "%s", c->name);
        c->first = co->firstlineno;
        c->last = co->firstlineno;
        for (uint32_t u = 0; u < co->ncode; u++)
            if (co->lines[u] > c->last)
                c->last = co->lines[u];
    }
    wf_atomic_store_release_u32_word(&ncodes, (uint32_t)nargs);
    return WF_NONE;
}

void
wf_stress_mon_configure(const wf_stress_mon_opts *opts)
{
    mopts = *opts;
}

static weft_runtime *
runtime(const wf_stress_cfg *cfg)
{
    weft_runtime *rt = weft_runtime_current();
    STRESS_CHECK(cfg, 0, rt != NULL, "no runtime");
    return rt;
}

// Install registration [which] (0, 1, or -1: none) for ([tool], [ev]).
static void
install(const wf_stress_cfg *cfg, int tool, int ev, int which)
{
    int old = installed[tool][ev];
    mon_reg *r = which >= 0 ? &regs[tool][ev][which] : NULL;
    if (r != NULL) {
        r->retire = false;
        wf_atomic_store_release_u32_word(&r->dead, 0);
    }
    weft_status st = weft_monitor_set_callback(runtime(cfg), tool, ev,
                                               r != NULL ? mon_cb : NULL, r);
    STRESS_CHECK(cfg, 0, st == WEFT_OK, "set_callback(%d, %d): %s", tool,
                 ev, weft_status_name(st));
    installed[tool][ev] = which;
    if (old >= 0 && old != which)
        regs[tool][ev][old].retire = true;
}

static void
claim_tool(const wf_stress_cfg *cfg, int tool)
{
    weft_status st = weft_monitor_use_tool(runtime(cfg), tool, "stress");
    STRESS_CHECK(cfg, 0, st == WEFT_OK, "use_tool(%d): %s", tool,
                 weft_status_name(st));
    for (int ev = 0; ev < MON_EVENTS; ev++) {
        installed[tool][ev] = -1;
        install(cfg, tool, ev, 0);
    }
}

void
wf_stress_mon_setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    mcfg = cfg;
    STRESS_CHECK(cfg, 0, mopts.ntools > 0 && mopts.ntools <= MON_TOOLS,
                 "bad tool count");
    for (int t = 0; t < MON_TOOLS; t++)
        for (int ev = 0; ev < MON_EVENTS; ev++)
            for (int k = 0; k < 2; k++)
                regs[t][ev][k] = (mon_reg){.tool = t, .event = ev};
    wf_stress_add_builtin(cfg, ts, "_stress_ready", bi_ready);
    for (int t = 0; t < mopts.ntools; t++)
        claim_tool(cfg, t);
    if (mopts.count_lines) {
        weft_runtime *rt = runtime(cfg);
        STRESS_CHECK(cfg, 0,
                     weft_monitor_use_tool(rt, MON_COUNT_TOOL, "count") ==
                             WEFT_OK &&
                         weft_monitor_set_callback(rt, MON_COUNT_TOOL,
                                                   WEFT_MON_EV_LINE, count_cb,
                                                   NULL) == WEFT_OK &&
                         weft_monitor_set_events(
                             rt, MON_COUNT_TOOL,
                             WEFT_MON_EVENT_BIT(WEFT_MON_EV_LINE)) == WEFT_OK,
                     "cannot set up the counting tool");
    }
}

// ===== Monitoring: controller steps =====

// A random event set: each event with probability about 1/4, LINE,
// INSTRUCTION, JUMP and the branches a little more often.
static uint32_t
random_events(uint64_t *rng, int count)
{
    uint32_t set = 0;
    for (int ev = 0; ev < count; ev++) {
        unsigned p = ev == WEFT_MON_EV_LINE || ev == WEFT_MON_EV_INSTRUCTION ||
                             ev == WEFT_MON_EV_JUMP ||
                             ev == WEFT_MON_EV_BRANCH_LEFT ||
                             ev == WEFT_MON_EV_BRANCH_RIGHT
                         ? 96
                         : 56;
        if ((wf_stress_rand(rng) & 255) < p)
            set |= WEFT_MON_EVENT_BIT(ev);
    }
    return set;
}

// The events raised from the error path (global only, no instrumented
// opcode): turning only these on or off rewrites no bytecode.
#define EXCEPTION_EVENTS                                                   \
    (WEFT_MON_EVENT_BIT(WEFT_MON_EV_RAISE) |                               \
     WEFT_MON_EVENT_BIT(WEFT_MON_EV_EXCEPTION_HANDLED) |                   \
     WEFT_MON_EVENT_BIT(WEFT_MON_EV_PY_UNWIND) |                           \
     WEFT_MON_EVENT_BIT(WEFT_MON_EV_PY_THROW) |                            \
     WEFT_MON_EVENT_BIT(WEFT_MON_EV_RERAISE))

static void
bump(uint64_t *ctr)
{
    wf_atomic_add_acq_rel_u64_word(ctr, 1);
}

// set_events([tool], [set]) with the flag protocol.
static void
apply_global(const wf_stress_cfg *cfg, long iter, int tool, uint32_t set)
{
    uint32_t old = gcur[tool];
    uint32_t added = set & ~old, removed = old & ~set;
    for (int ev = 0; ev < MON_EVENTS; ev++)
        if (added & WEFT_MON_EVENT_BIT(ev))
            wf_atomic_store_release_u32_word(&gflag[tool][ev], 1);
    if (added)
        bump(&rgen);
    weft_status st = weft_monitor_set_events(runtime(cfg), tool, set);
    STRESS_CHECK(cfg, iter, st == WEFT_OK, "set_events(%d, 0x%x): %s", tool,
                 set, weft_status_name(st));
    if (added)
        bump(&rgen);
    gcur[tool] = set;
    for (int ev = 0; ev < MON_EVENTS; ev++)
        if (removed & WEFT_MON_EVENT_BIT(ev))
            wf_atomic_store_release_u32_word(&gflag[tool][ev], 0);
}

// set_local_events([tool], code [fi], [set]) with the flag protocol.
static void
apply_local(const wf_stress_cfg *cfg, wf_thread *ts, long iter, int tool,
            int fi, uint32_t set)
{
    uint32_t old = lcur[tool][fi];
    uint32_t added = set & ~old, removed = old & ~set;
    for (int ev = 0; ev < MON_LOCAL; ev++)
        if (added & WEFT_MON_EVENT_BIT(ev))
            wf_atomic_store_release_u32_word(&lflag[tool][fi][ev], 1);
    if (added)
        bump(&rgen);
    size_t mark = wf_root_mark(ts);
    STRESS_CHECK(cfg, iter,
                 wf_root_push(ts, wf_val_from_obj(&codes[fi].co->ob)) >= 0,
                 "root");
#if WEFT_MONITORING
    int rc = wf_mon_set_local_events(ts, tool, codes[fi].co, set);
#else
    int rc = -1;  // monitoring compiled out: the scenario reports it
#endif
    wf_root_release(ts, mark);
    STRESS_CHECK(cfg, iter, rc == 0, "set_local_events(%d, %s, 0x%x) failed",
                 tool, codes[fi].cname, set);
    if (added)
        bump(&rgen);
    lcur[tool][fi] = set;
    for (int ev = 0; ev < MON_LOCAL; ev++)
        if (removed & WEFT_MON_EVENT_BIT(ev))
            wf_atomic_store_release_u32_word(&lflag[tool][fi][ev], 0);
}

// A bare pause: every delivery that began before it has ended after it.
static void
barrier(const wf_stress_cfg *cfg, wf_thread *ts, long iter)
{
    STRESS_CHECK(cfg, iter, wf_stw_begin(ts, WF_STW_TEST) == 0,
                 "pause refused");
    wf_stw_end(ts);
    for (int t = 0; t < MON_TOOLS; t++)
        for (int ev = 0; ev < MON_EVENTS; ev++)
            for (int k = 0; k < 2; k++)
                if (regs[t][ev][k].retire) {
                    regs[t][ev][k].retire = false;
                    wf_atomic_store_release_u32_word(&regs[t][ev][k].dead, 1);
                }
    bump(&epoch);
}

// free_tool_id + use_tool_id: every callback, global and local event of
// [tool] is gone when free returns (it pauses if any was on).
static void
refree_tool(const wf_stress_cfg *cfg, wf_thread *ts, long iter, int tool)
{
    (void)ts;
    weft_status st = weft_monitor_free_tool(runtime(cfg), tool);
    STRESS_CHECK(cfg, iter, st == WEFT_OK, "free_tool(%d): %s", tool,
                 weft_status_name(st));
    gcur[tool] = 0;
    for (int ev = 0; ev < MON_EVENTS; ev++)
        wf_atomic_store_release_u32_word(&gflag[tool][ev], 0);
    for (int fi = 0; fi < MON_CODES; fi++) {
        lcur[tool][fi] = 0;
        for (int ev = 0; ev < MON_LOCAL; ev++)
            wf_atomic_store_release_u32_word(&lflag[tool][fi][ev], 0);
    }
    // The callbacks went with the tool: none may be called from now on.
    for (int ev = 0; ev < MON_EVENTS; ev++)
        for (int k = 0; k < 2; k++) {
            regs[tool][ev][k].retire = false;
            wf_atomic_store_release_u32_word(&regs[tool][ev][k].dead, 1);
        }
    claim_tool(cfg, tool);
}

void
wf_stress_mon_step(const wf_stress_cfg *cfg, wf_thread *ts, uint64_t *rng,
                   long iter)
{
    const wf_stress_mon_opts *o = &mopts;
    unsigned total = o->w_global + o->w_local + o->w_restart + o->w_swap +
                     o->w_free + o->w_barrier;
    if (total == 0)
        return;
    unsigned pick = (unsigned)(wf_stress_rand(rng) % total);
    int tool = (int)(wf_stress_rand(rng) % (uint64_t)o->ntools);
    uint32_t n = wf_atomic_load_acquire_u32_word(&ncodes);
    if (pick < o->w_global) {
        uint32_t set = random_events(rng, WF_EV_UNGROUPED_COUNT);
        uint64_t r = wf_stress_rand(rng);
        if ((r & 7) == 0)
            set = 0;
        else if (o->exception_sets && (r & 7) < 3)
            set &= EXCEPTION_EVENTS;  // no bytecode to rewrite
        apply_global(cfg, iter, tool, set);
        return;
    }
    pick -= o->w_global;
    if (pick < o->w_local) {
        if (n > 0) {
            int fi = (int)(wf_stress_rand(rng) % n);
            uint32_t set = random_events(rng, MON_LOCAL);
            if ((wf_stress_rand(rng) & 3) == 0)
                set = 0;
            apply_local(cfg, ts, iter, tool, fi, set);
        }
        return;
    }
    pick -= o->w_local;
    if (pick < o->w_restart) {
        bump(&rgen);
        weft_status st = weft_monitor_restart_events(runtime(cfg));
        STRESS_CHECK(cfg, iter, st == WEFT_OK, "restart_events: %s",
                     weft_status_name(st));
        bump(&rgen);
        return;
    }
    pick -= o->w_restart;
    if (pick < o->w_swap) {
        int ev = (int)(wf_stress_rand(rng) % MON_EVENTS);
        int cur = installed[tool][ev];
        install(cfg, tool, ev, cur == 0 ? 1 : cur == 1 ? -1 : 0);
        return;
    }
    pick -= o->w_swap;
    if (pick < o->w_free) {
        refree_tool(cfg, ts, iter, tool);
        return;
    }
    barrier(cfg, ts, iter);
}

void
wf_stress_mon_finish(const wf_stress_cfg *cfg, wf_thread *ts)
{
    (void)ts;
    for (int t = 0; t < mopts.ntools; t++)
        apply_global(cfg, 0, t, 0);
}

void
wf_stress_mon_report(const wf_stress_cfg *cfg, wf_thread *ts)
{
    (void)ts;
    if (mopts.count_lines)
        STRESS_CHECK(cfg, 0, wf_atomic_load_acquire_u32_word(&calibrated),
                     "the calibration round was not counted");
    printf("stress %s: %llu events checked (callbacks' last partial "
           "batches not counted)",
           cfg->name,
           (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_events));
    if (mopts.disable_per_256 > 0)
        printf(", %llu DISABLE answers",
               (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_disables));
    if (mopts.count_lines)
        printf(", %llu rounds with exact LINE counts",
               (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_rounds));
    printf("\n");
}

// ===== Legacy tracing: state =====

enum {
    LT_TRACE = 0,
    LT_PROFILE = 1,
    LT_DEPTH = 128,
};

enum lt_mode {
    LT_PLAIN = 1,      // checks only
    LT_FAIL = 2,       // returns non-zero now and then in `leaf` frames
    LT_SELFCLEAR = 3,  // calls weft_set_trace(NULL) from inside now and then
};

static const wf_stress_cfg *lcfg;
static wf_stress_lt_opts lopts;

// The controller's *_all_threads state per kind:
// (seq << 2) | busy << 1 | on. Before a call: seq + 1, busy, old on;
// after it returned: the same seq, not busy, new on.
// W: controller (seq_cst). R: trace functions (acquire).
static uint64_t lctl[2];

// The data handed to weft_set_*: which kind and mode.
typedef struct lt_data {
    int kind;
    int mode;
} lt_data;
static const lt_data ctl_data[2] = {{LT_TRACE, LT_PLAIN},
                                    {LT_PROFILE, LT_PLAIN}};
static const lt_data own_data[4] = {{LT_TRACE, 0},
                                    {LT_TRACE, LT_PLAIN},
                                    {LT_TRACE, LT_FAIL},
                                    {LT_TRACE, LT_SELFCLEAR}};

static uint64_t n_lt_events, n_lt_fail, n_lt_selfclear, n_lt_own;

typedef struct lt_entry {
    const void *frame;
    const char *name;  // code name string, or a builtin's name (identity)
    bool c;            // a c_call entry
} lt_entry;

// Per thread and kind: the thread's own last change of its slot, and the
// frames whose call was reported in the current period.
typedef struct lt_kind {
    bool has_own;      // the thread changed its own slot at least once
    bool own_known;    // that change was not concurrent with a controller
                       // call, so its result is the slot's state
    bool own_on;       // our checking function was set by it
    uint64_t own_ctl;  // lctl after that change
    uint32_t own_changes;
    uint64_t key_ctl;  // the period the stack belongs to
    uint32_t key_own;
    int depth;
    bool overflow;
    lt_entry stack[LT_DEPTH];
} lt_kind;

typedef struct lt_tls {
    lt_kind k[2];
    uint64_t rng;
    uint64_t events;
} lt_tls;
static _Thread_local lt_tls ltl;

static uint64_t
lt_rand(void)
{
    if (ltl.rng == 0)
        ltl.rng = (lcfg->seed ^ (uint64_t)(uintptr_t)&ltl) | 1;
    return wf_stress_rand(&ltl.rng);
}

// Record a change of the calling thread's own slot made between the
// reads [before] and [after] of lctl.
static void
own_change(int kind, bool on, uint64_t before, uint64_t after)
{
    lt_kind *k = &ltl.k[kind];
    k->has_own = true;
    k->own_known = before == after && !(after & 2);
    k->own_on = on;
    k->own_ctl = after;
    k->own_changes++;
    wf_atomic_add_relaxed_u64_word(&n_lt_own, 1);
}

// -1: unknown; 0: this thread's slot of [kind] must be off; 1: on.
static int
expected_state(const lt_kind *k, uint64_t c)
{
    if (c & 2)
        return -1;  // a controller call is running
    if (k->has_own && (k->own_ctl >> 2) == (c >> 2))
        return k->own_known ? k->own_on : -1;
    return (int)(c & 1);
}

static const char *const what_names[] = {
    "call", "exception", "line", "return", "c_call", "c_exception",
    "c_return", "opcode",
};

static void
lt_balance(lt_kind *k, int kind, weft_frame *frame, int what,
           const weft_object *arg, uint64_t c)
{
    if (k->key_ctl != c || k->key_own != k->own_changes) {
        k->key_ctl = c;
        k->key_own = k->own_changes;
        k->depth = 0;
        k->overflow = false;
    }
    if (k->overflow)
        return;
    const char *code = weft_frame_code_name(frame);
    lt_entry *top = k->depth > 0 ? &k->stack[k->depth - 1] : NULL;
    switch (what) {
    case WEFT_TRACE_CALL:
    case WEFT_TRACE_C_CALL:
        if (k->depth == LT_DEPTH) {
            k->overflow = true;
            return;
        }
        k->stack[k->depth++] = (lt_entry){
            frame, what == WEFT_TRACE_CALL ? code : weft_object_name(arg),
            what == WEFT_TRACE_C_CALL};
        return;
    case WEFT_TRACE_RETURN:
        if (top == NULL)
            return;  // a frame entered before this period
        STRESS_CHECK(lcfg, 0, !top->c && top->frame == frame &&
                                  top->name == code,
                     "%s: return of %s, but the innermost frame whose call "
                     "was reported is %s%s (a call or return event was lost)",
                     kind == LT_TRACE ? "trace" : "profile", code,
                     top->c ? "builtin " : "", top->c ? top->name : "?");
        k->depth--;
        return;
    case WEFT_TRACE_C_RETURN:
    case WEFT_TRACE_C_EXCEPTION:
        if (top == NULL)
            return;
        STRESS_CHECK(lcfg, 0, top->c && top->frame == frame &&
                                  top->name == weft_object_name(arg),
                     "profile: %s of %s in %s without a matching c_call",
                     what_names[what], weft_object_name(arg) != NULL
                                           ? weft_object_name(arg)
                                           : "?",
                     code);
        k->depth--;
        return;
    case WEFT_TRACE_LINE:
        STRESS_CHECK(lcfg, 0,
                     top == NULL || (!top->c && top->frame == frame),
                     "trace: line event in %s, which is not the innermost "
                     "frame whose call was reported",
                     code);
        return;
    default:
        return;
    }
}

static int
lt_fn(void *data, weft_frame *frame, int what, const weft_object *arg)
{
    const lt_data *d = data;
    int kind = d->kind;
    lt_kind *k = &ltl.k[kind];
    STRESS_CHECK(lcfg, 0, what >= 0 && what <= WEFT_TRACE_OPCODE,
                 "bad event kind %d", what);
    uint64_t c = wf_atomic_load_acquire_u64_word(&lctl[kind]);
    int exp = expected_state(k, c);
    STRESS_CHECK(lcfg, 0, exp != 0,
                 "%s event '%s' in %s line %d on a thread whose %s "
                 "function was cleared (%s) and the call had returned",
                 kind == LT_TRACE ? "trace" : "profile", what_names[what],
                 weft_frame_code_name(frame), weft_frame_lineno(frame),
                 kind == LT_TRACE ? "trace" : "profile",
                 k->has_own && (k->own_ctl >> 2) == (c >> 2)
                     ? "by the thread itself"
                     : "by *_all_threads");
    if (kind == LT_TRACE)
        STRESS_CHECK(lcfg, 0,
                     what == WEFT_TRACE_CALL || what == WEFT_TRACE_LINE ||
                         what == WEFT_TRACE_RETURN ||
                         what == WEFT_TRACE_EXCEPTION,
                     "a trace function got event '%s'", what_names[what]);
    else
        STRESS_CHECK(lcfg, 0,
                     what != WEFT_TRACE_LINE && what != WEFT_TRACE_OPCODE &&
                         what != WEFT_TRACE_EXCEPTION,
                     "a profile function got event '%s'", what_names[what]);
    lt_balance(k, kind, frame, what, arg, c);
    if (++ltl.events == 1024) {
        wf_atomic_add_relaxed_u64_word(&n_lt_events, ltl.events);
        ltl.events = 0;
    }
    if (d->mode == LT_FAIL && strcmp(weft_frame_code_name(frame), "leaf") == 0 &&
        lt_rand() % 61 == 0) {
        // The trampoline clears this thread's slot before the RuntimeError
        // reaches the traced code.
        uint64_t now = wf_atomic_load_acquire_u64_word(&lctl[kind]);
        own_change(kind, false, now, now);
        wf_atomic_add_relaxed_u64_word(&n_lt_fail, 1);
        return 1;
    }
    if (d->mode == LT_SELFCLEAR && lt_rand() % 97 == 0) {
        uint64_t before = wf_atomic_load_acquire_u64_word(&lctl[kind]);
        weft_status st = weft_set_trace(weft_runtime_current(), NULL, NULL);
        uint64_t after = wf_atomic_load_acquire_u64_word(&lctl[kind]);
        STRESS_CHECK(lcfg, 0, st == WEFT_OK,
                     "weft_set_trace(NULL) inside a trace function: %s",
                     weft_status_name(st));
        own_change(kind, false, before, after);
        wf_atomic_add_relaxed_u64_word(&n_lt_selfclear, 1);
    }
    return 0;
}

// ===== Legacy tracing: builtins, setup, controller =====

static wf_value
bi_settrace(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    (void)kwnames;
    if (nargs != 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "_stress_settrace takes one argument");
    uint64_t before = wf_atomic_load_acquire_u64_word(&lctl[LT_TRACE]);
    bool on = false;
    if (wf_val_is_int(args[0])) {
        int64_t m = wf_val_as_int(args[0]);
        if (m < 0 || m > 3)
            return wf_err_format(ts, &wf_exc_ValueError, "bad mode");
        on = m != 0;
        weft_status st = weft_set_trace(weft_runtime_current(),
                                        on ? lt_fn : NULL,
                                        (void *)&own_data[m]);
        if (st != WEFT_OK)
            return wf_err_format(ts, &wf_exc_RuntimeError,
                                 "weft_set_trace: %s", weft_status_name(st));
    } else if (wf_ltrace_settrace(ts, args[0]) < 0) {
        return WF_NULL;
    }
    uint64_t after = wf_atomic_load_acquire_u64_word(&lctl[LT_TRACE]);
    own_change(LT_TRACE, on, before, after);
    return WF_NONE;
}

void
wf_stress_lt_configure(const wf_stress_lt_opts *opts)
{
    lopts = *opts;
}

void
wf_stress_lt_setup(const wf_stress_cfg *cfg, wf_thread *ts)
{
    lcfg = cfg;
    wf_stress_add_builtin(cfg, ts, "_stress_settrace", bi_settrace);
}

// Flip [kind]'s *_all_threads state with the lctl protocol.
static void
lt_flip(const wf_stress_cfg *cfg, long iter, int kind)
{
    uint64_t c = wf_atomic_load_relaxed_u64_word(&lctl[kind]);
    bool on = c & 1;
    uint64_t seq = (c >> 2) + 1;
    wf_atomic_store_seq_cst_u64_word(&lctl[kind], (seq << 2) | 2 | (on ? 1 : 0));
    weft_runtime *rt = runtime(cfg);
    const lt_data *d = &ctl_data[kind];
    weft_trace_func fn = on ? NULL : lt_fn;
    weft_status st = kind == LT_TRACE
                         ? weft_set_trace_all_threads(rt, fn, (void *)d)
                         : weft_set_profile_all_threads(rt, fn, (void *)d);
    STRESS_CHECK(cfg, iter, st == WEFT_OK, "set_%s_all_threads: %s",
                 kind == LT_TRACE ? "trace" : "profile",
                 weft_status_name(st));
    wf_atomic_store_seq_cst_u64_word(&lctl[kind], (seq << 2) | (on ? 0 : 1));
}

void
wf_stress_lt_step(const wf_stress_cfg *cfg, wf_thread *ts, uint64_t *rng,
                  long iter)
{
    uint64_t r = wf_stress_rand(rng);
    if ((r & 15) == 0) {
        STRESS_CHECK(cfg, iter, wf_stw_begin(ts, WF_STW_TEST) == 0,
                     "pause refused");
        wf_stw_end(ts);
        return;
    }
    int kind = (r >> 8) & 1 ? LT_PROFILE : LT_TRACE;
    if (kind == LT_PROFILE && !lopts.profile_all)
        kind = LT_TRACE;
    if (kind == LT_TRACE && !lopts.trace_all)
        kind = LT_PROFILE;
    if (kind == LT_PROFILE && !lopts.profile_all)
        return;
    lt_flip(cfg, iter, kind);
}

void
wf_stress_lt_finish(const wf_stress_cfg *cfg, wf_thread *ts)
{
    (void)ts;
    for (int kind = 0; kind < 2; kind++)
        if (wf_atomic_load_relaxed_u64_word(&lctl[kind]) & 1)
            lt_flip(cfg, 0, kind);
}

void
wf_stress_lt_report(const wf_stress_cfg *cfg, wf_thread *ts)
{
    (void)ts;
    printf("stress %s: %llu trace/profile events checked (partial batches "
           "not counted), %llu all-threads flips, %llu own slot changes, "
           "%llu failing returns, %llu settrace(NULL) from inside\n",
           cfg->name,
           (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_lt_events),
           (unsigned long long)((wf_atomic_load_relaxed_u64_word(&lctl[0]) >> 2) +
                                (wf_atomic_load_relaxed_u64_word(&lctl[1]) >> 2)),
           (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_lt_own),
           (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_lt_fail),
           (unsigned long long)wf_atomic_load_relaxed_u64_word(&n_lt_selfclear));
}
