// runtime/compiler/symtable.c -- scopes and name resolution (wf_symtable_*).
// Pass 1 walks the AST and records, per entry, how each name is used;
// pass 2 resolves every name to local / cell / free / global as CPython's
// symtable.c does, with list/set/dict comprehensions inlined into their
// parent (CPython 3.12+, PEP 709): their bound names stay their own, the
// rest is resolved by the enclosing entry.
#include "compiler/symtable.h"

#include "compiler/nameset.h"
#include "config.h"
#include "vm/cstack.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ===== Small helpers =====

static uint32_t
hash_name(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

typedef struct builder {
    wf_symtable *st;
    wf_st_entry *cur;
    bool failed;
} builder;

static void
set_error(builder *b, int lineno, int col, int end_lineno, int end_col,
          const char *fmt, ...) WF_PRINTF(6, 7);

static void
oom(builder *b)
{
    if (!b->failed) {
        b->failed = true;
        b->st->oom = true;
        snprintf(b->st->msg, sizeof b->st->msg, "out of memory");
    }
}

// The C stack guard: true (and the build failed with st->overflow) when
// a recursive visit must stop.
static bool
stack_exhausted(builder *b)
{
    if (WF_LIKELY(!wf_cstack_exhausted()))
        return false;
    if (!b->failed) {
        b->failed = true;
        b->st->overflow = true;
        snprintf(b->st->msg, sizeof b->st->msg, "stack overflow");
    }
    return true;
}

static void
set_error(builder *b, int lineno, int col, int end_lineno, int end_col,
          const char *fmt, ...)
{
    if (b->failed)
        return;
    b->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->st->msg, sizeof b->st->msg, fmt, ap);
    va_end(ap);
    b->st->lineno = lineno;
    b->st->col_offset = col;
    b->st->end_lineno = end_lineno;
    b->st->end_col_offset = end_col;
}

static wf_st_sym *
find_sym(const wf_st_entry *e, const char *name, uint32_t h)
{
    if (e->tablecap == 0)
        return NULL;
    size_t mask = e->tablecap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        int32_t k = e->table[i];
        if (k < 0)
            return NULL;
        if (e->syms[k].hash == h && strcmp(e->syms[k].name, name) == 0)
            return &e->syms[k];
    }
}

static bool
grow_table(wf_st_entry *e)
{
    size_t cap = e->tablecap ? e->tablecap * 2 : 16;
    int32_t *t = malloc(cap * sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < cap; i++)
        t[i] = -1;
    for (size_t k = 0; k < e->nsyms; k++) {
        size_t i = e->syms[k].hash & (cap - 1);
        while (t[i] >= 0)
            i = (i + 1) & (cap - 1);
        t[i] = (int32_t)k;
    }
    free(e->table);
    e->table = t;
    e->tablecap = cap;
    return true;
}

// Find or add [name] in [e]; NULL when out of memory.
static wf_st_sym *
add_sym(wf_st_entry *e, const char *name)
{
    uint32_t h = hash_name(name);
    wf_st_sym *s = find_sym(e, name, h);
    if (s != NULL)
        return s;
    if ((e->nsyms + 1) * 2 > e->tablecap && !grow_table(e))
        return NULL;
    if (e->nsyms == e->capsyms) {
        size_t cap = e->capsyms ? e->capsyms * 2 : 8;
        wf_st_sym *ns = realloc(e->syms, cap * sizeof *ns);
        if (ns == NULL)
            return NULL;
        e->syms = ns;
        e->capsyms = cap;
    }
    s = &e->syms[e->nsyms];
    s->name = name;
    s->hash = h;
    s->flags = 0;
    s->scope = WF_SC_DELEGATE;
    s->decl_lineno = s->decl_col = s->decl_end_lineno = s->decl_end_col = 0;
    size_t i = h & (e->tablecap - 1);
    while (e->table[i] >= 0)
        i = (i + 1) & (e->tablecap - 1);
    e->table[i] = (int32_t)e->nsyms;
    e->nsyms++;
    return s;
}

