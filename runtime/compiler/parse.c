// runtime/compiler/parse.c -- the parser of Weft Python (wf_parse_*).
// Recursive descent over tokens fetched lazily from wf_lex (so a syntax
// error early in a file wins over a tokenizer error later, as in CPython).
// Builds the CPython-shaped AST of ast.h with CPython's node positions.
// Constructs outside the subset in LANGUAGE.md become SyntaxErrors here.
// Recursion is bounded by WF_PARSE_MAX_DEPTH, so no input overflows the stack.
#include "compiler/parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/lex.h"

// ===== Parser state =====

#define TOK_CHUNK 1024

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

typedef struct vec {
    void **items;
    size_t n, cap;
} vec;

static int
set_error(parser *P, const char *kind, int lineno, int col, int end_lineno,
          int end_col, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

// Record the first error; cols are 0-based here and stored 1-based.
static int
set_error(parser *P, const char *kind, int lineno, int col, int end_lineno,
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

#define ERR_TOK(P, t, ...) \
    set_error((P), "SyntaxError", (t)->lineno, (t)->col, (t)->end_lineno, (t)->end_col, __VA_ARGS__)
#define ERR_NODE(P, n, ...) \
    set_error((P), "SyntaxError", (n)->lineno, (n)->col_offset, (n)->end_lineno, (n)->end_col_offset, __VA_ARGS__)

static void
oom(parser *P)
{
    set_error(P, "MemoryError", 1, 0, 1, 0, "out of memory");
}

static const wf_lex_token endtok = {WF_TOK_ENDMARKER, WF_KW_NONE_, 0, 0, 1, 0, 1, 0};

// The token at index [i], fetching as needed. On a tokenizer error the
// parse fails with the tokenizer's message and ENDMARKER is returned.
static const wf_lex_token *
tok_at(parser *P, size_t i)
{
    while (i >= P->ntoks) {
        if (P->failed)
            return &endtok;
        if (P->lex_done)
            return &P->chunks[(P->ntoks - 1) / TOK_CHUNK][(P->ntoks - 1) % TOK_CHUNK];
        if (P->ntoks == P->nchunks * TOK_CHUNK) {
            wf_lex_token **c = realloc(P->chunks, (P->nchunks + 1) * sizeof *c);
            if (c == NULL) {
                oom(P);
                return &endtok;
            }
            P->chunks = c;
            c[P->nchunks] = malloc(TOK_CHUNK * sizeof **c);
            if (c[P->nchunks] == NULL) {
                oom(P);
                return &endtok;
            }
            P->nchunks++;
        }
        wf_lex_token *t = &P->chunks[P->ntoks / TOK_CHUNK][P->ntoks % TOK_CHUNK];
        if (wf_lex_next(&P->lx, t) < 0) {
            // A tokenizer error wins over anything the parser had noted.
            P->failed = false;
            set_error(P, P->lx.err_kind, P->lx.err_lineno, P->lx.err_col,
                      P->lx.err_end_lineno, P->lx.err_end_col, "%s", P->lx.err_msg);
            return &endtok;
        }
        if (t->type == WF_TOK_ENDMARKER)
            P->lex_done = true;
        P->ntoks++;
    }
    return &P->chunks[i / TOK_CHUNK][i % TOK_CHUNK];
}

static const wf_lex_token *
cur(parser *P)
{
    return tok_at(P, P->p);
}

static const wf_lex_token *
peek_tok(parser *P, size_t k)
{
    return tok_at(P, P->p + k);
}

static const wf_lex_token *
prev(parser *P)
{
    return P->p > 0 ? tok_at(P, P->p - 1) : &endtok;
}

static const wf_lex_token *
advance(parser *P)
{
    const wf_lex_token *t = cur(P);
    if (!P->failed && P->p < P->ntoks && t->type != WF_TOK_ENDMARKER)
        P->p++;
    return t;
}

static bool
at(parser *P, wf_lex_type t)
{
    return cur(P)->type == t;
}

static bool
at_kw(parser *P, wf_lex_kw kw)
{
    const wf_lex_token *t = cur(P);
    return t->type == WF_TOK_NAME && t->kw == kw;
}

static bool
accept(parser *P, wf_lex_type t)
{
    if (at(P, t)) {
        advance(P);
        return true;
    }
    return false;
}

static bool
accept_kw(parser *P, wf_lex_kw kw)
{
    if (at_kw(P, kw)) {
        advance(P);
        return true;
    }
    return false;
}

static bool
is_soft(const parser *P, const wf_lex_token *t, const char *word)
{
    size_t n = strlen(word);
    return t->type == WF_TOK_NAME && t->end - t->start == n &&
           memcmp(P->lx.src + t->start, word, n) == 0;
}

static int
invalid_syntax(parser *P)
{
    const wf_lex_token *t = cur(P);
    if (P->failed)
        return -1;
    if (t->type == WF_TOK_INDENT)
        return set_error(P, "IndentationError", t->lineno, t->end_col - 1, t->lineno,
                         t->end_col - 1, "unexpected indent");
    if (t->type == WF_TOK_DEDENT)
        return set_error(P, "IndentationError", t->lineno, t->col, t->lineno,
                         t->col, "unexpected unindent");
    if (t->type == WF_TOK_ENDMARKER || t->type == WF_TOK_NEWLINE)
        return ERR_TOK(P, t, "invalid syntax");
    return ERR_TOK(P, t, "invalid syntax");
}

static bool
expect(parser *P, wf_lex_type t, const char *what)
{
    if (accept(P, t))
        return true;
    if (!P->failed) {
        const wf_lex_token *c = cur(P);
        if (c->type == WF_TOK_INDENT || c->type == WF_TOK_DEDENT)
            invalid_syntax(P);
        else
            ERR_TOK(P, c, "expected '%s'", what);
    }
    return false;
}

// ===== Allocation helpers =====

static void *
alloc(parser *P, size_t n)
{
    void *p = wf_ast_arena_alloc(P->arena, n);
    if (p == NULL)
        oom(P);
    return p;
}

static bool
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

static const char *
tok_str(parser *P, const wf_lex_token *t)
{
    char *s = wf_ast_arena_strndup(P->arena, P->lx.src + t->start, t->end - t->start);
    if (s == NULL)
        oom(P);
    return s;
}

static wf_ast_expr *
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
static wf_ast_expr *
expr_from_tok(parser *P, wf_ast_expr_kind kind, const wf_lex_token *a)
{
    const wf_lex_token *b = prev(P);
    return new_expr(P, kind, a->lineno, a->col, b->end_lineno, b->end_col);
}


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

// Bounded recursion: every recursive production passes through here.
static bool
enter(parser *P)
{
    if (P->failed)
        return false;
    if (++P->depth > WF_PARSE_MAX_DEPTH) {
        const wf_lex_token *t = cur(P);
        ERR_TOK(P, t, "too many nested parentheses");
        return false;
    }
    return true;
}

#define LEAVE(P, v) do { (P)->depth--; return (v); } while (0)

// ===== Forward declarations =====

static wf_ast_expr *expression(parser *P);
static wf_ast_expr *disjunction(parser *P);
static wf_ast_expr *bitor_expr(parser *P);
static wf_ast_expr *star_expressions(parser *P);
static wf_ast_expr *primary(parser *P);
static wf_ast_expr *yield_expr(parser *P);
static wf_ast_stmt_seq block(parser *P, const char *what, int line);
static bool statement(parser *P, vec *out);
static wf_ast_expr *fstring(parser *P);

// ===== Targets =====

static const char *
expr_name(const wf_ast_expr *e)
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
static bool
set_context(parser *P, wf_ast_expr *e, wf_ast_expr_context ctx, bool top_assign)
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
            if (!set_context(P, elts->items[i], ctx, false))
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
            ERR_NODE(P, e, "cannot delete %s", expr_name(e));
        else if (top_assign)
            ERR_NODE(P, e, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                     expr_name(e));
        else
            ERR_NODE(P, e, "cannot assign to %s", expr_name(e));
        return false;
    }
}

