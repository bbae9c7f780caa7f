// runtime/legacy/lineno.c -- f_lineno jumps from a trace function
// (wf_lineno_*).
// Same rules and messages as CPython 3.14's frame_setlineno
// (Objects/frameobject.c), checked against Weft's bytecode: the value
// stack is modelled per instruction as a little stack of kinds (iterator,
// exception, object, NULL, saved lasti), three bits an entry, from the
// opcode table's stack effects, the jumps and the exception table. A jump
// is allowed where the target's stack is a prefix of the current one with
// compatible kinds; the values above it are popped.
#include "legacy/lineno.h"

#include <limits.h>

#include "objects/error.h"
#include "monitor/events.h"
#include "legacy/legacy.h"

#if WEFT_MONITORING
#  include "monitor/instrument.h"
#endif

// ===== The stack model =====

typedef enum kind {
    KIND_ITERATOR = 1,  // a for loop's iterator
    KIND_EXCEPT = 2,    // an exception, or an except block's saved one
    KIND_OBJECT = 3,
    KIND_NULL = 4,      // a NULL (or self-or-NULL) of a call sequence
    KIND_LASTI = 5,     // the offset a re-raise restores
} kind;

#define BITS 3
#define MAX_ENTRIES (63 / BITS)
#define WILL_OVERFLOW (1ull << ((MAX_ENTRIES - 1) * BITS))

static int64_t
push_kind(int64_t s, kind k)
{
    if (s < 0 || (uint64_t)s >= WILL_OVERFLOW)
        return s < 0 ? s : WF_LINENO_OVERFLOW;
    return (s << BITS) | (int64_t)k;
}

static int64_t
pop_kind(int64_t s)
{
    return s < 0 ? s : s >> BITS;
}

static kind
top_kind(int64_t s)
{
    return (kind)(s & ((1 << BITS) - 1));
}

// Kind of the [n]th entry from the top (1: the top).
static kind
peek_kind(int64_t s, uint32_t n)
{
    if (s < 0 || n == 0 || n > MAX_ENTRIES)
        return KIND_OBJECT;
    return (kind)((s >> (BITS * (n - 1))) & ((1 << BITS) - 1));
}

// Replace the [n]th entry from the top by [k].
static int64_t
poke_kind(int64_t s, uint32_t n, kind k)
{
    if (s < 0 || n == 0 || n > MAX_ENTRIES)
        return s;
    int shift = BITS * (int)(n - 1);
    s &= ~((int64_t)((1 << BITS) - 1) << shift);
    return s | ((int64_t)k << shift);
}

int
wf_lineno_stack_depth(int64_t s)
{
    if (s < 0)
        return INT_MAX;
    int d = 0;
    while (s != 0) {
        s = pop_kind(s);
        d++;
    }
    return d;
}

static int64_t
pop_to_level(int64_t s, int level)
{
    if (s < 0)
        return s;
    while (wf_lineno_stack_depth(s) > level)
        s = pop_kind(s);
    return s;
}

// Record [s] as the stack at [to]; true if [to] was already passed in
// this sweep ([from] >= [to]) and is newly reached, so another sweep is
// needed. A second, different stack for the same instruction keeps the
// first (the compiler never produces one).
static bool
flow(int64_t *stacks, uint32_t n, uint32_t from, uint32_t to, int64_t s)
{
    if (to >= n || stacks[to] != WF_LINENO_UNREACHED)
        return false;
    stacks[to] = s;
    return to <= from;
}

static uint8_t
base_opcode(const wf_code *co, uint32_t i)
{
#if WEFT_MONITORING
    const wf_instr_data *d = wf_instr_data_of(co);
    if (d != NULL)
        return d->base[i];  // under any twin or LINE/INSTRUCTION overlay
#endif
    return wf_op_base[wf_cu_op(co->code[i])];
}