static void
free_entry(wf_st_entry *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->nchildren; i++)
        free_entry(e->children[i]);
    free(e->children);
    free(e->syms);
    free(e->table);
    free(e->childtable);
    free(e);
}

static wf_st_entry *
new_entry(builder *b, wf_st_kind kind, const char *name, const void *node,
          int lineno)
{
    wf_st_entry *e = calloc(1, sizeof *e);
    if (e == NULL) {
        oom(b);
        return NULL;
    }
    e->kind = kind;
    e->name = name;
    e->node = node;
    e->lineno = lineno;
    e->parent = b->cur;
    if (b->cur != NULL) {
        wf_st_entry *p = b->cur;
        if (p->nchildren == p->capchildren) {
            size_t cap = p->capchildren ? p->capchildren * 2 : 4;
            wf_st_entry **nc = realloc(p->children, cap * sizeof *nc);
            if (nc == NULL) {
                free(e);
                oom(b);
                return NULL;
            }
            p->children = nc;
            p->capchildren = cap;
        }
        p->children[p->nchildren++] = e;
    }
    return e;
}

// ===== Pass 1: collect =====

static void visit_stmts(builder *b, const wf_ast_stmt_seq *seq);
static void visit_expr(builder *b, const wf_ast_expr *e);

static wf_st_sym *
note(builder *b, const char *name, uint16_t flag)
{
    wf_st_sym *s = add_sym(b->cur, name);
    if (s == NULL) {
        oom(b);
        return NULL;
    }
    s->flags |= flag;
    return s;
}

static void
visit_exprs(builder *b, const wf_ast_expr_seq *seq)
{
    for (size_t i = 0; i < seq->n && !b->failed; i++)
        if (seq->items[i] != NULL)
            visit_expr(b, seq->items[i]);
}

static void
add_param(builder *b, const wf_ast_arg *a)
{
    wf_st_sym *s = add_sym(b->cur, a->arg);
    if (s == NULL) {
        oom(b);
        return;
    }
    if (s->flags & WF_SYM_PARAM) {
        set_error(b, a->lineno, a->col_offset, a->end_lineno,
                  a->end_col_offset,
                  "duplicate argument '%s' in function definition", a->arg);
        return;
    }
    s->flags |= WF_SYM_PARAM;
    b->cur->nparams++;
}

static void
add_params(builder *b, const wf_ast_arguments *args)
{
    for (size_t i = 0; i < args->posonlyargs.n; i++)
        add_param(b, args->posonlyargs.items[i]);
    for (size_t i = 0; i < args->args.n; i++)
        add_param(b, args->args.items[i]);
    for (size_t i = 0; i < args->kwonlyargs.n; i++)
        add_param(b, args->kwonlyargs.items[i]);
    if (args->vararg != NULL)
        add_param(b, args->vararg);
    if (args->kwarg != NULL)
        add_param(b, args->kwarg);
}

static void
visit_defaults(builder *b, const wf_ast_arguments *args)
{
    visit_exprs(b, &args->defaults);
    visit_exprs(b, &args->kw_defaults);
}

static void
visit_comprehension(builder *b, const wf_ast_expr *e,
                    const wf_ast_comprehension_seq *gens,
                    const wf_ast_expr *elt, const wf_ast_expr *value,
                    bool genexp)
{
    if (gens->n == 0)
        return;
    // The outermost iterable is evaluated in the enclosing scope.
    visit_expr(b, gens->items[0]->iter);
    const char *name = genexp ? "<genexpr>"
                       : e->kind == WF_AST_EXPR_LIST_COMP ? "<listcomp>"
                       : e->kind == WF_AST_EXPR_SET_COMP  ? "<setcomp>"
                                                          : "<dictcomp>";
    wf_st_entry *ce = new_entry(b, genexp ? WF_ST_FUNCTION : WF_ST_COMP, name,
                                e, e->lineno);
    if (ce == NULL)
        return;
    ce->is_genexp = genexp;
    ce->is_generator = genexp;
    wf_st_entry *saved = b->cur;
    b->cur = ce;
    if (genexp) {
        wf_st_sym *s = note(b, ".0", WF_SYM_PARAM);
        if (s != NULL)
            ce->nparams = 1;
    }
    for (size_t i = 0; i < gens->n && !b->failed; i++) {
        const wf_ast_comprehension *g = gens->items[i];
        if (i > 0)
            visit_expr(b, g->iter);
        visit_expr(b, g->target);
        visit_exprs(b, &g->ifs);
    }
    if (value != NULL)
        visit_expr(b, value);  // dict comps: key first in CPython order
    if (elt != NULL && !b->failed)
        visit_expr(b, elt);
    b->cur = saved;
}

