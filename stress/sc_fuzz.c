// stress/sc_fuzz.c -- an API fuzzer in the spirit of fusil
// (wf_stress_fuzz_run). Each round generates a Python program from the
// round's seed: N thread functions, each a random sequence of operations
// drawn from a table (sys.monitoring, settrace/setprofile and their
// *_all_threads forms, threading, frame attributes, class and type
// mutation while others use the instances, lists and dicts mutated while
// others iterate, shared generators, `_weft`), with random arguments of
// the right and of the wrong types, each operation wrapped in
// try/except. The fixed text around them is stress/fuzz_prelude.h. The
// rounds run one after another in one runtime, with the pauser making
// pauses and collections, then a sanity program checks that the runtime
// still gives exact answers.
//
// Checks: no crash, no sanitizer report, no internal fatal (the runner
// sees the child's status), no hang (a round watchdog: WEFT_FUZZ_ROUND_S,
// default 120 s), every exception an operation raised has an expected
// type (the program's ALLOWED: SystemError or MemoryError is a finding),
// the current thread's ident is get_ident(), no tool or trace function is
// left set after the cleanup, and the sanity program passes.
//
// Replay: a round's program is a function of (seed, round) alone, so
// `weft stress --scenario fuzz --seed S` generates the same programs
// (thread interleavings differ). Each program is written, before it runs,
// to ${TMPDIR:-/tmp}/weft-fuzz-<seed>.py, which replays alone under weft
// or python3.14t. Environment: WEFT_FUZZ_ROUND=R runs round R only;
// WEFT_FUZZ_GROUPS=mon,trace,thread,frame,type,listdict,gen,weft picks the
// operation groups (default all; a leading '-' on the list drops those
// instead: -type); WEFT_FUZZ_OPS=K sets the operations per thread;
// WEFT_FUZZ_PAUSER_GC=0 keeps the pauser from collecting (see below).
// Findings are kept, once fixed, as tests/scripts/adversarial/fz_*.py.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <weft.h>

#include "atomic.h"
#include "common.h"
#include "fuzz_prelude.h"
#include "objects/error.h"
#include "objects/object.h"
#include "threads/thread.h"

// ===== A growing text buffer =====

typedef struct fz_buf {
    char *p;
    size_t len, cap;
} fz_buf;

static const wf_stress_cfg *fz_cfg;

static void
put(fz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(fz_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        STRESS_CHECK(fz_cfg, 0, n >= 0, "vsnprintf");
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n + 64;
        char *p = realloc(b->p, cap);
        STRESS_CHECK(fz_cfg, 0, p != NULL, "out of memory");
        b->p = p;
        b->cap = cap;
    }
}

// ===== Random pieces of Python =====

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static unsigned
R(uint64_t *rng, unsigned n)
{
    return (unsigned)(wf_stress_rand(rng) % n);
}

static const char *
pick(uint64_t *rng, const char *const *a, size_t n)
{
    return a[R(rng, (unsigned)n)];
}
#define PICK(rng, a) pick((rng), (a), N_OF(a))

// Scratch strings for generated arguments: a ring, so that one statement
// can use several.
static char scratch[16][96];
static unsigned scratch_i;

static char *
tmp(void)
{
    return scratch[scratch_i++ % N_OF(scratch)];
}

static const char *const junk_vals[] = {
    "None", "-1", "0", "7", "2**40", "-2**61", "'x'", "''", "1.5", "()",
    "[]", "{}", "object()", "Boom", "len", "IN[0]", "sys", "E", "True",
};

static const char *
junk(uint64_t *rng)
{
    return PICK(rng, junk_vals);
}

// A wrong timeout: never one that blocks for good or for long (None and
// -1 mean forever, 7 is seven seconds).
static const char *
tjunk(uint64_t *rng)
{
    static const char *const t[] = {"'x'", "()", "[]", "object()", "len",
                                    "0", "''", "1e300", "-1.5", "-5"};
    return pick(rng, t, N_OF(t));
}

static const char *
tool(uint64_t *rng)
{
    static const char *const bad[] = {"-1", "6", "7", "8", "'x'", "None",
                                      "2**40", "1.5"};
    if (R(rng, 100) < 88) {
        // Tool 5 is regjunk's (stress/fuzz_prelude.h).
        char *s = tmp();
        snprintf(s, 96, "%u", R(rng, 5));
        return s;
    }
    return PICK(rng, bad);
}

static const char *const events[] = {
    "PY_START", "PY_RESUME", "PY_RETURN", "PY_YIELD", "CALL", "LINE",
    "INSTRUCTION", "JUMP", "BRANCH_LEFT", "BRANCH_RIGHT", "STOP_ITERATION",
    "RAISE", "EXCEPTION_HANDLED", "PY_UNWIND", "PY_THROW", "RERAISE",
    "C_RETURN", "C_RAISE", "BRANCH",
};

