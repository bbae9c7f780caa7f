// tests/unit/test_instrument.c -- the bytecode rewrite (wf_instr_*): twins,
// LINE/INSTRUCTION overlays and their exact removal, per-instruction tools,
// DISABLE of one (instruction, tool, event) and its batched restore,
// restart_events, versions, local events, code created after a change, and
// "no change, no pause". Code objects come from the compiler and are
// registered by hand (the compiler's hook is wired by the lead).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#if WEFT_MONITORING

#include "compiler/compile.h"
#include "objects/error.h"
#include "monitor/instrument.h"
#include "monitor/monitor.h"
#include "threads/stw.h"
#include "threads/thread.h"

#define TOOL_A 3
#define TOOL_B 4
#define BIT(t) ((uint8_t)(1u << (t)))

static wf_thread *ts;

// Every code registered by a test, forgotten again by the teardown.
static wf_code *registered[64];
static size_t nregistered;

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
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    wf_thread_free_current(ts);
    return 0;
}

static int
setup(void **state)
{
    (void)state;
    wf_mon_lock(ts);
    for (int t = TOOL_A; t <= TOOL_B; t++) {
        wf_value name = wf_str_from_cstr(ts, t == TOOL_A ? "a" : "b");
        if (name == WF_NULL || wf_mon_use_tool_locked(ts, t, name) < 0) {
            wf_mon_unlock(ts);
            return -1;
        }
    }
    wf_mon_unlock(ts);
    return 0;
}

// Free both tools, then forget every registered code as its finalize hook
// would (inside a pause), so no test sees another's codes.
static int
teardown(void **state)
{
    (void)state;
    wf_mon_lock(ts);
    int rc = wf_mon_free_tool_locked(ts, TOOL_A) |
             wf_mon_free_tool_locked(ts, TOOL_B);
    wf_mon_unlock(ts);
    if (wf_stw_begin(ts, WF_STW_TEST) < 0)
        return -1;
    for (size_t i = 0; i < nregistered; i++)
        wf_instr_on_code_freed(registered[i]);
    wf_stw_end(ts);
    nregistered = 0;
    wf_root_release(ts, 0);
    return rc;
}

static void
register_tree(wf_code *co)
{
    assert_true(nregistered < 64);
    assert_int_equal(wf_instr_on_code_created(ts, co), 0);
    registered[nregistered++] = co;
    size_t n = wf_tuple_len(co->consts);
    for (size_t i = 0; i < n; i++) {
        wf_value c = wf_tuple_items(co->consts)[i];
        if (wf_val_is(c, &wf_code_type))
            register_tree((wf_code *)wf_val_as_obj(c));
    }
}

// Compile [src], keep the module code rooted until the teardown, register
// every code in it, and return the function code named [fname] (or the
// module code if [fname] is NULL).
static wf_code *
compile_snippet(const char *src, const char *fname)
{
    wf_value cv = wf_comp_module(ts, src, strlen(src), "<test>");
    if (cv == WF_NULL)
        wf_err_print(ts);
    assert_true(cv != WF_NULL);
    assert_true(wf_root_push(ts, cv) >= 0);
    wf_code *mod = (wf_code *)wf_val_as_obj(cv);
    register_tree(mod);
    if (fname == NULL)
        return mod;
    size_t n = wf_tuple_len(mod->consts);
    for (size_t i = 0; i < n; i++) {
        wf_value c = wf_tuple_items(mod->consts)[i];
        if (wf_val_is(c, &wf_code_type) &&
            strcmp(wf_str_cstr(((wf_code *)wf_val_as_obj(c))->name), fname) ==
                0)
            return (wf_code *)wf_val_as_obj(c);
    }
    fail_msg("no function %s", fname);
    return NULL;
}

static const char *const SNIPPET =
    "def f(x):\n"
    "    total = 0\n"
    "    for i in range(x):\n"
    "        if i % 2:\n"
    "            total = total + g(i)\n"
    "    while x > 0:\n"
    "        x = x - 1\n"
    "    return total\n"
    "def g(y):\n"
    "    return y\n";

