// tests/unit/test_dict.c -- dict (dict.c): insertion order, int/float key
// equality, deletion and growth, KeyError, methods, views and equality;
// LOAD_GLOBAL's inline cache (dict_cache.h) against every change it must
// notice.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>


#include "objects/dict_cache.h"

#include "fixture.h"  // after the headers: its globals are not their names

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


// ===== LOAD_GLOBAL's inline cache (dict_cache.h) =====

// What LOAD_GLOBAL does: the inline check, then the fill on a miss.
static wf_value
cached_load(wf_value globals, wf_value builtins, wf_dict_gcache *c,
            wf_value name)
{
    wf_value v = wf_dict_gcache_get(globals, builtins, c, name);
    return v != WF_NULL ? v : wf_dict_gcache_fill(globals, builtins, c, name);
}

static inline wf_value
N(const char *s)
{
    return wf_str_intern(ts, s);
}

static void
test_dict_gcache_hit_sees_rebinding_and_deletion(void **state)
{
    (void)state;
    wf_value g = wf_dict_new(ts), b = wf_dict_new(ts);
    wf_dict_gcache c = {0};
    assert_int_equal(wf_dict_set_str(ts, g, N("other"), I(0)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("x"), I(1)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == WF_NULL);  // cold
    assert_true(wf_dict_gcache_fill(g, b, &c, N("x")) == I(1));
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == I(1));      // hit
    // Rebinding writes the same entry: still a hit, with the new value.
    assert_int_equal(wf_dict_set_str(ts, g, N("x"), I(2)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == I(2));
    // The cached index proves nothing for another name.
    assert_true(wf_dict_gcache_get(g, b, &c, N("other")) == WF_NULL);
    // Deleted: the entry's key is gone, so no hit, and the fill finds
    // nothing (LOAD_GLOBAL raises NameError).
    assert_int_equal(wf_dict_del(ts, g, N("x")), 1);
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == WF_NULL);
    assert_true(wf_dict_gcache_fill(g, b, &c, N("x")) == WF_NULL);
    // Re-added: a new entry; the old index must not hit.
    assert_int_equal(wf_dict_set_str(ts, g, N("x"), I(3)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == WF_NULL);
    assert_true(cached_load(g, b, &c, N("x")) == I(3));
    assert_true(wf_dict_gcache_get(g, b, &c, N("x")) == I(3));
}

static void
test_dict_gcache_global_shadowing_a_builtin_wins_at_once(void **state)
{
    (void)state;
    wf_value g = wf_dict_new(ts), b = wf_dict_new(ts);
    wf_dict_gcache c = {0};
    assert_int_equal(wf_dict_set_str(ts, b, N("abs"), I(-1)), 0);
    assert_int_equal(wf_dict_set_str(ts, b, N("len"), I(100)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("y"), I(0)), 0);
    assert_true(cached_load(g, b, &c, N("len")) == I(100));
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == I(100));  // hit
    // A builtin rebound in place: still a hit, new value.
    assert_int_equal(wf_dict_set_str(ts, b, N("len"), I(101)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == I(101));
    // Any insertion into globals changes its version: no builtins hit.
    assert_int_equal(wf_dict_set_str(ts, g, N("unrelated"), I(0)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == WF_NULL);
    assert_true(cached_load(g, b, &c, N("len")) == I(101));
    // The module shadows len: seen on the very next load.
    assert_int_equal(wf_dict_set_str(ts, g, N("len"), I(42)), 0);
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) != I(101));
    assert_true(cached_load(g, b, &c, N("len")) == I(42));
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == I(42));
    // del len: the builtin again.
    assert_int_equal(wf_dict_del(ts, g, N("len")), 1);
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == WF_NULL);
    assert_true(cached_load(g, b, &c, N("len")) == I(101));
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == I(101));
    // Deleted from builtins too: nothing, and no stale hit.
    assert_int_equal(wf_dict_del(ts, b, N("len")), 1);
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == WF_NULL);
    assert_true(wf_dict_gcache_fill(g, b, &c, N("len")) == WF_NULL);
}

static void
test_dict_gcache_survives_table_replacement(void **state)
{
    (void)state;
    wf_value g = wf_dict_new(ts), b = wf_dict_new(ts);
    wf_dict_gcache cg = {0}, cb = {0};
    assert_int_equal(wf_dict_set_str(ts, b, N("len"), I(100)), 0);
    for (int i = 0; i < 5; i++) {
        char k[32];
        snprintf(k, sizeof k, "early_%d", i);
        assert_int_equal(wf_dict_set_str(ts, g, N(k), I(i)), 0);
    }
    assert_int_equal(wf_dict_set_str(ts, g, N("z"), I(7)), 0);
    assert_true(cached_load(g, b, &cg, N("z")) == I(7));
    assert_true(cached_load(g, b, &cb, N("len")) == I(100));
    // Delete the early ones (the next rebuild compacts, moving z's index)
    // and add enough to replace the table several times.
    for (int i = 0; i < 5; i++) {
        char k[32];
        snprintf(k, sizeof k, "early_%d", i);
        assert_int_equal(wf_dict_del(ts, g, N(k)), 1);
    }
    for (int i = 0; i < 1000; i++) {
        char k[32];
        snprintf(k, sizeof k, "filler_%d", i);
        assert_int_equal(wf_dict_set_str(ts, g, N(k), I(i)), 0);
        // Between any two changes, a hit is right or there is none.
        wf_value v = wf_dict_gcache_get(g, b, &cg, N("z"));
        assert_true(v == WF_NULL || v == I(7));
        v = wf_dict_gcache_get(g, b, &cb, N("len"));
        assert_true(v == WF_NULL);  // globals changed since the miss
    }
    assert_true(wf_dict_gcache_get(g, b, &cg, N("z")) == WF_NULL);  // moved
    assert_true(cached_load(g, b, &cg, N("z")) == I(7));
    assert_true(wf_dict_gcache_get(g, b, &cg, N("z")) == I(7));
    assert_true(cached_load(g, b, &cb, N("len")) == I(100));
    assert_true(wf_dict_gcache_get(g, b, &cb, N("len")) == I(100));
    // clear() swaps in a fresh table: nothing cached may hit.
    wf_value clear = call_method(g, "clear", 0, NULL);
    assert_true(clear == WF_NONE);
    assert_true(wf_dict_gcache_get(g, b, &cg, N("z")) == WF_NULL);
    assert_true(wf_dict_gcache_get(g, b, &cb, N("len")) == WF_NULL);
}