// One event (for register_callback): valid, mostly.
static const char *
ev1(uint64_t *rng)
{
    static const char *const bad[] = {"0", "-1", "E.LINE | E.CALL", "'x'",
                                      "1 << 25", "None"};
    char *s = tmp();
    if (R(rng, 100) < 90) {
        // INSTRUCTION is slow under the sanitizers: rarer.
        const char *e = PICK(rng, events);
        if (strcmp(e, "INSTRUCTION") == 0 && R(rng, 3) != 0)
            e = "LINE";
        snprintf(s, 96, "E.%s", e);
        return s;
    }
    return PICK(rng, bad);
}

// An event set (for set_events / set_local_events): valid, mostly.
static const char *
mask(uint64_t *rng)
{
    static const char *const bad[] = {"-1", "1 << 20", "'x'", "None",
                                      "2**40", "E.LINE | 1 << 19", "1.5"};
    unsigned r = R(rng, 100);
    if (r < 8)
        return "0";
    if (r < 16)
        return PICK(rng, bad);
    char *s = tmp();
    size_t n = 0;
    unsigned k = 1 + R(rng, 3);
    for (unsigned i = 0; i < k; i++) {
        const char *e = PICK(rng, events);
        if (strcmp(e, "INSTRUCTION") == 0 && R(rng, 3) != 0)
            e = "CALL";
        n += (size_t)snprintf(s + n, 96 - n, "%sE.%s", i ? " | " : "", e);
    }
    return s;
}

static const char *
code(uint64_t *rng)
{
    static const char *const c[] = {
        "WORK[0]", "WORK[1]", "WORK[2]", "deep.__code__",
        "gsh.__code__", "cb_count.__code__", "(lambda: 0).__code__",
    };
    return R(rng, 100) < 85 ? PICK(rng, c) : junk(rng);
}

static const char *
cbv(uint64_t *rng)
{
    char *s = tmp();
    snprintf(s, 96, "CBS[%u]", R(rng, 6));
    return s;
}

static const char *
trv(uint64_t *rng)
{
    char *s = tmp();
    snprintf(s, 96, "TRS[%u]", R(rng, 9));
    return s;
}

static const char *
prv(uint64_t *rng)
{
    char *s = tmp();
    snprintf(s, 96, "PRS[%u]", R(rng, 4));
    return s;
}

static const char *
cls(uint64_t *rng)
{
    static const char *const b[] = {"int", "list", "object", "type", "str",
                                    "dict"};
    char *s = tmp();
    if (R(rng, 100) < 90) {
        snprintf(s, 96, "KL[%u]", R(rng, 4));
        return s;
    }
    return PICK(rng, b);
}

static const char *
inst(uint64_t *rng)
{
    // GS[1]: GS[0] may be the endless gsh(), which `in` and list() would
    // iterate for good.
    static const char *const o[] = {"L", "D", "GS[1]", "FR[-1]", "(5)"};
    char *s = tmp();
    if (R(rng, 100) < 85) {
        snprintf(s, 96, "IN[%u]", R(rng, 5));
        return s;
    }
    return PICK(rng, o);
}

static const char *
fnv(uint64_t *rng)
{
    char *s = tmp();
    snprintf(s, 96, "FNS[%u]", R(rng, 14));
    return s;
}

static const char *const dunders[] = {
    "__repr__", "__str__", "__eq__", "__hash__", "__len__", "__bool__",
    "__iter__", "__getattr__", "__lt__", "__add__", "__call__",
    "__contains__", "__getitem__", "__init__", "m", "v", "w",
};

// A list index / slice bound.
static const char *
idx(uint64_t *rng)
{
    static const char *const b[] = {"'x'", "None", "2**40", "-2**61", "1.5"};
    char *s = tmp();
    unsigned r = R(rng, 100);
    if (r < 10)
        return PICK(rng, b);
    snprintf(s, 96, "%d", (int)R(rng, 24) - 12);
    return s;
}

static const char *
key(uint64_t *rng)
{
    static const char *const k[] = {"'a'", "'b'", "IN[0]", "IN[2]", "[]",
                                    "None", "1.5", "()", "IN[4]"};
    char *s = tmp();
    if (R(rng, 100) < 70) {
        snprintf(s, 96, "%u", R(rng, 30));
        return s;
    }
    return PICK(rng, k);
}

static const char *
val(uint64_t *rng)
{
    char *s = tmp();
    if (R(rng, 2) == 0) {
        snprintf(s, 96, "%u", R(rng, 100));
        return s;
    }
    return R(rng, 2) ? inst(rng) : junk(rng);
}

static const char *
fidx(uint64_t *rng)
{
    static const char *const b[] = {"-1", "-1", "0", "1", "2", "-2", "'x'",
                                    "99"};
    return PICK(rng, b);
}

// ===== The operation table =====

enum {
    G_MON = 1 << 0,
    G_TRACE = 1 << 1,
    G_THREAD = 1 << 2,
    G_FRAME = 1 << 3,
    G_TYPE = 1 << 4,
    G_LISTDICT = 1 << 5,
    G_GEN = 1 << 6,
    G_WEFT = 1 << 7,
    G_ALL = (1 << 8) - 1,
};