static uint8_t
op_at(const wf_code *co, uint32_t i)
{
    return wf_cu_op(co->code[i]);
}

static wf_codeunit *
copy_units(const wf_code *co)
{
    wf_codeunit *c = malloc(co->ncode * sizeof *c + 1);
    memcpy(c, co->code, co->ncode * sizeof *c);
    return c;
}

static bool
any_instrumented(const wf_code *co)
{
    for (uint32_t i = 0; i < co->ncode; i++) {
        if (wf_op_is_instrumented(op_at(co, i)))
            return true;
    }
    return false;
}

// First unit whose base opcode is [op], or fail.
static uint32_t
find_base(const wf_code *co, uint8_t op)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    for (uint32_t i = 0; i < co->ncode; i++) {
        uint8_t b = d != NULL ? d->base[i] : wf_op_base[op_at(co, i)];
        if (b == op)
            return i;
    }
    fail_msg("opcode %s not found", wf_op_names[op]);
    return 0;
}

static bool
is_line_start(const wf_code *co, uint32_t i)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    return co->line_starts[i] && d->base[i] != WF_OP_RESUME;
}

static void
check(const wf_code *co)
{
    wf_mon_lock(ts);
    wf_instr_check_code(co);
    wf_mon_unlock(ts);
}

static uint64_t
pauses(void)
{
    uint64_t total = 0;
    wf_stw_record r;
    (void)wf_stw_get_records(&r, 1, &total);
    return total;
}

static void
flush_in_pause(void)
{
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    wf_instr_flush_pending();
    wf_stw_end(ts);
}

// ===== Tests =====

static void
test_instr_twin_mapping_round_trips(void **state)
{
    (void)state;
    int twins = 0;
    for (int op = 0; op < WF_OP__BASE_COUNT; op++) {
        uint8_t twin = wf_op_twin[op];
        if (twin == 0) {
            assert_int_equal(wf_op_event_class[op], WF_OPEV_NONE);
            continue;
        }
        twins++;
        assert_true(wf_op_is_instrumented(twin));
        assert_int_equal(wf_op_base[twin], op);
        assert_int_equal(wf_op_event_class[twin], wf_op_event_class[op]);
        assert_int_equal(wf_op_operand_kind[twin], wf_op_operand_kind[op]);
    }
    assert_true(twins > 0);
    assert_true(wf_op_is_instrumented(WF_OP_INSTRUMENTED_LINE));
    assert_true(wf_op_is_instrumented(WF_OP_INSTRUMENTED_INSTRUCTION));
}

static void
test_instr_event_numbering_matches_cpython(void **state)
{
    (void)state;
    assert_int_equal(WF_EV_PY_START, 0);
    assert_int_equal(WF_EV_LINE, 5);
    assert_int_equal(WF_EV_BRANCH_LEFT, 8);
    assert_int_equal(WF_EV_STOP_ITERATION, 10);
    assert_int_equal(WF_EV_RAISE, 11);
    assert_int_equal(WF_EV_PY_UNWIND, 13);
    assert_int_equal(WF_EV_RERAISE, 15);
    assert_int_equal(WF_EV_C_RAISE, 17);
    assert_int_equal(WF_EV_BRANCH, 18);
    assert_string_equal(wf_ev_name(WF_EV_EXCEPTION_HANDLED),
                        "EXCEPTION_HANDLED");
    assert_true(wf_ev_can_disable(WF_EV_STOP_ITERATION));
    assert_false(wf_ev_can_disable(WF_EV_RAISE));
    assert_false(wf_ev_can_disable(WF_EV_C_RETURN));
}

static void
test_instr_deinstrument_restores_original_bytes(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    wf_codeunit *before = copy_units(f);
    assert_false(any_instrumented(f));

    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK_LOCAL), 0);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B,
                                       WF_EVMASK(WF_EV_RERAISE) |
                                           WF_EVMASK(WF_EV_LINE)),
                     0);
    assert_true(any_instrumented(f));
    check(f);
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, 0), 0);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B, 0), 0);

    assert_memory_equal(f->code, before, f->ncode * sizeof *before);
    check(f);
    free(before);
}

