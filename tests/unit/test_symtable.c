// tests/unit/test_symtable.c -- unit tests for the symbol table
// (wf_symtable_*): the entries a module opens (kind, name, flags, order)
// and the scope and use flags each name resolves to, for locals and
// parameters, closures (cell/free, through a class body), global and
// nonlocal declarations, class bodies, inlined comprehensions (PEP 709)
// and generator expressions; and the declaration errors with CPython
// 3.14's wording and position. Pure C over the AST: no runtime needed.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#ifndef WF_INTERNAL
#  define WF_INTERNAL 1
#endif
#include "compiler/parse.h"
#include "compiler/symtable.h"

// One parsed and analysed module; the AST arena outlives the table (names
// point into it).
struct built {
    wf_ast_arena *arena;
    wf_symtable st;
    int rc;
};

static void
build(struct built *b, const char *src)
{
    wf_syntax_error err;
    memset(b, 0, sizeof *b);
    wf_ast_mod *m = wf_parse_module(src, strlen(src), &b->arena, &err);
    if (m == NULL)
        fail_msg("parse failed: %s: %s", src, err.msg);
    b->rc = wf_symtable_build(&b->st, m);
}

static void
build_ok(struct built *b, const char *src)
{
    build(b, src);
    if (b->rc != 0)
        fail_msg("symtable failed: %s: %s", src, b->st.msg);
}

static void
release(struct built *b)
{
    wf_symtable_free(&b->st);
    wf_ast_arena_free(b->arena);
}

// The child of [e] named [name] (the first, in source order).
static const wf_st_entry *
child_named(const wf_st_entry *e, const char *name)
{
    for (size_t i = 0; i < e->nchildren; i++)
        if (strcmp(e->children[i]->name, name) == 0)
            return e->children[i];
    fail_msg("%s has no child %s", e->name, name);
    return NULL;
}

static const wf_st_sym *
sym(const wf_st_entry *e, const char *name)
{
    const wf_st_sym *s = wf_symtable_get(e, name);
    if (s == NULL)
        fail_msg("%s has no symbol %s", e->name, name);
    return s;
}

static void
test_symtable_function_locals_params_and_implicit_globals(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "def f(a, *rest, k=1, **kw):\n"
                 "    b = a\n"
                 "    return c\n");
    const wf_st_entry *top = b.st.top;
    assert_int_equal(top->kind, WF_ST_MODULE);
    assert_int_equal(top->nchildren, 1);
    assert_int_equal(sym(top, "f")->flags & WF_SYM_LOCAL, WF_SYM_LOCAL);

    const wf_st_entry *f = child_named(top, "f");
    assert_int_equal(f->kind, WF_ST_FUNCTION);
    assert_ptr_equal(f->parent, top);
    assert_int_equal(f->lineno, 1);
    assert_int_equal(f->nparams, 4);
    assert_false(f->is_generator);
    // Parameters come first, in CPython's co_varnames order: positional,
    // keyword-only, then *args and **kwargs.
    assert_string_equal(f->syms[0].name, "a");
    assert_string_equal(f->syms[1].name, "k");
    assert_string_equal(f->syms[2].name, "rest");
    assert_string_equal(f->syms[3].name, "kw");
    for (int i = 0; i < 4; i++) {
        assert_true(f->syms[i].flags & WF_SYM_PARAM);
        assert_int_equal(f->syms[i].scope, WF_SC_LOCAL);
    }
    assert_int_equal(sym(f, "a")->flags, WF_SYM_PARAM | WF_SYM_USE);
    assert_int_equal(sym(f, "b")->flags, WF_SYM_LOCAL);
    assert_int_equal(sym(f, "b")->scope, WF_SC_LOCAL);
    assert_int_equal(sym(f, "c")->flags, WF_SYM_USE);
    assert_int_equal(sym(f, "c")->scope, WF_SC_GLOBAL_IMPLICIT);
    assert_null(wf_symtable_get(f, "nothing"));
    release(&b);
}

static void
test_symtable_closure_makes_cell_in_owner_and_free_in_user(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "def outer():\n"
                 "    x = 1\n"
                 "    def mid():\n"
                 "        def inner():\n"
                 "            return x\n"
                 "        return inner\n"
                 "    return mid\n");
    const wf_st_entry *outer = child_named(b.st.top, "outer");
    const wf_st_entry *mid = child_named(outer, "mid");
    const wf_st_entry *inner = child_named(mid, "inner");
    assert_int_equal(sym(outer, "x")->scope, WF_SC_CELL);
    // mid never names x, but passes it through: free there too.
    assert_int_equal(sym(mid, "x")->scope, WF_SC_FREE);
    assert_int_equal(sym(inner, "x")->scope, WF_SC_FREE);
    assert_int_equal(sym(inner, "x")->flags & WF_SYM_USE, WF_SYM_USE);
    assert_int_equal(sym(mid, "inner")->scope, WF_SC_LOCAL);
    release(&b);
}

static void
test_symtable_global_and_nonlocal_declarations(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "g = 0\n"
                 "def f():\n"
                 "    global g\n"
                 "    g = 1\n"
                 "def o():\n"
                 "    v = 1\n"
                 "    def i():\n"
                 "        nonlocal v\n"
                 "        v = 2\n"
                 "    return i\n");
    const wf_st_entry *f = child_named(b.st.top, "f");
    const wf_st_sym *g = sym(f, "g");
    assert_int_equal(g->scope, WF_SC_GLOBAL_EXPLICIT);
    assert_int_equal(g->flags, WF_SYM_GLOBAL | WF_SYM_LOCAL);
    assert_int_equal(g->decl_lineno, 3);

    const wf_st_entry *o = child_named(b.st.top, "o");
    const wf_st_entry *i = child_named(o, "i");
    assert_int_equal(sym(o, "v")->scope, WF_SC_CELL);
    const wf_st_sym *v = sym(i, "v");
    assert_int_equal(v->scope, WF_SC_FREE);
    assert_int_equal(v->flags, WF_SYM_NONLOCAL | WF_SYM_LOCAL);
    assert_int_equal(v->decl_lineno, 8);
    release(&b);
}

