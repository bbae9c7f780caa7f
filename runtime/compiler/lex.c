// runtime/compiler/lex.c -- the tokenizer of Weft Python (wf_lex_*).
// Follows CPython 3.14's tokenizer: tab stops of 8 with the alternate-column
// consistency check (TabError), INDENT/DEDENT from an indent stack, NEWLINE
// only at depth 0, and PEP 701 f-string modes kept on a stack so any quote may
// nest inside a replacement field. Reads only inside [src, src+len).
#include "compiler/lex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// ===== Small helpers =====

static int
peek(const wf_lex *lx, size_t k)
{
    size_t at = lx->pos + k;
    return at < lx->len ? (unsigned char)lx->src[at] : -1;
}

static int
cur_col(const wf_lex *lx)
{
    return (int)(lx->pos - lx->line_start);
}

static int
lex_error_at(wf_lex *lx, const char *kind, int lineno, int col,
             int end_lineno, int end_col, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int
lex_error_at(wf_lex *lx, const char *kind, int lineno, int col,
             int end_lineno, int end_col, const char *fmt, ...)
{
    if (lx->err_msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(lx->err_msg, sizeof lx->err_msg, fmt, ap);
        va_end(ap);
        if (lx->err_msg[0] == '\0')
            snprintf(lx->err_msg, sizeof lx->err_msg, "invalid syntax");
        snprintf(lx->err_kind, sizeof lx->err_kind, "%s", kind);
        lx->err_lineno = lineno;
        lx->err_col = col;
        lx->err_end_lineno = end_lineno;
        lx->err_end_col = end_col;
    }
    return -1;
}

// Consume one line break at pos ("\n", "\r\n" or "\r") and start a new line.
static void
take_newline(wf_lex *lx)
{
    if (peek(lx, 0) == '\r' && peek(lx, 1) == '\n')
        lx->pos += 2;
    else
        lx->pos += 1;
    lx->lineno++;
    lx->line_start = lx->pos;
}

// The line CPython names in "(detected at line N)": the last line that
// holds any text before the end of input.
static int
detected_line(const wf_lex *lx)
{
    return (lx->pos == lx->line_start && lx->lineno > 1 && lx->pos >= lx->len)
               ? lx->lineno - 1 : lx->lineno;
}

static bool
is_newline_char(int c)
{
    return c == '\n' || c == '\r';
}

static int
make(wf_lex *lx, wf_lex_token *tok, wf_lex_type t, size_t start, int lineno,
     int col)
{
    tok->type = t;
    tok->kw = WF_KW_NONE_;
    tok->start = start;
    tok->end = lx->pos;
    tok->lineno = lineno;
    tok->col = col;
    tok->end_lineno = lx->lineno;
    tok->end_col = cur_col(lx);
    return 0;
}

static const struct { const char *s; wf_lex_kw kw; } keywords[] = {
    {"False", WF_KW_FALSE}, {"None", WF_KW_NONE}, {"True", WF_KW_TRUE},
    {"and", WF_KW_AND}, {"as", WF_KW_AS}, {"assert", WF_KW_ASSERT},
    {"async", WF_KW_ASYNC}, {"await", WF_KW_AWAIT}, {"break", WF_KW_BREAK},
    {"class", WF_KW_CLASS}, {"continue", WF_KW_CONTINUE}, {"def", WF_KW_DEF},
    {"del", WF_KW_DEL}, {"elif", WF_KW_ELIF}, {"else", WF_KW_ELSE},
    {"except", WF_KW_EXCEPT}, {"finally", WF_KW_FINALLY}, {"for", WF_KW_FOR},
    {"from", WF_KW_FROM}, {"global", WF_KW_GLOBAL}, {"if", WF_KW_IF},
    {"import", WF_KW_IMPORT}, {"in", WF_KW_IN}, {"is", WF_KW_IS},
    {"lambda", WF_KW_LAMBDA}, {"nonlocal", WF_KW_NONLOCAL}, {"not", WF_KW_NOT},
    {"or", WF_KW_OR}, {"pass", WF_KW_PASS}, {"raise", WF_KW_RAISE},
    {"return", WF_KW_RETURN}, {"try", WF_KW_TRY}, {"while", WF_KW_WHILE},
    {"with", WF_KW_WITH}, {"yield", WF_KW_YIELD},
};

static wf_lex_kw
keyword_of(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strlen(keywords[i].s) == n && memcmp(keywords[i].s, s, n) == 0)
            return keywords[i].kw;
    }
    return WF_KW_NONE_;
}

// ===== Init and UTF-8 check =====

