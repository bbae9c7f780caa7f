// tests/unit/test_str.c -- str (str.c): construction, interning, repr with
// Python's quote choice, indexing by code point, slicing, methods,
// formatting and hashing.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void
test_str_intern_returns_one_object_per_content(void **state)
{
    (void)state;
    wf_value a = wf_str_intern(ts, "identifier");
    wf_value b = wf_str_intern_n(ts, "identifier!", 10);
    assert_true(a == b);
    assert_true(wf_val_as_obj(a)->gc_bits & WF_GC_IMMORTAL);
    assert_true(wf_str_eq(a, S("identifier")));
    assert_int_equal(wf_str_hash(a), wf_str_hash(S("identifier")));
}

static void
test_str_repr_chooses_quotes_like_python(void **state)
{
    (void)state;
    check_repr(S("abc"), "'abc'");
    check_repr(S("it's"), "\"it's\"");
    check_repr(S("it's \"q\""), "'it\\'s \"q\"'");
    check_repr(S("a\tb\n\x01\\"), "'a\\tb\\n\\x01\\\\'");
    check_repr(S("h\xc3\xa9"), "'h\xc3\xa9'");
}

static void
test_str_indexes_and_slices_by_code_point(void **state)
{
    (void)state;
    wf_value s = S("h\xc3\xa9llo");  // "héllo"
    assert_int_equal(wf_obj_len(ts, s), 5);
    check_repr(wf_obj_getitem(ts, s, I(1)), "'\xc3\xa9'");
    check_repr(wf_obj_getitem(ts, s, I(-1)), "'o'");
    check_repr(wf_obj_getitem(ts, s, wf_slice_new(ts, I(1), I(4), WF_NONE)),
               "'\xc3\xa9ll'");
    check_repr(wf_obj_getitem(ts, S("abcdef"),
                              wf_slice_new(ts, WF_NONE, WF_NONE, I(-2))),
               "'fdb'");
    check_error(wf_obj_getitem(ts, s, I(5)), &wf_exc_IndexError,
                "string index out of range");
}

static void
test_str_split_join_strip_replace(void **state)
{
    (void)state;
    check_repr(call_method(S("  a b  c "), "split", 0, NULL),
               "['a', 'b', 'c']");
    check_repr(call_method(S("a,b,,c"), "split", 1, (wf_value[]){S(",")}),
               "['a', 'b', '', 'c']");
    check_repr(call_method(S("a,b,c"), "split", 2, (wf_value[]){S(","), I(1)}),
               "['a', 'b,c']");
    check_repr(call_method(S("a-b-c"), "rsplit", 2, (wf_value[]){S("-"), I(1)}),
               "['a-b', 'c']");
    check_repr(call_method(S("-"), "join", 1,
                           (wf_value[]){wf_tuple_pack(ts, 2, S("x"), S("y"))}),
               "'x-y'");
    check_error(call_method(S("-"), "join", 1,
                            (wf_value[]){wf_tuple_pack(ts, 1, I(1))}),
                &wf_exc_TypeError,
                "sequence item 0: expected str instance, int found");
    check_repr(call_method(S("  hi \n"), "strip", 0, NULL), "'hi'");
    check_repr(call_method(S("xxhix"), "strip", 1, (wf_value[]){S("x")}),
               "'hi'");
    check_repr(call_method(S("aaa"), "replace", 2, (wf_value[]){S("a"), S("bb")}),
               "'bbbbbb'");
    check_error(call_method(S("a"), "split", 1, (wf_value[]){S("")}),
                &wf_exc_ValueError, "empty separator");
}