static void
test_symtable_class_body_is_not_an_enclosing_scope(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "def f():\n"
                 "    z = 1\n"
                 "    class C:\n"
                 "        y = z\n"
                 "        def m(self):\n"
                 "            return y, z\n"
                 "    return C\n");
    const wf_st_entry *f = child_named(b.st.top, "f");
    const wf_st_entry *c = child_named(f, "C");
    const wf_st_entry *m = child_named(c, "m");
    assert_int_equal(c->kind, WF_ST_CLASS);
    assert_int_equal(sym(c, "y")->scope, WF_SC_LOCAL);
    // y of the class body is invisible to the method: a global there.
    assert_int_equal(sym(m, "y")->scope, WF_SC_GLOBAL_IMPLICIT);
    // z reaches the method through the class: free in both, cell in f.
    assert_int_equal(sym(f, "z")->scope, WF_SC_CELL);
    assert_int_equal(sym(c, "z")->scope, WF_SC_FREE);
    assert_int_equal(sym(m, "z")->scope, WF_SC_FREE);
    assert_int_equal(sym(m, "self")->scope, WF_SC_LOCAL);
    release(&b);
}

static void
test_symtable_comprehension_is_inlined_with_its_own_target(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "def f(xs, k):\n"
                 "    return [x * k for x in xs]\n");
    const wf_st_entry *f = child_named(b.st.top, "f");
    assert_int_equal(f->nchildren, 1);
    const wf_st_entry *comp = f->children[0];
    assert_int_equal(comp->kind, WF_ST_COMP);
    assert_string_equal(comp->name, "<listcomp>");
    assert_ptr_equal(comp->parent, f);
    // The target is the comprehension's own; the rest is the parent's,
    // and the first iterable is evaluated in the parent.
    assert_int_equal(sym(comp, "x")->scope, WF_SC_LOCAL);
    assert_int_equal(sym(comp, "k")->scope, WF_SC_DELEGATE);
    assert_null(wf_symtable_get(comp, "xs"));
    assert_null(wf_symtable_get(f, "x"));
    assert_int_equal(sym(f, "k")->scope, WF_SC_LOCAL);
    assert_int_equal(sym(f, "xs")->flags, WF_SYM_PARAM | WF_SYM_USE);
    release(&b);
}

static void
test_symtable_generators_and_generator_expressions(void **state)
{
    (void)state;
    struct built b;
    build_ok(&b, "def g(n):\n"
                 "    yield n\n"
                 "h = lambda: 0\n"
                 "t = (y for y in range(3))\n");
    const wf_st_entry *top = b.st.top;
    assert_int_equal(top->nchildren, 3);
    const wf_st_entry *g = top->children[0];
    assert_string_equal(g->name, "g");
    assert_true(g->is_generator);
    assert_false(g->is_genexp);

    const wf_st_entry *lam = top->children[1];
    assert_string_equal(lam->name, "<lambda>");
    assert_int_equal(lam->kind, WF_ST_FUNCTION);
    assert_true(lam->is_lambda);
    assert_false(lam->is_generator);

    const wf_st_entry *ge = top->children[2];
    assert_string_equal(ge->name, "<genexpr>");
    assert_int_equal(ge->kind, WF_ST_FUNCTION);
    assert_true(ge->is_genexp);
    assert_true(ge->is_generator);
    assert_int_equal(ge->lineno, 4);
    // A generator expression is a real function: its target is local and
    // the first iterable, evaluated outside, is not in it.
    assert_int_equal(sym(ge, "y")->scope, WF_SC_LOCAL);
    assert_null(wf_symtable_get(ge, "range"));
    assert_int_equal(sym(top, "range")->flags, WF_SYM_USE);
    release(&b);
}

struct err_case {
    const char *src;
    const char *msg;
    int lineno;
};

// Same messages and lines as CPython 3.14's symtable.
static const struct err_case err_cases[] = {
    {"def f():\n    x = 1\n    global x\n",
     "name 'x' is assigned to before global declaration", 3},
    {"def f():\n    print(x)\n    global x\n",
     "name 'x' is used prior to global declaration", 3},
    {"def f(a):\n    global a\n", "name 'a' is parameter and global", 2},
    {"nonlocal q\n", "nonlocal declaration not allowed at module level", 1},
    {"def f():\n    def g():\n        nonlocal q\n",
     "no binding for nonlocal 'q' found", 3},
};

static void
test_symtable_declaration_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        struct built b;
        build(&b, err_cases[i].src);
        assert_int_equal(b.rc, -1);
        assert_false(b.st.oom);
        assert_string_equal(b.st.msg, err_cases[i].msg);
        assert_int_equal(b.st.lineno, err_cases[i].lineno);
        release(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symtable_function_locals_params_and_implicit_globals),
        cmocka_unit_test(test_symtable_closure_makes_cell_in_owner_and_free_in_user),
        cmocka_unit_test(test_symtable_global_and_nonlocal_declarations),
        cmocka_unit_test(test_symtable_class_body_is_not_an_enclosing_scope),
        cmocka_unit_test(test_symtable_comprehension_is_inlined_with_its_own_target),
        cmocka_unit_test(test_symtable_generators_and_generator_expressions),
        cmocka_unit_test(test_symtable_declaration_errors),
    };
    return cmocka_run_group_tests_name("symtable", tests, NULL, NULL);
}
