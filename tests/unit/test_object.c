// tests/unit/test_object.c -- the object model (object.c, typeobj.c,
// builtin.c, error.c, module.c): classes and instances, attribute lookup
// and method binding, slot dispatch, exceptions and their chaining, the
// traceback printer, imports.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "modules/modules.h"

#include "vm/code.h"

// A C function stored as a class attribute (builtin functions do not bind).
static wf_value
answer_fn(wf_thread *t, const wf_value *args, size_t nargs, wf_value kw)
{
    (void)t;
    (void)args;
    (void)kw;
    return wf_val_from_int((int64_t)(40 + nargs + 2));
}

static wf_value
new_class(const char *name, wf_value base, wf_value ns)
{
    wf_value n = S(name);
    wf_value c = wf_class_new(ts, n, n, base, ns);
    assert_true(c != WF_NULL);
    return c;
}

static wf_value
builtin(const char *name)
{
    return wf_dict_get_str(wf_the_interp.builtins_dict,
                           wf_str_intern(ts, name));
}

static void
test_object_class_instances_and_attributes(void **state)
{
    (void)state;
    wf_value ns = wf_dict_new(ts);
    assert_int_equal(wf_dict_set(ts, ns, S("x"), I(10)), 0);
    wf_value c = new_class("C", WF_NULL, ns);
    check_repr(c, "<class '__main__.C'>");
    wf_value inst = wf_obj_call(ts, c, NULL, 0, WF_NULL);
    assert_true(inst != WF_NULL);
    wf_value x = wf_str_intern(ts, "x");
    check_repr(wf_obj_getattr(ts, inst, x), "10");  // class attribute
    assert_int_equal(wf_obj_setattr(ts, inst, x, I(5)), 0);
    check_repr(wf_obj_getattr(ts, inst, x), "5");  // instance dict first
    check_repr(wf_obj_getattr(ts, c, x), "10");
    check_error(wf_obj_getattr(ts, inst, wf_str_intern(ts, "nope")),
                &wf_exc_AttributeError, "'C' object has no attribute 'nope'");
    check_error(wf_obj_getattr(ts, c, wf_str_intern(ts, "nope")),
                &wf_exc_AttributeError,
                "type object 'C' has no attribute 'nope'");
    check_error(wf_obj_call(ts, c, (wf_value[]){I(1)}, 1, WF_NULL),
                &wf_exc_TypeError, "C() takes no arguments");
    wf_value r = wf_obj_repr(ts, inst);
    assert_memory_equal(wf_str_cstr(r), "<__main__.C object at 0x", 24);
    check_repr(wf_obj_getattr(ts, inst, wf_str_intern(ts, "__class__")),
               "<class '__main__.C'>");
    check_repr(wf_obj_getattr(ts, c, wf_str_intern(ts, "__name__")), "'C'");
}

static void
test_object_inheritance_mro_and_builtin_base_rejected(void **state)
{
    (void)state;
    wf_value a = new_class("A", WF_NULL, wf_dict_new(ts));
    wf_value b = new_class("B", a, wf_dict_new(ts));
    check_repr(wf_obj_getattr(ts, b, wf_str_intern(ts, "__mro__")),
               "(<class '__main__.B'>, <class '__main__.A'>, <class "
               "'object'>)");
    wf_value inst = wf_obj_call(ts, b, NULL, 0, WF_NULL);
    assert_int_equal(wf_obj_isinstance(ts, inst, a), 1);
    assert_int_equal(wf_obj_isinstance(ts, inst, builtin("int")), 0);
    wf_value n = S("L");
    check_error(wf_class_new(ts, n, n, builtin("list"), wf_dict_new(ts)),
                &wf_exc_TypeError,
                "Weft does not support subclassing built-in type 'list'");
    check_error(wf_class_new(ts, n, n, builtin("bool"), wf_dict_new(ts)),
                &wf_exc_TypeError, "type 'bool' is not an acceptable base type");
}