// ===== Literals =====

static bool
append_utf8(char *out, size_t *n, uint32_t cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xc0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        if (cp >= 0xd800 && cp <= 0xdfff)
            return false;
        out[(*n)++] = (char)(0xe0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp <= 0x10ffff) {
        out[(*n)++] = (char)(0xf0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        return false;
    }
    return true;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decode the body [s, s+n) of a literal into [out] (capacity >= n + 1).
// [fmid]: f-string text, where "{{" and "}}" stand for one brace.
// Returns the decoded length, or -1 with an error at token [t].
static long
decode(parser *P, const wf_lex_token *t, const char *s, size_t n, bool raw,
       bool bytes, bool fmid, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (fmid && (c == '{' || c == '}') && i + 1 < n && s[i + 1] == (char)c) {
            out[o++] = (char)c;
            i += 2;
            continue;
        }
        if (bytes && c >= 0x80) {
            ERR_TOK(P, t, "bytes can only contain ASCII literal characters");
            return -1;
        }
        if (c == '\r') {
            // Universal newlines: "\r\n" and "\r" read as "\n".
            out[o++] = '\n';
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c != '\\' || raw || i + 1 >= n) {
            out[o++] = (char)c;
            i++;
            continue;
        }
        unsigned char d = (unsigned char)s[i + 1];
        i += 2;
        switch (d) {
        case '\n': break;
        case '\r': if (i < n && s[i] == '\n') i++; break;
        case '\\': out[o++] = '\\'; break;
        case '\'': out[o++] = '\''; break;
        case '"': out[o++] = '"'; break;
        case 'a': out[o++] = '\a'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'v': out[o++] = '\v'; break;
        case '0': case '1': case '2': case '3':
        case '4': case '5': case '6': case '7': {
            uint32_t v = d - '0';
            for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
                v = v * 8 + (uint32_t)(s[i++] - '0');
            if (bytes)
                out[o++] = (char)(v & 0xff);
            else
                append_utf8(out, &o, v);
            break;
        }
        case 'x': case 'u': case 'U': {
            if (bytes && d != 'x') {
                out[o++] = '\\';
                out[o++] = (char)d;
                break;
            }
            int digits = d == 'x' ? 2 : d == 'u' ? 4 : 8;
            uint32_t v = 0;
            for (int k = 0; k < digits; k++) {
                int h = i < n ? hexval((unsigned char)s[i]) : -1;
                if (h < 0) {
                    ERR_TOK(P, t, "(%s error) '%s' codec can't decode bytes in "
                            "position %zu-%zu: truncated %s escape",
                            bytes ? "value" : "unicode", bytes ? "bytes" : "unicodeescape",
                            (size_t)0, (size_t)(k + 1),
                            d == 'x' ? "\\xXX" : d == 'u' ? "\\uXXXX" : "\\UXXXXXXXX");
                    return -1;
                }
                v = v * 16 + (uint32_t)h;
                i++;
            }
            if (bytes) {
                out[o++] = (char)v;
            } else if (!append_utf8(out, &o, v)) {
                ERR_TOK(P, t, v > 0x10ffff
                                  ? "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character"
                                  : "lone surrogates in string literals are not supported by Weft");
                return -1;
            }
            break;
        }
        case 'N':
            if (!bytes) {
                ERR_TOK(P, t, "\\N{...} escapes are not supported by Weft");
                return -1;
            }
            out[o++] = '\\';
            out[o++] = 'N';
            break;
        default:
            // Invalid escape: kept as is (CPython warns).
            out[o++] = '\\';
            out[o++] = (char)d;
            break;
        }
    }
    return (long)o;
}

// Decimal string of a value given in [base] by [digits] (underscores skipped).
static char *
to_decimal(parser *P, const char *s, size_t n, int base)
{
    // Little-endian base-1e9 limbs.
    size_t maxlimbs = n / 2 + 2;
    uint32_t *limbs = calloc(maxlimbs, sizeof *limbs);
    if (limbs == NULL) {
        oom(P);
        return NULL;
    }
    size_t nl = 1;
    for (size_t i = 0; i < n; i++) {
        int h = hexval((unsigned char)s[i]);
        if (h < 0)
            continue;
        uint64_t carry = (uint64_t)h;
        for (size_t k = 0; k < nl; k++) {
            uint64_t v = (uint64_t)limbs[k] * (uint64_t)base + carry;
            limbs[k] = (uint32_t)(v % 1000000000u);
            carry = v / 1000000000u;
        }
        if (carry && nl < maxlimbs)
            limbs[nl++] = (uint32_t)carry;
    }
    char *out = alloc(P, nl * 9 + 2);
    if (out != NULL) {
        int w = sprintf(out, "%u", limbs[nl - 1]);
        for (size_t k = nl - 1; k-- > 0;)
            w += sprintf(out + w, "%09u", limbs[k]);
    }
    free(limbs);
    return out;
}

static wf_ast_expr *
number(parser *P)
{
    const wf_lex_token *t = advance(P);
    wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_CONSTANT, t);
    if (e == NULL)
        return NULL;
    const char *s = P->lx.src + t->start;
    size_t n = t->end - t->start;
    char last = s[n - 1];
    if (last == 'j' || last == 'J') {
        ERR_TOK(P, t, "complex numbers are not supported by Weft");
        return NULL;
    }
    int base = 10;
    size_t skip = 0;
    if (n > 1 && s[0] == '0' && ((s[1] | 0x20) == 'x' || (s[1] | 0x20) == 'o' ||
                                 (s[1] | 0x20) == 'b')) {
        base = (s[1] | 0x20) == 'x' ? 16 : (s[1] | 0x20) == 'o' ? 8 : 2;
        skip = 2;
    } else {
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
                char buf[512];
                char *copy = n < sizeof buf ? buf : malloc(n + 1);
                if (copy == NULL) {
                    oom(P);
                    return NULL;
                }
                size_t k = 0;
                for (size_t j = 0; j < n; j++) {
                    if (s[j] != '_')
                        copy[k++] = s[j];
                }
                copy[k] = '\0';
                e->v.constant.kind = WF_AST_CONST_FLOAT;
                e->v.constant.f = strtod(copy, NULL);
                if (copy != buf)
                    free(copy);
                return e;
            }
        }
    }
    uint64_t v = 0;
    bool big = false;
    for (size_t i = skip; i < n; i++) {
        int h = hexval((unsigned char)s[i]);
        if (h < 0)
            continue;
        if (v > (UINT64_MAX - (uint64_t)h) / (uint64_t)base) {
            big = true;
            break;
        }
        v = v * (uint64_t)base + (uint64_t)h;
    }
    if (!big && v <= (uint64_t)INT64_MAX) {
        e->v.constant.kind = WF_AST_CONST_INT;
        e->v.constant.i = (int64_t)v;
        return e;
    }
    e->v.constant.kind = WF_AST_CONST_BIG_INT;
    e->v.constant.str = to_decimal(P, s + skip, n - skip, base);
    if (e->v.constant.str == NULL)
        return NULL;
    e->v.constant.len = strlen(e->v.constant.str);
    return e;
}

