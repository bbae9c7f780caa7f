// runtime/compiler/compile.c -- code generation (wf_comp_*).
// Walks the AST and emits CPython 3.14-shaped bytecode into a wf_cfg, one
// code unit per module, function, lambda, class body and generator
// expression; list/set/dict comprehensions are inlined (PEP 709). The
// shapes (and which instructions carry a line and which are artificial)
// follow CPython 3.14's Python/codegen.c so that, after flowgraph.c's
// passes, line/branch/jump/exception events land where CPython's do.
// Errors the compiler reports are SyntaxErrors in CPython's wording.
#include "compiler/compile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/code.h"
#include "objects/error.h"
#include "compiler/flowgraph.h"
#include "compiler/parse.h"
#include "threads/thread.h"
#include "compiler/symtable.h"

#define MAX_FBLOCKS 20
#define NOLINE WF_NO_LINE

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

typedef struct unit unit;
struct unit {
    unit *parent;
    wf_st_entry *ste;     // the entry of this code unit
    wf_st_entry *cur;     // innermost inlined comprehension, or ste
    wf_cfg g;
    wf_value *consts;
    uint32_t nconsts, capconsts;
    const char **names;
    uint32_t nnames, capnames;
    const char **lp;      // localsplus names
    uint8_t *lpkinds;
    uint32_t nlp, caplp;
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

static int
error_at(compiler *c, int lineno, int col, int end_lineno, int end_col,
         const char *fmt, ...) WF_PRINTF(6, 7);

static int
error_at(compiler *c, int lineno, int col, int end_lineno, int end_col,
         const char *fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    c->lineno = lineno;
    c->col = col;
    c->end_lineno = end_lineno;
    c->end_col = end_col;
    return -1;
}

#define ERR_EXPR(c, e, ...)                                              \
    error_at((c), (e)->lineno, (e)->col_offset, (e)->end_lineno,         \
             (e)->end_col_offset, __VA_ARGS__)
#define ERR_STMT ERR_EXPR

static int
runtime_failed(compiler *c)
{
    if (!c->failed) {
        c->failed = true;
        c->exc_set = true;
    }
    return -1;
}

// ===== Units, constants and names =====

static int32_t
newblock(compiler *c)
{
    int32_t b = wf_cfg_new_block(&c->u->g);
    if (b < 0)
        c->failed = true;
    return b;
}

static void
useblock(compiler *c, int32_t b)
{
    wf_cfg_use_block(&c->u->g, b);
}

static void
emit(compiler *c, uint16_t op, uint32_t arg, int32_t line)
{
    wf_cfg_emit(&c->u->g, op, arg, -1, line);
}

static void
emit_jump(compiler *c, uint16_t op, int32_t target, int32_t line)
{
    if (target < 0) {
        c->failed = true;
        return;
    }
    wf_cfg_emit(&c->u->g, op, 0, target, line);
}

static bool
same_const(wf_value a, wf_value b)
{
    if (a == b)
        return true;
    if (!wf_val_is_obj(a) || !wf_val_is_obj(b))
        return false;
    wf_type *ta = wf_val_as_obj(a)->type;
    if (ta != wf_val_as_obj(b)->type)
        return false;
    if (ta == &wf_str_type)
        return wf_str_len(a) == wf_str_len(b) &&
               memcmp(wf_str_cstr(a), wf_str_cstr(b), wf_str_len(a)) == 0;
    if (ta == &wf_float_type) {
        double x = wf_float_val(a), y = wf_float_val(b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    return false;
}

static int
add_const(compiler *c, wf_value v, uint32_t *out)
{
    unit *u = c->u;
    if (v == WF_NULL)
        return runtime_failed(c);
    bool code = wf_val_is_obj(v) && wf_val_as_obj(v)->type == &wf_code_type;
    if (!code)
        for (uint32_t i = 0; i < u->nconsts; i++)
            if (same_const(u->consts[i], v)) {
                *out = i;
                return 0;
            }
    if (u->nconsts == u->capconsts) {
        uint32_t cap = u->capconsts ? u->capconsts * 2 : 8;
        wf_value *nc = realloc(u->consts, cap * sizeof *nc);
        if (nc == NULL) {
            wf_err_no_memory(c->ts);
            return runtime_failed(c);
        }
        u->consts = nc;
        u->capconsts = cap;
    }
    u->consts[u->nconsts] = v;
    *out = u->nconsts++;
    return 0;
}

static int
load_const(compiler *c, wf_value v, int32_t line)
{
    uint32_t i;
    if (add_const(c, v, &i) < 0)
        return -1;
    emit(c, WF_OP_LOAD_CONST, i, line);
    return 0;
}

static uint32_t
add_name(compiler *c, const char *name)
{
    unit *u = c->u;
    for (uint32_t i = 0; i < u->nnames; i++)
        if (strcmp(u->names[i], name) == 0)
            return i;
    if (u->nnames == u->capnames) {
        uint32_t cap = u->capnames ? u->capnames * 2 : 8;
        const char **nn = realloc(u->names, cap * sizeof *nn);
        if (nn == NULL) {
            c->failed = true;
            return 0;
        }
        u->names = nn;
        u->capnames = cap;
    }
    u->names[u->nnames] = name;
    return u->nnames++;
}

static int32_t
lp_find(const unit *u, const char *name)
{
    for (uint32_t i = 0; i < u->nlp; i++)
        if (strcmp(u->lp[i], name) == 0)
            return (int32_t)i;
    return -1;
}

static int32_t
lp_add(compiler *c, const char *name, uint8_t kind)
{
    unit *u = c->u;
    if (u->nlp == u->caplp) {
        uint32_t cap = u->caplp ? u->caplp * 2 : 8;
        const char **nl = realloc(u->lp, cap * sizeof *nl);
        if (nl == NULL) {
            c->failed = true;
            return -1;
        }
        u->lp = nl;
        uint8_t *nk = realloc(u->lpkinds, cap);
        if (nk == NULL) {
            c->failed = true;
            return -1;
        }
        u->lpkinds = nk;
        u->caplp = cap;
    }
    u->lp[u->nlp] = name;
    u->lpkinds[u->nlp] = kind;
    return (int32_t)u->nlp++;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct namelist {
    const char **items;
    uint32_t n, cap;
} namelist;

static bool
nl_add(namelist *l, const char *name)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], name) == 0)
            return true;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        const char **ni = realloc(l->items, cap * sizeof *ni);
        if (ni == NULL)
            return false;
        l->items = ni;
        l->cap = cap;
    }
    l->items[l->n++] = name;
    return true;
}

// Locals and cells of the comprehensions inlined into [e] (recursively).
static bool
collect_comp_locals(const wf_st_entry *e, namelist *fast, namelist *cells)
{
    for (size_t i = 0; i < e->nchildren; i++) {
        const wf_st_entry *ch = e->children[i];
        if (ch->kind != WF_ST_COMP)
            continue;
        for (size_t k = 0; k < ch->nsyms; k++) {
            const wf_st_sym *s = &ch->syms[k];
            if (s->scope == WF_SC_LOCAL && !nl_add(fast, s->name))
                return false;
            if (s->scope == WF_SC_CELL && !nl_add(cells, s->name))
                return false;
        }
        if (!collect_comp_locals(ch, fast, cells))
            return false;
    }
    return true;
}

// Lay out localsplus as CPython does: parameters, other locals, cells that
// are not parameters (sorted), free variables (sorted).
static int
build_localsplus(compiler *c)
{
    unit *u = c->u;
    const wf_st_entry *e = u->ste;
    namelist cells = {0}, frees = {0}, cfast = {0}, ccells = {0};
    int rc = -1;
    if (u->is_function) {
        for (size_t i = 0; i < e->nsyms; i++) {
            const wf_st_sym *s = &e->syms[i];
            if (!(s->flags & WF_SYM_PARAM))
                continue;
            uint8_t k = WF_LOCAL_ARG;
            if (s->scope == WF_SC_CELL)
                k |= WF_LOCAL_CELL;
            if (lp_add(c, s->name, k) < 0)
                goto done;
        }
        for (size_t i = 0; i < e->nsyms; i++) {
            const wf_st_sym *s = &e->syms[i];
            if (!(s->flags & WF_SYM_PARAM) && s->scope == WF_SC_LOCAL &&
                lp_add(c, s->name, WF_LOCAL_FAST) < 0)
                goto done;
        }
    }
    if (!collect_comp_locals(e, &cfast, &ccells))
        goto done;
    for (uint32_t i = 0; i < cfast.n; i++)
        if (lp_find(u, cfast.items[i]) < 0 &&
            lp_add(c, cfast.items[i], WF_LOCAL_FAST) < 0)
            goto done;
    u->nlocals = u->nlp;
    for (size_t i = 0; i < e->nsyms; i++) {
        const wf_st_sym *s = &e->syms[i];
        if (s->scope == WF_SC_CELL && !(s->flags & WF_SYM_PARAM) &&
            !nl_add(&cells, s->name))
            goto done;
        if ((s->scope == WF_SC_FREE || (s->flags & WF_SYM_FREE_CLASS)) &&
            !nl_add(&frees, s->name))
            goto done;
    }
    for (uint32_t i = 0; i < ccells.n; i++) {
        int32_t k = lp_find(u, ccells.items[i]);
        if (k >= 0) {
            u->lpkinds[k] |= WF_LOCAL_CELL;
        } else if (!nl_add(&cells, ccells.items[i])) {
            goto done;
        }
    }
    if (cells.n)
        qsort(cells.items, cells.n, sizeof *cells.items, cmp_names);
    if (frees.n)
        qsort(frees.items, frees.n, sizeof *frees.items, cmp_names);
    for (uint32_t i = 0; i < cells.n; i++)
        if (lp_add(c, cells.items[i], WF_LOCAL_CELL) < 0)
            goto done;
    for (uint32_t i = 0; i < frees.n; i++)
        if (lp_add(c, frees.items[i], WF_LOCAL_FREE) < 0)
            goto done;
    u->nfree = frees.n;
    u->cellslots = malloc((u->nlp + 1) * sizeof *u->cellslots);
    if (u->cellslots == NULL)
        goto done;
    for (uint32_t i = 0; i < u->nlp; i++)
        if ((u->lpkinds[i] & WF_LOCAL_CELL) &&
            !(u->lpkinds[i] & WF_LOCAL_FREE))
            u->cellslots[u->ncellslots++] = i;
    rc = 0;
done:
    free(cells.items);
    free(frees.items);
    free(cfast.items);
    free(ccells.items);
    if (rc < 0)
        c->failed = true;
    return rc;
}

static char *
make_qualname(compiler *c, const char *name)
{
    unit *p = c->u;  // the parent, before the new unit is pushed
    char *q;
    if (p == NULL || p->ste->kind == WF_ST_MODULE) {
        q = strdup(name);
    } else {
        const char *sep = p->ste->kind == WF_ST_FUNCTION ? ".<locals>." : ".";
        size_t n = strlen(p->qualname) + strlen(sep) + strlen(name) + 1;
        q = malloc(n);
        if (q != NULL)
            snprintf(q, n, "%s%s%s", p->qualname, sep, name);
    }
    if (q == NULL)
        c->failed = true;
    return q;
}

static void
free_unit(unit *u)
{
    if (u == NULL)
        return;
    wf_cfg_fini(&u->g);
    free(u->consts);
    free(u->names);
    free(u->lp);
    free(u->lpkinds);
    free(u->cellslots);
    free(u->qualname);
    free(u);
}

static int
enter_unit(compiler *c, wf_st_entry *ste, const char *name, int32_t line)
{
    if (ste == NULL)
        return error_at(c, line, 0, line, 0, "internal error: no scope");
    unit *u = calloc(1, sizeof *u);
    if (u == NULL) {
        c->failed = true;
        return -1;
    }
    if (wf_cfg_init(&u->g) < 0) {
        free(u);
        c->failed = true;
        return -1;
    }
    u->qualname = make_qualname(c, name);
    u->parent = c->u;
    u->ste = ste;
    u->cur = ste;
    u->name = name;
    u->firstlineno = line;
    u->is_function = ste->kind == WF_ST_FUNCTION;
    c->u = u;
    if (u->qualname == NULL || build_localsplus(c) < 0)
        return -1;
    // RESUME carries the def line; the module's is line 0 (CPython).
    emit(c, WF_OP_RESUME, WF_RESUME_START, ste->kind == WF_ST_MODULE ? 0 : line);
    return 0;
}

static void
leave_unit(compiler *c)
{
    unit *u = c->u;
    c->u = u->parent;
    free_unit(u);
}

// ===== Name resolution =====

typedef enum access { AC_FAST, AC_DEREF, AC_GLOBAL, AC_NAME } access;