static void
test_object_builtin_methods_bind_and_get_method_avoids_binding(void **state)
{
    (void)state;
    wf_value l = wf_list_new(ts, 0);
    wf_value append = wf_str_intern(ts, "append");
    wf_value bound = wf_obj_getattr(ts, l, append);
    wf_value r = wf_obj_repr(ts, bound);
    assert_memory_equal(wf_str_cstr(r),
                        "<built-in method append of list object at 0x", 44);
    assert_true(wf_obj_call(ts, bound, (wf_value[]){I(1)}, 1, WF_NULL) ==
                WF_NONE);
    wf_value meth = WF_NULL;
    assert_int_equal(wf_obj_get_method(ts, l, append, &meth), 1);
    check_repr(meth, "<method 'append' of 'list' objects>");
    assert_true(wf_obj_call(ts, meth, (wf_value[]){l, I(2)}, 2, WF_NULL) ==
                WF_NONE);
    check_repr(l, "[1, 2]");
    check_error(wf_obj_call(ts, meth, (wf_value[]){I(3), I(2)}, 2, WF_NULL),
                &wf_exc_TypeError,
                "descriptor 'append' for 'list' objects doesn't apply to a "
                "'int' object");
    check_repr(builtin("len"), "<built-in function len>");
    check_repr(wf_obj_getattr(ts, builtin("len"), wf_str_intern(ts, "__name__")),
               "'len'");
}

static void
test_object_slot_dispatch_finds_class_dunders(void **state)
{
    (void)state;
    wf_value ns = wf_dict_new(ts);
    wf_value f = wf_builtin_new(ts, "answer", answer_fn, NULL);
    assert_int_equal(wf_dict_set(ts, ns, S("__len__"), f), 0);
    assert_int_equal(wf_dict_set(ts, ns, S("__call__"), f), 0);
    wf_value c = new_class("D", WF_NULL, ns);
    wf_value inst = wf_obj_call(ts, c, NULL, 0, WF_NULL);
    assert_int_equal(wf_obj_len(ts, inst), 42);
    assert_int_equal(wf_obj_truthy(ts, inst), 1);
    check_repr(wf_obj_call(ts, inst, (wf_value[]){I(0)}, 1, WF_NULL), "43");
    // A dunder added after creation takes effect.
    assert_int_equal(wf_obj_setattr(ts, c, wf_str_intern(ts, "__getitem__"),
                                    f), 0);
    check_repr(wf_obj_getitem(ts, inst, I(0)), "43");
    check_error(wf_obj_binop(ts, inst, I(1), WF_BINOP_ADD), &wf_exc_TypeError,
                "unsupported operand type(s) for +: 'D' and 'int'");
}

static void
test_object_protocol_errors_use_cpython_wording(void **state)
{
    (void)state;
    check_error(wf_obj_getitem(ts, I(1), I(0)), &wf_exc_TypeError,
                "'int' object is not subscriptable");
    check_error(wf_obj_getiter(ts, I(1)), &wf_exc_TypeError,
                "'int' object is not iterable");
    check_error(wf_obj_call(ts, I(1), NULL, 0, WF_NULL), &wf_exc_TypeError,
                "'int' object is not callable");
    check_error(wf_obj_getattr(ts, WF_NONE, wf_str_intern(ts, "x")),
                &wf_exc_AttributeError,
                "'NoneType' object has no attribute 'x'");
    assert_int_equal(wf_obj_setattr(ts, I(1), wf_str_intern(ts, "x"), I(2)),
                     -1);
    check_error(WF_NULL, &wf_exc_AttributeError,
                "'int' object has no attribute 'x' and no __dict__ for "
                "setting new attributes");
    assert_int_equal(wf_obj_setitem(ts, wf_empty_tuple, I(0), I(1)), -1);
    check_error(WF_NULL, &wf_exc_TypeError,
                "'tuple' object does not support item assignment");
    check_error(wf_obj_unaryop(ts, S("a"), WF_UNARY_NEGATIVE),
                &wf_exc_TypeError, "bad operand type for unary -: 'str'");
}