// Prefix flags of a STRING token; returns the offset of the opening quote.
static size_t
string_prefix(parser *P, const wf_lex_token *t, bool *raw, bool *bytes, bool *tmpl)
{
    size_t i = t->start;
    *raw = *bytes = *tmpl = false;
    for (;; i++) {
        char c = (char)(P->lx.src[i] | 0x20);
        if (c == 'r') *raw = true;
        else if (c == 'b') *bytes = true;
        else if (c == 't') *tmpl = true;
        else if (c == 'u' || c == 'f') continue;
        else break;
    }
    return i;
}

// Concatenated string literals (plain and f-strings) starting at cur.
static wf_ast_expr *
strings(parser *P)
{
    const wf_lex_token *first = cur(P);
    bool any_f = false, any_bytes = false, any_str = false;
    for (size_t k = 0;; k++) {
        const wf_lex_token *t = peek_tok(P, k);
        if (t->type == WF_TOK_FSTRING_START) {
            any_f = any_str = true;
            // skip to its end, counting nesting
            int nest = 0;
            for (;; k++) {
                const wf_lex_token *u = peek_tok(P, k);
                if (P->failed)
                    return NULL;
                if (u->type == WF_TOK_FSTRING_START)
                    nest++;
                else if (u->type == WF_TOK_FSTRING_END && --nest == 0)
                    break;
                else if (u->type == WF_TOK_ENDMARKER)
                    return NULL;
            }
        } else if (t->type == WF_TOK_STRING) {
            bool raw, bytes, tmpl;
            string_prefix(P, t, &raw, &bytes, &tmpl);
            if (tmpl) {
                ERR_TOK(P, t, "template strings are not supported by Weft");
                return NULL;
            }
            if (bytes)
                any_bytes = true;
            else
                any_str = true;
        } else {
            break;
        }
    }
    if (P->failed)
        return NULL;
    if (any_bytes && any_str) {
        // CPython points just past the last literal.
        const wf_lex_token *last = first;
        for (size_t k = 0; peek_tok(P, k)->type == WF_TOK_STRING; k++)
            last = peek_tok(P, k);
        set_error(P, "SyntaxError", last->end_lineno, last->end_col, last->end_lineno,
                  last->end_col, "cannot mix bytes and nonbytes literals");
        return NULL;
    }
    if (any_f) {
        // JoinedStr over all pieces; adjacent constants merged.
        vec values = {0};
        char *buf = NULL;
        size_t blen = 0, bcap = 0;
        wf_ast_expr *pending = NULL;     // constant being accumulated
        while (at(P, WF_TOK_STRING) || at(P, WF_TOK_FSTRING_START)) {
            wf_ast_expr *piece;
            if (at(P, WF_TOK_STRING)) {
                const wf_lex_token *t = advance(P);
                bool raw, bytes, tmpl;
                size_t q = string_prefix(P, t, &raw, &bytes, &tmpl);
                size_t ql = (t->end - q >= 6 && P->lx.src[q + 1] == P->lx.src[q] &&
                             P->lx.src[q + 2] == P->lx.src[q]) ? 3 : 1;
                const char *body = P->lx.src + q + ql;
                size_t bn = t->end - q - 2 * ql;
                char *d = alloc(P, bn + 1);
                if (d == NULL)
                    return NULL;
                long dn = decode(P, t, body, bn, raw, false, false, d);
                if (dn < 0)
                    return NULL;
                piece = new_expr(P, WF_AST_EXPR_CONSTANT, t->lineno, t->col, t->end_lineno, t->end_col);
                if (piece == NULL)
                    return NULL;
                piece->v.constant.kind = WF_AST_CONST_STR;
                piece->v.constant.str = d;
                piece->v.constant.len = (size_t)dn;
                // Flatten into the value list below.
                wf_ast_expr *tmp = new_expr(P, WF_AST_EXPR_JOINED_STR, 0, 0, 0, 0);
                if (tmp == NULL)
                    return NULL;
                wf_ast_expr **one = alloc(P, sizeof *one);
                if (one == NULL)
                    return NULL;
                one[0] = piece;
                tmp->v.joined_str.values.items = one;
                tmp->v.joined_str.values.n = 1;
                piece = tmp;
            } else {
                piece = fstring(P);
                if (piece == NULL)
                    return NULL;
            }
            for (size_t i = 0; i < piece->v.joined_str.values.n; i++) {
                wf_ast_expr *v = piece->v.joined_str.values.items[i];
                if (v->kind == WF_AST_EXPR_CONSTANT) {
                    if (v->v.constant.len == 0)
                        continue;
                    if (pending == NULL) {
                        pending = v;
                        blen = 0;
                    } else {
                        pending->end_lineno = v->end_lineno;
                        pending->end_col_offset = v->end_col_offset;
                    }
                    if (blen + v->v.constant.len + 1 > bcap) {
                        size_t ncap = (blen + v->v.constant.len + 1) * 2;
                        char *nb = alloc(P, ncap);
                        if (nb == NULL)
                            return NULL;
                        if (blen)
                            memcpy(nb, buf, blen);
                        buf = nb;
                        bcap = ncap;
                    }
                    memcpy(buf + blen, v->v.constant.str, v->v.constant.len);
                    blen += v->v.constant.len;
                    continue;
                }
                if (pending != NULL) {
                    pending->v.constant.str = wf_ast_arena_strndup(P->arena, buf, blen);
                    pending->v.constant.len = blen;
                    if (pending->v.constant.str == NULL || !vec_push(P, &values, pending)) {
                        oom(P);
                        return NULL;
                    }
                    pending = NULL;
                }
                if (!vec_push(P, &values, v))
                    return NULL;
            }
        }
        if (pending != NULL) {
            pending->v.constant.str = wf_ast_arena_strndup(P->arena, buf, blen);
            pending->v.constant.len = blen;
            if (pending->v.constant.str == NULL || !vec_push(P, &values, pending)) {
                oom(P);
                return NULL;
            }
        }
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_JOINED_STR, first);
        if (e == NULL)
            return NULL;
        e->v.joined_str.values = AS_SEQ(wf_ast_expr_seq, values);
        return e;
    }
    // Plain str or bytes: decode every piece into one buffer.
    size_t total = 0;
    size_t count = 0;
    while (peek_tok(P, count)->type == WF_TOK_STRING) {
        const wf_lex_token *t = peek_tok(P, count);
        total += t->end - t->start;
        count++;
    }
    char *out = alloc(P, total + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t k = 0; k < count; k++) {
        const wf_lex_token *t = advance(P);
        bool raw, bytes, tmpl;
        size_t q = string_prefix(P, t, &raw, &bytes, &tmpl);
        size_t ql = (t->end - q >= 6 && P->lx.src[q + 1] == P->lx.src[q] &&
                     P->lx.src[q + 2] == P->lx.src[q]) ? 3 : 1;
        long dn = decode(P, t, P->lx.src + q + ql, t->end - q - 2 * ql, raw, bytes,
                         false, out + o);
        if (dn < 0)
            return NULL;
        o += (size_t)dn;
    }
    out[o] = '\0';
    wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_CONSTANT, first);
    if (e == NULL)
        return NULL;
    e->v.constant.kind = any_bytes ? WF_AST_CONST_BYTES : WF_AST_CONST_STR;
    e->v.constant.str = out;
    e->v.constant.len = o;
    return e;
}

