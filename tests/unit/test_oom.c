// tests/unit/test_oom.c -- the OOM loop (STYLE 9.4; SQLite's faultsim,
// Lua's alloccount): start-up and a few representative scripts, each run
// in a fresh runtime through the embedding API with counted allocation n
// failing (mem.h's fault injector), for n = 1, 2, ... until a run no longer
// reaches the fault. Every run must end in success or a clean MemoryError:
// the API returns WEFT_OK (exit code 0, or 1 with MemoryError on stderr)
// or WEFT_ENOMEM; what the script printed is a prefix of what it prints
// unfaulted; no exception is left set; the thread-list lock is free; a
// collection and the instrumentation validator pass on every code object;
// the runtime still runs a script; and once it is torn down no block
// allocated during the run is still live. Prints the injection points
// exercised per case. The cases: start-up, three scripts written here
// (plain, traced, threaded) and three of tests/scripts (script_tests).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <weft.h>

#if defined(__SANITIZE_ADDRESS__)
#  define OOM_LSAN 1
#  include <sanitizer/lsan_interface.h>
#else
#  define OOM_LSAN 0
#endif

#include "gc.h"
#include "mem.h"
#include "monitor/instrument.h"
#include "objects/error.h"
#include "threads/thread.h"
#include "vm/code.h"

// ===== The scripts =====

// Classes, inheritance, generators, comprehensions, dicts, lists, strings,
// f-strings, exceptions caught by type (never a bare except: a MemoryError
// must escape), exception chaining.
static const char plain_src[] =
    "class Point:\n"
    "    def __init__(self, x, y):\n"
    "        self.x = x\n"
    "        self.y = y\n"
    "    def __repr__(self):\n"
    "        return f'Point({self.x}, {self.y})'\n"
    "class Tagged(Point):\n"
    "    kind = 'tagged'\n"
    "def walk(n):\n"
    "    for i in range(n):\n"
    "        yield i * i\n"
    "pts = [Point(i, i + 1) for i in range(3)] + [Tagged(9, 9)]\n"
    "print(pts, Tagged.kind)\n"
    "d = {'a': 1, 'b': [1, 2, 3], 3: 'three'}\n"
    "d['c'] = {k: v for k, v in zip('xyz', walk(3))}\n"
    "print(sorted(str(k) for k in d), d['c'])\n"
    "s = '-'.join(str(x) for x in walk(5)).upper() + ' \xc3\xa9'\n"
    "print(s, len(s), s[2:5])\n"
    "try:\n"
    "    {}['missing']\n"
    "except KeyError as e:\n"
    "    print('KeyError', repr(e))\n"
    "try:\n"
    "    raise ValueError('bad') from TypeError('cause')\n"
    "except ValueError as e:\n"
    "    print('ValueError', e, type(e.__cause__).__name__)\n"
    "print(sum(walk(10)), max(pts, key=lambda p: p.x))\n";

// sys.settrace (tools 6/7 underneath) and sys.monitoring with Python
// callbacks for PY_START and LINE.
#if WEFT_MONITORING
static const char traced_src[] =
    "import sys\n"
    "lines = []\n"
    "def tracer(frame, event, arg):\n"
    "    if event == 'line':\n"
    "        lines.append(frame.f_lineno)\n"
    "    return tracer\n"
    "def f(n):\n"
    "    t = 0\n"
    "    for i in range(n):\n"
    "        t += i\n"
    "    return t\n"
    "sys.settrace(tracer)\n"
    "r = f(3)\n"
    "sys.settrace(None)\n"
    "print(r, len(lines))\n"
    "mon = sys.monitoring\n"
    "TOOL = 2\n"
    "events = []\n"
    "mon.use_tool_id(TOOL, 'oomtest')\n"
    "mon.register_callback(TOOL, mon.events.PY_START,\n"
    "                      lambda code, off: events.append(code.co_name))\n"
    "mon.register_callback(TOOL, mon.events.LINE,\n"
    "                      lambda code, line: events.append(line))\n"
    "mon.set_events(TOOL, mon.events.PY_START | mon.events.LINE)\n"
    "f(2)\n"
    "mon.set_events(TOOL, 0)\n"
    "mon.free_tool_id(TOOL)\n"
    "print(events)\n";
#endif

