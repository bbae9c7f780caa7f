// runtime/compiler/compile_int.h -- code generation's private vocabulary (wf_comp_*).
// Shared by the three files of code generation: compile.c (units, names,
// constants, functions, classes, comprehensions, assembly, entry point),
// codegen_expr.c (expressions) and codegen_stmt.c (statements). Nothing
// else includes it. The emit helpers and two constant tests are static
// inline and unprefixed: each file's own helpers (STYLE 2.1), as the one
// compile.c had them; what is defined once has the wf_comp_ prefix, and
// the private types (unit, compiler, fblock, access) keep their names.
// Everything here runs inside one wf_comp_module call, on the calling
// thread: it may allocate objects but reaches no safe point (compile.h).
#ifndef WF_RUNTIME_COMPILER_COMPILE_INT_H
#define WF_RUNTIME_COMPILER_COMPILE_INT_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "compiler/ast.h"
#include "compiler/flowgraph.h"
#include "compiler/nameset.h"
#include "compiler/symtable.h"
#include "vm/cstack.h"
#include "config.h"
#include "objects/object.h"

// Most frame blocks open at once in one unit (CPython's CO_MAXBLOCKS);
// an instruction with NOLINE is artificial (no line event).
#define MAX_FBLOCKS 20
#define NOLINE WF_NO_LINE

// ===== Units and the compiler =====

// A frame block: a statement whose exit needs unwinding code on return,
// break or continue (codegen_stmt.c pushes and pops them).
typedef enum fb_kind {
    FB_WHILE_LOOP,
    FB_FOR_LOOP,
    FB_TRY_EXCEPT,
    FB_FINALLY_TRY,
    FB_FINALLY_END,
    FB_WITH,
    FB_HANDLER_CLEANUP,
    FB_POP_VALUE,
    FB_EXCEPTION_HANDLER,
    FB_STOP_ITERATION,
} fb_kind;

typedef struct fblock {
    fb_kind kind;
    int32_t block;        // loop head (continue target)
    int32_t exit;         // loop exit (break target)
    const wf_ast_stmt_seq *finalbody;  // FB_FINALLY_TRY
    const char *name;     // FB_HANDLER_CLEANUP: the `as` name, or NULL
    int32_t line;         // FB_WITH: the with statement's line
} fblock;

// One code object being generated (module, function, lambda, class body
// or generator expression), with its constants, names and localsplus;
// parent is the enclosing unit.
typedef struct unit unit;
struct unit {
    unit *parent;
    wf_st_entry *ste;     // the entry of this code unit
    wf_st_entry *cur;     // innermost inlined comprehension, or ste
    wf_cfg g;
    wf_value *consts;
    uint32_t nconsts, capconsts;
    wf_nameset_slot *constslots;  // consts by content (not code objects)
    uint32_t nconstslots;
    wf_nameset names;     // co_names
    const char **lp;      // localsplus names (a name may repeat)
    uint8_t *lpkinds;
    uint32_t nlp, caplp;
    wf_nameset lpix;      // distinct localsplus names, hashed
    uint32_t *lpfirst;    // lpix index -> first lp index with that name
    uint32_t nlocals;     // varnames (args first)
    uint32_t nfree;
    uint32_t *cellslots;  // MAKE_CELL order
    uint32_t ncellslots;
    fblock fb[MAX_FBLOCKS];
    int nfb;
    int32_t firstlineno;
    const char *name;
    char *qualname;
    uint32_t argcount, kwonlyargcount, flags;
    bool is_function;     // function-like: FAST locals
};

// One wf_comp_module call: the source, the symbol table, the current
// unit and the first error.
typedef struct compiler {
    wf_thread *ts;
    const char *src;
    size_t len;
    const char *filename;
    wf_symtable st;
    unit *u;
    bool failed;
    bool exc_set;  // a runtime exception (MemoryError, ...) is set on ts
    char msg[200];
    int lineno, col, end_lineno, end_col;  // 0-based columns
} compiler;

// ===== Errors =====