static const char *const group_names[] = {"mon",   "trace",    "thread",
                                          "frame", "type",     "listdict",
                                          "gen",   "weft"};

// Per-round generator state.
typedef struct fz_gen {
    uint64_t rng;
    unsigned groups;
    int nsub;  // sub-threads this thread function has started
} fz_gen;

// One statement (lines separated by '\n', no indentation) into [s].
static void
op_mon(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    switch (R(r, 17)) {
    case 0: snprintf(s, n, "M.use_tool_id(%s, 'fz%u')", tool(r), R(r, 9)); break;
    case 1: snprintf(s, n, "M.use_tool_id(%s, %s)", tool(r), junk(r)); break;
    case 2: snprintf(s, n, "M.free_tool_id(%s)", tool(r)); break;
    case 3: snprintf(s, n, "M.clear_tool_id(%s)", tool(r)); break;
    case 4: snprintf(s, n, "M.get_tool(%s)", tool(r)); break;
    case 5:
    case 6:
        snprintf(s, n, "M.register_callback(%s, %s, %s)", tool(r), ev1(r),
                 cbv(r));
        break;
    case 7: snprintf(s, n, "regjunk(%s, %s)", ev1(r), junk(r)); break;
    case 8:
    case 9: snprintf(s, n, "M.set_events(%s, %s)", tool(r), mask(r)); break;
    case 10:
        snprintf(s, n, "M.set_local_events(%s, %s, %s)", tool(r), code(r),
                 mask(r));
        break;
    case 11: snprintf(s, n, "M.get_events(%s)", tool(r)); break;
    case 12: snprintf(s, n, "M.get_local_events(%s, %s)", tool(r), code(r)); break;
    case 13: snprintf(s, n, "M.restart_events()"); break;
    case 14: snprintf(s, n, "work(%u)", R(r, 12)); break;
    case 15: snprintf(s, n, "for _x in gen(%u):\n    pass", R(r, 6)); break;
    default:
        snprintf(s, n, "claim(%s, %s, %s, %s, %u)", tool(r), ev1(r), cbv(r),
                 mask(r), R(r, 8));
        break;
    }
}

static void
op_trace(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    switch (R(r, 15)) {
    case 0:
    case 1: snprintf(s, n, "sys.settrace(%s)", trv(r)); break;
    case 2: snprintf(s, n, "sys.setprofile(%s)", prv(r)); break;
    case 3: snprintf(s, n, "threading.settrace_all_threads(%s)", trv(r)); break;
    case 4: snprintf(s, n, "threading.setprofile_all_threads(%s)", prv(r)); break;
    case 5: snprintf(s, n, "sys.settrace(%s)", junk(r)); break;
    case 6:
        // A non-callable hook on every thread (or for new threads) would
        // stop a starting thread before it reports itself started, and
        // Thread.start() waits for that forever (CPython too): per thread
        // only, where the first event clears it.
        snprintf(s, n, "sys.settrace(%s)\nwork(1)", junk(r));
        break;
    case 7:
        snprintf(s, n, "threading.settrace(%s)\nthreading.setprofile(%s)",
                 trv(r), prv(r));
        break;
    case 8: snprintf(s, n, "sys.gettrace()\nsys.getprofile()"); break;
    case 9:
        snprintf(s, n, "sys.settrace(%s)\nwork(%u)\nsys.settrace(None)", trv(r),
                 R(r, 10));
        break;
    case 10: snprintf(s, n, "work(%u)", R(r, 12)); break;
    case 11: {
        char v[32];
        if (R(r, 4) == 0)
            snprintf(v, sizeof v, "%s", junk(r));
        else
            snprintf(v, sizeof v, "%u", 150 + R(r, 3000));
        snprintf(s, n, "sys.setrecursionlimit(%s)", v);
        break;
    }
    case 12: snprintf(s, n, "deep(%u)", R(r, 120)); break;
    case 13: snprintf(s, n, "sys.setprofile(%s)", junk(r)); break;
    default: snprintf(s, n, "sys.setprofile(%s)\nwork(1)", junk(r)); break;
    }
}

static void
op_thread(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    static const char *const simple[] = {
        "lk.acquire(True, 0.01)", "lk.acquire(False)", "lk.release()",
        "lk.locked()", "rl.acquire(True, 0.01)", "rl.release()", "rlpair()",
        "ev.set()", "ev.clear()", "ev.wait(0.002)", "ev.is_set()",
        "threading.enumerate()", "threading.active_count()",
        "threading.current_thread().name", "chk_ident()",
        "threading.main_thread().is_alive()",
        "threading.Thread(target=work).join()",
        "threading.current_thread().join()", "time.sleep(0)",
        "time.sleep(0.001)", "threading.Lock().acquire(False, 1)",
        "threading.get_ident()", "threading.RLock().release()",
        "threading.Event().wait(0)", "lk.acquire(True, -5)",
    };
    switch (R(r, 6)) {
    case 0:
        if (g->nsub < 3) {
            g->nsub++;
            snprintf(s, n, "sub(%u)", R(r, 10));
        } else {
            snprintf(s, n, "work(%u)", R(r, 10));
        }
        break;
    case 1:
        snprintf(s, n, "if SUB:\n    SUB[-1].join(%s)",
                 R(r, 4) ? "0.01" : tjunk(r));
        break;
    case 2: snprintf(s, n, "ev.wait(%s)", R(r, 2) ? "0.001" : tjunk(r)); break;
    case 3: snprintf(s, n, "lk.acquire(%s, %s)", junk(r), tjunk(r)); break;
    case 4: snprintf(s, n, "time.sleep(%s)", tjunk(r)); break;
    default: snprintf(s, n, "%s", PICK(r, simple)); break;
    }
}