// Threads started and joined, a lock, results printed by the main thread.
static const char threaded_src[] =
    "import threading\n"
    "results = [0] * 4\n"
    "lock = threading.Lock()\n"
    "done = []\n"
    "def work(i):\n"
    "    acc = []\n"
    "    for j in range(20):\n"
    "        acc.append(j * i)\n"
    "    results[i] = sum(acc)\n"
    "    with lock:\n"
    "        done.append(i)\n"
    "ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n"
    "for t in ts:\n"
    "    t.start()\n"
    "for t in ts:\n"
    "    t.join()\n"
    "print(results, sorted(done))\n";

// Script tests of tests/scripts run through the same loop (read at run
// time from WF_TEST_SCRIPTS_DIR, which tests/CMakeLists.txt defines): one
// of the language, one threaded, one traced through the legacy API (only
// where monitoring is built). None catches Exception broadly, so a
// MemoryError always escapes.
#ifndef WF_TEST_SCRIPTS_DIR
#  error "WF_TEST_SCRIPTS_DIR (tests/scripts) must be defined"
#endif
static const char *const script_tests[] = {
    "language/vm_closures.py",
    "threads/basic.py",
#if WEFT_MONITORING  // the traced one needs settrace
    "legacy/generator_events.py",
#endif
};

// Run after every faulted run, unfaulted, in the same runtime: it must
// still work (a lock left held would hang it).
static const char after_src[] = "import sys\nprint('after', [1, 2][-1])\n";

// ===== In the child =====

// Each run happens in a child process (a runtime is created once per
// process), so a crash or a hang is reported with its n instead of ending
// the test. The child must not use cmocka's asserts (they would longjmp
// into the child's copy of the test runner): CHECK prints and exits 1.
// It writes to [child_err], the test's stderr (fd 2 may be captured).
static int child_err = 2;
#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            dprintf(child_err, "test_oom.c:%d: check failed: %s\n",       \
                    __LINE__, #cond);                                     \
            _exit(1);                                                     \
        }                                                                 \
    } while (0)

typedef struct capture {
    FILE *out, *err;
    int saved_out, saved_err;
} capture;

static void
capture_begin(capture *c)
{
    fflush(stdout);
    fflush(stderr);
    c->out = tmpfile();
    c->err = tmpfile();
    CHECK(c->out != NULL && c->err != NULL);
    c->saved_out = dup(1);
    c->saved_err = dup(2);
    CHECK(c->saved_out >= 0 && c->saved_err >= 0);
    CHECK(dup2(fileno(c->out), 1) >= 0 && dup2(fileno(c->err), 2) >= 0);
}

// Restore fds 1 and 2; return what was written to each (caller frees).
static void
capture_end(capture *c, char **out, char **err)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved_out, 1);
    dup2(c->saved_err, 2);
    close(c->saved_out);
    close(c->saved_err);
    FILE *fs[2] = {c->out, c->err};
    char **dst[2] = {out, err};
    for (int i = 0; i < 2; i++) {
        long n = ftell(fs[i]);
        CHECK(n >= 0);
        char *buf = malloc((size_t)n + 1);
        CHECK(buf != NULL);
        rewind(fs[i]);
        CHECK(fread(buf, 1, (size_t)n, fs[i]) == (size_t)n);
        buf[n] = '\0';
        fclose(fs[i]);
        *dst[i] = buf;
    }
}

static bool
has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

// A collection walks every reachable object (ASan sees a bad one), then
// every code object on [t]'s allocation list and the orphans passes the
// instrumentation validator. Caller: the only thread (the script joined
// its threads), attached.
static void
check_heap(wf_thread *t)
{
    CHECK(wf_gc_collect(t) == 0);
#if WEFT_MONITORING
    wf_obj *lists[2] = {t->alloc_head, t->interp->orphan_head};
    for (int i = 0; i < 2; i++)
        for (wf_obj *o = lists[i]; o != NULL; o = o->gc_next)
            if (o->type == &wf_code_type)
                wf_instr_check_code((const wf_code *)o);
#endif
}

// weft_runtime_free leaves the objects on the interpreter's orphan lists
// (no final sweep; the process ends soon after). Free them here, with
// their finalizers, so that what stays live is what nothing owns.
static void
free_orphans(void)
{
    wf_interp *interp = &wf_the_interp;
    for (size_t i = 0; i <= interp->norphan_lists; i++) {
        wf_obj **head = i < interp->norphan_lists ? &interp->orphan_lists[i]
                                                  : &interp->orphan_head;
        for (wf_obj *o = *head, *next; o != NULL; o = next) {
            next = o->gc_next;
            if (o->type->finalize != NULL)
                o->type->finalize(o);
            wf_mem_free(o);
        }
        *head = NULL;
    }
}

