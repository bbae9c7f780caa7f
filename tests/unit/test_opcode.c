// tests/unit/test_opcode.c -- the opcode table (STYLE 5.5): base and twin
// convert back and forth exactly; every WF_OP_EV has a twin and every
// WF_OP has none; twin and base share operand kind and stack effect;
// names are unique; WF_OP__COUNT <= 256; jump targets decode both ways.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#ifndef WF_INTERNAL
#  define WF_INTERNAL 1
#endif
#include "vm/opcode.h"

static const bool has_event[WF_OP__BASE_COUNT] = {
#define WF_OP(name, ...) [WF_OP_##name] = false,
#define WF_OP_EV(name, ...) [WF_OP_##name] = true,
#include "vm/opcodes.def"
};

static void
test_opcode_twins_round_trip(void **state)
{
    (void)state;
    assert_true(WF_OP__COUNT <= 256);
    for (int op = 0; op < WF_OP__BASE_COUNT; op++) {
        assert_int_equal(wf_op_base[op], op);
        assert_false(wf_op_is_instrumented((uint8_t)op));
        if (has_event[op]) {
            uint8_t twin = wf_op_twin[op];
            assert_true(twin >= WF_OP__BASE_COUNT);
            assert_true(wf_op_is_instrumented(twin));
            assert_int_equal(wf_op_base[twin], op);
            assert_int_equal(wf_op_operand_kind[twin], wf_op_operand_kind[op]);
            assert_int_equal(wf_op_event_class[twin], wf_op_event_class[op]);
            assert_int_not_equal(wf_op_event_class[op], WF_OPEV_NONE);
            for (uint32_t arg = 0; arg < 4; arg++)
                assert_int_equal(wf_op_stack_effect(twin, arg),
                                 wf_op_stack_effect((uint8_t)op, arg));
            const char *bn = wf_op_names[op], *tn = wf_op_names[twin];
            assert_true(strncmp(tn, "INSTRUMENTED_", 13) == 0);
            assert_string_equal(tn + 13, bn);
        } else {
            assert_int_equal(wf_op_twin[op], 0);
            assert_int_equal(wf_op_event_class[op], WF_OPEV_NONE);
        }
    }
    // Every twin maps to a base with an event.
    for (int op = WF_OP__BASE_COUNT; op < WF_OP__COUNT; op++) {
        if (op == WF_OP_INSTRUMENTED_LINE ||
            op == WF_OP_INSTRUMENTED_INSTRUCTION)
            continue;
        assert_true(has_event[wf_op_base[op]]);
        assert_int_equal(wf_op_twin[wf_op_base[op]], op);
    }
}

static void
test_opcode_names_unique(void **state)
{
    (void)state;
    for (int a = 0; a < WF_OP__COUNT; a++) {
        assert_non_null(wf_op_names[a]);
        for (int b = a + 1; b < WF_OP__COUNT; b++)
            assert_string_not_equal(wf_op_names[a], wf_op_names[b]);
    }
}

static void
test_opcode_stack_effects(void **state)
{
    (void)state;
    assert_int_equal(wf_op_stack_effect(WF_OP_LOAD_CONST, 0), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_POP_TOP, 0), -1);
    assert_int_equal(wf_op_stack_effect(WF_OP_LOAD_GLOBAL, 3), 2);
    assert_int_equal(wf_op_stack_effect(WF_OP_LOAD_GLOBAL, 2), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_LOAD_ATTR, 1), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_BUILD_TUPLE, 3), -2);
    assert_int_equal(wf_op_stack_effect(WF_OP_BUILD_MAP, 2), -3);
    assert_int_equal(wf_op_stack_effect(WF_OP_CALL, 2), -3);
    assert_int_equal(wf_op_stack_effect(WF_OP_CALL_KW, 2), -4);
    assert_int_equal(wf_op_stack_effect(WF_OP_UNPACK_SEQUENCE, 3), 2);
    assert_int_equal(wf_op_stack_effect(WF_OP_FOR_ITER, 5), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_PUSH_EXC_INFO, 0), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_WITH_EXCEPT_START, 0), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_RETURN_GENERATOR, 0), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_COPY, 3), 1);
    assert_int_equal(wf_op_stack_effect(WF_OP_SWAP, 3), 0);
}

static void
test_opcode_jump_targets(void **state)
{
    (void)state;
    uint32_t t;
    assert_true(wf_op_jump_target(WF_OP_JUMP_FORWARD, 3, 10, &t));
    assert_int_equal(t, 14);
    assert_true(wf_op_jump_target(WF_OP_JUMP_BACKWARD, 5, 10, &t));
    assert_int_equal(t, 6);
    assert_true(wf_op_jump_target(WF_OP_FOR_ITER, 2, 4, &t));
    assert_int_equal(t, 7);
    assert_true(wf_op_jump_target(WF_OP_INSTRUMENTED_POP_JUMP_IF_TRUE, 1, 0,
                                  &t));
    assert_int_equal(t, 2);
    assert_false(wf_op_jump_target(WF_OP_LOAD_FAST, 1, 0, &t));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opcode_twins_round_trip),
        cmocka_unit_test(test_opcode_names_unique),
        cmocka_unit_test(test_opcode_stack_effects),
        cmocka_unit_test(test_opcode_jump_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