static void
op_frame(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    static const char *const reads[] = {
        "f_lineno", "f_locals", "f_back", "f_code.co_name", "f_globals",
        "f_lasti", "f_builtins", "f_trace", "f_trace_lines",
        "f_trace_opcodes", "f_generator",
    };
    switch (R(r, 14)) {
    case 0:
    case 1:
        snprintf(s, n,
                 "FR.append(sys._getframe(%s))\nif len(FR) > 12:\n"
                 "    del FR[:6]",
                 R(r, 5) ? (R(r, 2) ? "0" : "1") : junk(r));
        break;
    case 2: snprintf(s, n, "FR[%s].%s", fidx(r), PICK(r, reads)); break;
    case 3: snprintf(s, n, "list(FR[%s].f_locals.items())", fidx(r)); break;
    case 4: snprintf(s, n, "walk(FR[%s])", fidx(r)); break;
    case 5:
        snprintf(s, n, "FR[%s].f_trace = %s", fidx(r),
                 R(r, 4) ? trv(r) : junk(r));
        break;
    case 6:
        snprintf(s, n, "FR[%s].f_trace_lines = %s", fidx(r),
                 R(r, 3) ? (R(r, 2) ? "True" : "False") : junk(r));
        break;
    case 7:
        snprintf(s, n, "FR[%s].f_trace_opcodes = %s", fidx(r),
                 R(r, 3) ? (R(r, 2) ? "True" : "False") : junk(r));
        break;
    case 8: {
        char v[32];
        if (R(r, 3) == 0)
            snprintf(v, sizeof v, "%s", junk(r));
        else
            snprintf(v, sizeof v, "%u", R(r, 400));
        snprintf(s, n, "FR[%s].f_lineno = %s", fidx(r), v);
        break;
    }
    case 9:
        snprintf(s, n, "FR[%s].f_locals['z%u'] = %u", fidx(r), R(r, 4),
                 R(r, 100));
        break;
    case 10: snprintf(s, n, "del FR[%s].f_trace", fidx(r)); break;
    case 11: snprintf(s, n, "sys._getframe(%s).f_back", idx(r)); break;
    case 12:
        snprintf(s, n, "FR.append(GS[%u].gi_frame)\nif len(FR) > 12:\n"
                       "    del FR[:6]",
                 R(r, 2));
        break;
    default: snprintf(s, n, "FR[%s].clear()", fidx(r)); break;
    }
}