static void
test_instr_line_overlays_exactly_the_line_starts(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    check(f);
    const wf_instr_data *d = wf_instr_data_of(f);
    assert_non_null(d);
    int lines = 0;
    for (uint32_t i = 0; i < f->ncode; i++) {
        if (is_line_start(f, i)) {
            lines++;
            assert_int_equal(op_at(f, i), WF_OP_INSTRUMENTED_LINE);
            assert_int_equal(wf_instr_original_opcode(f, i, true),
                             d->base[i]);
            assert_int_equal(wf_instr_tools_at(f, i, WF_EV_LINE),
                             BIT(TOOL_A));
        } else {
            // A jump into a line start whose LINE depends on where control
            // came from runs as its twin, to record the jump.
            if (d->lflags[i] & WF_INSTR_LINE_FEEDS)
                assert_int_equal(op_at(f, i), wf_op_twin[d->base[i]]);
            else
                assert_int_equal(op_at(f, i), d->base[i]);
            assert_int_equal(wf_instr_tools_at(f, i, WF_EV_LINE), 0);
        }
    }
    assert_true(lines >= 6);
}

static void
test_instr_instruction_overlays_every_unit_above_line_and_twin(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(
        wf_mon_set_events(ts, TOOL_A,
                          WF_EVMASK(WF_EV_INSTRUCTION) |
                              WF_EVMASK(WF_EV_LINE) | WF_EVMASK(WF_EV_CALL) |
                              WF_EVMASK(WF_EV_JUMP) |
                              WF_EVMASK(WF_EV_PY_START)),
        0);
    check(f);
    const wf_instr_data *d = wf_instr_data_of(f);
    for (uint32_t i = 0; i < f->ncode; i++) {
        uint8_t base = d->base[i];
        if (base == WF_OP_RESUME) {
            // PY_START: the twin, never an overlay.
            assert_int_equal(op_at(f, i), wf_op_twin[base]);
            continue;
        }
        assert_int_equal(op_at(f, i), WF_OP_INSTRUMENTED_INSTRUCTION);
        uint8_t under = wf_instr_original_opcode(f, i, false);
        uint8_t inner = wf_instr_original_opcode(f, i, true);
        assert_int_equal(under, is_line_start(f, i)
                                    ? (uint8_t)WF_OP_INSTRUMENTED_LINE
                                    : inner);
        int cls = wf_op_event_class[base];
        bool wanted = cls == WF_OPEV_CALL || cls == WF_OPEV_JUMP;
        assert_int_equal(inner, wanted ? wf_op_twin[base] : base);
    }
    // Taking INSTRUCTION away leaves LINE and the twins exactly.
    assert_int_equal(
        wf_mon_set_events(ts, TOOL_A,
                          WF_EVMASK(WF_EV_LINE) | WF_EVMASK(WF_EV_CALL) |
                              WF_EVMASK(WF_EV_JUMP) |
                              WF_EVMASK(WF_EV_PY_START)),
        0);
    check(f);
    uint32_t call = find_base(f, WF_OP_CALL);
    assert_true(op_at(f, call) == WF_OP_INSTRUMENTED_CALL ||
                op_at(f, call) == WF_OP_INSTRUMENTED_LINE);
}

static void
test_instr_tools_are_per_instruction_and_per_tool(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_CALL)),
                     0);
    check(f);
    uint32_t call = find_base(f, WF_OP_CALL);
    assert_int_equal(wf_instr_tools_at(f, call, WF_EV_CALL), BIT(TOOL_B));
    assert_int_equal(wf_instr_tools_at(f, call, WF_EV_C_RETURN), BIT(TOOL_B));
    assert_int_equal(wf_instr_tools_at(f, call, WF_EV_JUMP), 0);
    uint32_t ret = find_base(f, WF_OP_RETURN_VALUE);
    assert_int_equal(wf_instr_tools_at(f, ret, WF_EV_CALL), 0);
    for (uint32_t i = 0; i < f->ncode; i++) {
        if (is_line_start(f, i))
            assert_int_equal(wf_instr_tools_at(f, i, WF_EV_LINE),
                             BIT(TOOL_A) | BIT(TOOL_B));
    }
    // Global-only events answer with the global tools.
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_RAISE)),
                     0);
    assert_int_equal(wf_instr_tools_at(f, ret, WF_EV_RAISE), BIT(TOOL_A));
    assert_int_equal(wf_mon_global_tools(WF_EV_RAISE), BIT(TOOL_A));
}