static access
resolve(compiler *c, const char *name, uint32_t *arg)
{
    unit *u = c->u;
    for (wf_st_entry *e = u->cur; e != NULL && e->kind == WF_ST_COMP;
         e = e->parent) {
        const wf_st_sym *s = wf_symtable_get(e, name);
        if (s != NULL && (s->scope == WF_SC_LOCAL || s->scope == WF_SC_CELL)) {
            int32_t k = lp_find(u, name);
            if (k >= 0) {
                *arg = (uint32_t)k;
                return (u->lpkinds[k] & WF_LOCAL_CELL) ? AC_DEREF : AC_FAST;
            }
        }
    }
    const wf_st_sym *s = wf_symtable_get(u->ste, name);
    int scope = s ? s->scope : WF_SC_GLOBAL_IMPLICIT;
    bool fn = u->is_function;
    switch (scope) {
    case WF_SC_LOCAL:
        if (fn) {
            int32_t k = lp_find(u, name);
            if (k >= 0) {
                *arg = (uint32_t)k;
                return AC_FAST;
            }
        }
        break;
    case WF_SC_CELL:
    case WF_SC_FREE: {
        int32_t k = lp_find(u, name);
        if (k >= 0 && (fn || scope == WF_SC_FREE ||
                       u->ste->kind != WF_ST_CLASS)) {
            *arg = (uint32_t)k;
            return AC_DEREF;
        }
        break;
    }
    case WF_SC_GLOBAL_EXPLICIT:
        *arg = add_name(c, name);
        return AC_GLOBAL;
    default:
        if (fn) {
            *arg = add_name(c, name);
            return AC_GLOBAL;
        }
        break;
    }
    *arg = add_name(c, name);
    return AC_NAME;
}

static void
nameop(compiler *c, const char *name, wf_ast_expr_context ctx, int32_t line)
{
    uint32_t arg;
    access a = resolve(c, name, &arg);
    static const uint16_t ops[4][3] = {
        {WF_OP_LOAD_FAST, WF_OP_STORE_FAST, WF_OP_DELETE_FAST},
        {WF_OP_LOAD_DEREF, WF_OP_STORE_DEREF, WF_OP_DELETE_DEREF},
        {WF_OP_LOAD_GLOBAL, WF_OP_STORE_GLOBAL, WF_OP_DELETE_GLOBAL},
        {WF_OP_LOAD_NAME, WF_OP_STORE_NAME, WF_OP_DELETE_NAME},
    };
    int k = ctx == WF_AST_LOAD ? 0 : ctx == WF_AST_STORE ? 1 : 2;
    if (a == AC_GLOBAL && k == 0)
        arg <<= 1;
    emit(c, ops[a][k], arg, line);
}

// ===== Constants from the AST =====

static wf_value
const_value(compiler *c, const wf_ast_expr *e)
{
    wf_thread *ts = c->ts;
    switch (e->v.constant.kind) {
    case WF_AST_CONST_NONE: return WF_NONE;
    case WF_AST_CONST_TRUE: return WF_TRUE;
    case WF_AST_CONST_FALSE: return WF_FALSE;
    case WF_AST_CONST_ELLIPSIS: return WF_ELLIPSIS;
    case WF_AST_CONST_INT:
        if (!wf_val_int_fits(e->v.constant.i)) {
            ERR_EXPR(c, e, "integer literal too large for Weft (62-bit ints)");
            return WF_NULL;
        }
        return wf_val_from_int(e->v.constant.i);
    case WF_AST_CONST_BIG_INT:
        ERR_EXPR(c, e, "integer literal too large for Weft (62-bit ints)");
        return WF_NULL;
    case WF_AST_CONST_FLOAT: {
        wf_value v = wf_float_new(ts, e->v.constant.f);
        if (v == WF_NULL)
            runtime_failed(c);
        return v;
    }
    case WF_AST_CONST_STR: {
        wf_value v = wf_str_new(ts, e->v.constant.str, e->v.constant.len);
        if (v == WF_NULL)
            runtime_failed(c);
        return v;
    }
    case WF_AST_CONST_BYTES:
        ERR_EXPR(c, e, "bytes literals are not supported by Weft");
        return WF_NULL;
    }
    ERR_EXPR(c, e, "invalid constant");
    return WF_NULL;
}

static bool
is_const(const wf_ast_expr *e)
{
    return e->kind == WF_AST_EXPR_CONSTANT;
}

// Truth value of a constant node: 1, 0, or -1 when unknown.
static int
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

// ===== Expressions =====

static int expr(compiler *c, const wf_ast_expr *e);
static int stmts(compiler *c, const wf_ast_stmt_seq *seq);
static int jump_if(compiler *c, const wf_ast_expr *e, int32_t next, bool cond);

static int
exprs(compiler *c, const wf_ast_expr_seq *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (expr(c, seq->items[i]) < 0)
            return -1;
    return 0;
}

static uint32_t
binop_arg(wf_ast_operator op, bool inplace)
{
    static const uint8_t map[] = {
        [WF_AST_ADD] = WF_BINOP_ADD,
        [WF_AST_SUB] = WF_BINOP_SUBTRACT,
        [WF_AST_MULT] = WF_BINOP_MULTIPLY,
        [WF_AST_MAT_MULT] = WF_BINOP_MATRIX_MULTIPLY,
        [WF_AST_DIV] = WF_BINOP_TRUE_DIVIDE,
        [WF_AST_MOD] = WF_BINOP_REMAINDER,
        [WF_AST_POW] = WF_BINOP_POWER,
        [WF_AST_L_SHIFT] = WF_BINOP_LSHIFT,
        [WF_AST_R_SHIFT] = WF_BINOP_RSHIFT,
        [WF_AST_BIT_OR] = WF_BINOP_OR,
        [WF_AST_BIT_XOR] = WF_BINOP_XOR,
        [WF_AST_BIT_AND] = WF_BINOP_AND,
        [WF_AST_FLOOR_DIV] = WF_BINOP_FLOOR_DIVIDE,
    };
    return (uint32_t)map[op] + (inplace ? WF_BINOP_INPLACE_ADD : 0);
}

static void
compare_op(compiler *c, wf_ast_cmpop op, int32_t line)
{
    switch (op) {
    case WF_AST_EQ: emit(c, WF_OP_COMPARE_OP, WF_CMP_EQ, line); break;
    case WF_AST_NOT_EQ: emit(c, WF_OP_COMPARE_OP, WF_CMP_NE, line); break;
    case WF_AST_LT: emit(c, WF_OP_COMPARE_OP, WF_CMP_LT, line); break;
    case WF_AST_LT_E: emit(c, WF_OP_COMPARE_OP, WF_CMP_LE, line); break;
    case WF_AST_GT: emit(c, WF_OP_COMPARE_OP, WF_CMP_GT, line); break;
    case WF_AST_GT_E: emit(c, WF_OP_COMPARE_OP, WF_CMP_GE, line); break;
    case WF_AST_IS: emit(c, WF_OP_IS_OP, 0, line); break;
    case WF_AST_IS_NOT: emit(c, WF_OP_IS_OP, 1, line); break;
    case WF_AST_IN: emit(c, WF_OP_CONTAINS_OP, 0, line); break;
    case WF_AST_NOT_IN: emit(c, WF_OP_CONTAINS_OP, 1, line); break;
    }
}

static int
compare(compiler *c, const wf_ast_expr *e)
{
    int32_t line = e->lineno;
    size_t n = e->v.compare.ops.n;
    if (n == 0 || e->v.compare.comparators.n != n)
        return ERR_EXPR(c, e, "invalid comparison");
    if (expr(c, e->v.compare.left) < 0)
        return -1;
    if (n == 1) {
        if (expr(c, e->v.compare.comparators.items[0]) < 0)
            return -1;
        compare_op(c, e->v.compare.ops.items[0], line);
        return 0;
    }
    int32_t cleanup = newblock(c), end = newblock(c);
    for (size_t i = 0; i + 1 < n; i++) {
        if (expr(c, e->v.compare.comparators.items[i]) < 0)
            return -1;
        emit(c, WF_OP_SWAP, 2, line);
        emit(c, WF_OP_COPY, 2, line);
        compare_op(c, e->v.compare.ops.items[i], line);
        emit(c, WF_OP_COPY, 1, line);
        emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, cleanup, line);
        emit(c, WF_OP_POP_TOP, 0, line);
    }
    if (expr(c, e->v.compare.comparators.items[n - 1]) < 0)
        return -1;
    compare_op(c, e->v.compare.ops.items[n - 1], line);
    emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
    useblock(c, cleanup);
    emit(c, WF_OP_SWAP, 2, line);
    emit(c, WF_OP_POP_TOP, 0, line);
    useblock(c, end);
    return 0;
}

// Jump to [next] if the truth of [e] equals [cond] (CPython's
// codegen_jump_if, including its and/or/not/chained-compare forms).
static int
jump_if(compiler *c, const wf_ast_expr *e, int32_t next, bool cond)
{
    switch (e->kind) {
    case WF_AST_EXPR_UNARY_OP:
        if (e->v.unary_op.op == WF_AST_NOT)
            return jump_if(c, e->v.unary_op.operand, next, !cond);
        break;
    case WF_AST_EXPR_BOOL_OP: {
        const wf_ast_expr_seq *s = &e->v.bool_op.values;
        if (s->n == 0)
            break;
        bool cond2 = e->v.bool_op.op == WF_AST_OR;
        int32_t next2 = next;
        if (cond2 != cond)
            next2 = newblock(c);
        for (size_t i = 0; i + 1 < s->n; i++)
            if (jump_if(c, s->items[i], next2, cond2) < 0)
                return -1;
        if (jump_if(c, s->items[s->n - 1], next, cond) < 0)
            return -1;
        if (next2 != next)
            useblock(c, next2);
        return 0;
    }
    case WF_AST_EXPR_IF_EXP: {
        int32_t end = newblock(c), next2 = newblock(c);
        if (jump_if(c, e->v.if_exp.test, next2, false) < 0 ||
            jump_if(c, e->v.if_exp.body, next, cond) < 0)
            return -1;
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next2);
        if (jump_if(c, e->v.if_exp.orelse, next, cond) < 0)
            return -1;
        useblock(c, end);
        return 0;
    }
    case WF_AST_EXPR_COMPARE: {
        size_t n = e->v.compare.ops.n;
        if (n < 2 || e->v.compare.comparators.n != n)
            break;
        int32_t line = e->lineno;
        int32_t cleanup = newblock(c);
        if (expr(c, e->v.compare.left) < 0)
            return -1;
        for (size_t i = 0; i + 1 < n; i++) {
            if (expr(c, e->v.compare.comparators.items[i]) < 0)
                return -1;
            emit(c, WF_OP_SWAP, 2, line);
            emit(c, WF_OP_COPY, 2, line);
            compare_op(c, e->v.compare.ops.items[i], line);
            emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, cleanup, line);
        }
        if (expr(c, e->v.compare.comparators.items[n - 1]) < 0)
            return -1;
        compare_op(c, e->v.compare.ops.items[n - 1], line);
        emit_jump(c, cond ? WF_OP_POP_JUMP_IF_TRUE : WF_OP_POP_JUMP_IF_FALSE,
                  next, line);
        int32_t end = newblock(c);
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, cleanup);
        emit(c, WF_OP_POP_TOP, 0, line);
        if (!cond)
            emit_jump(c, WF_PSEUDO_JUMP, next, NOLINE);
        useblock(c, end);
        return 0;
    }
    default:
        break;
    }
    int t = const_truth(e);
    if (t >= 0) {
        // CPython folds LOAD_CONST + POP_JUMP into a NOP and a JUMP (or
        // nothing), keeping the line.
        emit(c, WF_OP_NOP, 0, e->lineno);
        if ((t == 1) == cond)
            emit_jump(c, WF_PSEUDO_JUMP, next, e->lineno);
        return 0;
    }
    if (expr(c, e) < 0)
        return -1;
    emit_jump(c, cond ? WF_OP_POP_JUMP_IF_TRUE : WF_OP_POP_JUMP_IF_FALSE,
              next, e->lineno);
    return 0;
}

static int
boolop(compiler *c, const wf_ast_expr *e)
{
    const wf_ast_expr_seq *s = &e->v.bool_op.values;
    if (s->n == 0)
        return ERR_EXPR(c, e, "invalid boolean operation");
    int32_t end = newblock(c);
    uint16_t jop = e->v.bool_op.op == WF_AST_AND ? WF_OP_POP_JUMP_IF_FALSE
                                                 : WF_OP_POP_JUMP_IF_TRUE;
    for (size_t i = 0; i + 1 < s->n; i++) {
        if (expr(c, s->items[i]) < 0)
            return -1;
        emit(c, WF_OP_COPY, 1, e->lineno);
        emit_jump(c, jop, end, e->lineno);
        emit(c, WF_OP_POP_TOP, 0, e->lineno);
    }
    if (expr(c, s->items[s->n - 1]) < 0)
        return -1;
    useblock(c, end);
    return 0;
}

static bool
has_starred(const wf_ast_expr_seq *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i]->kind == WF_AST_EXPR_STARRED)
            return true;
    return false;
}

