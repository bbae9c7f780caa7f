// tests/unit/test_monitor.c -- the sys.monitoring API (wf_mon_*): the
// module's constants, tool ids, callbacks, event sets, local events and
// every argument-checking error path, with CPython 3.14's exception types
// and messages. Calls go through the module's builtin functions, as a
// Python caller's would.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "compiler/compile.h"
#include "objects/error.h"
#include "monitor/instrument.h"
#include "monitor/monitor.h"
#include "threads/stw.h"
#include "threads/thread.h"

static wf_thread *ts;
static wf_value mod;  // sys.monitoring, rooted for the whole group

static int
group_setup(void **state)
{
    (void)state;
    if (wf_interp_init() < 0)
        return -1;
    ts = wf_thread_new_current(&wf_the_interp);
    if (ts == NULL || wf_types_init(ts) < 0 ||
        wf_builtins_init(ts) == WF_NULL)
        return -1;
    mod = wf_mon_make_module(ts);
    if (mod == WF_NULL || wf_root_push(ts, mod) < 0)
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

#if WEFT_MONITORING
// Leave every user tool free and without callbacks.
static int
teardown(void **state)
{
    (void)state;
    wf_mon_lock(ts);
    int rc = 0;
    for (int t = 0; t < WF_TOOL_USER_COUNT; t++)
        rc |= wf_mon_free_tool_locked(ts, t);
    for (int t = 0; t < WF_TOOL_COUNT; t++) {
        for (int e = 0; e < WF_EV__COUNT; e++)
            (void)wf_mon_callback_swap(t, e, WF_NULL);
    }
    wf_mon_unlock(ts);
    wf_err_clear(ts);
    return rc;
}
#endif

static wf_value
attr(wf_value obj, const char *name)
{
    wf_value key = wf_str_intern(ts, name);
    assert_true(key != WF_NULL);
    wf_value v = wf_obj_getattr(ts, obj, key);
    assert_true(v != WF_NULL);
    return v;
}

static wf_value
str(const char *s)
{
    wf_value v = wf_str_from_cstr(ts, s);
    assert_true(v != WF_NULL);
    return v;
}

#define I(n) wf_val_from_int(n)
#define EV(name) ((int64_t)1 << WF_EV_##name)

// Call sys.monitoring.[fn] with [n] positional [args].
static wf_value
call(const char *fn, size_t n, const wf_value *args)
{
    return wf_obj_call(ts, attr(mod, fn), args, n, WF_NULL);
}

#define CALL(fn, ...)                                               \
    call((fn), sizeof((wf_value[]){__VA_ARGS__}) / sizeof(wf_value), \
         (wf_value[]){__VA_ARGS__})

#if WEFT_MONITORING
static void
expect_none(wf_value r)
{
    if (r == WF_NULL)
        wf_err_print(ts);
    assert_true(r == WF_NONE);
}
#endif

static void
expect_int(wf_value r, int64_t want)
{
    if (r == WF_NULL)
        wf_err_print(ts);
    assert_true(r != WF_NULL && wf_val_is_int(r));
    assert_int_equal(wf_val_as_int(r), want);
}

// The call returned WF_NULL with an exception of [type] whose message is
// [msg]; clears it.
static void
expect_error(wf_value r, wf_type *type, const char *msg)
{
    assert_true(r == WF_NULL);
    wf_value exc = wf_err_fetch(ts);
    assert_true(exc != WF_NULL);
    assert_ptr_equal(wf_val_type(exc), type);
    wf_value args = ((wf_exc *)wf_val_as_obj(exc))->args;
    assert_true(wf_tuple_len(args) >= 1);
    assert_string_equal(wf_str_cstr(wf_tuple_items(args)[0]), msg);
}

#if WEFT_MONITORING
static wf_value
a_code(void)
{
    const char *src = "x = 1\n";
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    assert_true(cv != WF_NULL);
    assert_true(wf_root_push(ts, cv) >= 0);
    return cv;
}

// Forget a code object as its finalize hook would.
static void
forget(wf_value cv)
{
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    wf_instr_on_code_freed((wf_code *)wf_val_as_obj(cv));
    wf_stw_end(ts);
}
#endif

// ===== Tests =====

static void
test_monitor_events_namespace_has_every_event(void **state)
{
    (void)state;
    wf_value events = attr(mod, "events");
#define CHECK_EV_(name, bit) expect_int(attr(events, #name), (int64_t)1 << (bit));
    WF_EVENT_LIST(CHECK_EV_)
#undef CHECK_EV_
    expect_int(attr(events, "NO_EVENTS"), 0);
    expect_int(attr(events, "BRANCH_RIGHT"), 512);
    expect_int(attr(events, "RAISE"), 2048);
    expect_int(attr(events, "C_RAISE"), 131072);
    expect_int(attr(mod, "DEBUGGER_ID"), 0);
    expect_int(attr(mod, "COVERAGE_ID"), 1);
    expect_int(attr(mod, "PROFILER_ID"), 2);
    expect_int(attr(mod, "OPTIMIZER_ID"), 5);
    assert_true(attr(mod, "DISABLE") == WF_MON_DISABLE);
    assert_true(attr(mod, "MISSING") == WF_MON_MISSING);
    assert_true(WF_MON_DISABLE != WF_MON_MISSING);
}

#if WEFT_MONITORING

static void
test_monitor_tool_ids_claim_name_and_free(void **state)
{
    (void)state;
    expect_none(CALL("get_tool", I(3)));
    expect_none(CALL("use_tool_id", I(3), str("cov")));
    wf_value name = CALL("get_tool", I(3));
    assert_true(name != WF_NULL && wf_val_is(name, &wf_str_type));
    assert_string_equal(wf_str_cstr(name), "cov");
    expect_error(CALL("use_tool_id", I(3), str("other")), &wf_exc_ValueError,
                 "tool 3 is already in use");
    expect_none(CALL("clear_tool_id", I(3)));
    assert_string_equal(wf_str_cstr(CALL("get_tool", I(3))), "cov");
    expect_none(CALL("free_tool_id", I(3)));
    expect_none(CALL("get_tool", I(3)));
    // Freeing or clearing a free id is fine.
    expect_none(CALL("free_tool_id", I(3)));
    expect_none(CALL("clear_tool_id", I(3)));
}

static void
test_monitor_invalid_tool_ids_are_rejected(void **state)
{
    (void)state;
    const char *fns1[] = {"clear_tool_id", "free_tool_id", "get_tool",
                          "get_events"};
    for (size_t i = 0; i < sizeof fns1 / sizeof *fns1; i++) {
        expect_error(CALL(fns1[i], I(6)), &wf_exc_ValueError,
                     "invalid tool 6 (must be between 0 and 5)");
        expect_error(CALL(fns1[i], I(-1)), &wf_exc_ValueError,
                     "invalid tool -1 (must be between 0 and 5)");
    }
    expect_error(CALL("use_tool_id", I(7), str("x")), &wf_exc_ValueError,
                 "invalid tool 7 (must be between 0 and 5)");
    expect_error(CALL("set_events", I(6), I(0)), &wf_exc_ValueError,
                 "invalid tool 6 (must be between 0 and 5)");
    expect_error(CALL("register_callback", I(6), I(EV(LINE)), WF_NONE),
                 &wf_exc_ValueError,
                 "invalid tool 6 (must be between 0 and 5)");
    expect_error(CALL("use_tool_id", I(2), I(5)), &wf_exc_ValueError,
                 "tool name must be a str");
}

static void
test_monitor_argument_errors_match_cpython(void **state)
{
    (void)state;
    expect_error(CALL("use_tool_id", I(1)), &wf_exc_TypeError,
                 "use_tool_id expected 2 arguments, got 1");
    expect_error(call("get_tool", 0, NULL), &wf_exc_TypeError,
                 "get_tool() takes exactly one argument (0 given)");
    expect_error(CALL("restart_events", I(1)), &wf_exc_TypeError,
                 "restart_events() takes no arguments (1 given)");
    expect_error(CALL("register_callback", I(1), I(2)), &wf_exc_TypeError,
                 "register_callback expected 3 arguments, got 2");
    expect_error(CALL("get_events", str("1")), &wf_exc_TypeError,
                 "'str' object cannot be interpreted as an integer");
    expect_error(CALL("set_events", I(1), I((int64_t)1 << 40)),
                 &wf_exc_OverflowError,
                 "Python int too large to convert to C int");
    wf_value kw = wf_tuple_pack(ts, 1, str("tool_id"));
    assert_true(kw != WF_NULL);
    wf_value one = I(1);
    expect_error(wf_obj_call(ts, attr(mod, "get_tool"), &one, 0, kw),
                 &wf_exc_TypeError, "get_tool() takes no keyword arguments");
}

static void
test_monitor_set_events_checks_and_normalises(void **state)
{
    (void)state;
    expect_error(CALL("set_events", I(2), I(EV(LINE))), &wf_exc_ValueError,
                 "tool 2 is not in use");
    expect_none(CALL("use_tool_id", I(2), str("t")));
    expect_error(CALL("set_events", I(2), I(1 << 19)), &wf_exc_ValueError,
                 "invalid event set 0x80000");
    expect_error(CALL("set_events", I(2), I(-1)), &wf_exc_ValueError,
                 "invalid event set 0xffffffff");
    expect_error(CALL("set_events", I(2), I(EV(C_RETURN))),
                 &wf_exc_ValueError,
                 "cannot set C_RETURN or C_RAISE events independently");
    expect_error(CALL("set_events", I(2), I(EV(CALL) | EV(C_RAISE))),
                 &wf_exc_ValueError,
                 "cannot set C_RETURN or C_RAISE events independently");
    expect_int(CALL("get_events", I(2)), 0);
    // CALL implies C_RETURN/C_RAISE, which are not stored (CPython).
    expect_none(CALL("set_events", I(2),
                     I(EV(CALL) | EV(C_RETURN) | EV(C_RAISE) | EV(RAISE))));
    expect_int(CALL("get_events", I(2)), EV(CALL) | EV(RAISE));
    // The deprecated BRANCH means both directions.
    expect_none(CALL("set_events", I(2), I(EV(BRANCH))));
    expect_int(CALL("get_events", I(2)), EV(BRANCH_LEFT) | EV(BRANCH_RIGHT));
    expect_none(CALL("set_events", I(2), I(0)));
    expect_int(CALL("get_events", I(2)), 0);
    // An unused tool's events read as empty.
    expect_int(CALL("get_events", I(5)), 0);
}

static void
test_monitor_local_events_check_and_round_trip(void **state)
{
    (void)state;
    wf_value cv = a_code();
    expect_error(CALL("set_local_events", I(4), I(5), I(EV(LINE))),
                 &wf_exc_TypeError, "code must be a code object");
    expect_error(CALL("get_local_events", I(4), str("f")), &wf_exc_TypeError,
                 "code must be a code object");
    expect_error(CALL("get_local_events", I(9), cv), &wf_exc_ValueError,
                 "invalid tool 9 (must be between 0 and 5)");
    expect_error(CALL("set_local_events", I(4), cv, I(EV(LINE))),
                 &wf_exc_ValueError, "tool 4 is not in use");
    expect_none(CALL("use_tool_id", I(4), str("t")));
    expect_error(CALL("set_local_events", I(4), cv, I(EV(RAISE))),
                 &wf_exc_ValueError, "invalid local event set 0x800");
    expect_error(CALL("set_local_events", I(4), cv, I(EV(C_RAISE))),
                 &wf_exc_ValueError,
                 "cannot set C_RETURN or C_RAISE events independently");
    expect_int(CALL("get_local_events", I(4), cv), 0);
    expect_none(CALL("set_local_events", I(4), cv,
                     I(EV(LINE) | EV(BRANCH) | EV(CALL) | EV(C_RETURN) |
                       EV(C_RAISE))));
    expect_int(CALL("get_local_events", I(4), cv),
               EV(LINE) | EV(BRANCH_LEFT) | EV(BRANCH_RIGHT) | EV(CALL));
    expect_int(CALL("get_local_events", I(3), cv), 0);
    wf_mon_lock(ts);
    wf_instr_check_code((wf_code *)wf_val_as_obj(cv));
    wf_mon_unlock(ts);
    // free_tool_id clears them.
    expect_none(CALL("free_tool_id", I(4)));
    expect_int(CALL("get_local_events", I(4), cv), 0);
    forget(cv);
}

static void
test_monitor_register_callback_returns_previous(void **state)
{
    (void)state;
    wf_value f1 = str("f1"), f2 = str("f2");  // any object will do
    expect_none(CALL("register_callback", I(1), I(EV(LINE)), f1));
    assert_true(wf_mon_callback(1, WF_EV_LINE) == f1);
    assert_true(CALL("register_callback", I(1), I(EV(LINE)), f2) == f1);
    assert_true(CALL("register_callback", I(1), I(EV(LINE)), WF_NONE) == f2);
    assert_true(wf_mon_callback(1, WF_EV_LINE) == WF_NULL);
    expect_none(CALL("register_callback", I(1), I(EV(LINE)), WF_NONE));
    // BRANCH registers both directions.
    expect_none(CALL("register_callback", I(1), I(EV(BRANCH)), f1));
    assert_true(wf_mon_callback(1, WF_EV_BRANCH_LEFT) == f1);
    assert_true(wf_mon_callback(1, WF_EV_BRANCH_RIGHT) == f1);
    assert_true(CALL("register_callback", I(1), I(EV(BRANCH)), WF_NONE) ==
                f1);
    // Callbacks are per (tool, event).
    expect_none(CALL("register_callback", I(0), I(EV(C_RAISE)), f2));
    assert_true(wf_mon_callback(1, WF_EV_C_RAISE) == WF_NULL);
    // Errors.
    expect_error(CALL("register_callback", I(1), I(EV(LINE) | EV(CALL)), f1),
                 &wf_exc_ValueError,
                 "The callback can only be set for one event at a time");
    expect_error(CALL("register_callback", I(1), I(0), f1),
                 &wf_exc_ValueError,
                 "The callback can only be set for one event at a time");
    expect_error(CALL("register_callback", I(1), I(1 << 19), f1),
                 &wf_exc_ValueError, "invalid event 524288");
}

static void
test_monitor_clear_tool_drops_callbacks_and_events(void **state)
{
    (void)state;
    expect_none(CALL("use_tool_id", I(5), str("t")));
    expect_none(CALL("register_callback", I(5), I(EV(PY_START)), str("cb")));
    expect_none(CALL("set_events", I(5), I(EV(PY_START) | EV(RAISE))));
    expect_none(CALL("clear_tool_id", I(5)));
    expect_int(CALL("get_events", I(5)), 0);
    assert_true(wf_mon_callback(5, WF_EV_PY_START) == WF_NULL);
    assert_string_equal(wf_str_cstr(CALL("get_tool", I(5))), "t");
}

static void
test_monitor_restart_events_without_tools_is_harmless(void **state)
{
    (void)state;
    uint64_t v = wf_mon_version();
    expect_none(call("restart_events", 0, NULL));
    assert_true(wf_mon_version() > v);
}

static void
test_monitor_legacy_tools_need_no_name(void **state)
{
    (void)state;
    // Tools 6/7 (settrace/setprofile bridges) are usable from C unnamed.
    assert_int_equal(
        wf_mon_set_events(ts, WF_TOOL_SYS_TRACE, (wf_evset)EV(PY_UNWIND)), 0);
    wf_mon_lock(ts);
    assert_int_equal(wf_mon_get_events_locked(WF_TOOL_SYS_TRACE),
                     (wf_evset)EV(PY_UNWIND));
    assert_int_equal(wf_mon_set_events_locked(ts, WF_TOOL_SYS_TRACE, 0), 0);
    wf_mon_unlock(ts);
    assert_int_equal(wf_mon_global_tools(WF_EV_PY_UNWIND), 0);
}

#else  // !WEFT_MONITORING

static void
test_monitor_functions_raise_when_compiled_out(void **state)
{
    (void)state;
    expect_error(CALL("use_tool_id", I(1), str("x")),
                 &wf_exc_NotImplementedError,
                 "sys.monitoring is not available in this build "
                 "(WEFT_MONITORING=OFF)");
}

#endif  // WEFT_MONITORING

int
main(void)
{
    const struct CMUnitTest tests[] = {
#if WEFT_MONITORING
#define T(name) cmocka_unit_test_teardown(name, teardown)
#else
#define T(name) cmocka_unit_test(name)
#endif
        T(test_monitor_events_namespace_has_every_event),
#if WEFT_MONITORING
        T(test_monitor_tool_ids_claim_name_and_free),
        T(test_monitor_invalid_tool_ids_are_rejected),
        T(test_monitor_argument_errors_match_cpython),
        T(test_monitor_set_events_checks_and_normalises),
        T(test_monitor_local_events_check_and_round_trip),
        T(test_monitor_register_callback_returns_previous),
        T(test_monitor_clear_tool_drops_callbacks_and_events),
        T(test_monitor_restart_events_without_tools_is_harmless),
        T(test_monitor_legacy_tools_need_no_name),
#else
        T(test_monitor_functions_raise_when_compiled_out),
#endif
#undef T
    };
    return cmocka_run_group_tests_name("monitor", tests, group_setup,
                                       group_teardown);
}
