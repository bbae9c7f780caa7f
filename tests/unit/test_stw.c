// tests/unit/test_stw.c -- stop-the-world pauses (wf_stw_*): begin/end,
// refusal to nest, and the pause records.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "object.h"
#include "threads/stw.h"
#include "threads/thread.h"

static wf_thread *ts;

static int
group_setup(void **state)
{
    (void)state;
    if (wf_interp_init() < 0)
        return -1;
    ts = wf_thread_new_current(&wf_the_interp);
    if (ts == NULL || wf_types_init(ts) < 0 || wf_builtins_init(ts) == WF_NULL)
        return -1;
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    wf_thread_free_current(ts);
    return 0;
}

static void
test_stw_begin_end_toggles_stopped(void **state)
{
    (void)state;
    assert_false(wf_stw_is_stopped());
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    assert_true(wf_stw_is_stopped());
    wf_stw_end(ts);
    assert_false(wf_stw_is_stopped());
}

static void
test_stw_nested_begin_raises_runtime_error(void **state)
{
    (void)state;
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    assert_int_equal(wf_stw_begin(ts, WF_STW_MONITOR), -1);
    assert_true(wf_err_matches(ts, &wf_exc_RuntimeError));
    wf_err_clear(ts);
    assert_true(wf_stw_is_stopped());  // the outer pause still holds
    wf_stw_end(ts);
    assert_false(wf_stw_is_stopped());
    // And a new pause works afterwards.
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    wf_stw_end(ts);
}

static void
test_stw_records_every_pause_with_reason(void **state)
{
    (void)state;
    uint64_t total0, total1;
    wf_stw_record rec[4];
    (void)wf_stw_get_records(rec, 0, &total0);
    assert_int_equal(wf_stw_begin(ts, WF_STW_LEGACY), 0);
    wf_stw_end(ts);
    assert_int_equal(wf_stw_begin(ts, WF_STW_MONITOR), 0);
    wf_stw_end(ts);
    size_t n = wf_stw_get_records(rec, 2, &total1);
    assert_int_equal(n, 2);
    assert_int_equal(total1, total0 + 2);
    assert_int_equal(rec[0].why, WF_STW_LEGACY);
    assert_int_equal(rec[1].why, WF_STW_MONITOR);
    assert_true(rec[1].duration_ns >= rec[1].ttsp_ns);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stw_begin_end_toggles_stopped),
        cmocka_unit_test(test_stw_nested_begin_raises_runtime_error),
        cmocka_unit_test(test_stw_records_every_pause_with_reason),
    };
    return cmocka_run_group_tests_name("stw", tests, group_setup,
                                       group_teardown);
}
