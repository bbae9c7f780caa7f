// runtime/compiler/parse.c -- the parser of Weft Python (wf_parse_*).
// Recursive descent over tokens fetched lazily from wf_lex (so a syntax
// error early in a file wins over a tokenizer error later, as in CPython).
// Builds the CPython-shaped AST of ast.h with CPython's node positions.
// Constructs outside the subset in LANGUAGE.md become SyntaxErrors here.
// Recursion is bounded by WF_PARSE_MAX_DEPTH and the C stack guard.
// This file: token fetch, errors, statements and the entry point;
// expressions are in parse_expr.c, literals in literal.c, and what they
// share in parse_int.h.
#include "compiler/parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/lex.h"
#include "compiler/parse_int.h"

// ===== Parser state =====

#define TOK_CHUNK 1024

// Record the first error; cols are 0-based here and stored 1-based.
int
wf_parse_set_error(parser *P, const char *kind, int lineno, int col, int end_lineno,
                   int end_col, const char *fmt, ...)
{
    if (P->failed)
        return -1;
    P->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof P->err->msg, fmt, ap);
    va_end(ap);
    snprintf(P->err->kind, sizeof P->err->kind, "%s", kind);
    P->err->lineno = lineno;
    P->err->col_offset = col + 1;
    P->err->end_lineno = end_lineno;
    P->err->end_col_offset = end_col + 1;
    return -1;
}

void
wf_parse_oom(parser *P)
{
    wf_parse_set_error(P, "MemoryError", 1, 0, 1, 0, "out of memory");
}

const wf_lex_token wf_parse_endtok = {WF_TOK_ENDMARKER, WF_KW_NONE_, 0, 0, 1, 0, 1, 0};

// The token at index [i], fetching as needed. On a tokenizer error the
// parse fails with the tokenizer's message and ENDMARKER is returned.
const wf_lex_token *
wf_parse_tok_at(parser *P, size_t i)
{
    while (i >= P->ntoks) {
        if (P->failed)
            return &wf_parse_endtok;
        if (P->lex_done)
            return &P->chunks[(P->ntoks - 1) / TOK_CHUNK][(P->ntoks - 1) % TOK_CHUNK];
        if (P->ntoks == P->nchunks * TOK_CHUNK) {
            wf_lex_token **c = realloc(P->chunks, (P->nchunks + 1) * sizeof *c);
            if (c == NULL) {
                wf_parse_oom(P);
                return &wf_parse_endtok;
            }
            P->chunks = c;
            c[P->nchunks] = malloc(TOK_CHUNK * sizeof **c);
            if (c[P->nchunks] == NULL) {
                wf_parse_oom(P);
                return &wf_parse_endtok;
            }
            P->nchunks++;
        }
        wf_lex_token *t = &P->chunks[P->ntoks / TOK_CHUNK][P->ntoks % TOK_CHUNK];
        if (wf_lex_next(&P->lx, t) < 0) {
            // A tokenizer error wins over anything the parser had noted.
            P->failed = false;
            wf_parse_set_error(P, P->lx.err_kind, P->lx.err_lineno, P->lx.err_col,
                               P->lx.err_end_lineno, P->lx.err_end_col, "%s", P->lx.err_msg);
            return &wf_parse_endtok;
        }
        if (t->type == WF_TOK_ENDMARKER)
            P->lex_done = true;
        P->ntoks++;
    }
    return &P->chunks[i / TOK_CHUNK][i % TOK_CHUNK];
}

static bool
is_soft(const parser *P, const wf_lex_token *t, const char *word)
{
    size_t n = strlen(word);
    return t->type == WF_TOK_NAME && t->end - t->start == n &&
           memcmp(P->lx.src + t->start, word, n) == 0;
}

int
wf_parse_invalid_syntax(parser *P)
{
    const wf_lex_token *t = cur(P);
    if (P->failed)
        return -1;
    if (t->type == WF_TOK_INDENT)
        return wf_parse_set_error(P, "IndentationError", t->lineno, t->end_col - 1, t->lineno,
                                  t->end_col - 1, "unexpected indent");
    if (t->type == WF_TOK_DEDENT)
        return wf_parse_set_error(P, "IndentationError", t->lineno, t->col, t->lineno,
                                  t->col, "unexpected unindent");
    if (t->type == WF_TOK_ENDMARKER || t->type == WF_TOK_NEWLINE)
        return ERR_TOK(P, t, "invalid syntax");
    return ERR_TOK(P, t, "invalid syntax");
}

// ===== Allocation helpers =====

static wf_ast_stmt *
new_stmt(parser *P, wf_ast_stmt_kind kind, const wf_lex_token *a)
{
    wf_ast_stmt *s = alloc(P, sizeof *s);
    if (s == NULL)
        return NULL;
    const wf_lex_token *b = prev(P);
    s->kind = kind;
    s->lineno = a->lineno;
    s->col_offset = a->col;
    s->end_lineno = b->end_lineno;
    s->end_col_offset = b->end_col;
    return s;
}

