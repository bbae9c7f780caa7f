// tests/unit/test_fire.c -- event delivery (wf_fire_*) through the public
// monitoring C API (weft_monitor_*): C callbacks see every event with
// PEP 669's offsets and lines, tools run in descending id order, DISABLE
// stops one (instruction, tool) and nothing else, restart_events brings it
// back, a failing callback raises in the monitored code, turning events
// off restores the original bytes, and the API's status codes.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <weft.h>

#include "config.h"

#if WEFT_MONITORING

#include "compiler/compile.h"
#include "objects/error.h"
#include "monitor/instrument.h"
#include "monitor/monitor.h"
#include "threads/thread.h"

#define BITEV(ev) WEFT_MON_EVENT_BIT(ev)

static weft_runtime *rt;

// What a recording callback saw.
#define MAXREC 256
typedef struct rec {
    int tool, event, offset, line;
    char code[32];
} rec;
static rec recs[MAXREC];
static int nrecs;

// Events of code named [only_code] (or all, if NULL) are recorded.
static const char *only_code;

static int
record(void *data, const weft_mon_event *ev)
{
    (void)data;
    if (only_code != NULL && strcmp(ev->code_name, only_code) != 0)
        return 0;
    if (nrecs < MAXREC) {
        rec *r = &recs[nrecs++];
        r->tool = ev->tool;
        r->event = ev->event;
        r->offset = ev->offset;
        r->line = ev->line >= 0 ? ev->line - ev->firstlineno : -1;
        snprintf(r->code, sizeof r->code, "%s", ev->code_name);
    }
    return 0;
}

static int
record_and_disable(void *data, const weft_mon_event *ev)
{
    record(data, ev);
    return WEFT_MON_DISABLE;
}

static int
fail_cb(void *data, const weft_mon_event *ev)
{
    (void)data;
    return strcmp(ev->code_name, "f") == 0 ? -1 : 0;
}

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

static int
setup(void **state)
{
    (void)state;
    nrecs = 0;
    only_code = NULL;
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

static int
run(const char *src)
{
    int code = -1;
    assert_int_equal(weft_run_string(rt, src, "<test>", &code), WEFT_OK);
    return code;
}

static const char *const FIB =
    "def fib(n):\n"
    "    if n < 2:\n"
    "        return n\n"
    "    return fib(n - 1) + fib(n - 2)\n"
    "r = fib(6)\n";

static void
test_fire_c_callback_sees_every_py_start_and_return(void **state)
{
    (void)state;
    only_code = "fib";
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_PY_START,
                                               record, NULL),
                     WEFT_OK);
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_PY_RETURN,
                                               record, NULL),
                     WEFT_OK);
    assert_int_equal(weft_monitor_set_events(rt, 3,
                                             BITEV(WEFT_MON_EV_PY_START) |
                                                 BITEV(WEFT_MON_EV_PY_RETURN)),
                     WEFT_OK);
    assert_int_equal(run(FIB), 0);
    assert_int_equal(weft_monitor_set_events(rt, 3, 0), WEFT_OK);
    // fib(6) makes 25 calls: one PY_START and one PY_RETURN each.
    int starts = 0, returns = 0;
    for (int i = 0; i < nrecs; i++) {
        assert_int_equal(recs[i].tool, 3);
        if (recs[i].event == WEFT_MON_EV_PY_START) {
            starts++;
            assert_int_equal(recs[i].line, 0);  // the def line
        } else {
            assert_int_equal(recs[i].event, WEFT_MON_EV_PY_RETURN);
            returns++;
            assert_true(recs[i].line == 2 || recs[i].line == 3);
        }
    }
    assert_int_equal(starts, 25);
    assert_int_equal(returns, 25);
    assert_int_equal(recs[0].event, WEFT_MON_EV_PY_START);
    assert_int_equal(recs[nrecs - 1].event, WEFT_MON_EV_PY_RETURN);
    // Nothing after the events were switched off.
    nrecs = 0;
    assert_int_equal(run(FIB), 0);
    assert_int_equal(nrecs, 0);
}

