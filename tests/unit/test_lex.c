// tests/unit/test_lex.c -- unit tests for the tokenizer (wf_lex_*).
// Token streams are written as "TYPE:text@line:col" strings, positions as
// CPython's tokenize module reports them (1-based lines, 0-based columns).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/lex.h"

// Tokenize [src] into one string of "TYPE:text@l:c" items separated by
// spaces (NEWLINE/INDENT/DEDENT/ENDMARKER without text). On error returns
// "ERR kind: msg @l:c". Caller frees.
static char *
tokens(const char *src)
{
    wf_lex lx;
    wf_lex_init(&lx, src, strlen(src));
    size_t cap = 8192, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int guard = 0; guard < 1000; guard++) {
        wf_lex_token t;
        if (wf_lex_next(&lx, &t) < 0) {
            snprintf(out, cap, "ERR %s: %s @%d:%d", lx.err_kind, lx.err_msg,
                     lx.err_lineno, lx.err_col);
            return out;
        }
        const char *name = wf_lex_type_name(t.type);
        if (t.type == WF_TOK_NEWLINE || t.type == WF_TOK_INDENT ||
            t.type == WF_TOK_DEDENT || t.type == WF_TOK_ENDMARKER)
            n += (size_t)snprintf(out + n, cap - n, "%s%s@%d:%d", n ? " " : "", name,
                                  t.lineno, t.col);
        else
            n += (size_t)snprintf(out + n, cap - n, "%s%s:%.*s@%d:%d", n ? " " : "", name,
                                  (int)(t.end - t.start), lx.src + t.start, t.lineno, t.col);
        if (t.type == WF_TOK_ENDMARKER)
            break;
    }
    return out;
}

#define ASSERT_TOKENS(src, expected)                \
    do {                                            \
        char *got_ = tokens(src);                   \
        assert_string_equal(got_, (expected));      \
        free(got_);                                 \
    } while (0)

static void
test_lex_simple_assignment(void **state)
{
    (void)state;
    ASSERT_TOKENS("x = 1\n", "NAME:x@1:0 EQUAL:=@1:2 NUMBER:1@1:4 NEWLINE@1:5 ENDMARKER@2:0");
}

static void
test_lex_missing_final_newline_is_implied(void **state)
{
    (void)state;
    ASSERT_TOKENS("x", "NAME:x@1:0 NEWLINE@1:1 ENDMARKER@2:0");
    ASSERT_TOKENS("", "ENDMARKER@1:0");
    ASSERT_TOKENS("\n\n# only a comment\n", "ENDMARKER@4:0");
}

static void
test_lex_indent_and_dedent(void **state)
{
    (void)state;
    ASSERT_TOKENS("if x:\n    y\n\n  # c\n    z\nw\n",
                  "NAME:if@1:0 NAME:x@1:3 COLON::@1:4 NEWLINE@1:5 INDENT@2:0 NAME:y@2:4 "
                  "NEWLINE@2:5 NAME:z@5:4 NEWLINE@5:5 DEDENT@6:0 NAME:w@6:0 NEWLINE@6:1 "
                  "ENDMARKER@7:0");
    ASSERT_TOKENS("if a:\n if b:\n  c\n",
                  "NAME:if@1:0 NAME:a@1:3 COLON::@1:4 NEWLINE@1:5 INDENT@2:0 NAME:if@2:1 "
                  "NAME:b@2:4 COLON::@2:5 NEWLINE@2:6 INDENT@3:0 NAME:c@3:2 NEWLINE@3:3 "
                  "DEDENT@4:0 DEDENT@4:0 ENDMARKER@4:0");
}

static void
test_lex_tabs_count_to_next_multiple_of_eight(void **state)
{
    (void)state;
    // A tab then 8 spaces on the next line: same column, but inconsistent.
    ASSERT_TOKENS("if x:\n\ta\n        b\n",
                  "ERR TabError: inconsistent use of tabs and spaces in indentation @3:0");
    // Tabs used consistently are fine.
    char *got = tokens("if x:\n\ta\n\tb\n");
    assert_null(strstr(got, "ERR"));
    free(got);
}

static void
test_lex_dedent_to_unknown_level_fails(void **state)
{
    (void)state;
    ASSERT_TOKENS("if x:\n    a\n  b\n",
                  "ERR IndentationError: unindent does not match any outer indentation level @3:2");
}