// Lists and tuples with `*x` (and call arguments): BUILD_LIST, then
// LIST_APPEND / LIST_EXTEND, then LIST_TO_TUPLE for a tuple.
static int
starunpack(compiler *c, const wf_ast_expr_seq *elts, int32_t line,
           uint16_t build, bool tuple)
{
    if (!has_starred(elts)) {
        if (exprs(c, elts) < 0)
            return -1;
        emit(c, build, (uint32_t)elts->n, line);
        return 0;
    }
    bool built = false;
    for (size_t i = 0; i < elts->n; i++) {
        const wf_ast_expr *el = elts->items[i];
        if (el->kind == WF_AST_EXPR_STARRED) {
            if (!built) {
                emit(c, WF_OP_BUILD_LIST, (uint32_t)i, line);
                built = true;
            }
            if (expr(c, el->v.starred.value) < 0)
                return -1;
            emit(c, WF_OP_LIST_EXTEND, 1, line);
        } else {
            if (expr(c, el) < 0)
                return -1;
            if (built)
                emit(c, WF_OP_LIST_APPEND, 1, line);
        }
    }
    if (tuple)
        emit(c, WF_OP_CALL_INTRINSIC_1, WF_INTRINSIC_LIST_TO_TUPLE, line);
    return 0;
}

// Constant tuple folding: (1, 'a', None) -> one LOAD_CONST.
static int
try_const_tuple(compiler *c, const wf_ast_expr *e, bool *done)
{
    const wf_ast_expr_seq *elts = &e->v.tuple.elts;
    *done = false;
    if (elts->n == 0 || elts->n > 256)
        return 0;
    for (size_t i = 0; i < elts->n; i++)
        if (!is_const(elts->items[i]) ||
            elts->items[i]->v.constant.kind == WF_AST_CONST_BIG_INT ||
            elts->items[i]->v.constant.kind == WF_AST_CONST_BYTES)
            return 0;
    wf_value items[256];
    for (size_t i = 0; i < elts->n; i++) {
        items[i] = const_value(c, elts->items[i]);
        if (items[i] == WF_NULL)
            return -1;
    }
    wf_value t = wf_tuple_from_array(c->ts, items, elts->n);
    if (t == WF_NULL)
        return runtime_failed(c);
    *done = true;
    return load_const(c, t, e->lineno);
}

static int32_t
attr_line(const wf_ast_expr *attr, int32_t line)
{
    // CPython's update_start_location_to_match_attr.
    if (line != attr->end_lineno)
        return attr->end_lineno;
    return line;
}

static int call_helper(compiler *c, int32_t line, uint32_t pushed,
                       const wf_ast_expr_seq *args,
                       const wf_ast_keyword_seq *kws);

static int
call(compiler *c, const wf_ast_expr *e)
{
    const wf_ast_expr *f = e->v.call.func;
    const wf_ast_expr_seq *args = &e->v.call.args;
    const wf_ast_keyword_seq *kws = &e->v.call.keywords;
    for (size_t i = 0; i < kws->n; i++)
        for (size_t k = i + 1; k < kws->n; k++)
            if (kws->items[i]->arg && kws->items[k]->arg &&
                strcmp(kws->items[i]->arg, kws->items[k]->arg) == 0)
                return error_at(c, kws->items[k]->lineno,
                                kws->items[k]->col_offset,
                                kws->items[k]->end_lineno,
                                kws->items[k]->end_col_offset,
                                "keyword argument repeated: %s",
                                kws->items[k]->arg);
    bool simple_kw = true;
    for (size_t i = 0; i < kws->n; i++)
        if (kws->items[i]->arg == NULL)
            simple_kw = false;
    if (f->kind == WF_AST_EXPR_ATTRIBUTE && f->v.attribute.ctx == WF_AST_LOAD &&
        !has_starred(args) && simple_kw && args->n + kws->n < 30) {
        // Method call: LOAD_ATTR with the method bit, then CALL.
        if (expr(c, f->v.attribute.value) < 0)
            return -1;
        int32_t line = attr_line(f, f->lineno);
        emit(c, WF_OP_LOAD_ATTR, (add_name(c, f->v.attribute.attr) << 1) | 1,
             line);
        if (exprs(c, args) < 0)
            return -1;
        int32_t cline = attr_line(f, e->lineno);
        if (kws->n) {
            wf_value names[256];
            if (kws->n > 256)
                return ERR_EXPR(c, e, "too many arguments");
            for (size_t i = 0; i < kws->n; i++) {
                if (expr(c, kws->items[i]->value) < 0)
                    return -1;
                names[i] = wf_str_intern(c->ts, kws->items[i]->arg);
                if (names[i] == WF_NULL)
                    return runtime_failed(c);
            }
            wf_value t = wf_tuple_from_array(c->ts, names, kws->n);
            if (t == WF_NULL || load_const(c, t, cline) < 0)
                return runtime_failed(c);
            emit(c, WF_OP_CALL_KW, (uint32_t)(args->n + kws->n), cline);
        } else {
            emit(c, WF_OP_CALL, (uint32_t)args->n, cline);
        }
        return 0;
    }
    if (f->kind == WF_AST_EXPR_NAME) {
        uint32_t arg;
        access a = resolve(c, f->v.name.id, &arg);
        if (a == AC_GLOBAL) {
            emit(c, WF_OP_LOAD_GLOBAL, (arg << 1) | 1, f->lineno);
            return call_helper(c, e->lineno, 0, args, kws);
        }
    }
    if (expr(c, f) < 0)
        return -1;
    emit(c, WF_OP_PUSH_NULL, 0, f->lineno);
    return call_helper(c, e->lineno, 0, args, kws);
}

static int
call_helper(compiler *c, int32_t line, uint32_t pushed,
            const wf_ast_expr_seq *args, const wf_ast_keyword_seq *kws)
{
    bool ex = args->n + kws->n * 2 > 30 || has_starred(args);
    for (size_t i = 0; i < kws->n; i++)
        if (kws->items[i]->arg == NULL)
            ex = true;
    if (args->n + kws->n > 0xFFFF)
        return error_at(c, line, 0, line, 0, "too many arguments");
    if (!ex) {
        if (exprs(c, args) < 0)
            return -1;
        if (kws->n) {
            wf_value *names = malloc(kws->n * sizeof *names);
            if (names == NULL) {
                wf_err_no_memory(c->ts);
                return runtime_failed(c);
            }
            for (size_t i = 0; i < kws->n; i++) {
                if (expr(c, kws->items[i]->value) < 0) {
                    free(names);
                    return -1;
                }
                names[i] = wf_str_intern(c->ts, kws->items[i]->arg);
                if (names[i] == WF_NULL) {
                    free(names);
                    return runtime_failed(c);
                }
            }
            wf_value t = wf_tuple_from_array(c->ts, names, kws->n);
            free(names);
            if (t == WF_NULL)
                return runtime_failed(c);
            if (load_const(c, t, line) < 0)
                return -1;
            emit(c, WF_OP_CALL_KW, pushed + (uint32_t)(args->n + kws->n), line);
        } else {
            emit(c, WF_OP_CALL, pushed + (uint32_t)args->n, line);
        }
        return 0;
    }
    // CALL_FUNCTION_EX: positional args as a tuple, keywords as a dict.
    if (pushed == 0 && args->n == 1 &&
        args->items[0]->kind == WF_AST_EXPR_STARRED) {
        if (expr(c, args->items[0]->v.starred.value) < 0)
            return -1;
    } else if (!has_starred(args)) {
        if (exprs(c, args) < 0)
            return -1;
        emit(c, WF_OP_BUILD_TUPLE, pushed + (uint32_t)args->n, line);
    } else {
        if (pushed > 0)
            return error_at(c, line, 0, line, 0, "too many arguments");
        if (starunpack(c, args, line, WF_OP_BUILD_LIST, true) < 0)
            return -1;
    }
    if (kws->n) {
        bool have_dict = false;
        size_t nseen = 0;
        for (size_t i = 0; i <= kws->n; i++) {
            bool end = i == kws->n;
            if (!end && kws->items[i]->arg != NULL) {
                nseen++;
                continue;
            }
            if (nseen) {
                for (size_t k = i - nseen; k < i; k++) {
                    wf_value s = wf_str_intern(c->ts, kws->items[k]->arg);
                    if (s == WF_NULL)
                        return runtime_failed(c);
                    if (load_const(c, s, line) < 0 ||
                        expr(c, kws->items[k]->value) < 0)
                        return -1;
                }
                emit(c, WF_OP_BUILD_MAP, (uint32_t)nseen, line);
                if (have_dict)
                    emit(c, WF_OP_DICT_UPDATE, 1, line);
                have_dict = true;
                nseen = 0;
            }
            if (end)
                break;
            if (!have_dict) {
                emit(c, WF_OP_BUILD_MAP, 0, line);
                have_dict = true;
            }
            if (expr(c, kws->items[i]->value) < 0)
                return -1;
            emit(c, WF_OP_DICT_UPDATE, 1, line);
        }
    }
    emit(c, WF_OP_CALL_FUNCTION_EX, kws->n > 0 ? 1 : 0, line);
    return 0;
}

static bool
is_two_element_slice(const wf_ast_expr *s)
{
    return s->kind == WF_AST_EXPR_SLICE && s->v.slice.step == NULL;
}

static int
slice_part(compiler *c, const wf_ast_expr *p, int32_t line)
{
    if (p == NULL)
        return load_const(c, WF_NONE, line);
    return expr(c, p);
}

static int
slice_two_parts(compiler *c, const wf_ast_expr *s)
{
    if (slice_part(c, s->v.slice.lower, s->lineno) < 0 ||
        slice_part(c, s->v.slice.upper, s->lineno) < 0)
        return -1;
    return 0;
}

static int
subscript(compiler *c, const wf_ast_expr *e)
{
    wf_ast_expr_context ctx = e->v.subscript.ctx;
    if (expr(c, e->v.subscript.value) < 0)
        return -1;
    const wf_ast_expr *s = e->v.subscript.slice;
    if (is_two_element_slice(s) && ctx != WF_AST_DEL) {
        if (slice_two_parts(c, s) < 0)
            return -1;
        emit(c, ctx == WF_AST_LOAD ? WF_OP_BINARY_SLICE : WF_OP_STORE_SLICE, 0,
             e->lineno);
        return 0;
    }
    if (expr(c, s) < 0)
        return -1;
    emit(c,
         ctx == WF_AST_LOAD    ? WF_OP_BINARY_SUBSCR
         : ctx == WF_AST_STORE ? WF_OP_STORE_SUBSCR
                               : WF_OP_DELETE_SUBSCR,
         0, e->lineno);
    return 0;
}

static int make_function(compiler *c, const wf_ast_stmt *def,
                         const wf_ast_expr *lambda);
static int comprehension(compiler *c, const wf_ast_expr *e);

static int
formatted_value(compiler *c, const wf_ast_expr *e)
{
    if (expr(c, e->v.formatted_value.value) < 0)
        return -1;
    int conv = e->v.formatted_value.conversion;
    if (conv != -1)
        emit(c, WF_OP_CONVERT_VALUE,
             conv == 's' ? WF_CONV_STR : conv == 'r' ? WF_CONV_REPR : WF_CONV_ASCII,
             e->lineno);
    if (e->v.formatted_value.format_spec != NULL) {
        if (expr(c, e->v.formatted_value.format_spec) < 0)
            return -1;
        emit(c, WF_OP_FORMAT_WITH_SPEC, 0, e->lineno);
    } else {
        emit(c, WF_OP_FORMAT_SIMPLE, 0, e->lineno);
    }
    return 0;
}

static int
unpack_store(compiler *c, const wf_ast_expr *e)
{
    const wf_ast_expr_seq *elts = e->kind == WF_AST_EXPR_TUPLE
                                      ? &e->v.tuple.elts
                                      : &e->v.list.elts;
    if (has_starred(elts))
        return ERR_EXPR(c, e,
                        "starred assignment targets are not supported by Weft");
    emit(c, WF_OP_UNPACK_SEQUENCE, (uint32_t)elts->n, e->lineno);
    for (size_t i = 0; i < elts->n; i++)
        if (expr(c, elts->items[i]) < 0)
            return -1;
    return 0;
}

