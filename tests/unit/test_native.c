// tests/unit/test_native.c -- native monitoring callbacks (wf_native_*) and
// the express path (monitor/fire.h): where one tool alone wants an event,
// its express form gets it with the event's one value; where two tools
// want it, the general form gets PEP 669's arguments; DISABLE from a
// native callback stops one (instruction, tool) for a local event and is
// refused (callback removed, ValueError) for a non-local one; a Python
// call of the object answers DISABLE as a value; the express table follows
// every swap of the callback table.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <weft.h>

#include "config.h"

#if WEFT_MONITORING

#include "objects/error.h"
#include "monitor/monitor.h"
#include "monitor/native.h"
#include "threads/thread.h"

static weft_runtime *rt;
static wf_thread *ts;

// What the callbacks saw.
#define MAXREC 256
typedef struct rec {
    char form;  // 'e' express, 'g' general
    int tool, event;
    int64_t a1;     // express: the value as an int (or -1); general: args[1]
    size_t nargs;   // general only
    char code[16];
} rec;
static rec recs[MAXREC];
static int nrecs;
// Answer DISABLE from the callbacks of this event (-1: never).
static int disable_event;

static void
note(char form, const wf_native *self, const wf_frame *f, int64_t a1,
     size_t nargs)
{
    if (nrecs >= MAXREC)
        return;
    rec *r = &recs[nrecs++];
    r->form = form;
    r->tool = self->tool;
    r->event = self->event;
    r->a1 = a1;
    r->nargs = nargs;
    snprintf(r->code, sizeof r->code, "%s", wf_str_cstr(f->code->name));
}

static int
general(wf_thread *t, wf_frame *f, const wf_codeunit *pc,
        const wf_native *self, const wf_value *args, size_t nargs)
{
    assert_true(nargs >= 2);
    assert_true(wf_val_is(args[0], &wf_code_type));
    note('g', self, f, wf_val_as_int(args[1]), nargs);
    if (self->event == disable_event)
        return wf_native_disable(t, f, pc, self);
    return WF_NATIVE_DONE;
}

static int
express(wf_thread *t, wf_frame *f, const wf_codeunit *pc,
        const wf_native *self, wf_value arg)
{
    note('e', self, f, wf_val_is_int(arg) ? wf_val_as_int(arg) : -1, 0);
    if (self->event == disable_event)
        return wf_native_disable(t, f, pc, self);
    return WF_NATIVE_DONE;
}

static int
group_setup(void **state)
{
    (void)state;
    if (weft_runtime_new(&rt) != WEFT_OK)
        return -1;
    ts = wf_thread_current();
    return ts != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    weft_runtime_free(rt);
    return 0;
}

static int
setup(void **state)
{
    (void)state;
    nrecs = 0;
    disable_event = -1;
    if (weft_monitor_use_tool(rt, 3, "three") != WEFT_OK ||
        weft_monitor_use_tool(rt, 4, "four") != WEFT_OK)
        return -1;
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    weft_status a = weft_monitor_free_tool(rt, 3);
    weft_status b = weft_monitor_free_tool(rt, 4);
    return a == WEFT_OK && b == WEFT_OK ? 0 : -1;
}

// Register a native callback (both forms, or only the general one) for
// ([tool], [ev]).
static void
register_native(int tool, int ev, bool with_express)
{
    wf_value n = wf_native_new(ts, tool, ev, "test_native", general,
                               with_express ? express : NULL, NULL, NULL);
    assert_true(n != WF_NULL);
    (void)wf_mon_callback_swap(tool, ev, n);
}

static void
set_events(int tool, uint32_t events)
{
    assert_int_equal(weft_monitor_set_events(rt, tool, events), WEFT_OK);
}

static void
run(const char *src)
{
    int code = -1;
    assert_int_equal(weft_run_string(rt, src, "<test>", &code), WEFT_OK);
    assert_int_equal(code, 0);
}

static int
count(char form, int tool, int ev, const char *code)
{
    int n = 0;
    for (int i = 0; i < nrecs; i++)
        n += recs[i].form == form && recs[i].tool == tool &&
             recs[i].event == ev && strcmp(recs[i].code, code) == 0;
    return n;
}