static void
test_fire_tools_run_in_descending_id_order(void **state)
{
    (void)state;
    only_code = "fib";
    for (int t = 3; t <= 4; t++) {
        assert_int_equal(weft_monitor_set_callback(rt, t, WEFT_MON_EV_LINE,
                                                   record, NULL),
                         WEFT_OK);
        assert_int_equal(
            weft_monitor_set_events(rt, t, BITEV(WEFT_MON_EV_LINE)),
            WEFT_OK);
    }
    assert_int_equal(run(FIB), 0);
    assert_int_equal(weft_monitor_set_events(rt, 3, 0), WEFT_OK);
    assert_int_equal(weft_monitor_set_events(rt, 4, 0), WEFT_OK);
    assert_true(nrecs >= 2 && nrecs % 2 == 0);
    for (int i = 0; i < nrecs; i += 2) {
        assert_int_equal(recs[i].tool, 4);
        assert_int_equal(recs[i + 1].tool, 3);
        assert_int_equal(recs[i].line, recs[i + 1].line);
        assert_int_equal(recs[i].offset, -1);
    }
}

static void
test_fire_disable_stops_one_instruction_for_one_tool(void **state)
{
    (void)state;
    only_code = "fib";
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_LINE,
                                               record_and_disable, NULL),
                     WEFT_OK);
    assert_int_equal(weft_monitor_set_callback(rt, 4, WEFT_MON_EV_LINE,
                                               record, NULL),
                     WEFT_OK);
    assert_int_equal(weft_monitor_set_events(rt, 3, BITEV(WEFT_MON_EV_LINE)),
                     WEFT_OK);
    assert_int_equal(weft_monitor_set_events(rt, 4, BITEV(WEFT_MON_EV_LINE)),
                     WEFT_OK);
    assert_int_equal(run(FIB), 0);
    int by3 = 0, by4 = 0;
    bool seen[8] = {false};
    for (int i = 0; i < nrecs; i++) {
        if (recs[i].tool == 3) {
            by3++;
            assert_true(recs[i].line >= 1 && recs[i].line <= 3);
            assert_false(seen[recs[i].line]);  // once per line
            seen[recs[i].line] = true;
        } else {
            by4++;
        }
    }
    assert_int_equal(by3, 3);  // lines 1, 2 and 3, once each
    assert_true(by4 > 25);     // tool 4 saw every line event
    // restart_events brings tool 3's lines back, once more each.
    nrecs = 0;
    assert_int_equal(weft_monitor_restart_events(rt), WEFT_OK);
    assert_int_equal(run(FIB), 0);
    by3 = 0;
    for (int i = 0; i < nrecs; i++)
        by3 += recs[i].tool == 3;
    assert_int_equal(by3, 3);
    assert_int_equal(weft_monitor_set_events(rt, 3, 0), WEFT_OK);
    assert_int_equal(weft_monitor_set_events(rt, 4, 0), WEFT_OK);
}

static void
test_fire_failing_c_callback_raises_in_the_monitored_code(void **state)
{
    (void)state;
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_PY_START,
                                               fail_cb, NULL),
                     WEFT_OK);
    assert_int_equal(
        weft_monitor_set_events(rt, 3, BITEV(WEFT_MON_EV_PY_START)),
        WEFT_OK);
    int code = run("def f():\n"
                   "    return 1\n"
                   "try:\n"
                   "    f()\n"
                   "    ok = False\n"
                   "except RuntimeError as e:\n"
                   "    ok = str(e) == 'C monitoring callback returned -1'\n"
                   "if not ok:\n"
                   "    raise SystemExit(3)\n");
    assert_int_equal(weft_monitor_set_events(rt, 3, 0), WEFT_OK);
    assert_int_equal(code, 0);
    // Removing the callback: no more events even with the events set.
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_PY_START,
                                               NULL, NULL),
                     WEFT_OK);
}

