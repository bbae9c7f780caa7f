// runtime/compiler/ast.h -- the abstract syntax tree of Weft Python (wf_ast_*).
// Node kinds and field names mirror CPython's `ast` module for the subset in
// LANGUAGE.md, so a compiler author who knows Python's ast can read it.
// Every node lives in one wf_ast_arena, released with one call.
// Positions follow CPython exactly: 1-based lines, 0-based UTF-8 byte columns,
// end positions exclusive (the compiler reproduces CPython's line table).
#ifndef WF_RUNTIME_COMPILER_AST_H
#define WF_RUNTIME_COMPILER_AST_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// ===== Arena =====

typedef struct wf_ast_arena wf_ast_arena;

// Create an empty arena. Returns NULL when out of memory.
// Thread-agnostic: an arena belongs to whoever created it; no locks.
wf_ast_arena *wf_ast_arena_new(void);

// Allocate [size] zeroed bytes, aligned for any node, from [a].
// Returns NULL when out of memory (the arena stays valid and freeable).
void *wf_ast_arena_alloc(wf_ast_arena *a, size_t size);

// Copy [len] bytes of [s] into [a] and append a NUL. Returns the copy, or
// NULL when out of memory.
char *wf_ast_arena_strndup(wf_ast_arena *a, const char *s, size_t len);

// Release [a] and every node, string and sequence allocated from it.
// NULL is accepted and ignored.
void wf_ast_arena_free(wf_ast_arena *a);

// ===== Operators and contexts (CPython's names, CamelCase -> SNAKE) =====

typedef enum wf_ast_expr_context {
    WF_AST_LOAD, WF_AST_STORE, WF_AST_DEL
} wf_ast_expr_context;

typedef enum wf_ast_boolop { WF_AST_AND, WF_AST_OR } wf_ast_boolop;

typedef enum wf_ast_operator {
    WF_AST_ADD, WF_AST_SUB, WF_AST_MULT, WF_AST_MAT_MULT, WF_AST_DIV,
    WF_AST_MOD, WF_AST_POW, WF_AST_L_SHIFT, WF_AST_R_SHIFT, WF_AST_BIT_OR,
    WF_AST_BIT_XOR, WF_AST_BIT_AND, WF_AST_FLOOR_DIV
} wf_ast_operator;

typedef enum wf_ast_unaryop {
    WF_AST_INVERT, WF_AST_NOT, WF_AST_UADD, WF_AST_USUB
} wf_ast_unaryop;

typedef enum wf_ast_cmpop {
    WF_AST_EQ, WF_AST_NOT_EQ, WF_AST_LT, WF_AST_LT_E, WF_AST_GT, WF_AST_GT_E,
    WF_AST_IS, WF_AST_IS_NOT, WF_AST_IN, WF_AST_NOT_IN
} wf_ast_cmpop;

// ===== Sequences: (items, n) pairs, allocated in the arena =====

typedef struct wf_ast_expr wf_ast_expr;
typedef struct wf_ast_stmt wf_ast_stmt;
typedef struct wf_ast_arg wf_ast_arg;
typedef struct wf_ast_keyword wf_ast_keyword;
typedef struct wf_ast_alias wf_ast_alias;
typedef struct wf_ast_withitem wf_ast_withitem;
typedef struct wf_ast_excepthandler wf_ast_excepthandler;
typedef struct wf_ast_comprehension wf_ast_comprehension;

typedef struct wf_ast_expr_seq { wf_ast_expr **items; size_t n; } wf_ast_expr_seq;
typedef struct wf_ast_stmt_seq { wf_ast_stmt **items; size_t n; } wf_ast_stmt_seq;
typedef struct wf_ast_arg_seq { wf_ast_arg **items; size_t n; } wf_ast_arg_seq;
typedef struct wf_ast_keyword_seq { wf_ast_keyword **items; size_t n; } wf_ast_keyword_seq;
typedef struct wf_ast_alias_seq { wf_ast_alias **items; size_t n; } wf_ast_alias_seq;
typedef struct wf_ast_withitem_seq { wf_ast_withitem **items; size_t n; } wf_ast_withitem_seq;
typedef struct wf_ast_excepthandler_seq { wf_ast_excepthandler **items; size_t n; } wf_ast_excepthandler_seq;
typedef struct wf_ast_comprehension_seq { wf_ast_comprehension **items; size_t n; } wf_ast_comprehension_seq;
typedef struct wf_ast_ident_seq { const char **items; size_t n; } wf_ast_ident_seq;
typedef struct wf_ast_cmpop_seq { wf_ast_cmpop *items; size_t n; } wf_ast_cmpop_seq;

