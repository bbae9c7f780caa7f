// runtime/compiler/parse_expr.c -- expressions of the parser (wf_parse_*).
// Assignment targets, comprehensions, atoms and displays, calls and
// subscripts, operators by precedence, parameters, lambda and the
// conditional expression. Part of the parser: see parse_int.h.
#include "compiler/parse_int.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// ===== Forward declarations =====

static wf_ast_expr *disjunction(parser *P);
static wf_ast_expr *primary(parser *P);

// ===== Targets =====

const char *
wf_parse_expr_name(const wf_ast_expr *e)
{
    switch (e->kind) {
    case WF_AST_EXPR_CALL: return "function call";
    case WF_AST_EXPR_CONSTANT:
        switch (e->v.constant.kind) {
        case WF_AST_CONST_NONE: return "None";
        case WF_AST_CONST_TRUE: return "True";
        case WF_AST_CONST_FALSE: return "False";
        case WF_AST_CONST_ELLIPSIS: return "ellipsis";
        default: return "literal";
        }
    case WF_AST_EXPR_COMPARE: return "comparison";
    case WF_AST_EXPR_IF_EXP: return "conditional expression";
    case WF_AST_EXPR_LAMBDA: return "lambda";
    case WF_AST_EXPR_DICT: return "dict literal";
    case WF_AST_EXPR_SET: return "set display";
    case WF_AST_EXPR_LIST_COMP: return "list comprehension";
    case WF_AST_EXPR_SET_COMP: return "set comprehension";
    case WF_AST_EXPR_DICT_COMP: return "dict comprehension";
    case WF_AST_EXPR_GENERATOR_EXP: return "generator expression";
    case WF_AST_EXPR_YIELD: case WF_AST_EXPR_YIELD_FROM: return "yield expression";
    case WF_AST_EXPR_JOINED_STR: return "f-string expression";
    case WF_AST_EXPR_TUPLE: return "tuple";
    case WF_AST_EXPR_LIST: return "list";
    case WF_AST_EXPR_STARRED: return "starred";
    case WF_AST_EXPR_NAME: return "name";
    case WF_AST_EXPR_ATTRIBUTE: return "attribute";
    case WF_AST_EXPR_SUBSCRIPT: return "subscript";
    default: return "expression";
    }
}

// Turn a Load expression into a Store/Del target, or fail like CPython.
// [top_assign]: a whole `x = ...` target (CPython adds the '==' hint).
bool
wf_parse_set_context(parser *P, wf_ast_expr *e, wf_ast_expr_context ctx, bool top_assign)
{
    switch (e->kind) {
    case WF_AST_EXPR_NAME:
        e->v.name.ctx = ctx;
        return true;
    case WF_AST_EXPR_ATTRIBUTE:
        e->v.attribute.ctx = ctx;
        return true;
    case WF_AST_EXPR_SUBSCRIPT:
        e->v.subscript.ctx = ctx;
        return true;
    case WF_AST_EXPR_TUPLE:
    case WF_AST_EXPR_LIST: {
        wf_ast_expr_seq *elts = e->kind == WF_AST_EXPR_TUPLE ? &e->v.tuple.elts : &e->v.list.elts;
        if (e->kind == WF_AST_EXPR_TUPLE)
            e->v.tuple.ctx = ctx;
        else
            e->v.list.ctx = ctx;
        for (size_t i = 0; i < elts->n; i++) {
            if (!wf_parse_set_context(P, elts->items[i], ctx, false))
                return false;
        }
        return true;
    }
    case WF_AST_EXPR_STARRED:
        ERR_NODE(P, e, ctx == WF_AST_DEL ? "cannot delete starred"
                                         : "star-unpacking assignment targets are not supported by Weft");
        return false;
    default:
        if (ctx == WF_AST_DEL)
            ERR_NODE(P, e, "cannot delete %s", wf_parse_expr_name(e));
        else if (top_assign)
            ERR_NODE(P, e, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                     wf_parse_expr_name(e));
        else
            ERR_NODE(P, e, "cannot assign to %s", wf_parse_expr_name(e));
        return false;
    }
}

// ===== Comprehensions =====

// A target list for `for`: primaries (or parenthesized/bracketed target
// lists), comma-separated; stops before `in`. Returned with ctx Store.
wf_ast_expr *
wf_parse_target_list(parser *P)
{
    const wf_lex_token *first = cur(P);
    vec elts = {0};
    bool comma = false;
    for (;;) {
        wf_ast_expr *t;
        if (at(P, WF_TOK_STAR)) {
            const wf_lex_token *star = advance(P);
            wf_ast_expr *inner = primary(P);
            if (inner == NULL)
                return NULL;
            t = expr_from_tok(P, WF_AST_EXPR_STARRED, star);
            if (t == NULL)
                return NULL;
            t->v.starred.value = inner;
        } else {
            t = wf_parse_bitor_expr(P);
        }
        if (t == NULL || !vec_push(P, &elts, t))
            return NULL;
        if (!at(P, WF_TOK_COMMA))
            break;
        advance(P);
        comma = true;
        if (at_kw(P, WF_KW_IN) || at(P, WF_TOK_EQUAL))
            break;
    }
    wf_ast_expr *res;
    if (!comma) {
        res = elts.items[0];
    } else {
        res = expr_from_tok(P, WF_AST_EXPR_TUPLE, first);
        if (res == NULL)
            return NULL;
        res->v.tuple.elts = AS_SEQ(wf_ast_expr_seq, elts);
    }
    if (!wf_parse_set_context(P, res, WF_AST_STORE, false))
        return NULL;
    return res;
}

