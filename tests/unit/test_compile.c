// tests/unit/test_compile.c -- unit tests for the compiler (wf_comp_*,
// wf_symtable_*, wf_cfg_*): the (opcode, line) sequence and exception table
// of small programs, which fix where LINE/BRANCH/JUMP/RAISE events land
// (the shapes follow CPython 3.14's codegen and flowgraph), line starts,
// and every compile-time error path (message, line, 1-based offset).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
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
    return weft_runtime_new(&rt) == WEFT_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    weft_runtime_free(rt);
    return 0;
}

// "qualname: OP@line ... [start,end)->target/depth[L]" for one code object.
static void
render(const wf_code *co, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s:", wf_str_cstr(co->qualname));
    for (uint32_t i = 0; i < co->ncode && n < cap; i++) {
        const char *name = wf_op_names[wf_cu_op(co->code[i])];
        if (co->lines[i] == WF_NO_LINE)
            n += (size_t)snprintf(buf + n, cap - n, " %s@-", name);
        else
            n += (size_t)snprintf(buf + n, cap - n, " %s@%d", name,
                                  (int)co->lines[i]);
    }
    for (uint32_t k = 0; k < co->nexc && n < cap; k++) {
        const wf_exc_entry *e = &co->exctable[k];
        n += (size_t)snprintf(buf + n, cap - n, " [%u,%u)->%u/%u%s",
                              (unsigned)e->start, (unsigned)e->end,
                              (unsigned)e->target, (unsigned)e->depth,
                              e->lasti ? "L" : "");
    }
}

static wf_code *
compile_ok(const char *src)
{
    wf_thread *ts = wf_thread_current();
    wf_value co = wf_comp_module(ts, src, strlen(src), "<test>");
    if (co == WF_NULL) {
        wf_value e = wf_err_fetch(ts);
        wf_exc_print(ts, e, stderr);
        fail_msg("compile failed: %s", src);
    }
    return (wf_code *)wf_val_as_obj(co);
}

// The code object named [name] among [co]'s constants (one level).
static wf_code *
child(wf_code *co, const char *name)
{
    for (size_t i = 0; i < wf_tuple_len(co->consts); i++) {
        wf_value k = wf_tuple_items(co->consts)[i];
        if (wf_val_is(k, &wf_code_type) &&
            strcmp(wf_str_cstr(((wf_code *)wf_val_as_obj(k))->name), name) == 0)
            return (wf_code *)wf_val_as_obj(k);
    }
    fail_msg("no code object %s", name);
    return NULL;
}

struct shape_case {
    const char *src;
    const char *func;
    const char *expect;
};