// ===== Helper nodes =====

// A parameter: `x`, `x: T` (annotation parsed, may be ignored), `*args`.
struct wf_ast_arg {
    const char *arg;
    wf_ast_expr *annotation;        // NULL when absent
    int lineno, col_offset, end_lineno, end_col_offset;
};

// CPython's `arguments` (no position). kw_defaults has one entry per
// kwonlyarg, NULL where that argument has no default. defaults belong to the
// last len(defaults) of posonlyargs + args, as in CPython.
typedef struct wf_ast_arguments {
    wf_ast_arg_seq posonlyargs;
    wf_ast_arg_seq args;
    wf_ast_arg *vararg;             // NULL when absent
    wf_ast_arg_seq kwonlyargs;
    wf_ast_expr_seq kw_defaults;    // items may be NULL
    wf_ast_arg *kwarg;              // NULL when absent
    wf_ast_expr_seq defaults;
} wf_ast_arguments;

// A call keyword `name=value`, or `**value` with arg == NULL.
struct wf_ast_keyword {
    const char *arg;                // NULL for **value
    wf_ast_expr *value;
    int lineno, col_offset, end_lineno, end_col_offset;
};

// `import a.b as c` / `from m import x as y`; name "*" for `from m import *`.
struct wf_ast_alias {
    const char *name;               // dotted, e.g. "os.path"
    const char *asname;             // NULL when absent
    int lineno, col_offset, end_lineno, end_col_offset;
};

// One `with` item (no position, as in CPython).
struct wf_ast_withitem {
    wf_ast_expr *context_expr;
    wf_ast_expr *optional_vars;     // NULL when absent; ctx Store
};

// `except type as name: body` (type NULL for bare except).
struct wf_ast_excepthandler {
    wf_ast_expr *type;              // NULL for bare `except:`
    const char *name;               // NULL when no `as`
    wf_ast_stmt_seq body;
    int lineno, col_offset, end_lineno, end_col_offset;
};

// `for target in iter if c1 if c2` (no position, as in CPython).
struct wf_ast_comprehension {
    wf_ast_expr *target;            // ctx Store
    wf_ast_expr *iter;
    wf_ast_expr_seq ifs;
    int is_async;                   // always 0 (async is rejected)
};

// ===== Expressions =====

typedef enum wf_ast_expr_kind {
    WF_AST_EXPR_BOOL_OP = 1,
    WF_AST_EXPR_BIN_OP,
    WF_AST_EXPR_UNARY_OP,
    WF_AST_EXPR_LAMBDA,
    WF_AST_EXPR_IF_EXP,
    WF_AST_EXPR_DICT,
    WF_AST_EXPR_SET,
    WF_AST_EXPR_LIST_COMP,
    WF_AST_EXPR_SET_COMP,
    WF_AST_EXPR_DICT_COMP,
    WF_AST_EXPR_GENERATOR_EXP,
    WF_AST_EXPR_YIELD,
    WF_AST_EXPR_YIELD_FROM,
    WF_AST_EXPR_COMPARE,
    WF_AST_EXPR_CALL,
    WF_AST_EXPR_FORMATTED_VALUE,
    WF_AST_EXPR_JOINED_STR,
    WF_AST_EXPR_CONSTANT,
    WF_AST_EXPR_ATTRIBUTE,
    WF_AST_EXPR_SUBSCRIPT,
    WF_AST_EXPR_STARRED,
    WF_AST_EXPR_NAME,
    WF_AST_EXPR_LIST,
    WF_AST_EXPR_TUPLE,
    WF_AST_EXPR_SLICE
} wf_ast_expr_kind;

