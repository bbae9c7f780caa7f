// runtime/compiler/codegen_stmt.c -- code generation for statements (wf_comp_*).
// Blocks on the frame-block stack (loops, try, with, handlers) and their
// unwinding for return/break/continue, assignments, control flow,
// exception handling, with, imports, in CPython 3.14's shapes
// (Python/codegen.c). Part of the code generator: see compile_int.h.
#include "compiler/compile_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects/error.h"
#include "threads/thread.h"

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
    if (wf_comp_add_const(c, WF_NONE, &i) < 0)
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
                return wf_comp_error_at(c, *line, 0, *line, 0,
                                        "too many statically nested blocks");
            fblock *pv = &u->fb[u->nfb++];
            pv->kind = FB_POP_VALUE;
            pv->line = *line;
        }
        int rc = wf_comp_stmts(c, saved.finalbody);
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
            if (wf_comp_load_const(c, WF_NONE, *line) < 0)
                return -1;
            wf_comp_nameop(c, f->name, WF_AST_STORE, *line);
            wf_comp_nameop(c, f->name, WF_AST_DEL, *line);
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
        if (wf_comp_expr(c, v) < 0)
            return -1;
    } else if (v != NULL) {
        emit(c, WF_OP_NOP, 0, v->lineno);
    }
    if (v == NULL || v->lineno != s->lineno)
        emit(c, WF_OP_NOP, 0, s->lineno);
    if (unwind_fblock_stack(c, &line, preserve_tos, NULL) < 0)
        return -1;
    if (v == NULL) {
        if (wf_comp_load_const(c, WF_NONE, line) < 0)
            return -1;
    } else if (!preserve_tos) {
        wf_value k = wf_comp_const_value(c, v);
        if (k == WF_NULL || wf_comp_load_const(c, k, line) < 0)
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
    if (wf_comp_jump_if(c, s->v.if_.test, next, false) < 0 ||
        wf_comp_stmts(c, &s->v.if_.body) < 0)
        return -1;
    if (has_else) {
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next);
        if (wf_comp_stmts(c, &s->v.if_.orelse) < 0)
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
    if (wf_comp_jump_if(c, s->v.while_.test, anchor, false) < 0 ||
        wf_comp_stmts(c, &s->v.while_.body) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, loop, NOLINE);
    pop_fblock(c);
    useblock(c, anchor);
    if (wf_comp_stmts(c, &s->v.while_.orelse) < 0)
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
        wf_comp_expr(c, s->v.for_.iter) < 0)
        return -1;
    int32_t iline = s->v.for_.iter->lineno;
    emit(c, WF_OP_GET_ITER, 0, iline);
    useblock(c, start);
    emit_jump(c, WF_OP_FOR_ITER, cleanup, iline);
    // A NOP so a multi-line `for` reports the target's line.
    emit(c, WF_OP_NOP, 0, s->v.for_.target->lineno);
    useblock(c, body);
    if (wf_comp_expr(c, s->v.for_.target) < 0 || wf_comp_stmts(c, &s->v.for_.body) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, start, NOLINE);
    useblock(c, cleanup);
    emit(c, WF_OP_END_FOR, 0, NOLINE);
    emit(c, WF_OP_POP_ITER, 0, NOLINE);
    pop_fblock(c);
    if (wf_comp_stmts(c, &s->v.for_.orelse) < 0)
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
        wf_comp_stmts(c, &s->v.try_.body) < 0)
        return -1;
    pop_fblock(c);
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    if (wf_comp_stmts(c, &s->v.try_.orelse) < 0)
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
            return wf_comp_error_at(c, h->lineno, h->col_offset, h->end_lineno,
                                    h->end_col_offset,
                                    "default 'except:' must be last");
        int32_t next_except = newblock(c);
        if (h->type != NULL) {
            if (wf_comp_expr(c, h->type) < 0)
                return -1;
            emit(c, WF_OP_CHECK_EXC_MATCH, 0, hline);
            emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, next_except, hline);
        }
        wf_ast_stmt fake = *s;
        fake.lineno = hline;
        if (h->name != NULL) {
            int32_t cleanup_end = newblock(c), cleanup_body = newblock(c);
            wf_comp_nameop(c, h->name, WF_AST_STORE, hline);
            wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup_end,
                        hline);
            useblock(c, cleanup_body);
            if (push_fblock(c, &fake, FB_HANDLER_CLEANUP, cleanup_body, -1,
                            NULL, h->name) < 0 ||
                wf_comp_stmts(c, &h->body) < 0)
                return -1;
            pop_fblock(c);
            emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
            emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
            emit(c, WF_OP_POP_EXCEPT, 0, NOLINE);
            if (wf_comp_load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
            wf_comp_nameop(c, h->name, WF_AST_STORE, NOLINE);
            wf_comp_nameop(c, h->name, WF_AST_DEL, NOLINE);
            emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
            useblock(c, cleanup_end);
            if (wf_comp_load_const(c, WF_NONE, NOLINE) < 0)
                return -1;
            wf_comp_nameop(c, h->name, WF_AST_STORE, NOLINE);
            wf_comp_nameop(c, h->name, WF_AST_DEL, NOLINE);
            emit(c, WF_OP_RERAISE, 1, NOLINE);
        } else {
            int32_t cleanup_body = newblock(c);
            emit(c, WF_OP_POP_TOP, 0, hline);
            useblock(c, cleanup_body);
            if (push_fblock(c, &fake, FB_HANDLER_CLEANUP, cleanup_body, -1,
                            NULL, NULL) < 0 ||
                wf_comp_stmts(c, &h->body) < 0)
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
    } else if (wf_comp_stmts(c, &s->v.try_.body) < 0) {
        return -1;
    }
    emit(c, WF_PSEUDO_POP_BLOCK, 0, NOLINE);
    pop_fblock(c);
    if (wf_comp_stmts(c, &s->v.try_.finalbody) < 0)
        return -1;
    emit_jump(c, WF_PSEUDO_JUMP, exit, NOLINE);
    useblock(c, end);
    wf_cfg_emit(&c->u->g, WF_PSEUDO_SETUP_CLEANUP, 0, cleanup, NOLINE);
    emit(c, WF_OP_PUSH_EXC_INFO, 0, NOLINE);
    if (push_fblock(c, s, FB_FINALLY_END, end, -1, NULL, NULL) < 0 ||
        wf_comp_stmts(c, &s->v.try_.finalbody) < 0)
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
    if (wf_comp_expr(c, item->context_expr) < 0)
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
        if (wf_comp_expr(c, item->optional_vars) < 0)
            return -1;
    } else {
        emit(c, WF_OP_POP_TOP, 0, line);
    }
    if (pos + 1 == s->v.with.items.n) {
        if (wf_comp_stmts(c, &s->v.with.body) < 0)
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
        if (wf_comp_expr(c, t->v.attribute.value) < 0)
            return -1;
        emit(c, WF_OP_COPY, 1, tline);
        emit(c, WF_OP_LOAD_ATTR, wf_comp_add_name(c, t->v.attribute.attr) << 1,
             wf_comp_attr_line(t, tline));
        break;
    case WF_AST_EXPR_SUBSCRIPT:
        if (wf_comp_expr(c, t->v.subscript.value) < 0)
            return -1;
        if (wf_comp_is_two_element_slice(t->v.subscript.slice)) {
            if (wf_comp_slice_two_parts(c, t->v.subscript.slice) < 0)
                return -1;
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_COPY, 3, tline);
            emit(c, WF_OP_BINARY_SLICE, 0, tline);
        } else {
            if (wf_comp_expr(c, t->v.subscript.slice) < 0)
                return -1;
            emit(c, WF_OP_COPY, 2, tline);
            emit(c, WF_OP_COPY, 2, tline);
            emit(c, WF_OP_BINARY_SUBSCR, 0, tline);
        }
        break;
    case WF_AST_EXPR_NAME:
        wf_comp_nameop(c, t->v.name.id, WF_AST_LOAD, tline);
        break;
    default:
        return ERR_EXPR(c, t, "'%s' is an illegal expression for augmented "
                              "assignment",
                        t->kind == WF_AST_EXPR_TUPLE ? "tuple"
                        : t->kind == WF_AST_EXPR_LIST ? "list"
                                                      : "expression");
    }
    if (wf_comp_expr(c, s->v.aug_assign.value) < 0)
        return -1;
    emit(c, WF_OP_BINARY_OP, wf_comp_binop_arg(s->v.aug_assign.op, true), s->lineno);
    switch (t->kind) {
    case WF_AST_EXPR_ATTRIBUTE: {
        int32_t aline = wf_comp_attr_line(t, tline);
        emit(c, WF_OP_SWAP, 2, aline);
        emit(c, WF_OP_STORE_ATTR, wf_comp_add_name(c, t->v.attribute.attr), aline);
        break;
    }
    case WF_AST_EXPR_SUBSCRIPT:
        if (wf_comp_is_two_element_slice(t->v.subscript.slice)) {
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
        wf_comp_nameop(c, t->v.name.id, WF_AST_STORE, tline);
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
        if (wf_comp_load_const(c, wf_val_from_int(0), line) < 0 ||
            wf_comp_load_const(c, WF_NONE, line) < 0)
            return -1;
        emit(c, WF_OP_IMPORT_NAME, wf_comp_add_name(c, a->name), line);
        if (a->asname != NULL) {
            // `import a.b.c as d`: walk the attributes.
            const char *dot = strchr(a->name, '.');
            while (dot != NULL) {
                const char *next = strchr(dot + 1, '.');
                size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
                wf_value part = wf_str_intern_n(c->ts, dot + 1, len);
                if (part == WF_NULL)
                    return wf_comp_runtime_failed(c);
                // The name table holds C strings: use the interned copy.
                emit(c, WF_OP_IMPORT_FROM, wf_comp_add_name(c, wf_str_cstr(part)),
                     line);
                emit(c, WF_OP_SWAP, 2, line);
                emit(c, WF_OP_POP_TOP, 0, line);
                dot = next;
            }
            wf_comp_nameop(c, a->asname, WF_AST_STORE, line);
        } else {
            const char *dot = strchr(a->name, '.');
            if (dot == NULL) {
                wf_comp_nameop(c, a->name, WF_AST_STORE, line);
            } else {
                wf_value first = wf_str_intern_n(c->ts, a->name,
                                                 (size_t)(dot - a->name));
                if (first == WF_NULL)
                    return wf_comp_runtime_failed(c);
                wf_comp_nameop(c, wf_str_cstr(first), WF_AST_STORE, line);
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
        return wf_comp_runtime_failed(c);
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
            return wf_comp_runtime_failed(c);
        }
    }
    wf_value t = wf_tuple_from_array(c->ts, names, n);
    free(names);
    if (t == WF_NULL)
        return wf_comp_runtime_failed(c);
    if (wf_comp_load_const(c, wf_val_from_int(s->v.import_from.level), line) < 0 ||
        wf_comp_load_const(c, t, line) < 0)
        return -1;
    const char *mod = s->v.import_from.module ? s->v.import_from.module : "";
    emit(c, WF_OP_IMPORT_NAME, wf_comp_add_name(c, mod), line);
    for (size_t i = 0; i < n; i++) {
        const wf_ast_alias *a = s->v.import_from.names.items[i];
        emit(c, WF_OP_IMPORT_FROM, wf_comp_add_name(c, a->name), line);
        wf_comp_nameop(c, a->asname ? a->asname : a->name, WF_AST_STORE, line);
    }
    emit(c, WF_OP_POP_TOP, 0, line);
    return 0;
}

static int
stmt(compiler *c, const wf_ast_stmt *s)
{
    if (c->failed || wf_comp_check_stack(c) < 0)
        return -1;
    int32_t line = s->lineno;
    switch (s->kind) {
    case WF_AST_STMT_FUNCTION_DEF:
        return wf_comp_make_function(c, s, NULL);
    case WF_AST_STMT_CLASS_DEF:
        return wf_comp_class_def(c, s);
    case WF_AST_STMT_RETURN:
        return return_stmt(c, s);
    case WF_AST_STMT_DELETE:
        for (size_t i = 0; i < s->v.delete_.targets.n; i++)
            if (wf_comp_expr(c, s->v.delete_.targets.items[i]) < 0)
                return -1;
        return 0;
    case WF_AST_STMT_ASSIGN: {
        size_t n = s->v.assign.targets.n;
        if (wf_comp_expr(c, s->v.assign.value) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (i + 1 < n)
                emit(c, WF_OP_COPY, 1, line);
            if (wf_comp_expr(c, s->v.assign.targets.items[i]) < 0)
                return -1;
        }
        return 0;
    }
    case WF_AST_STMT_AUG_ASSIGN:
        return aug_assign(c, s);
    case WF_AST_STMT_ANN_ASSIGN:
        if (s->v.ann_assign.value != NULL) {
            if (wf_comp_expr(c, s->v.ann_assign.value) < 0 ||
                wf_comp_expr(c, s->v.ann_assign.target) < 0)
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
            if (wf_comp_expr(c, s->v.raise.exc) < 0)
                return -1;
            n++;
            if (s->v.raise.cause != NULL) {
                if (wf_comp_expr(c, s->v.raise.cause) < 0)
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
        if (wf_comp_jump_if(c, s->v.assert_.test, end, true) < 0)
            return -1;
        emit(c, WF_OP_LOAD_COMMON_CONSTANT, WF_COMMON_ASSERTION_ERROR, line);
        if (s->v.assert_.msg != NULL) {
            if (wf_comp_expr(c, s->v.assert_.msg) < 0)
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
        if (wf_comp_expr(c, v) < 0)
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

int
wf_comp_stmts(compiler *c, const wf_ast_stmt_seq *seq)
{
    if (seq == NULL)
        return 0;
    for (size_t i = 0; i < seq->n; i++)
        if (stmt(c, seq->items[i]) < 0)
            return -1;
    return 0;
}
