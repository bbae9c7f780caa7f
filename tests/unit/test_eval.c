// tests/unit/test_eval.c -- the eval loop through the whole pipeline
// (compile, frames, calls, exceptions, generators, the collector at safe
// points): each test runs a snippet as module code and checks the globals
// it leaves behind. Also LOAD_GLOBAL's inline cache end to end, including
// one code object run with two globals dicts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <weft.h>

#include "compiler/compile.h"
#include "objects/error.h"
#include "vm/eval.h"
#include "vm/frame.h"
#include "gc.h"
#include "threads/thread.h"

static weft_runtime *rt;

static int
group_setup(void **state)
{
    (void)state;
    return weft_runtime_new(&rt) == WEFT_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    weft_runtime_free(rt);
    return 0;
}

// Run [src] as module code in a fresh globals dict; returns the dict (kept
// in interp->main_module's place is not needed: the test reads it at once)
// or WF_NULL with the exception printed.
static wf_value
run(const char *src)
{
    wf_thread *ts = wf_thread_current();
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    if (cv == WF_NULL) {
        wf_err_print(ts);
        return WF_NULL;
    }
    wf_value globals = wf_dict_new(ts);
    if (globals == WF_NULL)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, globals) < 0 ||
        wf_root_push(ts, cv) < 0)
        return WF_NULL;
    wf_value r = wf_eval_code(ts, (wf_code *)wf_val_as_obj(cv), globals);
    wf_root_release(ts, mark);
    if (r == WF_NULL) {
        wf_err_print(ts);
        return WF_NULL;
    }
    return globals;
}

static wf_value
global(wf_value globals, const char *name)
{
    wf_thread *ts = wf_thread_current();
    wf_value key = wf_str_intern(ts, name);
    return key == WF_NULL ? WF_NULL : wf_dict_get_str(globals, key);
}

static int64_t
int_global(wf_value globals, const char *name)
{
    wf_value v = global(globals, name);
    assert_true(v != WF_NULL);
    assert_true(wf_val_is_int(v));
    return wf_val_as_int(v);
}

static const char *
str_global(wf_value globals, const char *name)
{
    wf_value v = global(globals, name);
    assert_true(v != WF_NULL);
    assert_true(wf_val_is(v, &wf_str_type));
    return wf_str_cstr(v);
}

static void
test_eval_int_fast_paths_match_python(void **state)
{
    (void)state;
    wf_value g = run("a = 7 * 6\nb = -7 // 2\nc = -7 % 2\nd = 7 // -2\n"
                     "e = 7 % -2\nf = (1 << 40) - 3\nh = 5 - 9\n"
                     "i = 3 < 4 <= 4\n");
    assert_true(g != WF_NULL);
    assert_int_equal(int_global(g, "a"), 42);
    assert_int_equal(int_global(g, "b"), -4);
    assert_int_equal(int_global(g, "c"), 1);
    assert_int_equal(int_global(g, "d"), -4);
    assert_int_equal(int_global(g, "e"), -1);
    assert_int_equal(int_global(g, "f"), ((int64_t)1 << 40) - 3);
    assert_int_equal(int_global(g, "h"), -4);
    assert_true(global(g, "i") == WF_TRUE);
}

static void
test_eval_overflow_is_an_exception(void **state)
{
    (void)state;
    wf_value g = run("x = 1 << 61\ntry:\n    y = x * 4\n    r = 'no'\n"
                     "except OverflowError:\n    r = 'overflow'\n");
    assert_true(g != WF_NULL);
    assert_string_equal(str_global(g, "r"), "overflow");
}

static void
test_eval_inlined_recursion_and_recursion_error(void **state)
{
    (void)state;
    wf_value g = run("def fib(n):\n    if n < 2:\n        return n\n"
                     "    return fib(n - 1) + fib(n - 2)\n"
                     "r = fib(20)\n"
                     "def down(n):\n    return down(n + 1)\n"
                     "try:\n    down(0)\n    e = 'none'\n"
                     "except RecursionError as x:\n    e = str(x)\n");
    assert_true(g != WF_NULL);
    assert_int_equal(int_global(g, "r"), 6765);
    assert_string_equal(str_global(g, "e"),
                        "maximum recursion depth exceeded");
    assert_int_equal(wf_thread_current()->recursion_depth, 0);
}

