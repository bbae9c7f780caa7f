// tests/unit/test_thread.c -- thread states and the thread list
// (wf_thread_*): joining and leaving the list, the allocation hand-off of
// an exiting thread (its objects are adopted and swept by the next
// collection, its retired arrays freed by the next pause), detached
// creation, and the allocation counter's chunked reporting.
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "atomic.h"
#include "objects/error.h"
#include "gc.h"
#include "objects/object.h"
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

static bool
on_list(const wf_thread *t)
{
    for (wf_thread *x = wf_the_interp.threads; x != NULL; x = x->next)
        if (x == t)
            return true;
    return false;
}

// A native thread that allocates [n] floats and a grown list (retiring
// arrays), then exits.
typedef struct alloc_job {
    int n;
    wf_thread *seen;
} alloc_job;

static void *
allocate_and_exit(void *arg)
{
    alloc_job *job = arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    job->seen = me;
    for (int i = 0; i < job->n; i++)
        if (wf_float_new(me, (double)i) == WF_NULL)
            abort();
    wf_value l = wf_list_new(me, 0);
    for (int i = 0; l != WF_NULL && i < 1000; i++)
        if (wf_list_append(me, l, wf_val_from_int(i)) < 0)
            abort();
    if (me->nretired == 0)
        abort();
    wf_thread_free_current(me);
    return NULL;
}

static void
test_thread_exit_hands_objects_to_the_interpreter(void **state)
{
    (void)state;
    uint32_t before = wf_thread_count(&wf_the_interp);
    alloc_job job = {.n = 5000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, allocate_and_exit, &job), 0);
    wf_thread_detach(ts);
    pthread_join(th, NULL);
    wf_thread_attach(ts);
    assert_int_equal(wf_thread_count(&wf_the_interp), before);
    assert_false(on_list(job.seen));
    // Adopted: the lists wait on the interpreter for the next collection.
    assert_true(wf_the_interp.norphan_lists > 0);
    assert_true(wf_the_interp.norphan_retired > 0);
    wf_gc_stats s0, s1;
    wf_gc_get_stats(&s0);
    assert_int_equal(wf_gc_collect(ts), 0);
    wf_gc_get_stats(&s1);
    // The dead thread's floats were garbage: swept from the orphans.
    assert_true(s1.freed_objects_total - s0.freed_objects_total >= 5000);
    assert_int_equal(wf_the_interp.norphan_lists, 0);
    assert_int_equal(wf_the_interp.norphan_retired, 0);
}

static void
test_thread_new_detached_is_linked_and_suspendable(void **state)
{
    (void)state;
    wf_thread *t = wf_thread_new_detached(ts);
    assert_non_null(t);
    assert_true(on_list(t));
    assert_int_equal(wf_atomic_load_acquire_u32(&t->state),
                     WF_THREAD_DETACHED);
    assert_true(t->ident != ts->ident);
    // A pause holds it; wf_stw_end lets it go.
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    assert_int_equal(wf_atomic_load_acquire_u32(&t->state),
                     WF_THREAD_SUSPENDED);
    wf_stw_end(ts);
    assert_int_equal(wf_atomic_load_acquire_u32(&t->state),
                     WF_THREAD_DETACHED);
    wf_thread_free_unstarted(ts, t);
    assert_false(on_list(ts == t ? NULL : t));
}

static void
test_thread_allocation_is_reported_in_chunks(void **state)
{
    (void)state;
    assert_int_equal(wf_gc_collect(ts), 0);  // counters start at zero
    size_t shared0 = wf_atomic_load_relaxed_size(&wf_the_interp.gc_allocated);
    assert_non_null(wf_gc_alloc(ts, &wf_object_type, 64));
    // One small allocation is not reported yet: no shared write.
    assert_int_equal(wf_atomic_load_relaxed_size(&wf_the_interp.gc_allocated),
                     shared0);
    assert_true(ts->alloc_unreported >= 64);
    while (wf_atomic_load_relaxed_size(&wf_the_interp.gc_allocated) == shared0)
        assert_non_null(wf_gc_alloc(ts, &wf_object_type, 1024));
    assert_true(wf_atomic_load_relaxed_size(&wf_the_interp.gc_allocated) >=
                WF_GC_ALLOC_CHUNK);
    assert_true(ts->alloc_unreported < WF_GC_ALLOC_CHUNK);
}