void
wf_lineno_mark_stacks(const wf_code *co, int64_t *stacks)
{
    uint32_t n = co->ncode;
    for (uint32_t i = 0; i <= n; i++)
        stacks[i] = WF_LINENO_UNREACHED;
    stacks[0] = 0;
    bool again = true;
    while (again) {
        again = false;
        for (uint32_t i = 0; i < n; i++) {
            int64_t s = stacks[i];
            if (s == WF_LINENO_UNREACHED)
                continue;
            const wf_exc_entry *h = wf_code_find_handler(co, i);
            if (h != NULL) {
                int64_t t = pop_to_level(s, h->depth);
                if (h->lasti)
                    t = push_kind(t, KIND_LASTI);
                t = push_kind(t, KIND_EXCEPT);
                again |= flow(stacks, n, i, h->target, t);
            }
            uint8_t op = base_opcode(co, i);
            uint32_t arg = wf_cu_arg(co->code[i]);
            int64_t next = s;
            switch (op) {
            case WF_OP_POP_JUMP_IF_FALSE:
            case WF_OP_POP_JUMP_IF_TRUE:
            case WF_OP_POP_JUMP_IF_NONE:
            case WF_OP_POP_JUMP_IF_NOT_NONE:
                next = pop_kind(s);
                again |= flow(stacks, n, i, i + 1 + arg, next);
                break;
            case WF_OP_JUMP_FORWARD:
                again |= flow(stacks, n, i, i + 1 + arg, s);
                continue;
            case WF_OP_JUMP_BACKWARD:
            case WF_OP_JUMP_BACKWARD_NO_INTERRUPT:
                again |= flow(stacks, n, i, i + 1 - arg, s);
                continue;
            case WF_OP_RETURN_VALUE:
            case WF_OP_RAISE_VARARGS:
            case WF_OP_RERAISE:
                continue;  // end of block
            case WF_OP_GET_ITER:
                next = push_kind(pop_kind(s), KIND_ITERATOR);
                break;
            case WF_OP_FOR_ITER:
                // Exhausted: to END_FOR with the iterator still there.
                again |= flow(stacks, n, i, i + 1 + arg, s);
                next = push_kind(s, KIND_OBJECT);
                break;
            case WF_OP_PUSH_EXC_INFO:
                // (exc -- prev exc): both are exception entries.
                next = push_kind(s, KIND_EXCEPT);
                break;
            case WF_OP_PUSH_NULL:
                next = push_kind(s, KIND_NULL);
                break;
            case WF_OP_LOAD_GLOBAL:
                next = push_kind(s, KIND_OBJECT);
                if (arg & 1)
                    next = push_kind(next, KIND_NULL);
                break;
            case WF_OP_LOAD_ATTR:
                next = push_kind(pop_kind(s), KIND_OBJECT);
                if (arg & 1)
                    next = push_kind(next, KIND_NULL);
                break;
            case WF_OP_LOAD_SPECIAL:
                next = push_kind(push_kind(pop_kind(s), KIND_OBJECT),
                                 KIND_NULL);
                break;
            case WF_OP_COPY:
                next = push_kind(s, peek_kind(s, arg));
                break;
            case WF_OP_SWAP: {
                kind a = peek_kind(s, 1), b = peek_kind(s, arg);
                next = poke_kind(poke_kind(s, 1, b), arg, a);
                break;
            }
            default: {
                int delta = wf_op_stack_effect(op, arg);
                for (; delta < 0; delta++)
                    next = pop_kind(next);
                for (; delta > 0; delta--)
                    next = push_kind(next, KIND_OBJECT);
                break;
            }
            }
            again |= flow(stacks, n, i, i + 1, next);
        }
    }
}

static bool
compatible_kind(kind from, kind to)
{
    if (to == 0)
        return false;
    if (to == KIND_OBJECT)
        return from != KIND_NULL;
    if (to == KIND_NULL)
        return true;
    return from == to;
}

// True if a jump from a stack [from] to a stack [to] only pops values.
static bool
compatible_stack(int64_t from, int64_t to)
{
    if (from < 0 || to < 0)
        return false;
    while (wf_lineno_stack_depth(from) > wf_lineno_stack_depth(to))
        from = pop_kind(from);
    while (from != 0) {
        if (!compatible_kind(top_kind(from), top_kind(to)))
            return false;
        from = pop_kind(from);
        to = pop_kind(to);
    }
    return to == 0;
}