static void
test_eval_binding_errors_use_cpython_wording(void **state)
{
    (void)state;
    wf_value g = run("def f(a, b=1, *, k):\n    return a\n"
                     "msgs = []\n"
                     "for call in [lambda: f(), lambda: f(1, 2, 3, k=1),\n"
                     "             lambda: f(1), lambda: f(1, k=1, z=2),\n"
                     "             lambda: f(1, a=1, k=2)]:\n"
                     "    try:\n        call()\n"
                     "    except TypeError as e:\n        msgs.append(str(e))\n"
                     "m0, m1, m2, m3, m4 = msgs\n");
    assert_true(g != WF_NULL);
    assert_string_equal(str_global(g, "m0"),
                        "f() missing 1 required positional argument: 'a'");
    assert_string_equal(str_global(g, "m1"),
                        "f() takes from 1 to 2 positional arguments but 3 "
                        "positional arguments (and 1 keyword-only argument) "
                        "were given");
    assert_string_equal(str_global(g, "m2"),
                        "f() missing 1 required keyword-only argument: 'k'");
    assert_string_equal(str_global(g, "m3"),
                        "f() got an unexpected keyword argument 'z'");
    assert_string_equal(str_global(g, "m4"),
                        "f() got multiple values for argument 'a'");
}

static void
test_eval_handlers_finally_and_generators(void **state)
{
    (void)state;
    wf_value g = run("log = []\n"
                     "def gen(n):\n    try:\n        for i in range(n):\n"
                     "            yield i\n    finally:\n"
                     "        log.append('fin')\n"
                     "total = 0\nfor v in gen(5):\n    total += v\n"
                     "def h():\n    try:\n        1 // 0\n"
                     "    except ZeroDivisionError:\n        return 'caught'\n"
                     "    finally:\n        log.append('h')\n"
                     "r = h()\nn = len(log)\n");
    assert_true(g != WF_NULL);
    assert_int_equal(int_global(g, "total"), 10);
    assert_string_equal(str_global(g, "r"), "caught");
    assert_int_equal(int_global(g, "n"), 2);
}

static void
test_eval_collects_at_safe_points_without_losing_values(void **state)
{
    (void)state;
    // Allocates well past the collection threshold inside loops and calls:
    // collections happen at JUMP_BACKWARD / RESUME with live values on
    // every frame's stack.
    wf_value g = run("def mk(i):\n    return [i, str(i), (i, i)]\n"
                     "keep = []\nfor i in range(300000):\n"
                     "    x = mk(i)\n    if i % 1000 == 0:\n"
                     "        keep.append(x)\n"
                     "s = 0\nfor k in keep:\n    s += k[2][1] + len(k[1])\n");
    assert_true(g != WF_NULL);
    int64_t expect = 0;
    for (int64_t i = 0; i < 300000; i += 1000) {
        char buf[32];
        expect += i + snprintf(buf, sizeof buf, "%lld", (long long)i);
    }
    assert_int_equal(int_global(g, "s"), expect);
    wf_gc_stats st;
    wf_gc_get_stats(&st);
    assert_true(st.collections > 0);
}


static void
test_eval_global_cache_sees_rebinding_deletion_and_shadowing(void **state)
{
    (void)state;
    wf_value g = run(
        "x = 1\n"
        "def get_x():\n    return x\n"
        "def use_len(s):\n    return len(s)\n"
        "def del_x():\n    global x\n    del x\n"
        "a1 = get_x()\na2 = get_x()\n"
        "x = 2\nb = get_x()\n"
        "del_x()\n"
        "try:\n    get_x()\n    err = 'none'\n"
        "except NameError as e:\n    err = str(e)\n"
        "x = 3\nc = get_x()\n"
        "l1 = use_len('abc')\nl2 = use_len('abcd')\n"
        "len = lambda s: 42\nl3 = use_len('abc')\n"
        "del len\nl4 = use_len('ab')\n");
    assert_true(g != WF_NULL);
    assert_int_equal(int_global(g, "a1"), 1);
    assert_int_equal(int_global(g, "a2"), 1);
    assert_int_equal(int_global(g, "b"), 2);
    assert_string_equal(str_global(g, "err"), "name 'x' is not defined");
    assert_int_equal(int_global(g, "c"), 3);
    assert_int_equal(int_global(g, "l1"), 3);
    assert_int_equal(int_global(g, "l2"), 4);
    assert_int_equal(int_global(g, "l3"), 42);
    assert_int_equal(int_global(g, "l4"), 2);
}