static void
visit_expr(builder *b, const wf_ast_expr *e)
{
    if (b->failed || e == NULL || stack_exhausted(b))
        return;
    switch (e->kind) {
    case WF_AST_EXPR_BOOL_OP:
        visit_exprs(b, &e->v.bool_op.values);
        break;
    case WF_AST_EXPR_BIN_OP:
        visit_expr(b, e->v.bin_op.left);
        visit_expr(b, e->v.bin_op.right);
        break;
    case WF_AST_EXPR_UNARY_OP:
        visit_expr(b, e->v.unary_op.operand);
        break;
    case WF_AST_EXPR_LAMBDA: {
        visit_defaults(b, e->v.lambda.args);
        wf_st_entry *fe = new_entry(b, WF_ST_FUNCTION, "<lambda>", e,
                                    e->lineno);
        if (fe == NULL)
            return;
        fe->is_lambda = true;
        wf_st_entry *saved = b->cur;
        b->cur = fe;
        add_params(b, e->v.lambda.args);
        visit_expr(b, e->v.lambda.body);
        b->cur = saved;
        break;
    }
    case WF_AST_EXPR_IF_EXP:
        visit_expr(b, e->v.if_exp.test);
        visit_expr(b, e->v.if_exp.body);
        visit_expr(b, e->v.if_exp.orelse);
        break;
    case WF_AST_EXPR_DICT:
        for (size_t i = 0; i < e->v.dict.keys.n && !b->failed; i++) {
            visit_expr(b, e->v.dict.keys.items[i]);
            visit_expr(b, e->v.dict.values.items[i]);
        }
        break;
    case WF_AST_EXPR_SET:
        visit_exprs(b, &e->v.set.elts);
        break;
    case WF_AST_EXPR_LIST_COMP:
        visit_comprehension(b, e, &e->v.list_comp.generators,
                            e->v.list_comp.elt, NULL, false);
        break;
    case WF_AST_EXPR_SET_COMP:
        visit_comprehension(b, e, &e->v.set_comp.generators,
                            e->v.set_comp.elt, NULL, false);
        break;
    case WF_AST_EXPR_DICT_COMP:
        visit_comprehension(b, e, &e->v.dict_comp.generators,
                            e->v.dict_comp.key, e->v.dict_comp.value, false);
        break;
    case WF_AST_EXPR_GENERATOR_EXP:
        visit_comprehension(b, e, &e->v.generator_exp.generators,
                            e->v.generator_exp.elt, NULL, true);
        break;
    case WF_AST_EXPR_YIELD:
    case WF_AST_EXPR_YIELD_FROM: {
        wf_st_entry *cur = b->cur;
        const wf_ast_expr *val = e->kind == WF_AST_EXPR_YIELD
                                     ? e->v.yield.value
                                     : e->v.yield_from.value;
        if (cur->kind == WF_ST_COMP) {
            set_error(b, e->lineno, e->col_offset, e->end_lineno,
                      e->end_col_offset, "'yield' inside %s",
                      strcmp(cur->name, "<listcomp>") == 0 ? "list comprehension"
                      : strcmp(cur->name, "<setcomp>") == 0
                          ? "set comprehension"
                          : "dict comprehension");
            return;
        }
        if (cur->is_genexp) {
            set_error(b, e->lineno, e->col_offset, e->end_lineno,
                      e->end_col_offset, "'yield' inside generator expression");
            return;
        }
        if (cur->kind == WF_ST_FUNCTION)
            cur->is_generator = true;
        visit_expr(b, val);
        break;
    }
    case WF_AST_EXPR_COMPARE:
        visit_expr(b, e->v.compare.left);
        visit_exprs(b, &e->v.compare.comparators);
        break;
    case WF_AST_EXPR_CALL:
        visit_expr(b, e->v.call.func);
        visit_exprs(b, &e->v.call.args);
        for (size_t i = 0; i < e->v.call.keywords.n && !b->failed; i++)
            visit_expr(b, e->v.call.keywords.items[i]->value);
        break;
    case WF_AST_EXPR_FORMATTED_VALUE:
        visit_expr(b, e->v.formatted_value.value);
        visit_expr(b, e->v.formatted_value.format_spec);
        break;
    case WF_AST_EXPR_JOINED_STR:
        visit_exprs(b, &e->v.joined_str.values);
        break;
    case WF_AST_EXPR_CONSTANT:
        break;
    case WF_AST_EXPR_ATTRIBUTE:
        visit_expr(b, e->v.attribute.value);
        break;
    case WF_AST_EXPR_SUBSCRIPT:
        visit_expr(b, e->v.subscript.value);
        visit_expr(b, e->v.subscript.slice);
        break;
    case WF_AST_EXPR_STARRED:
        visit_expr(b, e->v.starred.value);
        break;
    case WF_AST_EXPR_NAME:
        note(b, e->v.name.id,
             e->v.name.ctx == WF_AST_LOAD ? WF_SYM_USE : WF_SYM_LOCAL);
        break;
    case WF_AST_EXPR_LIST:
        visit_exprs(b, &e->v.list.elts);
        break;
    case WF_AST_EXPR_TUPLE:
        visit_exprs(b, &e->v.tuple.elts);
        break;
    case WF_AST_EXPR_SLICE:
        visit_expr(b, e->v.slice.lower);
        visit_expr(b, e->v.slice.upper);
        visit_expr(b, e->v.slice.step);
        break;
    }
}