static void
op_type(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    static const char *const names[] = {"'N1'", "'N2'", "5", "''",
                                        "'a\\x00b'", "None", "'A'"};
    static const char *const bases[] = {"(Base,)", "(P,)", "(A,)", "(B,)",
                                        "()", "(int,)", "(object,)", "5",
                                        "(Base, P)", "(KL[0],)"};
    unsigned c = R(r, 30);
    if (c < 4) {
        snprintf(s, n, "setattr(%s, '%s', %s)", cls(r), PICK(r, dunders),
                 fnv(r));
    } else if (c < 8) {
        snprintf(s, n, "%s.%s = %s", cls(r), PICK(r, dunders), fnv(r));
    } else if (c < 9) {
        snprintf(s, n, "delattr(%s, '%s')", cls(r), PICK(r, dunders));
    } else if (c < 10) {
        snprintf(s, n, "%s.__name__ = %s", cls(r), PICK(r, names));
    } else if (c < 11) {
        snprintf(s, n, "%s.__qualname__ = %s", cls(r), PICK(r, names));
    } else if (c < 13) {
        snprintf(s, n, "%s.__bases__ = %s", cls(r), PICK(r, bases));
    } else if (c < 14) {
        snprintf(s, n, "%s.__doc__ = 'd'\n%s.__module__ = %s", cls(r), cls(r),
                 PICK(r, names));
    } else if (c < 15) {
        snprintf(s, n, "%s.__class__ = %s", inst(r), cls(r));
    } else if (c < 16) {
        switch (R(r, 3)) {
        case 0: snprintf(s, n, "%s.v = %u", inst(r), R(r, 50)); break;
        case 1: snprintf(s, n, "del %s.v", inst(r)); break;
        default: snprintf(s, n, "%s.__dict__ = %s", inst(r),
                          R(r, 2) ? "{}" : junk(r)); break;
        }
    } else if (c < 17) {
        snprintf(s, n, "type('Dyn%u', (%s,), {'q': %u})", R(r, 9), cls(r),
                 R(r, 9));
    } else if (c < 18) {
        snprintf(s, n, "type(%s, %s, %s)", junk(r), junk(r), junk(r));
    } else if (c < 19) {
        snprintf(s, n, "KL[%u] = type('K%u', (Base,), {})", R(r, 4), R(r, 9));
    } else if (c < 20) {
        snprintf(s, n, "IN[%u] = %s(%u)", R(r, 5), cls(r), R(r, 9));
    } else {
        // The users: everything a mutation may change under them.
        switch (R(r, 22)) {
        case 0: snprintf(s, n, "repr(%s)", inst(r)); break;
        case 1: snprintf(s, n, "str(%s)", inst(r)); break;
        case 2: snprintf(s, n, "%s == %s", inst(r), inst(r)); break;
        case 3: snprintf(s, n, "hash(%s)", inst(r)); break;
        case 4: snprintf(s, n, "len(%s)", inst(r)); break;
        case 5: snprintf(s, n, "%s.v", inst(r)); break;
        case 6: snprintf(s, n, "%s.m()", inst(r)); break;
        case 7: snprintf(s, n, "bool(%s)", inst(r)); break;
        case 8: snprintf(s, n, "%s < %s", inst(r), inst(r)); break;
        case 9: snprintf(s, n, "%s + %s", inst(r), inst(r)); break;
        case 10: snprintf(s, n, "list(%s)", inst(r)); break;
        case 11: snprintf(s, n, "%s(1)", inst(r)); break;
        case 12: snprintf(s, n, "%s in %s", inst(r), inst(r)); break;
        case 13: snprintf(s, n, "%s[0]", inst(r)); break;
        case 14: snprintf(s, n, "isinstance(%s, %s)", inst(r), cls(r)); break;
        case 15: snprintf(s, n, "issubclass(%s, %s)", cls(r), cls(r)); break;
        case 16: snprintf(s, n, "type(%s).__name__", inst(r)); break;
        case 17: snprintf(s, n, "%s.__mro__", cls(r)); break;
        case 18: snprintf(s, n, "%s.__bases__", cls(r)); break;
        case 19: snprintf(s, n, "%s.__dict__", inst(r)); break;
        case 20: snprintf(s, n, "_d = {}\n_d[%s] = 1", inst(r)); break;
        default: snprintf(s, n, "getattr(%s, '%s')", inst(r),
                          PICK(r, dunders)); break;
        }
    }
}

static void
op_listdict(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    static const char *const keys[] = {"repr", "str", "len", "f_mut",
                                       "lambda x: -1", "None", "5"};
    unsigned c = R(r, 42);
    switch (c) {
    case 0: snprintf(s, n, "L.append(%s)", val(r)); break;
    case 1: snprintf(s, n, "L.insert(%s, %s)", idx(r), val(r)); break;
    case 2: snprintf(s, n, "L.pop()"); break;
    case 3: snprintf(s, n, "L.pop(%s)", idx(r)); break;
    case 4: snprintf(s, n, "del L[%s:%s]", idx(r), idx(r)); break;
    case 5: snprintf(s, n, "L.sort()"); break;
    case 6: snprintf(s, n, "L.sort(key=%s)", PICK(r, keys)); break;
    case 7: snprintf(s, n, "L.reverse()"); break;
    case 8: snprintf(s, n, "L[:] = range(%u)", R(r, 30)); break;
    case 9: snprintf(s, n, "L.clear()"); break;
    case 10: snprintf(s, n, "L.extend(range(%u))", R(r, 20)); break;
    case 11: snprintf(s, n, "if len(L) < 200:\n    L.extend(L)"); break;
    case 12: snprintf(s, n, "L.remove(%s)", val(r)); break;
    case 13: snprintf(s, n, "L.index(%s)", val(r)); break;
    case 14: snprintf(s, n, "%s in L", val(r)); break;
    case 15: snprintf(s, n, "for _x in L:\n    _x"); break;
    case 16:
        snprintf(s, n, "for _x in L:\n    if len(L) < 300:\n        L.append(1)");
        break;
    case 17: snprintf(s, n, "sorted(L)"); break;
    case 18: snprintf(s, n, "L == L[:]"); break;
    case 19: snprintf(s, n, "L[%s] = %s", idx(r), val(r)); break;
    case 20: snprintf(s, n, "repr(L)\nlen(L)\nsum(L)"); break;
    case 21: snprintf(s, n, "L.count(%s)", val(r)); break;
    case 22: snprintf(s, n, "L[%s:%s] = L", idx(r), idx(r)); break;
    case 23: snprintf(s, n, "D[%s] = %s", key(r), val(r)); break;
    case 24: snprintf(s, n, "del D[%s]", key(r)); break;
    case 25: snprintf(s, n, "D.pop(%s)", key(r)); break;
    case 26: snprintf(s, n, "D.pop(%s, None)", key(r)); break;
    case 27: snprintf(s, n, "D.popitem()"); break;
    case 28: snprintf(s, n, "D.clear()"); break;
    case 29: snprintf(s, n, "D.update({%s: %s})", key(r), val(r)); break;
    case 30: snprintf(s, n, "D.setdefault(%s, %s)", key(r), val(r)); break;
    case 31: snprintf(s, n, "for _k in D:\n    D.get(_k)"); break;
    case 32: snprintf(s, n, "for _k in D:\n    D[_k] = 0"); break;
    case 33:
        snprintf(s, n, "for _k in D:\n    if len(D) < 300:\n"
                       "        D[len(D) + 100] = 1");
        break;
    case 34: snprintf(s, n, "list(D.items())\nlist(D.values())"); break;
    case 35: snprintf(s, n, "D.get(%s)", key(r)); break;
    case 36: snprintf(s, n, "%s in D", key(r)); break;
    case 37: snprintf(s, n, "D == D.copy()\nlen(D)\nrepr(D)"); break;
    case 38: snprintf(s, n, "sorted(D)"); break;
    case 39: snprintf(s, n, "if len(D) > 300:\n    D.clear()"); break;
    case 40: snprintf(s, n, "if len(L) > 300:\n    L.clear()"); break;
    default: snprintf(s, n, "[_x for _x in L if _x in D]"); break;
    }
}