// The literal text of an FSTRING_MIDDLE token as a Constant.
static wf_ast_expr *
fstring_middle(parser *P, bool raw)
{
    const wf_lex_token *t = advance(P);
    size_t n = t->end - t->start;
    char *d = alloc(P, n + 1);
    if (d == NULL)
        return NULL;
    long dn = decode(P, t, P->lx.src + t->start, n, raw, false, true, d);
    if (dn < 0)
        return NULL;
    d[dn] = '\0';
    wf_ast_expr *e = new_expr(P, WF_AST_EXPR_CONSTANT, t->lineno, t->col, t->end_lineno, t->end_col);
    if (e == NULL)
        return NULL;
    e->v.constant.kind = WF_AST_CONST_STR;
    e->v.constant.str = d;
    e->v.constant.len = (size_t)dn;
    return e;
}

static wf_ast_expr *fstring_field(parser *P, bool raw);

// Parts of an f-string (or of a format spec) up to [end] (FSTRING_END or
// RBRACE, not consumed) into [values].
static bool
fstring_parts(parser *P, vec *values, bool raw, wf_lex_type end)
{
    while (!at(P, end)) {
        wf_ast_expr *v;
        if (at(P, WF_TOK_FSTRING_MIDDLE))
            v = fstring_middle(P, raw);
        else if (at(P, WF_TOK_LBRACE))
            v = fstring_field(P, raw);
        else {
            if (!P->failed)
                ERR_TOK(P, cur(P), end == WF_TOK_RBRACE ? "f-string: expecting '}'"
                                                        : "invalid syntax");
            return false;
        }
        if (v == NULL || !vec_push(P, values, v))
            return false;
    }
    return true;
}