static void
test_instr_disable_clears_one_instruction_and_tool(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B, WF_EVMASK(WF_EV_LINE)),
                     0);
    const wf_instr_data *d = wf_instr_data_of(f);
    uint8_t *before = malloc(f->ncode);
    for (uint32_t i = 0; i < f->ncode; i++)
        before[i] = wf_instr_tools_at(f, i, WF_EV_LINE);
    wf_codeunit *bytes = copy_units(f);
    uint32_t k = 0;
    while (!is_line_start(f, k))
        k++;
    uint64_t p0 = pauses();

    wf_instr_disable(f, k, TOOL_A, WF_EV_LINE);
    assert_int_equal(pauses(), p0);  // no pause
    for (uint32_t i = 0; i < f->ncode; i++) {
        uint8_t want = i == k ? (uint8_t)(before[i] & ~BIT(TOOL_A))
                              : before[i];
        assert_int_equal(wf_instr_tools_at(f, i, WF_EV_LINE), want);
    }
    assert_memory_equal(f->code, bytes, f->ncode * sizeof *bytes);
    check(f);

    // The last tool goes: still no pause, the opcode waits for one.
    wf_instr_disable(f, k, TOOL_B, WF_EV_LINE);
    assert_int_equal(wf_instr_tools_at(f, k, WF_EV_LINE), 0);
    assert_int_equal(op_at(f, k), WF_OP_INSTRUMENTED_LINE);
    assert_int_equal(pauses(), p0);
    check(f);  // pending: more instrumented than asked is fine
    flush_in_pause();
    assert_int_equal(op_at(f, k), d->base[k]);
    for (uint32_t i = 0; i < f->ncode; i++) {
        if (i != k)
            assert_int_equal(f->code[i], bytes[i]);
    }
    check(f);
    free(bytes);
    free(before);
}

static void
test_instr_disable_branch_left_keeps_branch_right(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK_BRANCH_BOTH),
                     0);
    uint32_t j = find_base(f, WF_OP_POP_JUMP_IF_FALSE);
    assert_int_equal(op_at(f, j), WF_OP_INSTRUMENTED_POP_JUMP_IF_FALSE);
    wf_instr_disable(f, j, TOOL_A, WF_EV_BRANCH_LEFT);
    assert_int_equal(wf_instr_tools_at(f, j, WF_EV_BRANCH_LEFT), 0);
    assert_int_equal(wf_instr_tools_at(f, j, WF_EV_BRANCH_RIGHT),
                     BIT(TOOL_A));
    flush_in_pause();
    assert_int_equal(op_at(f, j), WF_OP_INSTRUMENTED_POP_JUMP_IF_FALSE);
    // Non-local events cannot be disabled: ignored.
    wf_instr_disable(f, j, TOOL_A, WF_EV_RAISE);
    check(f);
}

static void
test_instr_restart_events_reenables_disabled_bits(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_CALL)),
                     0);
    wf_codeunit *bytes = copy_units(f);
    uint32_t call = find_base(f, WF_OP_CALL);
    uint32_t k = 0;
    while (!is_line_start(f, k))
        k++;
    wf_instr_disable(f, k, TOOL_A, WF_EV_LINE);
    wf_instr_disable(f, call, TOOL_A, WF_EV_CALL);
    // An unrelated change keeps the disabled bits disabled (CPython).
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_CALL) |
                                           WF_EVMASK(WF_EV_JUMP)),
                     0);
    assert_int_equal(wf_instr_tools_at(f, k, WF_EV_LINE), 0);
    assert_int_equal(wf_instr_tools_at(f, call, WF_EV_CALL), 0);
    assert_int_equal(op_at(f, k), wf_instr_original_opcode(f, k, true));
    check(f);

    uint64_t v = wf_mon_version();
    assert_int_equal(wf_mon_restart_events(ts), 0);
    assert_true(wf_mon_version() > v);
    assert_int_equal(wf_instr_tools_at(f, k, WF_EV_LINE), BIT(TOOL_A));
    assert_int_equal(wf_instr_tools_at(f, call, WF_EV_CALL), BIT(TOOL_A));
    assert_int_equal(op_at(f, k), WF_OP_INSTRUMENTED_LINE);
    check(f);
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_CALL)),
                     0);
    for (uint32_t i = 0; i < f->ncode; i++)
        assert_int_equal(f->code[i], bytes[i]);
    free(bytes);
}