static void
stmt_end_at_block(wf_ast_stmt *s, const wf_ast_stmt_seq *body)
{
    if (body->n > 0) {
        const wf_ast_stmt *last = body->items[body->n - 1];
        s->end_lineno = last->end_lineno;
        s->end_col_offset = last->end_col_offset;
    }
}

// ===== Forward declarations =====

static wf_ast_stmt_seq block(parser *P, const char *what, int line);
static bool statement(parser *P, vec *out);

// ===== Simple statements =====

static bool
augassign_op(wf_lex_type t, wf_ast_operator *op)
{
    switch (t) {
    case WF_TOK_PLUSEQUAL: *op = WF_AST_ADD; return true;
    case WF_TOK_MINEQUAL: *op = WF_AST_SUB; return true;
    case WF_TOK_STAREQUAL: *op = WF_AST_MULT; return true;
    case WF_TOK_ATEQUAL: *op = WF_AST_MAT_MULT; return true;
    case WF_TOK_SLASHEQUAL: *op = WF_AST_DIV; return true;
    case WF_TOK_PERCENTEQUAL: *op = WF_AST_MOD; return true;
    case WF_TOK_AMPEREQUAL: *op = WF_AST_BIT_AND; return true;
    case WF_TOK_VBAREQUAL: *op = WF_AST_BIT_OR; return true;
    case WF_TOK_CIRCUMFLEXEQUAL: *op = WF_AST_BIT_XOR; return true;
    case WF_TOK_LEFTSHIFTEQUAL: *op = WF_AST_L_SHIFT; return true;
    case WF_TOK_RIGHTSHIFTEQUAL: *op = WF_AST_R_SHIFT; return true;
    case WF_TOK_DOUBLESTAREQUAL: *op = WF_AST_POW; return true;
    case WF_TOK_DOUBLESLASHEQUAL: *op = WF_AST_FLOOR_DIV; return true;
    default: return false;
    }
}

static wf_ast_stmt *
expr_or_assign_stmt(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *e = wf_parse_yield_or_star_expressions(P);
    if (e == NULL)
        return NULL;
    wf_ast_operator op;
    if (at(P, WF_TOK_EQUAL)) {
        vec targets = {0};
        wf_ast_expr *value = e;
        while (accept(P, WF_TOK_EQUAL)) {
            if (!vec_push(P, &targets, value))
                return NULL;
            value = wf_parse_yield_or_star_expressions(P);
            if (value == NULL)
                return NULL;
        }
        // CPython adds its '==' hint only for a single target.
        for (size_t i = 0; i < targets.n; i++) {
            if (!wf_parse_set_context(P, targets.items[i], WF_AST_STORE, targets.n == 1))
                return NULL;
        }
        wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_ASSIGN, first);
        if (s == NULL)
            return NULL;
        s->v.assign.targets = AS_SEQ(wf_ast_expr_seq, targets);
        s->v.assign.value = value;
        return s;
    }
    if (augassign_op(cur(P)->type, &op)) {
        if (e->kind != WF_AST_EXPR_NAME && e->kind != WF_AST_EXPR_ATTRIBUTE &&
            e->kind != WF_AST_EXPR_SUBSCRIPT) {
            ERR_NODE(P, e, "'%s' is an illegal expression for augmented assignment",
                     wf_parse_expr_name(e));
            return NULL;
        }
        advance(P);
        wf_parse_set_context(P, e, WF_AST_STORE, false);
        wf_ast_expr *value = wf_parse_yield_or_star_expressions(P);
        if (value == NULL)
            return NULL;
        wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_AUG_ASSIGN, first);
        if (s == NULL)
            return NULL;
        s->v.aug_assign.target = e;
        s->v.aug_assign.op = op;
        s->v.aug_assign.value = value;
        return s;
    }
    if (at(P, WF_TOK_COLON)) {
        if (e->kind == WF_AST_EXPR_TUPLE) {
            ERR_NODE(P, e, "only single target (not tuple) can be annotated");
            return NULL;
        }
        if (e->kind == WF_AST_EXPR_LIST) {
            ERR_NODE(P, e, "only single target (not list) can be annotated");
            return NULL;
        }
        if (e->kind != WF_AST_EXPR_NAME && e->kind != WF_AST_EXPR_ATTRIBUTE &&
            e->kind != WF_AST_EXPR_SUBSCRIPT) {
            ERR_NODE(P, e, "illegal target for annotation");
            return NULL;
        }
        advance(P);
        wf_parse_set_context(P, e, WF_AST_STORE, false);
        wf_ast_expr *ann = wf_parse_expression(P);
        if (ann == NULL)
            return NULL;
        wf_ast_expr *value = NULL;
        if (accept(P, WF_TOK_EQUAL)) {
            value = wf_parse_yield_or_star_expressions(P);
            if (value == NULL)
                return NULL;
        }
        wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_ANN_ASSIGN, first);
        if (s == NULL)
            return NULL;
        s->v.ann_assign.target = e;
        s->v.ann_assign.annotation = ann;
        s->v.ann_assign.value = value;
        s->v.ann_assign.simple = e->kind == WF_AST_EXPR_NAME && first->type != WF_TOK_LPAR;
        return s;
    }
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_EXPR, first);
    if (s != NULL)
        s->v.expr.value = e;
    return s;
}

