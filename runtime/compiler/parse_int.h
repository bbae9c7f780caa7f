// runtime/compiler/parse_int.h -- the parser's private vocabulary (wf_parse_*).
// Shared by the three files of the parser: parse.c (token fetch, errors,
// statements, entry point), parse_expr.c (targets and expressions) and
// literal.c (numbers, strings, f-strings). Nothing else includes it.
// The token cursor and node constructors are static inline, unprefixed:
// each parser file gets them as its own file-local helpers (STYLE 2.1),
// as the one parse.c had them; what is defined once has the wf_parse_
// prefix. Everything here runs on the parsing thread only: no runtime
// objects, no locks, no safe points (see parse.h).
#ifndef WF_RUNTIME_COMPILER_PARSE_INT_H
#define WF_RUNTIME_COMPILER_PARSE_INT_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "compiler/ast.h"
#include "compiler/lex.h"
#include "compiler/parse.h"
#include "config.h"
#include "vm/cstack.h"

// ===== Parser state =====

// One parse: the lexer, the tokens fetched so far, the arena the AST
// lives in and the first error. Allocated and freed by wf_parse_module.
typedef struct parser {
    wf_lex lx;
    // Tokens fetched so far, in chunks of TOK_CHUNK so that pointers to
    // them stay valid while more are fetched.
    wf_lex_token **chunks;
    size_t ntoks, nchunks;
    size_t p;                       // index of the current token
    bool lex_done;                  // ENDMARKER fetched
    wf_ast_arena *arena;
    wf_syntax_error *err;
    bool failed;
    int depth;
    const wf_lex_token *star_tok;   // a Starred seen outside a call, if any
} parser;

// A growable array of node pointers, in the arena (never freed alone);
// AS_SEQ turns it into an AST sequence.
typedef struct vec {
    void **items;
    size_t n, cap;
} vec;

// Record the first error of the parse (later ones are dropped) and fail it.
// [kind] is the exception name ("SyntaxError", "IndentationError", ...);
// cols are 0-based here and stored 1-based. Returns -1.
int wf_parse_set_error(parser *P, const char *kind, int lineno, int col,
                       int end_lineno, int end_col, const char *fmt, ...)
    WF_PRINTF(7, 8);

// A SyntaxError spanning token [t] or node [n]; both return -1.
#define ERR_TOK(P, t, ...) \
    wf_parse_set_error((P), "SyntaxError", (t)->lineno, (t)->col, (t)->end_lineno, (t)->end_col, __VA_ARGS__)
#define ERR_NODE(P, n, ...) \
    wf_parse_set_error((P), "SyntaxError", (n)->lineno, (n)->col_offset, (n)->end_lineno, (n)->end_col_offset, __VA_ARGS__)

// Fail the parse with MemoryError ("out of memory").
void wf_parse_oom(parser *P);

// Fail with CPython's message for the current token: "unexpected indent",
// "unexpected unindent" or "invalid syntax". Returns -1.
int wf_parse_invalid_syntax(parser *P);

// The ENDMARKER returned past the end and after a tokenizer error.
extern const wf_lex_token wf_parse_endtok;

// The token at index [i], fetching from the lexer as needed. On a
// tokenizer error the parse fails with the tokenizer's message and
// &wf_parse_endtok is returned. Pointers stay valid for the whole parse.
const wf_lex_token *wf_parse_tok_at(parser *P, size_t i);

// ===== Token cursor =====
// cur/peek_tok/prev: the current token, the one [k] ahead, the previous
// one (ENDMARKER before the first). advance: step over the current token
// (never past ENDMARKER, and not at all once the parse failed) and return
// it. at/at_kw: is the current token of type [t] / keyword [kw]?
// accept/accept_kw: step over it if so. expect/expect_close: step over it
// or fail ("expected ':'" / "invalid syntax"). is_name: a plain NAME, not
// a keyword.