// Length of the valid UTF-8 sequence at [s] (at most [n] bytes), or 0.
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t need;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { need = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 4; min = 0x10000; }
    else return 0;
    if (n < need)
        return 0;
    unsigned cp = c & (0x7f >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

void
wf_lex_init(wf_lex *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
        src += 3;   // a BOM is dropped before tokenizing, as CPython does
        len -= 3;
    }
    lx->src = src;
    lx->len = len;
    lx->lineno = 1;
    lx->at_bol = true;
    // Reject NUL bytes and bad UTF-8 up front; positions point at the byte.
    int line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\0') {
            lex_error_at(lx, "SyntaxError", line, (int)(i - ls), line,
                         (int)(i - ls) + 1,
                         "source code cannot contain null bytes");
            return;
        }
        size_t n = utf8_len((const unsigned char *)src + i, len - i);
        if (n == 0) {
            lex_error_at(lx, "SyntaxError", line, (int)(i - ls), line,
                         (int)(i - ls) + 1,
                         "(unicode error) 'utf-8' codec can't decode byte "
                         "0x%02x in position %zu: invalid start byte", c, i);
            return;
        }
        if (c == '\n' || (c == '\r' && !(i + 1 < len && src[i + 1] == '\n'))) {
            line++;
            ls = i + 1;
        }
        i += n;
    }
}

const char *
wf_lex_type_name(wf_lex_type t)
{
    static const char *const names[] = {
        "ENDMARKER", "NAME", "NUMBER", "STRING", "NEWLINE", "INDENT",
        "DEDENT", "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END",
        "LPAR", "RPAR", "LSQB", "RSQB", "LBRACE", "RBRACE", "COLON", "COMMA",
        "SEMI", "PLUS", "MINUS", "STAR", "SLASH", "VBAR", "AMPER", "LESS",
        "GREATER", "EQUAL", "DOT", "PERCENT", "EQEQUAL", "NOTEQUAL",
        "LESSEQUAL", "GREATEREQUAL", "TILDE", "CIRCUMFLEX", "LEFTSHIFT",
        "RIGHTSHIFT", "DOUBLESTAR", "PLUSEQUAL", "MINEQUAL", "STAREQUAL",
        "SLASHEQUAL", "PERCENTEQUAL", "AMPEREQUAL", "VBAREQUAL",
        "CIRCUMFLEXEQUAL", "LEFTSHIFTEQUAL", "RIGHTSHIFTEQUAL",
        "DOUBLESTAREQUAL", "DOUBLESLASH", "DOUBLESLASHEQUAL", "AT", "ATEQUAL",
        "RARROW", "ELLIPSIS", "COLONEQUAL", "EXCLAMATION",
    };
    if ((size_t)t < sizeof names / sizeof names[0])
        return names[t];
    return "?";
}

// ===== Non-ASCII characters =====

