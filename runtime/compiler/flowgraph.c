// runtime/compiler/flowgraph.c -- the compiler's control-flow graph (wf_cfg_*).
// The passes follow CPython 3.14's Python/flowgraph.c in effect (written
// afresh): they decide which instruction carries which line, so LINE,
// BRANCH, JUMP and exception events land where CPython's do. Order, as in
// CPython: label exception targets; inline small exit blocks; remove
// unreachable blocks; resolve line numbers (duplicate exits without a line,
// propagate lines); thread jumps; remove redundant NOPs, pairs and jumps;
// push cold (exception-only) blocks to the end; resolve lines again; stack
// depth; prefix instructions; pseudo ops to NOP; normalise jumps; encode.
#include "compiler/flowgraph.h"

#include <stdlib.h>
#include <string.h>

#define MAX_COPY_SIZE 4

// ===== Building =====

static bool
grow_instrs(wf_cfg_block *b)
{
    if (b->n < b->cap)
        return true;
    uint32_t cap = b->cap ? b->cap * 2 : 8;
    wf_cfg_instr *ni = realloc(b->instrs, cap * sizeof *ni);
    if (ni == NULL)
        return false;
    b->instrs = ni;
    b->cap = cap;
    return true;
}

int32_t
wf_cfg_new_block(wf_cfg *g)
{
    if (g->oom)
        return -1;
    if (g->nblocks == g->cap) {
        uint32_t cap = g->cap ? g->cap * 2 : 16;
        wf_cfg_block *nb = realloc(g->blocks, cap * sizeof *nb);
        if (nb == NULL) {
            g->oom = true;
            return -1;
        }
        g->blocks = nb;
        g->cap = cap;
    }
    wf_cfg_block *b = &g->blocks[g->nblocks];
    memset(b, 0, sizeof *b);
    b->next = -1;
    b->startdepth = -1;
    return (int32_t)g->nblocks++;
}

int
wf_cfg_init(wf_cfg *g)
{
    memset(g, 0, sizeof *g);
    g->cur = wf_cfg_new_block(g);
    return g->cur < 0 ? -1 : 0;
}

void
wf_cfg_fini(wf_cfg *g)
{
    for (uint32_t i = 0; i < g->nblocks; i++) {
        free(g->blocks[i].instrs);
        free(g->blocks[i].xstack);
    }
    free(g->blocks);
    memset(g, 0, sizeof *g);
}

void
wf_cfg_use_block(wf_cfg *g, int32_t b)
{
    if (g->oom || b < 0)
        return;
    g->blocks[g->cur].next = b;
    g->cur = b;
}

static bool
is_jump(uint16_t op)
{
    switch (op) {
    case WF_PSEUDO_JUMP:
    case WF_PSEUDO_JUMP_NO_INTERRUPT:
    case WF_OP_JUMP_FORWARD:
    case WF_OP_JUMP_BACKWARD:
    case WF_OP_JUMP_BACKWARD_NO_INTERRUPT:
    case WF_OP_POP_JUMP_IF_FALSE:
    case WF_OP_POP_JUMP_IF_TRUE:
    case WF_OP_POP_JUMP_IF_NONE:
    case WF_OP_POP_JUMP_IF_NOT_NONE:
    case WF_OP_FOR_ITER:
        return true;
    default:
        return false;
    }
}

static bool
is_uncond_jump(uint16_t op)
{
    return op == WF_PSEUDO_JUMP || op == WF_PSEUDO_JUMP_NO_INTERRUPT ||
           op == WF_OP_JUMP_FORWARD || op == WF_OP_JUMP_BACKWARD ||
           op == WF_OP_JUMP_BACKWARD_NO_INTERRUPT;
}

static bool
is_scope_exit(uint16_t op)
{
    return op == WF_OP_RETURN_VALUE || op == WF_OP_RAISE_VARARGS ||
           op == WF_OP_RERAISE;
}

static bool
is_block_push(uint16_t op)
{
    return op == WF_PSEUDO_SETUP_FINALLY || op == WF_PSEUDO_SETUP_CLEANUP ||
           op == WF_PSEUDO_SETUP_WITH;
}

bool
wf_cfg_is_terminator(uint16_t op)
{
    return is_jump(op) || is_scope_exit(op);
}

static wf_cfg_instr *
last_instr(wf_cfg_block *b)
{
    return b->n ? &b->instrs[b->n - 1] : NULL;
}

static bool
has_fallthrough(wf_cfg_block *b)
{
    wf_cfg_instr *l = last_instr(b);
    return l == NULL || !(is_uncond_jump(l->op) || is_scope_exit(l->op));
}

static bool
append(wf_cfg *g, int32_t bi, const wf_cfg_instr *in)
{
    wf_cfg_block *b = &g->blocks[bi];
    if (!grow_instrs(b)) {
        g->oom = true;
        return false;
    }
    b->instrs[b->n++] = *in;
    return true;
}