// A dotted name `a.b.c` as one arena string.
static const char *
dotted_name(parser *P)
{
    const wf_lex_token *first = cur(P);
    if (!is_name(first)) {
        wf_parse_invalid_syntax(P);
        return NULL;
    }
    advance(P);
    size_t len = first->end - first->start;
    char *s = wf_ast_arena_strndup(P->arena, P->lx.src + first->start, len);
    while (s != NULL && at(P, WF_TOK_DOT)) {
        advance(P);
        const wf_lex_token *n = cur(P);
        if (!is_name(n)) {
            wf_parse_invalid_syntax(P);
            return NULL;
        }
        advance(P);
        size_t nl = n->end - n->start;
        char *t = wf_ast_arena_alloc(P->arena, len + nl + 2);
        if (t == NULL) {
            s = NULL;
            break;
        }
        memcpy(t, s, len);
        t[len] = '.';
        memcpy(t + len + 1, P->lx.src + n->start, nl);
        t[len + 1 + nl] = '\0';
        s = t;
        len += nl + 1;
    }
    if (s == NULL)
        wf_parse_oom(P);
    return s;
}

static wf_ast_alias *
alias(parser *P, bool dotted)
{
    const wf_lex_token *first = cur(P);
    wf_ast_alias *a = alloc(P, sizeof *a);
    if (a == NULL)
        return NULL;
    if (dotted) {
        a->name = dotted_name(P);
    } else {
        if (!is_name(first)) {
            wf_parse_invalid_syntax(P);
            return NULL;
        }
        a->name = tok_str(P, advance(P));
    }
    if (a->name == NULL)
        return NULL;
    if (accept_kw(P, WF_KW_AS)) {
        const wf_lex_token *n = cur(P);
        if (!is_name(n)) {
            wf_parse_invalid_syntax(P);
            return NULL;
        }
        a->asname = tok_str(P, advance(P));
        if (a->asname == NULL)
            return NULL;
    }
    const wf_lex_token *last = prev(P);
    a->lineno = first->lineno;
    a->col_offset = first->col;
    a->end_lineno = last->end_lineno;
    a->end_col_offset = last->end_col;
    return a;
}

static wf_ast_stmt *
import_stmt(parser *P)
{
    const wf_lex_token *first = advance(P);
    vec names = {0};
    do {
        wf_ast_alias *a = alias(P, true);
        if (a == NULL || !vec_push(P, &names, a))
            return NULL;
    } while (accept(P, WF_TOK_COMMA));
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_IMPORT, first);
    if (s != NULL)
        s->v.import.names = AS_SEQ(wf_ast_alias_seq, names);
    return s;
}

static wf_ast_stmt *
from_import_stmt(parser *P)
{
    const wf_lex_token *first = advance(P);
    int level = 0;
    for (;;) {
        if (accept(P, WF_TOK_DOT))
            level++;
        else if (accept(P, WF_TOK_ELLIPSIS))
            level += 3;
        else
            break;
    }
    const char *module = NULL;
    if (!at_kw(P, WF_KW_IMPORT) || level == 0) {
        module = dotted_name(P);
        if (module == NULL)
            return NULL;
    }
    if (!accept_kw(P, WF_KW_IMPORT)) {
        if (!P->failed)
            ERR_TOK(P, cur(P), "expected 'import'");
        return NULL;
    }
    vec names = {0};
    if (at(P, WF_TOK_STAR)) {
        const wf_lex_token *t = advance(P);
        wf_ast_alias *a = alloc(P, sizeof *a);
        if (a == NULL || (a->name = tok_str(P, t)) == NULL || !vec_push(P, &names, a))
            return NULL;
        a->lineno = a->end_lineno = t->lineno;
        a->col_offset = t->col;
        a->end_col_offset = t->end_col;
    } else {
        bool paren = accept(P, WF_TOK_LPAR);
        do {
            if (paren && at(P, WF_TOK_RPAR) && names.n > 0)
                break;
            if (!paren && at(P, WF_TOK_NEWLINE) && names.n > 0) {
                ERR_TOK(P, cur(P), "trailing comma not allowed without surrounding parentheses");
                return NULL;
            }
            wf_ast_alias *a = alias(P, false);
            if (a == NULL || !vec_push(P, &names, a))
                return NULL;
        } while (accept(P, WF_TOK_COMMA));
        if (paren && !expect_close(P, WF_TOK_RPAR))
            return NULL;
    }
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_IMPORT_FROM, first);
    if (s == NULL)
        return NULL;
    s->v.import_from.module = module;
    s->v.import_from.names = AS_SEQ(wf_ast_alias_seq, names);
    s->v.import_from.level = level;
    return s;
}