static void
test_eval_global_cache_survives_many_new_globals(void **state)
{
    (void)state;
    // 600 new globals between two calls replace the globals table (and
    // compact it after the deletions) several times.
    static char src[32768];
    size_t n = (size_t)snprintf(src, sizeof src,
                                "tmp = 0\ny = 5\n"
                                "def f():\n    return y + len('ab')\n"
                                "a = f()\ndel tmp\n");
    for (int i = 0; i < 600; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "g%d = %d\n", i, i);
    n += (size_t)snprintf(src + n, sizeof src - n,
                          "b = f()\ny = 6\nc = f()\n"
                          "len = lambda s: 10\nd = f()\n");
    assert_true(n < sizeof src);
    wf_value g = run(src);
    assert_true(g != WF_NULL);
    assert_int_equal(int_global(g, "a"), 7);
    assert_int_equal(int_global(g, "b"), 7);
    assert_int_equal(int_global(g, "c"), 8);
    assert_int_equal(int_global(g, "d"), 16);
    assert_int_equal(int_global(g, "g599"), 599);
}

// One code object run as module code with two globals dicts: the
// functions it defines share their code (and so the cache) but not their
// globals. Each dict gets two keys before the run, so with per-dict
// version counters the two would have equal versions at every step.
static void
test_eval_global_cache_one_code_two_globals_dicts(void **state)
{
    (void)state;
    wf_thread *ts = wf_thread_current();
    const char *src = "def f():\n    return len\n"
                      "def h():\n    return x\n"
                      "r = f()\nrx = h()\n";
    size_t mark = wf_root_mark(ts);
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    assert_true(cv != WF_NULL);
    wf_value ga = wf_dict_new(ts), gb = wf_dict_new(ts);
    assert_true(ga != WF_NULL && gb != WF_NULL);
    assert_true(wf_root_push(ts, cv) >= 0);
    assert_true(wf_root_push(ts, ga) >= 0);
    assert_true(wf_root_push(ts, gb) >= 0);
    wf_value len = wf_str_intern(ts, "len"), x = wf_str_intern(ts, "x");
    // A: x and pad (len comes from builtins). B: len shadowed, then x, so
    // x sits at another index. Two insertions each.
    assert_int_equal(wf_dict_set_str(ts, ga, x, wf_val_from_int(1)), 0);
    assert_int_equal(wf_dict_set_str(ts, ga, wf_str_intern(ts, "pad"),
                                     wf_val_from_int(0)), 0);
    assert_int_equal(wf_dict_set_str(ts, gb, len, wf_val_from_int(7)), 0);
    assert_int_equal(wf_dict_set_str(ts, gb, x, wf_val_from_int(2)), 0);
    wf_code *co = (wf_code *)wf_val_as_obj(cv);
    assert_true(wf_eval_code(ts, co, ga) != WF_NULL);
    assert_true(wf_eval_code(ts, co, gb) != WF_NULL);
    wf_value builtin_len = wf_dict_get_str(ts->interp->builtins_dict, len);
    assert_true(builtin_len != WF_NULL);
    assert_true(global(ga, "r") == builtin_len);
    assert_int_equal(int_global(ga, "rx"), 1);
    assert_int_equal(int_global(gb, "r"), 7);
    assert_int_equal(int_global(gb, "rx"), 2);
    // Alternate calls: each fills the shared cache for its own dict.
    wf_value fa = global(ga, "f"), fb = global(gb, "f");
    wf_value ha = global(ga, "h"), hb = global(gb, "h");
    for (int i = 0; i < 4; i++) {
        assert_true(wf_obj_call(ts, fa, NULL, 0, WF_NULL) == builtin_len);
        assert_true(wf_obj_call(ts, fb, NULL, 0, WF_NULL) ==
                    wf_val_from_int(7));
        assert_true(wf_obj_call(ts, ha, NULL, 0, WF_NULL) ==
                    wf_val_from_int(1));
        assert_true(wf_obj_call(ts, hb, NULL, 0, WF_NULL) ==
                    wf_val_from_int(2));
    }
    wf_root_release(ts, mark);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_int_fast_paths_match_python),
        cmocka_unit_test(test_eval_overflow_is_an_exception),
        cmocka_unit_test(test_eval_inlined_recursion_and_recursion_error),
        cmocka_unit_test(test_eval_binding_errors_use_cpython_wording),
        cmocka_unit_test(test_eval_handlers_finally_and_generators),
        cmocka_unit_test(test_eval_collects_at_safe_points_without_losing_values),
        cmocka_unit_test(
            test_eval_global_cache_sees_rebinding_deletion_and_shadowing),
        cmocka_unit_test(test_eval_global_cache_survives_many_new_globals),
        cmocka_unit_test(test_eval_global_cache_one_code_two_globals_dicts),
    };
    return cmocka_run_group_tests_name("eval", tests, group_setup,
                                       group_teardown);
}