void
wf_cfg_emit(wf_cfg *g, uint16_t op, uint32_t arg, int32_t target,
            int32_t line)
{
    if (g->oom)
        return;
    wf_cfg_instr *l = last_instr(&g->blocks[g->cur]);
    if (l != NULL && wf_cfg_is_terminator(l->op)) {
        int32_t nb = wf_cfg_new_block(g);
        if (nb < 0)
            return;
        wf_cfg_use_block(g, nb);
    }
    wf_cfg_instr in = {op, arg, line, target, -1};
    append(g, g->cur, &in);
}

static bool
insert_at(wf_cfg *g, int32_t bi, uint32_t pos, const wf_cfg_instr *in)
{
    wf_cfg_block *b = &g->blocks[bi];
    if (!grow_instrs(b)) {
        g->oom = true;
        return false;
    }
    memmove(&b->instrs[pos + 1], &b->instrs[pos],
            (b->n - pos) * sizeof *b->instrs);
    b->instrs[pos] = *in;
    b->n++;
    return true;
}

void
wf_cfg_insert_first(wf_cfg *g, uint16_t op, uint32_t arg, int32_t line)
{
    if (g->oom)
        return;
    wf_cfg_instr in = {op, arg, line, -1, -1};
    insert_at(g, 0, 0, &in);
}

// The first non-empty block at or after [b] in the layout, or -1. The
// empty blocks walked get their next pointed past the run (path
// compression): a run of n empty blocks reached by n jumps (the ends of a
// long elif chain) costs O(n), not O(n^2) (issue 20). An empty block
// never gets instructions again and contributes no code, so skipping it
// in the layout changes nothing; a block that is not empty keeps its next.
static int32_t
next_nonempty(wf_cfg *g, int32_t b)
{
    int32_t n = b;
    while (n >= 0 && g->blocks[n].n == 0)
        n = g->blocks[n].next;
    while (b != n && g->blocks[b].n == 0) {
        int32_t nx = g->blocks[b].next;
        g->blocks[b].next = n;
        b = nx;
    }
    return n;
}

// ===== Exception targets =====

static bool
copy_x(wf_cfg_block *dst, const int32_t *stack, uint32_t n)
{
    free(dst->xstack);
    dst->xstack = NULL;
    dst->nxstack = 0;
    dst->xset = true;
    if (n == 0)
        return true;
    dst->xstack = malloc(n * sizeof *dst->xstack);
    if (dst->xstack == NULL)
        return false;
    memcpy(dst->xstack, stack, n * sizeof *stack);
    dst->nxstack = n;
    return true;
}

// Give every instruction the handler of the innermost enclosing SETUP_*,
// turn POP_BLOCK into NOP, mark handler blocks (CPython's
// label_exception_targets and mark_except_handlers).
static int
label_exception_targets(wf_cfg *g)
{
    int32_t *todo = malloc((g->nblocks + 1) * sizeof *todo);
    if (todo == NULL)
        return -1;
    uint32_t sp = 0;
    for (uint32_t i = 0; i < g->nblocks; i++) {
        g->blocks[i].visited = false;
        g->blocks[i].xset = false;
    }
    for (uint32_t i = 0; i < g->nblocks; i++)
        for (uint32_t k = 0; k < g->blocks[i].n; k++) {
            wf_cfg_instr *in = &g->blocks[i].instrs[k];
            if (is_block_push(in->op)) {
                wf_cfg_block *t = &g->blocks[in->target];
                t->except_handler = true;
                if (in->op != WF_PSEUDO_SETUP_FINALLY)
                    t->preserve_lasti = true;
            }
        }
    todo[sp++] = 0;
    g->blocks[0].visited = true;
    g->blocks[0].xset = true;
    while (sp > 0) {
        int32_t bi = todo[--sp];
        // Work on a private copy of the entry stack.
        uint32_t n = g->blocks[bi].nxstack;
        int32_t *stack = malloc((n + g->blocks[bi].n + 1) * sizeof *stack);
        if (stack == NULL) {
            free(todo);
            return -1;
        }
        if (n)
            memcpy(stack, g->blocks[bi].xstack, n * sizeof *stack);
        for (uint32_t k = 0; k < g->blocks[bi].n; k++) {
            wf_cfg_instr *in = &g->blocks[bi].instrs[k];
            int32_t handler = n ? stack[n - 1] : -1;
            if (is_block_push(in->op)) {
                in->handler = handler;
                wf_cfg_block *t = &g->blocks[in->target];
                if (!t->visited) {
                    if (!copy_x(t, stack, n)) {
                        free(stack);
                        free(todo);
                        return -1;
                    }
                    t->visited = true;
                    todo[sp++] = in->target;
                }
                stack[n++] = in->target;
            } else if (in->op == WF_PSEUDO_POP_BLOCK) {
                if (n > 0)
                    n--;
                in->op = WF_OP_NOP;
                in->arg = 0;
                in->handler = -1;
            } else {
                in->handler = handler;
                if (is_jump(in->op)) {
                    wf_cfg_block *t = &g->blocks[in->target];
                    if (!t->visited) {
                        if (!copy_x(t, stack, n)) {
                            free(stack);
                            free(todo);
                            return -1;
                        }
                        t->visited = true;
                        todo[sp++] = in->target;
                    }
                }
            }
        }
        int32_t nx = g->blocks[bi].next;
        if (nx >= 0 && has_fallthrough(&g->blocks[bi]) &&
            !g->blocks[nx].visited) {
            if (!copy_x(&g->blocks[nx], stack, n)) {
                free(stack);
                free(todo);
                return -1;
            }
            g->blocks[nx].visited = true;
            todo[sp++] = nx;
        }
        free(stack);
    }
    free(todo);
    for (uint32_t i = 0; i < g->nblocks; i++) {
        free(g->blocks[i].xstack);
        g->blocks[i].xstack = NULL;
        g->blocks[i].nxstack = 0;
    }
    return 0;
}