static const char *
explain_incompatible_stack(int64_t to)
{
    if (to == WF_LINENO_OVERFLOW)
        return "stack is too deep to analyze";
    if (to == WF_LINENO_UNREACHED)
        return "can't jump into an exception handler, or code may be "
               "unreachable";
    switch (top_kind(to)) {
    case KIND_EXCEPT:
        return "can't jump into an 'except' block as there's no exception";
    case KIND_LASTI:
        return "can't jump into a re-raising block as there's no location";
    case KIND_ITERATOR:
        return "can't jump into the body of a for loop";
    default:
        return "incompatible stacks";
    }
}

// ===== Lines =====

// Fill [starts] with the line each instruction starts (-1 if none): the
// first instruction of every run of one line, ignoring line-less
// instructions (CPython's marklines).
static void
mark_lines(const wf_code *co, int32_t *starts)
{
    int32_t last = -1;
    for (uint32_t i = 0; i < co->ncode; i++) {
        int32_t line = co->lines[i];
        starts[i] = -1;
        if (line != WF_NO_LINE && line != last) {
            starts[i] = line;
            last = line;
        }
    }
}

static int32_t
first_line_not_before(const int32_t *starts, uint32_t n, int32_t line)
{
    int32_t best = INT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (starts[i] >= line && starts[i] < best)
            best = starts[i];
    }
    return best == INT32_MAX ? -1 : best;
}

// ===== The setter =====

static int
value_error(wf_thread *ts, const char *msg)
{
    wf_err_format(ts, &wf_exc_ValueError, "%s", msg);
    return -1;
}

// The event check of CPython 3.14. Returns 0 if a jump may be made from
// the event being delivered, else -1 with the error set.
static int
check_event(wf_thread *ts)
{
    int ev = ts->lslot_what;
    if (ev < 0)
        return value_error(ts, "f_lineno can only be set in a trace function");
    switch (ev) {
    case WF_EV_LINE:
        return 0;
    case WF_EV_PY_RESUME:
    case WF_EV_JUMP:
    case WF_EV_BRANCH_LEFT:
    case WF_EV_BRANCH_RIGHT:
    case WF_EV_PY_YIELD:
        // CPython allows these too; Weft's fire layer continues at a new
        // instruction only after a LINE event (see docs/ARCHITECTURE.md,
        // "Legacy tracing"), so say so rather than jump half-way.
        return value_error(ts, "Weft can only jump from a 'line' event at "
                               "the start of a line");
    case WF_EV_PY_START:
        return value_error(ts, "can't jump from the 'call' trace event of "
                               "a new frame");
    case WF_EV_CALL:
    case WF_EV_C_RETURN:
        return value_error(ts, "can't jump during a call");
    case WF_EV_PY_RETURN:
    case WF_EV_PY_UNWIND:
    case WF_EV_PY_THROW:
    case WF_EV_RAISE:
    case WF_EV_C_RAISE:
    case WF_EV_INSTRUCTION:
    case WF_EV_EXCEPTION_HANDLED:
        return value_error(ts, "can only jump from a 'line' trace event");
    default:
        wf_err_format(ts, &wf_exc_SystemError, "unexpected event type");
        return -1;
    }
}

