// runtime/compiler/codegen_expr.c -- code generation for expressions (wf_comp_*).
// Operators, comparisons and conditional jumps, displays and unpacking,
// attribute access, calls, subscripts and slices, f-strings, yield and
// await, in CPython 3.14's shapes (Python/codegen.c). Part of the code
// generator: see compile.c and compile_int.h.
#include "compiler/compile_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects/error.h"
#include "threads/thread.h"

// ===== Expressions =====

int
wf_comp_exprs(compiler *c, const wf_ast_expr_seq *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (wf_comp_expr(c, seq->items[i]) < 0)
            return -1;
    return 0;
}

uint32_t
wf_comp_binop_arg(wf_ast_operator op, bool inplace)
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
    if (wf_comp_expr(c, e->v.compare.left) < 0)
        return -1;
    if (n == 1) {
        if (wf_comp_expr(c, e->v.compare.comparators.items[0]) < 0)
            return -1;
        compare_op(c, e->v.compare.ops.items[0], line);
        return 0;
    }
    int32_t cleanup = newblock(c), end = newblock(c);
    for (size_t i = 0; i + 1 < n; i++) {
        if (wf_comp_expr(c, e->v.compare.comparators.items[i]) < 0)
            return -1;
        emit(c, WF_OP_SWAP, 2, line);
        emit(c, WF_OP_COPY, 2, line);
        compare_op(c, e->v.compare.ops.items[i], line);
        emit(c, WF_OP_COPY, 1, line);
        emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, cleanup, line);
        emit(c, WF_OP_POP_TOP, 0, line);
    }
    if (wf_comp_expr(c, e->v.compare.comparators.items[n - 1]) < 0)
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
int
wf_comp_jump_if(compiler *c, const wf_ast_expr *e, int32_t next, bool cond)
{
    switch (e->kind) {
    case WF_AST_EXPR_UNARY_OP:
        if (e->v.unary_op.op == WF_AST_NOT)
            return wf_comp_jump_if(c, e->v.unary_op.operand, next, !cond);
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
            if (wf_comp_jump_if(c, s->items[i], next2, cond2) < 0)
                return -1;
        if (wf_comp_jump_if(c, s->items[s->n - 1], next, cond) < 0)
            return -1;
        if (next2 != next)
            useblock(c, next2);
        return 0;
    }
    case WF_AST_EXPR_IF_EXP: {
        int32_t end = newblock(c), next2 = newblock(c);
        if (wf_comp_jump_if(c, e->v.if_exp.test, next2, false) < 0 ||
            wf_comp_jump_if(c, e->v.if_exp.body, next, cond) < 0)
            return -1;
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next2);
        if (wf_comp_jump_if(c, e->v.if_exp.orelse, next, cond) < 0)
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
        if (wf_comp_expr(c, e->v.compare.left) < 0)
            return -1;
        for (size_t i = 0; i + 1 < n; i++) {
            if (wf_comp_expr(c, e->v.compare.comparators.items[i]) < 0)
                return -1;
            emit(c, WF_OP_SWAP, 2, line);
            emit(c, WF_OP_COPY, 2, line);
            compare_op(c, e->v.compare.ops.items[i], line);
            emit_jump(c, WF_OP_POP_JUMP_IF_FALSE, cleanup, line);
        }
        if (wf_comp_expr(c, e->v.compare.comparators.items[n - 1]) < 0)
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
    if (wf_comp_expr(c, e) < 0)
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
        if (wf_comp_expr(c, s->items[i]) < 0)
            return -1;
        emit(c, WF_OP_COPY, 1, e->lineno);
        emit_jump(c, jop, end, e->lineno);
        emit(c, WF_OP_POP_TOP, 0, e->lineno);
    }
    if (wf_comp_expr(c, s->items[s->n - 1]) < 0)
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
        if (wf_comp_exprs(c, elts) < 0)
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
            if (wf_comp_expr(c, el->v.starred.value) < 0)
                return -1;
            emit(c, WF_OP_LIST_EXTEND, 1, line);
        } else {
            if (wf_comp_expr(c, el) < 0)
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
        items[i] = wf_comp_const_value(c, elts->items[i]);
        if (items[i] == WF_NULL)
            return -1;
    }
    wf_value t = wf_tuple_from_array(c->ts, items, elts->n);
    if (t == WF_NULL)
        return wf_comp_runtime_failed(c);
    *done = true;
    return wf_comp_load_const(c, t, e->lineno);
}