// ===== Reachability =====

// Recompute predecessors and empty the blocks that cannot be reached.
static int
remove_unreachable(wf_cfg *g)
{
    int32_t *stack = malloc((g->nblocks + 1) * sizeof *stack);
    if (stack == NULL)
        return -1;
    uint32_t sp = 0;
    for (uint32_t i = 0; i < g->nblocks; i++) {
        g->blocks[i].predecessors = 0;
        g->blocks[i].visited = false;
    }
    stack[sp++] = 0;
    g->blocks[0].visited = true;
    g->blocks[0].predecessors = 1;
    while (sp > 0) {
        wf_cfg_block *b = &g->blocks[stack[--sp]];
        if (b->next >= 0 && has_fallthrough(b)) {
            wf_cfg_block *nb = &g->blocks[b->next];
            if (!nb->visited) {
                nb->visited = true;
                stack[sp++] = b->next;
            }
            nb->predecessors++;
        }
        for (uint32_t k = 0; k < b->n; k++) {
            wf_cfg_instr *in = &b->instrs[k];
            if (is_jump(in->op) || is_block_push(in->op)) {
                wf_cfg_block *t = &g->blocks[in->target];
                if (!t->visited) {
                    t->visited = true;
                    stack[sp++] = in->target;
                }
                t->predecessors++;
            }
        }
    }
    for (uint32_t i = 0; i < g->nblocks; i++)
        if (!g->blocks[i].visited)
            g->blocks[i].n = 0;
    free(stack);
    return 0;
}

// ===== Line numbers =====

static bool
has_no_lineno(const wf_cfg_block *b)
{
    for (uint32_t k = 0; k < b->n; k++)
        if (b->instrs[k].line >= 0)
            return false;
    return true;
}

static bool
has_eval_break(const wf_cfg_block *b)
{
    for (uint32_t k = 0; k < b->n; k++)
        switch (b->instrs[k].op) {
        case WF_PSEUDO_JUMP:
        case WF_OP_JUMP_BACKWARD:
        case WF_OP_CALL:
        case WF_OP_CALL_KW:
        case WF_OP_CALL_FUNCTION_EX:
        case WF_OP_RESUME:
            return true;
        default:
            break;
        }
    return false;
}

static bool
is_exit_or_eval_check_without_lineno(wf_cfg_block *b)
{
    wf_cfg_instr *l = last_instr(b);
    if (l == NULL)
        return false;
    if (!is_scope_exit(l->op) && !has_eval_break(b))
        return false;
    return has_no_lineno(b);
}

static int32_t
copy_block(wf_cfg *g, int32_t src)
{
    int32_t nb = wf_cfg_new_block(g);
    if (nb < 0)
        return -1;
    wf_cfg_block *s = &g->blocks[src];
    for (uint32_t k = 0; k < s->n; k++)
        if (!append(g, nb, &g->blocks[src].instrs[k]))
            return -1;
    g->blocks[nb].except_handler = g->blocks[src].except_handler;
    g->blocks[nb].preserve_lasti = g->blocks[src].preserve_lasti;
    return nb;
}

// Exit blocks without a line that several jumps reach are copied, one per
// jump, so each copy can take the line of the jump that reaches it
// (CPython's duplicate_exits_without_lineno).
static int
duplicate_exits_without_lineno(wf_cfg *g)
{
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_instr *l = last_instr(&g->blocks[bi]);
        if (l == NULL || !is_jump(l->op))
            continue;
        int32_t t = next_nonempty(g, l->target);
        if (t < 0)
            continue;
        if (is_exit_or_eval_check_without_lineno(&g->blocks[t]) &&
            g->blocks[t].predecessors > 1) {
            int32_t nb = copy_block(g, t);
            if (nb < 0)
                return -1;
            l = last_instr(&g->blocks[bi]);
            g->blocks[nb].instrs[0].line = l->line;
            l->target = nb;
            g->blocks[t].predecessors--;
            g->blocks[nb].predecessors = 1;
            g->blocks[nb].next = g->blocks[t].next;
            g->blocks[t].next = nb;
        }
    }
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_block *b = &g->blocks[bi];
        if (b->next >= 0 && b->n > 0 && has_fallthrough(b)) {
            wf_cfg_block *nb = &g->blocks[b->next];
            if (is_exit_or_eval_check_without_lineno(nb))
                nb->instrs[0].line = last_instr(b)->line;
        }
    }
    return 0;
}