// The code point of the (valid: checked at init) UTF-8 sequence at pos.
static uint32_t
decode_at(const wf_lex *lx)
{
    const unsigned char *q = (const unsigned char *)lx->src + lx->pos;
    size_t n = utf8_len(q, lx->len - lx->pos);
    if (n <= 1)
        return q[0];
    uint32_t cp = q[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (q[i] & 0x3fu);
    return cp;
}

// True for the non-printable code points (Unicode categories Cc, Cf, Zs,
// Zl, Zp, Co, Cs and noncharacters) that CPython's tokenizer names in
// "invalid non-printable character U+XXXX". Covers the control, format
// and space characters of the BMP's general scripts: the ones a hostile
// or mangled source actually carries (BOM, zero-width space and joiners,
// bidi controls, NBSP and the other spaces); not the full Unicode
// database (other non-identifier characters pass, a known deviation).
static bool
is_nonprintable(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad)
        return true;
    if ((cp >= 0x600 && cp <= 0x605) || cp == 0x61c || cp == 0x6dd ||
        cp == 0x70f || cp == 0x890 || cp == 0x891 || cp == 0x8e2 ||
        cp == 0x1680 || cp == 0x180e)
        return true;
    if ((cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
        (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000)
        return true;
    if ((cp >= 0xd800 && cp <= 0xf8ff) || cp == 0xfeff ||
        (cp >= 0xfff0 && cp <= 0xfffb) || (cp & 0xfffe) == 0xfffe ||
        (cp >= 0xfdd0 && cp <= 0xfdef))
        return true;
    if ((cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
        (cp >= 0xe0000 && cp <= 0xe0fff) || cp >= 0xf0000)
        return true;
    return false;
}

// ===== Indentation =====

// At the beginning of a logical line at depth 0: measure the indentation,
// skip blank and comment-only lines, queue INDENT/DEDENT.
// Returns 0, 1 when end of input was reached, or -1 on error.
static int
do_indentation(wf_lex *lx)
{
    for (;;) {
        int col = 0, altcol = 0;
        for (;;) {
            int c = peek(lx, 0);
            if (c == ' ') { col++; altcol++; }
            else if (c == '\t') { col = (col / 8 + 1) * 8; altcol++; }
            else if (c == '\f') { col = altcol = 0; }
            else break;
            lx->pos++;
        }
        int c = peek(lx, 0);
        if (c == '#') {
            while (peek(lx, 0) != -1 && !is_newline_char(peek(lx, 0)))
                lx->pos++;
            c = peek(lx, 0);
        }
        if (c == -1)
            return 1;
        if (is_newline_char(c)) {
            take_newline(lx);
            continue;
        }
        if (c == '\\' && (peek(lx, 1) == -1 ||
                          (is_newline_char(peek(lx, 1)) &&
                           peek(lx, 2 + (peek(lx, 1) == '\r' &&
                                         peek(lx, 2) == '\n')) == -1))) {
            // A continuation at the start of the last line: the end of
            // input, reported on the backslash's line without a column
            // (CPython's tok_continuation_line).
            int l = lx->lineno;
            return lex_error_at(lx, "SyntaxError", l, -1, l, -1,
                                "unexpected EOF while parsing");
        }
        if (c == '\\' && is_newline_char(peek(lx, 1))) {
            // A continuation line: CPython joins and keeps measuring the
            // indentation from this physical line.
            lx->pos++;
            take_newline(lx);
            lx->at_bol = false;
            return 0;
        }
        int top = lx->indstack[lx->indent_top];
        int alttop = lx->altstack[lx->indent_top];
        int l = lx->lineno, cc = cur_col(lx);
        if (col == top) {
            if (altcol != alttop)
                return lex_error_at(lx, "TabError", l, 0, l, 0,
                                    "inconsistent use of tabs and spaces in indentation");
        } else if (col > top) {
            if (lx->indent_top + 1 >= WF_LEX_MAX_INDENT)
                return lex_error_at(lx, "IndentationError", l, cc, l, cc,
                                    "too many levels of indentation");
            if (altcol <= alttop)
                return lex_error_at(lx, "TabError", l, 0, l, 0,
                                    "inconsistent use of tabs and spaces in indentation");
            lx->indent_top++;
            lx->indstack[lx->indent_top] = col;
            lx->altstack[lx->indent_top] = altcol;
            lx->pending = 1;
        } else {
            int n = 0;
            while (lx->indent_top > 0 && col < lx->indstack[lx->indent_top]) {
                lx->indent_top--;
                n++;
            }
            if (col != lx->indstack[lx->indent_top])
                return lex_error_at(lx, "IndentationError", l, cc, l, cc,
                                    "unindent does not match any outer indentation level");
            if (altcol != lx->altstack[lx->indent_top])
                return lex_error_at(lx, "TabError", l, 0, l, 0,
                                    "inconsistent use of tabs and spaces in indentation");
            lx->pending = -n;
        }
        lx->at_bol = false;
        return 0;
    }
}

// ===== Numbers =====

// Scan digits (per [isdig]) with single underscores between them.
// Returns number of digits, or -1 on a misplaced underscore.
static int
scan_digits(wf_lex *lx, int (*isdig)(int), bool allow_leading_underscore)
{
    int n = 0;
    if (allow_leading_underscore && peek(lx, 0) == '_' && isdig(peek(lx, 1)))
        lx->pos++;
    for (;;) {
        int c = peek(lx, 0);
        if (c >= 0 && isdig(c)) {
            lx->pos++;
            n++;
        } else if (c == '_' && n > 0) {
            if (!isdig(peek(lx, 1)))
                return -1;
            lx->pos++;
        } else {
            return n;
        }
    }
}

static int is_dec(int c) { return c >= '0' && c <= '9'; }
static int is_hex(int c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_oct(int c) { return c >= '0' && c <= '7'; }
static int is_bin(int c) { return c == '0' || c == '1'; }

// A number may be directly followed by a keyword (`1if x else y`): CPython
// accepts that with a warning. Anything else identifier-like is an error.
static bool
keyword_follows(const wf_lex *lx)
{
    static const char *const ok[] = {"and", "else", "for", "if", "in", "is",
                                     "not", "or"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t n = strlen(ok[i]);
        if (lx->pos + n <= lx->len && memcmp(lx->src + lx->pos, ok[i], n) == 0)
            return true;
    }
    return false;
}

static int
lex_number(wf_lex *lx, wf_lex_token *tok)
{
    size_t start = lx->pos;
    int l = lx->lineno, c0 = cur_col(lx);
    int c = peek(lx, 0);
    const char *bad = "invalid decimal literal";
    if (c == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'X' ||
                     peek(lx, 1) == 'o' || peek(lx, 1) == 'O' ||
                     peek(lx, 1) == 'b' || peek(lx, 1) == 'B')) {
        int p = peek(lx, 1) | 0x20;
        int (*dig)(int) = p == 'x' ? is_hex : p == 'o' ? is_oct : is_bin;
        bad = p == 'x' ? "invalid hexadecimal literal"
            : p == 'o' ? "invalid octal literal" : "invalid binary literal";
        lx->pos += 2;
        int n = scan_digits(lx, dig, true);
        int d = peek(lx, 0);
        if (n >= 0 && d >= 0 && is_dec(d) && p != 'x') {
            int ec = cur_col(lx);
            return lex_error_at(lx, "SyntaxError", l, ec, l, ec + 1,
                                "invalid digit '%c' in %s literal", d,
                                p == 'o' ? "octal" : "binary");
        }
        if (n == 0 && !(d == '_')) {
            lx->pos--;      // CPython points at the prefix letter
            goto invalid;
        }
        if (n < 0)
            goto invalid;
    } else {
        bool is_float = false;
        if (c != '.') {
            if (scan_digits(lx, is_dec, false) < 0)
                goto invalid;
        }
        size_t int_end = lx->pos;
        if (peek(lx, 0) == '.') {
            is_float = true;
            lx->pos++;
            if (peek(lx, 0) >= 0 && is_dec(peek(lx, 0)) &&
                scan_digits(lx, is_dec, false) < 0)
                goto invalid;
        }
        int e = peek(lx, 0);
        if (e == 'e' || e == 'E') {
            int s = peek(lx, 1);
            size_t k = (s == '+' || s == '-') ? 2 : 1;
            int d = lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : -1;
            if (d >= 0 && is_dec(d)) {
                is_float = true;
                lx->pos += k;
                if (scan_digits(lx, is_dec, false) < 0)
                    goto invalid;
            } else {
                lx->pos = start;    // CPython points at the number
                goto invalid;
            }
        }
        if (peek(lx, 0) == 'j' || peek(lx, 0) == 'J') {
            is_float = true;
            lx->pos++;
        }
        if (!is_float && lx->src[start] == '0') {
            for (size_t i = start; i < int_end; i++) {
                if (lx->src[i] != '0' && lx->src[i] != '_') {
                    lx->pos = int_end;
                    return lex_error_at(lx, "SyntaxError", l, c0, l,
                                        (int)(int_end - lx->line_start),
                                        "leading zeros in decimal integer literals are not "
                                        "permitted; use an 0o prefix for octal integers");
                }
            }
        }
    }
    // A non-printable character after the number (U+3000, U+200B...) is
    // reported as such by the next token, as CPython does.
    if (peek(lx, 0) >= 0 && wf_lex_is_ident_char((unsigned char)peek(lx, 0)) &&
        !keyword_follows(lx) &&
        !(peek(lx, 0) >= 0x80 && is_nonprintable(decode_at(lx)))) {
        if (bad[8] == 'd')
            lx->pos = start;    // CPython points at the number
        goto invalid;
    }
    return make(lx, tok, WF_TOK_NUMBER, start, l, c0);
invalid:
    {
        // CPython points at the offending character.
        int ec = cur_col(lx);
        return lex_error_at(lx, "SyntaxError", l, ec, l, ec + 1, "%s", bad);
    }
}

// ===== Strings =====

// Scan the body of a plain string whose opening quote starts at pos.
static int
lex_string_body(wf_lex *lx, wf_lex_token *tok, size_t start, int l, int c0)
{
    char q = lx->src[lx->pos];
    int qlen = (peek(lx, 1) == q && peek(lx, 2) == q) ? 3 : 1;
    lx->pos += (size_t)qlen;
    for (;;) {
        int c = peek(lx, 0);
        if (c == -1 || (qlen == 1 && is_newline_char(c))) {
            if (lx->nfstrings > 0 && lx->fstrings[lx->nfstrings - 1].quote == q &&
                lx->fstrings[lx->nfstrings - 1].quote_len == qlen) {
                // Same as CPython 3.12+: the quote was meant to close the
                // enclosing f-string, so a '}' is missing.
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "f-string: expecting '}'");
            }
            if (qlen == 3)
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "unterminated triple-quoted string literal "
                                    "(detected at line %d)", detected_line(lx));
            return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                "unterminated string literal (detected at line %d)",
                                lx->lineno);
        }
        if (c == q && (qlen == 1 || (peek(lx, 1) == q && peek(lx, 2) == q))) {
            lx->pos += (size_t)qlen;
            return make(lx, tok, WF_TOK_STRING, start, l, c0);
        }
        if (c == '\\') {
            lx->pos++;
            int d = peek(lx, 0);
            if (d == -1)
                continue;
            if (is_newline_char(d))
                take_newline(lx);
            else
                lx->pos++;
            continue;
        }
        if (is_newline_char(c))
            take_newline(lx);
        else
            lx->pos++;
    }
}