static void
test_instr_versions_bump_only_on_change(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    uint64_t v0 = wf_mon_version();
    uint64_t p0 = pauses();
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    uint64_t v1 = wf_mon_version();
    assert_true(v1 > v0);
    assert_int_equal(pauses(), p0 + 1);  // exactly one pause
    assert_int_equal(wf_atomic_load_relaxed_u64(&wf_instr_data_of(f)->version), v1);
    // The same set again: no pause, no bump.
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    assert_int_equal(wf_mon_version(), v1);
    assert_int_equal(pauses(), p0 + 1);
    // A global-only event changes no bytecode: bump, but no pause.
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_PY_UNWIND)),
                     0);
    assert_true(wf_mon_version() > v1);
    assert_int_equal(pauses(), p0 + 1);
    check(f);
}

static void
test_instr_local_events_rewrite_only_their_code(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    wf_code *g = NULL;
    for (size_t i = 0; i < nregistered; i++) {
        if (strcmp(wf_str_cstr(registered[i]->name), "g") == 0)
            g = registered[i];
    }
    assert_non_null(g);
    wf_codeunit *gbytes = copy_units(g);
    uint64_t v = wf_mon_version();
    assert_int_equal(
        wf_mon_set_local_events(ts, TOOL_A, f, WF_EVMASK(WF_EV_LINE)), 0);
    assert_int_equal(wf_mon_version(), v + 1);
    wf_mon_lock(ts);
    assert_int_equal(wf_mon_get_local_events_locked(TOOL_A, f),
                     WF_EVMASK(WF_EV_LINE));
    assert_int_equal(wf_mon_get_local_events_locked(TOOL_A, g), 0);
    assert_int_equal(wf_mon_get_local_events_locked(TOOL_B, f), 0);
    wf_mon_unlock(ts);
    assert_true(any_instrumented(f));
    assert_memory_equal(g->code, gbytes, g->ncode * sizeof *gbytes);
    check(f);
    check(g);
    // Global LINE for the same tool, then dropping the local set: f keeps
    // its LINE overlays (global), nothing is rewritten twice.
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    uint64_t p = pauses();
    assert_int_equal(wf_mon_set_local_events(ts, TOOL_A, f, 0), 0);
    assert_int_equal(pauses(), p);
    check(f);
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, 0), 0);
    assert_false(any_instrumented(f));
    check(f);
    free(gbytes);
}

static void
test_instr_clear_tool_removes_global_and_local_events(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    wf_codeunit *bytes = copy_units(f);
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_CALL)),
                     0);
    assert_int_equal(
        wf_mon_set_local_events(ts, TOOL_A, f, WF_EVMASK(WF_EV_LINE)), 0);
    wf_mon_lock(ts);
    assert_int_equal(wf_mon_clear_tool_locked(ts, TOOL_A), 0);
    assert_int_equal(wf_mon_get_events_locked(TOOL_A), 0);
    assert_int_equal(wf_mon_get_local_events_locked(TOOL_A, f), 0);
    assert_true(wf_mon_get_tool_locked(TOOL_A) != WF_NULL);  // still claimed
    wf_mon_unlock(ts);
    assert_memory_equal(f->code, bytes, f->ncode * sizeof *bytes);
    check(f);
    free(bytes);
}