static void
propagate_line_numbers(wf_cfg *g)
{
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_block *b = &g->blocks[bi];
        wf_cfg_instr *l = last_instr(b);
        if (l == NULL)
            continue;
        int32_t prev = WF_NO_LINE;
        for (uint32_t k = 0; k < b->n; k++) {
            if (b->instrs[k].line == WF_NO_LINE)
                b->instrs[k].line = prev;
            else
                prev = b->instrs[k].line;
        }
        if (has_fallthrough(b) && b->next >= 0) {
            wf_cfg_block *nb = &g->blocks[b->next];
            if (nb->predecessors == 1 && nb->n > 0 &&
                nb->instrs[0].line == WF_NO_LINE)
                nb->instrs[0].line = prev;
        }
        if (is_jump(l->op)) {
            wf_cfg_block *t = &g->blocks[l->target];
            if (t->predecessors == 1 && t->n > 0 &&
                t->instrs[0].line == WF_NO_LINE)
                t->instrs[0].line = prev;
        }
    }
}

static int
resolve_line_numbers(wf_cfg *g)
{
    if (duplicate_exits_without_lineno(g) < 0)
        return -1;
    propagate_line_numbers(g);
    return 0;
}

// ===== Peepholes =====

static bool
set_jump_after_nop(wf_cfg *g, int32_t bi, uint16_t op, int32_t target,
                   int32_t line)
{
    wf_cfg_instr *l = last_instr(&g->blocks[bi]);
    int32_t handler = l->handler;
    l->op = WF_OP_NOP;
    l->arg = 0;
    l->target = -1;
    wf_cfg_instr in = {op, 0, line, target, handler};
    return append(g, bi, &in);
}

// Jump threading: a jump to an unconditional jump goes straight to its
// target (CPython 3.13+: the old jump becomes a NOP keeping its line, the
// new jump takes the line of the jump it skips).
static int
optimize_jumps(wf_cfg *g)
{
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        for (int guard = 0; guard < 8; guard++) {
            wf_cfg_instr *l = last_instr(&g->blocks[bi]);
            if (l == NULL || !is_jump(l->op) || l->op == WF_OP_FOR_ITER)
                break;
            int32_t t = next_nonempty(g, l->target);
            if (t < 0)
                break;
            wf_cfg_instr *ti = &g->blocks[t].instrs[0];
            uint16_t op = l->op;
            bool thread = false;
            if (op == WF_PSEUDO_JUMP || op == WF_PSEUDO_JUMP_NO_INTERRUPT)
                thread = ti->op == WF_PSEUDO_JUMP ||
                         ti->op == WF_PSEUDO_JUMP_NO_INTERRUPT;
            else
                thread = ti->op == WF_PSEUDO_JUMP;
            if (!thread || ti->target == l->target)
                break;
            if (op == WF_PSEUDO_JUMP_NO_INTERRUPT &&
                ti->op == WF_PSEUDO_JUMP)
                op = WF_PSEUDO_JUMP;
            if (!set_jump_after_nop(g, bi, op, ti->target, ti->line))
                return -1;
        }
    }
    return 0;
}

static int
inline_small_or_no_lineno_blocks(wf_cfg *g)
{
    bool changes = true;
    for (int round = 0; changes && round < 64; round++) {
        changes = false;
        for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
            wf_cfg_instr *l = last_instr(&g->blocks[bi]);
            if (l == NULL || !is_uncond_jump(l->op))
                continue;
            int32_t t = l->target;
            if (t == bi)
                continue;
            wf_cfg_block *tb = &g->blocks[t];
            wf_cfg_instr *tl = last_instr(tb);
            bool small_exit =
                tl != NULL && is_scope_exit(tl->op) && tb->n <= MAX_COPY_SIZE;
            bool no_lineno = has_no_lineno(tb) && !has_fallthrough(tb);
            if (!small_exit && !no_lineno)
                continue;
            uint16_t removed = l->op;
            l->op = WF_OP_NOP;
            l->arg = 0;
            l->target = -1;
            uint32_t n = g->blocks[t].n;
            for (uint32_t k = 0; k < n; k++) {
                wf_cfg_instr copy = g->blocks[t].instrs[k];
                if (!append(g, bi, &copy))
                    return -1;
            }
            if (no_lineno) {
                l = last_instr(&g->blocks[bi]);
                if (is_uncond_jump(l->op) && removed == WF_PSEUDO_JUMP)
                    l->op = WF_PSEUDO_JUMP;
            }
            changes = true;
        }
    }
    return 0;
}

