// runtime/compiler/literal.c -- literals of the parser (wf_parse_*).
// Numbers, string and bytes literals with their escapes, implicit
// concatenation, and f-strings (PEP 701 tokens from wf_lex) into
// Constant and JoinedStr nodes. Part of the parser: see parse_int.h.
#include "compiler/parse_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static wf_ast_expr *fstring(parser *P);

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
        wf_parse_oom(P);
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

wf_ast_expr *
wf_parse_number(parser *P)
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
                    wf_parse_oom(P);
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
wf_ast_expr *
wf_parse_strings(parser *P)
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
        wf_parse_set_error(P, "SyntaxError", last->end_lineno, last->end_col, last->end_lineno,
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
                        wf_parse_oom(P);
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
                wf_parse_oom(P);
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
    wf_ast_expr *value = at_kw(P, WF_KW_YIELD) ? wf_parse_yield_expr(P) : wf_parse_star_expressions(P);
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
            wf_parse_oom(P);
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