// The f-string literal part (or a format spec) at pos.
static int
lex_fstring_middle(wf_lex *lx, wf_lex_token *tok, bool spec)
{
    wf_lex_fstring *fs = &lx->fstrings[lx->nfstrings - 1];
    size_t start = lx->pos;
    int l = lx->lineno, c0 = cur_col(lx);
    for (;;) {
        int c = peek(lx, 0);
        if (c == -1 || (fs->quote_len == 1 && is_newline_char(c))) {
            if (spec && c == -1)
                return lex_error_at(lx, "SyntaxError", fs->lineno, fs->col,
                                    fs->lineno, fs->col + 1,
                                    "f-string: expecting '}'");
            if (fs->quote_len == 3)
                return lex_error_at(lx, "SyntaxError", fs->lineno, fs->col,
                                    fs->lineno, fs->col + 1,
                                    "unterminated triple-quoted f-string literal "
                                    "(detected at line %d)", detected_line(lx));
            return lex_error_at(lx, "SyntaxError", fs->lineno, fs->col,
                                fs->lineno, fs->col + 1,
                                "unterminated f-string literal (detected at line %d)",
                                lx->lineno);
        }
        if (c == fs->quote && (fs->quote_len == 1 ||
                               (peek(lx, 1) == c && peek(lx, 2) == c))) {
            if (spec) {
                int cc = cur_col(lx);
                return lex_error_at(lx, "SyntaxError", lx->lineno, cc,
                                    lx->lineno, cc + 1, "f-string: expecting '}'");
            }
            if (lx->pos > start)
                return make(lx, tok, WF_TOK_FSTRING_MIDDLE, start, l, c0);
            lx->pos += (size_t)fs->quote_len;
            lx->nfstrings--;
            return make(lx, tok, WF_TOK_FSTRING_END, start, l, c0);
        }
        if (c == '\\') {
            int d = peek(lx, 1);
            if (d == '{' || d == '}' || d == -1) {
                lx->pos++;
            } else if (!fs->raw && d == 'N' && peek(lx, 2) == '{') {
                lx->pos += 3;
                while (peek(lx, 0) != -1 && peek(lx, 0) != '}' &&
                       peek(lx, 0) != fs->quote && !is_newline_char(peek(lx, 0)))
                    lx->pos++;
                if (peek(lx, 0) == '}')
                    lx->pos++;
            } else if (is_newline_char(d)) {
                lx->pos++;
                take_newline(lx);
            } else {
                lx->pos += 2;
            }
            continue;
        }
        if (c == '{') {
            if (!spec && peek(lx, 1) == '{') {
                lx->pos += 2;
                continue;
            }
            if (lx->pos > start)
                return make(lx, tok, WF_TOK_FSTRING_MIDDLE, start, l, c0);
            if (lx->depth >= WF_LEX_MAX_BRACKETS)
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "too many nested parentheses");
            wf_lex_bracket *b = &lx->brackets[lx->depth++];
            b->ch = '{';
            b->fstring_field = true;
            b->in_spec = false;
            b->lineno = l;
            b->col = c0;
            lx->pos++;
            return make(lx, tok, WF_TOK_LBRACE, start, l, c0);
        }
        if (c == '}') {
            if (!spec) {
                if (peek(lx, 1) == '}') {
                    lx->pos += 2;
                    continue;
                }
                int cc = cur_col(lx);
                return lex_error_at(lx, "SyntaxError", lx->lineno, cc, lx->lineno,
                                    cc + 1, "f-string: single '}' is not allowed");
            }
            if (lx->pos > start)
                return make(lx, tok, WF_TOK_FSTRING_MIDDLE, start, l, c0);
            lx->depth--;
            lx->pos++;
            return make(lx, tok, WF_TOK_RBRACE, start, l, c0);
        }
        if (is_newline_char(c))
            take_newline(lx);
        else
            lx->pos++;
    }
}