// Remove NOPs not needed to keep a line (CPython's
// basicblock_remove_redundant_nops). Returns the number removed.
static int
remove_redundant_nops_block(wf_cfg *g, int32_t bi)
{
    wf_cfg_block *b = &g->blocks[bi];
    uint32_t dest = 0;
    int32_t prev_line = -1;
    int removed = 0;
    for (uint32_t src = 0; src < b->n; src++) {
        wf_cfg_instr *in = &b->instrs[src];
        int32_t line = in->line;
        if (in->op == WF_OP_NOP) {
            if (line < 0)
                goto drop;
            if (prev_line == line)
                goto drop;
            if (src + 1 < b->n) {
                int32_t next_line = b->instrs[src + 1].line;
                if (next_line == line)
                    goto drop;
                if (next_line < 0) {
                    b->instrs[src + 1].line = line;
                    goto drop;
                }
            } else {
                int32_t nb = next_nonempty(g, b->next);
                if (nb >= 0) {
                    int32_t next_line = WF_NO_LINE;
                    wf_cfg_block *n = &g->blocks[nb];
                    for (uint32_t k = 0; k < n->n; k++) {
                        if (n->instrs[k].op == WF_OP_NOP &&
                            n->instrs[k].line < 0)
                            continue;
                        next_line = n->instrs[k].line;
                        break;
                    }
                    if (line == next_line)
                        goto drop;
                }
            }
        }
        if (dest != src)
            b->instrs[dest] = *in;
        dest++;
        prev_line = line;
        continue;
    drop:
        removed++;
    }
    b->n = dest;
    return removed;
}

static int
remove_redundant_nops(wf_cfg *g)
{
    int changes = 0;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next)
        changes += remove_redundant_nops_block(g, bi);
    return changes;
}

// LOAD_CONST / COPY 1 immediately popped: both become NOPs.
static void
remove_redundant_pairs(wf_cfg *g)
{
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_block *b = &g->blocks[bi];
        for (uint32_t k = 1; k < b->n; k++) {
            wf_cfg_instr *p = &b->instrs[k - 1], *in = &b->instrs[k];
            if (in->op != WF_OP_POP_TOP)
                continue;
            if (p->op == WF_OP_LOAD_CONST ||
                (p->op == WF_OP_COPY && p->arg == 1)) {
                p->op = WF_OP_NOP;
                p->arg = 0;
                in->op = WF_OP_NOP;
            }
        }
    }
}

static int
remove_redundant_jumps(wf_cfg *g)
{
    int changes = 0;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_instr *l = last_instr(&g->blocks[bi]);
        if (l == NULL || !is_uncond_jump(l->op))
            continue;
        int32_t t = next_nonempty(g, l->target);
        int32_t n = next_nonempty(g, g->blocks[bi].next);
        if (t == n) {
            l->op = WF_OP_NOP;
            l->arg = 0;
            l->target = -1;
            changes++;
        }
    }
    return changes;
}

static void
remove_redundant_nops_and_jumps(wf_cfg *g)
{
    for (int round = 0; round < 100; round++) {
        int n = remove_redundant_nops(g);
        n += remove_redundant_jumps(g);
        if (n == 0)
            break;
    }
}

// ===== Cold blocks =====

static int
push_cold_blocks_to_end(wf_cfg *g)
{
    if (g->blocks[0].next < 0)
        return 0;
    int32_t *stack = malloc((g->nblocks + 1) * sizeof *stack);
    if (stack == NULL)
        return -1;
    uint32_t sp = 0;
    for (uint32_t i = 0; i < g->nblocks; i++) {
        g->blocks[i].warm = g->blocks[i].cold = false;
        g->blocks[i].visited = false;
    }
    // Warm: reachable from the entry without an exception edge.
    stack[sp++] = 0;
    g->blocks[0].visited = true;
    while (sp > 0) {
        int32_t bi = stack[--sp];
        wf_cfg_block *b = &g->blocks[bi];
        b->warm = true;
        if (b->next >= 0 && has_fallthrough(b) &&
            !g->blocks[b->next].visited) {
            g->blocks[b->next].visited = true;
            stack[sp++] = b->next;
        }
        for (uint32_t k = 0; k < b->n; k++)
            if (is_jump(b->instrs[k].op) &&
                !g->blocks[b->instrs[k].target].visited) {
                g->blocks[b->instrs[k].target].visited = true;
                stack[sp++] = b->instrs[k].target;
            }
    }
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next)
        if (g->blocks[bi].except_handler && !g->blocks[bi].warm &&
            !g->blocks[bi].visited) {
            g->blocks[bi].visited = true;
            stack[sp++] = bi;
        }
    while (sp > 0) {
        int32_t bi = stack[--sp];
        wf_cfg_block *b = &g->blocks[bi];
        b->cold = true;
        if (b->next >= 0 && has_fallthrough(b) && !g->blocks[b->next].warm &&
            !g->blocks[b->next].visited) {
            g->blocks[b->next].visited = true;
            stack[sp++] = b->next;
        }
        for (uint32_t k = 0; k < b->n; k++)
            if (is_jump(b->instrs[k].op)) {
                int32_t t = b->instrs[k].target;
                if (!g->blocks[t].warm && !g->blocks[t].visited) {
                    g->blocks[t].visited = true;
                    stack[sp++] = t;
                }
            }
    }
    free(stack);
    // A cold block falling into a warm one gets an explicit jump.
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_block *b = &g->blocks[bi];
        if (b->cold && has_fallthrough(b) && b->next >= 0 &&
            g->blocks[b->next].warm) {
            int32_t nb = wf_cfg_new_block(g);
            if (nb < 0)
                return -1;
            b = &g->blocks[bi];
            wf_cfg_instr in = {WF_PSEUDO_JUMP_NO_INTERRUPT, 0, WF_NO_LINE,
                               b->next, -1};
            if (!append(g, nb, &in))
                return -1;
            g->blocks[nb].cold = true;
            g->blocks[nb].next = b->next;
            g->blocks[nb].predecessors = 1;
            b->next = nb;
        }
    }
    // Move each streak of cold blocks to the end, in order.
    int32_t cold_head = -1, cold_tail = -1;
    int32_t bi = 0;
    while (g->blocks[bi].next >= 0) {
        while (g->blocks[bi].next >= 0 &&
               !g->blocks[g->blocks[bi].next].cold)
            bi = g->blocks[bi].next;
        if (g->blocks[bi].next < 0)
            break;
        int32_t start = g->blocks[bi].next;
        int32_t end = start;
        while (g->blocks[end].next >= 0 && g->blocks[g->blocks[end].next].cold)
            end = g->blocks[end].next;
        if (cold_head < 0)
            cold_head = start;
        else
            g->blocks[cold_tail].next = start;
        cold_tail = end;
        g->blocks[bi].next = g->blocks[end].next;
        g->blocks[end].next = -1;
    }
    g->blocks[bi].next = cold_head;
    if (cold_head >= 0)
        remove_redundant_nops_and_jumps(g);
    return 0;
}

