// tests/unit/test_flowgraph.c -- unit tests for the control-flow graph
// (wf_cfg_*), built by hand rather than by the compiler: which code units
// assembly keeps (unreachable blocks go), where jumps land (forward,
// loop edges become JUMP_BACKWARD, a jump to a jump is threaded), the
// stack depth it computes, and the exception table of a SETUP_FINALLY
// region. LOAD_CONST args serve as markers (no constants are needed);
// LOAD_CONST + POP_TOP pairs are peepholed away, so a marker that must
// survive is stored instead. Pure C: no runtime needed.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#ifndef WF_INTERNAL
#  define WF_INTERNAL 1
#endif
#include "compiler/flowgraph.h"
#include "vm/opcode.h"

// "OP arg@line ..." of an assembled result, for failure messages.
static const char *
render(const wf_cfg_result *r)
{
    static char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->ncode && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " %s %u@%d",
                              wf_op_names[wf_cu_op(r->code[i])],
                              (unsigned)wf_cu_arg(r->code[i]),
                              (int)r->lines[i]);
    return buf;
}

static void
assemble_ok(wf_cfg *g, wf_cfg_result *r)
{
    wf_cfg_prefix p = {.firstlineno = 1};
    assert_int_equal(wf_cfg_assemble(g, &p, r), 0);
}

// Index of the first unit with [op] (and [arg], unless arg is UINT32_MAX),
// or -1.
static int
find(const wf_cfg_result *r, uint8_t op, uint32_t arg)
{
    for (uint32_t i = 0; i < r->ncode; i++)
        if (wf_cu_op(r->code[i]) == op &&
            (arg == UINT32_MAX || wf_cu_arg(r->code[i]) == arg))
            return (int)i;
    return -1;
}

// The unit index the jump at [i] lands on.
static int
target_of(const wf_cfg_result *r, int i)
{
    uint32_t t;
    assert_true(i >= 0);
    wf_codeunit cu = r->code[i];
    if (!wf_op_jump_target(wf_cu_op(cu), wf_cu_arg(cu), (uint32_t)i, &t))
        fail_msg("unit %d is not a jump:%s", i, render(r));
    return (int)t;
}

static void
test_flowgraph_code_after_return_is_removed(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 1);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 1);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 7, -1, 2);   // dead
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 2);
    assemble_ok(&g, &r);
    assert_int_equal(r.ncode, 2);
    assert_int_equal(find(&r, WF_OP_LOAD_CONST, 7), -1);
    assert_int_equal(wf_cu_op(r.code[1]), WF_OP_RETURN_VALUE);
    assert_int_equal(r.stacksize, 1);
    assert_int_equal(r.nexc, 0);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

static void
test_flowgraph_forward_branch_lands_on_its_block(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    int32_t orelse = wf_cfg_new_block(&g);
    assert_true(orelse > 0);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 1);
    wf_cfg_emit(&g, WF_OP_POP_JUMP_IF_FALSE, 0, orelse, 1);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 1, -1, 2);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 2);
    wf_cfg_use_block(&g, orelse);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 2, -1, 3);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 3);
    assemble_ok(&g, &r);
    int j = find(&r, WF_OP_POP_JUMP_IF_FALSE, UINT32_MAX);
    assert_int_equal(target_of(&r, j), find(&r, WF_OP_LOAD_CONST, 2));
    assert_int_equal(find(&r, WF_OP_LOAD_CONST, 1), j + 1);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

static void
test_flowgraph_loop_edge_becomes_jump_backward(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    int32_t head = wf_cfg_new_block(&g), exit = wf_cfg_new_block(&g);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 9, -1, 1);
    wf_cfg_emit(&g, WF_OP_POP_TOP, 0, -1, 1);
    wf_cfg_use_block(&g, head);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 2);
    wf_cfg_emit(&g, WF_OP_POP_JUMP_IF_FALSE, 0, exit, 2);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 1, -1, 3);
    wf_cfg_emit(&g, WF_OP_POP_TOP, 0, -1, 3);
    wf_cfg_emit(&g, WF_PSEUDO_JUMP, 0, head, 3);
    wf_cfg_use_block(&g, exit);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 2, -1, 4);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 4);
    assemble_ok(&g, &r);
    // The jump to the loop head becomes JUMP_BACKWARD with the body's line;
    // the exit test stays a forward conditional.
    int back = find(&r, WF_OP_JUMP_BACKWARD, UINT32_MAX);
    assert_int_equal(target_of(&r, back), find(&r, WF_OP_LOAD_CONST, 0));
    assert_int_equal(r.lines[back], 3);
    int cond = find(&r, WF_OP_POP_JUMP_IF_FALSE, UINT32_MAX);
    assert_int_equal(target_of(&r, cond), find(&r, WF_OP_LOAD_CONST, 2));
    assert_int_equal(find(&r, WF_OP_JUMP_FORWARD, UINT32_MAX), -1);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