// A NAME that may be a string prefix. [plen] is its length.
static bool
string_prefix(const char *s, size_t plen, bool *is_f, bool *raw)
{
    bool r = false, b = false, f = false, u = false, t = false;
    if (plen == 0 || plen > 2)
        return false;
    for (size_t i = 0; i < plen; i++) {
        char c = (char)(s[i] | 0x20);
        if (c == 'r' && !r) r = true;
        else if (c == 'b' && !b) b = true;
        else if (c == 'f' && !f) f = true;
        else if (c == 'u' && !u) u = true;
        else if (c == 't' && !t) t = true;
        else return false;
    }
    if (u && plen > 1)
        return false;
    if ((b && f) || (b && t) || (f && t))
        return false;
    *is_f = f;
    *raw = r;
    return true;
}

// ===== Operators =====

static const struct { const char *s; wf_lex_type t; } ops[] = {
    // longest first
    {"**=", WF_TOK_DOUBLESTAREQUAL}, {"//=", WF_TOK_DOUBLESLASHEQUAL},
    {"<<=", WF_TOK_LEFTSHIFTEQUAL}, {">>=", WF_TOK_RIGHTSHIFTEQUAL},
    {"...", WF_TOK_ELLIPSIS},
    {"==", WF_TOK_EQEQUAL}, {"!=", WF_TOK_NOTEQUAL}, {"<=", WF_TOK_LESSEQUAL},
    {">=", WF_TOK_GREATEREQUAL}, {"<<", WF_TOK_LEFTSHIFT},
    {">>", WF_TOK_RIGHTSHIFT}, {"**", WF_TOK_DOUBLESTAR},
    {"+=", WF_TOK_PLUSEQUAL}, {"-=", WF_TOK_MINEQUAL}, {"*=", WF_TOK_STAREQUAL},
    {"/=", WF_TOK_SLASHEQUAL}, {"%=", WF_TOK_PERCENTEQUAL},
    {"&=", WF_TOK_AMPEREQUAL}, {"|=", WF_TOK_VBAREQUAL},
    {"^=", WF_TOK_CIRCUMFLEXEQUAL}, {"//", WF_TOK_DOUBLESLASH},
    {"@=", WF_TOK_ATEQUAL}, {"->", WF_TOK_RARROW}, {":=", WF_TOK_COLONEQUAL},
    {"(", WF_TOK_LPAR}, {")", WF_TOK_RPAR}, {"[", WF_TOK_LSQB},
    {"]", WF_TOK_RSQB}, {"{", WF_TOK_LBRACE}, {"}", WF_TOK_RBRACE},
    {":", WF_TOK_COLON}, {",", WF_TOK_COMMA}, {";", WF_TOK_SEMI},
    {"+", WF_TOK_PLUS}, {"-", WF_TOK_MINUS}, {"*", WF_TOK_STAR},
    {"/", WF_TOK_SLASH}, {"|", WF_TOK_VBAR}, {"&", WF_TOK_AMPER},
    {"<", WF_TOK_LESS}, {">", WF_TOK_GREATER}, {"=", WF_TOK_EQUAL},
    {".", WF_TOK_DOT}, {"%", WF_TOK_PERCENT}, {"~", WF_TOK_TILDE},
    {"^", WF_TOK_CIRCUMFLEX}, {"@", WF_TOK_AT}, {"!", WF_TOK_EXCLAMATION},
};