int32_t
wf_comp_attr_line(const wf_ast_expr *attr, int32_t line)
{
    // CPython's update_start_location_to_match_attr.
    if (line != attr->end_lineno)
        return attr->end_lineno;
    return line;
}

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
                return wf_comp_error_at(c, kws->items[k]->lineno,
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
        if (wf_comp_expr(c, f->v.attribute.value) < 0)
            return -1;
        int32_t line = wf_comp_attr_line(f, f->lineno);
        emit(c, WF_OP_LOAD_ATTR, (wf_comp_add_name(c, f->v.attribute.attr) << 1) | 1,
             line);
        if (wf_comp_exprs(c, args) < 0)
            return -1;
        int32_t cline = wf_comp_attr_line(f, e->lineno);
        if (kws->n) {
            wf_value names[256];
            if (kws->n > 256)
                return ERR_EXPR(c, e, "too many arguments");
            for (size_t i = 0; i < kws->n; i++) {
                if (wf_comp_expr(c, kws->items[i]->value) < 0)
                    return -1;
                names[i] = wf_str_intern(c->ts, kws->items[i]->arg);
                if (names[i] == WF_NULL)
                    return wf_comp_runtime_failed(c);
            }
            wf_value t = wf_tuple_from_array(c->ts, names, kws->n);
            if (t == WF_NULL || wf_comp_load_const(c, t, cline) < 0)
                return wf_comp_runtime_failed(c);
            emit(c, WF_OP_CALL_KW, (uint32_t)(args->n + kws->n), cline);
        } else {
            emit(c, WF_OP_CALL, (uint32_t)args->n, cline);
        }
        return 0;
    }
    if (f->kind == WF_AST_EXPR_NAME) {
        uint32_t arg;
        access a = wf_comp_resolve(c, f->v.name.id, &arg);
        if (a == AC_GLOBAL) {
            emit(c, WF_OP_LOAD_GLOBAL, (arg << 1) | 1, f->lineno);
            return wf_comp_call_helper(c, e->lineno, 0, args, kws);
        }
    }
    if (wf_comp_expr(c, f) < 0)
        return -1;
    emit(c, WF_OP_PUSH_NULL, 0, f->lineno);
    return wf_comp_call_helper(c, e->lineno, 0, args, kws);
}

int
wf_comp_call_helper(compiler *c, int32_t line, uint32_t pushed,
                    const wf_ast_expr_seq *args, const wf_ast_keyword_seq *kws)
{
    bool ex = args->n + kws->n * 2 > 30 || has_starred(args);
    for (size_t i = 0; i < kws->n; i++)
        if (kws->items[i]->arg == NULL)
            ex = true;
    if (args->n + kws->n > 0xFFFF)
        return wf_comp_error_at(c, line, 0, line, 0, "too many arguments");
    if (!ex) {
        if (wf_comp_exprs(c, args) < 0)
            return -1;
        if (kws->n) {
            wf_value *names = malloc(kws->n * sizeof *names);
            if (names == NULL) {
                wf_err_no_memory(c->ts);
                return wf_comp_runtime_failed(c);
            }
            for (size_t i = 0; i < kws->n; i++) {
                if (wf_comp_expr(c, kws->items[i]->value) < 0) {
                    free(names);
                    return -1;
                }
                names[i] = wf_str_intern(c->ts, kws->items[i]->arg);
                if (names[i] == WF_NULL) {
                    free(names);
                    return wf_comp_runtime_failed(c);
                }
            }
            wf_value t = wf_tuple_from_array(c->ts, names, kws->n);
            free(names);
            if (t == WF_NULL)
                return wf_comp_runtime_failed(c);
            if (wf_comp_load_const(c, t, line) < 0)
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
        if (wf_comp_expr(c, args->items[0]->v.starred.value) < 0)
            return -1;
    } else if (!has_starred(args)) {
        if (wf_comp_exprs(c, args) < 0)
            return -1;
        emit(c, WF_OP_BUILD_TUPLE, pushed + (uint32_t)args->n, line);
    } else {
        if (pushed > 0)
            return wf_comp_error_at(c, line, 0, line, 0, "too many arguments");
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
                        return wf_comp_runtime_failed(c);
                    if (wf_comp_load_const(c, s, line) < 0 ||
                        wf_comp_expr(c, kws->items[k]->value) < 0)
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
            if (wf_comp_expr(c, kws->items[i]->value) < 0)
                return -1;
            emit(c, WF_OP_DICT_UPDATE, 1, line);
        }
    }
    emit(c, WF_OP_CALL_FUNCTION_EX, kws->n > 0 ? 1 : 0, line);
    return 0;
}