static void
declare(builder *b, const wf_ast_stmt *s, const char *name, bool global)
{
    wf_st_entry *cur = b->cur;
    const char *what = global ? "global" : "nonlocal";
    if (!global && cur->kind == WF_ST_MODULE) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset,
                  "nonlocal declaration not allowed at module level");
        return;
    }
    wf_st_sym *sym = add_sym(cur, name);
    if (sym == NULL) {
        oom(b);
        return;
    }
    uint16_t f = sym->flags;
    if (f & WF_SYM_PARAM) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset, "name '%s' is parameter and %s", name,
                  what);
        return;
    }
    if ((f & WF_SYM_NONLOCAL) && global) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset, "name '%s' is nonlocal and global", name);
        return;
    }
    if ((f & WF_SYM_GLOBAL) && !global) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset, "name '%s' is nonlocal and global", name);
        return;
    }
    if (f & WF_SYM_LOCAL) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset,
                  "name '%s' is assigned to before %s declaration", name,
                  what);
        return;
    }
    if (f & WF_SYM_USE) {
        set_error(b, s->lineno, s->col_offset, s->end_lineno,
                  s->end_col_offset,
                  "name '%s' is used prior to %s declaration", name, what);
        return;
    }
    sym->flags |= global ? WF_SYM_GLOBAL : WF_SYM_NONLOCAL;
    sym->decl_lineno = s->lineno;
    sym->decl_col = s->col_offset;
    sym->decl_end_lineno = s->end_lineno;
    sym->decl_end_col = s->end_col_offset;
}