static void
test_instr_code_created_later_is_instrumented_on_creation(void **state)
{
    (void)state;
    assert_int_equal(wf_mon_set_events(ts, TOOL_A,
                                       WF_EVMASK(WF_EV_LINE) |
                                           WF_EVMASK(WF_EV_PY_START)),
                     0);
    uint64_t p = pauses();
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(pauses(), p);  // creation needs no pause
    check(f);
    uint32_t r = find_base(f, WF_OP_RESUME);
    assert_int_equal(op_at(f, r), WF_OP_INSTRUMENTED_RESUME);
    assert_int_equal(wf_instr_tools_at(f, r, WF_EV_PY_START), BIT(TOOL_A));
    assert_int_equal(wf_instr_tools_at(f, r, WF_EV_PY_RESUME), 0);
    wf_mon_lock(ts);
    size_t n = wf_mon_registry_count_locked();
    wf_mon_unlock(ts);
    assert_true(n >= 3);
}

static void
test_instr_reraise_follows_global_event(void **state)
{
    (void)state;
    wf_code *h = compile_snippet("def h(x):\n"
                                 "    try:\n"
                                 "        return 1 // x\n"
                                 "    finally:\n"
                                 "        x = 0\n",
                                 "h");
    wf_codeunit *bytes = copy_units(h);
    uint32_t rr = find_base(h, WF_OP_RERAISE);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B, WF_EVMASK(WF_EV_RERAISE)),
                     0);
    assert_int_equal(op_at(h, rr), WF_OP_INSTRUMENTED_RERAISE);
    assert_int_equal(wf_instr_tools_at(h, rr, WF_EV_RERAISE), BIT(TOOL_B));
    check(h);
    assert_int_equal(wf_mon_set_events(ts, TOOL_B, 0), 0);
    assert_memory_equal(h->code, bytes, h->ncode * sizeof *bytes);
    free(bytes);
}

static void
test_instr_freed_code_leaves_the_registry(void **state)
{
    (void)state;
    wf_code *f = compile_snippet(SNIPPET, "f");
    assert_int_equal(wf_mon_set_events(ts, TOOL_A, WF_EVMASK(WF_EV_LINE)),
                     0);
    uint32_t k = 0;
    while (!is_line_start(f, k))
        k++;
    wf_instr_disable(f, k, TOOL_A, WF_EV_LINE);  // f is now pending
    wf_mon_lock(ts);
    size_t n = wf_mon_registry_count_locked();
    wf_mon_unlock(ts);
    assert_int_equal(wf_stw_begin(ts, WF_STW_TEST), 0);
    wf_instr_on_code_freed(f);
    wf_stw_end(ts);
    assert_null(wf_instr_data_of(f));
    wf_mon_lock(ts);
    assert_int_equal(wf_mon_registry_count_locked(), n - 1);
    wf_mon_unlock(ts);
    flush_in_pause();  // must not touch f's freed data
    // Already forgotten: the teardown must not free it twice.
    for (size_t i = 0; i < nregistered; i++) {
        if (registered[i] == f)
            registered[i] = registered[--nregistered];
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_instr_twin_mapping_round_trips),
        T(test_instr_event_numbering_matches_cpython),
        T(test_instr_deinstrument_restores_original_bytes),
        T(test_instr_line_overlays_exactly_the_line_starts),
        T(test_instr_instruction_overlays_every_unit_above_line_and_twin),
        T(test_instr_tools_are_per_instruction_and_per_tool),
        T(test_instr_disable_clears_one_instruction_and_tool),
        T(test_instr_disable_branch_left_keeps_branch_right),
        T(test_instr_restart_events_reenables_disabled_bits),
        T(test_instr_versions_bump_only_on_change),
        T(test_instr_local_events_rewrite_only_their_code),
        T(test_instr_clear_tool_removes_global_and_local_events),
        T(test_instr_code_created_later_is_instrumented_on_creation),
        T(test_instr_reraise_follows_global_event),
        T(test_instr_freed_code_leaves_the_registry),
#undef T
    };
    return cmocka_run_group_tests_name("instrument", tests, group_setup,
                                       group_teardown);
}

#else  // !WEFT_MONITORING: nothing is rewritten in this build

int
main(void)
{
    printf("instrument: monitoring compiled out (WEFT_MONITORING=OFF)\n");
    return 0;
}

#endif