static inline const wf_lex_token *
cur(parser *P)
{
    return wf_parse_tok_at(P, P->p);
}

static inline const wf_lex_token *
peek_tok(parser *P, size_t k)
{
    return wf_parse_tok_at(P, P->p + k);
}

static inline const wf_lex_token *
prev(parser *P)
{
    return P->p > 0 ? wf_parse_tok_at(P, P->p - 1) : &wf_parse_endtok;
}

static inline const wf_lex_token *
advance(parser *P)
{
    const wf_lex_token *t = cur(P);
    if (!P->failed && P->p < P->ntoks && t->type != WF_TOK_ENDMARKER)
        P->p++;
    return t;
}

static inline bool
at(parser *P, wf_lex_type t)
{
    return cur(P)->type == t;
}

static inline bool
at_kw(parser *P, wf_lex_kw kw)
{
    const wf_lex_token *t = cur(P);
    return t->type == WF_TOK_NAME && t->kw == kw;
}

static inline bool
accept(parser *P, wf_lex_type t)
{
    if (at(P, t)) {
        advance(P);
        return true;
    }
    return false;
}

static inline bool
accept_kw(parser *P, wf_lex_kw kw)
{
    if (at_kw(P, kw)) {
        advance(P);
        return true;
    }
    return false;
}

static inline bool
expect(parser *P, wf_lex_type t, const char *what)
{
    if (accept(P, t))
        return true;
    if (!P->failed) {
        const wf_lex_token *c = cur(P);
        if (c->type == WF_TOK_INDENT || c->type == WF_TOK_DEDENT)
            wf_parse_invalid_syntax(P);
        else
            ERR_TOK(P, c, "expected '%s'", what);
    }
    return false;
}

static inline bool
expect_close(parser *P, wf_lex_type close)
{
    if (accept(P, close))
        return true;
    if (!P->failed)
        wf_parse_invalid_syntax(P);
    return false;
}

static inline bool
is_name(const wf_lex_token *t)
{
    return t->type == WF_TOK_NAME && t->kw == WF_KW_NONE_;
}

// ===== Allocation helpers =====
// alloc: [n] bytes in the arena, or NULL with MemoryError recorded.
// vec_push: append [x] to [v], false on MemoryError. tok_str: the text of
// [t], NUL-terminated, in the arena. new_expr/expr_from_tok: a node of
// [kind] with the given span, or spanning token [a] to the previous one.
// enter/LEAVE bracket every recursive production: enter fails with
// MemoryError past WF_PARSE_MAX_DEPTH; LEAVE returns [v], which must be
// a value already computed (it decrements first: never LEAVE(P, f(P))).

static inline void *
alloc(parser *P, size_t n)
{
    void *p = wf_ast_arena_alloc(P->arena, n);
    if (p == NULL)
        wf_parse_oom(P);
    return p;
}

static inline bool
vec_push(parser *P, vec *v, void *x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        void **items = alloc(P, cap * sizeof *items);
        if (items == NULL)
            return false;
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
    return true;
}

#define AS_SEQ(seqtype, v) ((seqtype){(void *)(v).items, (v).n})

static inline const char *
tok_str(parser *P, const wf_lex_token *t)
{
    char *s = wf_ast_arena_strndup(P->arena, P->lx.src + t->start, t->end - t->start);
    if (s == NULL)
        wf_parse_oom(P);
    return s;
}

static inline wf_ast_expr *
new_expr(parser *P, wf_ast_expr_kind kind, int l, int c, int el, int ec)
{
    wf_ast_expr *e = alloc(P, sizeof *e);
    if (e == NULL)
        return NULL;
    e->kind = kind;
    e->lineno = l;
    e->col_offset = c;
    e->end_lineno = el;
    e->end_col_offset = ec;
    return e;
}