// Find the instruction to jump to: the start of [line] (the first line
// start not before it) whose stack is compatible with [start_stack], with
// the greatest encoded stack (the deepest one; the first of equals), as
// CPython 3.14's frame_setlineno picks it: a jump back to a `with` line
// lands after the context manager was entered, not before. Returns its
// index, or -1 with ValueError set.
static int64_t
find_target(wf_thread *ts, const int32_t *starts, const int64_t *stacks,
            uint32_t n, int32_t line, int64_t start_stack, int64_t *best)
{
    int64_t best_addr = -1;
    int64_t best_stack = -1;  // below every analysed stack
    const char *msg = "cannot find bytecode for specified line";
    bool explained = false;
    for (uint32_t i = 0; i < n; i++) {
        if (starts[i] != line)
            continue;
        int64_t target = stacks[i];
        if (compatible_stack(start_stack, target)) {
            if (target > best_stack) {
                best_stack = target;
                best_addr = i;
                *best = target;
            }
        } else if (!explained) {
            if (start_stack == WF_LINENO_OVERFLOW) {
                msg = "stack to deep to analyze";
            } else if (start_stack == WF_LINENO_UNREACHED) {
                msg = "can't jump from unreachable code";
            } else {
                msg = explain_incompatible_stack(target);
                explained = true;
            }
        }
    }
    if (best_addr < 0) {
        value_error(ts, msg);
        return -1;
    }
    return best_addr;
}

int
wf_lineno_set(wf_thread *ts, wf_frameobj *fo, wf_value value)
{
    if (value == WF_NULL) {
        wf_err_format(ts, &wf_exc_AttributeError, "cannot delete attribute");
        return -1;
    }
    if (!wf_val_is_int(value))
        return value_error(ts, "lineno must be an integer");
    if (check_event(ts) < 0)
        return -1;
    wf_frame *f = wf_frameobj_frame(fo);  // compared with our own below
    // Weft: only the frame whose event is being delivered can jump (any
    // other is in the middle of a call).
    if (f == NULL || f != ts->lslot_frame)
        return value_error(ts, "f_lineno can only be set in a trace function");
    int64_t l = wf_val_as_int(value);
    if (l > INT_MAX || l < INT_MIN)
        return value_error(ts, "lineno out of range");
    const wf_code *co = f->code;
    if (l < co->firstlineno) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "line %d comes before the current code block", (int)l);
        return -1;
    }
    uint32_t n = co->ncode;
    int32_t *starts = wf_mem_alloc(ts, n * sizeof *starts + 1);
    int64_t *stacks = starts != NULL
                          ? wf_mem_alloc(ts, (n + 1) * sizeof *stacks)
                          : NULL;
    int rc = -1;
    if (stacks == NULL)
        goto done;  // MemoryError set
    mark_lines(co, starts);
    int32_t line = first_line_not_before(starts, n, (int32_t)l);
    if (line < 0) {
        wf_err_format(ts, &wf_exc_ValueError,
                      "line %d comes after the current code block", (int)l);
        goto done;
    }
    wf_lineno_mark_stacks(co, stacks);
    uint32_t cur = f->instr > co->code ? wf_frame_lasti_index(f) : 0;
    int64_t start_stack = stacks[cur];
    int64_t best_stack = 0;
    int64_t target = find_target(ts, starts, stacks, n, line, start_stack,
                                 &best_stack);
    if (target < 0)
        goto done;
    // Pop what the target does not have; an `except` block's saved
    // exception goes back to being the handled one (POP_EXCEPT's effect).
    wf_value *sp = f->sp;
    while (wf_lineno_stack_depth(start_stack) >
           wf_lineno_stack_depth(best_stack)) {
        wf_value v = *--sp;
        if (top_kind(start_stack) == KIND_EXCEPT && ts->exc_info != NULL)
            ts->exc_info->exc = v == WF_NULL ? WF_NONE : v;
        start_stack = pop_kind(start_stack);
    }
    f->sp = sp;
    // Same as CPython: a local the compiler proved bound at the target may
    // be unbound after the jump; bind None rather than fail.
    for (uint32_t i = 0; i < co->nlocalsplus; i++) {
        if (f->localsplus[i] == WF_NULL &&
            !(co->localspluskinds[i] & (WF_LOCAL_CELL | WF_LOCAL_FREE)))
            f->localsplus[i] = WF_NONE;
    }
    fo->line_now = 0;
    f->instr = co->code + target;
    rc = 0;
done:
    wf_mem_free(stacks);
    wf_mem_free(starts);
    return rc;
}
