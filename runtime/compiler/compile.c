// runtime/compiler/compile.c -- code generation (wf_comp_*).
// Walks the AST and emits CPython 3.14-shaped bytecode into a wf_cfg, one
// code unit per module, function, lambda, class body and generator
// expression; list/set/dict comprehensions are inlined (PEP 709). The
// shapes (and which instructions carry a line and which are artificial)
// follow CPython 3.14's Python/codegen.c so that, after flowgraph.c's
// passes, line/branch/jump/exception events land where CPython's do.
// Errors the compiler reports are SyntaxErrors in CPython's wording.
// This file: units, names, constants, functions, classes, comprehensions,
// assembly and the entry point; expressions are in codegen_expr.c,
// statements in codegen_stmt.c, and what they share in compile_int.h.
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
#include "compiler/compile_int.h"

// ===== Errors =====

int
wf_comp_error_at(compiler *c, int lineno, int col, int end_lineno, int end_col,
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

int
wf_comp_runtime_failed(compiler *c)
{
    if (!c->failed) {
        c->failed = true;
        c->exc_set = true;
    }
    return -1;
}

WF_NOINLINE int
wf_comp_stack_overflow(compiler *c)
{
    if (c->failed)
        return -1;
    wf_cstack_overflow(c->ts, " during compilation");
    return wf_comp_runtime_failed(c);
}

int
wf_comp_limit_error(compiler *c, const char *what)
{
    if (c->failed)
        return -1;
    wf_err_format(c->ts, &wf_exc_OverflowError,
                  "%s in '%s': Weft limits an opcode argument to 24 bits "
                  "(%u)",
                  what, c->u && c->u->name ? c->u->name : "?",
                  (unsigned)WF_OPARG_MAX);
    return wf_comp_runtime_failed(c);
}

// ===== Units, constants and names =====

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

// The hash of a constant, consistent with same_const: strings by
// content, floats by bit pattern, anything else by its value word.
static uint32_t
hash_const(wf_value v)
{
    uint64_t x;
    if (wf_val_is_obj(v) && wf_val_as_obj(v)->type == &wf_str_type) {
        x = (uint64_t)wf_str_hash(v);
    } else if (wf_val_is_obj(v) && wf_val_as_obj(v)->type == &wf_float_type) {
        double d = wf_float_val(v);
        memcpy(&x, &d, sizeof x);
        x ^= 0x9e3779b97f4a7c15ull;
    } else {
        x = (uint64_t)v;
    }
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x;
}

// The slot of a constant equal to [v] (same_const), or the empty slot
// where it would go. The table is never empty here.
static wf_nameset_slot *
const_probe(const unit *u, wf_value v, uint32_t h)
{
    uint32_t mask = u->nconstslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        wf_nameset_slot *sl = &u->constslots[i];
        if (sl->idx1 == 0 ||
            (sl->hash == h && same_const(u->consts[sl->idx1 - 1], v)))
            return sl;
    }
}

static bool
const_grow(unit *u)
{
    uint32_t n = u->nconstslots ? u->nconstslots * 2 : 16;
    if (n < u->nconstslots)
        return false;
    wf_nameset_slot *t = calloc(n, sizeof *t);
    if (t == NULL)
        return false;
    for (uint32_t i = 0; i < u->nconstslots; i++) {
        wf_nameset_slot v = u->constslots[i];
        if (v.idx1 == 0)
            continue;
        uint32_t k = v.hash & (n - 1);
        while (t[k].idx1 != 0)
            k = (k + 1) & (n - 1);
        t[k] = v;
    }
    free(u->constslots);
    u->constslots = t;
    u->nconstslots = n;
    return true;
}