static void
test_object_exceptions_args_str_repr(void **state)
{
    (void)state;
    wf_value e = wf_exc_new(ts, &wf_exc_ValueError,
                            wf_tuple_pack(ts, 1, S("bad")));
    check_repr(e, "ValueError('bad')");
    wf_value s = wf_obj_str(ts, e);
    assert_string_equal(wf_str_cstr(s), "bad");
    wf_value k = wf_exc_new(ts, &wf_exc_KeyError, wf_tuple_pack(ts, 1, S("k")));
    assert_string_equal(wf_str_cstr(wf_obj_str(ts, k)), "'k'");
    wf_value two = wf_exc_new(ts, &wf_exc_Exception,
                              wf_tuple_pack(ts, 2, S("a"), I(1)));
    check_repr(two, "Exception('a', 1)");
    assert_string_equal(wf_str_cstr(wf_obj_str(ts, two)), "('a', 1)");
    check_repr(wf_exc_new(ts, &wf_exc_KeyError, wf_empty_tuple), "KeyError()");
    // A user exception class keeps the exception layout.
    wf_value my = new_class("MyErr", builtin("ValueError"), wf_dict_new(ts));
    wf_value inst = wf_obj_call(ts, my, (wf_value[]){S("x")}, 1, WF_NULL);
    check_repr(inst, "MyErr('x')");
    check_repr(wf_obj_getattr(ts, inst, wf_str_intern(ts, "args")), "('x',)");
    assert_int_equal(wf_obj_isinstance(ts, inst, builtin("Exception")), 1);
}

static void
test_object_raising_while_handling_sets_context(void **state)
{
    (void)state;
    wf_value handled = wf_exc_new(ts, &wf_exc_KeyError,
                                  wf_tuple_pack(ts, 1, S("first")));
    wf_exc_info item = {handled, ts->exc_info};
    ts->exc_info = &item;
    wf_err_format(ts, &wf_exc_ValueError, "second");
    ts->exc_info = item.previous;
    wf_value e = wf_err_fetch(ts);
    assert_true(((wf_exc *)wf_val_as_obj(e))->context == handled);
    check_repr(wf_obj_getattr(ts, e, wf_str_intern(ts, "__context__")),
               "KeyError('first')");
    check_repr(wf_obj_getattr(ts, e, wf_str_intern(ts, "__cause__")), "None");
}

// Capture wf_exc_print's output for [exc].
static char *
print_to_string(wf_value exc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    wf_exc_print(ts, exc, f);
    fclose(f);
    return buf;
}

static void
test_object_traceback_printing_matches_cpython_format(void **state)
{
    (void)state;
    char path[] = "/tmp/wf_test_tb_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *src = fdopen(fd, "w");
    fputs("def f():\n    raise KeyError('inner')\n\nf()\n", src);
    fclose(src);
    wf_code *co = (wf_code *)wf_gc_alloc(ts, &wf_code_type, sizeof(wf_code));
    assert_non_null(co);
    co->filename = S(path);
    co->name = S("f");
    co->qualname = co->name;
    wf_value cov = wf_val_from_obj(co);

    wf_value inner = wf_exc_new(ts, &wf_exc_KeyError,
                                wf_tuple_pack(ts, 1, S("inner")));
    wf_err_restore(ts, inner);
    assert_int_equal(wf_err_add_traceback(ts, WF_NONE, cov, 2, 0), 0);
    wf_err_clear(ts);
    wf_value outer = wf_exc_new(ts, &wf_exc_ValueError, wf_empty_tuple);
    ((wf_exc *)wf_val_as_obj(outer))->context = inner;
    wf_err_restore(ts, outer);
    assert_int_equal(wf_err_add_traceback(ts, WF_NONE, cov, 4, 0), 0);
    wf_err_clear(ts);

    char *out = print_to_string(outer);
    char want[1024];
    snprintf(want, sizeof want,
             "Traceback (most recent call last):\n"
             "  File \"%s\", line 2, in f\n"
             "    raise KeyError('inner')\n"
             "KeyError: 'inner'\n"
             "\n"
             "During handling of the above exception, another exception "
             "occurred:\n"
             "\n"
             "Traceback (most recent call last):\n"
             "  File \"%s\", line 4, in f\n"
             "    f()\n"
             "ValueError\n",
             path, path);
    assert_string_equal(out, want);
    free(out);
    unlink(path);
}