static wf_ast_stmt *
simple_stmt(parser *P)
{
    const wf_lex_token *t = cur(P);
    if (t->type == WF_TOK_NAME) {
        switch (t->kw) {
        case WF_KW_PASS: advance(P); return new_stmt(P, WF_AST_STMT_PASS, t);
        case WF_KW_BREAK: advance(P); return new_stmt(P, WF_AST_STMT_BREAK, t);
        case WF_KW_CONTINUE: advance(P); return new_stmt(P, WF_AST_STMT_CONTINUE, t);
        case WF_KW_RETURN: {
            advance(P);
            wf_ast_expr *v = NULL;
            if (wf_parse_starts_expr(P) && (v = wf_parse_star_expressions(P)) == NULL)
                return NULL;
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_RETURN, t);
            if (s != NULL)
                s->v.return_.value = v;
            return s;
        }
        case WF_KW_RAISE: {
            advance(P);
            wf_ast_expr *exc = NULL, *cause = NULL;
            if (wf_parse_starts_expr(P)) {
                if ((exc = wf_parse_expression(P)) == NULL)
                    return NULL;
                if (accept_kw(P, WF_KW_FROM) && (cause = wf_parse_expression(P)) == NULL)
                    return NULL;
            }
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_RAISE, t);
            if (s != NULL) {
                s->v.raise.exc = exc;
                s->v.raise.cause = cause;
            }
            return s;
        }
        case WF_KW_GLOBAL:
        case WF_KW_NONLOCAL: {
            advance(P);
            vec names = {0};
            do {
                const wf_lex_token *n = cur(P);
                if (!is_name(n)) {
                    wf_parse_invalid_syntax(P);
                    return NULL;
                }
                const char *s = tok_str(P, advance(P));
                if (s == NULL || !vec_push(P, &names, (void *)s))
                    return NULL;
            } while (accept(P, WF_TOK_COMMA));
            wf_ast_stmt *s = new_stmt(P, t->kw == WF_KW_GLOBAL ? WF_AST_STMT_GLOBAL
                                                               : WF_AST_STMT_NONLOCAL, t);
            if (s != NULL)
                s->v.global.names = AS_SEQ(wf_ast_ident_seq, names);
            return s;
        }
        case WF_KW_DEL: {
            advance(P);
            vec targets = {0};
            do {
                if (!wf_parse_starts_expr(P))
                    break;
                wf_ast_expr *e = at(P, WF_TOK_STAR) ? wf_parse_star_named_expression(P) : wf_parse_bitor_expr(P);
                if (e == NULL || !wf_parse_set_context(P, e, WF_AST_DEL, false) ||
                    !vec_push(P, &targets, e))
                    return NULL;
            } while (accept(P, WF_TOK_COMMA));
            if (targets.n == 0) {
                wf_parse_invalid_syntax(P);
                return NULL;
            }
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_DELETE, t);
            if (s != NULL)
                s->v.delete_.targets = AS_SEQ(wf_ast_expr_seq, targets);
            return s;
        }
        case WF_KW_ASSERT: {
            advance(P);
            wf_ast_expr *test = wf_parse_expression(P), *msg = NULL;
            if (test == NULL)
                return NULL;
            if (accept(P, WF_TOK_COMMA) && (msg = wf_parse_expression(P)) == NULL)
                return NULL;
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_ASSERT, t);
            if (s != NULL) {
                s->v.assert_.test = test;
                s->v.assert_.msg = msg;
            }
            return s;
        }
        case WF_KW_IMPORT:
            return import_stmt(P);
        case WF_KW_FROM:
            return from_import_stmt(P);
        default:
            break;
        }
    }
    return expr_or_assign_stmt(P);
}

// Report a Starred seen outside a call argument list (not in the subset).
static bool
check_starred(parser *P)
{
    if (P->star_tok == NULL)
        return true;
    ERR_TOK(P, P->star_tok, "starred expressions outside of call arguments are not supported by Weft");
    return false;
}

// simple_stmt (';' simple_stmt)* [';'] NEWLINE
static bool
simple_stmts(parser *P, vec *out)
{
    for (;;) {
        P->star_tok = NULL;
        wf_ast_stmt *s = simple_stmt(P);
        if (s == NULL || !check_starred(P) || !vec_push(P, out, s))
            return false;
        if (!accept(P, WF_TOK_SEMI))
            break;
        if (at(P, WF_TOK_NEWLINE))
            break;
    }
    if (accept(P, WF_TOK_NEWLINE))
        return true;
    if (!P->failed) {
        const wf_lex_token *t = cur(P);
        if (t->type == WF_TOK_COLONEQUAL)
            ERR_TOK(P, t, "assignment expressions are not supported by Weft");
        else
            wf_parse_invalid_syntax(P);
    }
    return false;
}