// Straight-line code, if/else (return inlined in both arms), while (test at
// the top, JUMP_BACKWARD on the last body line), for with continue,
// try/except as e (handler entry without a line, the `as` cleanup, the
// non-matching RERAISE on the except line), return in try/finally (the
// return carries the finally's line), with (the with line again before
// __exit__), a generator (prefix, StopIteration wrapper), an inlined
// comprehension, a closure, `a and b` in a condition.
static const struct shape_case shape_cases[] = {
    {"x = 1\ny = x + 2\n", NULL,
     "<module>: RESUME@0 LOAD_CONST@1 STORE_NAME@1 LOAD_NAME@2 LOAD_CONST@2 "
     "BINARY_OP@2 STORE_NAME@2 LOAD_CONST@2 RETURN_VALUE@2"},
    {"def f(a):\n    if a:\n        b = 1\n    else:\n        b = 2\n    return b\n",
     "f",
     "f: RESUME@1 LOAD_FAST@2 POP_JUMP_IF_FALSE@2 LOAD_CONST@3 STORE_FAST@3 LOAD_FAST@6 RETURN_VALUE@6 LOAD_CONST@5 STORE_FAST@5 LOAD_FAST@6 RETURN_VALUE@6"},
    {"def f(n):\n    while n > 0:\n        n -= 1\n    return n\n",
     "f",
     "f: RESUME@1 LOAD_FAST@2 LOAD_CONST@2 COMPARE_OP@2 POP_JUMP_IF_FALSE@2 LOAD_FAST@3 LOAD_CONST@3 BINARY_OP@3 STORE_FAST@3 JUMP_BACKWARD@3 LOAD_FAST@4 RETURN_VALUE@4"},
    {"def f(xs):\n    t = 0\n    for x in xs:\n        if x:\n            continue\n        t += x\n    return t\n",
     "f",
     "f: RESUME@1 LOAD_CONST@2 STORE_FAST@2 LOAD_FAST@3 GET_ITER@3 FOR_ITER@3 STORE_FAST@3 LOAD_FAST@4 POP_JUMP_IF_FALSE@4 JUMP_BACKWARD@5 LOAD_FAST@6 LOAD_FAST@6 BINARY_OP@6 STORE_FAST@6 JUMP_BACKWARD@6 END_FOR@3 POP_ITER@3 LOAD_FAST@7 RETURN_VALUE@7"},
    {"def f(x):\n    try:\n        g(x)\n    except ValueError as e:\n        return e\n",
     "f",
     "f: RESUME@1 NOP@2 LOAD_GLOBAL@3 LOAD_FAST@3 CALL@3 POP_TOP@3 LOAD_CONST@3 RETURN_VALUE@3 PUSH_EXC_INFO@- LOAD_GLOBAL@4 CHECK_EXC_MATCH@4 POP_JUMP_IF_FALSE@4 STORE_FAST@4 LOAD_FAST@5 SWAP@5 POP_EXCEPT@5 LOAD_CONST@5 STORE_FAST@5 DELETE_FAST@5 RETURN_VALUE@5 LOAD_CONST@- STORE_FAST@- DELETE_FAST@- RERAISE@- RERAISE@4 COPY@- POP_EXCEPT@- RERAISE@- [2,6)->8/0 [8,13)->25/1L [13,14)->20/1L [14,15)->25/1L [20,25)->25/1L"},
    {"def f(x):\n    try:\n        return x\n    finally:\n        x = 0\n",
     "f",
     "f: RESUME@1 NOP@2 LOAD_FAST@3 LOAD_CONST@5 STORE_FAST@5 RETURN_VALUE@5 PUSH_EXC_INFO@- LOAD_CONST@5 STORE_FAST@5 RERAISE@5 COPY@- POP_EXCEPT@- RERAISE@- [2,3)->6/0 [6,10)->10/1L"},
    {"def f(m):\n    with m as q:\n        q.go()\n    return 1\n",
     "f",
     "f: RESUME@1 LOAD_FAST@2 COPY@2 LOAD_SPECIAL@2 SWAP@2 SWAP@2 LOAD_SPECIAL@2 CALL@2 STORE_FAST@2 LOAD_FAST@3 LOAD_ATTR@3 CALL@3 POP_TOP@3 LOAD_CONST@2 LOAD_CONST@2 LOAD_CONST@2 CALL@2 POP_TOP@2 LOAD_CONST@4 RETURN_VALUE@4 PUSH_EXC_INFO@2 WITH_EXCEPT_START@2 POP_JUMP_IF_TRUE@2 RERAISE@2 POP_TOP@2 POP_EXCEPT@2 POP_TOP@2 POP_TOP@2 POP_TOP@2 JUMP_FORWARD@2 COPY@- POP_EXCEPT@- RERAISE@- LOAD_CONST@4 RETURN_VALUE@4 [8,13)->20/2L [20,25)->30/4L"},
    {"def f(n):\n    for i in range(n):\n        yield i\n",
     "f",
     "f: RETURN_GENERATOR@1 POP_TOP@1 RESUME@1 LOAD_GLOBAL@2 LOAD_FAST@2 CALL@2 GET_ITER@2 FOR_ITER@2 STORE_FAST@2 LOAD_FAST@3 YIELD_VALUE@3 RESUME@3 POP_TOP@3 JUMP_BACKWARD@3 END_FOR@2 POP_ITER@2 LOAD_CONST@2 RETURN_VALUE@2 CALL_INTRINSIC_1@- RERAISE@- [2,18)->18/0L"},
    {"def f(xs):\n    return [x * 2 for x in xs if x]\n",
     "f",
     "f: RESUME@1 LOAD_FAST@2 GET_ITER@2 LOAD_FAST_AND_CLEAR@2 SWAP@2 BUILD_LIST@2 SWAP@2 FOR_ITER@2 STORE_FAST@2 LOAD_FAST@2 POP_JUMP_IF_TRUE@2 JUMP_BACKWARD@2 LOAD_FAST@2 LOAD_CONST@2 BINARY_OP@2 LIST_APPEND@2 JUMP_BACKWARD@2 END_FOR@2 POP_ITER@2 SWAP@2 STORE_FAST@2 RETURN_VALUE@2 SWAP@- POP_TOP@- SWAP@2 STORE_FAST@2 RERAISE@2 [5,19)->22/2"},
    {"def f():\n    a = 1\n    def g():\n        return a\n    return g\n",
     "f",
     "f: MAKE_CELL@- RESUME@1 LOAD_CONST@2 STORE_DEREF@2 LOAD_FAST@3 BUILD_TUPLE@3 LOAD_CONST@3 MAKE_FUNCTION@3 SET_FUNCTION_ATTRIBUTE@3 STORE_FAST@3 LOAD_FAST@5 RETURN_VALUE@5"},
    {"def f(a, b):\n    if a and b:\n        return 1\n    g()\n",
     "f",
     "f: RESUME@1 LOAD_FAST@2 POP_JUMP_IF_FALSE@2 LOAD_FAST@2 POP_JUMP_IF_FALSE@2 LOAD_CONST@3 RETURN_VALUE@3 LOAD_GLOBAL@4 CALL@4 POP_TOP@4 LOAD_CONST@4 RETURN_VALUE@4"},
};