static int
expr_inner(compiler *c, const wf_ast_expr *e)
{
    int32_t line = e->lineno;
    switch (e->kind) {
    case WF_AST_EXPR_BOOL_OP:
        return boolop(c, e);
    case WF_AST_EXPR_BIN_OP:
        if (expr(c, e->v.bin_op.left) < 0 || expr(c, e->v.bin_op.right) < 0)
            return -1;
        emit(c, WF_OP_BINARY_OP, binop_arg(e->v.bin_op.op, false), line);
        return 0;
    case WF_AST_EXPR_UNARY_OP: {
        const wf_ast_expr *o = e->v.unary_op.operand;
        wf_ast_unaryop op = e->v.unary_op.op;
        // Fold -<number> and +<number> (CPython folds these constants).
        if ((op == WF_AST_USUB || op == WF_AST_UADD) && is_const(o) &&
            (o->v.constant.kind == WF_AST_CONST_INT ||
             o->v.constant.kind == WF_AST_CONST_FLOAT)) {
            wf_value v;
            if (o->v.constant.kind == WF_AST_CONST_INT) {
                int64_t i = o->v.constant.i;
                if (op == WF_AST_USUB)
                    i = -i;
                if (!wf_val_int_fits(i))
                    return ERR_EXPR(c, o, "integer literal too large for "
                                          "Weft (62-bit ints)");
                v = wf_val_from_int(i);
            } else {
                double d = o->v.constant.f;
                v = wf_float_new(c->ts, op == WF_AST_USUB ? -d : d);
                if (v == WF_NULL)
                    return runtime_failed(c);
            }
            return load_const(c, v, line);
        }
        if (op == WF_AST_USUB && is_const(o) &&
            o->v.constant.kind == WF_AST_CONST_BIG_INT &&
            strcmp(o->v.constant.str, "4611686018427387904") == 0)
            return load_const(c, wf_val_from_int(WF_INT_MIN), line);
        if (expr(c, o) < 0)
            return -1;
        switch (op) {
        case WF_AST_INVERT: emit(c, WF_OP_UNARY_INVERT, 0, line); break;
        case WF_AST_NOT: emit(c, WF_OP_UNARY_NOT, 0, line); break;
        case WF_AST_UADD:
            emit(c, WF_OP_CALL_INTRINSIC_1, WF_INTRINSIC_UNARY_POSITIVE, line);
            break;
        case WF_AST_USUB: emit(c, WF_OP_UNARY_NEGATIVE, 0, line); break;
        }
        return 0;
    }
    case WF_AST_EXPR_LAMBDA:
        return make_function(c, NULL, e);
    case WF_AST_EXPR_IF_EXP: {
        int32_t end = newblock(c), next = newblock(c);
        if (jump_if(c, e->v.if_exp.test, next, false) < 0 ||
            expr(c, e->v.if_exp.body) < 0)
            return -1;
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next);
        if (expr(c, e->v.if_exp.orelse) < 0)
            return -1;
        useblock(c, end);
        return 0;
    }
    case WF_AST_EXPR_DICT: {
        size_t n = e->v.dict.keys.n;
        if (n <= 16) {
            for (size_t i = 0; i < n; i++)
                if (expr(c, e->v.dict.keys.items[i]) < 0 ||
                    expr(c, e->v.dict.values.items[i]) < 0)
                    return -1;
            emit(c, WF_OP_BUILD_MAP, (uint32_t)n, line);
            return 0;
        }
        emit(c, WF_OP_BUILD_MAP, 0, line);
        for (size_t i = 0; i < n; i++) {
            if (expr(c, e->v.dict.keys.items[i]) < 0 ||
                expr(c, e->v.dict.values.items[i]) < 0)
                return -1;
            emit(c, WF_OP_MAP_ADD, 1, line);
        }
        return 0;
    }
    case WF_AST_EXPR_SET:
        if (has_starred(&e->v.set.elts))
            return ERR_EXPR(c, e, "starred set displays are not supported "
                                  "by Weft");
        if (exprs(c, &e->v.set.elts) < 0)
            return -1;
        emit(c, WF_OP_BUILD_SET, (uint32_t)e->v.set.elts.n, line);
        return 0;
    case WF_AST_EXPR_LIST_COMP:
    case WF_AST_EXPR_SET_COMP:
    case WF_AST_EXPR_DICT_COMP:
    case WF_AST_EXPR_GENERATOR_EXP:
        return comprehension(c, e);
    case WF_AST_EXPR_YIELD:
        if (!c->u->is_function)
            return ERR_EXPR(c, e, "'yield' outside function");
        if (e->v.yield.value != NULL) {
            if (expr(c, e->v.yield.value) < 0)
                return -1;
        } else if (load_const(c, WF_NONE, line) < 0) {
            return -1;
        }
        emit(c, WF_OP_YIELD_VALUE, 0, line);
        emit(c, WF_OP_RESUME, WF_RESUME_AFTER_YIELD, line);
        return 0;
    case WF_AST_EXPR_YIELD_FROM:
        if (!c->u->is_function)
            return ERR_EXPR(c, e, "'yield from' outside function");
        return ERR_EXPR(c, e, "'yield from' not supported yet by Weft");
    case WF_AST_EXPR_COMPARE:
        return compare(c, e);
    case WF_AST_EXPR_CALL:
        return call(c, e);
    case WF_AST_EXPR_FORMATTED_VALUE:
        return formatted_value(c, e);
    case WF_AST_EXPR_JOINED_STR: {
        size_t n = e->v.joined_str.values.n;
        if (n == 0)
            return load_const(c, wf_str_new(c->ts, "", 0), line);
        if (exprs(c, &e->v.joined_str.values) < 0)
            return -1;
        if (n != 1)
            emit(c, WF_OP_BUILD_STRING, (uint32_t)n, line);
        return 0;
    }
    case WF_AST_EXPR_CONSTANT: {
        wf_value v = const_value(c, e);
        if (v == WF_NULL)
            return -1;
        return load_const(c, v, line);
    }
    case WF_AST_EXPR_ATTRIBUTE: {
        wf_ast_expr_context ctx = e->v.attribute.ctx;
        if (expr(c, e->v.attribute.value) < 0)
            return -1;
        int32_t aline = attr_line(e, line);
        uint32_t ni = add_name(c, e->v.attribute.attr);
        if (ctx == WF_AST_LOAD)
            emit(c, WF_OP_LOAD_ATTR, ni << 1, aline);
        else
            emit(c, ctx == WF_AST_STORE ? WF_OP_STORE_ATTR : WF_OP_DELETE_ATTR,
                 ni, aline);
        return 0;
    }
    case WF_AST_EXPR_SUBSCRIPT:
        return subscript(c, e);
    case WF_AST_EXPR_STARRED:
        return ERR_EXPR(c, e, e->v.starred.ctx == WF_AST_STORE
                                  ? "starred assignment target must be in a "
                                    "list or tuple"
                                  : "can't use starred expression here");
    case WF_AST_EXPR_NAME:
        nameop(c, e->v.name.id, e->v.name.ctx, line);
        return 0;
    case WF_AST_EXPR_LIST:
        if (e->v.list.ctx == WF_AST_STORE)
            return unpack_store(c, e);
        if (e->v.list.ctx == WF_AST_DEL)
            return exprs(c, &e->v.list.elts);
        return starunpack(c, &e->v.list.elts, line, WF_OP_BUILD_LIST, false);
    case WF_AST_EXPR_TUPLE: {
        if (e->v.tuple.ctx == WF_AST_STORE)
            return unpack_store(c, e);
        if (e->v.tuple.ctx == WF_AST_DEL)
            return exprs(c, &e->v.tuple.elts);
        bool done;
        if (try_const_tuple(c, e, &done) < 0)
            return -1;
        if (done)
            return 0;
        return starunpack(c, &e->v.tuple.elts, line, WF_OP_BUILD_TUPLE, true);
    }
    case WF_AST_EXPR_SLICE: {
        uint32_t n = 2;
        if (slice_part(c, e->v.slice.lower, line) < 0 ||
            slice_part(c, e->v.slice.upper, line) < 0)
            return -1;
        if (e->v.slice.step != NULL) {
            if (expr(c, e->v.slice.step) < 0)
                return -1;
            n = 3;
        }
        emit(c, WF_OP_BUILD_SLICE, n, line);
        return 0;
    }
    }
    return ERR_EXPR(c, e, "invalid expression");
}

static int
expr(compiler *c, const wf_ast_expr *e)
{
    if (c->failed)
        return -1;
    if (e == NULL)
        return error_at(c, 1, 0, 1, 0, "invalid syntax tree");
    return expr_inner(c, e);
}

// ===== Functions, lambdas, classes =====

static wf_value assemble(compiler *c);

// Build the closure tuple (LOAD_FAST of the cell slots) and the function.
static int
make_closure(compiler *c, wf_value co, const unit *child_layout_owner,
             const char **frees, uint32_t nfree, uint32_t flags, int32_t line)
{
    (void)child_layout_owner;
    if (nfree > 0) {
        for (uint32_t i = 0; i < nfree; i++) {
            int32_t k = lp_find(c->u, frees[i]);
            if (k < 0)
                return error_at(c, line, 0, line, 0,
                                "internal error: no cell for '%s'", frees[i]);
            emit(c, WF_OP_LOAD_FAST, (uint32_t)k, line);
        }
        emit(c, WF_OP_BUILD_TUPLE, nfree, line);
        flags |= WF_FUNC_CLOSURE;
    }
    if (load_const(c, co, line) < 0)
        return -1;
    emit(c, WF_OP_MAKE_FUNCTION, 0, line);
    if (flags & WF_FUNC_CLOSURE)
        emit(c, WF_OP_SET_FUNCTION_ATTRIBUTE, WF_FUNC_CLOSURE, line);
    if (flags & WF_FUNC_KWDEFAULTS)
        emit(c, WF_OP_SET_FUNCTION_ATTRIBUTE, WF_FUNC_KWDEFAULTS, line);
    if (flags & WF_FUNC_DEFAULTS)
        emit(c, WF_OP_SET_FUNCTION_ATTRIBUTE, WF_FUNC_DEFAULTS, line);
    return 0;
}

static int
defaults(compiler *c, const wf_ast_arguments *a, int32_t line, uint32_t *flags)
{
    if (a->defaults.n) {
        if (exprs(c, &a->defaults) < 0)
            return -1;
        emit(c, WF_OP_BUILD_TUPLE, (uint32_t)a->defaults.n, line);
        *flags |= WF_FUNC_DEFAULTS;
    }
    uint32_t nkw = 0;
    for (size_t i = 0; i < a->kwonlyargs.n && i < a->kw_defaults.n; i++) {
        const wf_ast_expr *d = a->kw_defaults.items[i];
        if (d == NULL)
            continue;
        wf_value s = wf_str_intern(c->ts, a->kwonlyargs.items[i]->arg);
        if (s == WF_NULL)
            return runtime_failed(c);
        if (load_const(c, s, line) < 0 || expr(c, d) < 0)
            return -1;
        nkw++;
    }
    if (nkw) {
        emit(c, WF_OP_BUILD_MAP, nkw, line);
        *flags |= WF_FUNC_KWDEFAULTS;
    }
    return 0;
}

static bool
is_docstring(const wf_ast_stmt *s)
{
    return s->kind == WF_AST_STMT_EXPR &&
           s->v.expr.value->kind == WF_AST_EXPR_CONSTANT &&
           s->v.expr.value->v.constant.kind == WF_AST_CONST_STR;
}

// Everything after codegen for a unit: the implicit `return None`, the
// generator wrapper, then assembly. Leaves the unit; returns the code.
static wf_value
finish_unit(compiler *c, wf_value *frees_out_tuple, const char ***frees,
            uint32_t *nfree)
{
    wf_value co = assemble(c);
    unit *u = c->u;
    *nfree = u->nfree;
    *frees = NULL;
    (void)frees_out_tuple;
    if (co != WF_NULL && u->nfree > 0) {
        *frees = malloc(u->nfree * sizeof **frees);
        if (*frees == NULL) {
            c->failed = true;
            co = WF_NULL;
        } else {
            memcpy(*frees, u->lp + (u->nlp - u->nfree),
                   u->nfree * sizeof **frees);
        }
    }
    leave_unit(c);
    return co;
}

// The StopIteration -> RuntimeError wrapper around a generator body
// (CPython's codegen_wrap_in_stopiteration_handler): a SETUP_CLEANUP just
// before RESUME, and a handler with no line.
static int32_t
gen_wrap_begin(compiler *c)
{
    int32_t handler = newblock(c);
    if (handler < 0)
        return -1;
    wf_cfg *g = &c->u->g;
    // The entry block holds only RESUME so far: put SETUP_CLEANUP first.
    wf_cfg_insert_first(g, WF_PSEUDO_SETUP_CLEANUP, 0, NOLINE);
    if (!g->oom)
        g->blocks[0].instrs[0].target = handler;
    return handler;
}

static void
gen_wrap_end(compiler *c, int32_t handler)
{
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    useblock(c, handler);
    emit(c, WF_OP_CALL_INTRINSIC_1, WF_INTRINSIC_STOPITERATION_ERROR, NOLINE);
    emit(c, WF_OP_RERAISE, 1, NOLINE);
}