// ===== One run =====

typedef struct oom_case {
    const char *name;
    const char *src;  // NULL: start-up and teardown only
    bool persistent;  // every allocation after the n-th fails as well
    bool threads;     // starts threads: allocation order varies per run
} oom_case;

typedef struct run_result {
    weft_status new_st, run_st;
    int exit_code;
    uint64_t hits, count;
    size_t live;
    bool lsan_leak;  // LeakSanitizer found unreachable blocks (ASan build)
    char *out, *err, *after_out;
} run_result;

// A faulted run can end the script before its daemon thread is done
// (threads/basic.py: a MemoryError before the joins). The process would
// exit under it; the checks below (free_orphans, the heap walk) must not
// run under it. Wait, detached, until this thread is the only one, for
// at most 30 s (the child's alarm reports a thread that never ends).
static void
wait_for_daemons(wf_thread *t)
{
    for (int i = 0; i < 30000 && wf_thread_count(t->interp) > 1; i++) {
        wf_thread_detach(t);
        struct timespec d = {0, 1000000};
        nanosleep(&d, NULL);
        wf_thread_attach(t);
    }
}

// Run [c] once with counted allocation [n] failing (0: none). In the child.
static void
run_once(const oom_case *c, uint64_t n, run_result *r)
{
    memset(r, 0, sizeof *r);
    r->exit_code = -1;
    capture cap;
    capture_begin(&cap);
    wf_mem_track_start();
    weft_runtime *rt = NULL;
    if (c->src == NULL)
        wf_mem_fault_arm(n, c->persistent);
    r->new_st = weft_runtime_new(&rt);
    if (r->new_st == WEFT_OK && c->src != NULL) {
        wf_mem_fault_arm(n, c->persistent);
        r->run_st = weft_run_string(rt, c->src, "<oom>", &r->exit_code);
    }
    r->count = wf_mem_fault_count();
    r->hits = wf_mem_fault_hits();
    wf_mem_fault_arm(0, false);
    if (r->new_st == WEFT_OK && wf_thread_current() != NULL)
        wait_for_daemons(wf_thread_current());
    capture_end(&cap, &r->out, &r->err);
    if (r->new_st == WEFT_OK) {
        wf_thread *t = wf_thread_current();
        CHECK(t != NULL);
        CHECK(!wf_err_occurred(t));
        CHECK(wf_mutex_trylock(&t->interp->threads_lock));
        wf_mutex_unlock(&t->interp->threads_lock);
        check_heap(t);
        char *err = NULL;
        capture_begin(&cap);
        int code = -1;
        weft_status st = weft_run_string(rt, after_src, "<after>", &code);
        capture_end(&cap, &r->after_out, &err);
        if (st != WEFT_OK || code != 0)
            fprintf(stderr, "after-run failed (%d, %d): %s\n", st, code, err);
        free(err);
        weft_runtime_free(rt);
    }
    free_orphans();  // weft_runtime_new's failure path leaves them too
    r->live = wf_mem_track_live();
#if OOM_LSAN
    // Blocks nothing points to any more (the report goes to the test's
    // stderr). Precise where the count below is not.
    r->lsan_leak = __lsan_do_recoverable_leak_check() != 0;
#endif
}

