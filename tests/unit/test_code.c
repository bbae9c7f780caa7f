// tests/unit/test_code.c -- code objects (wf_code_*): co_lines merging runs
// of equal lines (None for units without a line), the exception-table
// binary search, co_* attributes and repr.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "weft.h"

#ifndef WF_INTERNAL
#  define WF_INTERNAL 1
#endif
#include "vm/code.h"
#include "compiler/compile.h"
#include "objects/error.h"
#include "threads/thread.h"

static weft_runtime *rt;

static int
group_setup(void **state)
{
    (void)state;
    if (weft_runtime_new(&rt) != WEFT_OK)
        return -1;
    // Idempotent; the runtime's init calls it too.
    return wf_code_init_type(wf_thread_current());
}

static int
group_teardown(void **state)
{
    (void)state;
    weft_runtime_free(rt);
    return 0;
}

static void
test_code_find_handler(void **state)
{
    (void)state;
    wf_exc_entry table[] = {
        {2, 5, 20, 0, 0},
        {5, 6, 30, 1, 1},
        {9, 12, 40, 2, 1},
    };
    wf_code co;
    memset(&co, 0, sizeof co);
    co.exctable = table;
    co.nexc = 3;
    co.ncode = 50;
    assert_null(wf_code_find_handler(&co, 0));
    assert_null(wf_code_find_handler(&co, 1));
    assert_ptr_equal(wf_code_find_handler(&co, 2), &table[0]);
    assert_ptr_equal(wf_code_find_handler(&co, 4), &table[0]);
    assert_ptr_equal(wf_code_find_handler(&co, 5), &table[1]);
    assert_null(wf_code_find_handler(&co, 6));
    assert_null(wf_code_find_handler(&co, 8));
    assert_ptr_equal(wf_code_find_handler(&co, 9), &table[2]);
    assert_ptr_equal(wf_code_find_handler(&co, 11), &table[2]);
    assert_null(wf_code_find_handler(&co, 12));
    co.nexc = 0;
    assert_null(wf_code_find_handler(&co, 3));
}

static void
test_code_co_lines_merges_runs(void **state)
{
    (void)state;
    wf_thread *ts = wf_thread_current();
    int32_t lines[] = {1, 2, 2, 2, WF_NO_LINE, WF_NO_LINE, 3, 2};
    wf_code co;
    memset(&co, 0, sizeof co);
    co.lines = lines;
    co.ncode = 8;
    wf_value l = wf_code_co_lines(ts, &co);
    assert_true(l != WF_NULL);
    wf_list *list = (wf_list *)wf_val_as_obj(l);
    static const int64_t expect[][3] = {
        {0, 2, 1}, {2, 8, 2}, {8, 12, -1}, {12, 14, 3}, {14, 16, 2}};
    assert_int_equal(list->n, 5);
    for (size_t i = 0; i < 5; i++) {
        wf_value t = list->items[i];
        assert_int_equal(wf_tuple_len(t), 3);
        assert_int_equal(wf_val_as_int(wf_tuple_items(t)[0]), expect[i][0]);
        assert_int_equal(wf_val_as_int(wf_tuple_items(t)[1]), expect[i][1]);
        if (expect[i][2] < 0)
            assert_true(wf_tuple_items(t)[2] == WF_NONE);
        else
            assert_int_equal(wf_val_as_int(wf_tuple_items(t)[2]),
                             expect[i][2]);
    }
}

static void
test_code_attributes_and_repr(void **state)
{
    (void)state;
    wf_thread *ts = wf_thread_current();
    const char *src = "def f(a, b):\n    c = a\n    return c\n";
    wf_value m = wf_comp_module(ts, src, strlen(src), "x.py");
    assert_true(m != WF_NULL);
    wf_code *mc = (wf_code *)wf_val_as_obj(m);
    wf_value f = WF_NULL;
    for (size_t i = 0; i < wf_tuple_len(mc->consts); i++)
        if (wf_val_is(wf_tuple_items(mc->consts)[i], &wf_code_type))
            f = wf_tuple_items(mc->consts)[i];
    assert_true(f != WF_NULL);
    wf_value v = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_name"));
    assert_string_equal(wf_str_cstr(v), "f");
    v = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_firstlineno"));
    assert_int_equal(wf_val_as_int(v), 1);
    v = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_argcount"));
    assert_int_equal(wf_val_as_int(v), 2);
    v = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_varnames"));
    assert_int_equal(wf_tuple_len(v), 3);
    assert_string_equal(wf_str_cstr(wf_tuple_items(v)[2]), "c");
    v = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_filename"));
    assert_string_equal(wf_str_cstr(v), "x.py");
    v = wf_obj_repr(ts, f);
    assert_true(v != WF_NULL);
    assert_true(strncmp(wf_str_cstr(v), "<code object f at ", 18) == 0);
    assert_non_null(strstr(wf_str_cstr(v), ", file \"x.py\", line 1>"));
    // co_lines() through the method.
    wf_value meth = wf_obj_getattr(ts, f, wf_str_intern(ts, "co_lines"));
    assert_true(meth != WF_NULL);
    wf_value it = wf_obj_call(ts, meth, NULL, 0, WF_NULL);
    assert_true(it != WF_NULL);
    wf_value first;
    assert_int_equal(wf_obj_iternext(ts, it, &first), 1);
    assert_int_equal(wf_val_as_int(wf_tuple_items(first)[2]), 1);  // RESUME
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_find_handler),
        cmocka_unit_test(test_code_co_lines_merges_runs),
        cmocka_unit_test(test_code_attributes_and_repr),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