static int
function_body(compiler *c, const wf_ast_stmt *def, const wf_ast_expr *lambda,
              wf_st_entry *ste)
{
    unit *u = c->u;
    const wf_ast_arguments *a =
        def ? def->v.function_def.args : lambda->v.lambda.args;
    u->argcount = (uint32_t)(a->posonlyargs.n + a->args.n);
    u->kwonlyargcount = (uint32_t)a->kwonlyargs.n;
    u->flags = WF_CO_OPTIMIZED | WF_CO_NEWLOCALS;
    if (a->vararg)
        u->flags |= WF_CO_VARARGS;
    if (a->kwarg)
        u->flags |= WF_CO_VARKEYWORDS;
    if (u->parent && u->parent->ste->kind != WF_ST_MODULE)
        u->flags |= WF_CO_NESTED;
    int32_t handler = -1;
    if (ste->is_generator) {
        u->flags |= WF_CO_GENERATOR;
        handler = gen_wrap_begin(c);
    }
    if (def) {
        const wf_ast_stmt_seq *body = &def->v.function_def.body;
        size_t start = 0;
        if (body->n > 0 && is_docstring(body->items[0])) {
            wf_value d = const_value(c, body->items[0]->v.expr.value);
            uint32_t idx;
            if (d == WF_NULL || add_const(c, d, &idx) < 0)
                return -1;
            start = 1;
        } else {
            uint32_t idx;
            if (add_const(c, WF_NONE, &idx) < 0)
                return -1;
        }
        wf_ast_stmt_seq rest = {body->items + start, body->n - start};
        if (stmts(c, &rest) < 0)
            return -1;
        if (load_const(c, WF_NONE, NOLINE) < 0)
            return -1;
        emit(c, WF_OP_RETURN_VALUE, 0, NOLINE);
    } else {
        const wf_ast_expr *body = lambda->v.lambda.body;
        if (expr(c, body) < 0)
            return -1;
        if (ste->is_generator) {
            emit(c, WF_OP_POP_TOP, 0, NOLINE);
            if (load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
        }
        emit(c, WF_OP_RETURN_VALUE, 0, body->lineno);
    }
    if (handler >= 0)
        gen_wrap_end(c, handler);
    return 0;
}

static int
make_function(compiler *c, const wf_ast_stmt *def, const wf_ast_expr *lambda)
{
    const wf_ast_arguments *a =
        def ? def->v.function_def.args : lambda->v.lambda.args;
    int32_t line = def ? def->lineno : lambda->lineno;
    uint32_t flags = 0;
    if (a->posonlyargs.n + a->args.n + a->kwonlyargs.n > 0xFFFF)
        return error_at(c, line, 0, line, 0, "too many arguments");
    if (defaults(c, a, line, &flags) < 0)
        return -1;
    const void *node = def ? (const void *)def : (const void *)lambda;
    wf_st_entry *ste = wf_symtable_child(c->u->cur, node);
    const char *name = def ? def->v.function_def.name : "<lambda>";
    if (enter_unit(c, ste, name, line) < 0)
        return -1;
    if (function_body(c, def, lambda, ste) < 0) {
        leave_unit(c);
        return -1;
    }
    const char **frees;
    uint32_t nfree;
    wf_value co = finish_unit(c, NULL, &frees, &nfree);
    if (co == WF_NULL)
        return -1;
    int rc = make_closure(c, co, NULL, frees, nfree, flags, line);
    free(frees);
    if (rc < 0)
        return -1;
    if (def)
        nameop(c, def->v.function_def.name, WF_AST_STORE, line);
    return 0;
}

static int
class_def(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    if (s->v.class_def.bases.n > 1)
        return ERR_STMT(c, s->v.class_def.bases.items[1],
                        "multiple inheritance is not supported by Weft");
    if (s->v.class_def.keywords.n > 0)
        return error_at(c, s->v.class_def.keywords.items[0]->lineno,
                        s->v.class_def.keywords.items[0]->col_offset,
                        s->v.class_def.keywords.items[0]->end_lineno,
                        s->v.class_def.keywords.items[0]->end_col_offset,
                        "class keywords (metaclasses) are not supported by "
                        "Weft");
    if (s->v.class_def.bases.n == 1 &&
        s->v.class_def.bases.items[0]->kind == WF_AST_EXPR_STARRED)
        return ERR_STMT(c, s->v.class_def.bases.items[0],
                        "starred class bases are not supported by Weft");
    wf_st_entry *ste = wf_symtable_child(c->u->cur, s);
    if (enter_unit(c, ste, s->v.class_def.name, line) < 0)
        return -1;
    unit *u = c->u;
    u->flags = WF_CO_CLASS;
    nameop(c, "__name__", WF_AST_LOAD, line);
    nameop(c, "__module__", WF_AST_STORE, line);
    wf_value q = wf_str_from_cstr(c->ts, u->qualname);
    if (q == WF_NULL) {
        leave_unit(c);
        return runtime_failed(c);
    }
    if (load_const(c, q, line) < 0) {
        leave_unit(c);
        return -1;
    }
    nameop(c, "__qualname__", WF_AST_STORE, line);
    if (load_const(c, wf_val_from_int(line), line) < 0) {
        leave_unit(c);
        return -1;
    }
    nameop(c, "__firstlineno__", WF_AST_STORE, line);
    const wf_ast_stmt_seq *body = &s->v.class_def.body;
    size_t start = 0;
    if (body->n > 0 && is_docstring(body->items[0])) {
        const wf_ast_expr *d = body->items[0]->v.expr.value;
        wf_value v = const_value(c, d);
        if (v == WF_NULL || load_const(c, v, d->lineno) < 0) {
            leave_unit(c);
            return -1;
        }
        nameop(c, "__doc__", WF_AST_STORE, d->lineno);
        start = 1;
    }
    wf_ast_stmt_seq rest = {body->items + start, body->n - start};
    if (stmts(c, &rest) < 0) {
        leave_unit(c);
        return -1;
    }
    if (load_const(c, WF_NONE, NOLINE) < 0) {
        leave_unit(c);
        return -1;
    }
    emit(c, WF_OP_RETURN_VALUE, 0, NOLINE);
    const char **frees;
    uint32_t nfree;
    wf_value co = finish_unit(c, NULL, &frees, &nfree);
    if (co == WF_NULL)
        return -1;
    emit(c, WF_OP_LOAD_BUILD_CLASS, 0, line);
    emit(c, WF_OP_PUSH_NULL, 0, line);
    int rc = make_closure(c, co, NULL, frees, nfree, 0, line);
    free(frees);
    if (rc < 0)
        return -1;
    wf_value name = wf_str_from_cstr(c->ts, s->v.class_def.name);
    if (name == WF_NULL)
        return runtime_failed(c);
    if (load_const(c, name, line) < 0)
        return -1;
    wf_ast_keyword_seq nokw = {NULL, 0};
    if (call_helper(c, line, 2, &s->v.class_def.bases, &nokw) < 0)
        return -1;
    nameop(c, s->v.class_def.name, WF_AST_STORE, line);
    return 0;
}

// ===== Comprehensions =====

static int
comp_generator(compiler *c, const wf_ast_expr *e,
               const wf_ast_comprehension_seq *gens, size_t gi, int depth,
               const wf_ast_expr *elt, const wf_ast_expr *val, bool genexp)
{
    const wf_ast_comprehension *g = gens->items[gi];
    int32_t start = newblock(c), if_cleanup = newblock(c),
            anchor = newblock(c);
    int32_t iline = g->iter->lineno;
    if (gi == 0) {
        if (genexp)
            emit(c, WF_OP_LOAD_FAST, 0, e->lineno);
        // else: the iterator is already on the stack
    } else {
        if (expr(c, g->iter) < 0)
            return -1;
    }
    depth++;
    if (gi > 0)
        emit(c, WF_OP_GET_ITER, 0, iline);
    useblock(c, start);
    emit_jump(c, WF_OP_FOR_ITER, anchor, iline);
    if (expr(c, g->target) < 0)
        return -1;
    for (size_t i = 0; i < g->ifs.n; i++)
        if (jump_if(c, g->ifs.items[i], if_cleanup, false) < 0)
            return -1;
    int32_t elt_line = elt->lineno;
    if (gi + 1 < gens->n) {
        if (comp_generator(c, e, gens, gi + 1, depth, elt, val, genexp) < 0)
            return -1;
    } else {
        if (expr(c, elt) < 0)
            return -1;
        switch (e->kind) {
        case WF_AST_EXPR_GENERATOR_EXP:
            emit(c, WF_OP_YIELD_VALUE, 0, elt_line);
            emit(c, WF_OP_RESUME, WF_RESUME_AFTER_YIELD, elt_line);
            emit(c, WF_OP_POP_TOP, 0, elt_line);
            break;
        case WF_AST_EXPR_LIST_COMP:
            emit(c, WF_OP_LIST_APPEND, (uint32_t)depth + 1, elt_line);
            break;
        case WF_AST_EXPR_SET_COMP:
            emit(c, WF_OP_SET_ADD, (uint32_t)depth + 1, elt_line);
            break;
        default:
            if (expr(c, val) < 0)
                return -1;
            emit(c, WF_OP_MAP_ADD, (uint32_t)depth + 1, elt_line);
            break;
        }
    }
    useblock(c, if_cleanup);
    emit_jump(c, WF_PSEUDO_JUMP, start, elt_line);
    useblock(c, anchor);
    emit(c, WF_OP_END_FOR, 0, NOLINE);
    emit(c, WF_OP_POP_ITER, 0, NOLINE);
    return 0;
}

static void
comp_parts(const wf_ast_expr *e, const wf_ast_comprehension_seq **gens,
           const wf_ast_expr **elt, const wf_ast_expr **val)
{
    *val = NULL;
    switch (e->kind) {
    case WF_AST_EXPR_LIST_COMP:
        *gens = &e->v.list_comp.generators;
        *elt = e->v.list_comp.elt;
        break;
    case WF_AST_EXPR_SET_COMP:
        *gens = &e->v.set_comp.generators;
        *elt = e->v.set_comp.elt;
        break;
    case WF_AST_EXPR_DICT_COMP:
        *gens = &e->v.dict_comp.generators;
        *elt = e->v.dict_comp.key;
        *val = e->v.dict_comp.value;
        break;
    default:
        *gens = &e->v.generator_exp.generators;
        *elt = e->v.generator_exp.elt;
        break;
    }
}

static int
comprehension(compiler *c, const wf_ast_expr *e)
{
    const wf_ast_comprehension_seq *gens;
    const wf_ast_expr *elt, *val;
    comp_parts(e, &gens, &elt, &val);
    int32_t line = e->lineno;
    if (gens->n == 0)
        return ERR_EXPR(c, e, "invalid comprehension");
    wf_st_entry *ste = wf_symtable_child(c->u->cur, e);
    if (ste == NULL)
        return ERR_EXPR(c, e, "internal error: no comprehension scope");
    if (e->kind == WF_AST_EXPR_GENERATOR_EXP) {
        // A real generator function called with the outermost iterator.
        if (enter_unit(c, ste, "<genexpr>", line) < 0)
            return -1;
        unit *u = c->u;
        u->argcount = 1;
        u->flags = WF_CO_OPTIMIZED | WF_CO_NEWLOCALS | WF_CO_GENERATOR;
        if (u->parent && u->parent->ste->kind != WF_ST_MODULE)
            u->flags |= WF_CO_NESTED;
        int32_t handler = gen_wrap_begin(c);
        if (comp_generator(c, e, gens, 0, 0, elt, val, true) < 0 ||
            load_const(c, WF_NONE, NOLINE) < 0) {
            leave_unit(c);
            return -1;
        }
        emit(c, WF_OP_RETURN_VALUE, 0, NOLINE);
        gen_wrap_end(c, handler);
        const char **frees;
        uint32_t nfree;
        wf_value co = finish_unit(c, NULL, &frees, &nfree);
        if (co == WF_NULL)
            return -1;
        int rc = make_closure(c, co, NULL, frees, nfree, 0, line);
        free(frees);
        if (rc < 0 || expr(c, gens->items[0]->iter) < 0)
            return -1;
        emit(c, WF_OP_GET_ITER, 0, line);
        emit(c, WF_OP_CALL, 0, line);
        return 0;
    }
    // Inlined (PEP 709): save the comprehension's own names, iterate in
    // this frame, restore them.
    if (expr(c, gens->items[0]->iter) < 0)
        return -1;
    emit(c, WF_OP_GET_ITER, 0, gens->items[0]->iter->lineno);
    unit *u = c->u;
    uint32_t npushed = 0;
    int32_t *pushed = malloc((ste->nsyms + 1) * sizeof *pushed);
    if (pushed == NULL) {
        c->failed = true;
        return -1;
    }
    for (size_t i = 0; i < ste->nsyms; i++) {
        const wf_st_sym *s = &ste->syms[i];
        if (s->scope != WF_SC_LOCAL && s->scope != WF_SC_CELL)
            continue;
        int32_t k = lp_find(u, s->name);
        if (k < 0)
            continue;
        emit(c, WF_OP_LOAD_FAST_AND_CLEAR, (uint32_t)k, line);
        if (u->lpkinds[k] & WF_LOCAL_CELL)
            emit(c, WF_OP_MAKE_CELL, (uint32_t)k, line);
        pushed[npushed++] = k;
    }
    int32_t cleanup = -1, end = -1;
    if (npushed) {
        emit(c, WF_OP_SWAP, npushed + 1, line);
        cleanup = newblock(c);
        end = newblock(c);
        wf_cfg_emit(&u->g, WF_PSEUDO_SETUP_FINALLY, 0, cleanup, line);
    }
    emit(c,
         e->kind == WF_AST_EXPR_LIST_COMP  ? WF_OP_BUILD_LIST
         : e->kind == WF_AST_EXPR_SET_COMP ? WF_OP_BUILD_SET
                                           : WF_OP_BUILD_MAP,
         0, line);
    emit(c, WF_OP_SWAP, 2, line);
    wf_st_entry *saved = u->cur;
    u->cur = ste;
    int rc = comp_generator(c, e, gens, 0, 0, elt, val, false);
    u->cur = saved;
    if (rc < 0) {
        free(pushed);
        return -1;
    }
    if (npushed) {
        emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
        emit_jump(c, WF_PSEUDO_JUMP_NO_INTERRUPT, end, NOLINE);
        useblock(c, cleanup);
        emit(c, WF_OP_SWAP, 2, NOLINE);
        emit(c, WF_OP_POP_TOP, 0, NOLINE);
        emit(c, WF_OP_SWAP, npushed + 1, line);
        for (uint32_t i = npushed; i-- > 0;)
            emit(c, WF_OP_STORE_FAST, (uint32_t)pushed[i], line);
        emit(c, WF_OP_RERAISE, 0, NOLINE);
        useblock(c, end);
        emit(c, WF_OP_SWAP, npushed + 1, line);
        for (uint32_t i = npushed; i-- > 0;)
            emit(c, WF_OP_STORE_FAST, (uint32_t)pushed[i], line);
    }
    free(pushed);
    return 0;
}

// ===== Statements =====

static int
push_fblock(compiler *c, const wf_ast_stmt *s, fb_kind kind, int32_t block,
            int32_t exit, const wf_ast_stmt_seq *finalbody, const char *name)
{
    unit *u = c->u;
    if (u->nfb >= MAX_FBLOCKS)
        return ERR_STMT(c, s, "too many statically nested blocks");
    fblock *f = &u->fb[u->nfb++];
    f->kind = kind;
    f->block = block;
    f->exit = exit;
    f->finalbody = finalbody;
    f->name = name;
    f->line = s->lineno;
    return 0;
}

static void
pop_fblock(compiler *c)
{
    c->u->nfb--;
}

static void
call_exit_with_nones(compiler *c, int32_t line)
{
    uint32_t i;
    if (add_const(c, WF_NONE, &i) < 0)
        return;
    emit(c, WF_OP_LOAD_CONST, i, line);
    emit(c, WF_OP_LOAD_CONST, i, line);
    emit(c, WF_OP_LOAD_CONST, i, line);
    emit(c, WF_OP_CALL, 3, line);
}

// Emit the exit code of fblock [f] for a return/break/continue leaving it
// (CPython's codegen_unwind_fblock). [*line] may become artificial.
static int
unwind_fblock(compiler *c, fblock *f, int32_t *line, bool preserve_tos)
{
    switch (f->kind) {
    case FB_WHILE_LOOP:
    case FB_EXCEPTION_HANDLER:
    case FB_STOP_ITERATION:
        return 0;
    case FB_FOR_LOOP:
        if (preserve_tos)
            emit(c, WF_OP_SWAP, 2, *line);
        emit(c, WF_OP_POP_TOP, 0, *line);
        return 0;
    case FB_TRY_EXCEPT:
        emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        return 0;
    case FB_FINALLY_TRY: {
        emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        // The finally body runs with the fblock popped (by the caller).
        fblock saved = *f;
        if (preserve_tos) {
            unit *u = c->u;
            if (u->nfb >= MAX_FBLOCKS)
                return error_at(c, *line, 0, *line, 0,
                                "too many statically nested blocks");
            fblock *pv = &u->fb[u->nfb++];
            pv->kind = FB_POP_VALUE;
            pv->line = *line;
        }
        int rc = stmts(c, saved.finalbody);
        if (preserve_tos)
            c->u->nfb--;
        *line = NOLINE;
        return rc;
    }
    case FB_FINALLY_END:
        if (preserve_tos)
            emit(c, WF_OP_SWAP, 2, *line);
        emit(c, WF_OP_POP_TOP, 0, *line);
        if (preserve_tos)
            emit(c, WF_OP_SWAP, 2, *line);
        emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        emit(c, WF_OP_POP_EXCEPT, 0, *line);
        return 0;
    case FB_WITH:
        *line = f->line;
        emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        if (preserve_tos) {
            emit(c, WF_OP_SWAP, 3, *line);
            emit(c, WF_OP_SWAP, 2, *line);
        }
        call_exit_with_nones(c, *line);
        emit(c, WF_OP_POP_TOP, 0, *line);
        *line = NOLINE;
        return 0;
    case FB_HANDLER_CLEANUP:
        if (f->name)
            emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        if (preserve_tos)
            emit(c, WF_OP_SWAP, 2, *line);
        emit(c, WF_PSEUDO_POP_BLOCK, 0, *line);
        emit(c, WF_OP_POP_EXCEPT, 0, *line);
        if (f->name) {
            if (load_const(c, WF_NONE, *line) < 0)
                return -1;
            nameop(c, f->name, WF_AST_STORE, *line);
            nameop(c, f->name, WF_AST_DEL, *line);
        }
        return 0;
    case FB_POP_VALUE:
        if (preserve_tos)
            emit(c, WF_OP_SWAP, 2, *line);
        emit(c, WF_OP_POP_TOP, 0, *line);
        return 0;
    }
    return 0;
}

// Unwind fblocks from the top until a loop ([loop] set to it) or all of
// them ([loop] NULL).
static int
unwind_fblock_stack(compiler *c, int32_t *line, bool preserve_tos,
                    fblock **loop)
{
    unit *u = c->u;
    if (u->nfb == 0)
        return 0;
    fblock top = u->fb[u->nfb - 1];
    if (loop != NULL &&
        (top.kind == FB_WHILE_LOOP || top.kind == FB_FOR_LOOP)) {
        *loop = &u->fb[u->nfb - 1];
        return 0;
    }
    u->nfb--;
    int rc = unwind_fblock(c, &top, line, preserve_tos);
    if (rc == 0)
        rc = unwind_fblock_stack(c, line, preserve_tos, loop);
    u->fb[u->nfb++] = top;
    return rc;
}

static int
return_stmt(compiler *c, const wf_ast_stmt *s)
{
    unit *u = c->u;
    if (!u->is_function)
        return ERR_STMT(c, s, "'return' outside function");
    const wf_ast_expr *v = s->v.return_.value;
    bool preserve_tos = v != NULL && v->kind != WF_AST_EXPR_CONSTANT;
    int32_t line = s->lineno;
    if (preserve_tos) {
        if (expr(c, v) < 0)
            return -1;
    } else if (v != NULL) {
        emit(c, WF_OP_NOP, 0, v->lineno);
    }
    if (v == NULL || v->lineno != s->lineno)
        emit(c, WF_OP_NOP, 0, s->lineno);
    if (unwind_fblock_stack(c, &line, preserve_tos, NULL) < 0)
        return -1;
    if (v == NULL) {
        if (load_const(c, WF_NONE, line) < 0)
            return -1;
    } else if (!preserve_tos) {
        wf_value k = const_value(c, v);
        if (k == WF_NULL || load_const(c, k, line) < 0)
            return -1;
    }
    emit(c, WF_OP_RETURN_VALUE, 0, line);
    return 0;
}

static int
break_continue(compiler *c, const wf_ast_stmt *s, bool is_break)
{
    int32_t line = s->lineno;
    fblock *loop = NULL;
    emit(c, WF_OP_NOP, 0, line);
    if (unwind_fblock_stack(c, &line, false, &loop) < 0)
        return -1;
    if (loop == NULL)
        return ERR_STMT(c, s, is_break ? "'break' outside loop"
                                       : "'continue' not properly in loop");
    if (is_break) {
        fblock copy = *loop;
        if (unwind_fblock(c, &copy, &line, false) < 0)
            return -1;
        emit_jump(c, WF_PSEUDO_JUMP, loop->exit, line);
    } else {
        emit_jump(c, WF_PSEUDO_JUMP, loop->block, line);
    }
    return 0;
}

static int
if_stmt(compiler *c, const wf_ast_stmt *s)
{
    int32_t end = newblock(c), next = end;
    bool has_else = s->v.if_.orelse.n > 0;
    if (has_else)
        next = newblock(c);
    if (jump_if(c, s->v.if_.test, next, false) < 0 ||
        stmts(c, &s->v.if_.body) < 0)
        return -1;
    if (has_else) {
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next);
        if (stmts(c, &s->v.if_.orelse) < 0)
            return -1;
    }
    useblock(c, end);
    return 0;
}