// ===== Compound statements =====

// The block after ':' of a compound statement.
static wf_ast_stmt_seq
block(parser *P, const char *what, int line)
{
    wf_ast_stmt_seq none = {NULL, 0};
    vec body = {0};
    if (!enter(P))
        return none;
    if (!accept(P, WF_TOK_NEWLINE)) {
        if (!simple_stmts(P, &body))
            LEAVE(P, none);
        LEAVE(P, AS_SEQ(wf_ast_stmt_seq, body));
    }
    if (!at(P, WF_TOK_INDENT)) {
        if (!P->failed) {
            const wf_lex_token *t = cur(P);
            wf_parse_set_error(P, "IndentationError", t->lineno, t->col, t->end_lineno, t->end_col,
                               "expected an indented block after %s on line %d", what, line);
        }
        LEAVE(P, none);
    }
    advance(P);
    while (!accept(P, WF_TOK_DEDENT)) {
        if (at(P, WF_TOK_ENDMARKER) || P->failed) {
            if (!P->failed)
                wf_parse_invalid_syntax(P);
            LEAVE(P, none);
        }
        if (!statement(P, &body))
            LEAVE(P, none);
    }
    LEAVE(P, AS_SEQ(wf_ast_stmt_seq, body));
}

static bool
colon(parser *P)
{
    return expect(P, WF_TOK_COLON, ":");
}

static wf_ast_expr *
named_expression(parser *P)
{
    wf_ast_expr *e = wf_parse_expression(P);
    if (e != NULL && at(P, WF_TOK_COLONEQUAL)) {
        ERR_TOK(P, cur(P), "assignment expressions are not supported by Weft");
        return NULL;
    }
    return e;
}

static wf_ast_stmt *
if_stmt(parser *P, const char *what)
{
    const wf_lex_token *t = advance(P);
    wf_ast_expr *test = named_expression(P);
    if (test == NULL || !colon(P))
        return NULL;
    char buf[32];
    snprintf(buf, sizeof buf, "'%s' statement", what);
    wf_ast_stmt_seq body = block(P, buf, t->lineno);
    if (P->failed)
        return NULL;
    wf_ast_stmt_seq orelse = {NULL, 0};
    if (at_kw(P, WF_KW_ELIF)) {
        // Each elif nests one If deeper: one level for the bound.
        if (!enter(P))
            return NULL;
        wf_ast_stmt *e = if_stmt(P, "elif");
        P->depth--;
        if (e == NULL)
            return NULL;
        wf_ast_stmt **one = alloc(P, sizeof *one);
        if (one == NULL)
            return NULL;
        one[0] = e;
        orelse.items = one;
        orelse.n = 1;
    } else if (at_kw(P, WF_KW_ELSE)) {
        const wf_lex_token *el = advance(P);
        if (!colon(P))
            return NULL;
        orelse = block(P, "'else' statement", el->lineno);
        if (P->failed)
            return NULL;
    }
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_IF, t);
    if (s == NULL)
        return NULL;
    s->v.if_.test = test;
    s->v.if_.body = body;
    s->v.if_.orelse = orelse;
    stmt_end_at_block(s, orelse.n ? &orelse : &body);
    return s;
}

static bool
else_block(parser *P, wf_ast_stmt_seq *orelse)
{
    orelse->items = NULL;
    orelse->n = 0;
    if (!at_kw(P, WF_KW_ELSE))
        return true;
    const wf_lex_token *el = advance(P);
    if (!colon(P))
        return false;
    *orelse = block(P, "'else' statement", el->lineno);
    return !P->failed;
}

static wf_ast_stmt *
while_stmt(parser *P)
{
    const wf_lex_token *t = advance(P);
    wf_ast_expr *test = named_expression(P);
    if (test == NULL || !colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "'while' statement", t->lineno), orelse;
    if (P->failed || !else_block(P, &orelse))
        return NULL;
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_WHILE, t);
    if (s == NULL)
        return NULL;
    s->v.while_.test = test;
    s->v.while_.body = body;
    s->v.while_.orelse = orelse;
    stmt_end_at_block(s, orelse.n ? &orelse : &body);
    return s;
}

static wf_ast_stmt *
for_stmt(parser *P)
{
    const wf_lex_token *t = advance(P);
    wf_ast_expr *target = wf_parse_target_list(P);
    if (target == NULL)
        return NULL;
    if (!accept_kw(P, WF_KW_IN)) {
        if (!P->failed)
            ERR_TOK(P, cur(P), "expected 'in'");
        return NULL;
    }
    wf_ast_expr *iter = wf_parse_star_expressions(P);
    if (iter == NULL || !colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "'for' statement", t->lineno), orelse;
    if (P->failed || !else_block(P, &orelse))
        return NULL;
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_FOR, t);
    if (s == NULL)
        return NULL;
    s->v.for_.target = target;
    s->v.for_.iter = iter;
    s->v.for_.body = body;
    s->v.for_.orelse = orelse;
    stmt_end_at_block(s, orelse.n ? &orelse : &body);
    return s;
}