static bool
comprehension_clauses(parser *P, wf_ast_comprehension_seq *out)
{
    vec gens = {0};
    while (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
        if (at_kw(P, WF_KW_ASYNC)) {
            ERR_TOK(P, cur(P), "asynchronous comprehensions are not supported by Weft");
            return false;
        }
        advance(P);
        wf_ast_comprehension *c = alloc(P, sizeof *c);
        if (c == NULL)
            return false;
        c->target = wf_parse_target_list(P);
        if (c->target == NULL)
            return false;
        if (!accept_kw(P, WF_KW_IN)) {
            if (!P->failed)
                ERR_TOK(P, cur(P), "expected 'in'");
            return false;
        }
        c->iter = disjunction(P);
        if (c->iter == NULL)
            return false;
        vec ifs = {0};
        while (accept_kw(P, WF_KW_IF)) {
            wf_ast_expr *cond = disjunction(P);
            if (cond == NULL || !vec_push(P, &ifs, cond))
                return false;
        }
        c->ifs = AS_SEQ(wf_ast_expr_seq, ifs);
        if (!vec_push(P, &gens, c))
            return false;
    }
    *out = AS_SEQ(wf_ast_comprehension_seq, gens);
    return true;
}

// ===== Atoms =====

static void
note_starred(parser *P, const wf_lex_token *t)
{
    if (P->star_tok == NULL)
        P->star_tok = t;
}

// An element of a display or of star_expressions: expression or `*expr`.
wf_ast_expr *
wf_parse_star_named_expression(parser *P)
{
    if (at(P, WF_TOK_STAR)) {
        const wf_lex_token *star = advance(P);
        note_starred(P, star);
        wf_ast_expr *inner = wf_parse_bitor_expr(P);
        if (inner == NULL)
            return NULL;
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_STARRED, star);
        if (e == NULL)
            return NULL;
        e->v.starred.value = inner;
        return e;
    }
    return wf_parse_expression(P);
}

// Remaining elements after the first of a list/tuple/set, up to [close].
static bool
more_elements(parser *P, vec *elts, wf_lex_type close)
{
    while (accept(P, WF_TOK_COMMA)) {
        if (at(P, close))
            break;
        wf_ast_expr *e = wf_parse_star_named_expression(P);
        if (e == NULL || !vec_push(P, elts, e))
            return false;
    }
    return true;
}

static wf_ast_expr *
paren_atom(parser *P)
{
    const wf_lex_token *open = advance(P);
    if (accept(P, WF_TOK_RPAR))
        return expr_from_tok(P, WF_AST_EXPR_TUPLE, open);
    if (at_kw(P, WF_KW_YIELD)) {
        wf_ast_expr *y = wf_parse_yield_expr(P);
        if (y == NULL || !expect_close(P, WF_TOK_RPAR))
            return NULL;
        return y;
    }
    wf_ast_expr *first = wf_parse_star_named_expression(P);
    if (first == NULL)
        return NULL;
    if (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
        wf_ast_comprehension_seq gens;
        if (!comprehension_clauses(P, &gens) || !expect_close(P, WF_TOK_RPAR))
            return NULL;
        wf_ast_expr *g = expr_from_tok(P, WF_AST_EXPR_GENERATOR_EXP, open);
        if (g == NULL)
            return NULL;
        g->v.generator_exp.elt = first;
        g->v.generator_exp.generators = gens;
        return g;
    }
    if (accept(P, WF_TOK_RPAR)) {
        if (first->kind == WF_AST_EXPR_STARRED) {
            ERR_NODE(P, first, "cannot use starred expression here");
            return NULL;
        }
        return first;
    }
    if (!at(P, WF_TOK_COMMA)) {
        if (at(P, WF_TOK_COLONEQUAL))
            ERR_TOK(P, cur(P), "assignment expressions are not supported by Weft");
        else
            expect_close(P, WF_TOK_RPAR);
        return NULL;
    }
    vec elts = {0};
    if (!vec_push(P, &elts, first) || !more_elements(P, &elts, WF_TOK_RPAR) ||
        !expect_close(P, WF_TOK_RPAR))
        return NULL;
    wf_ast_expr *t = expr_from_tok(P, WF_AST_EXPR_TUPLE, open);
    if (t == NULL)
        return NULL;
    t->v.tuple.elts = AS_SEQ(wf_ast_expr_seq, elts);
    return t;
}

static wf_ast_expr *
list_atom(parser *P)
{
    const wf_lex_token *open = advance(P);
    vec elts = {0};
    if (!at(P, WF_TOK_RSQB)) {
        wf_ast_expr *first = wf_parse_star_named_expression(P);
        if (first == NULL)
            return NULL;
        if (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
            wf_ast_comprehension_seq gens;
            if (!comprehension_clauses(P, &gens) || !expect_close(P, WF_TOK_RSQB))
                return NULL;
            wf_ast_expr *c = expr_from_tok(P, WF_AST_EXPR_LIST_COMP, open);
            if (c == NULL)
                return NULL;
            c->v.list_comp.elt = first;
            c->v.list_comp.generators = gens;
            return c;
        }
        if (!vec_push(P, &elts, first) || !more_elements(P, &elts, WF_TOK_RSQB))
            return NULL;
    }
    if (!expect_close(P, WF_TOK_RSQB))
        return NULL;
    wf_ast_expr *l = expr_from_tok(P, WF_AST_EXPR_LIST, open);
    if (l == NULL)
        return NULL;
    l->v.list.elts = AS_SEQ(wf_ast_expr_seq, elts);
    return l;
}

