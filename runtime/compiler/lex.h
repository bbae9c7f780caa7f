// runtime/compiler/lex.h -- the tokenizer of Weft Python (wf_lex_*).
// Turns UTF-8 source into tokens with CPython's positions: INDENT/DEDENT,
// implicit line joining, continuation lines, and PEP 701 f-strings as
// FSTRING_START / FSTRING_MIDDLE / FSTRING_END with ordinary tokens between.
// Literal values are not decoded here: tokens carry byte ranges and the
// parser decodes numbers and strings. Pure C11, no allocation.
#ifndef WF_RUNTIME_COMPILER_LEX_H
#define WF_RUNTIME_COMPILER_LEX_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>

typedef enum wf_lex_type {
    WF_TOK_ENDMARKER, WF_TOK_NAME, WF_TOK_NUMBER, WF_TOK_STRING,
    WF_TOK_NEWLINE, WF_TOK_INDENT, WF_TOK_DEDENT,
    WF_TOK_FSTRING_START, WF_TOK_FSTRING_MIDDLE, WF_TOK_FSTRING_END,
    // operators and delimiters (CPython's token names)
    WF_TOK_LPAR, WF_TOK_RPAR, WF_TOK_LSQB, WF_TOK_RSQB, WF_TOK_LBRACE,
    WF_TOK_RBRACE, WF_TOK_COLON, WF_TOK_COMMA, WF_TOK_SEMI, WF_TOK_PLUS,
    WF_TOK_MINUS, WF_TOK_STAR, WF_TOK_SLASH, WF_TOK_VBAR, WF_TOK_AMPER,
    WF_TOK_LESS, WF_TOK_GREATER, WF_TOK_EQUAL, WF_TOK_DOT, WF_TOK_PERCENT,
    WF_TOK_EQEQUAL, WF_TOK_NOTEQUAL, WF_TOK_LESSEQUAL, WF_TOK_GREATEREQUAL,
    WF_TOK_TILDE, WF_TOK_CIRCUMFLEX, WF_TOK_LEFTSHIFT, WF_TOK_RIGHTSHIFT,
    WF_TOK_DOUBLESTAR, WF_TOK_PLUSEQUAL, WF_TOK_MINEQUAL, WF_TOK_STAREQUAL,
    WF_TOK_SLASHEQUAL, WF_TOK_PERCENTEQUAL, WF_TOK_AMPEREQUAL,
    WF_TOK_VBAREQUAL, WF_TOK_CIRCUMFLEXEQUAL, WF_TOK_LEFTSHIFTEQUAL,
    WF_TOK_RIGHTSHIFTEQUAL, WF_TOK_DOUBLESTAREQUAL, WF_TOK_DOUBLESLASH,
    WF_TOK_DOUBLESLASHEQUAL, WF_TOK_AT, WF_TOK_ATEQUAL, WF_TOK_RARROW,
    WF_TOK_ELLIPSIS, WF_TOK_COLONEQUAL, WF_TOK_EXCLAMATION
} wf_lex_type;

// Hard keywords of Python 3.14 (soft keywords match/case/type/_ are NAMEs
// with kw == WF_KW_NONE_).
typedef enum wf_lex_kw {
    WF_KW_NONE_ = 0,
    WF_KW_FALSE, WF_KW_NONE, WF_KW_TRUE, WF_KW_AND, WF_KW_AS, WF_KW_ASSERT,
    WF_KW_ASYNC, WF_KW_AWAIT, WF_KW_BREAK, WF_KW_CLASS, WF_KW_CONTINUE,
    WF_KW_DEF, WF_KW_DEL, WF_KW_ELIF, WF_KW_ELSE, WF_KW_EXCEPT,
    WF_KW_FINALLY, WF_KW_FOR, WF_KW_FROM, WF_KW_GLOBAL, WF_KW_IF,
    WF_KW_IMPORT, WF_KW_IN, WF_KW_IS, WF_KW_LAMBDA, WF_KW_NONLOCAL,
    WF_KW_NOT, WF_KW_OR, WF_KW_PASS, WF_KW_RAISE, WF_KW_RETURN, WF_KW_TRY,
    WF_KW_WHILE, WF_KW_WITH, WF_KW_YIELD
} wf_lex_kw;

// One token. [start, end) is its byte range in the source; for STRING it
// includes prefix and quotes, for FSTRING_MIDDLE it is the raw text (escapes
// and doubled braces not yet decoded). Positions as CPython's tokenize:
// 1-based lines, 0-based byte columns, exclusive end.
typedef struct wf_lex_token {
    wf_lex_type type;
    wf_lex_kw kw;                   // keyword id for NAME, else WF_KW_NONE_
    size_t start, end;
    int lineno, col, end_lineno, end_col;
} wf_lex_token;

#define WF_LEX_MAX_INDENT 100
#define WF_LEX_MAX_BRACKETS 200
#define WF_LEX_MAX_FSTRINGS 150

typedef struct wf_lex_bracket {
    char ch;                        // '(', '[' or '{'
    bool fstring_field;             // '{' opening an f-string replacement field
    bool in_spec;                   // field: now in its format spec
    int lineno, col;
} wf_lex_bracket;

typedef struct wf_lex_fstring {
    char quote;
    int quote_len;                  // 1 or 3
    bool raw;
    int base;                       // bracket depth when the f-string began
    int lineno, col;                // position of the f-string start
} wf_lex_fstring;

// Tokenizer state; lives wherever the caller puts it (no allocation).
typedef struct wf_lex {
    const char *src;
    size_t len, pos;
    int lineno;
    size_t line_start;              // byte offset of the current line
    bool at_bol;                    // at the beginning of a logical line
    bool emitted_any;               // a token other than NEWLINE seen on this line
    bool eof_newline_done;
    int indstack[WF_LEX_MAX_INDENT], altstack[WF_LEX_MAX_INDENT];
    int indent_top;
    int pending;                    // >0 INDENTs to emit, <0 DEDENTs
    wf_lex_bracket brackets[WF_LEX_MAX_BRACKETS];
    int depth;
    wf_lex_fstring fstrings[WF_LEX_MAX_FSTRINGS];
    int nfstrings;
    // First error, set when wf_lex_next returns -1.
    char err_msg[256];
    char err_kind[32];
    int err_lineno, err_col, err_end_lineno, err_end_col; // 0-based cols
} wf_lex;

// Start tokenizing [len] bytes at [src] (not necessarily NUL-terminated).
// [lx] keeps a pointer to [src], which must outlive it. Cannot fail.
void wf_lex_init(wf_lex *lx, const char *src, size_t len);

// Produce the next token into [tok]. Returns 0, or -1 with lx->err_* filled
// (and every later call also returns -1). After ENDMARKER keeps returning
// ENDMARKER. Never reads outside [src, src+len).
int wf_lex_next(wf_lex *lx, wf_lex_token *tok);

// Name of a token type, for tests and messages ("NAME", "LPAR", ...).
const char *wf_lex_type_name(wf_lex_type t);

// True if [c] is ASCII letter, digit or '_' or any byte >= 0x80.
static inline bool
wf_lex_is_ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

#endif // WF_RUNTIME_COMPILER_LEX_H