static wf_ast_withitem *
with_item(parser *P)
{
    wf_ast_withitem *w = alloc(P, sizeof *w);
    if (w == NULL)
        return NULL;
    w->context_expr = wf_parse_expression(P);
    if (w->context_expr == NULL)
        return NULL;
    if (accept_kw(P, WF_KW_AS)) {
        const wf_lex_token *first = cur(P);
        wf_ast_expr *target = wf_parse_bitor_expr(P);
        if (target == NULL)
            return NULL;
        if (at(P, WF_TOK_COMMA) && first->type != WF_TOK_LPAR &&
            peek_tok(P, 1)->type != WF_TOK_NAME) {
            // `with a as b, c:` is two items; a bare tuple target is rare.
        }
        if (!wf_parse_set_context(P, target, WF_AST_STORE, false))
            return NULL;
        w->optional_vars = target;
    }
    return w;
}

static wf_ast_stmt *
with_stmt(parser *P)
{
    const wf_lex_token *t = advance(P);
    vec items = {0};
    bool paren = false;
    if (at(P, WF_TOK_LPAR)) {
        // `with (a as b, c):` when the matching ')' is followed by ':'.
        int depth = 0;
        for (size_t k = 0;; k++) {
            const wf_lex_token *u = peek_tok(P, k);
            if (P->failed)
                return NULL;
            if (u->type == WF_TOK_LPAR || u->type == WF_TOK_LSQB || u->type == WF_TOK_LBRACE)
                depth++;
            else if (u->type == WF_TOK_RPAR || u->type == WF_TOK_RSQB || u->type == WF_TOK_RBRACE)
                depth--;
            else if (u->type == WF_TOK_NEWLINE || u->type == WF_TOK_ENDMARKER)
                break;
            if (depth == 0) {
                paren = peek_tok(P, k + 1)->type == WF_TOK_COLON;
                break;
            }
        }
    }
    if (paren) {
        advance(P);
        do {
            if (at(P, WF_TOK_RPAR) && items.n > 0)
                break;
            wf_ast_withitem *w = with_item(P);
            if (w == NULL || !vec_push(P, &items, w))
                return NULL;
        } while (accept(P, WF_TOK_COMMA));
        if (!expect_close(P, WF_TOK_RPAR))
            return NULL;
    } else {
        do {
            wf_ast_withitem *w = with_item(P);
            if (w == NULL || !vec_push(P, &items, w))
                return NULL;
        } while (accept(P, WF_TOK_COMMA));
    }
    if (!colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "'with' statement", t->lineno);
    if (P->failed)
        return NULL;
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_WITH, t);
    if (s == NULL)
        return NULL;
    s->v.with.items = AS_SEQ(wf_ast_withitem_seq, items);
    s->v.with.body = body;
    stmt_end_at_block(s, &body);
    return s;
}