static int
lex_op(wf_lex *lx, wf_lex_token *tok)
{
    size_t start = lx->pos;
    int l = lx->lineno, c0 = cur_col(lx);
    int c = peek(lx, 0);
    bool field_level = lx->depth > 0 && lx->brackets[lx->depth - 1].fstring_field &&
                       !lx->brackets[lx->depth - 1].in_spec;
    if (c == ':' && field_level) {
        // The format spec of a replacement field starts here.
        lx->brackets[lx->depth - 1].in_spec = true;
        lx->pos++;
        return make(lx, tok, WF_TOK_COLON, start, l, c0);
    }
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].s);
        if (lx->pos + n > lx->len || memcmp(lx->src + lx->pos, ops[i].s, n) != 0)
            continue;
        wf_lex_type t = ops[i].t;
        if (t == WF_TOK_LPAR || t == WF_TOK_LSQB || t == WF_TOK_LBRACE) {
            if (lx->depth >= WF_LEX_MAX_BRACKETS)
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "too many nested parentheses");
            wf_lex_bracket *b = &lx->brackets[lx->depth++];
            b->ch = (char)c;
            b->fstring_field = false;
            b->in_spec = false;
            b->lineno = l;
            b->col = c0;
        } else if (t == WF_TOK_RPAR || t == WF_TOK_RSQB || t == WF_TOK_RBRACE) {
            if (lx->depth == 0)
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "unmatched '%c'", c);
            wf_lex_bracket *b = &lx->brackets[lx->depth - 1];
            char want = b->ch == '(' ? ')' : b->ch == '[' ? ']' : '}';
            if (want != c) {
                if (b->fstring_field)
                    return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                        "f-string: unmatched '%c'", c);
                if (b->lineno != l)
                    return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                        "closing parenthesis '%c' does not match "
                                        "opening parenthesis '%c' on line %d",
                                        c, b->ch, b->lineno);
                return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                                    "closing parenthesis '%c' does not match "
                                    "opening parenthesis '%c'", c, b->ch);
            }
            lx->depth--;
        }
        lx->pos += n;
        return make(lx, tok, t, start, l, c0);
    }
    if (c >= 0x20 && c < 0x7f)
        return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1, "invalid syntax");
    return lex_error_at(lx, "SyntaxError", l, c0, l, c0 + 1,
                        "invalid non-printable character U+%04X", (unsigned)c);
}