static int
while_stmt(compiler *c, const wf_ast_stmt *s)
{
    int32_t loop = newblock(c), end = newblock(c), anchor = newblock(c);
    useblock(c, loop);
    if (push_fblock(c, s, FB_WHILE_LOOP, loop, end, NULL, NULL) < 0)
        return -1;
    if (jump_if(c, s->v.while_.test, anchor, false) < 0 ||
        stmts(c, &s->v.while_.body) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, loop, NOLINE);
    pop_fblock(c);
    useblock(c, anchor);
    if (stmts(c, &s->v.while_.orelse) < 0)
        return -1;
    useblock(c, end);
    return 0;
}

static int
for_stmt(compiler *c, const wf_ast_stmt *s)
{
    int32_t start = newblock(c), body = newblock(c), cleanup = newblock(c),
            end = newblock(c);
    if (push_fblock(c, s, FB_FOR_LOOP, start, end, NULL, NULL) < 0 ||
        expr(c, s->v.for_.iter) < 0)
        return -1;
    int32_t iline = s->v.for_.iter->lineno;
    emit(c, WF_OP_GET_ITER, 0, iline);
    useblock(c, start);
    emit_jump(c, WF_OP_FOR_ITER, cleanup, iline);
    // A NOP so a multi-line `for` reports the target's line.
    emit(c, WF_OP_NOP, 0, s->v.for_.target->lineno);
    useblock(c, body);
    if (expr(c, s->v.for_.target) < 0 || stmts(c, &s->v.for_.body) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, start, NOLINE);
    useblock(c, cleanup);
    emit(c, WF_OP_END_FOR, 0, NOLINE);
    emit(c, WF_OP_POP_ITER, 0, NOLINE);
    pop_fblock(c);
    if (stmts(c, &s->v.for_.orelse) < 0)
        return -1;
    useblock(c, end);
    return 0;
}

// COPY 3; POP_EXCEPT; RERAISE 1 -- artificial.
static void
pop_except_and_reraise(compiler *c)
{
    emit(c, WF_OP_COPY, 3, NOLINE);
    emit(c, WF_OP_POP_EXCEPT, 0, NOLINE);
    emit(c, WF_OP_RERAISE, 1, NOLINE);
}

static int
try_except(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    int32_t body = newblock(c), except = newblock(c), end = newblock(c),
            cleanup = newblock(c);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_FINALLY, 0, except, line);
    useblock(c, body);
    if (push_fblock(c, s, FB_TRY_EXCEPT, body, -1, NULL, NULL) < 0 ||
        stmts(c, &s->v.try_.body) < 0)
        return -1;
    pop_fblock(c);
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    if (stmts(c, &s->v.try_.orelse) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
    size_t n = s->v.try_.handlers.n;
    useblock(c, except);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup, NOLINE);
    emit(c, WF_OP_PUSH_EXC_INFO, 0, NOLINE);
    if (push_fblock(c, s, FB_EXCEPTION_HANDLER, -1, -1, NULL, NULL) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const wf_ast_excepthandler *h = s->v.try_.handlers.items[i];
        int32_t hline = h->lineno;
        if (h->type == NULL && i + 1 < n)
            return error_at(c, h->lineno, h->col_offset, h->end_lineno,
                            h->end_col_offset,
                            "default 'except:' must be last");
        int32_t next_except = newblock(c);
        if (h->type != NULL) {
            if (expr(c, h->type) < 0)
                return -1;
            emit(c, WF_OP_CHECK_EXC_MATCH, 0, hline);
            emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, next_except, hline);
        }
        wf_ast_stmt fake = *s;
        fake.lineno = hline;
        if (h->name != NULL) {
            int32_t cleanup_end = newblock(c), cleanup_body = newblock(c);
            nameop(c, h->name, WF_AST_STORE, hline);
            wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup_end,
                        hline);
            useblock(c, cleanup_body);
            if (push_fblock(c, &fake, FB_HANDLER_CLEANUP, cleanup_body, -1,
                            NULL, h->name) < 0 ||
                stmts(c, &h->body) < 0)
                return -1;
            pop_fblock(c);
            emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
            emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
            emit(c, WF_OP_POP_EXCEPT, 0, NOLINE);
            if (load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
            nameop(c, h->name, WF_AST_STORE, NOLINE);
            nameop(c, h->name, WF_AST_DEL, NOLINE);
            emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
            useblock(c, cleanup_end);
            if (load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
            nameop(c, h->name, WF_AST_STORE, NOLINE);
            nameop(c, h->name, WF_AST_DEL, NOLINE);
            emit(c, WF_OP_RERAISE, 1, NOLINE);
        } else {
            int32_t cleanup_body = newblock(c);
            emit(c, WF_OP_POP_TOP, 0, hline);
            useblock(c, cleanup_body);
            if (push_fblock(c, &fake, FB_HANDLER_CLEANUP, cleanup_body, -1,
                            NULL, NULL) < 0 ||
                stmts(c, &h->body) < 0)
                return -1;
            pop_fblock(c);
            emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
            emit(c, WF_OP_POP_EXCEPT, 0, NOLINE);
            emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        }
        useblock(c, next_except);
    }
    pop_fblock(c);
    emit(c, WF_OP_RERAISE, 0, NOLINE);
    useblock(c, cleanup);
    pop_except_and_reraise(c);
    useblock(c, end);
    return 0;
}

