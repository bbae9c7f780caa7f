// tests/unit/test_int.c -- int, bool and float arithmetic (int.c, float.c):
// Python's sign rules, overflow of the 62-bit range, mixed int/float,
// float repr, conversions and error messages.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static wf_value
op(wf_value a, wf_value b, wf_binop o)
{
    return wf_obj_binop(ts, a, b, o);
}

static void
test_int_floor_division_and_modulo_follow_python_signs(void **state)
{
    (void)state;
    check_repr(op(I(-7), I(2), WF_BINOP_FLOOR_DIVIDE), "-4");
    check_repr(op(I(-7), I(2), WF_BINOP_REMAINDER), "1");
    check_repr(op(I(7), I(-2), WF_BINOP_REMAINDER), "-1");
    check_repr(op(I(7), I(-2), WF_BINOP_FLOOR_DIVIDE), "-4");
    check_error(op(I(1), I(0), WF_BINOP_FLOOR_DIVIDE),
                &wf_exc_ZeroDivisionError,
                "division by zero");
    check_error(op(I(1), I(0), WF_BINOP_REMAINDER), &wf_exc_ZeroDivisionError,
                "division by zero");
}

static void
test_int_true_division_and_negative_power_give_floats(void **state)
{
    (void)state;
    check_repr(op(I(7), I(2), WF_BINOP_TRUE_DIVIDE), "3.5");
    check_repr(op(I(2), I(-1), WF_BINOP_POWER), "0.5");
    check_repr(op(I(2), I(10), WF_BINOP_POWER), "1024");
    check_error(op(I(1), I(0), WF_BINOP_TRUE_DIVIDE),
                &wf_exc_ZeroDivisionError, "division by zero");
}

static void
test_int_overflow_past_62_bits_raises(void **state)
{
    (void)state;
    check_repr(op(I(WF_INT_MAX), I(0), WF_BINOP_ADD), "4611686018427387903");
    check_error(op(I(WF_INT_MAX), I(1), WF_BINOP_ADD), &wf_exc_OverflowError,
                "integer overflow: Weft ints are limited to 62 bits");
    check_error(op(I(2), I(62), WF_BINOP_POWER), &wf_exc_OverflowError,
                "integer overflow: Weft ints are limited to 62 bits");
    check_error(op(I(WF_INT_MIN), I(-1), WF_BINOP_MULTIPLY),
                &wf_exc_OverflowError,
                "integer overflow: Weft ints are limited to 62 bits");
}

static void
test_int_bool_is_an_int_subclass(void **state)
{
    (void)state;
    check_repr(op(WF_TRUE, I(1), WF_BINOP_ADD), "2");
    check_repr(op(WF_TRUE, WF_FALSE, WF_BINOP_OR), "True");
    check_repr(WF_TRUE, "True");
    assert_true(wf_val_isinstance(WF_TRUE, &wf_int_type));
    assert_int_equal(wf_obj_eq(ts, WF_TRUE, I(1)), 1);
}

static void
test_int_hash_maps_minus_one_to_minus_two(void **state)
{
    (void)state;
    int64_t h;
    assert_int_equal(wf_obj_hash(ts, I(-1), &h), 0);
    assert_int_equal(h, -2);
    assert_int_equal(wf_obj_hash(ts, I(12345), &h), 0);
    assert_int_equal(h, 12345);
    int64_t hf;
    assert_int_equal(wf_obj_hash(ts, wf_float_new(ts, 7.0), &hf), 0);
    assert_int_equal(hf, 7);
}

static void
test_int_mixed_comparison_with_float(void **state)
{
    (void)state;
    wf_value one = wf_float_new(ts, 1.0);
    assert_int_equal(wf_obj_eq(ts, I(1), one), 1);
    check_repr(wf_obj_richcompare(ts, I(1), wf_float_new(ts, 1.5), WF_CMP_LT),
               "True");
    check_repr(op(I(1), wf_float_new(ts, 0.5), WF_BINOP_ADD), "1.5");
    check_error(wf_obj_richcompare(ts, I(1), S("a"), WF_CMP_LT),
                &wf_exc_TypeError,
                "'<' not supported between instances of 'int' and 'str'");
    check_error(op(I(1), S("a"), WF_BINOP_ADD), &wf_exc_TypeError,
                "unsupported operand type(s) for +: 'int' and 'str'");
}