static void
op_gen(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    unsigned k = R(r, 2);
    switch (R(r, 14)) {
    case 0:
    case 1: snprintf(s, n, "next(GS[%u])", k); break;
    case 2: snprintf(s, n, "GS[%u].send(%s)", k, R(r, 2) ? "3" : "None"); break;
    case 3: snprintf(s, n, "GS[%u].throw(Boom('g'))", k); break;
    case 4: snprintf(s, n, "GS[%u].close()", k); break;
    case 5: snprintf(s, n, "GS[0] = gsh()"); break;
    case 6: snprintf(s, n, "GS[1] = gen(%u)", R(r, 60)); break;
    case 7: snprintf(s, n, "GS[%u].gi_frame.f_lineno", k); break;
    case 8: snprintf(s, n, "GS[%u].gi_running", k); break;
    case 9: snprintf(s, n, "GS[%u].gi_frame.f_locals", k); break;
    case 10: snprintf(s, n, "for _x in GS[%u]:\n    break", k); break;
    case 11: snprintf(s, n, "list(gen(%u))", R(r, 8)); break;
    case 12: snprintf(s, n, "GS[%u].throw(%s)", k, junk(r)); break;
    default: snprintf(s, n, "GS[%u].gi_frame.f_back", k); break;
    }
}

static void
op_weft(fz_gen *g, char *s, size_t n)
{
    uint64_t *r = &g->rng;
    switch (R(r, 8)) {
    case 0:
    case 1:
        // nodis (fuzz_prelude.h): no DISABLE answer to C_RETURN, which
        // raises at another thread's next C call (a legitimate hang).
        snprintf(s, n, "_weft.monitor_c_noop(%s, nodis(%s), %s)", tool(r),
                 mask(r), R(r, 3) ? (R(r, 2) ? "True" : "False") : junk(r));
        break;
    case 2: snprintf(s, n, "_weft.monitor_c_noop(%s, %s)", tool(r), mask(r)); break;
    case 3: snprintf(s, n, "_weft.settrace_c_noop()"); break;
    case 4: snprintf(s, n, "_weft.setprofile_c_noop()"); break;
    case 5: snprintf(s, n, "_weft.settrace_all_threads_c_noop()"); break;
    case 6: snprintf(s, n, "_weft.settrace_c_noop(%s)", junk(r)); break;
    default:
        snprintf(s, n, "_weft.monitor_c_noop(tool=%s, events=%s)", junk(r),
                 junk(r));
        break;
    }
}

static void (*const op_fns[])(fz_gen *, char *, size_t) = {
    op_mon, op_trace, op_thread, op_frame, op_type, op_listdict, op_gen,
    op_weft,
};

// Emit one operation, wrapped, at indentation 4; [id] numbers it.
static void
emit_op(fz_buf *b, fz_gen *g, int id)
{
    unsigned grp;
    do
        grp = R(&g->rng, N_OF(op_fns));
    while (!(g->groups & (1u << grp)));
    char stmt[512];
    op_fns[grp](g, stmt, sizeof stmt);
    put(b, "    try:  # op %d (%s)\n", id, group_names[grp]);
    for (const char *p = stmt; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        put(b, "        %.*s\n", (int)len, p);
        p += len + (p[len] == '\n');
    }
    put(b, "    except Exception as e:\n        note(e, %d)\n", id);
}

