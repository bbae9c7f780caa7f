// tests/unit/test_eval.c -- the eval loop through the whole pipeline
// (compile, frames, calls, exceptions, generators, the collector at safe
// points): each test runs a snippet as module code and checks the globals
// it leaves behind.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <weft.h>

#include "compile.h"
#include "error.h"
#include "eval.h"
#include "frame.h"
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
    };
    return cmocka_run_group_tests_name("eval", tests, group_setup,
                                       group_teardown);
}