// Fail the compilation with a SyntaxError at the given span (0-based
// columns); only the first error is kept. Returns -1.
int wf_comp_error_at(compiler *c, int lineno, int col, int end_lineno,
                     int end_col, const char *fmt, ...) WF_PRINTF(6, 7);

#define ERR_EXPR(c, e, ...)                                              \
    wf_comp_error_at((c), (e)->lineno, (e)->col_offset, (e)->end_lineno, \
                     (e)->end_col_offset, __VA_ARGS__)
#define ERR_STMT ERR_EXPR

// Fail the compilation with the exception already set on c->ts
// (MemoryError, ...). Returns -1.
int wf_comp_runtime_failed(compiler *c);
// Fail with OverflowError: [what] of the current unit does not fit the
// code unit format (a 24-bit oparg: no EXTENDED_ARG, LANGUAGE.md).
// Returns -1.
int wf_comp_limit_error(compiler *c, const char *what);

// Fail the compilation with CPython's RecursionError "Stack overflow (used
// N kB) during compilation" (the C stack guard, vm/cstack.h, said stop).
// Returns -1.
int wf_comp_stack_overflow(compiler *c);

// The guard every recursive code-generation entry point passes: 0, or -1
// with the compilation failed as wf_comp_stack_overflow.
static inline int
wf_comp_check_stack(compiler *c)
{
    if (WF_LIKELY(!wf_cstack_exhausted()))
        return 0;
    return wf_comp_stack_overflow(c);
}

// ===== Units, constants and names =====

// newblock: a new basic block of the current unit (-1 and c->failed on
// MemoryError). useblock: emit into block [b] from now on. emit: append
// [op] [arg] at [line]. emit_jump: a jump to block [target] (a failed
// newblock's -1 fails the compilation).

static inline int32_t
newblock(compiler *c)
{
    int32_t b = wf_cfg_new_block(&c->u->g);
    if (b < 0)
        c->failed = true;
    return b;
}

static inline void
useblock(compiler *c, int32_t b)
{
    wf_cfg_use_block(&c->u->g, b);
}

static inline void
emit(compiler *c, uint16_t op, uint32_t arg, int32_t line)
{
    wf_cfg_emit(&c->u->g, op, arg, -1, line);
}

static inline void
emit_jump(compiler *c, uint16_t op, int32_t target, int32_t line)
{
    if (target < 0) {
        c->failed = true;
        return;
    }
    wf_cfg_emit(&c->u->g, op, 0, target, line);
}

// Index of constant [v] in the unit's co_consts (equal constants shared),
// in *[out]. Returns 0, or -1 failed ([v] == WF_NULL: already failed).
WF_MUST_CHECK int wf_comp_add_const(compiler *c, wf_value v, uint32_t *out);

// Emit LOAD_CONST of [v] at [line]. Returns 0 or -1 (see add_const).
WF_MUST_CHECK int wf_comp_load_const(compiler *c, wf_value v, int32_t line);

// Index of [name] in the unit's co_names, added if new (0 and c->failed
// on MemoryError).
uint32_t wf_comp_add_name(compiler *c, const char *name);

// ===== Name resolution =====

typedef enum access { AC_FAST, AC_DEREF, AC_GLOBAL, AC_NAME } access;

// How [name] is reached from the current unit (innermost inlined
// comprehension first) and its index (local, cell or name) in *[arg].
access wf_comp_resolve(compiler *c, const char *name, uint32_t *arg);

// Emit the load, store or delete ([ctx]) of [name] at [line].
void wf_comp_nameop(compiler *c, const char *name, wf_ast_expr_context ctx,
                    int32_t line);

// ===== Constants from the AST =====

// The value of Constant node [e], or WF_NULL with the compilation failed
// (ints past 62 bits and bytes are SyntaxErrors in Weft).
wf_value wf_comp_const_value(compiler *c, const wf_ast_expr *e);

// is_const: is [e] a Constant node?

static inline bool
is_const(const wf_ast_expr *e)
{
    return e->kind == WF_AST_EXPR_CONSTANT;
}