// What run [r] did wrong (NULL: nothing), given the unfaulted run's stdout
// [want] and the blocks it left live after teardown, [base_live] (state
// kept for the process's lifetime, such as interned strings: a faulted run
// may leave fewer, never more).
static const char *
judge(const oom_case *c, const run_result *r, const char *want,
      size_t base_live)
{
    if (r->lsan_leak)
        return "LeakSanitizer: unreachable blocks after teardown";
    // The count is only comparable where allocation is deterministic:
    // with threads, which allocations happen (interned names on an error
    // path in one thread but not another) varies run to run. There the
    // ASan build's LeakSanitizer check above is the leak check.
    if (!c->threads && r->live > base_live)
        return "more blocks live after teardown than unfaulted (a leak)";
    if (r->new_st == WEFT_ENOMEM)
        return c->src == NULL && r->hits > 0 ? NULL : "unexpected ENOMEM";
    if (r->new_st != WEFT_OK)
        return "weft_runtime_new: unexpected status";
    if (r->after_out == NULL || strcmp(r->after_out, "after 2\n") != 0)
        return "the runtime no longer runs a script";
    if (c->src == NULL)
        return NULL;
    if (r->run_st == WEFT_ENOMEM)
        return has_prefix(want, r->out) ? NULL : "output is not a prefix";
    if (r->run_st != WEFT_OK)
        return "weft_run_string: unexpected status";
    bool memerr = strstr(r->err, "MemoryError") != NULL;
    if (r->exit_code == 0) {
        // A MemoryError in a thread is reported and the script goes on.
        if (strcmp(r->out, want) == 0 || memerr)
            return NULL;
        return "succeeded with other output and no MemoryError";
    }
    if (r->exit_code != 1)
        return "unexpected exit code";
    if (!memerr)
        return "failed without MemoryError";
    // A thread that died of MemoryError changes what the main thread
    // prints afterwards (a result it never stored): no prefix then.
    bool thread_memerr =
        c->threads && strstr(r->err, "Exception ignored in thread") != NULL;
    if (!thread_memerr && !has_prefix(want, r->out))
        return "output is not a prefix";
    return NULL;
}

static void
on_crash(int sig)
{
    void *frames[48];
    int n = backtrace(frames, 48);
    dprintf(child_err, "signal %d in the child; its stack:\n", sig);
    backtrace_symbols_fd(frames, n, child_err);
    signal(sig, SIG_DFL);
    raise(sig);
}

// The child: run, judge, write "hits count memerr live\n" and (for the
// unfaulted run) stdout to [fd]; exit 0, or 1 after printing why.
static void
child(const oom_case *c, uint64_t n, const char *want, size_t base_live,
      int fd)
{
    // cmocka catches crashes to go on with the next test: here a crash
    // prints its stack and kills the child.
    child_err = dup(2);
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_crash);
    alarm(60);  // a hang (a lock left held) ends the child with SIGALRM
    run_result r;
    run_once(c, n, &r);
    const char *why = n == 0 ? NULL : judge(c, &r, want, base_live);
    if (getenv("WF_OOM_DUMP") != NULL) {
        dprintf(child_err, "run %llu live blocks:\n", (unsigned long long)n);
        fflush(stderr);
        int saved = dup(2);
        dup2(child_err, 2);
        wf_mem_track_dump(1000000);
        dup2(saved, 2);
        close(saved);
    }
    if (n != 0 && getenv("WF_OOM_ONLY") != NULL)
        dprintf(child_err, "%s, allocation %llu: stderr:\n%s", c->name,
                (unsigned long long)n, r.err);
    if (why != NULL) {
        fprintf(stderr,
                "%s%s, allocation %llu failing: %s\n"
                "  status %d/%d, exit %d, faults %llu, live %zu (unfaulted "
                "%zu)\n  stdout:\n%s\n  stderr:\n%s\n",
                c->name, c->persistent ? " (persistent)" : "",
                (unsigned long long)n, why, r.new_st, r.run_st, r.exit_code,
                (unsigned long long)r.hits, r.live, base_live, r.out, r.err);
        if (r.live > base_live)
            wf_mem_track_dump(8);
        _exit(1);
    }
    bool memerr = r.exit_code == 1 || r.new_st == WEFT_ENOMEM ||
                  r.run_st == WEFT_ENOMEM;
    FILE *f = fdopen(fd, "w");
    CHECK(f != NULL);
    fprintf(f, "%llu %llu %d %zu\n", (unsigned long long)r.hits,
            (unsigned long long)r.count, memerr, r.live);
    if (n == 0)
        fputs(r.out, f);
    fclose(f);
    _exit(0);
}

// ===== The loop =====

typedef struct outcome {
    uint64_t hits, count;
    int memerr;
    size_t live;
    char *out;  // the unfaulted run's stdout
} outcome;