int
wf_comp_add_const(compiler *c, wf_value v, uint32_t *out)
{
    unit *u = c->u;
    if (v == WF_NULL)
        return wf_comp_runtime_failed(c);
    // Code objects are never shared; everything else is found by content
    // through constslots (O(1), not a scan of the constants: issue 20).
    bool code = wf_val_is_obj(v) && wf_val_as_obj(v)->type == &wf_code_type;
    uint32_t h = 0;
    wf_nameset_slot *sl = NULL;
    if (!code) {
        h = hash_const(v);
        if (u->nconstslots > 0) {
            sl = const_probe(u, v, h);
            if (sl->idx1 != 0) {
                *out = sl->idx1 - 1;
                return 0;
            }
        }
    }
    if (u->nconsts >= WF_OPARG_MAX)
        return wf_comp_limit_error(c, "too many constants");
    if (!code && (u->nconsts + 1) * 2 > u->nconstslots) {
        if (!const_grow(u)) {
            wf_err_no_memory(c->ts);
            return wf_comp_runtime_failed(c);
        }
        sl = const_probe(u, v, h);
    }
    if (u->nconsts == u->capconsts) {
        uint32_t cap = u->capconsts ? u->capconsts * 2 : 8;
        wf_value *nc = realloc(u->consts, cap * sizeof *nc);
        if (nc == NULL) {
            wf_err_no_memory(c->ts);
            return wf_comp_runtime_failed(c);
        }
        u->consts = nc;
        u->capconsts = cap;
    }
    u->consts[u->nconsts] = v;
    if (!code)
        *sl = (wf_nameset_slot){h, u->nconsts + 1};
    *out = u->nconsts++;
    return 0;
}

int
wf_comp_load_const(compiler *c, wf_value v, int32_t line)
{
    uint32_t i;
    if (wf_comp_add_const(c, v, &i) < 0)
        return -1;
    emit(c, WF_OP_LOAD_CONST, i, line);
    return 0;
}

uint32_t
wf_comp_add_name(compiler *c, const char *name)
{
    uint32_t i = 0;
    if (!wf_nameset_add(&c->u->names, name, &i)) {
        c->failed = true;
        return 0;
    }
    return i;
}

static int32_t
lp_find(const unit *u, const char *name)
{
    int32_t k = wf_nameset_find(&u->lpix, name);
    return k < 0 ? -1 : (int32_t)u->lpfirst[k];
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
        uint32_t *nf = realloc(u->lpfirst, cap * sizeof *nf);
        if (nf == NULL) {
            c->failed = true;
            return -1;
        }
        u->lpfirst = nf;
        u->caplp = cap;
    }
    uint32_t k;
    uint32_t before = u->lpix.n;
    if (!wf_nameset_add(&u->lpix, name, &k)) {
        c->failed = true;
        return -1;
    }
    if (u->lpix.n != before)
        u->lpfirst[k] = u->nlp;  // the first slot named [name] wins
    u->lp[u->nlp] = name;
    u->lpkinds[u->nlp] = kind;
    return (int32_t)u->nlp++;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// A list of distinct names (hashed: wf_nameset); qsort may reorder its
// items once no more lookups follow.
typedef wf_nameset namelist;

static bool
nl_add(namelist *l, const char *name)
{
    return wf_nameset_add(l, name, NULL);
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
    wf_nameset_fini(&cells);
    wf_nameset_fini(&frees);
    wf_nameset_fini(&cfast);
    wf_nameset_fini(&ccells);
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
    free(u->constslots);
    wf_nameset_fini(&u->names);
    free(u->lp);
    free(u->lpkinds);
    wf_nameset_fini(&u->lpix);
    free(u->lpfirst);
    free(u->cellslots);
    free(u->qualname);
    free(u);
}

static int
enter_unit(compiler *c, wf_st_entry *ste, const char *name, int32_t line)
{
    if (ste == NULL)
        return wf_comp_error_at(c, line, 0, line, 0, "internal error: no scope");
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

access
wf_comp_resolve(compiler *c, const char *name, uint32_t *arg)
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
        *arg = wf_comp_add_name(c, name);
        return AC_GLOBAL;
    default:
        if (fn) {
            *arg = wf_comp_add_name(c, name);
            return AC_GLOBAL;
        }
        break;
    }
    *arg = wf_comp_add_name(c, name);
    return AC_NAME;
}