static void
bind_import_name(builder *b, const wf_ast_alias *a)
{
    if (a->asname != NULL) {
        note(b, a->asname, WF_SYM_LOCAL);
        return;
    }
    const char *dot = strchr(a->name, '.');
    if (dot == NULL) {
        note(b, a->name, WF_SYM_LOCAL);
        return;
    }
    // `import a.b` binds `a`: a copy owned by the table.
    if (b->st->nowned == b->st->capowned) {
        size_t cap = b->st->capowned ? b->st->capowned * 2 : 4;
        char **no = realloc(b->st->owned, cap * sizeof *no);
        if (no == NULL) {
            oom(b);
            return;
        }
        b->st->owned = no;
        b->st->capowned = cap;
    }
    size_t len = (size_t)(dot - a->name);
    char *first = malloc(len + 1);
    if (first == NULL) {
        oom(b);
        return;
    }
    memcpy(first, a->name, len);
    first[len] = 0;
    b->st->owned[b->st->nowned++] = first;
    note(b, first, WF_SYM_LOCAL);
}

static void
visit_stmt(builder *b, const wf_ast_stmt *s)
{
    if (b->failed || s == NULL || stack_exhausted(b))
        return;
    switch (s->kind) {
    case WF_AST_STMT_FUNCTION_DEF: {
        note(b, s->v.function_def.name, WF_SYM_LOCAL);
        visit_defaults(b, s->v.function_def.args);
        wf_st_entry *fe = new_entry(b, WF_ST_FUNCTION, s->v.function_def.name,
                                    s, s->lineno);
        if (fe == NULL)
            return;
        wf_st_entry *saved = b->cur;
        b->cur = fe;
        add_params(b, s->v.function_def.args);
        visit_stmts(b, &s->v.function_def.body);
        b->cur = saved;
        break;
    }
    case WF_AST_STMT_CLASS_DEF: {
        note(b, s->v.class_def.name, WF_SYM_LOCAL);
        visit_exprs(b, &s->v.class_def.bases);
        for (size_t i = 0; i < s->v.class_def.keywords.n; i++)
            visit_expr(b, s->v.class_def.keywords.items[i]->value);
        wf_st_entry *ce = new_entry(b, WF_ST_CLASS, s->v.class_def.name, s,
                                    s->lineno);
        if (ce == NULL)
            return;
        wf_st_entry *saved = b->cur;
        b->cur = ce;
        visit_stmts(b, &s->v.class_def.body);
        b->cur = saved;
        break;
    }
    case WF_AST_STMT_RETURN:
        visit_expr(b, s->v.return_.value);
        break;
    case WF_AST_STMT_DELETE:
        visit_exprs(b, &s->v.delete_.targets);
        break;
    case WF_AST_STMT_ASSIGN:
        visit_expr(b, s->v.assign.value);
        visit_exprs(b, &s->v.assign.targets);
        break;
    case WF_AST_STMT_AUG_ASSIGN: {
        const wf_ast_expr *t = s->v.aug_assign.target;
        visit_expr(b, s->v.aug_assign.value);
        if (t->kind == WF_AST_EXPR_NAME)
            note(b, t->v.name.id, WF_SYM_LOCAL | WF_SYM_USE);
        else
            visit_expr(b, t);
        break;
    }
    case WF_AST_STMT_ANN_ASSIGN:
        // Annotations are lazily evaluated in 3.14 (PEP 649): not visited.
        if (s->v.ann_assign.value != NULL) {
            visit_expr(b, s->v.ann_assign.value);
            visit_expr(b, s->v.ann_assign.target);
        } else if (s->v.ann_assign.target->kind == WF_AST_EXPR_NAME) {
            note(b, s->v.ann_assign.target->v.name.id, WF_SYM_LOCAL);
        }
        break;
    case WF_AST_STMT_FOR:
        visit_expr(b, s->v.for_.target);
        visit_expr(b, s->v.for_.iter);
        visit_stmts(b, &s->v.for_.body);
        visit_stmts(b, &s->v.for_.orelse);
        break;
    case WF_AST_STMT_WHILE:
        visit_expr(b, s->v.while_.test);
        visit_stmts(b, &s->v.while_.body);
        visit_stmts(b, &s->v.while_.orelse);
        break;
    case WF_AST_STMT_IF:
        visit_expr(b, s->v.if_.test);
        visit_stmts(b, &s->v.if_.body);
        visit_stmts(b, &s->v.if_.orelse);
        break;
    case WF_AST_STMT_WITH:
        for (size_t i = 0; i < s->v.with.items.n && !b->failed; i++) {
            visit_expr(b, s->v.with.items.items[i]->context_expr);
            visit_expr(b, s->v.with.items.items[i]->optional_vars);
        }
        visit_stmts(b, &s->v.with.body);
        break;
    case WF_AST_STMT_RAISE:
        visit_expr(b, s->v.raise.exc);
        visit_expr(b, s->v.raise.cause);
        break;
    case WF_AST_STMT_TRY:
        visit_stmts(b, &s->v.try_.body);
        for (size_t i = 0; i < s->v.try_.handlers.n && !b->failed; i++) {
            const wf_ast_excepthandler *h = s->v.try_.handlers.items[i];
            visit_expr(b, h->type);
            if (h->name != NULL)
                note(b, h->name, WF_SYM_LOCAL);
            visit_stmts(b, &h->body);
        }
        visit_stmts(b, &s->v.try_.orelse);
        visit_stmts(b, &s->v.try_.finalbody);
        break;
    case WF_AST_STMT_ASSERT:
        visit_expr(b, s->v.assert_.test);
        visit_expr(b, s->v.assert_.msg);
        break;
    case WF_AST_STMT_IMPORT:
        for (size_t i = 0; i < s->v.import.names.n; i++)
            bind_import_name(b, s->v.import.names.items[i]);
        break;
    case WF_AST_STMT_IMPORT_FROM:
        for (size_t i = 0; i < s->v.import_from.names.n; i++) {
            const wf_ast_alias *a = s->v.import_from.names.items[i];
            if (strcmp(a->name, "*") != 0)
                note(b, a->asname ? a->asname : a->name, WF_SYM_LOCAL);
        }
        break;
    case WF_AST_STMT_GLOBAL:
        for (size_t i = 0; i < s->v.global.names.n && !b->failed; i++)
            declare(b, s, s->v.global.names.items[i], true);
        break;
    case WF_AST_STMT_NONLOCAL:
        for (size_t i = 0; i < s->v.nonlocal.names.n && !b->failed; i++)
            declare(b, s, s->v.nonlocal.names.items[i], false);
        break;
    case WF_AST_STMT_EXPR:
        visit_expr(b, s->v.expr.value);
        break;
    case WF_AST_STMT_PASS:
    case WF_AST_STMT_BREAK:
    case WF_AST_STMT_CONTINUE:
        break;
    }
}