static wf_ast_stmt *
try_stmt(parser *P)
{
    const wf_lex_token *t = advance(P);
    if (!colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "'try' statement", t->lineno);
    if (P->failed)
        return NULL;
    vec handlers = {0};
    while (at_kw(P, WF_KW_EXCEPT)) {
        const wf_lex_token *ex = advance(P);
        if (at(P, WF_TOK_STAR)) {
            ERR_TOK(P, cur(P), "except* is not supported by Weft");
            return NULL;
        }
        wf_ast_excepthandler *h = alloc(P, sizeof *h);
        if (h == NULL)
            return NULL;
        if (!at(P, WF_TOK_COLON)) {
            const wf_lex_token *first = cur(P);
            h->type = wf_parse_expression(P);
            if (h->type == NULL)
                return NULL;
            if (at(P, WF_TOK_COMMA)) {
                // PEP 758 (3.14): `except A, B:` without parentheses.
                vec elts = {0};
                if (!vec_push(P, &elts, h->type))
                    return NULL;
                while (accept(P, WF_TOK_COMMA)) {
                    wf_ast_expr *x = wf_parse_expression(P);
                    if (x == NULL || !vec_push(P, &elts, x))
                        return NULL;
                }
                if (at_kw(P, WF_KW_AS)) {
                    ERR_TOK(P, first, "multiple exception types must be parenthesized when using 'as'");
                    return NULL;
                }
                wf_ast_expr *tup = expr_from_tok(P, WF_AST_EXPR_TUPLE, first);
                if (tup == NULL)
                    return NULL;
                tup->v.tuple.elts = AS_SEQ(wf_ast_expr_seq, elts);
                h->type = tup;
            }
            if (accept_kw(P, WF_KW_AS)) {
                const wf_lex_token *n = cur(P);
                if (!is_name(n)) {
                    ERR_TOK(P, n, "cannot use except statement with %s",
                            n->type == WF_TOK_NAME ? "keyword" : "expression");
                    return NULL;
                }
                h->name = tok_str(P, advance(P));
                if (h->name == NULL)
                    return NULL;
            }
        }
        if (!colon(P))
            return NULL;
        h->body = block(P, "'except' statement", ex->lineno);
        if (P->failed)
            return NULL;
        h->lineno = ex->lineno;
        h->col_offset = ex->col;
        const wf_ast_stmt *last = h->body.items[h->body.n - 1];
        h->end_lineno = last->end_lineno;
        h->end_col_offset = last->end_col_offset;
        if (!vec_push(P, &handlers, h))
            return NULL;
    }
    wf_ast_stmt_seq orelse = {NULL, 0}, finalbody = {NULL, 0};
    if (handlers.n > 0 && !else_block(P, &orelse))
        return NULL;
    if (at_kw(P, WF_KW_FINALLY)) {
        const wf_lex_token *f = advance(P);
        if (!colon(P))
            return NULL;
        finalbody = block(P, "'finally' statement", f->lineno);
        if (P->failed)
            return NULL;
    }
    if (handlers.n == 0 && finalbody.n == 0) {
        ERR_TOK(P, cur(P), "expected 'except' or 'finally' block");
        return NULL;
    }
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_TRY, t);
    if (s == NULL)
        return NULL;
    s->v.try_.body = body;
    s->v.try_.handlers = AS_SEQ(wf_ast_excepthandler_seq, handlers);
    s->v.try_.orelse = orelse;
    s->v.try_.finalbody = finalbody;
    if (finalbody.n) {
        stmt_end_at_block(s, &finalbody);
    } else if (orelse.n) {
        stmt_end_at_block(s, &orelse);
    } else {
        const wf_ast_excepthandler *h = s->v.try_.handlers.items[handlers.n - 1];
        s->end_lineno = h->end_lineno;
        s->end_col_offset = h->end_col_offset;
    }
    return s;
}

static wf_ast_stmt *
funcdef(parser *P)
{
    const wf_lex_token *t = advance(P);
    const wf_lex_token *name = cur(P);
    if (!is_name(name)) {
        wf_parse_invalid_syntax(P);
        return NULL;
    }
    advance(P);
    if (at(P, WF_TOK_LSQB)) {
        ERR_TOK(P, cur(P), "generic functions (type parameters) are not supported by Weft");
        return NULL;
    }
    if (!expect(P, WF_TOK_LPAR, "("))
        return NULL;
    wf_ast_arguments *args = wf_parse_parameters(P, WF_TOK_RPAR, true);
    if (args == NULL || !expect_close(P, WF_TOK_RPAR))
        return NULL;
    wf_ast_expr *returns = NULL;
    if (accept(P, WF_TOK_RARROW) && (returns = wf_parse_expression(P)) == NULL)
        return NULL;
    if (!colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "function definition", t->lineno);
    if (P->failed)
        return NULL;
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_FUNCTION_DEF, t);
    if (s == NULL || (s->v.function_def.name = tok_str(P, name)) == NULL)
        return NULL;
    s->v.function_def.args = args;
    s->v.function_def.body = body;
    s->v.function_def.returns = returns;
    stmt_end_at_block(s, &body);
    return s;
}

static wf_ast_stmt *
classdef(parser *P)
{
    const wf_lex_token *t = advance(P);
    const wf_lex_token *name = cur(P);
    if (!is_name(name)) {
        wf_parse_invalid_syntax(P);
        return NULL;
    }
    advance(P);
    if (at(P, WF_TOK_LSQB)) {
        ERR_TOK(P, cur(P), "generic classes (type parameters) are not supported by Weft");
        return NULL;
    }
    vec bases = {0}, kws = {0};
    if (accept(P, WF_TOK_LPAR) && !wf_parse_call_args(P, WF_TOK_RPAR, &bases, &kws))
        return NULL;
    for (size_t i = 0; i < bases.n; i++) {
        wf_ast_expr *b = bases.items[i];
        if (b->kind == WF_AST_EXPR_STARRED) {
            ERR_NODE(P, b, "starred base classes are not supported by Weft");
            return NULL;
        }
    }
    if (!colon(P))
        return NULL;
    wf_ast_stmt_seq body = block(P, "class definition", t->lineno);
    if (P->failed)
        return NULL;
    wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_CLASS_DEF, t);
    if (s == NULL || (s->v.class_def.name = tok_str(P, name)) == NULL)
        return NULL;
    s->v.class_def.bases = AS_SEQ(wf_ast_expr_seq, bases);
    s->v.class_def.keywords = AS_SEQ(wf_ast_keyword_seq, kws);
    s->v.class_def.body = body;
    stmt_end_at_block(s, &body);
    return s;
}