static void
test_lex_brackets_join_lines(void **state)
{
    (void)state;
    ASSERT_TOKENS("f(a,\n  b)\n",
                  "NAME:f@1:0 LPAR:(@1:1 NAME:a@1:2 COMMA:,@1:3 NAME:b@2:2 RPAR:)@2:3 "
                  "NEWLINE@2:4 ENDMARKER@3:0");
    ASSERT_TOKENS("x = 1 + \\\n  2\n",
                  "NAME:x@1:0 EQUAL:=@1:2 NUMBER:1@1:4 PLUS:+@1:6 NUMBER:2@2:2 NEWLINE@2:3 "
                  "ENDMARKER@3:0");
}

static void
test_lex_operators_longest_match(void **state)
{
    (void)state;
    ASSERT_TOKENS("a **= b // c -> ... != <<= :=",
                  "NAME:a@1:0 DOUBLESTAREQUAL:**=@1:2 NAME:b@1:6 DOUBLESLASH://@1:8 "
                  "NAME:c@1:11 RARROW:->@1:13 ELLIPSIS:...@1:16 NOTEQUAL:!=@1:20 "
                  "LEFTSHIFTEQUAL:<<=@1:23 COLONEQUAL::=@1:27 NEWLINE@1:29 ENDMARKER@2:0");
}

static void
test_lex_numbers(void **state)
{
    (void)state;
    ASSERT_TOKENS("1_000 0x_ff 0o17 0b1 1.5e-3 .5 5. 1e10 3j 1if",
                  "NUMBER:1_000@1:0 NUMBER:0x_ff@1:6 NUMBER:0o17@1:12 NUMBER:0b1@1:17 "
                  "NUMBER:1.5e-3@1:21 NUMBER:.5@1:28 NUMBER:5.@1:31 NUMBER:1e10@1:34 "
                  "NUMBER:3j@1:39 NUMBER:1@1:42 NAME:if@1:43 NEWLINE@1:45 ENDMARKER@2:0");
    ASSERT_TOKENS("1__0", "ERR SyntaxError: invalid decimal literal @1:1");
    ASSERT_TOKENS("1abc", "ERR SyntaxError: invalid decimal literal @1:0");
    ASSERT_TOKENS("0b12", "ERR SyntaxError: invalid digit '2' in binary literal @1:3");
    ASSERT_TOKENS("0x", "ERR SyntaxError: invalid hexadecimal literal @1:1");
    ASSERT_TOKENS("012", "ERR SyntaxError: leading zeros in decimal integer literals are not "
                         "permitted; use an 0o prefix for octal integers @1:0");
    ASSERT_TOKENS("00 0.0 0e0", "NUMBER:00@1:0 NUMBER:0.0@1:3 NUMBER:0e0@1:7 NEWLINE@1:10 "
                                "ENDMARKER@2:0");
}

static void
test_lex_strings_and_prefixes(void **state)
{
    (void)state;
    ASSERT_TOKENS("'a' \"b\" r'\\'' Rb'x' u'y' '''t\n'''",
                  "STRING:'a'@1:0 STRING:\"b\"@1:4 STRING:r'\\''@1:8 STRING:Rb'x'@1:14 "
                  "STRING:u'y'@1:20 STRING:'''t\n'''@1:25 NEWLINE@2:3 ENDMARKER@3:0");
    ASSERT_TOKENS("x = 'abc\n", "ERR SyntaxError: unterminated string literal (detected at line 1) @1:4");
    ASSERT_TOKENS("x = '''abc\n\n",
                  "ERR SyntaxError: unterminated triple-quoted string literal (detected at line 2) @1:4");
}

static void
test_lex_fstring_modes(void **state)
{
    (void)state;
    ASSERT_TOKENS("f'a{x!r:>{w}}b'",
                  "FSTRING_START:f'@1:0 FSTRING_MIDDLE:a@1:2 LBRACE:{@1:3 NAME:x@1:4 "
                  "EXCLAMATION:!@1:5 NAME:r@1:6 COLON::@1:7 FSTRING_MIDDLE:>@1:8 "
                  "LBRACE:{@1:9 NAME:w@1:10 RBRACE:}@1:11 RBRACE:}@1:12 FSTRING_MIDDLE:b@1:13 "
                  "FSTRING_END:'@1:14 NEWLINE@1:15 ENDMARKER@2:0");
    // PEP 701: the same quote may be reused inside a replacement field.
    ASSERT_TOKENS("f\"{\"x\"}\"",
                  "FSTRING_START:f\"@1:0 LBRACE:{@1:2 STRING:\"x\"@1:3 RBRACE:}@1:6 "
                  "FSTRING_END:\"@1:7 NEWLINE@1:8 ENDMARKER@2:0");
    ASSERT_TOKENS("f'{{}}'", "FSTRING_START:f'@1:0 FSTRING_MIDDLE:{{}}@1:2 FSTRING_END:'@1:6 "
                             "NEWLINE@1:7 ENDMARKER@2:0");
    ASSERT_TOKENS("f'}'", "ERR SyntaxError: f-string: single '}' is not allowed @1:2");
    ASSERT_TOKENS("f'abc", "ERR SyntaxError: unterminated f-string literal (detected at line 1) @1:0");
    ASSERT_TOKENS("f'{a", "ERR SyntaxError: unterminated f-string literal (detected at line 1) @1:0");
}