static const char *const LOOP =
    "def f(n):\n"
    "    t = 0\n"
    "    for i in range(n):\n"
    "        t += i\n"
    "    return t\n"
    "f(5)\n";

static void
test_native_one_tool_takes_the_express_path(void **state)
{
    (void)state;
    register_native(3, WF_EV_PY_START, true);
    register_native(3, WF_EV_PY_RETURN, true);
    register_native(3, WF_EV_LINE, true);
    set_events(3, WEFT_MON_EVENT_BIT(WF_EV_PY_START) |
                      WEFT_MON_EVENT_BIT(WF_EV_PY_RETURN) |
                      WEFT_MON_EVENT_BIT(WF_EV_LINE));
    run(LOOP);
    set_events(3, 0);
    assert_int_equal(count('e', 3, WF_EV_PY_START, "f"), 1);
    assert_int_equal(count('e', 3, WF_EV_PY_RETURN, "f"), 1);
    assert_int_equal(count('g', 3, WF_EV_PY_START, "f"), 0);
    // Lines 2, 3, 4 and 5 of f, relative lines 1..4: 2 + (3, 4) * 5 + 3 + 5.
    assert_int_equal(count('e', 3, WF_EV_LINE, "f"), 1 + 2 * 5 + 1 + 1);
    // The express form's value: LINE's line number; PY_RETURN's value.
    for (int i = 0; i < nrecs; i++) {
        if (strcmp(recs[i].code, "f") != 0)
            continue;
        if (recs[i].event == WF_EV_LINE)
            assert_true(recs[i].a1 >= 2 && recs[i].a1 <= 5);
        if (recs[i].event == WF_EV_PY_RETURN)
            assert_int_equal(recs[i].a1, 10);  // sum(range(5))
        if (recs[i].event == WF_EV_PY_START)
            assert_int_equal(recs[i].a1, -1);  // None
    }
}

static void
test_native_two_tools_get_the_general_form(void **state)
{
    (void)state;
    register_native(3, WF_EV_PY_START, true);
    register_native(4, WF_EV_PY_START, true);
    set_events(3, WEFT_MON_EVENT_BIT(WF_EV_PY_START));
    set_events(4, WEFT_MON_EVENT_BIT(WF_EV_PY_START));
    run(LOOP);
    set_events(3, 0);
    set_events(4, 0);
    assert_int_equal(count('g', 3, WF_EV_PY_START, "f"), 1);
    assert_int_equal(count('g', 4, WF_EV_PY_START, "f"), 1);
    assert_int_equal(count('e', 3, WF_EV_PY_START, "f"), 0);
    assert_int_equal(count('e', 4, WF_EV_PY_START, "f"), 0);
    // Descending tool ids, PEP 669's arguments (code, offset 0 of RESUME).
    int first = -1;
    for (int i = 0; i < nrecs; i++) {
        if (strcmp(recs[i].code, "f") == 0) {
            if (first < 0)
                first = recs[i].tool;
            assert_int_equal(recs[i].nargs, 2);
        }
    }
    assert_int_equal(first, 4);
}

static void
test_native_without_express_gets_the_general_form(void **state)
{
    (void)state;
    register_native(3, WF_EV_LINE, false);
    set_events(3, WEFT_MON_EVENT_BIT(WF_EV_LINE));
    run(LOOP);
    set_events(3, 0);
    assert_int_equal(count('g', 3, WF_EV_LINE, "f"), 13);
    assert_int_equal(count('e', 3, WF_EV_LINE, "f"), 0);
    for (int i = 0; i < nrecs; i++)
        if (strcmp(recs[i].code, "f") == 0)
            assert_true(recs[i].a1 >= 2 && recs[i].a1 <= 5);  // the line
}

