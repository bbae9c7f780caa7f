// runtime/compiler/parse.h -- the parser of Weft Python (wf_parse_*).
// Recursive descent over wf_lex tokens, producing a wf_ast_mod in an arena.
// Constructs outside the subset (LANGUAGE.md) are SyntaxErrors with positions.
// Pure C11, no runtime objects: usable before the runtime exists.
#ifndef WF_RUNTIME_COMPILER_PARSE_H
#define WF_RUNTIME_COMPILER_PARSE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stddef.h>

#include "compiler/ast.h"

// A syntax error as CPython reports it.
typedef struct wf_syntax_error {
    // CPython-like message: "invalid syntax", "expected ':'",
    // "unexpected indent", "unterminated string literal (detected at line 3)".
    char msg[256];
    const char *filename_unused;    // always NULL: the caller knows the file
    int lineno;                     // 1-based
    int col_offset;                 // 1-based, as CPython prints (offset + 1)
    int end_lineno, end_col_offset; // 1-based end, as CPython's end_offset
    char kind[32];                  // "SyntaxError", "IndentationError", "TabError"
} wf_syntax_error;

// Parse [src] ([len] bytes of UTF-8; need not be NUL-terminated; may contain
// NUL bytes, which are a SyntaxError) as a module.
// Returns the module, allocated in a new arena stored in *[arena_out] which
// the caller frees with wf_ast_arena_free. On failure returns NULL, sets
// *[arena_out] to NULL (nothing to free) and fills [err]; out of memory is
// reported as kind "MemoryError".
// Thread-safe: no global state; any thread, no locks, no safe points.
wf_ast_mod *wf_parse_module(const char *src, size_t len,
                            wf_ast_arena **arena_out, wf_syntax_error *err);

// Maximum nesting of productions (expressions, blocks, f-string fields)
// before the parser gives up with kind "MemoryError" and
// WF_PARSE_STACK_OVERFLOW_MSG, as CPython's parser does past its MAXSTACK
// (6000). Brackets stop sooner, in the lexer (200, "too many nested
// parentheses"); the C stack guard (vm/cstack.h) stops a parse sooner still
// on a thread with a small stack.
#define WF_PARSE_MAX_DEPTH 6000
#define WF_PARSE_STACK_OVERFLOW_MSG \
    "Parser stack overflowed - Python source too complex to parse"

#endif // WF_RUNTIME_COMPILER_PARSE_H
