// runtime/compiler/symtable.h -- scopes and name resolution for the compiler
// (wf_symtable_*). Mirrors CPython's symtable: one entry per module,
// function, lambda, class, generator expression and (inlined) list/set/dict
// comprehension; each name gets a scope (local, cell, free, global).
// Pure C over the AST: no runtime objects, no locks, no safe points.
#ifndef WF_RUNTIME_COMPILER_SYMTABLE_H
#define WF_RUNTIME_COMPILER_SYMTABLE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/ast.h"

typedef enum wf_st_kind {
    WF_ST_MODULE,
    WF_ST_FUNCTION,  // def, lambda, generator expression
    WF_ST_CLASS,
    WF_ST_COMP,      // list/set/dict comprehension, inlined in its parent
} wf_st_kind;

// Flags of a name in one entry (how the entry's own code uses it).
#define WF_SYM_GLOBAL 0x01u      // declared `global`
#define WF_SYM_NONLOCAL 0x02u    // declared `nonlocal`
#define WF_SYM_LOCAL 0x04u       // bound here (assignment, def, import, ...)
#define WF_SYM_PARAM 0x08u       // a parameter
#define WF_SYM_USE 0x10u         // read here
#define WF_SYM_FREE_CLASS 0x20u  // class entry: a method needs the outer cell

// Resolved scope of a name in one entry.
typedef enum wf_st_scope {
    WF_SC_DELEGATE = 0,  // comprehension: resolved by the enclosing entry
    WF_SC_LOCAL,
    WF_SC_CELL,
    WF_SC_FREE,
    WF_SC_GLOBAL_EXPLICIT,
    WF_SC_GLOBAL_IMPLICIT,
} wf_st_scope;

typedef struct wf_st_sym {
    const char *name;  // points into the AST arena (or a static string)
    uint32_t hash;
    uint16_t flags;    // WF_SYM_*
    uint8_t scope;     // wf_st_scope after analysis
    // Position of the global/nonlocal statement (for errors).
    int decl_lineno, decl_col, decl_end_lineno, decl_end_col;
} wf_st_sym;

typedef struct wf_st_entry wf_st_entry;
struct wf_st_entry {
    wf_st_kind kind;
    const char *name;        // "<module>", function/class name, "<lambda>", ...
    const void *node;        // the AST node that opened it (NULL: module)
    int lineno;              // first line (def / class / lambda / comp line)
    wf_st_entry *parent;
    wf_st_entry **children;  // in source order
    size_t nchildren, capchildren;
    wf_st_sym *syms;         // insertion order (parameters first)
    size_t nsyms, capsyms;
    int32_t *table;          // open-addressing hash: index into syms, -1 empty
    size_t tablecap;
    int32_t *childtable;     // children by node, built by the first
    size_t childcap;         // wf_symtable_child call (NULL: not yet)
    uint32_t nparams;        // positional + vararg + kwonly + kwarg
    bool is_generator;
    bool is_genexp;
    bool is_lambda;
};

typedef struct wf_symtable {
    wf_st_entry *top;
    // Error (wf_symtable_build returned -1): CPython wording; positions of
    // the offending node, 1-based line, 0-based byte columns. oom: out of
    // memory rather than a SyntaxError; overflow: the C stack guard
    // (vm/cstack.h) stopped a recursive visit (RecursionError).
    char msg[160];
    int lineno, col_offset, end_lineno, end_col_offset;
    bool oom;
    bool overflow;
    // Strings the table owns (first components of dotted imports).
    char **owned;
    size_t nowned, capowned;
} wf_symtable;

// Build and analyse the symbol table of [mod]. Returns 0, or -1 with
// [st]'s error fields set. Either way the caller calls wf_symtable_free.
// Thread-agnostic: touches only [st] and reads [mod].
int wf_symtable_build(wf_symtable *st, const wf_ast_mod *mod);

// Release everything [st] owns. Accepts a zeroed or half-built table.
void wf_symtable_free(wf_symtable *st);

// The child entry of [e] opened by AST node [node], or NULL. Call it
// only on a built table (it indexes [e]'s children on first use).
wf_st_entry *wf_symtable_child(const wf_st_entry *e, const void *node);

// The symbol [name] of [e], or NULL.
const wf_st_sym *wf_symtable_get(const wf_st_entry *e, const char *name);

#endif
