// tests/unit/test_dict.c -- dict (dict.c): insertion order, int/float key
// equality, deletion and growth, KeyError, methods, views and equality.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "gc.h"
#include "object.h"
#include "threads/thread.h"

static wf_thread *ts;

static int
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

static int
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

// [v] is WF_NULL with an exception whose "Type: message" is [want].
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
static void
test_dict_keeps_insertion_order_and_unifies_equal_keys(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, d, S("b"), I(1)), 0);
    assert_int_equal(wf_dict_set(ts, d, I(2), S("int")), 0);
    assert_int_equal(wf_dict_set(ts, d, wf_float_new(ts, 2.0), S("float")), 0);
    assert_int_equal(wf_dict_set(ts, d, S("a"), I(3)), 0);
    check_repr(d, "{'b': 1, 2: 'float', 'a': 3}");
    assert_int_equal(wf_dict_len(d), 3);
    wf_value out = WF_NULL;
    assert_int_equal(wf_dict_get(ts, d, wf_float_new(ts, 2.0), &out), 1);
    check_repr(out, "'float'");
    assert_true(wf_dict_get_str(d, wf_str_intern(ts, "a")) == I(3));
    assert_true(wf_dict_get_str(d, wf_str_intern(ts, "zz")) == WF_NULL);
}

static void
test_dict_delete_and_regrow(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(wf_dict_set(ts, d, I(i), I(i * i)), 0);
    for (int i = 0; i < 1000; i += 2)
        assert_int_equal(wf_dict_del(ts, d, I(i)), 1);
    assert_int_equal(wf_dict_del(ts, d, I(0)), 0);
    assert_int_equal(wf_dict_len(d), 500);
    for (int i = 0; i < 1000; i++) {
        wf_value out = WF_NULL;
        assert_int_equal(wf_dict_get(ts, d, I(i), &out), i % 2);
        if (i % 2)
            assert_int_equal(wf_val_as_int(out), i * i);
    }
    size_t pos = 0, n = 0;
    wf_value k, v;
    int64_t last = -1;
    while (wf_dict_next(d, &pos, &k, &v)) {
        assert_true(wf_val_as_int(k) > last);  // order survives regrowth
        last = wf_val_as_int(k);
        n++;
    }
    assert_int_equal(n, 500);
}

static void
test_dict_missing_key_raises_key_error_with_repr(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    check_error(wf_obj_getitem(ts, d, S("k")), &wf_exc_KeyError, "'k'");
    check_error(wf_obj_getitem(ts, d, I(3)), &wf_exc_KeyError, "3");
    check_error(wf_obj_getitem(ts, d, wf_list_new(ts, 0)), &wf_exc_TypeError,
                "unhashable type: 'list'");
    check_error(call_method(d, "popitem", 0, NULL), &wf_exc_KeyError,
                "'popitem(): dictionary is empty'");
}

static void
test_dict_methods(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, d, S("a"), I(1)), 0);
    assert_int_equal(wf_dict_set(ts, d, S("b"), I(2)), 0);
    check_repr(call_method(d, "get", 1, (wf_value[]){S("z")}), "None");
    check_repr(call_method(d, "get", 2, (wf_value[]){S("z"), I(0)}), "0");
    check_repr(call_method(d, "pop", 1, (wf_value[]){S("a")}), "1");
    check_repr(call_method(d, "pop", 2, (wf_value[]){S("a"), I(5)}), "5");
    check_repr(call_method(d, "setdefault", 2, (wf_value[]){S("c"), I(3)}),
               "3");
    check_repr(call_method(d, "setdefault", 2, (wf_value[]){S("c"), I(4)}),
               "3");
    wf_value other = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, other, S("x"), I(9)), 0);
    check_repr(call_method(d, "update", 1, (wf_value[]){other}), "None");
    check_repr(d, "{'b': 2, 'c': 3, 'x': 9}");
    check_repr(call_method(d, "keys", 0, NULL), "dict_keys(['b', 'c', 'x'])");
    check_repr(call_method(d, "values", 0, NULL), "dict_values([2, 3, 9])");
    check_repr(call_method(d, "items", 0, NULL),
               "dict_items([('b', 2), ('c', 3), ('x', 9)])");
    check_repr(call_method(d, "popitem", 0, NULL), "('x', 9)");
    wf_value c = call_method(d, "copy", 0, NULL);
    assert_int_equal(wf_obj_eq(ts, c, d), 1);
    check_repr(call_method(d, "clear", 0, NULL), "None");
    check_repr(d, "{}");
    assert_int_equal(wf_obj_eq(ts, c, d), 0);
    assert_int_equal(wf_obj_contains(ts, c, S("b")), 1);
}

static void
test_dict_iteration_detects_size_change(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, d, I(1), I(1)), 0);
    wf_value it = wf_obj_getiter(ts, d);
    wf_value x = WF_NULL;
    assert_int_equal(wf_obj_iternext(ts, it, &x), 1);
    assert_int_equal(wf_dict_set(ts, d, I(2), I(2)), 0);
    assert_int_equal(wf_obj_iternext(ts, it, &x), -1);
    check_error(WF_NULL, &wf_exc_RuntimeError,
                "dictionary changed size during iteration");
}

static void
test_dict_tuple_keys_hash_by_value(void **state)
{
    (void)state;
    wf_value d = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, d, wf_tuple_pack(ts, 2, I(1), S("a")),
                                 S("v")), 0);
    wf_value out = WF_NULL;
    assert_int_equal(wf_dict_get(ts, d, wf_tuple_pack(ts, 2, I(1), S("a")),
                                 &out), 1);
    check_repr(out, "'v'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dict_keeps_insertion_order_and_unifies_equal_keys),
        cmocka_unit_test(test_dict_delete_and_regrow),
        cmocka_unit_test(test_dict_missing_key_raises_key_error_with_repr),
        cmocka_unit_test(test_dict_methods),
        cmocka_unit_test(test_dict_iteration_detects_size_change),
        cmocka_unit_test(test_dict_tuple_keys_hash_by_value),
    };
    return cmocka_run_group_tests_name("dict", tests, group_setup,
                                       group_teardown);
}