static void
visit_stmts(builder *b, const wf_ast_stmt_seq *seq)
{
    for (size_t i = 0; i < seq->n && !b->failed; i++)
        visit_stmt(b, seq->items[i]);
}

// ===== Pass 2: analyse =====

// A set of names (borrowed strings), for the bound/local/free sets:
// hashed, so that a scope with n names resolves in O(n) (issue 20).
typedef wf_nameset nameset;

static bool
set_has(const nameset *s, const char *name)
{
    return wf_nameset_find(s, name) >= 0;
}

static bool
set_add(nameset *s, const char *name)
{
    return wf_nameset_add(s, name, NULL);
}

// The names bound in enclosing function scopes, as a chain of layers
// rather than a copy per scope (a copy made each of n nested functions
// cost O(n) and the module O(n^2): issue 20). A layer adds the locals of
// one function or comprehension and hides its explicit globals; a class
// adds no layer; the module's children see the empty chain (NULL).
typedef struct boundset boundset;
struct boundset {
    const boundset *parent;
    const nameset *added;   // the scope's locals
    nameset removed;        // its `global` names
};

static bool
bound_has(const boundset *b, const char *name)
{
    for (; b != NULL; b = b->parent) {
        if (set_has(&b->removed, name))
            return false;
        if (set_has(b->added, name))
            return true;
    }
    return false;
}

