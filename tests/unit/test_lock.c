// tests/unit/test_lock.c -- lock words and ranked mutexes (wf_lock_*,
// wf_mutex_*) and the rank checker of the testing build (wf_rank_*,
// STYLE 7.6): taking locks in rank order works; an inversion, two nested
// leaves, or releasing a lock not held aborts naming both locks.
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lock.h"

#include "expect_abort.h"

static wf_mutex monitor_m = WF_MUTEX_INIT(WF_RANK_MONITOR, "test monitor mutex");
static wf_mutex threads_m = WF_MUTEX_INIT(WF_RANK_THREADS, "test thread list");
static wf_mutex pause_m = WF_MUTEX_INIT(WF_RANK_STW, "test pause mutex");
static wf_mutex leaf_m = WF_MUTEX_INIT(WF_RANK_LEAF, "test leaf mutex");
static wf_lock obj_a, obj_b;

static void
test_lock_word_acquire_release(void **state)
{
    (void)state;
    assert_false(wf_lock_is_held(&obj_a));
    wf_lock_acquire(&obj_a);
    assert_true(wf_lock_is_held(&obj_a));
    assert_false(wf_lock_try_acquire(&obj_a));
    wf_lock_release(&obj_a);
    assert_false(wf_lock_is_held(&obj_a));
    assert_true(wf_lock_try_acquire(&obj_a));
    wf_lock_release(&obj_a);
    assert_int_equal(wf_rank_held_count(), 0);
}

static void
test_lock_rank_order_does_not_abort(void **state)
{
    (void)state;
    wf_mutex_lock(&monitor_m);
    wf_mutex_lock(&threads_m);
    wf_mutex_lock(&pause_m);
    wf_lock_acquire(&obj_a);
    assert_int_equal(wf_rank_held_count(), 4);
    wf_lock_release(&obj_a);
    wf_mutex_lock(&leaf_m);  // another leaf once the first is released
    wf_mutex_unlock(&leaf_m);
    // Out-of-order release is allowed.
    wf_mutex_unlock(&threads_m);
    wf_mutex_unlock(&monitor_m);
    wf_mutex_unlock(&pause_m);
    assert_int_equal(wf_rank_held_count(), 0);
}

static void
take_threads_while_holding_pause(void *arg)
{
    (void)arg;
    wf_mutex_lock(&pause_m);
    wf_mutex_lock(&threads_m);  // inversion: must abort here
}

static void
test_lock_rank_inversion_aborts_naming_both(void **state)
{
    (void)state;
    child_result r = run_in_child(take_threads_while_holding_pause, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "lock order inversion"));
    assert_non_null(strstr(r.err, "test thread list (rank 2)"));
    assert_non_null(strstr(r.err, "test pause mutex (rank 3)"));
    assert_non_null(strstr(r.err, "lock.c:"));  // wf_fatal's file:line
}

static void
take_monitor_while_holding_leaf(void *arg)
{
    (void)arg;
    wf_lock_acquire(&obj_a);
    wf_mutex_lock(&monitor_m);
}

static void
test_lock_rank_monitor_after_leaf_aborts(void **state)
{
    (void)state;
    child_result r = run_in_child(take_monitor_while_holding_leaf, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "test monitor mutex (rank 1)"));
    assert_non_null(strstr(r.err, "object lock (rank 4)"));
}

static void
nest_two_leaves(void *arg)
{
    (void)arg;
    wf_lock_acquire(&obj_a);
    wf_lock_acquire(&obj_b);  // equal rank: leaves never nest
}

static void
test_lock_rank_nested_leaves_abort(void **state)
{
    (void)state;
    child_result r = run_in_child(nest_two_leaves, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "lock order inversion"));
}

static void
release_unheld(void *arg)
{
    (void)arg;
    wf_mutex_unlock(&leaf_m);
}

static void
test_lock_rank_release_unheld_aborts(void **state)
{
    (void)state;
    pthread_mutex_lock(&leaf_m.m);  // so the child's unlock is defined
    child_result r = run_in_child(release_unheld, NULL);
    pthread_mutex_unlock(&leaf_m.m);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "does not hold"));
    assert_non_null(strstr(r.err, "test leaf mutex"));
}

static void
right_order_in_child(void *arg)
{
    (void)arg;
    wf_mutex_lock(&threads_m);
    wf_mutex_lock(&pause_m);
    wf_mutex_lock(&leaf_m);
    wf_mutex_unlock(&leaf_m);
    wf_mutex_unlock(&pause_m);
    wf_mutex_unlock(&threads_m);
}

// The control for the abort tests: the same harness, the right order,
// exits normally.
static void
test_lock_rank_right_order_in_child_exits_normally(void **state)
{
    (void)state;
    child_result r = run_in_child(right_order_in_child, NULL);
    assert_false(r.aborted);
    assert_true(r.exited_0);
    assert_string_equal(r.err, "");
}

static void *
hold_pause_in_thread(void *arg)
{
    (void)arg;
    wf_mutex_lock(&pause_m);
    unsigned n = wf_rank_held_count();
    wf_mutex_unlock(&pause_m);
    return (void *)(uintptr_t)n;
}

// Held ranks are per thread: a lock held here does not count there.
static void
test_lock_rank_is_per_thread(void **state)
{
    (void)state;
    wf_mutex_lock(&leaf_m);
    pthread_t t;
    void *n = NULL;
    assert_int_equal(pthread_create(&t, NULL, hold_pause_in_thread, NULL), 0);
    pthread_join(t, &n);
    wf_mutex_unlock(&leaf_m);
    assert_int_equal((uintptr_t)n, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_word_acquire_release),
        cmocka_unit_test(test_lock_rank_order_does_not_abort),
        cmocka_unit_test(test_lock_rank_inversion_aborts_naming_both),
        cmocka_unit_test(test_lock_rank_monitor_after_leaf_aborts),
        cmocka_unit_test(test_lock_rank_nested_leaves_abort),
        cmocka_unit_test(test_lock_rank_release_unheld_aborts),
        cmocka_unit_test(test_lock_rank_right_order_in_child_exits_normally),
        cmocka_unit_test(test_lock_rank_is_per_thread),
    };
    return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