static void
test_float_repr_is_shortest_round_trip(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *want;
    } cases[] = {
        {0.1, "0.1"}, {1.0, "1.0"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
        {1e-5, "1e-05"}, {0.0001, "0.0001"}, {-0.0, "-0.0"},
        {1.0 / 3, "0.3333333333333333"}, {0.1 + 0.2, "0.30000000000000004"},
        {1.5e300, "1.5e+300"}, {123456789.123, "123456789.123"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_repr(wf_float_new(ts, cases[i].d), cases[i].want);
    check_repr(op(wf_float_new(ts, 1e308), wf_float_new(ts, 10.0),
                  WF_BINOP_MULTIPLY), "inf");
}

static void
test_float_floor_division_and_modulo(void **state)
{
    (void)state;
    check_repr(op(wf_float_new(ts, 7.5), I(2), WF_BINOP_FLOOR_DIVIDE), "3.0");
    check_repr(op(wf_float_new(ts, -7.5), I(2), WF_BINOP_REMAINDER), "0.5");
    check_error(op(wf_float_new(ts, 1.0), I(0), WF_BINOP_TRUE_DIVIDE),
                &wf_exc_ZeroDivisionError, "division by zero");
}

static void
test_int_constructor_parses_strings_and_truncates_floats(void **state)
{
    (void)state;
    check_repr(call_builtin("int", 1, (wf_value[]){S(" -42 ")}), "-42");
    check_repr(call_builtin("int", 2, (wf_value[]){S("ff"), I(16)}), "255");
    check_repr(call_builtin("int", 2, (wf_value[]){S("0x1f"), I(0)}), "31");
    check_repr(call_builtin("int", 1, (wf_value[]){wf_float_new(ts, -3.9)}),
               "-3");
    check_error(call_builtin("int", 1, (wf_value[]){S("x")}),
                &wf_exc_ValueError,
                "invalid literal for int() with base 10: 'x'");
    check_repr(call_builtin("float", 1, (wf_value[]){S("2.5")}), "2.5");
    check_error(call_builtin("float", 1, (wf_value[]){S("z")}),
                &wf_exc_ValueError, "could not convert string to float: 'z'");
}

static void
test_int_round_is_half_even(void **state)
{
    (void)state;
    check_repr(call_builtin("round", 1, (wf_value[]){wf_float_new(ts, 2.5)}),
               "2");
    check_repr(call_builtin("round", 1, (wf_value[]){wf_float_new(ts, 3.5)}),
               "4");
    check_repr(call_builtin("round", 2,
                            (wf_value[]){wf_float_new(ts, 2.675), I(2)}),
               "2.67");
    check_repr(call_builtin("round", 2, (wf_value[]){I(1250), I(-2)}),
               "1200");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_floor_division_and_modulo_follow_python_signs),
        cmocka_unit_test(test_int_true_division_and_negative_power_give_floats),
        cmocka_unit_test(test_int_overflow_past_62_bits_raises),
        cmocka_unit_test(test_int_bool_is_an_int_subclass),
        cmocka_unit_test(test_int_hash_maps_minus_one_to_minus_two),
        cmocka_unit_test(test_int_mixed_comparison_with_float),
        cmocka_unit_test(test_float_repr_is_shortest_round_trip),
        cmocka_unit_test(test_float_floor_division_and_modulo),
        cmocka_unit_test(test_int_constructor_parses_strings_and_truncates_floats),
        cmocka_unit_test(test_int_round_is_half_even),
    };
    return cmocka_run_group_tests_name("int", tests, group_setup,
                                       group_teardown);
}