static void
test_compile_shapes_match_cpython(void **state)
{
    (void)state;
    static char buf[8192];
    for (size_t i = 0; i < sizeof shape_cases / sizeof shape_cases[0]; i++) {
        const struct shape_case *c = &shape_cases[i];
        wf_code *co = compile_ok(c->src);
        if (c->func != NULL)
            co = child(co, c->func);
        render(co, buf, sizeof buf);
        if (strcmp(buf, c->expect) != 0)
            fail_msg("case %zu:\n  src: %s\n  got:    %s\n  expect: %s", i,
                     c->src, buf, c->expect);
    }
}

static void
test_compile_line_starts(void **state)
{
    (void)state;
    // for loop: the FOR_ITER is a jump target (2), END_FOR / POP_ITER never
    // start a line, the statement after the loop does.
    wf_code *co = child(compile_ok("def f(xs):\n    for x in xs:\n"
                                   "        g(x)\n    return 1\n"),
                        "f");
    char got[64] = {0};
    for (uint32_t i = 0; i < co->ncode && i < sizeof got - 1; i++)
        got[i] = (char)('0' + co->line_starts[i]);
    // RESUME LOAD_FAST GET_ITER FOR_ITER STORE_FAST LOAD_GLOBAL LOAD_FAST
    // CALL POP_TOP JUMP_BACKWARD END_FOR POP_ITER LOAD_CONST RETURN_VALUE
    assert_string_equal(got, "01020100000010");
}

static void
test_compile_code_attributes(void **state)
{
    (void)state;
    wf_code *m = compile_ok("def f(a, b=1, *c, d, **e):\n    x = a\n"
                            "    def g():\n        return x\n    return g\n"
                            "class K:\n    def m(self):\n        pass\n");
    wf_code *f = child(m, "f");
    assert_int_equal(f->argcount, 2);
    assert_int_equal(f->kwonlyargcount, 1);
    assert_true(f->flags & WF_CO_VARARGS);
    assert_true(f->flags & WF_CO_VARKEYWORDS);
    assert_int_equal(f->firstlineno, 1);
    // a b d c e g (locals), x (cell)
    assert_int_equal(f->nlocalsplus, 7);
    assert_int_equal(f->nlocals, 6);
    assert_string_equal(wf_str_cstr(wf_tuple_items(f->localsplusnames)[3]),
                        "c");
    assert_string_equal(wf_str_cstr(wf_tuple_items(f->localsplusnames)[6]),
                        "x");
    assert_int_equal(f->localspluskinds[6], WF_LOCAL_CELL);
    assert_int_equal(wf_cu_op(f->code[0]), WF_OP_MAKE_CELL);
    wf_code *g = child(f, "g");
    assert_string_equal(wf_str_cstr(g->qualname), "f.<locals>.g");
    assert_int_equal(g->nfreevars, 1);
    assert_int_equal(wf_cu_op(g->code[0]), WF_OP_COPY_FREE_VARS);
    wf_code *k = child(m, "K");
    assert_true(k->flags & WF_CO_CLASS);
    assert_int_equal(k->firstlineno, 6);
    assert_string_equal(wf_str_cstr(child(k, "m")->qualname), "K.m");
    assert_true(m->flags & WF_CO_MODULE);
}

struct err_case {
    const char *src;
    const char *type;
    const char *msg;
    int lineno, offset;
};

