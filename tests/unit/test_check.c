// tests/unit/test_check.c -- the assertion macros of the testing build
// (check.h, STYLE 7.4): WF_ASSERT, WF_ALWAYS and WF_NEVER abort through
// wf_fatal with the condition and file:line when broken, and pass through
// when kept; WF_UNREACHABLE aborts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include "expect_abort.h"

static void
test_check_kept_conditions_pass(void **state)
{
    (void)state;
    volatile int one = 1, zero = 0;
    WF_ASSERT(one == 1);
    assert_int_equal(WF_ALWAYS(one == 1), 1);
    assert_int_equal(WF_NEVER(zero == 1), 0);
    WF_TESTCASE(one == 1);
}

static void
break_assert(void *arg)
{
    volatile int *x = arg;
    WF_ASSERT(*x == 2);
}

static void
test_check_assert_aborts_with_condition_and_place(void **state)
{
    (void)state;
    int x = 1;
    child_result r = run_in_child(break_assert, &x);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "weft: fatal: assertion failed: *x == 2"));
    assert_non_null(strstr(r.err, "test_check.c:"));
}

static void
break_always(void *arg)
{
    volatile int *x = arg;
    if (WF_ALWAYS(*x == 2))
        return;
    fputs("took the safe path\n", stderr);
}

static void
test_check_always_aborts_in_the_testing_build(void **state)
{
    (void)state;
    int x = 1;
    child_result r = run_in_child(break_always, &x);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "WF_ALWAYS failed: *x == 2"));
    assert_null(strstr(r.err, "safe path"));
}

static void
break_never(void *arg)
{
    volatile int *x = arg;
    if (WF_NEVER(*x == 1))
        fputs("took the safe path\n", stderr);
}

static void
test_check_never_aborts_in_the_testing_build(void **state)
{
    (void)state;
    int x = 1;
    child_result r = run_in_child(break_never, &x);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "WF_NEVER failed: *x == 1"));
}

static void
reach_unreachable(void *arg)
{
    (void)arg;
    WF_UNREACHABLE();
}

static void
test_check_unreachable_aborts(void **state)
{
    (void)state;
    child_result r = run_in_child(reach_unreachable, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "unreachable"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_kept_conditions_pass),
        cmocka_unit_test(test_check_assert_aborts_with_condition_and_place),
        cmocka_unit_test(test_check_always_aborts_in_the_testing_build),
        cmocka_unit_test(test_check_never_aborts_in_the_testing_build),
        cmocka_unit_test(test_check_unreachable_aborts),
    };
    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