// `match x:` NEWLINE INDENT `case` ... (soft keyword): a statement, not a name.
static bool
looks_like_match(parser *P)
{
    const wf_lex_token *n = peek_tok(P, 1);
    if (n->type == WF_TOK_EQUAL || n->type == WF_TOK_DOT || n->type == WF_TOK_NEWLINE ||
        n->type == WF_TOK_COLON || augassign_op(n->type, &(wf_ast_operator){0}))
        return false;
    int depth = 0;
    for (size_t k = 1; k < 100000; k++) {
        const wf_lex_token *u = peek_tok(P, k);
        if (P->failed)
            return false;
        if (u->type == WF_TOK_LPAR || u->type == WF_TOK_LSQB || u->type == WF_TOK_LBRACE)
            depth++;
        else if (u->type == WF_TOK_RPAR || u->type == WF_TOK_RSQB || u->type == WF_TOK_RBRACE)
            depth--;
        else if (u->type == WF_TOK_NEWLINE || u->type == WF_TOK_ENDMARKER)
            return false;
        else if (u->type == WF_TOK_COLON && depth == 0)
            return peek_tok(P, k + 1)->type == WF_TOK_NEWLINE &&
                   peek_tok(P, k + 2)->type == WF_TOK_INDENT &&
                   is_soft(P, peek_tok(P, k + 3), "case");
    }
    return false;
}

static bool
compound_or_simple(parser *P, vec *out)
{
    const wf_lex_token *t = cur(P);
    wf_ast_stmt *s = NULL;
    P->star_tok = NULL;
    if (t->type == WF_TOK_AT) {
        ERR_TOK(P, t, "decorators are not supported by Weft");
        return false;
    }
    if (t->type == WF_TOK_NAME) {
        switch (t->kw) {
        case WF_KW_IF: s = if_stmt(P, "if"); break;
        case WF_KW_WHILE: s = while_stmt(P); break;
        case WF_KW_FOR: s = for_stmt(P); break;
        case WF_KW_WITH: s = with_stmt(P); break;
        case WF_KW_TRY: s = try_stmt(P); break;
        case WF_KW_DEF: s = funcdef(P); break;
        case WF_KW_CLASS: s = classdef(P); break;
        case WF_KW_ASYNC: {
            const wf_lex_token *n = peek_tok(P, 1);
            ERR_TOK(P, t, "%s are not supported by Weft",
                    n->kw == WF_KW_DEF ? "async functions"
                    : n->kw == WF_KW_FOR ? "async for loops"
                    : n->kw == WF_KW_WITH ? "async with statements" : "async constructs");
            return false;
        }
        case WF_KW_NONE_:
            if (is_soft(P, t, "match") && looks_like_match(P)) {
                ERR_TOK(P, t, "match statements are not supported by Weft");
                return false;
            }
            if (is_soft(P, t, "type") && is_name(peek_tok(P, 1)) &&
                (peek_tok(P, 2)->type == WF_TOK_EQUAL || peek_tok(P, 2)->type == WF_TOK_LSQB)) {
                ERR_TOK(P, t, "type alias statements are not supported by Weft");
                return false;
            }
            return simple_stmts(P, out);
        default:
            return simple_stmts(P, out);
        }
        if (s == NULL || !check_starred(P))
            return false;
        return vec_push(P, out, s);
    }
    return simple_stmts(P, out);
}

static bool
statement(parser *P, vec *out)
{
    if (!enter(P))
        return false;
    bool ok = compound_or_simple(P, out);
    LEAVE(P, ok);
}

// ===== Entry point =====

wf_ast_mod *
wf_parse_module(const char *src, size_t len, wf_ast_arena **arena_out,
                wf_syntax_error *err)
{
    memset(err, 0, sizeof *err);
    *arena_out = NULL;
    parser *P = calloc(1, sizeof *P);
    if (P == NULL) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        snprintf(err->kind, sizeof err->kind, "MemoryError");
        return NULL;
    }
    wf_lex_init(&P->lx, src, len);
    P->err = err;
    P->arena = wf_ast_arena_new();
    wf_ast_mod *m = NULL;
    if (P->arena == NULL) {
        wf_parse_oom(P);
        goto done;
    }
    m = alloc(P, sizeof *m);
    if (m == NULL)
        goto done;
    vec body = {0};
    while (!P->failed && !at(P, WF_TOK_ENDMARKER)) {
        if (!statement(P, &body))
            break;
    }
    if (!P->failed)
        m->body = AS_SEQ(wf_ast_stmt_seq, body);
done:
    for (size_t i = 0; i < P->nchunks; i++)
        free(P->chunks[i]);
    free(P->chunks);
    if (P->failed) {
        if (err->msg[0] == '\0')
            snprintf(err->msg, sizeof err->msg, "invalid syntax");
        wf_ast_arena_free(P->arena);
        free(P);
        return NULL;
    }
    *arena_out = P->arena;
    free(P);
    return m;
}