// ===== Stack depth =====

static int
jump_effect(uint16_t op, uint32_t arg, bool jump)
{
    switch (op) {
    case WF_PSEUDO_JUMP:
    case WF_PSEUDO_JUMP_NO_INTERRUPT:
    case WF_PSEUDO_POP_BLOCK:
        return 0;
    case WF_PSEUDO_SETUP_FINALLY:
    case WF_PSEUDO_SETUP_WITH:
        return jump ? 1 : 0;
    case WF_PSEUDO_SETUP_CLEANUP:
        return jump ? 2 : 0;
    case WF_OP_FOR_ITER:
        return jump ? 0 : 1;
    default:
        return wf_op_stack_effect((uint8_t)op, arg);
    }
}

static int
stackdepth(wf_cfg *g, uint32_t *out)
{
    int32_t *stack = malloc((g->nblocks + 1) * sizeof *stack);
    if (stack == NULL)
        return -1;
    uint32_t sp = 0;
    for (uint32_t i = 0; i < g->nblocks; i++)
        g->blocks[i].startdepth = -1;
    int maxdepth = 0;
#define PUSH_BLOCK(b, d)                                   \
    do {                                                   \
        if (g->blocks[(b)].startdepth < 0) {               \
            g->blocks[(b)].startdepth = (d);               \
            stack[sp++] = (b);                             \
        } else if (g->blocks[(b)].startdepth < (d)) {      \
            g->blocks[(b)].startdepth = (d);               \
        }                                                  \
    } while (0)
    PUSH_BLOCK(0, 0);
    while (sp > 0) {
        int32_t bi = stack[--sp];
        wf_cfg_block *b = &g->blocks[bi];
        int depth = b->startdepth;
        bool falls = true;
        for (uint32_t k = 0; k < b->n; k++) {
            wf_cfg_instr *in = &b->instrs[k];
            if (is_jump(in->op) || is_block_push(in->op)) {
                int td = depth + jump_effect(in->op, in->arg, true);
                if (td > maxdepth)
                    maxdepth = td;
                if (td < 0)
                    td = 0;
                PUSH_BLOCK(in->target, td);
            }
            depth += jump_effect(in->op, in->arg, false);
            if (depth < 0)
                depth = 0;
            if (depth > maxdepth)
                maxdepth = depth;
            if (is_uncond_jump(in->op) || is_scope_exit(in->op)) {
                falls = false;
                break;
            }
        }
        if (falls && b->next >= 0)
            PUSH_BLOCK(b->next, depth);
    }
#undef PUSH_BLOCK
    free(stack);
    *out = (uint32_t)maxdepth;
    return 0;
}

// ===== Final layout =====

static uint16_t
invert_cond(uint16_t op)
{
    switch (op) {
    case WF_OP_POP_JUMP_IF_FALSE: return WF_OP_POP_JUMP_IF_TRUE;
    case WF_OP_POP_JUMP_IF_TRUE: return WF_OP_POP_JUMP_IF_FALSE;
    case WF_OP_POP_JUMP_IF_NONE: return WF_OP_POP_JUMP_IF_NOT_NONE;
    case WF_OP_POP_JUMP_IF_NOT_NONE: return WF_OP_POP_JUMP_IF_NONE;
    default: return op;
    }
}