static wf_ast_expr *
brace_atom(parser *P)
{
    const wf_lex_token *open = advance(P);
    if (accept(P, WF_TOK_RBRACE))
        return expr_from_tok(P, WF_AST_EXPR_DICT, open);
    if (at(P, WF_TOK_DOUBLESTAR)) {
        ERR_TOK(P, cur(P), "dict unpacking (**) in dict displays is not supported by Weft");
        return NULL;
    }
    wf_ast_expr *first = wf_parse_star_named_expression(P);
    if (first == NULL)
        return NULL;
    if (accept(P, WF_TOK_COLON)) {
        if (first->kind == WF_AST_EXPR_STARRED) {
            ERR_NODE(P, first, "cannot use a starred expression in a dictionary key");
            return NULL;
        }
        wf_ast_expr *value = wf_parse_expression(P);
        if (value == NULL)
            return NULL;
        if (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
            wf_ast_comprehension_seq gens;
            if (!comprehension_clauses(P, &gens) || !expect_close(P, WF_TOK_RBRACE))
                return NULL;
            wf_ast_expr *c = expr_from_tok(P, WF_AST_EXPR_DICT_COMP, open);
            if (c == NULL)
                return NULL;
            c->v.dict_comp.key = first;
            c->v.dict_comp.value = value;
            c->v.dict_comp.generators = gens;
            return c;
        }
        vec keys = {0}, values = {0};
        if (!vec_push(P, &keys, first) || !vec_push(P, &values, value))
            return NULL;
        while (accept(P, WF_TOK_COMMA)) {
            if (at(P, WF_TOK_RBRACE))
                break;
            if (at(P, WF_TOK_DOUBLESTAR)) {
                ERR_TOK(P, cur(P), "dict unpacking (**) in dict displays is not supported by Weft");
                return NULL;
            }
            wf_ast_expr *k = wf_parse_expression(P);
            if (k == NULL)
                return NULL;
            if (!expect(P, WF_TOK_COLON, ":"))
                return NULL;
            wf_ast_expr *v = wf_parse_expression(P);
            if (v == NULL || !vec_push(P, &keys, k) || !vec_push(P, &values, v))
                return NULL;
        }
        if (!expect_close(P, WF_TOK_RBRACE))
            return NULL;
        wf_ast_expr *d = expr_from_tok(P, WF_AST_EXPR_DICT, open);
        if (d == NULL)
            return NULL;
        d->v.dict.keys = AS_SEQ(wf_ast_expr_seq, keys);
        d->v.dict.values = AS_SEQ(wf_ast_expr_seq, values);
        return d;
    }
    if (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
        wf_ast_comprehension_seq gens;
        if (!comprehension_clauses(P, &gens) || !expect_close(P, WF_TOK_RBRACE))
            return NULL;
        wf_ast_expr *c = expr_from_tok(P, WF_AST_EXPR_SET_COMP, open);
        if (c == NULL)
            return NULL;
        c->v.set_comp.elt = first;
        c->v.set_comp.generators = gens;
        return c;
    }
    vec elts = {0};
    if (!vec_push(P, &elts, first) || !more_elements(P, &elts, WF_TOK_RBRACE) ||
        !expect_close(P, WF_TOK_RBRACE))
        return NULL;
    wf_ast_expr *s = expr_from_tok(P, WF_AST_EXPR_SET, open);
    if (s == NULL)
        return NULL;
    s->v.set.elts = AS_SEQ(wf_ast_expr_seq, elts);
    return s;
}

static wf_ast_expr *
atom(parser *P)
{
    const wf_lex_token *t = cur(P);
    switch (t->type) {
    case WF_TOK_NAME: {
        wf_ast_const_kind ck;
        switch (t->kw) {
        case WF_KW_NONE_: {
            advance(P);
            wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_NAME, t);
            if (e == NULL || (e->v.name.id = tok_str(P, t)) == NULL)
                return NULL;
            return e;
        }
        case WF_KW_TRUE: ck = WF_AST_CONST_TRUE; break;
        case WF_KW_FALSE: ck = WF_AST_CONST_FALSE; break;
        case WF_KW_NONE: ck = WF_AST_CONST_NONE; break;
        case WF_KW_AWAIT:
            ERR_TOK(P, t, "'await' expressions are not supported by Weft");
            return NULL;
        default:
            wf_parse_invalid_syntax(P);
            return NULL;
        }
        advance(P);
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_CONSTANT, t);
        if (e != NULL)
            e->v.constant.kind = ck;
        return e;
    }
    case WF_TOK_NUMBER:
        return wf_parse_number(P);
    case WF_TOK_STRING:
    case WF_TOK_FSTRING_START:
        return wf_parse_strings(P);
    case WF_TOK_ELLIPSIS: {
        advance(P);
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_CONSTANT, t);
        if (e != NULL)
            e->v.constant.kind = WF_AST_CONST_ELLIPSIS;
        return e;
    }
    case WF_TOK_LPAR:
        return paren_atom(P);
    case WF_TOK_LSQB:
        return list_atom(P);
    case WF_TOK_LBRACE:
        return brace_atom(P);
    default:
        wf_parse_invalid_syntax(P);
        return NULL;
    }
}

// ===== Calls, subscripts, primaries =====