static void
test_native_disable_stops_one_instruction(void **state)
{
    (void)state;
    register_native(3, WF_EV_LINE, true);
    disable_event = WF_EV_LINE;
    set_events(3, WEFT_MON_EVENT_BIT(WF_EV_LINE));
    run(LOOP);
    set_events(3, 0);
    // Each LINE unit of f once, each disabled on its first event: lines
    // 2, 3, 4, then 3 again (the `for` line's second unit, after the
    // backward jump), then 5 -- five, as CPython 3.14 reports.
    assert_int_equal(count('e', 3, WF_EV_LINE, "f"), 5);
    assert_int_equal(weft_monitor_restart_events(rt), WEFT_OK);
}

static void
test_native_disable_of_a_non_local_event_is_refused(void **state)
{
    (void)state;
    register_native(3, WF_EV_RAISE, true);
    disable_event = WF_EV_RAISE;
    set_events(3, WEFT_MON_EVENT_BIT(WF_EV_RAISE));
    run("def g():\n"
        "    raise KeyError(1)\n"
        "try:\n"
        "    g()\n"
        "except ValueError as e:\n"
        "    assert str(e) == 'Cannot disable RAISE events. Callback "
        "removed.', e\n");
    set_events(3, 0);
    assert_int_equal(count('e', 3, WF_EV_RAISE, "g"), 1);
    assert_true(wf_mon_callback(3, WF_EV_RAISE) == WF_NULL);  // removed
}

static void
test_native_python_call_answers_disable_as_a_value(void **state)
{
    (void)state;
    register_native(3, WF_EV_JUMP, true);
    disable_event = WF_EV_JUMP;
    run("import sys\n"
        "m = sys.monitoring\n"
        "cb = m.register_callback(3, m.events.JUMP, None)\n"
        "def h():\n"
        "    return cb(h.__code__, 0, 4)\n"
        "assert h() is m.DISABLE\n"
        "m.register_callback(3, m.events.JUMP, cb)\n");
    assert_int_equal(count('g', 3, WF_EV_JUMP, "h"), 1);
    assert_true(wf_native_is(wf_mon_callback(3, WF_EV_JUMP)));
}

static void
test_native_express_table_follows_the_callbacks(void **state)
{
    (void)state;
    uint8_t t3 = 1u << 3;
    register_native(3, WF_EV_LINE, true);
    const wf_native *n = wf_native_of(wf_mon_callback(3, WF_EV_LINE));
    assert_ptr_equal(wf_mon_express_for(t3, WF_EV_LINE), n);
    // Two tools' bytes never hold an express callback.
    assert_null(wf_mon_express_for((uint8_t)(t3 | (1u << 4)), WF_EV_LINE));
    // A callable that is not native, then none.
    (void)wf_mon_callback_swap(3, WF_EV_LINE, WF_NONE);
    assert_null(wf_mon_express_for(t3, WF_EV_LINE));
    (void)wf_mon_callback_swap(3, WF_EV_LINE, WF_NULL);
    assert_null(wf_mon_express_for(t3, WF_EV_LINE));
    // A native callback without an express form.
    register_native(3, WF_EV_LINE, false);
    assert_null(wf_mon_express_for(t3, WF_EV_LINE));
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_native_one_tool_takes_the_express_path),
        T(test_native_two_tools_get_the_general_form),
        T(test_native_without_express_gets_the_general_form),
        T(test_native_disable_stops_one_instruction),
        T(test_native_disable_of_a_non_local_event_is_refused),
        T(test_native_python_call_answers_disable_as_a_value),
        T(test_native_express_table_follows_the_callbacks),
    };
#undef T
    return cmocka_run_group_tests_name("native", tests, group_setup,
                                       group_teardown);
}

#else  // !WEFT_MONITORING: no native callbacks; the C API that makes them
       // says so.

static int
noop_cb(void *data, const weft_mon_event *ev)
{
    (void)data;
    (void)ev;
    return 0;
}

static void
test_native_c_api_reports_not_supported(void **state)
{
    (void)state;
    weft_runtime *r = NULL;
    assert_int_equal(weft_runtime_new(&r), WEFT_OK);
    assert_int_equal(weft_monitor_set_callback(r, 1, 0, noop_cb, NULL),
                     WEFT_ENOTSUP);
    weft_runtime_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_c_api_reports_not_supported),
    };
    return cmocka_run_group_tests_name("native", tests, NULL, NULL);
}

#endif