void
wf_comp_nameop(compiler *c, const char *name, wf_ast_expr_context ctx, int32_t line)
{
    uint32_t arg;
    access a = wf_comp_resolve(c, name, &arg);
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

wf_value
wf_comp_const_value(compiler *c, const wf_ast_expr *e)
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
            wf_comp_runtime_failed(c);
        return v;
    }
    case WF_AST_CONST_STR: {
        wf_value v = wf_str_new(ts, e->v.constant.str, e->v.constant.len);
        if (v == WF_NULL)
            wf_comp_runtime_failed(c);
        return v;
    }
    case WF_AST_CONST_BYTES:
        ERR_EXPR(c, e, "bytes literals are not supported by Weft");
        return WF_NULL;
    }
    ERR_EXPR(c, e, "invalid constant");
    return WF_NULL;
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
                return wf_comp_error_at(c, line, 0, line, 0,
                                        "internal error: no cell for '%s'", frees[i]);
            emit(c, WF_OP_LOAD_FAST, (uint32_t)k, line);
        }
        emit(c, WF_OP_BUILD_TUPLE, nfree, line);
        flags |= WF_FUNC_CLOSURE;
    }
    if (wf_comp_load_const(c, co, line) < 0)
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
        if (wf_comp_exprs(c, &a->defaults) < 0)
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
            return wf_comp_runtime_failed(c);
        if (wf_comp_load_const(c, s, line) < 0 || wf_comp_expr(c, d) < 0)
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
            wf_value d = wf_comp_const_value(c, body->items[0]->v.expr.value);
            uint32_t idx;
            if (d == WF_NULL || wf_comp_add_const(c, d, &idx) < 0)
                return -1;
            start = 1;
        } else {
            uint32_t idx;
            if (wf_comp_add_const(c, WF_NONE, &idx) < 0)
                return -1;
        }
        wf_ast_stmt_seq rest = {body->items + start, body->n - start};
        if (wf_comp_stmts(c, &rest) < 0)
            return -1;
        if (wf_comp_load_const(c, WF_NONE, NOLINE) < 0)
            return -1;
        emit(c, WF_OP_RETURN_VALUE, 0, NOLINE);
    } else {
        const wf_ast_expr *body = lambda->v.lambda.body;
        if (wf_comp_expr(c, body) < 0)
            return -1;
        if (ste->is_generator) {
            emit(c, WF_OP_POP_TOP, 0, NOLINE);
            if (wf_comp_load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
        }
        emit(c, WF_OP_RETURN_VALUE, 0, body->lineno);
    }
    if (handler >= 0)
        gen_wrap_end(c, handler);
    return 0;
}

int
wf_comp_make_function(compiler *c, const wf_ast_stmt *def,
                      const wf_ast_expr *lambda)
{
    const wf_ast_arguments *a =
        def ? def->v.function_def.args : lambda->v.lambda.args;
    int32_t line = def ? def->lineno : lambda->lineno;
    uint32_t flags = 0;
    if (a->posonlyargs.n + a->args.n + a->kwonlyargs.n > 0xFFFF)
        return wf_comp_error_at(c, line, 0, line, 0, "too many arguments");
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
        wf_comp_nameop(c, def->v.function_def.name, WF_AST_STORE, line);
    return 0;
}