bool
wf_parse_call_args(parser *P, wf_lex_type close, vec *args, vec *keywords)
{
    bool seen_kw = false, seen_dstar = false;
    while (!at(P, close)) {
        const wf_lex_token *t = cur(P);
        if (at(P, WF_TOK_STAR)) {
            advance(P);
            wf_ast_expr *v = wf_parse_expression(P);
            if (v == NULL)
                return false;
            if (seen_dstar) {
                ERR_TOK(P, t, "iterable argument unpacking follows keyword argument unpacking");
                return false;
            }
            wf_ast_expr *s = expr_from_tok(P, WF_AST_EXPR_STARRED, t);
            if (s == NULL)
                return false;
            s->v.starred.value = v;
            if (!vec_push(P, args, s))
                return false;
        } else if (at(P, WF_TOK_DOUBLESTAR)) {
            advance(P);
            wf_ast_expr *v = wf_parse_expression(P);
            if (v == NULL)
                return false;
            wf_ast_keyword *k = alloc(P, sizeof *k);
            if (k == NULL)
                return false;
            k->value = v;
            k->lineno = t->lineno;
            k->col_offset = t->col;
            k->end_lineno = prev(P)->end_lineno;
            k->end_col_offset = prev(P)->end_col;
            seen_dstar = true;
            if (!vec_push(P, keywords, k))
                return false;
        } else if (t->type == WF_TOK_NAME && t->kw == WF_KW_NONE_ &&
                   peek_tok(P, 1)->type == WF_TOK_EQUAL) {
            advance(P);
            advance(P);
            wf_ast_expr *v = wf_parse_expression(P);
            if (v == NULL)
                return false;
            wf_ast_keyword *k = alloc(P, sizeof *k);
            if (k == NULL || (k->arg = tok_str(P, t)) == NULL)
                return false;
            k->value = v;
            k->lineno = t->lineno;
            k->col_offset = t->col;
            k->end_lineno = prev(P)->end_lineno;
            k->end_col_offset = prev(P)->end_col;
            seen_kw = true;
            if (!vec_push(P, keywords, k))
                return false;
        } else {
            wf_ast_expr *v = wf_parse_expression(P);
            if (v == NULL)
                return false;
            if (at(P, WF_TOK_EQUAL)) {
                ERR_NODE(P, v, "expression cannot contain assignment, perhaps you meant \"==\"?");
                return false;
            }
            if (at(P, WF_TOK_COLONEQUAL)) {
                ERR_TOK(P, cur(P), "assignment expressions are not supported by Weft");
                return false;
            }
            if (at_kw(P, WF_KW_FOR) || at_kw(P, WF_KW_ASYNC)) {
                // f(x for x in y): the genexp spans the call's parentheses.
                bool sole = args->n == 0 && keywords->n == 0;
                wf_ast_comprehension_seq gens;
                if (!comprehension_clauses(P, &gens))
                    return false;
                wf_ast_expr *g;
                if (sole && at(P, close)) {
                    // Opening paren is the token before [v]'s first token.
                    g = new_expr(P, WF_AST_EXPR_GENERATOR_EXP, v->lineno, v->col_offset,
                                 cur(P)->end_lineno, cur(P)->end_col);
                } else {
                    g = new_expr(P, WF_AST_EXPR_GENERATOR_EXP, v->lineno, v->col_offset,
                                 prev(P)->end_lineno, prev(P)->end_col);
                    if (g != NULL)
                        ERR_NODE(P, g, "Generator expression must be parenthesized");
                    return false;
                }
                if (g == NULL)
                    return false;
                g->v.generator_exp.elt = v;
                g->v.generator_exp.generators = gens;
                v = g;
            } else if (seen_dstar) {
                ERR_NODE(P, v, "positional argument follows keyword argument unpacking");
                return false;
            } else if (seen_kw) {
                ERR_NODE(P, v, "positional argument follows keyword argument");
                return false;
            }
            if (!vec_push(P, args, v))
                return false;
        }
        if (!accept(P, WF_TOK_COMMA))
            break;
        if (args->n == 1 && keywords->n == 0 &&
            ((wf_ast_expr *)args->items[0])->kind == WF_AST_EXPR_GENERATOR_EXP &&
            !at(P, close)) {
            ERR_NODE(P, (wf_ast_expr *)args->items[0], "Generator expression must be parenthesized");
            return false;
        }
    }
    return expect_close(P, close);
}

// One slice item: expression or lower:upper[:step].
static wf_ast_expr *
slice_item(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *lower = NULL;
    if (!at(P, WF_TOK_COLON)) {
        if (at(P, WF_TOK_STAR)) {
            lower = wf_parse_star_named_expression(P);
            return lower;
        }
        lower = wf_parse_expression(P);
        if (lower == NULL || !at(P, WF_TOK_COLON))
            return lower;
    }
    advance(P);
    wf_ast_expr *upper = NULL, *step = NULL;
    if (!at(P, WF_TOK_COLON) && !at(P, WF_TOK_COMMA) && !at(P, WF_TOK_RSQB)) {
        upper = wf_parse_expression(P);
        if (upper == NULL)
            return NULL;
    }
    if (accept(P, WF_TOK_COLON)) {
        if (!at(P, WF_TOK_COMMA) && !at(P, WF_TOK_RSQB)) {
            step = wf_parse_expression(P);
            if (step == NULL)
                return NULL;
        }
    }
    wf_ast_expr *s = expr_from_tok(P, WF_AST_EXPR_SLICE, first);
    if (s == NULL)
        return NULL;
    s->v.slice.lower = lower;
    s->v.slice.upper = upper;
    s->v.slice.step = step;
    return s;
}