// Kinds of Constant. BIG_INT: an int literal that does not fit int64_t; its
// value is in [str] as a decimal digit string (no sign, no underscores), so
// the compiler can raise OverflowError or build a big int later. Note that
// `-9223372036854775808` is UnaryOp(USub, Constant BIG_INT "9223372036854775808").
typedef enum wf_ast_const_kind {
    WF_AST_CONST_NONE = 1,
    WF_AST_CONST_TRUE,
    WF_AST_CONST_FALSE,
    WF_AST_CONST_ELLIPSIS,
    WF_AST_CONST_INT,               // v.constant.i
    WF_AST_CONST_BIG_INT,           // v.constant.str / len (decimal digits)
    WF_AST_CONST_FLOAT,             // v.constant.f
    WF_AST_CONST_STR,               // v.constant.str / len: UTF-8, decoded
    WF_AST_CONST_BYTES              // v.constant.str / len: raw bytes
} wf_ast_const_kind;

struct wf_ast_expr {
    wf_ast_expr_kind kind;
    int lineno, col_offset, end_lineno, end_col_offset;
    union {
        struct { wf_ast_boolop op; wf_ast_expr_seq values; } bool_op;
        struct { wf_ast_expr *left; wf_ast_operator op; wf_ast_expr *right; } bin_op;
        struct { wf_ast_unaryop op; wf_ast_expr *operand; } unary_op;
        struct { wf_ast_arguments *args; wf_ast_expr *body; } lambda;
        struct { wf_ast_expr *test, *body, *orelse; } if_exp;
        // keys[i] is never NULL: `**d` in a dict display is rejected.
        struct { wf_ast_expr_seq keys, values; } dict;
        struct { wf_ast_expr_seq elts; } set;
        struct { wf_ast_expr *elt; wf_ast_comprehension_seq generators; } list_comp;
        struct { wf_ast_expr *elt; wf_ast_comprehension_seq generators; } set_comp;
        struct { wf_ast_expr *key, *value; wf_ast_comprehension_seq generators; } dict_comp;
        struct { wf_ast_expr *elt; wf_ast_comprehension_seq generators; } generator_exp;
        struct { wf_ast_expr *value; } yield;          // value NULL for bare `yield`
        struct { wf_ast_expr *value; } yield_from;
        struct { wf_ast_expr *left; wf_ast_cmpop_seq ops; wf_ast_expr_seq comparators; } compare;
        // args may contain Starred (for `*x`); keywords with arg NULL are `**x`.
        struct { wf_ast_expr *func; wf_ast_expr_seq args; wf_ast_keyword_seq keywords; } call;
        // conversion: -1 (none), 'r', 's' or 'a'. format_spec: JoinedStr or NULL.
        struct { wf_ast_expr *value; int conversion; wf_ast_expr *format_spec; } formatted_value;
        // values: Constant(STR) and FormattedValue nodes, in order.
        struct { wf_ast_expr_seq values; } joined_str;
        struct {
            wf_ast_const_kind kind;
            int64_t i;
            double f;
            const char *str;        // NUL-terminated copy (may hold inner NULs)
            size_t len;             // bytes in str, not counting the final NUL
        } constant;
        struct { wf_ast_expr *value; const char *attr; wf_ast_expr_context ctx; } attribute;
        struct { wf_ast_expr *value, *slice; wf_ast_expr_context ctx; } subscript;
        struct { wf_ast_expr *value; wf_ast_expr_context ctx; } starred;
        struct { const char *id; wf_ast_expr_context ctx; } name;
        struct { wf_ast_expr_seq elts; wf_ast_expr_context ctx; } list;
        struct { wf_ast_expr_seq elts; wf_ast_expr_context ctx; } tuple;
        struct { wf_ast_expr *lower, *upper, *step; } slice;  // each may be NULL
    } v;
};

// ===== Statements =====