// One replacement field `{expr[=][!c][:spec]}`; cur is its LBRACE.
static wf_ast_expr *
fstring_field(parser *P, bool raw)
{
    if (!enter(P))
        return NULL;
    const wf_lex_token *lb = advance(P);
    if (at(P, WF_TOK_RBRACE)) {
        ERR_TOK(P, cur(P), "f-string: valid expression required before '}'");
        LEAVE(P, NULL);
    }
    wf_ast_expr *value = at_kw(P, WF_KW_YIELD) ? yield_expr(P) : star_expressions(P);
    if (value == NULL)
        LEAVE(P, NULL);
    wf_ast_expr *debug = NULL;
    if (at(P, WF_TOK_EQUAL)) {
        // `{x=}`: the text up to and including '=' comes out verbatim.
        const wf_lex_token *eq = advance(P);
        debug = new_expr(P, WF_AST_EXPR_CONSTANT, lb->lineno, lb->end_col,
                         eq->end_lineno, eq->end_col);
        if (debug == NULL)
            LEAVE(P, NULL);
        size_t s = lb->end, n = cur(P)->start - s;
        if (at(P, WF_TOK_FSTRING_MIDDLE) || at(P, WF_TOK_RBRACE) ||
            at(P, WF_TOK_EXCLAMATION) || at(P, WF_TOK_COLON))
            n = cur(P)->start - s;
        debug->v.constant.kind = WF_AST_CONST_STR;
        debug->v.constant.str = wf_ast_arena_strndup(P->arena, P->lx.src + s, n);
        debug->v.constant.len = n;
        if (debug->v.constant.str == NULL) {
            oom(P);
            LEAVE(P, NULL);
        }
    }
    int conversion = -1;
    if (at(P, WF_TOK_EXCLAMATION)) {
        const wf_lex_token *bang = advance(P);
        const wf_lex_token *c = cur(P);
        if (c->type != WF_TOK_NAME) {
            ERR_TOK(P, c, "f-string: missing conversion character");
            LEAVE(P, NULL);
        }
        if (c->lineno != bang->lineno || c->col != bang->end_col) {
            ERR_TOK(P, c, "f-string: conversion type must come right after the exclamanation mark");
            LEAVE(P, NULL);
        }
        if (c->end - c->start != 1 || strchr("rsa", P->lx.src[c->start]) == NULL) {
            ERR_TOK(P, c, "f-string: invalid conversion character '%.*s': expected 's', 'r', or 'a'",
                    (int)(c->end - c->start), P->lx.src + c->start);
            LEAVE(P, NULL);
        }
        conversion = P->lx.src[c->start];
        advance(P);
    }
    wf_ast_expr *spec = NULL;
    if (at(P, WF_TOK_COLON)) {
        const wf_lex_token *colon = advance(P);
        vec parts = {0};
        if (!fstring_parts(P, &parts, raw, WF_TOK_RBRACE))
            LEAVE(P, NULL);
        if (parts.n > 0) {
            const wf_ast_expr *a = parts.items[0], *b = parts.items[parts.n - 1];
            spec = new_expr(P, WF_AST_EXPR_JOINED_STR, a->lineno, a->col_offset,
                            b->end_lineno, b->end_col_offset);
        } else {
            spec = new_expr(P, WF_AST_EXPR_JOINED_STR, colon->end_lineno, colon->end_col,
                            colon->end_lineno, colon->end_col);
        }
        if (spec == NULL)
            LEAVE(P, NULL);
        spec->v.joined_str.values = AS_SEQ(wf_ast_expr_seq, parts);
    }
    if (!at(P, WF_TOK_RBRACE)) {
        if (!P->failed)
            ERR_TOK(P, cur(P), "f-string: expecting '}'");
        LEAVE(P, NULL);
    }
    advance(P);
    if (debug != NULL && conversion == -1 && spec == NULL)
        conversion = 'r';
    wf_ast_expr *fv = expr_from_tok(P, WF_AST_EXPR_FORMATTED_VALUE, lb);
    if (fv == NULL)
        LEAVE(P, NULL);
    fv->v.formatted_value.value = value;
    fv->v.formatted_value.conversion = conversion;
    fv->v.formatted_value.format_spec = spec;
    if (debug == NULL)
        LEAVE(P, fv);
    // `{x=}` expands to Constant('x=') followed by the value, as CPython does.
    wf_ast_expr *pair = new_expr(P, WF_AST_EXPR_JOINED_STR, 0, 0, 0, 0);
    wf_ast_expr **two = alloc(P, 2 * sizeof *two);
    if (pair == NULL || two == NULL)
        LEAVE(P, NULL);
    two[0] = debug;
    two[1] = fv;
    pair->v.joined_str.values.items = two;
    pair->v.joined_str.values.n = 2;
    LEAVE(P, pair);
}