static wf_ast_expr *
slices(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *e = slice_item(P);
    if (e == NULL || !at(P, WF_TOK_COMMA))
        return e;
    vec elts = {0};
    if (!vec_push(P, &elts, e))
        return NULL;
    while (accept(P, WF_TOK_COMMA)) {
        if (at(P, WF_TOK_RSQB))
            break;
        wf_ast_expr *x = slice_item(P);
        if (x == NULL || !vec_push(P, &elts, x))
            return NULL;
    }
    wf_ast_expr *t = expr_from_tok(P, WF_AST_EXPR_TUPLE, first);
    if (t == NULL)
        return NULL;
    t->v.tuple.elts = AS_SEQ(wf_ast_expr_seq, elts);
    return t;
}

static wf_ast_expr *
primary(parser *P)
{
    if (!enter(P))
        return NULL;
    // Spans start at the first token, so `(a).b` starts at '(' as in CPython.
    const wf_lex_token *first = cur(P);
    wf_ast_expr *e = atom(P);
    while (e != NULL) {
        if (at(P, WF_TOK_DOT)) {
            advance(P);
            const wf_lex_token *name = cur(P);
            if (name->type != WF_TOK_NAME || name->kw != WF_KW_NONE_) {
                wf_parse_invalid_syntax(P);
                LEAVE(P, NULL);
            }
            advance(P);
            wf_ast_expr *a = new_expr(P, WF_AST_EXPR_ATTRIBUTE, first->lineno, first->col,
                                      name->end_lineno, name->end_col);
            if (a == NULL || (a->v.attribute.attr = tok_str(P, name)) == NULL)
                LEAVE(P, NULL);
            a->v.attribute.value = e;
            e = a;
        } else if (at(P, WF_TOK_LPAR)) {
            const wf_lex_token *lpar = advance(P);
            vec args = {0}, kws = {0};
            if (!wf_parse_call_args(P, WF_TOK_RPAR, &args, &kws))
                LEAVE(P, NULL);
            const wf_lex_token *close = prev(P);
            wf_ast_expr *c = new_expr(P, WF_AST_EXPR_CALL, first->lineno, first->col,
                                      close->end_lineno, close->end_col);
            if (c == NULL)
                LEAVE(P, NULL);
            c->v.call.func = e;
            c->v.call.args = AS_SEQ(wf_ast_expr_seq, args);
            c->v.call.keywords = AS_SEQ(wf_ast_keyword_seq, kws);
            // A sole generator argument starts at the call's '('.
            if (args.n == 1 && kws.n == 0 &&
                c->v.call.args.items[0]->kind == WF_AST_EXPR_GENERATOR_EXP) {
                wf_ast_expr *g = c->v.call.args.items[0];
                g->lineno = lpar->lineno;
                g->col_offset = lpar->col;
            }
            e = c;
        } else if (at(P, WF_TOK_LSQB)) {
            advance(P);
            wf_ast_expr *s = slices(P);
            if (s == NULL || !expect_close(P, WF_TOK_RSQB))
                LEAVE(P, NULL);
            const wf_lex_token *close = prev(P);
            wf_ast_expr *sub = new_expr(P, WF_AST_EXPR_SUBSCRIPT, first->lineno, first->col,
                                        close->end_lineno, close->end_col);
            if (sub == NULL)
                LEAVE(P, NULL);
            sub->v.subscript.value = e;
            sub->v.subscript.slice = s;
            e = sub;
        } else {
            break;
        }
    }
    LEAVE(P, e);
}

// ===== Operators =====

static wf_ast_expr *factor(parser *P);

static wf_ast_expr *
power(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *left = primary(P);
    if (left == NULL || !at(P, WF_TOK_DOUBLESTAR))
        return left;
    advance(P);
    if (!enter(P))
        return NULL;
    wf_ast_expr *right = factor(P);
    P->depth--;
    if (right == NULL)
        return NULL;
    wf_ast_expr *b = expr_from_tok(P, WF_AST_EXPR_BIN_OP, first);
    if (b == NULL)
        return NULL;
    b->v.bin_op.left = left;
    b->v.bin_op.op = WF_AST_POW;
    b->v.bin_op.right = right;
    return b;
}

static wf_ast_expr *
factor(parser *P)
{
    if (!enter(P))
        return NULL;
    const wf_lex_token *t = cur(P);
    wf_ast_unaryop op;
    if (t->type == WF_TOK_MINUS) op = WF_AST_USUB;
    else if (t->type == WF_TOK_PLUS) op = WF_AST_UADD;
    else if (t->type == WF_TOK_TILDE) op = WF_AST_INVERT;
    else {
        wf_ast_expr *p = power(P);
        LEAVE(P, p);
    }
    advance(P);
    wf_ast_expr *operand = factor(P);
    if (operand == NULL)
        LEAVE(P, NULL);
    wf_ast_expr *u = expr_from_tok(P, WF_AST_EXPR_UNARY_OP, t);
    if (u == NULL)
        LEAVE(P, NULL);
    u->v.unary_op.op = op;
    u->v.unary_op.operand = operand;
    LEAVE(P, u);
}