typedef enum wf_ast_stmt_kind {
    WF_AST_STMT_FUNCTION_DEF = 1,
    WF_AST_STMT_CLASS_DEF,
    WF_AST_STMT_RETURN,
    WF_AST_STMT_DELETE,
    WF_AST_STMT_ASSIGN,
    WF_AST_STMT_AUG_ASSIGN,
    WF_AST_STMT_ANN_ASSIGN,
    WF_AST_STMT_FOR,
    WF_AST_STMT_WHILE,
    WF_AST_STMT_IF,
    WF_AST_STMT_WITH,
    WF_AST_STMT_RAISE,
    WF_AST_STMT_TRY,
    WF_AST_STMT_ASSERT,
    WF_AST_STMT_IMPORT,
    WF_AST_STMT_IMPORT_FROM,
    WF_AST_STMT_GLOBAL,
    WF_AST_STMT_NONLOCAL,
    WF_AST_STMT_EXPR,
    WF_AST_STMT_PASS,
    WF_AST_STMT_BREAK,
    WF_AST_STMT_CONTINUE
} wf_ast_stmt_kind;

struct wf_ast_stmt {
    wf_ast_stmt_kind kind;
    int lineno, col_offset, end_lineno, end_col_offset;
    union {
        // returns: the `-> T` annotation or NULL (may be ignored).
        struct { const char *name; wf_ast_arguments *args; wf_ast_stmt_seq body; wf_ast_expr *returns; } function_def;
        // bases has 0 or 1 items in the subset (more is parsed; the compiler
        // rejects multiple inheritance). keywords (metaclass=...) parsed too.
        struct { const char *name; wf_ast_expr_seq bases; wf_ast_keyword_seq keywords; wf_ast_stmt_seq body; } class_def;
        struct { wf_ast_expr *value; } return_;       // value NULL for bare `return`
        struct { wf_ast_expr_seq targets; } delete_;  // ctx Del
        // targets: one per `=` (chained `a = b = 1` has two), ctx Store.
        struct { wf_ast_expr_seq targets; wf_ast_expr *value; } assign;
        struct { wf_ast_expr *target; wf_ast_operator op; wf_ast_expr *value; } aug_assign;
        // `x: T = v` / `x: T`; value NULL when absent; simple as in CPython.
        struct { wf_ast_expr *target, *annotation, *value; int simple; } ann_assign;
        struct { wf_ast_expr *target, *iter; wf_ast_stmt_seq body, orelse; } for_;
        struct { wf_ast_expr *test; wf_ast_stmt_seq body, orelse; } while_;
        // `elif` is an If nested alone in orelse, as in CPython.
        struct { wf_ast_expr *test; wf_ast_stmt_seq body, orelse; } if_;
        struct { wf_ast_withitem_seq items; wf_ast_stmt_seq body; } with;
        struct { wf_ast_expr *exc, *cause; } raise;   // each may be NULL
        struct { wf_ast_stmt_seq body; wf_ast_excepthandler_seq handlers; wf_ast_stmt_seq orelse, finalbody; } try_;
        struct { wf_ast_expr *test, *msg; } assert_;  // msg may be NULL
        struct { wf_ast_alias_seq names; } import;
        // module NULL only for `from . import x`; level = number of dots.
        struct { const char *module; wf_ast_alias_seq names; int level; } import_from;
        struct { wf_ast_ident_seq names; } global;
        struct { wf_ast_ident_seq names; } nonlocal;
        struct { wf_ast_expr *value; } expr;
    } v;
};

// ===== Module =====

typedef struct wf_ast_mod {
    wf_ast_stmt_seq body;
} wf_ast_mod;

// Write [m] to [out] exactly as CPython 3.11's ast.dump(tree) prints it
// (one line; optional fields that are None omitted, lists always shown;
// decorator_list=[] and type_ignores=[] included), so tests can compare with
// strings produced by python3. Cannot fail; no allocation.
void wf_ast_dump(const wf_ast_mod *m, FILE *out);

// Same as wf_ast_dump, with positions as ast.dump(tree,
// include_attributes=True) prints them (lineno=..., end_col_offset=...).
void wf_ast_dump_positions(const wf_ast_mod *m, FILE *out);

#endif // WF_RUNTIME_COMPILER_AST_H