bool
wf_comp_is_two_element_slice(const wf_ast_expr *s)
{
    return s->kind == WF_AST_EXPR_SLICE && s->v.slice.step == NULL;
}

static int
slice_part(compiler *c, const wf_ast_expr *p, int32_t line)
{
    if (p == NULL)
        return wf_comp_load_const(c, WF_NONE, line);
    return wf_comp_expr(c, p);
}

int
wf_comp_slice_two_parts(compiler *c, const wf_ast_expr *s)
{
    if (slice_part(c, s->v.slice.lower, s->lineno) < 0 ||
        slice_part(c, s->v.slice.upper, s->lineno) < 0)
        return -1;
    return 0;
}

int
wf_comp_subscript(compiler *c, const wf_ast_expr *e)
{
    wf_ast_expr_context ctx = e->v.subscript.ctx;
    if (wf_comp_expr(c, e->v.subscript.value) < 0)
        return -1;
    const wf_ast_expr *s = e->v.subscript.slice;
    if (wf_comp_is_two_element_slice(s) && ctx != WF_AST_DEL) {
        if (wf_comp_slice_two_parts(c, s) < 0)
            return -1;
        emit(c, ctx == WF_AST_LOAD ? WF_OP_BINARY_SLICE : WF_OP_STORE_SLICE, 0,
             e->lineno);
        return 0;
    }
    if (wf_comp_expr(c, s) < 0)
        return -1;
    emit(c,
         ctx == WF_AST_LOAD    ? WF_OP_BINARY_SUBSCR
         : ctx == WF_AST_STORE ? WF_OP_STORE_SUBSCR
                               : WF_OP_DELETE_SUBSCR,
         0, e->lineno);
    return 0;
}