int
wf_comp_class_def(compiler *c, const wf_ast_stmt *s)
{
    int32_t line = s->lineno;
    if (s->v.class_def.bases.n > 1)
        return ERR_STMT(c, s->v.class_def.bases.items[1],
                        "multiple inheritance is not supported by Weft");
    if (s->v.class_def.keywords.n > 0)
        return wf_comp_error_at(c, s->v.class_def.keywords.items[0]->lineno,
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
    wf_comp_nameop(c, "__name__", WF_AST_LOAD, line);
    wf_comp_nameop(c, "__module__", WF_AST_STORE, line);
    wf_value q = wf_str_from_cstr(c->ts, u->qualname);
    if (q == WF_NULL) {
        leave_unit(c);
        return wf_comp_runtime_failed(c);
    }
    if (wf_comp_load_const(c, q, line) < 0) {
        leave_unit(c);
        return -1;
    }
    wf_comp_nameop(c, "__qualname__", WF_AST_STORE, line);
    if (wf_comp_load_const(c, wf_val_from_int(line), line) < 0) {
        leave_unit(c);
        return -1;
    }
    wf_comp_nameop(c, "__firstlineno__", WF_AST_STORE, line);
    const wf_ast_stmt_seq *body = &s->v.class_def.body;
    size_t start = 0;
    if (body->n > 0 && is_docstring(body->items[0])) {
        const wf_ast_expr *d = body->items[0]->v.expr.value;
        wf_value v = wf_comp_const_value(c, d);
        if (v == WF_NULL || wf_comp_load_const(c, v, d->lineno) < 0) {
            leave_unit(c);
            return -1;
        }
        wf_comp_nameop(c, "__doc__", WF_AST_STORE, d->lineno);
        start = 1;
    }
    wf_ast_stmt_seq rest = {body->items + start, body->n - start};
    if (wf_comp_stmts(c, &rest) < 0) {
        leave_unit(c);
        return -1;
    }
    if (wf_comp_load_const(c, WF_NONE, NOLINE) < 0) {
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
        return wf_comp_runtime_failed(c);
    if (wf_comp_load_const(c, name, line) < 0)
        return -1;
    wf_ast_keyword_seq nokw = {NULL, 0};
    if (wf_comp_call_helper(c, line, 2, &s->v.class_def.bases, &nokw) < 0)
        return -1;
    wf_comp_nameop(c, s->v.class_def.name, WF_AST_STORE, line);
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
        if (wf_comp_expr(c, g->iter) < 0)
            return -1;
    }
    depth++;
    if (gi > 0)
        emit(c, WF_OP_GET_ITER, 0, iline);
    useblock(c, start);
    emit_jump(c, WF_OP_FOR_ITER, anchor, iline);
    if (wf_comp_expr(c, g->target) < 0)
        return -1;
    for (size_t i = 0; i < g->ifs.n; i++)
        if (wf_comp_jump_if(c, g->ifs.items[i], if_cleanup, false) < 0)
            return -1;
    int32_t elt_line = elt->lineno;
    if (gi + 1 < gens->n) {
        if (comp_generator(c, e, gens, gi + 1, depth, elt, val, genexp) < 0)
            return -1;
    } else {
        if (wf_comp_expr(c, elt) < 0)
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
            if (wf_comp_expr(c, val) < 0)
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

int
wf_comp_comprehension(compiler *c, const wf_ast_expr *e)
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
            wf_comp_load_const(c, WF_NONE, NOLINE) < 0) {
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
        if (rc < 0 || wf_comp_expr(c, gens->items[0]->iter) < 0)
            return -1;
        emit(c, WF_OP_GET_ITER, 0, line);
        emit(c, WF_OP_CALL, 0, line);
        return 0;
    }
    // Inlined (PEP 709): save the comprehension's own names, iterate in
    // this frame, restore them.
    if (wf_comp_expr(c, gens->items[0]->iter) < 0)
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
    int arc = wf_cfg_assemble(&u->g, &pre, &r);
    if (arc == -2) {
        wf_comp_limit_error(c, "code too large");
        return WF_NULL;
    }
    if (arc < 0) {
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
    wf_value names = consts ? str_tuple(c, u->names.items, u->names.n) : WF_NULL;
    wf_value lpn = names ? str_tuple(c, u->lp, u->nlp) : WF_NULL;
    wf_value name = lpn ? wf_str_intern(ts, u->name) : WF_NULL;
    wf_value qual = name ? wf_str_from_cstr(ts, u->qualname) : WF_NULL;
    wf_value fname = qual ? wf_str_from_cstr(ts, c->filename) : WF_NULL;
    wf_code *co = fname ? (wf_code *)wf_gc_alloc(ts, &wf_code_type,
                                                 sizeof(wf_code))
                        : NULL;
    if (co == NULL) {
        free_code_arrays(&r, kinds);
        wf_comp_runtime_failed(c);
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
    wf_atomic_store_relaxed_ptr(&co->monitoring, NULL);
    return wf_val_from_obj(co);
}

// ===== SyntaxError =====

// The 1-based line [lineno] of the source, without its newline (nor a
// leading BOM).
static const char *
source_line(const compiler *c, int lineno, size_t *len)
{
    const char *p = c->src, *end = c->src + c->len;
    if (c->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;  // the lexer's columns start after a leading BOM
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
        wf_value v = wf_comp_const_value(c, d);
        if (v == WF_NULL || wf_comp_load_const(c, v, d->lineno) < 0) {
            leave_unit(c);
            return WF_NULL;
        }
        wf_comp_nameop(c, "__doc__", WF_AST_STORE, d->lineno);
        start = 1;
    }
    wf_ast_stmt_seq rest = {body->items + start, body->n - start};
    if (wf_comp_stmts(c, &rest) < 0 || wf_comp_load_const(c, WF_NONE, NOLINE) < 0) {
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
            // Out of memory, or the parser's depth limit (CPython's
            // "Parser stack overflowed" MemoryError, with its message).
            if (strcmp(perr.msg, WF_PARSE_STACK_OVERFLOW_MSG) == 0)
                wf_err_format(ts, &wf_exc_MemoryError, "%s", perr.msg);
            else
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
        } else if (c.st.overflow) {
            wf_cstack_overflow(ts, " during compilation");
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