// Conditional jumps only go forward: a backward one becomes the inverted
// condition over a new JUMP block (CPython's normalize_jumps).
static int
normalize_jumps(wf_cfg *g)
{
    for (uint32_t i = 0; i < g->nblocks; i++)
        g->blocks[i].visited = false;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        g->blocks[bi].visited = true;
        wf_cfg_instr *l = last_instr(&g->blocks[bi]);
        if (l == NULL || !is_jump(l->op) || is_uncond_jump(l->op) ||
            l->op == WF_OP_FOR_ITER)
            continue;
        if (!g->blocks[l->target].visited)
            continue;
        int32_t nb = wf_cfg_new_block(g);
        if (nb < 0)
            return -1;
        l = last_instr(&g->blocks[bi]);
        wf_cfg_instr in = {WF_PSEUDO_JUMP, 0, l->line, l->target, l->handler};
        if (!append(g, nb, &in))
            return -1;
        g->blocks[nb].startdepth = g->blocks[l->target].startdepth;
        l->op = invert_cond(l->op);
        l->target = g->blocks[bi].next;
        g->blocks[nb].next = g->blocks[bi].next;
        g->blocks[bi].next = nb;
        g->blocks[nb].visited = true;
        bi = nb;
    }
    return 0;
}

// Put the prefix instructions before the entry block's code, with one
// move of that code (not one per MAKE_CELL: issue 20). Sets g->oom when
// out of memory.
static void
insert_prefix(wf_cfg *g, const wf_cfg_prefix *p)
{
    uint32_t k = (p->nfree > 0 ? 1u : 0u) + p->ncells + (p->generator ? 2u : 0u);
    if (k == 0)
        return;
    wf_cfg_block *b = &g->blocks[0];
    if (b->n + k > b->cap) {
        uint32_t cap = b->n + k;
        wf_cfg_instr *ni = realloc(b->instrs, cap * sizeof *ni);
        if (ni == NULL) {
            g->oom = true;
            return;
        }
        b->instrs = ni;
        b->cap = cap;
    }
    memmove(&b->instrs[k], &b->instrs[0], b->n * sizeof *b->instrs);
    b->n += k;
    uint32_t pos = 0;
    wf_cfg_instr in = {0, 0, WF_NO_LINE, -1, -1};
    if (p->nfree > 0) {
        in.op = WF_OP_COPY_FREE_VARS;
        in.arg = p->nfree;
        b->instrs[pos++] = in;
    }
    for (uint32_t i = 0; i < p->ncells; i++) {
        in.op = WF_OP_MAKE_CELL;
        in.arg = p->cells[i];
        b->instrs[pos++] = in;
    }
    if (p->generator) {
        in.line = p->firstlineno;
        in.op = WF_OP_RETURN_GENERATOR;
        in.arg = 0;
        b->instrs[pos++] = in;
        in.op = WF_OP_POP_TOP;
        b->instrs[pos++] = in;
    }
}

static bool
line_cannot_start(uint8_t op)
{
    return op == WF_OP_END_FOR || op == WF_OP_POP_ITER || op == WF_OP_RESUME;
}

