// runtime/compiler/compile.h -- the compiler (wf_comp_*): source to code objects.
// Parses with wf_parse_module, resolves names with wf_symtable_*, generates
// CPython 3.14-shaped bytecode into a wf_cfg (flowgraph.c), which lays it
// out with CPython's line numbers and exception table.
#ifndef WF_RUNTIME_COMPILER_COMPILE_H
#define WF_RUNTIME_COMPILER_COMPILE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stddef.h>

#include "objects/object.h"

// Parse and compile [src] ([len] bytes of UTF-8) as module [filename].
// Returns a wf_code for the module body, or WF_NULL with SyntaxError (or
// IndentationError/TabError; MemoryError when out of memory; OverflowError
// never: too-large int literals are a SyntaxError) set on [ts]. The
// SyntaxError instance carries, in its instance dict (wf_exc.dict), msg,
// filename, lineno, offset (1-based column), text (the source line, with
// a trailing newline as CPython), end_lineno, end_offset; its args are
// (msg, (filename, lineno, offset, text, end_lineno, end_offset)).
// Caller: attached. Allocates objects and reaches no safe point until the
// code tree is complete; then it publishes the tree (wf_code_publish,
// which may wait for the monitoring mutex) with the module code rooted.
WF_MUST_CHECK wf_value wf_comp_module(wf_thread *ts, const char *src,
                                      size_t len, const char *filename);

#endif