static void
test_object_import_builtin_modules(void **state)
{
    (void)state;
    // The fixture has no runtime (no api.c start-up): register "time" as
    // start-up does from modules/modules.def. A second registration of a
    // name is refused.
    assert_int_equal(wf_module_register_builtin("time", wf_time_module_init),
                     0);
    assert_int_equal(wf_module_register_builtin("time", wf_time_module_init),
                     -1);
    wf_value t = wf_import(ts, wf_str_intern(ts, "time"));
    check_repr(t, "<module 'time' (built-in)>");
    assert_true(wf_import(ts, wf_str_intern(ts, "time")) == t);
    wf_value pc = wf_obj_getattr(ts, t, wf_str_intern(ts, "perf_counter"));
    wf_value v = wf_obj_call(ts, pc, NULL, 0, WF_NULL);
    assert_true(wf_val_is(v, &wf_float_type));
    check_error(wf_obj_getattr(ts, t, wf_str_intern(ts, "nope")),
                &wf_exc_AttributeError,
                "module 'time' has no attribute 'nope'");
    check_error(wf_import(ts, wf_str_intern(ts, "nomod")),
                &wf_exc_ModuleNotFoundError, "No module named 'nomod'");
    assert_true(wf_import(ts, wf_str_intern(ts, "builtins")) ==
                wf_the_interp.builtins);
}

static void
test_object_builtin_functions(void **state)
{
    (void)state;
    check_repr(call_builtin("sorted", 1, (wf_value[]){S("cab")}),
               "['a', 'b', 'c']");
    check_repr(call_builtin("max", 3, (wf_value[]){I(2), I(7), I(1)}), "7");
    check_error(call_builtin("min", 1, (wf_value[]){wf_list_new(ts, 0)}),
                &wf_exc_ValueError, "min() iterable argument is empty");
    check_repr(call_builtin("sum", 1, (wf_value[]){
                   call_builtin("range", 1, (wf_value[]){I(10)})}),
               "45");
    check_repr(call_builtin("list", 1, (wf_value[]){
                   call_builtin("enumerate", 1, (wf_value[]){S("ab")})}),
               "[(0, 'a'), (1, 'b')]");
    check_repr(call_builtin("list", 1, (wf_value[]){
                   call_builtin("zip", 2, (wf_value[]){S("ab"), S("xyz")})}),
               "[('a', 'x'), ('b', 'y')]");
    check_repr(call_builtin("list", 1, (wf_value[]){
                   call_builtin("reversed", 1, (wf_value[]){S("abc")})}),
               "['c', 'b', 'a']");
    check_repr(call_builtin("divmod", 2, (wf_value[]){I(-7), I(2)}), "(-4, 1)");
    check_repr(call_builtin("chr", 1, (wf_value[]){I(65)}), "'A'");
    check_repr(call_builtin("ord", 1, (wf_value[]){S("A")}), "65");
    check_repr(call_builtin("isinstance", 2, (wf_value[]){WF_TRUE,
                                                          builtin("int")}),
               "True");
    check_repr(call_builtin("getattr", 3, (wf_value[]){I(1), S("zz"), I(0)}),
               "0");
    check_repr(call_builtin("type", 1, (wf_value[]){S("x")}),
               "<class 'str'>");
    wf_value it = call_builtin("iter", 1, (wf_value[]){wf_empty_tuple});
    check_repr(call_builtin("next", 2, (wf_value[]){it, S("end")}), "'end'");
    check_error(call_builtin("next", 1, (wf_value[]){it}),
                &wf_exc_StopIteration, "");
    check_error(call_builtin("len", 0, NULL), &wf_exc_TypeError,
                "len() takes exactly one argument (0 given)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_class_instances_and_attributes),
        cmocka_unit_test(test_object_inheritance_mro_and_builtin_base_rejected),
        cmocka_unit_test(test_object_builtin_methods_bind_and_get_method_avoids_binding),
        cmocka_unit_test(test_object_slot_dispatch_finds_class_dunders),
        cmocka_unit_test(test_object_protocol_errors_use_cpython_wording),
        cmocka_unit_test(test_object_exceptions_args_str_repr),
        cmocka_unit_test(test_object_raising_while_handling_sets_context),
        cmocka_unit_test(test_object_traceback_printing_matches_cpython_format),
        cmocka_unit_test(test_object_import_builtin_modules),
        cmocka_unit_test(test_object_builtin_functions),
    };
    return cmocka_run_group_tests_name("object", tests, group_setup,
                                       group_teardown);
}