// Two globals dicts sharing one cache (one code object run by two
// modules, wf_eval_code with another globals): with per-dict version
// counters both dicts below would have version 1 after one insertion,
// and the cache filled by [a] would answer builtins' len for [g].
static void
test_dict_gcache_two_globals_dicts_share_one_cache(void **state)
{
    (void)state;
    wf_value a = wf_dict_new(ts), g = wf_dict_new(ts), b = wf_dict_new(ts);
    wf_dict_gcache c = {0};
    assert_int_equal(wf_dict_set_str(ts, b, N("len"), I(100)), 0);
    assert_int_equal(wf_dict_set_str(ts, a, N("q"), I(1)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("len"), I(42)), 0);
    assert_true(cached_load(a, b, &c, N("len")) == I(100));
    assert_true(wf_dict_gcache_get(a, b, &c, N("len")) == I(100));
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) != I(100));
    assert_true(cached_load(g, b, &c, N("len")) == I(42));
    // Now filled for g: a's q is at the same index as g's len, but the
    // key check tells them apart.
    assert_true(wf_dict_gcache_get(g, b, &c, N("len")) == I(42));
    assert_true(wf_dict_gcache_get(a, b, &c, N("len")) != I(42));
    assert_true(cached_load(a, b, &c, N("len")) == I(100));
    // Same name, same index, two dicts: each gets its own value.
    assert_int_equal(wf_dict_set_str(ts, a, N("k"), I(10)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("k"), I(20)), 0);
    wf_dict_gcache ck = {0};
    assert_true(cached_load(a, b, &ck, N("k")) == I(10));
    assert_true(wf_dict_gcache_get(g, b, &ck, N("k")) == I(20));
    assert_true(wf_dict_gcache_get(a, b, &ck, N("k")) == I(10));
    // Two never-changed (empty) globals dicts both have version 0, which
    // is right: neither has the name.
    wf_value e1 = wf_dict_new(ts), e2 = wf_dict_new(ts);
    wf_dict_gcache ce = {0};
    assert_true(cached_load(e1, b, &ce, N("len")) == I(100));
    assert_true(wf_dict_gcache_get(e2, b, &ce, N("len")) == I(100));
}

// Each word is checked on its own: any mix of words (as two threads
// filling at once could leave) either proves the value or misses.
static void
test_dict_gcache_any_mix_of_words_is_safe(void **state)
{
    (void)state;
    wf_value g = wf_dict_new(ts), b = wf_dict_new(ts);
    assert_int_equal(wf_dict_set_str(ts, b, N("len"), I(100)), 0);
    assert_int_equal(wf_dict_set_str(ts, b, N("abs"), I(-1)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("x"), I(1)), 0);
    assert_int_equal(wf_dict_set_str(ts, g, N("y"), I(2)), 0);
    const uint64_t words[] = {0, 1, 2, 3, 7, 1000, UINT64_MAX,
                              UINT64_MAX - 1};
    const char *names[] = {"x", "y", "len", "abs", "nope"};
    const wf_value want[] = {I(1), I(2), I(100), I(-1), WF_NULL};
    size_t nw = sizeof words / sizeof words[0];
    for (size_t n = 0; n < 5; n++)
        for (size_t i = 0; i < nw; i++)
            for (size_t j = 0; j < nw; j++)
                for (size_t k = 0; k < nw; k++) {
                    wf_dict_gcache c = {{words[i]}, {words[j]}, {words[k]}};
                    wf_value v = wf_dict_gcache_get(g, b, &c, N(names[n]));
                    assert_true(v == WF_NULL || v == want[n]);
                }
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
        cmocka_unit_test(test_dict_gcache_hit_sees_rebinding_and_deletion),
        cmocka_unit_test(
            test_dict_gcache_global_shadowing_a_builtin_wins_at_once),
        cmocka_unit_test(test_dict_gcache_survives_table_replacement),
        cmocka_unit_test(test_dict_gcache_two_globals_dicts_share_one_cache),
        cmocka_unit_test(test_dict_gcache_any_mix_of_words_is_safe),
    };
    return cmocka_run_group_tests_name("dict", tests, group_setup,
                                       group_teardown);
}
