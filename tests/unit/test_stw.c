// tests/unit/test_stw.c -- stop-the-world pauses (wf_stw_*): begin/end,
// refusal to nest, the pause records, and the park protocol with native
// test threads (some attached and spinning through safe points, some
// detached in waits).
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "objects/error.h"
#include "objects/object.h"
#include "atomic.h"
#include "threads/stw.h"
#include "threads/thread.h"

#include "expect_abort.h"

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

// ===== Native test threads =====

enum { NWORKERS = 4, NPAUSES = 300 };

typedef struct worker {
    pthread_t thread;
    bool blocking;      // detach/attach around short waits
    wf_atomic_u64 progress;  // W: the worker (relaxed). R: the test
    wf_atomic_u32 attached;  // 1 while attached between waits (relaxed)
    wf_thread *ts;      // W: the worker before ready. R: the test
} worker;

static wf_atomic_u32 stop_workers;  // W: test. R: workers (relaxed)
static wf_atomic_u32 nready;      // W: workers (acq_rel add). R: test

static void *
worker_main(void *arg)
{
    worker *w = arg;
    w->ts = wf_thread_new_current(&wf_the_interp);
    wf_atomic_add_acq_rel_u32(&nready, 1);
    while (!wf_atomic_load_relaxed_u32(&stop_workers)) {
        // A safe point, as the eval loop's CHECK_EVAL_BREAKER.
        if (wf_atomic_load_relaxed_u32(&w->ts->eval_breaker) != 0)
            if (wf_brk_handle(w->ts) != 0)
                abort();
        wf_atomic_add_relaxed_u64(&w->progress, 1);
        if (w->blocking) {
            wf_atomic_store_relaxed_u32(&w->attached, 0);
            wf_thread_detach(w->ts);
            sched_yield();  // "blocked"
            wf_thread_attach(w->ts);
            wf_atomic_store_relaxed_u32(&w->attached, 1);
        }
    }
    wf_thread_free_current(w->ts);
    return NULL;
}

static void
start_workers(worker *ws, int n)
{
    wf_atomic_store_relaxed_u32(&stop_workers, 0);
    wf_atomic_store_relaxed_u32(&nready, 0);
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){.blocking = i % 2 == 1};
        assert_int_equal(pthread_create(&ws[i].thread, NULL, worker_main,
                                        &ws[i]), 0);
    }
    // The main thread waits detached: the workers' list joins need no
    // pause, but keep the protocol.
    wf_thread_detach(ts);
    while (wf_atomic_load_acquire_u32(&nready) != (uint32_t)n)
        sched_yield();
    wf_thread_attach(ts);
}

static void
stop_all(worker *ws, int n)
{
    wf_atomic_store_relaxed_u32(&stop_workers, 1);
    wf_thread_detach(ts);
    for (int i = 0; i < n; i++)
        pthread_join(ws[i].thread, NULL);
    wf_thread_attach(ts);
}

static void
test_stw_begin_parks_every_attached_thread(void **state)
{
    (void)state;
    worker ws[NWORKERS];
    start_workers(ws, NWORKERS);
    for (int p = 0; p < NPAUSES; p++) {
        assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
        uint64_t before[NWORKERS];
        for (int i = 0; i < NWORKERS; i++) {
            assert_int_equal(wf_atomic_load_acquire_u32(&ws[i].ts->state),
                             WF_THREAD_SUSPENDED);
            before[i] = wf_atomic_load_relaxed_u64(&ws[i].progress);
        }
        for (int k = 0; k < 200; k++)  // give a runaway thread a chance
            wf_atomic_pause();
        for (int i = 0; i < NWORKERS; i++) {
            // No thread runs during the pause...
            assert_int_equal(wf_atomic_load_relaxed_u64(&ws[i].progress),
                             before[i]);
            assert_int_equal(wf_atomic_load_acquire_u32(&ws[i].ts->state),
                             WF_THREAD_SUSPENDED);
            // ...and a blocked one has not re-attached.
            if (ws[i].blocking)
                assert_true(wf_atomic_load_relaxed_u32(&ws[i].ts->state) !=
                            WF_THREAD_ATTACHED);
        }
        wf_stw_end(ts);
    }
    stop_all(ws, NWORKERS);
    uint64_t total;
    wf_stw_record rec[1];
    assert_int_equal(wf_stw_get_records(rec, 1, &total), 1);
    assert_int_equal(rec[0].nthreads, NWORKERS + 1);
}

// A thread detached in a wait that wakes mid-pause stays out until the
// pause ends.
static wf_atomic_u32 attach_phase;  // 0 waiting, 1 go attach, 2 attached

static void *
late_attacher(void *arg)
{
    wf_thread **out = arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    wf_thread_detach(me);
    *out = me;
    wf_atomic_store_release_u32(&attach_phase, 0);
    wf_atomic_add_acq_rel_u32(&nready, 1);
    while (wf_atomic_load_acquire_u32(&attach_phase) != 1)
        sched_yield();
    wf_thread_attach(me);  // must block while the pause holds us
    wf_atomic_store_release_u32(&attach_phase, 2);
    wf_thread_free_current(me);
    return NULL;
}