static void
test_flowgraph_jump_to_jump_is_threaded(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    int32_t mid = wf_cfg_new_block(&g), end = wf_cfg_new_block(&g);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 1);
    wf_cfg_emit(&g, WF_OP_POP_JUMP_IF_TRUE, 0, mid, 1);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 1, -1, 2);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 2);
    wf_cfg_use_block(&g, mid);
    wf_cfg_emit(&g, WF_PSEUDO_JUMP, 0, end, 3);
    wf_cfg_use_block(&g, end);
    // Too long to be copied into its predecessors (an exit block of more
    // than four instructions).
    for (uint32_t k = 2; k < 5; k++) {
        wf_cfg_emit(&g, WF_OP_LOAD_CONST, k, -1, 4);
        wf_cfg_emit(&g, WF_OP_STORE_FAST, 0, -1, 4);
    }
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 5, -1, 4);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 4);
    assemble_ok(&g, &r);
    // The conditional goes straight to [end] and takes the line of the
    // jump it skips (CPython 3.13+); [mid] is then unreachable and gone.
    int cond = find(&r, WF_OP_POP_JUMP_IF_TRUE, UINT32_MAX);
    assert_int_equal(target_of(&r, cond), find(&r, WF_OP_LOAD_CONST, 2));
    assert_int_equal(r.lines[cond], 3);
    assert_int_equal(find(&r, WF_OP_JUMP_FORWARD, UINT32_MAX), -1);
    assert_int_equal(r.ncode, 4 + 8);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

static void
test_flowgraph_stack_depth_is_the_deepest_path(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    int32_t shallow = wf_cfg_new_block(&g);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 1);
    wf_cfg_emit(&g, WF_OP_POP_JUMP_IF_FALSE, 0, shallow, 1);
    for (uint32_t k = 1; k <= 3; k++)
        wf_cfg_emit(&g, WF_OP_LOAD_CONST, k, -1, 2);
    wf_cfg_emit(&g, WF_OP_BUILD_TUPLE, 3, -1, 2);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 2);
    wf_cfg_use_block(&g, shallow);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 4, -1, 3);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 3);
    assemble_ok(&g, &r);
    assert_int_equal(r.stacksize, 3);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

static void
test_flowgraph_setup_finally_region_is_in_the_exception_table(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    assert_int_equal(wf_cfg_init(&g), 0);
    int32_t handler = wf_cfg_new_block(&g);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 9, -1, 1);
    wf_cfg_emit(&g, WF_OP_POP_TOP, 0, -1, 1);
    wf_cfg_emit(&g, WF_PSEUDO_SETUP_FINALLY, 0, handler, WF_NO_LINE);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 0, -1, 2);
    wf_cfg_emit(&g, WF_OP_STORE_FAST, 0, -1, 2);
    wf_cfg_emit(&g, WF_PSEUDO_POP_BLOCK, 0, -1, WF_NO_LINE);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 1, -1, 3);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 3);
    wf_cfg_use_block(&g, handler);
    wf_cfg_emit(&g, WF_OP_POP_TOP, 0, -1, 4);      // the exception
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, 2, -1, 4);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 4);
    assemble_ok(&g, &r);
    // One entry: exactly the two body units, to the handler's first unit,
    // at the depth before SETUP_FINALLY; the code after POP_BLOCK and the
    // handler itself are not covered.
    assert_int_equal(r.nexc, 1);
    int body = find(&r, WF_OP_LOAD_CONST, 0);
    int first = find(&r, WF_OP_LOAD_CONST, 2) - 1;
    assert_int_equal(wf_cu_op(r.code[first]), WF_OP_POP_TOP);
    assert_int_equal(r.exctable[0].start, (uint32_t)body);
    assert_int_equal(r.exctable[0].end, (uint32_t)body + 2);
    assert_int_equal(r.exctable[0].target, (uint32_t)first);
    assert_int_equal(r.exctable[0].depth, 0);
    assert_false(r.exctable[0].lasti);
    // The handler starts with the exception pushed.
    assert_int_equal(r.stacksize, 1);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
}

// An oparg over 24 bits does not fit a code unit: assembly refuses the
// code (-2: the compiler raises OverflowError) rather than truncate it;
// one just under the limit is kept exactly.
static void
test_flowgraph_oparg_over_24_bits_is_refused(void **state)
{
    (void)state;
    wf_cfg g;
    wf_cfg_result r;
    wf_cfg_prefix p = {.firstlineno = 1};
    assert_int_equal(wf_cfg_init(&g), 0);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, WF_OPARG_MAX, -1, 1);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 1);
    assert_int_equal(wf_cfg_assemble(&g, &p, &r), 0);
    assert_true(find(&r, WF_OP_LOAD_CONST, WF_OPARG_MAX) >= 0);
    wf_cfg_result_free(&r);
    wf_cfg_fini(&g);
    assert_int_equal(wf_cfg_init(&g), 0);
    wf_cfg_emit(&g, WF_OP_LOAD_CONST, WF_OPARG_MAX + 1, -1, 1);
    wf_cfg_emit(&g, WF_OP_RETURN_VALUE, 0, -1, 1);
    assert_int_equal(wf_cfg_assemble(&g, &p, &r), -2);
    assert_null(r.code);
    wf_cfg_fini(&g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flowgraph_code_after_return_is_removed),
        cmocka_unit_test(test_flowgraph_forward_branch_lands_on_its_block),
        cmocka_unit_test(test_flowgraph_loop_edge_becomes_jump_backward),
        cmocka_unit_test(test_flowgraph_jump_to_jump_is_threaded),
        cmocka_unit_test(test_flowgraph_stack_depth_is_the_deepest_path),
        cmocka_unit_test(test_flowgraph_setup_finally_region_is_in_the_exception_table),
        cmocka_unit_test(test_flowgraph_oparg_over_24_bits_is_refused),
    };
    return cmocka_run_group_tests_name("flowgraph", tests, NULL, NULL);
}