// The whole program of round [round] into [b]; returns its operation count.
static long
gen_program(fz_buf *b, const wf_stress_cfg *cfg, uint64_t rseed, long round,
            unsigned groups, int ops_per_thread)
{
    fz_gen g = {.rng = rseed ? rseed : 1, .groups = groups};
    b->len = 0;
    int nthreads = cfg->threads;
    put(b, "# weft stress fuzz: seed %llu round %ld (round seed %llu), %d "
           "threads\n",
        (unsigned long long)cfg->seed, round, (unsigned long long)rseed,
        nthreads);
    put(b, "# Replays alone: weft THIS_FILE (or python3.14t); exit 0 and a "
           "last line 'fuzz ok' when every invariant held.\n");
    put(b, "CHECK_IDENT = True\n");
    put(b, "%s", fz_prelude);
    long nops = 0;
    for (int k = 0; k < nthreads; k++) {
        g.nsub = 0;
        int m = ops_per_thread > 0 ? ops_per_thread
                                   : 20 + (int)R(&g.rng, 40);
        put(b, "def t%d():\n", k);
        for (int i = 0; i < m; i++)
            emit_op(b, &g, (int)(nops++));
        put(b, "    return None\n");
    }
    put(b, "T = [");
    for (int k = 0; k < nthreads; k++)
        put(b, "%st%d", k ? ", " : "", k);
    put(b, "]\n");
    put(b, fz_epilogue, (int)nops);
    return nops;
}

// ===== The harness side =====

static long total_ops_reported;  // W/R: the runtime's main thread
static long total_exc;
static long rounds_reported;

static wf_value
bi_fuzz_report(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    (void)kwnames;
    int64_t a = 0, b = 0;
    if (nargs == 2 && wf_int_as_i64(ts, args[0], &a) == 0 &&
        wf_int_as_i64(ts, args[1], &b) == 0) {
        total_ops_reported += a;
        total_exc += b;
        rounds_reported++;
    }
    wf_err_clear(ts);
    return WF_NONE;
}

// The round watchdog: a plain native thread (never attached).
static uint64_t round_started_ns;  // W: main (release). R: the watchdog
static uint64_t round_no;          // W: main (release). R: the watchdog
static double round_limit_s = 120;
static char prog_path[512];

static void *
round_watch(void *arg)
{
    const wf_stress_cfg *cfg = arg;
    for (;;) {
        struct timespec d = {0, 200000000};
        nanosleep(&d, NULL);
        uint64_t t0 = wf_atomic_load_acquire_u64_word(&round_started_ns);
        if (t0 == 0)
            continue;
        double el = (double)(wf_stress_now_ns() - t0) / 1e9;
        if (el > round_limit_s) {
            fflush(stdout);
            fprintf(stderr,
                    "stress fuzz: FAILED: round %llu (seed %llu) did not "
                    "finish within %.0f s: hang?\n  program: %s\n"
                    "  invariant: %s\n",
                    (unsigned long long)wf_atomic_load_acquire_u64_word(
                        &round_no),
                    (unsigned long long)cfg->seed, round_limit_s, prog_path,
                    cfg->invariant);
            // WEFT_FUZZ_GDB=1: every thread's backtrace first (a debugging
            // aid; CI leaves it unset).
            if (getenv("WEFT_FUZZ_GDB") != NULL) {
                char cmd[160];
                snprintf(cmd, sizeof cmd,
                         "gdb -p %d -batch -ex 'thread apply all bt 24' "
                         "2>/dev/null | grep -E '^#|^Thread' >&2",
                         (int)getpid());
                if (system(cmd) != 0)
                    fprintf(stderr, "  (gdb failed)\n");
            }
            fflush(stderr);
            _exit(3);
        }
    }
    return NULL;
}

static void
write_program(const wf_stress_cfg *cfg, const fz_buf *b)
{
    FILE *f = fopen(prog_path, "w");
    STRESS_CHECK(cfg, 0, f != NULL, "cannot write %s", prog_path);
    fwrite(b->p, 1, b->len, f);
    fclose(f);
}

static uint64_t
splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static unsigned
parse_groups(const wf_stress_cfg *cfg)
{
    const char *s = getenv("WEFT_FUZZ_GROUPS");
    if (s == NULL || *s == '\0')
        return G_ALL;
    bool drop = *s == '-';
    s += drop;
    unsigned m = 0;
    while (*s != '\0') {
        size_t len = strcspn(s, ",");
        size_t i = 0;
        while (i < N_OF(group_names) &&
               !(strlen(group_names[i]) == len &&
                 strncmp(group_names[i], s, len) == 0))
            i++;
        STRESS_CHECK(cfg, 0, i < N_OF(group_names),
                     "WEFT_FUZZ_GROUPS: no group '%.*s'", (int)len, s);
        m |= 1u << i;
        s += len + (s[len] == ',');
    }
    m = drop ? G_ALL & ~m : m;
    STRESS_CHECK(cfg, 0, m != 0, "WEFT_FUZZ_GROUPS selects nothing");
    return m;
}