static void
test_str_search_and_predicates(void **state)
{
    (void)state;
    check_repr(call_method(S("hello"), "find", 1, (wf_value[]){S("llo")}), "2");
    check_repr(call_method(S("hello"), "find", 1, (wf_value[]){S("z")}), "-1");
    check_repr(call_method(S("abcabc"), "count", 1, (wf_value[]){S("b")}), "2");
    check_repr(call_method(S("abc"), "startswith", 1,
                           (wf_value[]){wf_tuple_pack(ts, 2, S("x"), S("a"))}),
               "True");
    check_repr(call_method(S("abc"), "endswith", 1, (wf_value[]){S("bc")}),
               "True");
    check_error(call_method(S("abc"), "index", 1, (wf_value[]){S("z")}),
                &wf_exc_ValueError, "substring not found");
    check_repr(call_method(S("123"), "isdigit", 0, NULL), "True");
    check_repr(call_method(S("ab1"), "isalpha", 0, NULL), "False");
    check_repr(call_method(S(" \t"), "isspace", 0, NULL), "True");
    check_repr(call_method(S("MiXed"), "upper", 0, NULL), "'MIXED'");
    check_repr(call_method(S("MiXed"), "lower", 0, NULL), "'mixed'");
    assert_int_equal(wf_obj_contains(ts, S("abc"), S("bc")), 1);
    assert_int_equal(wf_obj_contains(ts, S("abc"), S("x")), 0);
}

static void
test_str_concat_repeat_and_errors(void **state)
{
    (void)state;
    check_repr(wf_obj_binop(ts, S("ab"), S("cd"), WF_BINOP_ADD), "'abcd'");
    check_repr(wf_obj_binop(ts, S("ab"), I(3), WF_BINOP_MULTIPLY), "'ababab'");
    check_repr(wf_obj_binop(ts, I(2), S("x"), WF_BINOP_MULTIPLY), "'xx'");
    check_error(wf_obj_binop(ts, S("a"), I(1), WF_BINOP_ADD), &wf_exc_TypeError,
                "can only concatenate str (not \"int\") to str");
    check_error(wf_obj_binop(ts, S("a"), S("b"), WF_BINOP_MULTIPLY),
                &wf_exc_TypeError,
                "can't multiply sequence by non-int of type 'str'");
}

static void
test_str_format_helpers(void **state)
{
    (void)state;
    wf_value s = wf_str_format(ts, "%d-%s-%zu-%R-%S-%T-%U-%%", 42, "c", (size_t)7,
                               S("r"), S("s"), I(1), S("u"));
    assert_string_equal(wf_str_cstr(s), "42-c-7-'r'-s-int-u-%");
    check_repr(wf_obj_binop(ts, S("%5.2f|%-3d|%s"),
                            wf_tuple_pack(ts, 3, wf_float_new(ts, 3.14159),
                                          I(7), S("x")),
                            WF_BINOP_REMAINDER),
               "' 3.14|7  |x'");
    check_repr(wf_obj_format(ts, wf_float_new(ts, 2.5), S(".3f")), "'2.500'");
    check_repr(wf_obj_format(ts, I(1234567), S(",")), "'1,234,567'");
    check_repr(wf_obj_format(ts, S("ab"), S("^6")), "'  ab  '");
}

static void
test_str_compare_and_hash_is_stable(void **state)
{
    (void)state;
    check_repr(wf_obj_richcompare(ts, S("ab"), S("b"), WF_CMP_LT), "True");
    check_repr(wf_obj_richcompare(ts, S("b"), S("ab"), WF_CMP_LT), "False");
    int64_t h1, h2;
    assert_int_equal(wf_obj_hash(ts, S("same"), &h1), 0);
    assert_int_equal(wf_obj_hash(ts, S("same"), &h2), 0);
    assert_int_equal(h1, h2);
    assert_true(h1 != -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_intern_returns_one_object_per_content),
        cmocka_unit_test(test_str_repr_chooses_quotes_like_python),
        cmocka_unit_test(test_str_indexes_and_slices_by_code_point),
        cmocka_unit_test(test_str_split_join_strip_replace),
        cmocka_unit_test(test_str_search_and_predicates),
        cmocka_unit_test(test_str_concat_repeat_and_errors),
        cmocka_unit_test(test_str_format_helpers),
        cmocka_unit_test(test_str_compare_and_hash_is_stable),
    };
    return cmocka_run_group_tests_name("str", tests, group_setup,
                                       group_teardown);
}