// Resolve a name that [e] uses but does not bind, as [e] would see it.
// Returns false if out of memory (the name could not be passed up: the
// enclosing scope would not make it a cell).
static bool
resolve_free_use(wf_st_sym *s, const wf_st_entry *e, const boundset *bound,
                 nameset *freeset)
{
    if (e->kind != WF_ST_MODULE && bound_has(bound, s->name)) {
        s->scope = WF_SC_FREE;
        return set_add(freeset, s->name);
    } else {
        s->scope = WF_SC_GLOBAL_IMPLICIT;
    }
    return true;
}

static void analyze(builder *b, wf_st_entry *e, const boundset *bound,
                    nameset *freeset);

// A name free in child [c] of [e]: make it a cell or pass it up.
static void
child_free(builder *b, wf_st_entry *e, const char *name,
           const boundset *bound, nameset *freeset)
{
    wf_st_sym *s = add_sym(e, name);
    if (s == NULL) {
        oom(b);
        return;
    }
    if (e->kind == WF_ST_CLASS) {
        // Methods see through the class: the class code passes the cell on.
        s->flags |= WF_SYM_FREE_CLASS;
        if (s->scope == WF_SC_DELEGATE)
            s->scope = WF_SC_FREE;
        if (!set_add(freeset, name))
            oom(b);
        return;
    }
    if (s->scope == WF_SC_LOCAL || s->scope == WF_SC_CELL) {
        s->scope = WF_SC_CELL;
        return;
    }
    if (e->kind == WF_ST_COMP && s->scope == WF_SC_DELEGATE) {
        // Resolved by the enclosing entry; pass up as free.
        if (!set_add(freeset, name))
            oom(b);
        return;
    }
    (void)bound;
    s->scope = WF_SC_FREE;
    if (!set_add(freeset, name))
        oom(b);
}

static void
analyze(builder *b, wf_st_entry *e, const boundset *bound, nameset *freeset)
{
    if (stack_exhausted(b))
        return;
    nameset local = {0};
    boundset layer = {bound, &local, {0}};
    const boundset *newbound = NULL;  // what the children see
    for (size_t i = 0; i < e->nsyms && !b->failed; i++) {
        wf_st_sym *s = &e->syms[i];
        if (s->flags & WF_SYM_GLOBAL) {
            s->scope = WF_SC_GLOBAL_EXPLICIT;
        } else if (s->flags & WF_SYM_NONLOCAL) {
            if (!bound_has(bound, s->name)) {
                set_error(b, s->decl_lineno, s->decl_col,
                          s->decl_end_lineno, s->decl_end_col,
                          "no binding for nonlocal '%s' found", s->name);
                break;
            }
            s->scope = WF_SC_FREE;
            if (!set_add(freeset, s->name))
                oom(b);
        } else if (s->flags & (WF_SYM_LOCAL | WF_SYM_PARAM)) {
            s->scope = WF_SC_LOCAL;
            if (!set_add(&local, s->name))
                oom(b);
        } else if (e->kind == WF_ST_COMP) {
            s->scope = WF_SC_DELEGATE;
        } else if (!resolve_free_use(s, e, bound, freeset)) {
            oom(b);
        }
    }
    if (e->kind == WF_ST_FUNCTION || e->kind == WF_ST_COMP) {
        for (size_t i = 0; i < e->nsyms; i++)
            if (e->syms[i].scope == WF_SC_GLOBAL_EXPLICIT &&
                !set_add(&layer.removed, e->syms[i].name))
                oom(b);
        newbound = &layer;
    } else if (e->kind == WF_ST_CLASS) {
        newbound = bound;
    }
    for (size_t c = 0; c < e->nchildren && !b->failed; c++) {
        wf_st_entry *ch = e->children[c];
        nameset chfree = {0};
        analyze(b, ch, newbound, &chfree);
        for (uint32_t i = 0; i < chfree.n && !b->failed; i++)
            child_free(b, e, chfree.items[i], bound, freeset);
        if (ch->kind == WF_ST_COMP) {
            // Names the comprehension uses but does not bind belong to [e].
            for (size_t i = 0; i < ch->nsyms && !b->failed; i++) {
                wf_st_sym *cs = &ch->syms[i];
                if (cs->scope != WF_SC_DELEGATE)
                    continue;
                wf_st_sym *s = add_sym(e, cs->name);
                if (s == NULL) {
                    oom(b);
                    break;
                }
                s->flags |= WF_SYM_USE;
                if (s->scope == WF_SC_DELEGATE && e->kind != WF_ST_COMP &&
                    !(s->flags & (WF_SYM_LOCAL | WF_SYM_PARAM |
                                  WF_SYM_GLOBAL | WF_SYM_NONLOCAL)) &&
                    !resolve_free_use(s, e, bound, freeset)) {
                    oom(b);
                    break;
                }
            }
            // A comprehension cell shares the parent's slot: make it a
            // cell there too.
            for (size_t i = 0; i < ch->nsyms; i++) {
                wf_st_sym *cs = &ch->syms[i];
                if (cs->scope != WF_SC_CELL)
                    continue;
                wf_st_sym *s = (wf_st_sym *)wf_symtable_get(e, cs->name);
                if (s != NULL && s->scope == WF_SC_LOCAL &&
                    e->kind != WF_ST_MODULE && e->kind != WF_ST_CLASS)
                    s->scope = WF_SC_CELL;
            }
        }
        wf_nameset_fini(&chfree);
    }
    wf_nameset_fini(&local);
    wf_nameset_fini(&layer.removed);
}