static bool
binop_of(wf_lex_type t, int level, wf_ast_operator *op)
{
    switch (level) {
    case 0: if (t == WF_TOK_VBAR) { *op = WF_AST_BIT_OR; return true; } return false;
    case 1: if (t == WF_TOK_CIRCUMFLEX) { *op = WF_AST_BIT_XOR; return true; } return false;
    case 2: if (t == WF_TOK_AMPER) { *op = WF_AST_BIT_AND; return true; } return false;
    case 3:
        if (t == WF_TOK_LEFTSHIFT) { *op = WF_AST_L_SHIFT; return true; }
        if (t == WF_TOK_RIGHTSHIFT) { *op = WF_AST_R_SHIFT; return true; }
        return false;
    case 4:
        if (t == WF_TOK_PLUS) { *op = WF_AST_ADD; return true; }
        if (t == WF_TOK_MINUS) { *op = WF_AST_SUB; return true; }
        return false;
    default:
        switch (t) {
        case WF_TOK_STAR: *op = WF_AST_MULT; return true;
        case WF_TOK_SLASH: *op = WF_AST_DIV; return true;
        case WF_TOK_DOUBLESLASH: *op = WF_AST_FLOOR_DIV; return true;
        case WF_TOK_PERCENT: *op = WF_AST_MOD; return true;
        case WF_TOK_AT: *op = WF_AST_MAT_MULT; return true;
        default: return false;
        }
    }
}

// Left-associative binary levels: | ^ & shifts + * (level 0..5).
static wf_ast_expr *
binary(parser *P, int level)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *left = level == 5 ? factor(P) : binary(P, level + 1);
    wf_ast_operator op;
    while (left != NULL && binop_of(cur(P)->type, level, &op)) {
        advance(P);
        wf_ast_expr *right = level == 5 ? factor(P) : binary(P, level + 1);
        if (right == NULL)
            return NULL;
        wf_ast_expr *b = expr_from_tok(P, WF_AST_EXPR_BIN_OP, first);
        if (b == NULL)
            return NULL;
        b->v.bin_op.left = left;
        b->v.bin_op.op = op;
        b->v.bin_op.right = right;
        left = b;
    }
    return left;
}

wf_ast_expr *
wf_parse_bitor_expr(parser *P)
{
    return binary(P, 0);
}

static bool
cmpop(parser *P, wf_ast_cmpop *op)
{
    const wf_lex_token *t = cur(P);
    switch (t->type) {
    case WF_TOK_EQEQUAL: *op = WF_AST_EQ; break;
    case WF_TOK_NOTEQUAL: *op = WF_AST_NOT_EQ; break;
    case WF_TOK_LESS: *op = WF_AST_LT; break;
    case WF_TOK_LESSEQUAL: *op = WF_AST_LT_E; break;
    case WF_TOK_GREATER: *op = WF_AST_GT; break;
    case WF_TOK_GREATEREQUAL: *op = WF_AST_GT_E; break;
    case WF_TOK_NAME:
        if (t->kw == WF_KW_IN) {
            *op = WF_AST_IN;
        } else if (t->kw == WF_KW_NOT && peek_tok(P, 1)->type == WF_TOK_NAME &&
                   peek_tok(P, 1)->kw == WF_KW_IN) {
            advance(P);
            *op = WF_AST_NOT_IN;
        } else if (t->kw == WF_KW_IS) {
            if (peek_tok(P, 1)->type == WF_TOK_NAME && peek_tok(P, 1)->kw == WF_KW_NOT) {
                advance(P);
                *op = WF_AST_IS_NOT;
            } else {
                *op = WF_AST_IS;
            }
        } else {
            return false;
        }
        break;
    default:
        return false;
    }
    advance(P);
    return true;
}

static wf_ast_expr *
comparison(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *left = wf_parse_bitor_expr(P);
    if (left == NULL)
        return NULL;
    vec comps = {0};
    size_t nops = 0;
    wf_ast_cmpop *opv = NULL;
    size_t opcap = 0;
    wf_ast_cmpop op;
    while (cmpop(P, &op)) {
        if (nops == opcap) {
            size_t cap = opcap ? opcap * 2 : 4;
            wf_ast_cmpop *nv = alloc(P, cap * sizeof *nv);
            if (nv == NULL)
                return NULL;
            if (nops)
                memcpy(nv, opv, nops * sizeof *nv);
            opv = nv;
            opcap = cap;
        }
        opv[nops++] = op;
        wf_ast_expr *right = wf_parse_bitor_expr(P);
        if (right == NULL || !vec_push(P, &comps, right))
            return NULL;
    }
    if (nops == 0)
        return left;
    wf_ast_expr *c = expr_from_tok(P, WF_AST_EXPR_COMPARE, first);
    if (c == NULL)
        return NULL;
    c->v.compare.left = left;
    c->v.compare.ops.items = opv;
    c->v.compare.ops.n = nops;
    c->v.compare.comparators = AS_SEQ(wf_ast_expr_seq, comps);
    return c;
}

static wf_ast_expr *
inversion(parser *P)
{
    if (!enter(P))
        return NULL;
    if (!at_kw(P, WF_KW_NOT)) {
        wf_ast_expr *e = comparison(P);
        LEAVE(P, e);
    }
    const wf_lex_token *t = advance(P);
    wf_ast_expr *operand = inversion(P);
    if (operand == NULL)
        LEAVE(P, NULL);
    wf_ast_expr *u = expr_from_tok(P, WF_AST_EXPR_UNARY_OP, t);
    if (u == NULL)
        LEAVE(P, NULL);
    u->v.unary_op.op = WF_AST_NOT;
    u->v.unary_op.operand = operand;
    LEAVE(P, u);
}