static void
test_thread_detach_attach_round_trip(void **state)
{
    (void)state;
    assert_int_equal(wf_atomic_load_acquire_u32(&ts->state),
                     WF_THREAD_ATTACHED);
    wf_thread_detach(ts);
    assert_int_equal(wf_atomic_load_acquire_u32(&ts->state),
                     WF_THREAD_DETACHED);
    wf_thread_attach(ts);
    assert_int_equal(wf_atomic_load_acquire_u32(&ts->state),
                     WF_THREAD_ATTACHED);
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    wf_thread_lock_mutex(ts, &m);
    assert_int_equal(wf_atomic_load_acquire_u32(&ts->state),
                     WF_THREAD_ATTACHED);
    pthread_mutex_unlock(&m);
}

// Two native threads force collections at the same moment, over and over,
// while a third allocates and threads join and leave the list: the
// requests serialise on the pause mutex (the one waiting is held
// SUSPENDED by the other's pause), no object reachable from a root is
// lost, and nothing deadlocks.
typedef struct gc_job {
    int rounds;
    wf_atomic_u32 *go;
} gc_job;

static void *
collect_in_a_loop(void *arg)
{
    gc_job *job = arg;
    wf_thread *me = wf_thread_new_current(&wf_the_interp);
    if (me == NULL)
        abort();
    // A list rooted on this thread must survive every collection.
    wf_value l = wf_list_new(me, 0);
    if (l == WF_NULL || wf_root_push(me, l) < 0)
        abort();
    while (!wf_atomic_load_acquire_u32(job->go))
        sched_yield();
    for (int i = 0; i < job->rounds; i++) {
        if (wf_gc_collect(me) != 0)
            abort();
        wf_value f = wf_float_new(me, (double)i);
        if (f == WF_NULL || wf_list_append(me, l, f) < 0)
            abort();
    }
    for (int i = 0; i < job->rounds; i++) {
        wf_value v;
        if (!wf_list_get(l, (size_t)i, &v) || wf_float_val(v) != (double)i)
            abort();
    }
    wf_thread_free_current(me);
    return NULL;
}

static void
test_thread_two_threads_collect_at_once(void **state)
{
    (void)state;
    wf_atomic_u32 go = WF_ATOMIC_INIT(0);
    gc_job jobs[2] = {{.rounds = 200, .go = &go}, {.rounds = 200, .go = &go}};
    pthread_t th[2], churn[4];
    for (int i = 0; i < 2; i++)
        assert_int_equal(
            pthread_create(&th[i], NULL, collect_in_a_loop, &jobs[i]), 0);
    wf_atomic_store_release_u32(&go, 1);
    alloc_job aj[4];
    wf_thread_detach(ts);
    for (int i = 0; i < 4; i++) {
        aj[i] = (alloc_job){.n = 2000};
        assert_int_equal(
            pthread_create(&churn[i], NULL, allocate_and_exit, &aj[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(churn[i], NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    wf_thread_attach(ts);
    assert_false(wf_stw_is_stopped());
    assert_int_equal(wf_gc_collect(ts), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_exit_hands_objects_to_the_interpreter),
        cmocka_unit_test(test_thread_new_detached_is_linked_and_suspendable),
        cmocka_unit_test(test_thread_allocation_is_reported_in_chunks),
        cmocka_unit_test(test_thread_detach_attach_round_trip),
        cmocka_unit_test(test_thread_two_threads_collect_at_once),
    };
    return cmocka_run_group_tests_name("thread", tests, group_setup,
                                       group_teardown);
}