// ===== Main entry =====

int
wf_lex_next(wf_lex *lx, wf_lex_token *tok)
{
    if (lx->err_msg[0] != '\0')
        return -1;
    for (;;) {
        if (lx->pending > 0) {
            lx->pending--;
            tok->type = WF_TOK_INDENT;
            tok->kw = WF_KW_NONE_;
            tok->start = lx->line_start;
            tok->end = lx->pos;
            tok->lineno = tok->end_lineno = lx->lineno;
            tok->col = 0;
            tok->end_col = cur_col(lx);
            return 0;
        }
        if (lx->pending < 0) {
            lx->pending++;
            make(lx, tok, WF_TOK_DEDENT, lx->pos, lx->lineno, cur_col(lx));
            return 0;
        }
        if (lx->nfstrings > 0) {
            wf_lex_fstring *fs = &lx->fstrings[lx->nfstrings - 1];
            if (lx->depth == fs->base)
                return lex_fstring_middle(lx, tok, false);
            wf_lex_bracket *b = &lx->brackets[lx->depth - 1];
            if (b->fstring_field && b->in_spec)
                return lex_fstring_middle(lx, tok, true);
        }
        if (lx->at_bol && lx->depth == 0) {
            int r = do_indentation(lx);
            if (r < 0)
                return -1;
            if (r == 0)
                continue;
            lx->at_bol = false;     // end of input: fall through to EOF
        }
        int c = peek(lx, 0);
        while (c == ' ' || c == '\t' || c == '\f') {
            lx->pos++;
            c = peek(lx, 0);
        }
        if (c == '#') {
            while (peek(lx, 0) != -1 && !is_newline_char(peek(lx, 0)))
                lx->pos++;
            c = peek(lx, 0);
        }
        if (c == -1) {
            int l = lx->lineno, cc = cur_col(lx);
            if (lx->nfstrings > 0) {
                wf_lex_fstring *fs = &lx->fstrings[lx->nfstrings - 1];
                return lex_error_at(lx, "SyntaxError", fs->lineno, fs->col,
                                    fs->lineno, fs->col + 1,
                                    fs->quote_len == 3
                                        ? "unterminated triple-quoted f-string literal (detected at line %d)"
                                        : "unterminated f-string literal (detected at line %d)",
                                    lx->lineno);
            }
            if (lx->depth > 0) {
                wf_lex_bracket *b = &lx->brackets[lx->depth - 1];
                return lex_error_at(lx, "SyntaxError", b->lineno, b->col,
                                    b->lineno, b->col + 1,
                                    "'%c' was never closed", b->ch);
            }
            if (!lx->at_bol && lx->emitted_any) {
                // Implicit NEWLINE at the end of an unterminated last line.
                lx->at_bol = true;
                lx->emitted_any = false;
                tok->type = WF_TOK_NEWLINE;
                tok->kw = WF_KW_NONE_;
                tok->start = tok->end = lx->pos;
                tok->lineno = tok->end_lineno = l;
                tok->col = cc;
                tok->end_col = cc + 1;
                return 0;
            }
            if (lx->indent_top > 0) {
                lx->pending = -lx->indent_top;
                lx->indent_top = 0;
                continue;
            }
            make(lx, tok, WF_TOK_ENDMARKER, lx->pos, l, cc);
            tok->lineno = tok->end_lineno = l + (cc > 0 ? 1 : 0);
            tok->col = tok->end_col = 0;
            return 0;
        }
        if (is_newline_char(c)) {
            if (lx->depth > 0 || !lx->emitted_any) {
                take_newline(lx);
                if (lx->depth == 0)
                    lx->at_bol = true;
                continue;
            }
            size_t start = lx->pos;
            int l = lx->lineno, cc = cur_col(lx);
            take_newline(lx);
            tok->type = WF_TOK_NEWLINE;
            tok->kw = WF_KW_NONE_;
            tok->start = start;
            tok->end = lx->pos;
            tok->lineno = tok->end_lineno = l;
            tok->col = cc;
            tok->end_col = cc + 1;
            lx->at_bol = true;
            lx->emitted_any = false;
            return 0;
        }
        if (c == '\\') {
            int d = peek(lx, 1);
            int l = lx->lineno, cc = cur_col(lx);
            if (d != -1 && !is_newline_char(d))
                return lex_error_at(lx, "SyntaxError", l, cc + 1, l, cc + 2,
                                    "unexpected character after line continuation character");
            // Backslash, newline (or the end), then the end of input: the
            // error is on the backslash's line, just after it; inside
            // brackets the unclosed bracket is reported instead (CPython).
            lx->pos++;
            if (d != -1)
                take_newline(lx);
            if (peek(lx, 0) == -1 && lx->depth == 0)
                return lex_error_at(lx, "SyntaxError", l, cc + 1, l, cc + 1,
                                    "unexpected EOF while parsing");
            continue;
        }
        lx->emitted_any = true;
        size_t start = lx->pos;
        int l = lx->lineno, c0 = cur_col(lx);
        if ((c >= '0' && c <= '9') ||
            (c == '.' && peek(lx, 1) >= '0' && peek(lx, 1) <= '9'))
            return lex_number(lx, tok);
        if (wf_lex_is_ident_char((unsigned char)c) && !(c >= '0' && c <= '9')) {
            while (peek(lx, 0) != -1 && wf_lex_is_ident_char((unsigned char)peek(lx, 0))) {
                if (peek(lx, 0) >= 0x80) {
                    // A non-ASCII character: no identifier holds a
                    // non-printable one (a BOM past the first, U+200B...).
                    uint32_t cp = decode_at(lx);
                    // ZWNJ and ZWJ may continue an identifier, not start it.
                    bool joiner = cp == 0x200c || cp == 0x200d;
                    if (is_nonprintable(cp) && !(joiner && lx->pos > start)) {
                        int ec = cur_col(lx);
                        return lex_error_at(lx, "SyntaxError", l, ec, l, ec + 1,
                                            "invalid non-printable character U+%04X",
                                            (unsigned)cp);
                    }
                    lx->pos += utf8_len((const unsigned char *)lx->src + lx->pos,
                                        lx->len - lx->pos);
                    continue;
                }
                lx->pos++;
            }
            int q = peek(lx, 0);
            bool is_f = false, raw = false;
            if ((q == '"' || q == '\'') &&
                string_prefix(lx->src + start, lx->pos - start, &is_f, &raw)) {
                if (!is_f)
                    return lex_string_body(lx, tok, start, l, c0);
                // 149 levels at most, as CPython (MAXFSTRINGLEVEL).
                if (lx->nfstrings + 1 >= WF_LEX_MAX_FSTRINGS) {
                    int qc = cur_col(lx);  // CPython points at the quote
                    return lex_error_at(lx, "SyntaxError", l, qc, l, qc,
                                        "too many nested f-strings or t-strings");
                }
                wf_lex_fstring *fs = &lx->fstrings[lx->nfstrings++];
                fs->quote = (char)q;
                fs->quote_len = (peek(lx, 1) == q && peek(lx, 2) == q) ? 3 : 1;
                fs->raw = raw;
                fs->base = lx->depth;
                fs->lineno = l;
                fs->col = c0;
                lx->pos += (size_t)fs->quote_len;
                return make(lx, tok, WF_TOK_FSTRING_START, start, l, c0);
            }
            make(lx, tok, WF_TOK_NAME, start, l, c0);
            tok->kw = keyword_of(lx->src + start, lx->pos - start);
            return 0;
        }
        if (c == '"' || c == '\'')
            return lex_string_body(lx, tok, start, l, c0);
        return lex_op(lx, tok);
    }
}