static const struct err_case err_cases[] = {
    {"return 1\n", "SyntaxError", "'return' outside function", 1, 1},
    {"yield 1\n", "SyntaxError", "'yield' outside function", 1, 1},
    {"break\n", "SyntaxError", "'break' outside loop", 1, 1},
    {"def f():\n    continue\n", "SyntaxError",
     "'continue' not properly in loop", 2, 5},
    {"while x:\n    def f():\n        break\n", "SyntaxError",
     "'break' outside loop", 3, 9},
    {"nonlocal x\n", "SyntaxError",
     "nonlocal declaration not allowed at module level", 1, 1},
    {"def f():\n    nonlocal x\n", "SyntaxError",
     "no binding for nonlocal 'x' found", 2, 5},
    {"def f(a):\n    global a\n", "SyntaxError",
     "name 'a' is parameter and global", 2, 5},
    {"def f(a):\n    def g():\n        nonlocal a\n        global a\n",
     "SyntaxError", "name 'a' is nonlocal and global", 4, 9},
    {"def f():\n    x = 1\n    global x\n", "SyntaxError",
     "name 'x' is assigned to before global declaration", 3, 5},
    {"def f():\n    print(x)\n    global x\n", "SyntaxError",
     "name 'x' is used prior to global declaration", 3, 5},
    {"def f():\n    yield from g()\n", "SyntaxError",
     "'yield from' not supported yet by Weft", 2, 5},
    {"def f(a, a):\n    pass\n", "SyntaxError",
     "duplicate argument 'a' in function definition", 1, 10},
    {"x = [(yield) for y in z]\n", "SyntaxError",
     "'yield' inside list comprehension", 1, 7},
    {"class A(B, C):\n    pass\n", "SyntaxError",
     "multiple inheritance is not supported by Weft", 1, 12},
    {"x = b'a'\n", "SyntaxError", "bytes literals are not supported by Weft",
     1, 5},
    {"f(a=1, a=2)\n", "SyntaxError", "keyword argument repeated: a", 1, 8},
    {"x = 99999999999999999999\n", "SyntaxError",
     "integer literal too large for Weft (62-bit ints)", 1, 5},
    {"from sys import *\n", "SyntaxError",
     "'import *' is not supported by Weft", 1, 1},
    {"x = 'é'; return\n", "SyntaxError", "'return' outside function", 1, 10},
    {"if x:\n  y\n    z\n", "IndentationError", "unexpected indent", 3, 4},
};

static void
test_compile_errors(void **state)
{
    (void)state;
    wf_thread *ts = wf_thread_current();
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        const struct err_case *c = &err_cases[i];
        wf_value co = wf_comp_module(ts, c->src, strlen(c->src), "e.py");
        if (co != WF_NULL)
            fail_msg("case %zu compiled: %s", i, c->src);
        wf_value e = wf_err_fetch(ts);
        assert_true(e != WF_NULL);
        assert_string_equal(wf_val_type(e)->name, c->type);
        wf_value d = ((wf_exc *)wf_val_as_obj(e))->dict;
        assert_true(d != WF_NULL);
        wf_value msg = wf_dict_get_str(d, wf_str_intern(ts, "msg"));
        wf_value line = wf_dict_get_str(d, wf_str_intern(ts, "lineno"));
        wf_value off = wf_dict_get_str(d, wf_str_intern(ts, "offset"));
        wf_value fn = wf_dict_get_str(d, wf_str_intern(ts, "filename"));
        wf_value text = wf_dict_get_str(d, wf_str_intern(ts, "text"));
        assert_true(msg && line && off && fn && text);
        if (strcmp(wf_str_cstr(msg), c->msg) != 0)
            fail_msg("case %zu: msg '%s', expected '%s'", i, wf_str_cstr(msg),
                     c->msg);
        assert_int_equal(wf_val_as_int(line), c->lineno);
        assert_int_equal(wf_val_as_int(off), c->offset);
        assert_string_equal(wf_str_cstr(fn), "e.py");
        size_t tl = wf_str_len(text);
        assert_true(tl > 0 && wf_str_cstr(text)[tl - 1] == '\n');
        wf_value args = ((wf_exc *)wf_val_as_obj(e))->args;
        assert_int_equal(wf_tuple_len(args), 2);
        assert_int_equal(wf_tuple_len(wf_tuple_items(args)[1]), 6);
    }
}

// Every conformance case compiles (when the shared suite is beside us).
static void
test_compile_conformance_cases(void **state)
{
    (void)state;
    const char *dirs[] = {"../shared/conformance/cases",
                          "../../shared/conformance/cases",
                          "/work/shared/conformance/cases"};
    wf_thread *ts = wf_thread_current();
    for (size_t d = 0; d < 3; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/t_while.py", dirs[d]);
        FILE *probe = fopen(path, "rb");
        if (probe == NULL)
            continue;
        fclose(probe);
        static const char *const names[] = {
            "t_while", "t_try_finally", "t_generator_for", "t_class_methods",
            "t_lambda_listcomp", "m_branch_left_right", "m_unwind_reraise",
            "p_with_lock", "x_settrace_all_threads"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            snprintf(path, sizeof path, "%s/%s.py", dirs[d], names[i]);
            FILE *f = fopen(path, "rb");
            if (f == NULL)
                continue;
            static char src[65536];
            size_t n = fread(src, 1, sizeof src, f);
            fclose(f);
            wf_value co = wf_comp_module(ts, src, n, path);
            if (co == WF_NULL) {
                wf_exc_print(ts, wf_err_fetch(ts), stderr);
                fail_msg("%s does not compile", path);
            }
        }
        return;
    }
    skip();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_shapes_match_cpython),
        cmocka_unit_test(test_compile_line_starts),
        cmocka_unit_test(test_compile_code_attributes),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_compile_conformance_cases),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