// An expression spanning from token [a] to the previous token.
static inline wf_ast_expr *
expr_from_tok(parser *P, wf_ast_expr_kind kind, const wf_lex_token *a)
{
    const wf_lex_token *b = prev(P);
    return new_expr(P, kind, a->lineno, a->col, b->end_lineno, b->end_col);
}

// Bounded recursion: every recursive production passes through here. Past
// WF_PARSE_MAX_DEPTH levels, or with the C stack near its floor
// (vm/cstack.h), the parse fails as CPython's does: MemoryError "Parser
// stack overflowed - Python source too complex to parse".
static inline bool
enter(parser *P)
{
    if (P->failed)
        return false;
    if (WF_UNLIKELY(++P->depth > WF_PARSE_MAX_DEPTH || wf_cstack_exhausted())) {
        const wf_lex_token *t = cur(P);
        wf_parse_set_error(P, "MemoryError", t->lineno, t->col, t->end_lineno,
                           t->end_col, WF_PARSE_STACK_OVERFLOW_MSG);
        return false;
    }
    return true;
}

#define LEAVE(P, v) do { (P)->depth--; return (v); } while (0)

// ===== Productions shared between the parser's files =====

// Each consumes what it parses and returns the node (in P->arena), or NULL
// (false) with the parse failed and the first error recorded.

// literal.c: a NUMBER token as a Constant.
WF_MUST_CHECK wf_ast_expr *wf_parse_number(parser *P);

// literal.c: adjacent STRING and FSTRING_START tokens as one Constant
// (str or bytes) or JoinedStr.
WF_MUST_CHECK wf_ast_expr *wf_parse_strings(parser *P);

// parse_expr.c: the name CPython's messages use for [e]'s kind
// ("function call", "literal", ...).
const char *wf_parse_expr_name(const wf_ast_expr *e);

// parse_expr.c: turn Load expression [e] into a Store/Del target, or fail
// like CPython. [top_assign]: a whole `x = ...` target (adds the '==' hint).
bool wf_parse_set_context(parser *P, wf_ast_expr *e, wf_ast_expr_context ctx,
                          bool top_assign);

// parse_expr.c: a `for` target list, stopping before `in`; ctx Store.
WF_MUST_CHECK wf_ast_expr *wf_parse_target_list(parser *P);

// parse_expr.c: an expression or `*expr` (a display element).
WF_MUST_CHECK wf_ast_expr *wf_parse_star_named_expression(parser *P);

// parse_expr.c: call arguments up to [close] (not consumed), appended to
// [args] and [keywords].
WF_MUST_CHECK bool wf_parse_call_args(parser *P, wf_lex_type close, vec *args,
                                      vec *keywords);

// parse_expr.c: a bitwise-or expression (below comparisons).
WF_MUST_CHECK wf_ast_expr *wf_parse_bitor_expr(parser *P);

// parse_expr.c: parameters up to [close] (RPAR for def, COLON for lambda;
// not consumed); [annotations]: allow `name: expr`.
WF_MUST_CHECK wf_ast_arguments *wf_parse_parameters(parser *P,
                                                    wf_lex_type close,
                                                    bool annotations);

// parse_expr.c: an expression (lambda, conditional, or disjunction).
WF_MUST_CHECK wf_ast_expr *wf_parse_expression(parser *P);

// parse_expr.c: can the current token start an expression?
bool wf_parse_starts_expr(parser *P);

// parse_expr.c: expression (',' expression)* [','], a Tuple when there is a
// comma.
WF_MUST_CHECK wf_ast_expr *wf_parse_star_expressions(parser *P);

// parse_expr.c: `yield` [star_expressions] or `yield from` expression; the
// current token is `yield`.
WF_MUST_CHECK wf_ast_expr *wf_parse_yield_expr(parser *P);

// parse_expr.c: yield_expr if at `yield`, else star_expressions.
WF_MUST_CHECK wf_ast_expr *wf_parse_yield_or_star_expressions(parser *P);

#endif // WF_RUNTIME_COMPILER_PARSE_INT_H