static wf_ast_expr *
boolop(parser *P, wf_lex_kw kw)
{
    const wf_lex_token *ftok = cur(P);
    wf_ast_expr *first = kw == WF_KW_OR ? boolop(P, WF_KW_AND) : inversion(P);
    if (first == NULL || !at_kw(P, kw))
        return first;
    vec values = {0};
    if (!vec_push(P, &values, first))
        return NULL;
    while (accept_kw(P, kw)) {
        wf_ast_expr *v = kw == WF_KW_OR ? boolop(P, WF_KW_AND) : inversion(P);
        if (v == NULL || !vec_push(P, &values, v))
            return NULL;
    }
    wf_ast_expr *b = expr_from_tok(P, WF_AST_EXPR_BOOL_OP, ftok);
    if (b == NULL)
        return NULL;
    b->v.bool_op.op = kw == WF_KW_OR ? WF_AST_OR : WF_AST_AND;
    b->v.bool_op.values = AS_SEQ(wf_ast_expr_seq, values);
    return b;
}

static wf_ast_expr *
disjunction(parser *P)
{
    return boolop(P, WF_KW_OR);
}

// ===== Parameters =====

static wf_ast_arg *
param(parser *P, bool annotations)
{
    const wf_lex_token *t = cur(P);
    if (!is_name(t)) {
        wf_parse_invalid_syntax(P);
        return NULL;
    }
    advance(P);
    wf_ast_arg *a = alloc(P, sizeof *a);
    if (a == NULL || (a->arg = tok_str(P, t)) == NULL)
        return NULL;
    if (annotations && accept(P, WF_TOK_COLON)) {
        a->annotation = wf_parse_expression(P);
        if (a->annotation == NULL)
            return NULL;
    }
    const wf_lex_token *e = prev(P);
    a->lineno = t->lineno;
    a->col_offset = t->col;
    a->end_lineno = e->end_lineno;
    a->end_col_offset = e->end_col;
    return a;
}

// Parameters up to [close] (RPAR for def, COLON for lambda; not consumed).
wf_ast_arguments *
wf_parse_parameters(parser *P, wf_lex_type close, bool annotations)
{
    wf_ast_arguments *args = alloc(P, sizeof *args);
    if (args == NULL)
        return NULL;
    vec pos = {0}, defaults = {0}, kwonly = {0}, kwdefaults = {0};
    bool star = false;
    bool slash_done = false;
    while (!at(P, close)) {
        const wf_lex_token *t = cur(P);
        if (args->kwarg != NULL) {
            ERR_TOK(P, t, "arguments cannot follow var-keyword argument");
            return NULL;
        }
        if (at(P, WF_TOK_SLASH)) {
            if (slash_done || star || pos.n == 0) {
                ERR_TOK(P, t, slash_done ? "/ may appear only once"
                              : star ? "/ must be ahead of *"
                                     : "at least one argument must precede /");
                return NULL;
            }
            advance(P);
            args->posonlyargs = AS_SEQ(wf_ast_arg_seq, pos);
            pos = (vec){0};
            slash_done = true;
        } else if (at(P, WF_TOK_DOUBLESTAR)) {
            advance(P);
            args->kwarg = param(P, annotations);
            if (args->kwarg == NULL)
                return NULL;
            if (at(P, WF_TOK_EQUAL)) {
                ERR_TOK(P, cur(P), "var-keyword argument cannot have default value");
                return NULL;
            }
        } else if (at(P, WF_TOK_STAR)) {
            if (star) {
                ERR_TOK(P, t, "* argument may appear only once");
                return NULL;
            }
            advance(P);
            star = true;
            if (at(P, WF_TOK_COMMA)) {
                const wf_lex_token *n = peek_tok(P, 1);
                if (n->type == close || n->type == WF_TOK_DOUBLESTAR) {
                    ERR_TOK(P, t, "named arguments must follow bare *");
                    return NULL;
                }
            } else if (at(P, close)) {
                ERR_TOK(P, t, "named arguments must follow bare *");
                return NULL;
            } else {
                args->vararg = param(P, annotations);
                if (args->vararg == NULL)
                    return NULL;
                if (at(P, WF_TOK_EQUAL)) {
                    ERR_TOK(P, cur(P), "var-positional argument cannot have default value");
                    return NULL;
                }
            }
        } else {
            wf_ast_arg *a = param(P, annotations);
            if (a == NULL)
                return NULL;
            wf_ast_expr *def = NULL;
            if (accept(P, WF_TOK_EQUAL)) {
                def = wf_parse_expression(P);
                if (def == NULL)
                    return NULL;
            }
            if (star) {
                if (!vec_push(P, &kwonly, a) || !vec_push(P, &kwdefaults, def))
                    return NULL;
            } else {
                if (def == NULL && defaults.n > 0) {
                    wf_parse_set_error(P, "SyntaxError", a->lineno, a->col_offset, a->end_lineno,
                                       a->end_col_offset, "parameter without a default follows parameter with a default");
                    return NULL;
                }
                if (!vec_push(P, &pos, a) || (def != NULL && !vec_push(P, &defaults, def)))
                    return NULL;
            }
        }
        if (!accept(P, WF_TOK_COMMA))
            break;
    }
    if (P->failed)
        return NULL;
    args->args = AS_SEQ(wf_ast_arg_seq, pos);
    args->defaults = AS_SEQ(wf_ast_expr_seq, defaults);
    args->kwonlyargs = AS_SEQ(wf_ast_arg_seq, kwonly);
    args->kw_defaults = AS_SEQ(wf_ast_expr_seq, kwdefaults);
    return args;
}