static int
try_finally(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    int32_t body = newblock(c), end = newblock(c), exit = newblock(c),
            cleanup = newblock(c);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_FINALLY, 0, end, line);
    useblock(c, body);
    if (push_fblock(c, s, FB_FINALLY_TRY, body, end, &s->v.try_.finalbody,
                    NULL) < 0)
        return -1;
    if (s->v.try_.handlers.n > 0) {
        if (try_except(c, s) < 0)
            return -1;
    } else if (stmts(c, &s->v.try_.body) < 0) {
        return -1;
    }
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    pop_fblock(c);
    if (stmts(c, &s->v.try_.finalbody) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, exit, NOLINE);
    useblock(c, end);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup, NOLINE);
    emit(c, WF_OP_PUSH_EXC_INFO, 0, NOLINE);
    if (push_fblock(c, s, FB_FINALLY_END, end, -1, NULL, NULL) < 0 ||
        stmts(c, &s->v.try_.finalbody) < 0)
        return -1;
    pop_fblock(c);
    emit(c, WF_OP_RERAISE, 0, NOLINE);
    useblock(c, cleanup);
    pop_except_and_reraise(c);
    useblock(c, exit);
    return 0;
}

static int
with_inner(compiler *c, const wf_ast_stmt *s, size_t pos)
{
    const wf_ast_withitem *item = s->v.with.items.items[pos];
    int32_t line = s->lineno;
    int32_t block = newblock(c), final = newblock(c), exit = newblock(c),
            cleanup = newblock(c), suppress = newblock(c),
            exit2 = newblock(c);
    if (expr(c, item->context_expr) < 0)
        return -1;
    emit(c, WF_OP_COPY, 1, line);
    emit(c, WF_OP_LOAD_SPECIAL, WF_SPECIAL_EXIT, line);
    emit(c, WF_OP_SWAP, 2, line);
    emit(c, WF_OP_SWAP, 3, line);
    emit(c, WF_OP_LOAD_SPECIAL, WF_SPECIAL_ENTER, line);
    emit(c, WF_OP_CALL, 0, line);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_WITH, 0, final, line);
    useblock(c, block);
    if (push_fblock(c, s, FB_WITH, block, final, NULL, NULL) < 0)
        return -1;
    if (item->optional_vars != NULL) {
        if (expr(c, item->optional_vars) < 0)
            return -1;
    } else {
        emit(c, WF_OP_POP_TOP, 0, line);
    }
    if (pos + 1 == s->v.with.items.n) {
        if (stmts(c, &s->v.with.body) < 0)
            return -1;
    } else if (with_inner(c, s, pos + 1) < 0) {
        return -1;
    }
    pop_fblock(c);
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    call_exit_with_nones(c, line);
    emit(c, WF_OP_POP_TOP, 0, line);
    emit_jump(c, WF_PSEUDO_JUMP, exit, line);
    useblock(c, final);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup, line);
    emit(c, WF_OP_PUSH_EXC_INFO, 0, line);
    emit(c, WF_OP_WITH_EXCEPT_START, 0, line);
    emit_jump(c, WF_OP_POP_JUMP_IF_TRUE, suppress, NOLINE);
    emit(c, WF_OP_RERAISE, 2, NOLINE);
    useblock(c, suppress);
    emit(c, WF_OP_POP_TOP, 0, NOLINE);
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    emit(c, WF_OP_POP_EXCEPT, 0, NOLINE);
    emit(c, WF_OP_POP_TOP, 0, NOLINE);
    emit(c, WF_OP_POP_TOP, 0, NOLINE);
    emit(c, WF_OP_POP_TOP, 0, NOLINE);
    emit_jump(c, WF_PSEUDO_JUMP_NO_INTERRUPT, exit2, NOLINE);
    useblock(c, cleanup);
    pop_except_and_reraise(c);
    useblock(c, exit2);
    useblock(c, exit);
    return 0;
}

static int
aug_assign(compiler *c, const wf_ast_stmt *s)
{
    const wf_ast_expr *t = s->v.aug_assign.target;
    int32_t tline = t->lineno;
    switch (t->kind) {
    case WF_AST_EXPR_ATTRIBUTE:
        if (expr(c, t->v.attribute.value) < 0)
            return -1;
        emit(c, WF_OP_COPY, 1, tline);
        emit(c, WF_OP_LOAD_ATTR, add_name(c, t->v.attribute.attr) << 1,
             attr_line(t, tline));
        break;
    case WF_AST_EXPR_SUBSCRIPT:
        if (expr(c, t->v.subscript.value) < 0)
            return -1;
        if (is_two_element_slice(t->v.subscript.slice)) {
            if (slice_two_parts(c, t->v.subscript.slice) < 0)
                return -1;
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_BINARY_SLICE, 0, tline);
        } else {
            if (expr(c, t->v.subscript.slice) < 0)
                return -1;
            emit(c, WF_OP_COPY, 2, tline);
            emit(c, WF_OP_COPY, 2, tline);
            emit(c, WF_OP_BINARY_SUBSCR, 0, tline);
        }
        break;
    case WF_AST_EXPR_NAME:
        nameop(c, t->v.name.id, WF_AST_LOAD, tline);
        break;
    default:
        return ERR_EXPR(c, t, "'%s' is an illegal expression for augmented "
                              "assignment",
                        t->kind == WF_AST_EXPR_TUPLE ? "tuple"
                        : t->kind == WF_AST_EXPR_LIST ? "list"
                                                      : "expression");
    }
    if (expr(c, s->v.aug_assign.value) < 0)
        return -1;
    emit(c, WF_OP_BINARY_OP, binop_arg(s->v.aug_assign.op, true), s->lineno);
    switch (t->kind) {
    case WF_AST_EXPR_ATTRIBUTE: {
        int32_t aline = attr_line(t, tline);
        emit(c, WF_OP_SWAP, 2, aline);
        emit(c, WF_OP_STORE_ATTR, add_name(c, t->v.attribute.attr), aline);
        break;
    }
    case WF_AST_EXPR_SUBSCRIPT:
        if (is_two_element_slice(t->v.subscript.slice)) {
            emit(c, WF_OP_SWAP, 4, tline);
            emit(c, WF_OP_SWAP, 3, tline);
            emit(c, WF_OP_SWAP, 2, tline);
            emit(c, WF_OP_STORE_SLICE, 0, tline);
        } else {
            emit(c, WF_OP_SWAP, 3, tline);
            emit(c, WF_OP_SWAP, 2, tline);
            emit(c, WF_OP_STORE_SUBSCR, 0, tline);
        }
        break;
    default:
        nameop(c, t->v.name.id, WF_AST_STORE, tline);
        break;
    }
    return 0;
}

static int
import_stmt(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    for (size_t i = 0; i < s->v.import.names.n; i++) {
        const wf_ast_alias *a = s->v.import.names.items[i];
        if (load_const(c, wf_val_from_int(0), line) < 0 ||
            load_const(c, WF_NONE, line) < 0)
            return -1;
        emit(c, WF_OP_IMPORT_NAME, add_name(c, a->name), line);
        if (a->asname != NULL) {
            // `import a.b.c as d`: walk the attributes.
            const char *dot = strchr(a->name, '.');
            while (dot != NULL) {
                const char *next = strchr(dot + 1, '.');
                size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
                wf_value part = wf_str_intern_n(c->ts, dot + 1, len);
                if (part == WF_NULL)
                    return runtime_failed(c);
                // The name table holds C strings: use the interned copy.
                emit(c, WF_OP_IMPORT_FROM, add_name(c, wf_str_cstr(part)),
                     line);
                emit(c, WF_OP_SWAP, 2, line);
                emit(c, WF_OP_POP_TOP, 0, line);
                dot = next;
            }
            nameop(c, a->asname, WF_AST_STORE, line);
        } else {
            const char *dot = strchr(a->name, '.');
            if (dot == NULL) {
                nameop(c, a->name, WF_AST_STORE, line);
            } else {
                wf_value first = wf_str_intern_n(c->ts, a->name,
                                                 (size_t)(dot - a->name));
                if (first == WF_NULL)
                    return runtime_failed(c);
                nameop(c, wf_str_cstr(first), WF_AST_STORE, line);
            }
        }
    }
    return 0;
}

static int
import_from(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    size_t n = s->v.import_from.names.n;
    wf_value *names = malloc((n + 1) * sizeof *names);
    if (names == NULL) {
        wf_err_no_memory(c->ts);
        return runtime_failed(c);
    }
    for (size_t i = 0; i < n; i++) {
        const wf_ast_alias *a = s->v.import_from.names.items[i];
        if (strcmp(a->name, "*") == 0) {
            free(names);
            return ERR_STMT(c, s, "'import *' is not supported by Weft");
        }
        names[i] = wf_str_intern(c->ts, a->name);
        if (names[i] == WF_NULL) {
            free(names);
            return runtime_failed(c);
        }
    }
    wf_value t = wf_tuple_from_array(c->ts, names, n);
    free(names);
    if (t == WF_NULL)
        return runtime_failed(c);
    if (load_const(c, wf_val_from_int(s->v.import_from.level), line) < 0 ||
        load_const(c, t, line) < 0)
        return -1;
    const char *mod = s->v.import_from.module ? s->v.import_from.module : "";
    emit(c, WF_OP_IMPORT_NAME, add_name(c, mod), line);
    for (size_t i = 0; i < n; i++) {
        const wf_ast_alias *a = s->v.import_from.names.items[i];
        emit(c, WF_OP_IMPORT_FROM, add_name(c, a->name), line);
        nameop(c, a->asname ? a->asname : a->name, WF_AST_STORE, line);
    }
    emit(c, WF_OP_POP_TOP, 0, line);
    return 0;
}

static int
stmt(compiler *c, const wf_ast_stmt *s)
{
    if (c->failed)
        return -1;
    int32_t line = s->lineno;
    switch (s->kind) {
    case WF_AST_STMT_FUNCTION_DEF:
        return make_function(c, s, NULL);
    case WF_AST_STMT_CLASS_DEF:
        return class_def(c, s);
    case WF_AST_STMT_RETURN:
        return return_stmt(c, s);
    case WF_AST_STMT_DELETE:
        for (size_t i = 0; i < s->v.delete_.targets.n; i++)
            if (expr(c, s->v.delete_.targets.items[i]) < 0)
                return -1;
        return 0;
    case WF_AST_STMT_ASSIGN: {
        size_t n = s->v.assign.targets.n;
        if (expr(c, s->v.assign.value) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (i + 1 < n)
                emit(c, WF_OP_COPY, 1, line);
            if (expr(c, s->v.assign.targets.items[i]) < 0)
                return -1;
        }
        return 0;
    }
    case WF_AST_STMT_AUG_ASSIGN:
        return aug_assign(c, s);
    case WF_AST_STMT_ANN_ASSIGN:
        if (s->v.ann_assign.value != NULL) {
            if (expr(c, s->v.ann_assign.value) < 0 ||
                expr(c, s->v.ann_assign.target) < 0)
                return -1;
        }
        return 0;
    case WF_AST_STMT_FOR:
        return for_stmt(c, s);
    case WF_AST_STMT_WHILE:
        return while_stmt(c, s);
    case WF_AST_STMT_IF:
        return if_stmt(c, s);
    case WF_AST_STMT_WITH:
        if (s->v.with.items.n == 0)
            return ERR_STMT(c, s, "invalid syntax");
        return with_inner(c, s, 0);
    case WF_AST_STMT_RAISE: {
        uint32_t n = 0;
        if (s->v.raise.exc != NULL) {
            if (expr(c, s->v.raise.exc) < 0)
                return -1;
            n++;
            if (s->v.raise.cause != NULL) {
                if (expr(c, s->v.raise.cause) < 0)
                    return -1;
                n++;
            }
        }
        emit(c, WF_OP_RAISE_VARARGS, n, line);
        return 0;
    }
    case WF_AST_STMT_TRY:
        if (s->v.try_.finalbody.n > 0)
            return try_finally(c, s);
        return try_except(c, s);
    case WF_AST_STMT_ASSERT: {
        int32_t end = newblock(c);
        if (jump_if(c, s->v.assert_.test, end, true) < 0)
            return -1;
        emit(c, WF_OP_LOAD_COMMON_CONSTANT, WF_COMMON_ASSERTION_ERROR, line);
        if (s->v.assert_.msg != NULL) {
            if (expr(c, s->v.assert_.msg) < 0)
                return -1;
            emit(c, WF_OP_CALL, 0, line);
        }
        emit(c, WF_OP_RAISE_VARARGS, 1, s->v.assert_.test->lineno);
        useblock(c, end);
        return 0;
    }
    case WF_AST_STMT_IMPORT:
        return import_stmt(c, s);
    case WF_AST_STMT_IMPORT_FROM:
        return import_from(c, s);
    case WF_AST_STMT_GLOBAL:
    case WF_AST_STMT_NONLOCAL:
        return 0;
    case WF_AST_STMT_EXPR: {
        const wf_ast_expr *v = s->v.expr.value;
        if (v->kind == WF_AST_EXPR_CONSTANT) {
            if (v->v.constant.kind == WF_AST_CONST_BYTES)
                return ERR_EXPR(c, v, "bytes literals are not supported by "
                                      "Weft");
            emit(c, WF_OP_NOP, 0, line);
            return 0;
        }
        if (expr(c, v) < 0)
            return -1;
        emit(c, WF_OP_POP_TOP, 0, NOLINE);
        return 0;
    }
    case WF_AST_STMT_PASS:
        emit(c, WF_OP_NOP, 0, line);
        return 0;
    case WF_AST_STMT_BREAK:
        return break_continue(c, s, true);
    case WF_AST_STMT_CONTINUE:
        return break_continue(c, s, false);
    }
    return ERR_STMT(c, s, "invalid statement");
}