static void
test_stw_detached_thread_waits_for_the_pause_to_end(void **state)
{
    (void)state;
    pthread_t th;
    wf_thread *other = NULL;
    wf_atomic_store_relaxed_u32(&nready, 0);
    assert_int_equal(pthread_create(&th, NULL, late_attacher, &other), 0);
    wf_thread_detach(ts);
    while (wf_atomic_load_acquire_u32(&nready) != 1)
        sched_yield();
    wf_thread_attach(ts);
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    assert_int_equal(wf_atomic_load_acquire_u32(&other->state),
                     WF_THREAD_SUSPENDED);
    wf_atomic_store_release_u32(&attach_phase, 1);
    for (int k = 0; k < 100000; k++)  // it is trying to attach meanwhile
        wf_atomic_pause();
    assert_int_equal(wf_atomic_load_acquire_u32(&attach_phase), 1);
    assert_int_equal(wf_atomic_load_acquire_u32(&other->state),
                     WF_THREAD_SUSPENDED);
    wf_stw_end(ts);
    wf_thread_detach(ts);
    pthread_join(th, NULL);
    wf_thread_attach(ts);
    assert_int_equal(wf_atomic_load_acquire_u32(&attach_phase), 2);
}

// Several threads request pauses at once: they serialise, and a
// requester waiting for the pause mutex is parked by the current pause.
static wf_atomic_u32 in_pause;  // W/R: pause holders (relaxed)

static void *
requester_main(void *arg)
{
    (void)arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    for (int i = 0; i < 200; i++) {
        if (wf_stw_begin(me, WF_STW_TEST) != 0)
            abort();
        if (wf_atomic_exchange_acq_rel_u32(&in_pause, 1) != 0)
            abort();  // two pauses at once
        for (wf_thread *t = me->interp->threads; t != NULL; t = t->next)
            if (t != me &&
                wf_atomic_load_acquire_u32(&t->state) != WF_THREAD_SUSPENDED)
                abort();
        wf_atomic_store_release_u32(&in_pause, 0);
        wf_stw_end(me);
    }
    wf_thread_free_current(me);
    return NULL;
}

static void
test_stw_concurrent_requesters_serialise(void **state)
{
    (void)state;
    worker ws[2];
    start_workers(ws, 2);
    pthread_t rq[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&rq[i], NULL, requester_main, NULL),
                         0);
    wf_thread_detach(ts);
    for (int i = 0; i < 3; i++)
        pthread_join(rq[i], NULL);
    wf_thread_attach(ts);
    stop_all(ws, 2);
    assert_false(wf_stw_is_stopped());
}

static void
assert_world_stopped(void *arg)
{
    (void)arg;
    WF_ASSERT_WORLD_STOPPED();
}

// WF_ASSERT_WORLD_STOPPED holds inside a pause, on its holder.
static void
test_stw_assert_world_stopped_passes_in_a_pause(void **state)
{
    (void)state;
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    WF_ASSERT_WORLD_STOPPED();
    wf_stw_end(ts);
}

// ... and aborts, naming the caller's file:line, outside one.
static void
test_stw_assert_world_stopped_aborts_outside_a_pause(void **state)
{
    (void)state;
    child_result r = run_in_child(assert_world_stopped, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "WF_ASSERT_WORLD_STOPPED failed: no pause"));
    assert_non_null(strstr(r.err, "test_stw.c:"));
}

static void *
assert_from_other_thread(void *arg)
{
    (void)arg;
    WF_ASSERT_WORLD_STOPPED();  // not the holder: aborts the child
    return NULL;
}

static void
pause_then_assert_elsewhere(void *arg)
{
    (void)arg;
    if (wf_stw_begin(ts, WF_STW_TEST) < 0)
        return;
    pthread_t t;
    pthread_create(&t, NULL, assert_from_other_thread, NULL);
    pthread_join(t, NULL);
}

// ... and on a thread that is not the pause holder.
static void
test_stw_assert_world_stopped_aborts_off_the_holder(void **state)
{
    (void)state;
    child_result r = run_in_child(pause_then_assert_elsewhere, NULL);
    assert_true(r.aborted);
    assert_non_null(strstr(r.err, "is not the pause holder"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stw_begin_end_toggles_stopped),
        cmocka_unit_test(test_stw_nested_begin_raises_runtime_error),
        cmocka_unit_test(test_stw_records_every_pause_with_reason),
        cmocka_unit_test(test_stw_begin_parks_every_attached_thread),
        cmocka_unit_test(test_stw_detached_thread_waits_for_the_pause_to_end),
        cmocka_unit_test(test_stw_concurrent_requesters_serialise),
        cmocka_unit_test(test_stw_assert_world_stopped_passes_in_a_pause),
        cmocka_unit_test(test_stw_assert_world_stopped_aborts_outside_a_pause),
        cmocka_unit_test(test_stw_assert_world_stopped_aborts_off_the_holder),
    };
    return cmocka_run_group_tests_name("stw", tests, group_setup,
                                       group_teardown);
}