// One f-string FSTRING_START ... FSTRING_END as a JoinedStr. Debug fields
// come back as nested JoinedStr pairs and are flattened here.
static wf_ast_expr *
fstring(parser *P)
{
    if (!enter(P))
        return NULL;
    const wf_lex_token *start = advance(P);
    bool raw = false;
    for (size_t i = start->start; i < start->end; i++) {
        char c = (char)(P->lx.src[i] | 0x20);
        if (c == 'r')
            raw = true;
        else if (c != 'f')
            break;
    }
    vec parts = {0}, flat = {0};
    if (!fstring_parts(P, &parts, raw, WF_TOK_FSTRING_END))
        LEAVE(P, NULL);
    advance(P);
    for (size_t i = 0; i < parts.n; i++) {
        wf_ast_expr *v = parts.items[i];
        if (v->kind == WF_AST_EXPR_JOINED_STR) {
            for (size_t k = 0; k < v->v.joined_str.values.n; k++) {
                if (!vec_push(P, &flat, v->v.joined_str.values.items[k]))
                    LEAVE(P, NULL);
            }
        } else if (!vec_push(P, &flat, v)) {
            LEAVE(P, NULL);
        }
    }
    wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_JOINED_STR, start);
    if (e == NULL)
        LEAVE(P, NULL);
    e->v.joined_str.values = AS_SEQ(wf_ast_expr_seq, flat);
    LEAVE(P, e);
}

// ===== Comprehensions =====

// A target list for `for`: primaries (or parenthesized/bracketed target
// lists), comma-separated; stops before `in`. Returned with ctx Store.
static wf_ast_expr *
target_list(parser *P)
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
            t = bitor_expr(P);
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
    if (!set_context(P, res, WF_AST_STORE, false))
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
        c->target = target_list(P);
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
static wf_ast_expr *
star_named_expression(parser *P)
{
    if (at(P, WF_TOK_STAR)) {
        const wf_lex_token *star = advance(P);
        note_starred(P, star);
        wf_ast_expr *inner = bitor_expr(P);
        if (inner == NULL)
            return NULL;
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_STARRED, star);
        if (e == NULL)
            return NULL;
        e->v.starred.value = inner;
        return e;
    }
    return expression(P);
}

// Remaining elements after the first of a list/tuple/set, up to [close].
static bool
more_elements(parser *P, vec *elts, wf_lex_type close)
{
    while (accept(P, WF_TOK_COMMA)) {
        if (at(P, close))
            break;
        wf_ast_expr *e = star_named_expression(P);
        if (e == NULL || !vec_push(P, elts, e))
            return false;
    }
    return true;
}

static bool
expect_close(parser *P, wf_lex_type close)
{
    if (accept(P, close))
        return true;
    if (!P->failed)
        invalid_syntax(P);
    return false;
}

static wf_ast_expr *
paren_atom(parser *P)
{
    const wf_lex_token *open = advance(P);
    if (accept(P, WF_TOK_RPAR))
        return expr_from_tok(P, WF_AST_EXPR_TUPLE, open);
    if (at_kw(P, WF_KW_YIELD)) {
        wf_ast_expr *y = yield_expr(P);
        if (y == NULL || !expect_close(P, WF_TOK_RPAR))
            return NULL;
        return y;
    }
    wf_ast_expr *first = star_named_expression(P);
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
        wf_ast_expr *first = star_named_expression(P);
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
    wf_ast_expr *first = star_named_expression(P);
    if (first == NULL)
        return NULL;
    if (accept(P, WF_TOK_COLON)) {
        if (first->kind == WF_AST_EXPR_STARRED) {
            ERR_NODE(P, first, "cannot use a starred expression in a dictionary key");
            return NULL;
        }
        wf_ast_expr *value = expression(P);
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
            wf_ast_expr *k = expression(P);
            if (k == NULL)
                return NULL;
            if (!expect(P, WF_TOK_COLON, ":"))
                return NULL;
            wf_ast_expr *v = expression(P);
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
            invalid_syntax(P);
            return NULL;
        }
        advance(P);
        wf_ast_expr *e = expr_from_tok(P, WF_AST_EXPR_CONSTANT, t);
        if (e != NULL)
            e->v.constant.kind = ck;
        return e;
    }
    case WF_TOK_NUMBER:
        return number(P);
    case WF_TOK_STRING:
    case WF_TOK_FSTRING_START:
        return strings(P);
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
        invalid_syntax(P);
        return NULL;
    }
}

// ===== Calls, subscripts, primaries =====