// ===== API =====

int
wf_symtable_build(wf_symtable *st, const wf_ast_mod *mod)
{
    memset(st, 0, sizeof *st);
    builder b = {st, NULL, false};
    st->top = new_entry(&b, WF_ST_MODULE, "<module>", NULL, 1);
    if (st->top == NULL)
        return -1;
    b.cur = st->top;
    visit_stmts(&b, &mod->body);
    if (b.failed)
        return -1;
    nameset free_ = {0};
    analyze(&b, st->top, NULL, &free_);
    wf_nameset_fini(&free_);
    return b.failed ? -1 : 0;
}

void
wf_symtable_free(wf_symtable *st)
{
    free_entry(st->top);
    st->top = NULL;
    for (size_t i = 0; i < st->nowned; i++)
        free(st->owned[i]);
    free(st->owned);
    st->owned = NULL;
    st->nowned = st->capowned = 0;
}

static uint32_t
hash_node(const void *node)
{
    uint64_t x = (uint64_t)(uintptr_t)node;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x;
}

// Index [e]'s children by node (built on the first lookup, after pass 1
// has added them all), so that finding each of n children is O(1).
static bool
index_children(wf_st_entry *e)
{
    size_t cap = 16;
    while (cap < e->nchildren * 2)
        cap *= 2;
    int32_t *t = malloc(cap * sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < cap; i++)
        t[i] = -1;
    for (size_t k = 0; k < e->nchildren; k++) {
        size_t i = hash_node(e->children[k]->node) & (cap - 1);
        while (t[i] >= 0)
            i = (i + 1) & (cap - 1);
        t[i] = (int32_t)k;
    }
    e->childtable = t;
    e->childcap = cap;
    return true;
}

wf_st_entry *
wf_symtable_child(const wf_st_entry *e, const void *node)
{
    wf_st_entry *m = (wf_st_entry *)e;
    if (e->nchildren > 8 && e->childtable == NULL)
        (void)index_children(m);  // out of memory: the linear scan below
    if (e->childtable == NULL) {
        for (size_t i = 0; i < e->nchildren; i++)
            if (e->children[i]->node == node)
                return e->children[i];
        return NULL;
    }
    size_t mask = e->childcap - 1;
    for (size_t i = hash_node(node) & mask;; i = (i + 1) & mask) {
        int32_t k = e->childtable[i];
        if (k < 0)
            return NULL;
        if (e->children[k]->node == node)
            return e->children[k];
    }
}

const wf_st_sym *
wf_symtable_get(const wf_st_entry *e, const char *name)
{
    return find_sym(e, name, hash_name(name));
}