static void
test_lex_bracket_errors(void **state)
{
    (void)state;
    ASSERT_TOKENS("x = )", "ERR SyntaxError: unmatched ')' @1:4");
    ASSERT_TOKENS("x = (]", "ERR SyntaxError: closing parenthesis ']' does not match opening "
                            "parenthesis '(' @1:5");
    ASSERT_TOKENS("x = (\n\n]", "ERR SyntaxError: closing parenthesis ']' does not match "
                                "opening parenthesis '(' on line 1 @3:0");
    ASSERT_TOKENS("x = [1,\n", "ERR SyntaxError: '[' was never closed @1:4");
}

static void
test_lex_keywords_and_soft_keywords(void **state)
{
    (void)state;
    wf_lex lx;
    const char *src = "yield match await _ nonlocal";
    wf_lex_init(&lx, src, strlen(src));
    wf_lex_kw want[] = {WF_KW_YIELD, WF_KW_NONE_, WF_KW_AWAIT, WF_KW_NONE_, WF_KW_NONLOCAL};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        wf_lex_token t;
        assert_int_equal(wf_lex_next(&lx, &t), 0);
        assert_int_equal(t.type, WF_TOK_NAME);
        assert_int_equal(t.kw, want[i]);
    }
}

static void
test_lex_continuation_errors(void **state)
{
    (void)state;
    ASSERT_TOKENS("x = \\ 1", "ERR SyntaxError: unexpected character after line continuation "
                              "character @1:5");
    // A backslash alone on the last line: no column (CPython prints no
    // caret); after code, just past the backslash.
    ASSERT_TOKENS("x = 1\n\\", "ERR SyntaxError: unexpected EOF while parsing @2:-1");
    ASSERT_TOKENS("x = 1 \\\n", "ERR SyntaxError: unexpected EOF while parsing @1:7");
    ASSERT_TOKENS("a\xe2\x80\x8b" "b = 1", "ERR SyntaxError: invalid non-printable character "
                                      "U+200B @1:1");
}

static void
test_lex_bom_crlf_and_utf8(void **state)
{
    (void)state;
    ASSERT_TOKENS("\xef\xbb\xbfx\r\ny\r\n", "NAME:x@1:0 NEWLINE@1:1 NAME:y@2:0 NEWLINE@2:1 "
                                            "ENDMARKER@3:0");
    // Columns are UTF-8 byte offsets, as in CPython's ast.
    ASSERT_TOKENS("\xc3\xa9 = 1", "NAME:\xc3\xa9@1:0 EQUAL:=@1:3 NUMBER:1@1:5 NEWLINE@1:6 "
                                  "ENDMARKER@2:0");
    ASSERT_TOKENS("x = '\xff'", "ERR SyntaxError: (unicode error) 'utf-8' codec can't decode "
                                "byte 0xff in position 5: invalid start byte @1:5");
}

static void
test_lex_nesting_limit(void **state)
{
    (void)state;
    char src[WF_LEX_MAX_BRACKETS + 2];
    memset(src, '(', sizeof src - 1);
    src[sizeof src - 1] = '\0';
    char *got = tokens(src);
    assert_non_null(strstr(got, "too many nested parentheses"));
    free(got);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex_simple_assignment),
        cmocka_unit_test(test_lex_missing_final_newline_is_implied),
        cmocka_unit_test(test_lex_indent_and_dedent),
        cmocka_unit_test(test_lex_tabs_count_to_next_multiple_of_eight),
        cmocka_unit_test(test_lex_dedent_to_unknown_level_fails),
        cmocka_unit_test(test_lex_brackets_join_lines),
        cmocka_unit_test(test_lex_operators_longest_match),
        cmocka_unit_test(test_lex_numbers),
        cmocka_unit_test(test_lex_strings_and_prefixes),
        cmocka_unit_test(test_lex_fstring_modes),
        cmocka_unit_test(test_lex_bracket_errors),
        cmocka_unit_test(test_lex_keywords_and_soft_keywords),
        cmocka_unit_test(test_lex_continuation_errors),
        cmocka_unit_test(test_lex_bom_crlf_and_utf8),
        cmocka_unit_test(test_lex_nesting_limit),
    };
    return cmocka_run_group_tests_name("lex", tests, NULL, NULL);
}