// Truth value of a constant node: 1, 0, or -1 when unknown.
static inline int
const_truth(const wf_ast_expr *e)
{
    if (e->kind != WF_AST_EXPR_CONSTANT)
        return -1;
    switch (e->v.constant.kind) {
    case WF_AST_CONST_NONE:
    case WF_AST_CONST_FALSE: return 0;
    case WF_AST_CONST_TRUE:
    case WF_AST_CONST_ELLIPSIS: return 1;
    case WF_AST_CONST_INT: return e->v.constant.i != 0;
    case WF_AST_CONST_BIG_INT: return 1;
    case WF_AST_CONST_FLOAT: return e->v.constant.f != 0.0;
    case WF_AST_CONST_STR:
    case WF_AST_CONST_BYTES: return e->v.constant.len != 0;
    }
    return -1;
}

// ===== Code generation shared between the files =====

// Each emits into the current block of c->u and returns 0, or -1 with
// the compilation failed.

// codegen_expr.c: the value of [e], pushed.
WF_MUST_CHECK int wf_comp_expr(compiler *c, const wf_ast_expr *e);

// codegen_expr.c: each of [seq], pushed in order.
WF_MUST_CHECK int wf_comp_exprs(compiler *c, const wf_ast_expr_seq *seq);

// codegen_expr.c: jump to block [next] if the truth of [e] equals [cond],
// else fall through (CPython's codegen_jump_if, with its and/or/not,
// conditional and chained-compare forms).
WF_MUST_CHECK int wf_comp_jump_if(compiler *c, const wf_ast_expr *e,
                                  int32_t next, bool cond);

// codegen_expr.c: the BINARY_OP oparg (a wf_binop) of [op], the in-place
// form if [inplace].
uint32_t wf_comp_binop_arg(wf_ast_operator op, bool inplace);

// codegen_expr.c: the line CPython gives an attribute access or method call
// on [attr] whose statement is at [line].
int32_t wf_comp_attr_line(const wf_ast_expr *attr, int32_t line);

// codegen_expr.c: push [args] and [kws] and emit the call (CALL, CALL_KW
// or CALL_FUNCTION_EX), with [pushed] positional arguments already on the
// stack above the callable and self-or-NULL.
WF_MUST_CHECK int wf_comp_call_helper(compiler *c, int32_t line,
                                      uint32_t pushed,
                                      const wf_ast_expr_seq *args,
                                      const wf_ast_keyword_seq *kws);

// codegen_expr.c: is [s] a Slice without a step (BINARY_SLICE and
// STORE_SLICE take it as two stack items)?
bool wf_comp_is_two_element_slice(const wf_ast_expr *s);

// codegen_expr.c: push the start and stop of two-element slice [s].
WF_MUST_CHECK int wf_comp_slice_two_parts(compiler *c, const wf_ast_expr *s);

// codegen_expr.c: a Subscript [e] in its context (load, store, del).
WF_MUST_CHECK int wf_comp_subscript(compiler *c, const wf_ast_expr *e);

// codegen_stmt.c: each statement of [seq] (NULL: none).
WF_MUST_CHECK int wf_comp_stmts(compiler *c, const wf_ast_stmt_seq *seq);

// compile.c: a function or lambda ([def] or [lambda], the other NULL) in
// its own unit, and the function object with its defaults and closure
// pushed (MAKE_FUNCTION, SET_FUNCTION_ATTRIBUTE).
WF_MUST_CHECK int wf_comp_make_function(compiler *c, const wf_ast_stmt *def,
                                        const wf_ast_expr *lambda);

// compile.c: a class body in its own unit and the __build_class__ call.
WF_MUST_CHECK int wf_comp_class_def(compiler *c, const wf_ast_stmt *s);

// compile.c: a list/set/dict comprehension (inlined, PEP 709) or a
// generator expression (its own unit).
WF_MUST_CHECK int wf_comp_comprehension(compiler *c, const wf_ast_expr *e);

#endif // WF_RUNTIME_COMPILER_COMPILE_INT_H