static int
stmts(compiler *c, const wf_ast_stmt_seq *seq)
{
    if (seq == NULL)
        return 0;
    for (size_t i = 0; i < seq->n; i++)
        if (stmt(c, seq->items[i]) < 0)
            return -1;
    return 0;
}

// ===== Assembly into a code object =====

static void
free_code_arrays(wf_cfg_result *r, uint8_t *kinds)
{
    wf_cfg_result_free(r);
    free(kinds);
}

static wf_value
str_tuple(compiler *c, const char *const *names, uint32_t n)
{
    wf_value *items = malloc((n + 1) * sizeof *items);
    if (items == NULL) {
        wf_err_no_memory(c->ts);
        return WF_NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        items[i] = wf_str_intern(c->ts, names[i]);
        if (items[i] == WF_NULL) {
            free(items);
            return WF_NULL;
        }
    }
    wf_value t = wf_tuple_from_array(c->ts, items, n);
    free(items);
    return t;
}

static wf_value
assemble(compiler *c)
{
    unit *u = c->u;
    if (c->failed || u->g.oom) {
        c->failed = true;
        return WF_NULL;
    }
    wf_cfg_prefix pre = {
        .nfree = u->nfree,
        .cells = u->cellslots,
        .ncells = u->ncellslots,
        .generator = (u->flags & WF_CO_GENERATOR) != 0,
        .firstlineno = u->firstlineno,
    };
    wf_cfg_result r;
    if (wf_cfg_assemble(&u->g, &pre, &r) < 0) {
        c->failed = true;
        return WF_NULL;
    }
    uint8_t *kinds = malloc(u->nlp + 1);
    if (kinds == NULL) {
        free_code_arrays(&r, NULL);
        c->failed = true;
        return WF_NULL;
    }
    if (u->nlp)
        memcpy(kinds, u->lpkinds, u->nlp);
    wf_thread *ts = c->ts;
    wf_value consts = wf_tuple_from_array(ts, u->consts, u->nconsts);
    wf_value names = consts ? str_tuple(c, u->names, u->nnames) : WF_NULL;
    wf_value lpn = names ? str_tuple(c, u->lp, u->nlp) : WF_NULL;
    wf_value name = lpn ? wf_str_intern(ts, u->name) : WF_NULL;
    wf_value qual = name ? wf_str_from_cstr(ts, u->qualname) : WF_NULL;
    wf_value fname = qual ? wf_str_from_cstr(ts, c->filename) : WF_NULL;
    wf_code *co = fname ? (wf_code *)wf_gc_alloc(ts, &wf_code_type,
                                                 sizeof(wf_code))
                        : NULL;
    if (co == NULL) {
        free_code_arrays(&r, kinds);
        runtime_failed(c);
        return WF_NULL;
    }
    co->code = r.code;
    co->ncode = r.ncode;
    co->lines = r.lines;
    co->line_starts = r.line_starts;
    co->exctable = r.exctable;
    co->nexc = r.nexc;
    co->consts = consts;
    co->names = names;
    co->localsplusnames = lpn;
    co->localspluskinds = kinds;
    co->nlocalsplus = u->nlp;
    co->nlocals = u->nlocals;
    uint32_t ncells = 0;
    for (uint32_t i = 0; i < u->nlp; i++)
        if (u->lpkinds[i] == WF_LOCAL_CELL)
            ncells++;
    co->ncellvars = ncells;
    co->nfreevars = u->nfree;
    co->argcount = u->argcount;
    co->kwonlyargcount = u->kwonlyargcount;
    co->flags = u->flags | (u->ste->kind == WF_ST_MODULE ? WF_CO_MODULE : 0);
    if (co->argcount == 3 && co->kwonlyargcount == 0 &&
        !(co->flags & (WF_CO_VARARGS | WF_CO_VARKEYWORDS | WF_CO_GENERATOR |
                       WF_CO_MODULE | WF_CO_CLASS)) &&
        co->ncode > 0 && wf_cu_op(co->code[0]) == WF_OP_RESUME)
        co->flags |= WF_CO_PLAIN3;
    if (co->nlocalsplus > 0 &&
        !(co->localspluskinds[0] & (WF_LOCAL_CELL | WF_LOCAL_FREE))) {
        bool read = false;
        for (uint32_t i = 0; i < co->ncode && !read; i++) {
            uint8_t op = wf_cu_op(co->code[i]);
            read = wf_op_operand_kind[op] == WF_OPND_LOCAL &&
                   op != WF_OP_STORE_FAST && wf_cu_arg(co->code[i]) == 0;
        }
        if (!read)
            co->flags |= WF_CO_ARG0_UNREAD;
    }
    co->stacksize = r.stacksize;
    co->name = name;
    co->qualname = qual;
    co->filename = fname;
    co->firstlineno = u->firstlineno;
    co->monitoring = NULL;
    return wf_val_from_obj(co);
}

// ===== SyntaxError =====

// The 1-based line [lineno] of the source, without its newline.
static const char *
source_line(const compiler *c, int lineno, size_t *len)
{
    const char *p = c->src, *end = c->src + c->len;
    for (int l = 1; l < lineno && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) {
            p = end;
            break;
        }
        p = nl + 1;
    }
    const char *e = p;
    while (e < end && *e != '\n')
        e++;
    *len = (size_t)(e - p);
    return p;
}

// Byte column -> 1-based character offset in [line] (CPython counts
// characters).
static int
char_offset(const char *line, size_t len, int col)
{
    if (col < 0)
        return 0;
    int chars = 0;
    for (int i = 0; i < col && (size_t)i < len; i++)
        if (((uint8_t)line[i] & 0xC0) != 0x80)
            chars++;
    if ((size_t)col > len)
        chars += col - (int)len;
    return chars + 1;
}

static void
raise_syntax_error(compiler *c, wf_type *type, const char *msg, int lineno,
                   int offset, int end_lineno, int end_offset)
{
    wf_thread *ts = c->ts;
    size_t len;
    const char *l = source_line(c, lineno, &len);
    wf_value text = WF_NONE;
    if (lineno >= 1) {
        char *buf = malloc(len + 2);
        if (buf == NULL) {
            wf_err_no_memory(ts);
            return;
        }
        memcpy(buf, l, len);
        buf[len] = '\n';
        text = wf_str_new(ts, buf, len + 1);
        free(buf);
        if (text == WF_NULL)
            return;
    }
    wf_value vmsg = wf_str_from_cstr(ts, msg);
    wf_value vfile = vmsg ? wf_str_from_cstr(ts, c->filename) : WF_NULL;
    if (vfile == WF_NULL)
        return;
    wf_value vl = wf_val_from_int(lineno), vo = wf_val_from_int(offset);
    wf_value vel = wf_val_from_int(end_lineno),
             veo = wf_val_from_int(end_offset);
    wf_value details = wf_tuple_pack(ts, 6, vfile, vl, vo, text, vel, veo);
    wf_value args = details ? wf_tuple_pack(ts, 2, vmsg, details) : WF_NULL;
    wf_value exc = args ? wf_exc_new(ts, type, args) : WF_NULL;
    wf_value d = exc ? wf_dict_new(ts) : WF_NULL;
    if (d == WF_NULL)
        return;
    static const char *const keys[] = {"msg", "filename", "lineno", "offset",
                                       "text", "end_lineno", "end_offset"};
    wf_value vals[] = {vmsg, vfile, vl, vo, text, vel, veo};
    for (size_t i = 0; i < 7; i++) {
        wf_value k = wf_str_intern(ts, keys[i]);
        if (k == WF_NULL || wf_dict_set_str(ts, d, k, vals[i]) < 0)
            return;
    }
    ((wf_exc *)wf_val_as_obj(exc))->dict = d;
    wf_err_set_value(ts, exc);
}

static void
raise_compile_error(compiler *c)
{
    if (c->exc_set && wf_err_occurred(c->ts))
        return;
    if (c->msg[0] == 0) {
        wf_err_no_memory(c->ts);
        return;
    }
    size_t len;
    const char *l = source_line(c, c->lineno, &len);
    int off = char_offset(l, len, c->col);
    int end_off = off;
    if (c->end_lineno > 0) {
        size_t elen;
        const char *el = source_line(c, c->end_lineno, &elen);
        end_off = char_offset(el, elen, c->end_col);
    }
    raise_syntax_error(c, &wf_exc_SyntaxError, c->msg, c->lineno, off,
                       c->end_lineno > 0 ? c->end_lineno : c->lineno,
                       end_off);
}

// ===== Entry point =====

static wf_value
compile_module(compiler *c, const wf_ast_mod *mod)
{
    if (enter_unit(c, c->st.top, "<module>", 1) < 0)
        return WF_NULL;
    const wf_ast_stmt_seq *body = &mod->body;
    size_t start = 0;
    if (body->n > 0 && is_docstring(body->items[0])) {
        const wf_ast_expr *d = body->items[0]->v.expr.value;
        wf_value v = const_value(c, d);
        if (v == WF_NULL || load_const(c, v, d->lineno) < 0) {
            leave_unit(c);
            return WF_NULL;
        }
        nameop(c, "__doc__", WF_AST_STORE, d->lineno);
        start = 1;
    }
    wf_ast_stmt_seq rest = {body->items + start, body->n - start};
    if (stmts(c, &rest) < 0 || load_const(c, WF_NONE, NOLINE) < 0) {
        leave_unit(c);
        return WF_NULL;
    }
    emit(c, WF_OP_RETURN_VALUE, 0, NOLINE);
    const char **frees;
    uint32_t nfree;
    wf_value co = finish_unit(c, NULL, &frees, &nfree);
    free(frees);
    return co;
}

wf_value
wf_comp_module(wf_thread *ts, const char *src, size_t len,
               const char *filename)
{
    compiler c;
    memset(&c, 0, sizeof c);
    c.ts = ts;
    c.src = src;
    c.len = len;
    c.filename = filename ? filename : "<string>";
    wf_ast_arena *arena = NULL;
    wf_syntax_error perr;
    memset(&perr, 0, sizeof perr);
    wf_ast_mod *mod = wf_parse_module(src, len, &arena, &perr);
    if (mod == NULL) {
        wf_type *tp = &wf_exc_SyntaxError;
        if (strcmp(perr.kind, "MemoryError") == 0) {
            wf_err_no_memory(ts);
            return WF_NULL;
        }
        if (strcmp(perr.kind, "IndentationError") == 0)
            tp = &wf_exc_IndentationError;
        else if (strcmp(perr.kind, "TabError") == 0)
            tp = &wf_exc_TabError;
        raise_syntax_error(&c, tp, perr.msg, perr.lineno, perr.col_offset,
                           perr.end_lineno, perr.end_col_offset);
        return WF_NULL;
    }
    wf_value co = WF_NULL;
    if (wf_symtable_build(&c.st, mod) < 0) {
        if (c.st.oom) {
            wf_err_no_memory(ts);
        } else {
            c.failed = true;
            snprintf(c.msg, sizeof c.msg, "%s", c.st.msg);
            c.lineno = c.st.lineno;
            c.col = c.st.col_offset;
            c.end_lineno = c.st.end_lineno;
            c.end_col = c.st.end_col_offset;
            raise_compile_error(&c);
        }
        goto done;
    }
    co = compile_module(&c, mod);
    while (c.u != NULL)
        leave_unit(&c);
    if (co == WF_NULL) {
        raise_compile_error(&c);
    } else {
        size_t mark = wf_root_mark(ts);
        if (wf_root_push(ts, co) < 0 ||
            wf_code_publish(ts, (wf_code *)wf_val_as_obj(co)) < 0)
            co = WF_NULL;
        wf_root_release(ts, mark);
    }
done:
    wf_symtable_free(&c.st);
    wf_ast_arena_free(arena);
    return co;
}