static bool
call_args(parser *P, wf_lex_type close, vec *args, vec *keywords)
{
    bool seen_kw = false, seen_dstar = false;
    while (!at(P, close)) {
        const wf_lex_token *t = cur(P);
        if (at(P, WF_TOK_STAR)) {
            advance(P);
            wf_ast_expr *v = expression(P);
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
            wf_ast_expr *v = expression(P);
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
            wf_ast_expr *v = expression(P);
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
            wf_ast_expr *v = expression(P);
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
            lower = star_named_expression(P);
            return lower;
        }
        lower = expression(P);
        if (lower == NULL || !at(P, WF_TOK_COLON))
            return lower;
    }
    advance(P);
    wf_ast_expr *upper = NULL, *step = NULL;
    if (!at(P, WF_TOK_COLON) && !at(P, WF_TOK_COMMA) && !at(P, WF_TOK_RSQB)) {
        upper = expression(P);
        if (upper == NULL)
            return NULL;
    }
    if (accept(P, WF_TOK_COLON)) {
        if (!at(P, WF_TOK_COMMA) && !at(P, WF_TOK_RSQB)) {
            step = expression(P);
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
                invalid_syntax(P);
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
            if (!call_args(P, WF_TOK_RPAR, &args, &kws))
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
    wf_ast_expr *right = factor(P);
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
    else LEAVE(P, power(P));
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

static wf_ast_expr *
bitor_expr(parser *P)
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
    wf_ast_expr *left = bitor_expr(P);
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
        wf_ast_expr *right = bitor_expr(P);
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
    if (!at_kw(P, WF_KW_NOT))
        LEAVE(P, comparison(P));
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

static bool
is_name(const wf_lex_token *t)
{
    return t->type == WF_TOK_NAME && t->kw == WF_KW_NONE_;
}

static wf_ast_arg *
param(parser *P, bool annotations)
{
    const wf_lex_token *t = cur(P);
    if (!is_name(t)) {
        invalid_syntax(P);
        return NULL;
    }
    advance(P);
    wf_ast_arg *a = alloc(P, sizeof *a);
    if (a == NULL || (a->arg = tok_str(P, t)) == NULL)
        return NULL;
    if (annotations && accept(P, WF_TOK_COLON)) {
        a->annotation = expression(P);
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
static wf_ast_arguments *
parameters(parser *P, wf_lex_type close, bool annotations)
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
                def = expression(P);
                if (def == NULL)
                    return NULL;
            }
            if (star) {
                if (!vec_push(P, &kwonly, a) || !vec_push(P, &kwdefaults, def))
                    return NULL;
            } else {
                if (def == NULL && defaults.n > 0) {
                    set_error(P, "SyntaxError", a->lineno, a->col_offset, a->end_lineno,
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

static wf_ast_expr *
lambda_expr(parser *P)
{
    const wf_lex_token *t = advance(P);
    wf_ast_arguments *args = parameters(P, WF_TOK_COLON, false);
    if (args == NULL || !expect(P, WF_TOK_COLON, ":"))
        return NULL;
    wf_ast_expr *body = expression(P);
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
expression(parser *P)
{
    if (!enter(P))
        return NULL;
    if (at_kw(P, WF_KW_LAMBDA))
        LEAVE(P, lambda_expr(P));
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
            set_error(P, "SyntaxError", body->lineno, body->col_offset, test->end_lineno,
                      test->end_col_offset, "expected 'else' after 'if' expression");
        LEAVE(P, NULL);
    }
    wf_ast_expr *orelse = expression(P);
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
static bool
starts_expr(parser *P)
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
static wf_ast_expr *
star_expressions(parser *P)
{
    const wf_lex_token *first = cur(P);
    wf_ast_expr *e = star_named_expression(P);
    if (e == NULL || !at(P, WF_TOK_COMMA))
        return e;
    vec elts = {0};
    if (!vec_push(P, &elts, e))
        return NULL;
    while (accept(P, WF_TOK_COMMA)) {
        if (!starts_expr(P))
            break;
        wf_ast_expr *x = star_named_expression(P);
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
yield_expr(parser *P)
{
    const wf_lex_token *t = advance(P);
    if (accept_kw(P, WF_KW_FROM)) {
        wf_ast_expr *v = expression(P);
        if (v == NULL)
            return NULL;
        wf_ast_expr *y = expr_from_tok(P, WF_AST_EXPR_YIELD_FROM, t);
        if (y != NULL)
            y->v.yield_from.value = v;
        return y;
    }
    wf_ast_expr *v = NULL;
    if (starts_expr(P)) {
        v = star_expressions(P);
        if (v == NULL)
            return NULL;
    }
    wf_ast_expr *y = expr_from_tok(P, WF_AST_EXPR_YIELD, t);
    if (y != NULL)
        y->v.yield.value = v;
    return y;
}

static wf_ast_expr *
yield_or_star_expressions(parser *P)
{
    return at_kw(P, WF_KW_YIELD) ? yield_expr(P) : star_expressions(P);
}

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
    wf_ast_expr *e = yield_or_star_expressions(P);
    if (e == NULL)
        return NULL;
    wf_ast_operator op;
    if (at(P, WF_TOK_EQUAL)) {
        vec targets = {0};
        wf_ast_expr *value = e;
        while (accept(P, WF_TOK_EQUAL)) {
            if (!vec_push(P, &targets, value))
                return NULL;
            value = yield_or_star_expressions(P);
            if (value == NULL)
                return NULL;
        }
        // CPython adds its '==' hint only for a single target.
        for (size_t i = 0; i < targets.n; i++) {
            if (!set_context(P, targets.items[i], WF_AST_STORE, targets.n == 1))
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
                     expr_name(e));
            return NULL;
        }
        advance(P);
        set_context(P, e, WF_AST_STORE, false);
        wf_ast_expr *value = yield_or_star_expressions(P);
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
        set_context(P, e, WF_AST_STORE, false);
        wf_ast_expr *ann = expression(P);
        if (ann == NULL)
            return NULL;
        wf_ast_expr *value = NULL;
        if (accept(P, WF_TOK_EQUAL)) {
            value = yield_or_star_expressions(P);
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
        invalid_syntax(P);
        return NULL;
    }
    advance(P);
    size_t len = first->end - first->start;
    char *s = wf_ast_arena_strndup(P->arena, P->lx.src + first->start, len);
    while (s != NULL && at(P, WF_TOK_DOT)) {
        advance(P);
        const wf_lex_token *n = cur(P);
        if (!is_name(n)) {
            invalid_syntax(P);
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
        oom(P);
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
            invalid_syntax(P);
            return NULL;
        }
        a->name = tok_str(P, advance(P));
    }
    if (a->name == NULL)
        return NULL;
    if (accept_kw(P, WF_KW_AS)) {
        const wf_lex_token *n = cur(P);
        if (!is_name(n)) {
            invalid_syntax(P);
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
            if (starts_expr(P) && (v = star_expressions(P)) == NULL)
                return NULL;
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_RETURN, t);
            if (s != NULL)
                s->v.return_.value = v;
            return s;
        }
        case WF_KW_RAISE: {
            advance(P);
            wf_ast_expr *exc = NULL, *cause = NULL;
            if (starts_expr(P)) {
                if ((exc = expression(P)) == NULL)
                    return NULL;
                if (accept_kw(P, WF_KW_FROM) && (cause = expression(P)) == NULL)
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
                    invalid_syntax(P);
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
                if (!starts_expr(P))
                    break;
                wf_ast_expr *e = at(P, WF_TOK_STAR) ? star_named_expression(P) : bitor_expr(P);
                if (e == NULL || !set_context(P, e, WF_AST_DEL, false) ||
                    !vec_push(P, &targets, e))
                    return NULL;
            } while (accept(P, WF_TOK_COMMA));
            if (targets.n == 0) {
                invalid_syntax(P);
                return NULL;
            }
            wf_ast_stmt *s = new_stmt(P, WF_AST_STMT_DELETE, t);
            if (s != NULL)
                s->v.delete_.targets = AS_SEQ(wf_ast_expr_seq, targets);
            return s;
        }
        case WF_KW_ASSERT: {
            advance(P);
            wf_ast_expr *test = expression(P), *msg = NULL;
            if (test == NULL)
                return NULL;
            if (accept(P, WF_TOK_COMMA) && (msg = expression(P)) == NULL)
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
            invalid_syntax(P);
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
            set_error(P, "IndentationError", t->lineno, t->col, t->end_lineno, t->end_col,
                      "expected an indented block after %s on line %d", what, line);
        }
        LEAVE(P, none);
    }
    advance(P);
    while (!accept(P, WF_TOK_DEDENT)) {
        if (at(P, WF_TOK_ENDMARKER) || P->failed) {
            if (!P->failed)
                invalid_syntax(P);
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
    wf_ast_expr *e = expression(P);
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
        wf_ast_stmt *e = if_stmt(P, "elif");
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
    wf_ast_expr *target = target_list(P);
    if (target == NULL)
        return NULL;
    if (!accept_kw(P, WF_KW_IN)) {
        if (!P->failed)
            ERR_TOK(P, cur(P), "expected 'in'");
        return NULL;
    }
    wf_ast_expr *iter = star_expressions(P);
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
    w->context_expr = expression(P);
    if (w->context_expr == NULL)
        return NULL;
    if (accept_kw(P, WF_KW_AS)) {
        const wf_lex_token *first = cur(P);
        wf_ast_expr *target = bitor_expr(P);
        if (target == NULL)
            return NULL;
        if (at(P, WF_TOK_COMMA) && first->type != WF_TOK_LPAR &&
            peek_tok(P, 1)->type != WF_TOK_NAME) {
            // `with a as b, c:` is two items; a bare tuple target is rare.
        }
        if (!set_context(P, target, WF_AST_STORE, false))
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
            h->type = expression(P);
            if (h->type == NULL)
                return NULL;
            if (at(P, WF_TOK_COMMA)) {
                // PEP 758 (3.14): `except A, B:` without parentheses.
                vec elts = {0};
                if (!vec_push(P, &elts, h->type))
                    return NULL;
                while (accept(P, WF_TOK_COMMA)) {
                    wf_ast_expr *x = expression(P);
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
        invalid_syntax(P);
        return NULL;
    }
    advance(P);
    if (at(P, WF_TOK_LSQB)) {
        ERR_TOK(P, cur(P), "generic functions (type parameters) are not supported by Weft");
        return NULL;
    }
    if (!expect(P, WF_TOK_LPAR, "("))
        return NULL;
    wf_ast_arguments *args = parameters(P, WF_TOK_RPAR, true);
    if (args == NULL || !expect_close(P, WF_TOK_RPAR))
        return NULL;
    wf_ast_expr *returns = NULL;
    if (accept(P, WF_TOK_RARROW) && (returns = expression(P)) == NULL)
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
        invalid_syntax(P);
        return NULL;
    }
    advance(P);
    if (at(P, WF_TOK_LSQB)) {
        ERR_TOK(P, cur(P), "generic classes (type parameters) are not supported by Weft");
        return NULL;
    }
    vec bases = {0}, kws = {0};
    if (accept(P, WF_TOK_LPAR) && !call_args(P, WF_TOK_RPAR, &bases, &kws))
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
        oom(P);
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