static int
encode(wf_cfg *g, const wf_cfg_prefix *p, wf_cfg_result *out)
{
    uint32_t n = 0;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        g->blocks[bi].offset = n;
        n += g->blocks[bi].n;
    }
    if (n == 0)
        n = 0;
    out->ncode = n;
    out->code = malloc((n ? n : 1) * sizeof *out->code);
    out->lines = malloc((n ? n : 1) * sizeof *out->lines);
    out->line_starts = calloc(n ? n : 1, 1);
    if (out->code == NULL || out->lines == NULL || out->line_starts == NULL)
        return -1;
    // Units before the first RESUME (the prefix) are not traceable.
    uint32_t first_traceable = 0;
    (void)p;
    uint32_t i = 0;
    uint32_t nexc = 0, capexc = 0;
    int32_t cur_handler = -1;
    uint32_t run_start = 0;
    bool seen_resume = false;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next) {
        wf_cfg_block *b = &g->blocks[bi];
        for (uint32_t k = 0; k < b->n; k++, i++) {
            wf_cfg_instr *in = &b->instrs[k];
            uint16_t op = in->op;
            uint32_t arg = in->arg;
            if (is_jump(op)) {
                uint32_t t = g->blocks[next_nonempty(g, in->target)].offset;
                bool fwd = t > i;
                switch (op) {
                case WF_PSEUDO_JUMP:
                    op = fwd ? WF_OP_JUMP_FORWARD : WF_OP_JUMP_BACKWARD;
                    break;
                case WF_PSEUDO_JUMP_NO_INTERRUPT:
                    op = fwd ? WF_OP_JUMP_FORWARD
                             : WF_OP_JUMP_BACKWARD_NO_INTERRUPT;
                    break;
                default:
                    break;
                }
                arg = fwd ? t - (i + 1) : (i + 1) - t;
            }
            if (arg > WF_OPARG_MAX)
                return -2;  // no extended arguments: refused (LANGUAGE.md)
            out->code[i] = wf_cu_make((uint8_t)op, arg);
            out->lines[i] = in->line;
            if (op == WF_OP_RESUME && !seen_resume) {
                seen_resume = true;
                first_traceable = i;
            }
            // Exception table runs.
            if (in->handler != cur_handler) {
                if (cur_handler >= 0) {
                    if (nexc == capexc) {
                        capexc = capexc ? capexc * 2 : 8;
                        wf_exc_entry *ne =
                            realloc(out->exctable, capexc * sizeof *ne);
                        if (ne == NULL)
                            return -1;
                        out->exctable = ne;
                    }
                    wf_cfg_block *h = &g->blocks[cur_handler];
                    wf_exc_entry *e = &out->exctable[nexc++];
                    e->start = run_start;
                    e->end = i;
                    e->target =
                        g->blocks[next_nonempty(g, cur_handler)].offset;
                    int d = h->startdepth - 1 - (h->preserve_lasti ? 1 : 0);
                    if (d > UINT16_MAX)
                        return -2;
                    e->depth = (uint16_t)(d < 0 ? 0 : d);
                    e->lasti = h->preserve_lasti ? 1 : 0;
                }
                cur_handler = in->handler;
                run_start = i;
            }
        }
    }
    if (cur_handler >= 0) {
        if (nexc == capexc) {
            capexc = capexc ? capexc * 2 : 8;
            wf_exc_entry *ne = realloc(out->exctable, capexc * sizeof *ne);
            if (ne == NULL)
                return -1;
            out->exctable = ne;
        }
        wf_cfg_block *h = &g->blocks[cur_handler];
        wf_exc_entry *e = &out->exctable[nexc++];
        e->start = run_start;
        e->end = n;
        e->target = g->blocks[next_nonempty(g, cur_handler)].offset;
        int d = h->startdepth - 1 - (h->preserve_lasti ? 1 : 0);
        if (d > UINT16_MAX)
            return -2;
        e->depth = (uint16_t)(d < 0 ? 0 : d);
        e->lasti = h->preserve_lasti ? 1 : 0;
    }
    out->nexc = nexc;
    // Line starts: a unit whose line differs from the previous traceable
    // unit's in code order (CPython's initialize_lines; END_FOR, POP_ITER
    // and RESUME never start a line).
    int32_t current = -1;
    for (uint32_t u = first_traceable; u < n; u++) {
        uint8_t op = wf_cu_op(out->code[u]);
        if (line_cannot_start(op))
            continue;
        int32_t line = out->lines[u];
        if (line != current && line >= 0)
            out->line_starts[u] = 1;
        current = line;
    }
    // Jump targets and handler entries with a line are candidates too
    // (value 2): CPython marks them so a LINE can fire after a jump; the
    // event fires there only if the line differs from the previously
    // executed instruction's, or the unit was reached by a backward jump.
    for (uint32_t u = first_traceable; u < n; u++) {
        uint32_t t;
        uint8_t op = wf_cu_op(out->code[u]);
        if (!wf_op_jump_target(op, wf_cu_arg(out->code[u]), u, &t) || t >= n)
            continue;
        if (out->lines[t] >= 0 && out->line_starts[t] == 0 &&
            !line_cannot_start(wf_cu_op(out->code[t])))
            out->line_starts[t] = 2;
    }
    for (uint32_t k = 0; k < nexc; k++) {
        uint32_t t = out->exctable[k].target;
        if (t < n && out->lines[t] >= 0 && out->line_starts[t] == 0 &&
            !line_cannot_start(wf_cu_op(out->code[t])))
            out->line_starts[t] = 2;
    }
    return 0;
}

// ===== Driver =====

int
wf_cfg_assemble(wf_cfg *g, const wf_cfg_prefix *prefix, wf_cfg_result *out)
{
    memset(out, 0, sizeof *out);
    if (g->oom)
        return -1;
    if (label_exception_targets(g) < 0)
        return -1;
    if (inline_small_or_no_lineno_blocks(g) < 0 || remove_unreachable(g) < 0 ||
        resolve_line_numbers(g) < 0 || optimize_jumps(g) < 0)
        goto fail;
    remove_redundant_nops(g);
    remove_redundant_pairs(g);
    remove_redundant_nops(g);
    if (remove_unreachable(g) < 0)
        goto fail;
    remove_redundant_nops_and_jumps(g);
    if (push_cold_blocks_to_end(g) < 0 || resolve_line_numbers(g) < 0)
        goto fail;
    if (g->oom || stackdepth(g, &out->stacksize) < 0)
        goto fail;
    insert_prefix(g, prefix);
    if (g->oom)
        goto fail;
    if (prefix->generator && out->stacksize < 1)
        out->stacksize = 1;
    for (int32_t bi = 0; bi >= 0; bi = g->blocks[bi].next)
        for (uint32_t k = 0; k < g->blocks[bi].n; k++) {
            wf_cfg_instr *in = &g->blocks[bi].instrs[k];
            if (is_block_push(in->op) || in->op == WF_PSEUDO_POP_BLOCK) {
                in->op = WF_OP_NOP;
                in->arg = 0;
                in->target = -1;
            }
        }
    remove_redundant_nops_and_jumps(g);
    if (normalize_jumps(g) < 0 || g->oom)
        goto fail;
    int rc = encode(g, prefix, out);
    if (rc < 0) {
        wf_cfg_result_free(out);
        return rc;
    }
    return 0;
fail:
    wf_cfg_result_free(out);
    return -1;
}

void
wf_cfg_result_free(wf_cfg_result *r)
{
    free(r->code);
    free(r->lines);
    free(r->line_starts);
    free(r->exctable);
    memset(r, 0, sizeof *r);
}
