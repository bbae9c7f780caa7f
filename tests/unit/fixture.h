// tests/unit/fixture.h -- the one-runtime fixture the object-level unit
// tests share: an interpreter, the current thread's state [ts] with types
// and builtins initialised (group_setup/group_teardown for
// cmocka_run_group_tests_name), and helpers to build values and check
// results (S, I, check_repr, check_error, call_method, call_builtin).
// Include it after cmocka.h, once per test program.
#ifndef WF_TESTS_UNIT_FIXTURE_H
#define WF_TESTS_UNIT_FIXTURE_H

#include "objects/error.h"
#include "gc.h"
#include "objects/object.h"
#include "threads/thread.h"

static wf_thread *ts;

// Start the interpreter and attach this thread. Returns 0, or -1 if any
// step failed (cmocka then skips the group).
static inline int
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

// Detach and free this thread (the last one: the interpreter goes too).
static inline int
group_teardown(void **state)
{
    (void)state;
    wf_thread_free_current(ts);
    return 0;
}

static inline wf_value
S(const char *s)
{
    return wf_str_from_cstr(ts, s);
}

static inline wf_value
I(int64_t i)
{
    return wf_val_from_int(i);
}

// repr([v]) must equal [want]; a NULL [v] must not happen.
static inline void
check_repr(wf_value v, const char *want)
{
    assert_true(v != WF_NULL);
    wf_value r = wf_obj_repr(ts, v);
    assert_true(r != WF_NULL);
    assert_string_equal(wf_str_cstr(r), want);
}

// [v] is WF_NULL with an exception whose "Type: message" is [msg] and
// whose type is [type]; the exception is cleared.
static inline void
check_error(wf_value v, wf_type *type, const char *msg)
{
    assert_true(v == WF_NULL);
    assert_true(wf_err_matches(ts, type));
    wf_value exc = wf_err_fetch(ts);
    wf_value s = wf_obj_str(ts, exc);
    assert_true(s != WF_NULL);
    assert_string_equal(wf_str_cstr(s), msg);
}

// Call method [name] of [self] with [n] positional arguments.
static inline wf_value
call_method(wf_value self, const char *name, size_t n, const wf_value *args)
{
    wf_value m = wf_obj_getattr(ts, self, wf_str_intern(ts, name));
    if (m == WF_NULL)
        return WF_NULL;
    return wf_obj_call(ts, m, args, n, WF_NULL);
}

// Call builtin [name] with [n] positional arguments.
static inline wf_value
call_builtin(const char *name, size_t n, const wf_value *args)
{
    wf_value f = wf_dict_get_str(wf_the_interp.builtins_dict,
                                 wf_str_intern(ts, name));
    assert_true(f != WF_NULL);
    return wf_obj_call(ts, f, args, n, WF_NULL);
}

#endif