// Fork a child for run [n]; fail the test if it fails. Fills [o].
static void
run_in_child(const oom_case *c, uint64_t n, const char *want,
             size_t base_live, outcome *o)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(c, n, want, base_live, fds[1]);
    }
    close(fds[1]);
    size_t cap = 256, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        ssize_t k = read(fds[0], buf + len, cap - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFSIGNALED(status))
            fprintf(stderr, "%s%s, allocation %llu failing: killed by "
                    "signal %d (%s)\n", c->name,
                    c->persistent ? " (persistent)" : "",
                    (unsigned long long)n, WTERMSIG(status),
                    WTERMSIG(status) == SIGALRM ? "hung" : "crashed");
        else
            fprintf(stderr, "%s%s, allocation %llu failing: exit status %d "
                    "(WF_OOM_ONLY=%s:%llu shows its stderr)\n", c->name,
                    c->persistent ? " (persistent)" : "",
                    (unsigned long long)n, WEXITSTATUS(status), c->name,
                    (unsigned long long)n);
        free(buf);
        fail();
    }
    unsigned long long hits, count;
    int off = 0;
    assert_int_equal(sscanf(buf, "%llu %llu %d %zu\n%n", &hits, &count,
                            &o->memerr, &o->live, &off), 4);
    o->hits = hits;
    o->count = count;
    o->out = strdup(buf + off);
    free(buf);
}

// WF_OOM_ONLY="name:n" runs only allocation n of that case (both modes),
// with WF_MEM_FAULT_BACKTRACE's stack, for debugging one failure.
static void
run_case(const oom_case *c)
{
    const char *only = getenv("WF_OOM_ONLY");
    size_t nl = strlen(c->name);
    if (only != NULL && (strncmp(only, c->name, nl) != 0 || only[nl] != ':'))
        return;
    static outcome base;  // static: a failing run longjmps out
    free(base.out);
    run_in_child(c, 0, NULL, 0, &base);
    uint64_t points = 0, memerrs = 0;
    uint64_t first = only != NULL ? strtoull(only + nl + 1, NULL, 10) : 1;
    if (only != NULL)
        setenv("WF_MEM_FAULT_BACKTRACE", "1", 1);
    for (uint64_t n = first;; n++) {
        outcome o;
        run_in_child(c, n, base.out, base.live, &o);
        free(o.out);
        if (o.hits == 0 || only != NULL)
            break;
        points++;
        memerrs += o.memerr != 0;
    }
    printf("oom: %s%s: %llu injection points (%llu counted allocations "
           "unfaulted), %llu ended in MemoryError or WEFT_ENOMEM\n",
           c->name, c->persistent ? " (persistent)" : "",
           (unsigned long long)points, (unsigned long long)base.count,
           (unsigned long long)memerrs);
    free(base.out);
    base.out = NULL;
}

// ===== Tests =====

static void
test_oom_start_up_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    run_case(&(oom_case){"start-up", NULL, false, false});
    run_case(&(oom_case){"start-up", NULL, true, false});
}

static void
test_oom_plain_script_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    run_case(&(oom_case){"plain", plain_src, false, false});
    run_case(&(oom_case){"plain", plain_src, true, false});
}

#if WEFT_MONITORING
static void
test_oom_traced_script_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    run_case(&(oom_case){"traced", traced_src, false, false});
    run_case(&(oom_case){"traced", traced_src, true, false});
}
#endif

static void
test_oom_threaded_script_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    run_case(&(oom_case){"threaded", threaded_src, false, true});
    run_case(&(oom_case){"threaded", threaded_src, true, true});
}

// [rel] under WF_TEST_SCRIPTS_DIR, read whole (caller frees).
static char *
read_script(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", WF_TEST_SCRIPTS_DIR, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void
test_oom_script_tests_fail_cleanly_at_every_allocation(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof script_tests / sizeof script_tests[0];
         i++) {
        char *src = read_script(script_tests[i]);
        bool threads = strncmp(script_tests[i], "threads/", 8) == 0;
        run_case(&(oom_case){script_tests[i], src, false, threads});
        run_case(&(oom_case){script_tests[i], src, true, threads});
        free(src);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_start_up_fails_cleanly_at_every_allocation),
        cmocka_unit_test(test_oom_plain_script_fails_cleanly_at_every_allocation),
#if WEFT_MONITORING  // settrace and sys.monitoring are compiled out
        cmocka_unit_test(test_oom_traced_script_fails_cleanly_at_every_allocation),
#endif
        cmocka_unit_test(test_oom_threaded_script_fails_cleanly_at_every_allocation),
        cmocka_unit_test(test_oom_script_tests_fail_cleanly_at_every_allocation),
    };
    return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
