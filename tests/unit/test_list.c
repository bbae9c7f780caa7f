// tests/unit/test_list.c -- list (list.c): growth, indexing, slicing get/set/del,
// methods, stable sort with key and reverse, comparison and concatenation.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static wf_value
ints(int n, ...)
{
    wf_value l = wf_list_new(ts, 0);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(wf_list_append(ts, l, I(va_arg(ap, int))), 0);
    va_end(ap);
    return l;
}

static void
test_list_append_grows_and_indexes(void **state)
{
    (void)state;
    wf_value l = wf_list_new(ts, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(wf_list_append(ts, l, I(i)), 0);
    assert_int_equal(wf_obj_len(ts, l), 1000);
    check_repr(wf_obj_getitem(ts, l, I(-1)), "999");
    check_error(wf_obj_getitem(ts, l, I(1000)), &wf_exc_IndexError,
                "list index out of range");
    check_error(wf_obj_getitem(ts, l, S("a")), &wf_exc_TypeError,
                "list indices must be integers or slices, not str");
    wf_value x = WF_NULL;
    assert_true(wf_list_get(l, 500, &x));
    assert_int_equal(wf_val_as_int(x), 500);
    assert_false(wf_list_get(l, 1000, &x));
}

static void
test_list_slices_get_set_and_delete(void **state)
{
    (void)state;
    wf_value l = ints(5, 1, 2, 3, 4, 5);
    check_repr(wf_obj_getitem(ts, l, wf_slice_new(ts, WF_NONE, WF_NONE, I(-2))),
               "[5, 3, 1]");
    assert_int_equal(wf_obj_setitem(ts, l, wf_slice_new(ts, I(1), I(3), WF_NONE),
                                    wf_tuple_pack(ts, 3, S("a"), S("b"), S("c"))),
                     0);
    check_repr(l, "[1, 'a', 'b', 'c', 4, 5]");
    assert_int_equal(wf_obj_delitem(ts, l, wf_slice_new(ts, WF_NONE, WF_NONE,
                                                        I(2))),
                     0);
    check_repr(l, "['a', 'c', 5]");
    assert_int_equal(wf_obj_delitem(ts, l, I(0)), 0);
    check_repr(l, "['c', 5]");
    assert_int_equal(wf_obj_setitem(ts, l, wf_slice_new(ts, WF_NONE, WF_NONE,
                                                        I(-1)),
                                    ints(1, 9)),
                     -1);
    check_error(WF_NULL, &wf_exc_ValueError,
                "attempt to assign sequence of size 1 to extended slice of "
                "size 2");
}

static void
test_list_methods(void **state)
{
    (void)state;
    wf_value l = ints(3, 1, 2, 3);
    check_repr(call_method(l, "insert", 2, (wf_value[]){I(0), I(9)}), "None");
    check_repr(l, "[9, 1, 2, 3]");
    check_repr(call_method(l, "pop", 0, NULL), "3");
    check_repr(call_method(l, "pop", 1, (wf_value[]){I(0)}), "9");
    check_repr(call_method(l, "index", 1, (wf_value[]){I(2)}), "1");
    check_error(call_method(l, "index", 1, (wf_value[]){I(7)}),
                &wf_exc_ValueError, "7 is not in list");
    check_repr(call_method(l, "remove", 1, (wf_value[]){I(1)}), "None");
    check_error(call_method(l, "remove", 1, (wf_value[]){I(1)}),
                &wf_exc_ValueError, "list.remove(x): x not in list");
    check_repr(call_method(l, "extend", 1, (wf_value[]){S("ab")}), "None");
    check_repr(l, "[2, 'a', 'b']");
    check_repr(call_method(l, "count", 1, (wf_value[]){S("a")}), "1");
    check_repr(call_method(l, "reverse", 0, NULL), "None");
    check_repr(l, "['b', 'a', 2]");
    wf_value c = call_method(l, "copy", 0, NULL);
    check_repr(call_method(l, "clear", 0, NULL), "None");
    check_repr(l, "[]");
    check_repr(c, "['b', 'a', 2]");
    check_error(call_method(l, "pop", 0, NULL), &wf_exc_IndexError,
                "pop from empty list");
}

static void
test_list_sort_is_stable_with_key_and_reverse(void **state)
{
    (void)state;
    wf_value l = wf_list_new(ts, 0);
    const char *words[] = {"ccc", "a", "bb", "d", "ee", "f"};
    for (int i = 0; i < 6; i++)
        assert_int_equal(wf_list_append(ts, l, S(words[i])), 0);
    wf_value len = wf_dict_get_str(wf_the_interp.builtins_dict,
                                   wf_str_intern(ts, "len"));
    assert_int_equal(wf_list_sort(ts, l, len, false), 0);
    check_repr(l, "['a', 'd', 'f', 'bb', 'ee', 'ccc']");
    assert_int_equal(wf_list_sort(ts, l, len, true), 0);
    check_repr(l, "['ccc', 'bb', 'ee', 'a', 'd', 'f']");
    wf_value big = wf_list_new(ts, 0);
    for (int i = 0; i < 500; i++)
        assert_int_equal(wf_list_append(ts, big, I((i * 7919) % 500)), 0);
    assert_int_equal(wf_list_sort(ts, big, WF_NULL, false), 0);
    for (int i = 0; i < 500; i++) {
        wf_value x = WF_NULL;
        assert_true(wf_list_get(big, (size_t)i, &x));
        assert_int_equal(wf_val_as_int(x), i);
    }
    wf_value mixed = ints(2, 1, 2);
    assert_int_equal(wf_list_append(ts, mixed, S("x")), 0);
    assert_int_equal(wf_list_sort(ts, mixed, WF_NULL, false), -1);
    check_error(WF_NULL, &wf_exc_TypeError,
                "'<' not supported between instances of 'str' and 'int'");
}

static void
test_list_compare_concat_repeat(void **state)
{
    (void)state;
    check_repr(wf_obj_richcompare(ts, ints(2, 1, 2), ints(2, 1, 3), WF_CMP_LT),
               "True");
    assert_int_equal(wf_obj_eq(ts, ints(2, 1, 2), ints(2, 1, 2)), 1);
    check_repr(wf_obj_binop(ts, ints(1, 1), ints(1, 2), WF_BINOP_ADD),
               "[1, 2]");
    check_repr(wf_obj_binop(ts, ints(1, 7), I(3), WF_BINOP_MULTIPLY),
               "[7, 7, 7]");
    check_error(wf_obj_binop(ts, ints(1, 1), wf_tuple_pack(ts, 1, I(1)),
                             WF_BINOP_ADD),
                &wf_exc_TypeError,
                "can only concatenate list (not \"tuple\") to list");
    wf_value l = ints(1, 1);
    check_repr(wf_obj_binop(ts, l, ints(1, 2), WF_BINOP_INPLACE_ADD),
               "[1, 2]");
    check_repr(l, "[1, 2]");
    int64_t h;
    assert_int_equal(wf_obj_hash(ts, l, &h), -1);
    check_error(WF_NULL, &wf_exc_TypeError, "unhashable type: 'list'");
}

static void
test_list_repr_of_self_reference(void **state)
{
    (void)state;
    wf_value l = ints(1, 1);
    assert_int_equal(wf_list_append(ts, l, l), 0);
    check_repr(l, "[1, [...]]");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_append_grows_and_indexes),
        cmocka_unit_test(test_list_slices_get_set_and_delete),
        cmocka_unit_test(test_list_methods),
        cmocka_unit_test(test_list_sort_is_stable_with_key_and_reverse),
        cmocka_unit_test(test_list_compare_concat_repeat),
        cmocka_unit_test(test_list_repr_of_self_reference),
    };
    return cmocka_run_group_tests_name("list", tests, group_setup,
                                       group_teardown);
}
