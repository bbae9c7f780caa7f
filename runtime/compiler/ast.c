// runtime/compiler/ast.c -- AST arena and dumper (wf_ast_*).
// The arena is a chain of malloc'd blocks, released in one call; nodes are
// never freed one by one. The dumper prints CPython 3.11's ast.dump() format
// (optionally with include_attributes=True), so tests compare against
// strings produced by python3 itself.
#include "compiler/ast.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

// ===== Arena =====

typedef struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} block;

struct wf_ast_arena {
    block *head;
};

#define ARENA_BLOCK 16384

wf_ast_arena *
wf_ast_arena_new(void)
{
    return calloc(1, sizeof(wf_ast_arena));
}

void *
wf_ast_arena_alloc(wf_ast_arena *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    block *b = a->head;
    if (b == NULL || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof(block) + cap);
        if (b == NULL)
            return NULL;
        b->used = 0;
        b->cap = cap;
        if (a->head != NULL && size > ARENA_BLOCK) {
            // A big one-off: keep the current block for small allocations.
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *
wf_ast_arena_strndup(wf_ast_arena *a, const char *s, size_t len)
{
    char *p = wf_ast_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void
wf_ast_arena_free(wf_ast_arena *a)
{
    if (a == NULL)
        return;
    block *b = a->head;
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

// ===== Dumper =====

typedef struct dumper {
    FILE *out;
    bool pos;
    bool first;     // no ", " needed before the next field
} dumper;

static void dump_expr(dumper *d, const wf_ast_expr *e);
static void dump_stmts(dumper *d, const wf_ast_stmt_seq *s);

static void
field(dumper *d, const char *name)
{
    if (!d->first)
        fputs(", ", d->out);
    d->first = false;
    fprintf(d->out, "%s=", name);
}

static void
open_node(dumper *d, const char *name)
{
    fprintf(d->out, "%s(", name);
    d->first = true;
}

static void
close_node(dumper *d, int lineno, int col, int end_lineno, int end_col)
{
    if (d->pos) {
        if (!d->first)
            fputs(", ", d->out);
        fprintf(d->out, "lineno=%d, col_offset=%d, end_lineno=%d, end_col_offset=%d",
                lineno, col, end_lineno, end_col);
    }
    fputc(')', d->out);
    d->first = false;
}

static void
close_plain(dumper *d)
{
    fputc(')', d->out);
    d->first = false;
}

static void
repr_str(FILE *out, const char *s, size_t n, bool bytes)
{
    bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
    char q = (has_sq && !has_dq) ? '"' : '\'';
    if (bytes)
        fputc('b', out);
    fputc(q, out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc(q, out);
}

static void
repr_float(FILE *out, double f)
{
    if (isinf(f)) {
        fputs(f > 0 ? "inf" : "-inf", out);
        return;
    }
    if (isnan(f)) {
        fputs("nan", out);
        return;
    }
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, f);
        if (strtod(buf, NULL) == f)
            break;
    }
    // Python's repr switches to exponent form at 1e16 and below 1e-4.
    char *e = strchr(buf, 'e');
    if (e == NULL) {
        double af = fabs(f);
        if (af >= 1e16) {
            snprintf(buf, sizeof buf, "%.16e", f);
            e = NULL;
        }
        fputs(buf, out);
        if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL)
            fputs(".0", out);
        return;
    }
    // Python writes 1e+16, 1e-05 as 1e+16, 1e-05: same as C's %g.
    int exp = atoi(e + 1);
    if (exp >= -4 && exp < 16) {
        // %g chose exponent form only because of precision; use fixed.
        char fbuf[400];
        int decimals = 0;
        char *dot = strchr(buf, '.');
        int mant_dec = dot ? (int)(e - dot - 1) : 0;
        decimals = mant_dec - exp;
        if (decimals < 0)
            decimals = 0;
        snprintf(fbuf, sizeof fbuf, "%.*f", decimals, f);
        fputs(fbuf, out);
        if (strchr(fbuf, '.') == NULL)
            fputs(".0", out);
        return;
    }
    fputs(buf, out);
}

static void
dump_constant(dumper *d, const wf_ast_expr *e)
{
    FILE *out = d->out;
    switch (e->v.constant.kind) {
    case WF_AST_CONST_NONE: fputs("None", out); break;
    case WF_AST_CONST_TRUE: fputs("True", out); break;
    case WF_AST_CONST_FALSE: fputs("False", out); break;
    case WF_AST_CONST_ELLIPSIS: fputs("Ellipsis", out); break;
    case WF_AST_CONST_INT: fprintf(out, "%lld", (long long)e->v.constant.i); break;
    case WF_AST_CONST_BIG_INT: fputs(e->v.constant.str, out); break;
    case WF_AST_CONST_FLOAT: repr_float(out, e->v.constant.f); break;
    case WF_AST_CONST_STR:
        repr_str(out, e->v.constant.str, e->v.constant.len, false);
        break;
    case WF_AST_CONST_BYTES:
        repr_str(out, e->v.constant.str, e->v.constant.len, true);
        break;
    }
}

static const char *
ctx_name(wf_ast_expr_context c)
{
    return c == WF_AST_LOAD ? "Load()" : c == WF_AST_STORE ? "Store()" : "Del()";
}

static const char *
operator_name(wf_ast_operator op)
{
    static const char *const n[] = {
        "Add()", "Sub()", "Mult()", "MatMult()", "Div()", "Mod()", "Pow()",
        "LShift()", "RShift()", "BitOr()", "BitXor()", "BitAnd()", "FloorDiv()"};
    return (size_t)op < sizeof n / sizeof n[0] ? n[op] : "?";
}

static const char *
cmpop_name(wf_ast_cmpop op)
{
    static const char *const n[] = {"Eq()", "NotEq()", "Lt()", "LtE()", "Gt()",
                                    "GtE()", "Is()", "IsNot()", "In()", "NotIn()"};
    return (size_t)op < sizeof n / sizeof n[0] ? n[op] : "?";
}

static const char *
unaryop_name(wf_ast_unaryop op)
{
    static const char *const n[] = {"Invert()", "Not()", "UAdd()", "USub()"};
    return (size_t)op < sizeof n / sizeof n[0] ? n[op] : "?";
}

static void
dump_exprs(dumper *d, const wf_ast_expr_seq *s)
{
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            fputs(", ", d->out);
        if (s->items[i] == NULL)
            fputs("None", d->out);
        else
            dump_expr(d, s->items[i]);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
opt_expr(dumper *d, const char *name, const wf_ast_expr *e)
{
    if (e == NULL)
        return;
    field(d, name);
    dump_expr(d, e);
}

static void
str_field(dumper *d, const char *name, const char *s)
{
    if (s == NULL)
        return;
    field(d, name);
    repr_str(d->out, s, strlen(s), false);
}

static void
dump_arg(dumper *d, const wf_ast_arg *a)
{
    open_node(d, "arg");
    str_field(d, "arg", a->arg);
    opt_expr(d, "annotation", a->annotation);
    close_node(d, a->lineno, a->col_offset, a->end_lineno, a->end_col_offset);
}

static void
dump_args_seq(dumper *d, const char *name, const wf_ast_arg_seq *s)
{
    field(d, name);
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            fputs(", ", d->out);
        dump_arg(d, s->items[i]);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_arguments(dumper *d, const wf_ast_arguments *a)
{
    open_node(d, "arguments");
    dump_args_seq(d, "posonlyargs", &a->posonlyargs);
    dump_args_seq(d, "args", &a->args);
    if (a->vararg) {
        field(d, "vararg");
        dump_arg(d, a->vararg);
    }
    dump_args_seq(d, "kwonlyargs", &a->kwonlyargs);
    field(d, "kw_defaults");
    dump_exprs(d, &a->kw_defaults);
    if (a->kwarg) {
        field(d, "kwarg");
        dump_arg(d, a->kwarg);
    }
    field(d, "defaults");
    dump_exprs(d, &a->defaults);
    close_plain(d);
}

static void
dump_comprehensions(dumper *d, const wf_ast_comprehension_seq *s)
{
    field(d, "generators");
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        const wf_ast_comprehension *c = s->items[i];
        if (i > 0)
            fputs(", ", d->out);
        open_node(d, "comprehension");
        field(d, "target");
        dump_expr(d, c->target);
        field(d, "iter");
        dump_expr(d, c->iter);
        field(d, "ifs");
        dump_exprs(d, &c->ifs);
        field(d, "is_async");
        fprintf(d->out, "%d", c->is_async);
        close_plain(d);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_keywords(dumper *d, const wf_ast_keyword_seq *s)
{
    field(d, "keywords");
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        const wf_ast_keyword *k = s->items[i];
        if (i > 0)
            fputs(", ", d->out);
        open_node(d, "keyword");
        str_field(d, "arg", k->arg);
        field(d, "value");
        dump_expr(d, k->value);
        close_node(d, k->lineno, k->col_offset, k->end_lineno, k->end_col_offset);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_expr(dumper *d, const wf_ast_expr *e)
{
    switch (e->kind) {
    case WF_AST_EXPR_BOOL_OP:
        open_node(d, "BoolOp");
        field(d, "op");
        fputs(e->v.bool_op.op == WF_AST_AND ? "And()" : "Or()", d->out);
        field(d, "values");
        dump_exprs(d, &e->v.bool_op.values);
        break;
    case WF_AST_EXPR_BIN_OP:
        open_node(d, "BinOp");
        opt_expr(d, "left", e->v.bin_op.left);
        field(d, "op");
        fputs(operator_name(e->v.bin_op.op), d->out);
        opt_expr(d, "right", e->v.bin_op.right);
        break;
    case WF_AST_EXPR_UNARY_OP:
        open_node(d, "UnaryOp");
        field(d, "op");
        fputs(unaryop_name(e->v.unary_op.op), d->out);
        opt_expr(d, "operand", e->v.unary_op.operand);
        break;
    case WF_AST_EXPR_LAMBDA:
        open_node(d, "Lambda");
        field(d, "args");
        dump_arguments(d, e->v.lambda.args);
        opt_expr(d, "body", e->v.lambda.body);
        break;
    case WF_AST_EXPR_IF_EXP:
        open_node(d, "IfExp");
        opt_expr(d, "test", e->v.if_exp.test);
        opt_expr(d, "body", e->v.if_exp.body);
        opt_expr(d, "orelse", e->v.if_exp.orelse);
        break;
    case WF_AST_EXPR_DICT:
        open_node(d, "Dict");
        field(d, "keys");
        dump_exprs(d, &e->v.dict.keys);
        field(d, "values");
        dump_exprs(d, &e->v.dict.values);
        break;
    case WF_AST_EXPR_SET:
        open_node(d, "Set");
        field(d, "elts");
        dump_exprs(d, &e->v.set.elts);
        break;
    case WF_AST_EXPR_LIST_COMP:
        open_node(d, "ListComp");
        opt_expr(d, "elt", e->v.list_comp.elt);
        dump_comprehensions(d, &e->v.list_comp.generators);
        break;
    case WF_AST_EXPR_SET_COMP:
        open_node(d, "SetComp");
        opt_expr(d, "elt", e->v.set_comp.elt);
        dump_comprehensions(d, &e->v.set_comp.generators);
        break;
    case WF_AST_EXPR_DICT_COMP:
        open_node(d, "DictComp");
        opt_expr(d, "key", e->v.dict_comp.key);
        opt_expr(d, "value", e->v.dict_comp.value);
        dump_comprehensions(d, &e->v.dict_comp.generators);
        break;
    case WF_AST_EXPR_GENERATOR_EXP:
        open_node(d, "GeneratorExp");
        opt_expr(d, "elt", e->v.generator_exp.elt);
        dump_comprehensions(d, &e->v.generator_exp.generators);
        break;
    case WF_AST_EXPR_YIELD:
        open_node(d, "Yield");
        opt_expr(d, "value", e->v.yield.value);
        break;
    case WF_AST_EXPR_YIELD_FROM:
        open_node(d, "YieldFrom");
        opt_expr(d, "value", e->v.yield_from.value);
        break;
    case WF_AST_EXPR_COMPARE:
        open_node(d, "Compare");
        opt_expr(d, "left", e->v.compare.left);
        field(d, "ops");
        fputc('[', d->out);
        for (size_t i = 0; i < e->v.compare.ops.n; i++)
            fprintf(d->out, "%s%s", i ? ", " : "", cmpop_name(e->v.compare.ops.items[i]));
        fputc(']', d->out);
        field(d, "comparators");
        dump_exprs(d, &e->v.compare.comparators);
        break;
    case WF_AST_EXPR_CALL:
        open_node(d, "Call");
        opt_expr(d, "func", e->v.call.func);
        field(d, "args");
        dump_exprs(d, &e->v.call.args);
        dump_keywords(d, &e->v.call.keywords);
        break;
    case WF_AST_EXPR_FORMATTED_VALUE:
        open_node(d, "FormattedValue");
        opt_expr(d, "value", e->v.formatted_value.value);
        field(d, "conversion");
        fprintf(d->out, "%d", e->v.formatted_value.conversion);
        opt_expr(d, "format_spec", e->v.formatted_value.format_spec);
        break;
    case WF_AST_EXPR_JOINED_STR:
        open_node(d, "JoinedStr");
        field(d, "values");
        dump_exprs(d, &e->v.joined_str.values);
        break;
    case WF_AST_EXPR_CONSTANT:
        open_node(d, "Constant");
        field(d, "value");
        dump_constant(d, e);
        break;
    case WF_AST_EXPR_ATTRIBUTE:
        open_node(d, "Attribute");
        opt_expr(d, "value", e->v.attribute.value);
        str_field(d, "attr", e->v.attribute.attr);
        field(d, "ctx");
        fputs(ctx_name(e->v.attribute.ctx), d->out);
        break;
    case WF_AST_EXPR_SUBSCRIPT:
        open_node(d, "Subscript");
        opt_expr(d, "value", e->v.subscript.value);
        opt_expr(d, "slice", e->v.subscript.slice);
        field(d, "ctx");
        fputs(ctx_name(e->v.subscript.ctx), d->out);
        break;
    case WF_AST_EXPR_STARRED:
        open_node(d, "Starred");
        opt_expr(d, "value", e->v.starred.value);
        field(d, "ctx");
        fputs(ctx_name(e->v.starred.ctx), d->out);
        break;
    case WF_AST_EXPR_NAME:
        open_node(d, "Name");
        str_field(d, "id", e->v.name.id);
        field(d, "ctx");
        fputs(ctx_name(e->v.name.ctx), d->out);
        break;
    case WF_AST_EXPR_LIST:
        open_node(d, "List");
        field(d, "elts");
        dump_exprs(d, &e->v.list.elts);
        field(d, "ctx");
        fputs(ctx_name(e->v.list.ctx), d->out);
        break;
    case WF_AST_EXPR_TUPLE:
        open_node(d, "Tuple");
        field(d, "elts");
        dump_exprs(d, &e->v.tuple.elts);
        field(d, "ctx");
        fputs(ctx_name(e->v.tuple.ctx), d->out);
        break;
    case WF_AST_EXPR_SLICE:
        open_node(d, "Slice");
        opt_expr(d, "lower", e->v.slice.lower);
        opt_expr(d, "upper", e->v.slice.upper);
        opt_expr(d, "step", e->v.slice.step);
        break;
    default:
        open_node(d, "?");
        break;
    }
    close_node(d, e->lineno, e->col_offset, e->end_lineno, e->end_col_offset);
}

static void
body_field(dumper *d, const char *name, const wf_ast_stmt_seq *s)
{
    field(d, name);
    dump_stmts(d, s);
}

static void
dump_aliases(dumper *d, const wf_ast_alias_seq *s)
{
    field(d, "names");
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        const wf_ast_alias *a = s->items[i];
        if (i > 0)
            fputs(", ", d->out);
        open_node(d, "alias");
        str_field(d, "name", a->name);
        str_field(d, "asname", a->asname);
        close_node(d, a->lineno, a->col_offset, a->end_lineno, a->end_col_offset);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_idents(dumper *d, const wf_ast_ident_seq *s)
{
    field(d, "names");
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            fputs(", ", d->out);
        repr_str(d->out, s->items[i], strlen(s->items[i]), false);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_stmt(dumper *d, const wf_ast_stmt *s)
{
    switch (s->kind) {
    case WF_AST_STMT_FUNCTION_DEF:
        open_node(d, "FunctionDef");
        str_field(d, "name", s->v.function_def.name);
        field(d, "args");
        dump_arguments(d, s->v.function_def.args);
        body_field(d, "body", &s->v.function_def.body);
        field(d, "decorator_list");
        fputs("[]", d->out);
        opt_expr(d, "returns", s->v.function_def.returns);
        break;
    case WF_AST_STMT_CLASS_DEF:
        open_node(d, "ClassDef");
        str_field(d, "name", s->v.class_def.name);
        field(d, "bases");
        dump_exprs(d, &s->v.class_def.bases);
        dump_keywords(d, &s->v.class_def.keywords);
        body_field(d, "body", &s->v.class_def.body);
        field(d, "decorator_list");
        fputs("[]", d->out);
        break;
    case WF_AST_STMT_RETURN:
        open_node(d, "Return");
        opt_expr(d, "value", s->v.return_.value);
        break;
    case WF_AST_STMT_DELETE:
        open_node(d, "Delete");
        field(d, "targets");
        dump_exprs(d, &s->v.delete_.targets);
        break;
    case WF_AST_STMT_ASSIGN:
        open_node(d, "Assign");
        field(d, "targets");
        dump_exprs(d, &s->v.assign.targets);
        opt_expr(d, "value", s->v.assign.value);
        break;
    case WF_AST_STMT_AUG_ASSIGN:
        open_node(d, "AugAssign");
        opt_expr(d, "target", s->v.aug_assign.target);
        field(d, "op");
        fputs(operator_name(s->v.aug_assign.op), d->out);
        opt_expr(d, "value", s->v.aug_assign.value);
        break;
    case WF_AST_STMT_ANN_ASSIGN:
        open_node(d, "AnnAssign");
        opt_expr(d, "target", s->v.ann_assign.target);
        opt_expr(d, "annotation", s->v.ann_assign.annotation);
        opt_expr(d, "value", s->v.ann_assign.value);
        field(d, "simple");
        fprintf(d->out, "%d", s->v.ann_assign.simple);
        break;
    case WF_AST_STMT_FOR:
        open_node(d, "For");
        opt_expr(d, "target", s->v.for_.target);
        opt_expr(d, "iter", s->v.for_.iter);
        body_field(d, "body", &s->v.for_.body);
        body_field(d, "orelse", &s->v.for_.orelse);
        break;
    case WF_AST_STMT_WHILE:
        open_node(d, "While");
        opt_expr(d, "test", s->v.while_.test);
        body_field(d, "body", &s->v.while_.body);
        body_field(d, "orelse", &s->v.while_.orelse);
        break;
    case WF_AST_STMT_IF:
        open_node(d, "If");
        opt_expr(d, "test", s->v.if_.test);
        body_field(d, "body", &s->v.if_.body);
        body_field(d, "orelse", &s->v.if_.orelse);
        break;
    case WF_AST_STMT_WITH:
        open_node(d, "With");
        field(d, "items");
        fputc('[', d->out);
        for (size_t i = 0; i < s->v.with.items.n; i++) {
            const wf_ast_withitem *w = s->v.with.items.items[i];
            if (i > 0)
                fputs(", ", d->out);
            open_node(d, "withitem");
            opt_expr(d, "context_expr", w->context_expr);
            opt_expr(d, "optional_vars", w->optional_vars);
            close_plain(d);
        }
        fputc(']', d->out);
        body_field(d, "body", &s->v.with.body);
        break;
    case WF_AST_STMT_RAISE:
        open_node(d, "Raise");
        opt_expr(d, "exc", s->v.raise.exc);
        opt_expr(d, "cause", s->v.raise.cause);
        break;
    case WF_AST_STMT_TRY:
        open_node(d, "Try");
        body_field(d, "body", &s->v.try_.body);
        field(d, "handlers");
        fputc('[', d->out);
        for (size_t i = 0; i < s->v.try_.handlers.n; i++) {
            const wf_ast_excepthandler *h = s->v.try_.handlers.items[i];
            if (i > 0)
                fputs(", ", d->out);
            open_node(d, "ExceptHandler");
            opt_expr(d, "type", h->type);
            str_field(d, "name", h->name);
            body_field(d, "body", &h->body);
            close_node(d, h->lineno, h->col_offset, h->end_lineno, h->end_col_offset);
        }
        fputc(']', d->out);
        body_field(d, "orelse", &s->v.try_.orelse);
        body_field(d, "finalbody", &s->v.try_.finalbody);
        break;
    case WF_AST_STMT_ASSERT:
        open_node(d, "Assert");
        opt_expr(d, "test", s->v.assert_.test);
        opt_expr(d, "msg", s->v.assert_.msg);
        break;
    case WF_AST_STMT_IMPORT:
        open_node(d, "Import");
        dump_aliases(d, &s->v.import.names);
        break;
    case WF_AST_STMT_IMPORT_FROM:
        open_node(d, "ImportFrom");
        str_field(d, "module", s->v.import_from.module);
        dump_aliases(d, &s->v.import_from.names);
        field(d, "level");
        fprintf(d->out, "%d", s->v.import_from.level);
        break;
    case WF_AST_STMT_GLOBAL:
        open_node(d, "Global");
        dump_idents(d, &s->v.global.names);
        break;
    case WF_AST_STMT_NONLOCAL:
        open_node(d, "Nonlocal");
        dump_idents(d, &s->v.nonlocal.names);
        break;
    case WF_AST_STMT_EXPR:
        open_node(d, "Expr");
        opt_expr(d, "value", s->v.expr.value);
        break;
    case WF_AST_STMT_PASS: open_node(d, "Pass"); break;
    case WF_AST_STMT_BREAK: open_node(d, "Break"); break;
    case WF_AST_STMT_CONTINUE: open_node(d, "Continue"); break;
    default: open_node(d, "?"); break;
    }
    close_node(d, s->lineno, s->col_offset, s->end_lineno, s->end_col_offset);
}

static void
dump_stmts(dumper *d, const wf_ast_stmt_seq *s)
{
    fputc('[', d->out);
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            fputs(", ", d->out);
        dump_stmt(d, s->items[i]);
    }
    fputc(']', d->out);
    d->first = false;
}

static void
dump_mod(const wf_ast_mod *m, FILE *out, bool pos)
{
    dumper d = {out, pos, true};
    fputs("Module(body=", out);
    dump_stmts(&d, &m->body);
    fputs(", type_ignores=[])", out);
}

void
wf_ast_dump(const wf_ast_mod *m, FILE *out)
{
    dump_mod(m, out, false);
}

void
wf_ast_dump_positions(const wf_ast_mod *m, FILE *out)
{
    dump_mod(m, out, true);
}