static void
test_fire_deinstrument_restores_original_bytes(void **state)
{
    (void)state;
    wf_thread *ts = wf_thread_current();
    const char *src = "def g(n):\n"
                      "    t = 0\n"
                      "    for i in range(n):\n"
                      "        if i % 2:\n"
                      "            t += i\n"
                      "    return t\n";
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    assert_true(cv != WF_NULL);
    size_t mark = wf_root_mark(ts);
    assert_true(wf_root_push(ts, cv) >= 0);
    wf_code *mod = (wf_code *)wf_val_as_obj(cv);
    wf_code *g = NULL;
    for (size_t i = 0; i < wf_tuple_len(mod->consts); i++) {
        wf_value c = wf_tuple_items(mod->consts)[i];
        if (wf_val_is(c, &wf_code_type))
            g = (wf_code *)wf_val_as_obj(c);
    }
    assert_non_null(g);
    size_t bytes = g->ncode * sizeof *g->code;
    wf_codeunit *before = malloc(bytes);
    memcpy(before, g->code, bytes);
    // Every event at once (the compiler's hook registered the code).
    uint32_t all = 0;
    for (int ev = 0; ev < WEFT_MON_EV_COUNT; ev++)
        all |= BITEV(ev);
    assert_int_equal(weft_monitor_set_events(rt, 3, all), WEFT_OK);
    assert_memory_not_equal(g->code, before, bytes);
    wf_mon_lock(ts);
    wf_instr_check_code(g);
    wf_mon_unlock(ts);
    assert_int_equal(weft_monitor_set_events(rt, 3, 0), WEFT_OK);
    assert_memory_equal(g->code, before, bytes);
    free(before);
    wf_root_release(ts, mark);
}

static void
test_fire_api_status_codes(void **state)
{
    (void)state;
    assert_int_equal(weft_monitor_use_tool(NULL, 1, "x"), WEFT_EINVAL);
    assert_int_equal(weft_monitor_use_tool(rt, 6, "x"), WEFT_EINVAL);
    assert_int_equal(weft_monitor_use_tool(rt, 1, NULL), WEFT_EINVAL);
    assert_int_equal(weft_monitor_use_tool(rt, 3, "again"), WEFT_ETOOLBUSY);
    assert_int_equal(weft_monitor_set_events(rt, 1, 1), WEFT_ENOTOOL);
    assert_int_equal(weft_monitor_set_callback(rt, 1, 0, record, NULL),
                     WEFT_ENOTOOL);
    assert_int_equal(weft_monitor_set_callback(rt, 3, WEFT_MON_EV_COUNT,
                                               record, NULL),
                     WEFT_EINVAL);
    assert_int_equal(
        weft_monitor_set_events(rt, 3, BITEV(WEFT_MON_EV_C_RETURN)),
        WEFT_EINVAL);
    assert_int_equal(weft_monitor_set_events(rt, 3, 1u << 20), WEFT_EINVAL);
    assert_int_equal(weft_monitor_restart_events(NULL), WEFT_EINVAL);
    assert_int_equal(weft_monitor_free_tool(rt, 1), WEFT_OK);  // not in use
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_fire_c_callback_sees_every_py_start_and_return),
        T(test_fire_tools_run_in_descending_id_order),
        T(test_fire_disable_stops_one_instruction_for_one_tool),
        T(test_fire_failing_c_callback_raises_in_the_monitored_code),
        T(test_fire_deinstrument_restores_original_bytes),
        T(test_fire_api_status_codes),
    };
#undef T
    return cmocka_run_group_tests_name("fire", tests, group_setup,
                                       group_teardown);
}

#else  // !WEFT_MONITORING

static void
test_fire_api_reports_not_supported(void **state)
{
    (void)state;
    weft_runtime *r = NULL;
    assert_int_equal(weft_runtime_new(&r), WEFT_OK);
    assert_int_equal(weft_monitor_use_tool(r, 1, "x"), WEFT_ENOTSUP);
    assert_int_equal(weft_monitor_set_events(r, 1, 1), WEFT_ENOTSUP);
    weft_runtime_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fire_api_reports_not_supported),
    };
    return cmocka_run_group_tests_name("fire", tests, NULL, NULL);
}

#endif  // WEFT_MONITORING