// ===== Expressions =====

// A lambda counts one level more than its body, as CPython's grammar does.
static wf_ast_expr *
lambda_body(parser *P)
{
    const wf_lex_token *t = advance(P);
    wf_ast_arguments *args = wf_parse_parameters(P, WF_TOK_COLON, false);
    if (args == NULL || !expect(P, WF_TOK_COLON, ":"))
        return NULL;
    wf_ast_expr *body = wf_parse_expression(P);
    if (body == NULL)
        return NULL;
    wf_ast_expr *l = expr_from_tok(P, WF_AST_EXPR_LAMBDA, t);
    if (l == NULL)
        return NULL;
    l->v.lambda.args = args;
    l->v.lambda.body = body;
    return l;
}

static wf_ast_expr *
lambda_expr(parser *P)
{
    if (!enter(P))
        return NULL;
    wf_ast_expr *l = lambda_body(P);
    LEAVE(P, l);
}

wf_ast_expr *
wf_parse_expression(parser *P)
{
    if (!enter(P))
        return NULL;
    if (at_kw(P, WF_KW_LAMBDA)) {
        wf_ast_expr *l = lambda_expr(P);
        LEAVE(P, l);
    }
    const wf_lex_token *first = cur(P);
    wf_ast_expr *body = disjunction(P);
    if (body == NULL)
        LEAVE(P, NULL);
    if (at(P, WF_TOK_COLONEQUAL)) {
        ERR_TOK(P, cur(P), "assignment expressions are not supported by Weft");
        LEAVE(P, NULL);
    }
    if (!at_kw(P, WF_KW_IF))
        LEAVE(P, body);
    advance(P);
    wf_ast_expr *test = disjunction(P);
    if (test == NULL)
        LEAVE(P, NULL);
    if (!accept_kw(P, WF_KW_ELSE)) {
        if (!P->failed)
            wf_parse_set_error(P, "SyntaxError", body->lineno, body->col_offset, test->end_lineno,
                               test->end_col_offset, "expected 'else' after 'if' expression");
        LEAVE(P, NULL);
    }
    wf_ast_expr *orelse = wf_parse_expression(P);
    if (orelse == NULL)
        LEAVE(P, NULL);
    wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_IF_EXP, first);
    if (e == NULL)
        LEAVE(P, NULL);
    e->v.if_exp.test = test;
    e->v.if_exp.body = body;
    e->v.if_exp.orelse = orelse;
    LEAVE(P, e);
}

// Can the current token start an expression?
bool
wf_parse_starts_expr(parser *P)
{
    const wf_lex_token *t = cur(P);
    switch (t->type) {
    case WF_TOK_NAME:
        return t->kw == WF_KW_NONE_ || t->kw == WF_KW_TRUE || t->kw == WF_KW_FALSE ||
               t->kw == WF_KW_NONE || t->kw == WF_KW_NOT || t->kw == WF_KW_LAMBDA ||
               t->kw == WF_KW_AWAIT;
    case WF_TOK_NUMBER: case WF_TOK_STRING: case WF_TOK_FSTRING_START:
    case WF_TOK_LPAR: case WF_TOK_LSQB: case WF_TOK_LBRACE: case WF_TOK_MINUS:
    case WF_TOK_PLUS: case WF_TOK_TILDE: case WF_TOK_ELLIPSIS: case WF_TOK_STAR:
        return true;
    default:
        return false;
    }
}

// expression (',' expression)* [','] -> a Tuple when there is a comma.
wf_ast_expr *
wf_parse_star_expressions(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *e = wf_parse_star_named_expression(P);
    if (e == NULL || !at(P, WF_TOK_COMMA))
        return e;
    vec elts = {0};
    if (!vec_push(P, &elts, e))
        return NULL;
    while (accept(P, WF_TOK_COMMA)) {
        if (!wf_parse_starts_expr(P))
            break;
        wf_ast_expr *x = wf_parse_star_named_expression(P);
        if (x == NULL || !vec_push(P, &elts, x))
            return NULL;
    }
    wf_ast_expr *t = expr_from_tok(P, WF_AST_EXPR_TUPLE, first);
    if (t == NULL)
        return NULL;
    t->v.tuple.elts = AS_SEQ(wf_ast_expr_seq, elts);
    return t;
}

wf_ast_expr *
wf_parse_yield_expr(parser *P)
{
    const wf_lex_token *t = advance(P);
    if (accept_kw(P, WF_KW_FROM)) {
        wf_ast_expr *v = wf_parse_expression(P);
        if (v == NULL)
            return NULL;
        wf_ast_expr *y = expr_from_tok(P, WF_AST_EXPR_YIELD_FROM, t);
        if (y != NULL)
            y->v.yield_from.value = v;
        return y;
    }
    wf_ast_expr *v = NULL;
    if (wf_parse_starts_expr(P)) {
        v = wf_parse_star_expressions(P);
        if (v == NULL)
            return NULL;
    }
    wf_ast_expr *y = expr_from_tok(P, WF_AST_EXPR_YIELD, t);
    if (y != NULL)
        y->v.yield.value = v;
    return y;
}

wf_ast_expr *
wf_parse_yield_or_star_expressions(parser *P)
{
    return at_kw(P, WF_KW_YIELD) ? wf_parse_yield_expr(P) : wf_parse_star_expressions(P);
}