int
wf_stress_fuzz_run(const wf_stress_cfg *cfg)
{
    fz_cfg = cfg;
    unsigned groups = parse_groups(cfg);
    const char *e = getenv("WEFT_FUZZ_ROUND");
    long only = e != NULL ? atol(e) : 0;
    e = getenv("WEFT_FUZZ_OPS");
    int ops = e != NULL ? atoi(e) : 0;
    // A round takes well under a second; the child's own watchdog fires
    // at 3 * seconds + 30.
    if (cfg->seconds > 0 && cfg->seconds * 2 + 20 < round_limit_s)
        round_limit_s = cfg->seconds * 2 + 20;
    e = getenv("WEFT_FUZZ_ROUND_S");
    if (e != NULL && atof(e) > 0)
        round_limit_s = atof(e);
    const char *dir = getenv("TMPDIR");
    snprintf(prog_path, sizeof prog_path, "%s/weft-fuzz-%llu.py",
             dir != NULL && *dir != '\0' ? dir : "/tmp",
             (unsigned long long)cfg->seed);

    weft_runtime *rt;
    STRESS_CHECK(cfg, 0, weft_runtime_new(&rt) == WEFT_OK, "runtime_new");
    wf_thread *me = wf_thread_current();
    wf_stress_add_builtin(cfg, me, "_fuzz_report", bi_fuzz_report);
    printf("stress fuzz: seed %llu, %d threads, groups 0x%x; each round's "
           "program is written to %s before it runs\n",
           (unsigned long long)cfg->seed, cfg->threads, groups, prog_path);
    fflush(stdout);

    pthread_t wd;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    STRESS_CHECK(cfg, 0, pthread_create(&wd, &a, round_watch, (void *)cfg) == 0,
                 "cannot start the round watchdog");
    pthread_attr_destroy(&a);

    // WEFT_FUZZ_PAUSER_GC=0: the pauser pauses but never collects (to
    // tell a finding that needs the pauser's collections from one that
    // does not). Its collections found the exception tuple that
    // legacy/trace.c left unrooted across the monitoring mutex (seed 302).
    const char *pgc = getenv("WEFT_FUZZ_PAUSER_GC");
    int gc_every = pgc != NULL && strcmp(pgc, "0") == 0 ? 0 : 4;
    wf_stress_pauser *p = wf_stress_pauser_start(cfg, gc_every);
    STRESS_CHECK(cfg, 0, p != NULL, "cannot start the pauser");
    fz_buf b = {.p = malloc(1 << 16), .cap = 1 << 16};
    STRESS_CHECK(cfg, 0, b.p != NULL, "out of memory");
    long rounds = 0, nops = 0;
    uint64_t deadline = wf_stress_now_ns() + (uint64_t)(cfg->seconds * 1e9);
    for (long round = only > 0 ? only : 1;; round++) {
        if (only > 0 ? round > only
                     : (cfg->seconds > 0 ? wf_stress_now_ns() >= deadline
                                         : round > cfg->iterations))
            break;
        uint64_t rseed = splitmix(cfg->seed ^ splitmix((uint64_t)round));
        nops += gen_program(&b, cfg, rseed, round, groups, ops);
        write_program(cfg, &b);
        wf_atomic_store_release_u64_word(&round_no, (uint64_t)round);
        wf_atomic_store_release_u64_word(&round_started_ns,
                                         wf_stress_now_ns());
        int code = -1;
        char fname[64];
        snprintf(fname, sizeof fname, "<fuzz round %ld>", round);
        weft_status st = weft_run_string(rt, b.p, fname, &code);
        wf_atomic_store_release_u64_word(&round_started_ns, 0);
        STRESS_CHECK(cfg, round, st == WEFT_OK && code == 0,
                     "round %ld (round seed %llu) failed (status %d, exit "
                     "code %d): see its output above; its program is %s",
                     round, (unsigned long long)rseed, (int)st, code,
                     prog_path);
        rounds++;
    }
    // The runtime still works.
    wf_atomic_store_release_u64_word(&round_no, 0);
    wf_atomic_store_release_u64_word(&round_started_ns, wf_stress_now_ns());
    int code = -1;
    weft_status st = weft_run_string(rt, fz_sanity, "<fuzz sanity>", &code);
    wf_atomic_store_release_u64_word(&round_started_ns, 0);
    STRESS_CHECK(cfg, rounds, st == WEFT_OK && code == 0,
                 "the sanity program failed after %ld rounds (status %d, "
                 "exit code %d)",
                 rounds, (int)st, code);
    wf_thread_detach(me);
    long npauses = wf_stress_pauser_stop(p);
    wf_thread_attach(me);
    STRESS_CHECK(cfg, rounds, rounds_reported == rounds,
                 "%ld rounds ran but %ld reported", rounds, rounds_reported);
    printf("stress fuzz: seed %llu, %d threads, %ld rounds, %ld operations "
           "(%ld reported), %ld Python exceptions caught, %ld pauses by the "
           "pauser: ok\n",
           (unsigned long long)cfg->seed, cfg->threads, rounds, nops,
           total_ops_reported, total_exc, npauses);
    fflush(stdout);
    free(b.p);
    weft_runtime_free(rt);
    return 0;
}