static int
formatted_value(compiler *c, const wf_ast_expr *e)
{
    if (wf_comp_expr(c, e->v.formatted_value.value) < 0)
        return -1;
    int conv = e->v.formatted_value.conversion;
    if (conv != -1)
        emit(c, WF_OP_CONVERT_VALUE,
             conv == 's' ? WF_CONV_STR : conv == 'r' ? WF_CONV_REPR : WF_CONV_ASCII,
             e->lineno);
    if (e->v.formatted_value.format_spec != NULL) {
        if (wf_comp_expr(c, e->v.formatted_value.format_spec) < 0)
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
        if (wf_comp_expr(c, elts->items[i]) < 0)
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
        if (wf_comp_expr(c, e->v.bin_op.left) < 0 ||
            wf_comp_expr(c, e->v.bin_op.right) < 0)
            return -1;
        emit(c, WF_OP_BINARY_OP, wf_comp_binop_arg(e->v.bin_op.op, false), line);
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
                    return wf_comp_runtime_failed(c);
            }
            return wf_comp_load_const(c, v, line);
        }
        if (op == WF_AST_USUB && is_const(o) &&
            o->v.constant.kind == WF_AST_CONST_BIG_INT &&
            strcmp(o->v.constant.str, "4611686018427387904") == 0)
            return wf_comp_load_const(c, wf_val_from_int(WF_INT_MIN), line);
        if (wf_comp_expr(c, o) < 0)
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
        return wf_comp_make_function(c, NULL, e);
    case WF_AST_EXPR_IF_EXP: {
        int32_t end = newblock(c), next = newblock(c);
        if (wf_comp_jump_if(c, e->v.if_exp.test, next, false) < 0 ||
            wf_comp_expr(c, e->v.if_exp.body) < 0)
            return -1;
        emit_jump(c, WF_PSEUDO_JUMP, end, NOLINE);
        useblock(c, next);
        if (wf_comp_expr(c, e->v.if_exp.orelse) < 0)
            return -1;
        useblock(c, end);
        return 0;
    }
    case WF_AST_EXPR_DICT: {
        size_t n = e->v.dict.keys.n;
        if (n <= 16) {
            for (size_t i = 0; i < n; i++)
                if (wf_comp_expr(c, e->v.dict.keys.items[i]) < 0 ||
                    wf_comp_expr(c, e->v.dict.values.items[i]) < 0)
                    return -1;
            emit(c, WF_OP_BUILD_MAP, (uint32_t)n, line);
            return 0;
        }
        emit(c, WF_OP_BUILD_MAP, 0, line);
        for (size_t i = 0; i < n; i++) {
            if (wf_comp_expr(c, e->v.dict.keys.items[i]) < 0 ||
                wf_comp_expr(c, e->v.dict.values.items[i]) < 0)
                return -1;
            emit(c, WF_OP_MAP_ADD, 1, line);
        }
        return 0;
    }
    case WF_AST_EXPR_SET:
        if (has_starred(&e->v.set.elts))
            return ERR_EXPR(c, e, "starred set displays are not supported "
                                  "by Weft");
        if (wf_comp_exprs(c, &e->v.set.elts) < 0)
            return -1;
        emit(c, WF_OP_BUILD_SET, (uint32_t)e->v.set.elts.n, line);
        return 0;
    case WF_AST_EXPR_LIST_COMP:
    case WF_AST_EXPR_SET_COMP:
    case WF_AST_EXPR_DICT_COMP:
    case WF_AST_EXPR_GENERATOR_EXP:
        return wf_comp_comprehension(c, e);
    case WF_AST_EXPR_YIELD:
        if (!c->u->is_function)
            return ERR_EXPR(c, e, "'yield' outside function");
        if (e->v.yield.value != NULL) {
            if (wf_comp_expr(c, e->v.yield.value) < 0)
                return -1;
        } else if (wf_comp_load_const(c, WF_NONE, line) < 0) {
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
            return wf_comp_load_const(c, wf_str_new(c->ts, "", 0), line);
        if (wf_comp_exprs(c, &e->v.joined_str.values) < 0)
            return -1;
        if (n != 1)
            emit(c, WF_OP_BUILD_STRING, (uint32_t)n, line);
        return 0;
    }
    case WF_AST_EXPR_CONSTANT: {
        wf_value v = wf_comp_const_value(c, e);
        if (v == WF_NULL)
            return -1;
        return wf_comp_load_const(c, v, line);
    }
    case WF_AST_EXPR_ATTRIBUTE: {
        wf_ast_expr_context ctx = e->v.attribute.ctx;
        if (wf_comp_expr(c, e->v.attribute.value) < 0)
            return -1;
        int32_t aline = wf_comp_attr_line(e, line);
        uint32_t ni = wf_comp_add_name(c, e->v.attribute.attr);
        if (ctx == WF_AST_LOAD)
            emit(c, WF_OP_LOAD_ATTR, ni << 1, aline);
        else
            emit(c, ctx == WF_AST_STORE ? WF_OP_STORE_ATTR : WF_OP_DELETE_ATTR,
                 ni, aline);
        return 0;
    }
    case WF_AST_EXPR_SUBSCRIPT:
        return wf_comp_subscript(c, e);
    case WF_AST_EXPR_STARRED:
        return ERR_EXPR(c, e, e->v.starred.ctx == WF_AST_STORE
                                  ? "starred assignment target must be in a "
                                    "list or tuple"
                                  : "can't use starred expression here");
    case WF_AST_EXPR_NAME:
        wf_comp_nameop(c, e->v.name.id, e->v.name.ctx, line);
        return 0;
    case WF_AST_EXPR_LIST:
        if (e->v.list.ctx == WF_AST_STORE)
            return unpack_store(c, e);
        if (e->v.list.ctx == WF_AST_DEL)
            return wf_comp_exprs(c, &e->v.list.elts);
        return starunpack(c, &e->v.list.elts, line, WF_OP_BUILD_LIST, false);
    case WF_AST_EXPR_TUPLE: {
        if (e->v.tuple.ctx == WF_AST_STORE)
            return unpack_store(c, e);
        if (e->v.tuple.ctx == WF_AST_DEL)
            return wf_comp_exprs(c, &e->v.tuple.elts);
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
            if (wf_comp_expr(c, e->v.slice.step) < 0)
                return -1;
            n = 3;
        }
        emit(c, WF_OP_BUILD_SLICE, n, line);
        return 0;
    }
    }
    return ERR_EXPR(c, e, "invalid expression");
}

int
wf_comp_expr(compiler *c, const wf_ast_expr *e)
{
    if (c->failed || wf_comp_check_stack(c) < 0)
        return -1;
    if (e == NULL)
        return wf_comp_error_at(c, 1, 0, 1, 0, "invalid syntax tree");
    return expr_inner(c, e);
}
