// runtime/vm/eval.c -- the bytecode interpreter (wf_eval_*).
// One loop, run_frame(), executes frames; Python-to-Python calls push the
// callee's frame on the data stack and continue in the same invocation
// (CPython 3.11+'s inlined calls), so only calls that come from C recurse
// in C. Dispatch is computed goto or a switch (WF_USE_COMPUTED_GOTO). The
// opcode bodies live in eval_ops.h (plain) and eval_ev_ops.h (event
// opcodes, compiled twice: base and INSTRUMENTED_ twin, STYLE 5.3).
// Upholds ARCHITECTURE invariant 5: the eval breaker is checked only at
// RESUME and JUMP_BACKWARD; the instrumented twins are the only place that
// fires events, through runtime/monitor/fire.h.
#include "vm/eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "fatal.h"
#include "objects/cell.h"
#include "vm/code.h"
#include "objects/dict_cache.h"
#include "objects/error.h"
#include "objects/func.h"
#include "objects/gen.h"
#include "vm/frameobj.h"
#include "legacy/cbframe.h"
#include "monitor/fire.h"
#include "vm/cstack.h"
#include "vm/opcode.h"

// ===== C stack guard =====

// True if entering one more eval invocation could overflow the C stack
// (vm/cstack.h: the thread's floor, sanitizer margins included).
static inline bool
c_stack_exhausted(void)
{
    return wf_cstack_exhausted();
}

// ===== Cold helpers (STYLE 6.6) =====

WF_NOINLINE static void
unbound_local(wf_thread *ts, const wf_code *co, uint32_t i)
{
    wf_err_format(ts, &wf_exc_UnboundLocalError,
                  "cannot access local variable '%U' where it is not "
                  "associated with a value",
                  wf_tuple_items(co->localsplusnames)[i]);
}

WF_NOINLINE static void
unbound_deref(wf_thread *ts, const wf_code *co, uint32_t i)
{
    wf_value name = wf_tuple_items(co->localsplusnames)[i];
    if (i >= co->nlocalsplus - co->nfreevars)
        wf_err_format(ts, &wf_exc_NameError,
                      "cannot access free variable '%U' where it is not "
                      "associated with a value in enclosing scope",
                      name);
    else
        unbound_local(ts, co, i);
}

WF_NOINLINE static void
name_error(wf_thread *ts, wf_value name)
{
    wf_err_format(ts, &wf_exc_NameError, "name '%U' is not defined", name);
}

WF_NOINLINE static bool
no_locals(wf_thread *ts, wf_value name)
{
    wf_err_format(ts, &wf_exc_RuntimeError,
                  "no locals found when storing %R", name);
    return true;
}

// LOAD_NAME: the frame's locals dict, then globals, then builtins.
static wf_value
load_name(wf_thread *ts, wf_frame *f, wf_value name)
{
    wf_value v;
    if (f->locals != WF_NULL) {
        int r = wf_dict_get(ts, f->locals, name, &v);
        if (r < 0)
            return WF_NULL;
        if (r > 0)
            return v;
    }
    v = wf_dict_get_str(f->globals, name);
    if (v != WF_NULL)
        return v;
    v = wf_dict_get_str(f->builtins, name);
    if (v != WF_NULL)
        return v;
    name_error(ts, name);
    return WF_NULL;
}

static wf_value
load_build_class(wf_thread *ts, wf_frame *f)
{
    wf_value name = wf_str_intern(ts, "__build_class__");
    if (name == WF_NULL)
        return WF_NULL;
    wf_value bc = wf_dict_get_str(f->builtins, name);
    if (bc == WF_NULL)
        wf_err_format(ts, &wf_exc_NameError, "__build_class__ not found");
    return bc;
}

// LOAD_SPECIAL: __enter__ (0) or __exit__ (1), looked up on the type.
static wf_value
load_special(wf_thread *ts, wf_value owner, uint32_t which)
{
    const char *cname = which == WF_SPECIAL_ENTER ? "__enter__" : "__exit__";
    wf_value name = wf_str_intern(ts, cname);
    if (name == WF_NULL)
        return WF_NULL;
    wf_value meth = wf_type_lookup(wf_val_type(owner), name);
    if (meth == WF_NULL) {
        // Same as CPython 3.14 (_PyEval_SpecialMethodCanSuggest aside).
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'%s' object does not support the context "
                             "manager protocol (missed %s method)",
                             wf_obj_type_name(owner), cname);
    }
    return meth;
}

// CALL_INTRINSIC_1.
static wf_value
call_intrinsic_1(wf_thread *ts, uint32_t which, wf_value v)
{
    switch (which) {
    case WF_INTRINSIC_UNARY_POSITIVE:
        return wf_obj_unaryop(ts, v, WF_UNARY_POSITIVE);
    case WF_INTRINSIC_LIST_TO_TUPLE:
        return wf_list_as_tuple(ts, v);
    case WF_INTRINSIC_STOPITERATION_ERROR: {
        // STOPITERATION_ERROR: a StopIteration escaping a generator body
        // becomes RuntimeError (PEP 479), with it as cause and context.
        if (!wf_val_isinstance(v, &wf_exc_StopIteration))
            return v;
        wf_value err = wf_exc_new_msg(ts, &wf_exc_RuntimeError,
                                      "generator raised StopIteration");
        if (err == WF_NULL)
            return WF_NULL;
        wf_exc *e = (wf_exc *)wf_val_as_obj(err);
        e->cause = v;
        e->context = v;
        e->suppress_context = true;
        return err;
    }
    default:
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "unknown intrinsic %u", (unsigned)which);
    }
}

// BUILD_SET: sets are optional in the subset; use builtins.set if the
// object layer provides it, else TypeError.
static wf_value
build_set(wf_thread *ts, wf_frame *f, const wf_value *items, uint32_t n)
{
    wf_value name = wf_str_intern(ts, "set");
    if (name == WF_NULL)
        return WF_NULL;
    wf_value set = wf_dict_get_str(f->builtins, name);
    if (set == WF_NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "set displays are not supported by Weft");
    wf_value t = wf_tuple_from_array(ts, items, n);
    if (t == WF_NULL || wf_root_push(ts, t) < 0)
        return WF_NULL;
    size_t mark = wf_root_mark(ts) - 1;
    wf_value r = wf_obj_call(ts, set, &t, 1, WF_NULL);
    wf_root_release(ts, mark);
    return r;
}

// obj.<name>(v), result discarded. Returns 0 or -1.
static int
call_method_1(wf_thread *ts, wf_value obj, const char *cname, wf_value v)
{
    wf_value name = wf_str_intern(ts, cname);
    if (name == WF_NULL)
        return -1;
    wf_value r = wf_obj_call_dunder(ts, obj, name, &v, 1);
    return r == WF_NULL ? -1 : 0;
}

WF_NOINLINE static void
list_extend_error(wf_thread *ts, wf_value it)
{
    if (!wf_err_matches(ts, &wf_exc_TypeError))
        return;
    wf_type *tp = wf_val_type(it);
    if (tp->iter != NULL || tp->getitem != NULL)
        return;
    wf_value name = wf_str_intern(ts, "__iter__");
    if (name == WF_NULL || wf_type_lookup(tp, name) != WF_NULL)
        return;
    wf_err_clear(ts);
    wf_err_format(ts, &wf_exc_TypeError,
                  "Value after * must be an iterable, not %T", it);
}

static wf_value
convert_value(wf_thread *ts, wf_value v, uint32_t how)
{
    switch (how) {
    case WF_CONV_STR: return wf_obj_str(ts, v);
    case WF_CONV_REPR: return wf_obj_repr(ts, v);
    default: return wf_str_ascii(ts, v);
    }
}

// ===== Calls =====

// Push and bind a frame for Python function [callable]; the fast path
// copies exactly-matching positional arguments.
static inline wf_frame *
push_call_frame(wf_thread *ts, wf_value callable, const wf_value *args,
                size_t nargs, wf_value kwnames)
{
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callable);
    wf_code *co = fn->code;
    wf_frame *nf = wf_frame_push(ts, co, callable, fn->globals,
                                 fn->builtins, WF_NULL);
    if (WF_UNLIKELY(nf == NULL))
        return NULL;
    if (WF_LIKELY(kwnames == WF_NULL && nargs == co->argcount &&
                  co->kwonlyargcount == 0 &&
                  !(co->flags & (WF_CO_VARARGS | WF_CO_VARKEYWORDS)))) {
        for (size_t i = 0; i < nargs; i++)
            nf->localsplus[i] = args[i];
        return nf;
    }
    if (wf_func_bind(ts, fn, nf, args, nargs, kwnames) < 0) {
        wf_frame_pop(ts, nf);
        return NULL;
    }
    return nf;
}

// Call a non-Python callable; plain builtin functions directly.
static inline wf_value
call_object(wf_thread *ts, wf_value callable, const wf_value *args,
            size_t nargs, wf_value kwnames)
{
    if (wf_val_is(callable, &wf_builtin_type)) {
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(callable);
        if (b->self == WF_NULL &&
            (b->owner == NULL ||
             (nargs > 0 && wf_val_isinstance(args[0], b->owner))))
            return b->fn(ts, args, nargs, kwnames);
    }
    return wf_obj_call(ts, callable, args, nargs, kwnames);
}

// C_RETURN / C_RAISE with the result kept rooted across the hook.
// (Referenced from the base copy too, where `if (WF_INSTR)` removes it.)
WF_NOINLINE __attribute__((unused)) static int
fire_c_result(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
              wf_value callable, wf_value arg0, wf_value res)
{
    size_t mark = wf_root_mark(ts);
    if (res != WF_NULL && wf_root_push(ts, res) < 0)
        return -1;
    int r = wf_fire_c_result(ts, f, pc, callable, arg0, res != WF_NULL);
    wf_root_release(ts, mark);
    return r;
}

// ===== Frame exit =====

// The frame-exit tail of exit_frame and exception_unwind: make [done]'s
// caller the thread's current frame and release [done] (a generator's
// frame stays in its generator, completed). Returns how the loop goes on:
// 0 (continue in the caller's frame), WF_FRAME_ENTRY (return to C; always
// for a generator's frame) or WF_FRAME_CALLBACK. Always inlined: it is on
// the return path of every frame.
static inline __attribute__((always_inline)) uint8_t
leave_frame(wf_thread *ts, wf_frame *done)
{
    ts->frame = done->previous;
    if (done->owner == WF_FRAME_OWNED_BY_GENERATOR) {
        wf_frame_detach_object(ts, done);
        wf_frame_set_state(done, WF_FRAME_COMPLETED);
        done->previous = NULL;
        return WF_FRAME_ENTRY;
    }
    uint8_t entry = done->is_entry;
    wf_frame_pop(ts, done);
    return entry;
}

// ===== The loop =====

void
wf_eval_debug_break(const wf_codeunit *pc, uint8_t op)
{
    (void)pc;
    (void)op;
}

// Hot state in locals (Wren): f, code, next_pc, sp, localsplus, consts,
// names. Everything else is reached through f.
#define LOAD_FRAME()                                          \
    do {                                                      \
        code = f->code;                                       \
        next_pc = f->instr;                                   \
        sp = f->sp;                                           \
        localsplus = f->localsplus;                           \
        consts = wf_tuple_items(code->consts);                \
        names = wf_tuple_items(code->names);                  \
    } while (0)
#define SAVE_FRAME() (f->instr = next_pc, f->sp = sp)
#define THIS_PC (next_pc - 1)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define PEEK(n) (sp[-(ptrdiff_t)(n)])
#define POKE(n, v) (sp[-(ptrdiff_t)(n)] = (v))
#define GETLOCAL(i) (localsplus[(i)])
#define SETLOCAL(i, v) (localsplus[(i)] = (v))
#define JUMPBY(n) (next_pc += (n))
#define ERROR_IF(cond)             \
    do {                           \
        if (WF_UNLIKELY(cond))     \
            goto error;            \
    } while (0)
// Save next_pc and sp into the frame, then evaluate [expr]: the collector
// and the monitor see an exact frame while [expr] runs (STYLE 6.2).
#define PROTECT(expr) (SAVE_FRAME(), (expr))
#define FIRE(expr)                 \
    do {                           \
        SAVE_FRAME();              \
        if ((expr) < 0)            \
            goto error;            \
    } while (0)
// FIRE for the hooks that may start a callback frame (fire.h "Callback
// frames"): 1 means run the frame the hook pushed.
#if WEFT_MONITORING
#  define FIRE_CB(expr)                  \
    do {                                 \
        SAVE_FRAME();                    \
        int r_ = (expr);                 \
        if (WF_UNLIKELY(r_ != 0)) {      \
            if (r_ < 0)                  \
                goto error;              \
            goto enter_callback;         \
        }                                \
    } while (0)
#else
#  define FIRE_CB(expr) FIRE(expr)
#endif
#define CHECK_EVAL_BREAKER()                                              \
    do {                                                                  \
        if (WF_UNLIKELY(wf_atomic_load_relaxed_u32(&ts->eval_breaker) |  \
                        WF_DEBUG_GC_EVERY_SAFEPOINT)) {                   \
            SAVE_FRAME();                                                 \
            if (wf_brk_handle(ts) < 0)                                    \
                goto error;                                               \
        }                                                                 \
    } while (0)

// RESUME and JUMP_BACKWARD: after a pause, a monitoring rewrite may have
// swapped this very instruction (base <-> twin). Re-dispatch to what is
// there now, under any LINE/INSTRUCTION overlay (those already fired), so
// that once set_events returns this thread reports the event, and once
// events are off it reports none. The check is inside the breaker's cold
// branch: the hot path is unchanged (invariant 5).
#if WEFT_MONITORING
#  define CHECK_EVAL_BREAKER_REDISPATCH(name)                              \
    do {                                                                  \
        if (WF_UNLIKELY(wf_atomic_load_relaxed_u32(&ts->eval_breaker) |  \
                        WF_DEBUG_GC_EVERY_SAFEPOINT)) {                   \
            SAVE_FRAME();                                                 \
            if (wf_brk_handle(ts) < 0)                                    \
                goto error;                                               \
            uint8_t now_ = wf_fire_inner_opcode(f, THIS_PC);              \
            if (now_ != (WF_INSTR ? WF_OP_INSTRUMENTED_##name            \
                                  : WF_OP_##name))                        \
                DISPATCH_OPCODE(now_);                                    \
        }                                                                 \
    } while (0)
#else
#  define CHECK_EVAL_BREAKER_REDISPATCH(name) CHECK_EVAL_BREAKER()
#endif

#if WF_DEBUG_TRACE_OPS
#  define TRACE_OP()                                                      \
    do {                                                                  \
        wf_eval_debug_break(next_pc, wf_cu_op(*next_pc));                 \
        fprintf(stderr, "  %s:%u %s %u\n", wf_str_cstr(code->name),       \
                (unsigned)(next_pc - code->code),                          \
                wf_op_names[wf_cu_op(*next_pc)],                          \
                (unsigned)wf_cu_arg(*next_pc));                           \
    } while (0)
#else
#  define TRACE_OP() ((void)0)
#endif

#if WF_USE_COMPUTED_GOTO
#  define LABEL_(name) op_##name:
#  define DISPATCH()                                \
    do {                                            \
        TRACE_OP();                                 \
        wf_codeunit cu_ = *next_pc++;               \
        oparg = wf_cu_arg(cu_);                     \
        goto *dispatch_table[wf_cu_op(cu_)];        \
    } while (0)
#  define DISPATCH_OPCODE(op) goto *dispatch_table[(op)]
#else
#  define LABEL_(name) case WF_OP_##name:
#  define DISPATCH() goto dispatch
#  define DISPATCH_OPCODE(op) \
    do {                      \
        opcode = (op);        \
        goto dispatch_opcode; \
    } while (0)
#endif

static wf_value
run_frame(wf_thread *ts, wf_frame *f, bool throwing)
{
#if WF_USE_COMPUTED_GOTO
    static const void *const dispatch_table[WF_OP__COUNT] = {
#  define WF_OP(name, ...) [WF_OP_##name] = &&op_##name,
#  define WF_OP_EV(name, ...) [WF_OP_##name] = &&op_##name,
#  include "vm/opcodes.def"
#  if WEFT_MONITORING
#    define WF_OP(name, ...)
#    define WF_OP_EV(name, ...) \
        [WF_OP_INSTRUMENTED_##name] = &&op_INSTRUMENTED_##name,
#    include "vm/opcodes.def"
        [WF_OP_INSTRUMENTED_LINE] = &&op_INSTRUMENTED_LINE,
        [WF_OP_INSTRUMENTED_INSTRUCTION] = &&op_INSTRUMENTED_INSTRUCTION,
#  else
#    define WF_OP(name, ...)
#    define WF_OP_EV(name, ...) [WF_OP_INSTRUMENTED_##name] = &&op_unknown,
#    include "vm/opcodes.def"
        [WF_OP_INSTRUMENTED_LINE] = &&op_unknown,
        [WF_OP_INSTRUMENTED_INSTRUCTION] = &&op_unknown,
#  endif
    };
#else
    uint8_t opcode;
#endif
    wf_code *code;
    const wf_codeunit *next_pc;
    wf_value *sp;
    wf_value *localsplus;
    const wf_value *consts;
    const wf_value *names;
    // size_t, not uint32_t: a 32-bit oparg indexing consts/localsplus
    // made gcc 12 re-zero-extend it (mov r32,r32) in every hot opcode.
    size_t oparg;
    wf_value retval;

    f->previous = ts->frame;
    ts->frame = f;
    wf_frame_set_state(f, WF_FRAME_EXECUTING);
    LOAD_FRAME();
    if (throwing) {
        FIRE(wf_fire_py_throw(ts, f, THIS_PC));
        goto error;
    }
    DISPATCH();

#if !WF_USE_COMPUTED_GOTO
dispatch:
    TRACE_OP();
    {
        wf_codeunit cu_ = *next_pc++;
        oparg = wf_cu_arg(cu_);
        opcode = wf_cu_op(cu_);
    }
dispatch_opcode: __attribute__((unused));
    switch (opcode) {
#endif

#define TARGET(name) LABEL_(name)
#define WF_INSTR 0
#include "vm/eval_ops.h"
#include "vm/eval_ev_ops.h"
#undef WF_INSTR
#undef TARGET

#if WEFT_MONITORING
#define TARGET(name) LABEL_(INSTRUMENTED_##name)
#define WF_INSTR 1
#include "vm/eval_ev_ops.h"
#undef WF_INSTR

    // Overlays of any opcode: fire, then run the original (which may
    // itself be a twin). oparg is the original's.
    TARGET(LINE) {
        if (WF_UNLIKELY(wf_fire_line_quiet(ts))) {
            f->mon_jump_to = NULL;
            DISPATCH_OPCODE(wf_fire_original_opcode(f, THIS_PC, true));
        }
        // LINE event for this line start: wf_fire_line decides whether
        // the line is new for this frame (consuming the recorded jump) and
        // delivers it, maybe starting a callback frame. A changed f->instr
        // afterwards is a jump requested by a callback (fire.h "What a
        // callback may rely on").
        FIRE_CB(wf_fire_line(ts, f, THIS_PC));
        if (WF_UNLIKELY(f->instr != next_pc)) {
            // A callback jumped (the legacy bridge's f_lineno): continue at
            // its target, which gets no LINE event of its own (CPython).
            next_pc = f->instr;
            sp = f->sp;
            wf_fire_note_jump(f, next_pc, next_pc);
            DISPATCH();
        }
        DISPATCH_OPCODE(wf_fire_original_opcode(f, THIS_PC, true));
    }

    TARGET(INSTRUCTION) {
        FIRE(wf_fire_instruction(ts, f, THIS_PC));
        DISPATCH_OPCODE(wf_fire_original_opcode(f, THIS_PC, false));
    }
#undef TARGET
#endif

#if !WF_USE_COMPUTED_GOTO
    default:
        goto op_unknown;
    }
#endif

op_unknown: __attribute__((unused));
    wf_fatal("unknown opcode %u at unit %u of %s",
             (unsigned)wf_cu_op(next_pc[-1]),
             (unsigned)(next_pc - 1 - code->code), wf_str_cstr(code->name));

    // A frame returns [retval]: back to the caller's frame in this loop,
    // or out to C for an entry frame.
exit_frame: {
    f->instr = next_pc;  // f_lineno of a frame object is the return's
    uint8_t entry = leave_frame(ts, f);
    if (entry) {
#if WEFT_MONITORING
        if (entry == WF_FRAME_CALLBACK)
            goto callback_returned;
#endif
        return retval;
    }
    f = ts->frame;
    LOAD_FRAME();
    PUSH(retval);
    DISPATCH();
}

#if WEFT_MONITORING
    // A trace function pushed by a hook (fire.h "Callback frames"): run
    // it in this loop.
enter_callback:
    f = ts->frame;
    LOAD_FRAME();
    DISPATCH();

    // It returned [retval]: finish its event, then continue the traced
    // instruction where the event left it (the code after each FIRE_CB).
callback_returned: {
    int ev = wf_cbf_return(ts, retval);
    const wf_codeunit *here = ts->lcb.pc;
    f = ts->frame;
    LOAD_FRAME();
    if (ev == WF_EV_LINE) {
        if (WF_UNLIKELY(next_pc != here + 1)) {
            // The trace function jumped (f_lineno): as TARGET(LINE).
            wf_fire_note_jump(f, next_pc, next_pc);
            DISPATCH();
        }
        oparg = wf_cu_arg(*here);
        DISPATCH_OPCODE(wf_fire_original_opcode(f, here, true));
    }
    if (ev == WF_EV_PY_RETURN) {
        retval = POP();
        goto exit_frame;
    }
    if (ev == WF_EV_PY_YIELD) {
        // YIELD_VALUE's steps after its event.
        retval = POP();
        f->sp = sp;
        wf_frame_set_state(f, WF_FRAME_SUSPENDED);
        ts->frame = f->previous;
        f->previous = NULL;
        return retval;
    }
    DISPATCH();  // PY_START / PY_RESUME: past RESUME
}
#endif

    // An instruction raised: record this frame in the traceback, then
    // look for a handler (STYLE 6.5).
error: {
    if (WF_UNLIKELY(!wf_err_occurred(ts)))
        wf_err_format(ts, &wf_exc_RuntimeError,
                      "error return without exception set");
    uint32_t idx = (uint32_t)(THIS_PC - code->code);
    if (wf_err_add_traceback(ts, wf_frame_traceback_object(ts, f),
                             wf_val_from_obj(wf_code_public(code)),
                             wf_code_line(code, idx),
                             wf_code_offset(idx)) < 0) {
        // MemoryError replaced the exception; unwind with it.
    }
    SAVE_FRAME();
    if (wf_fire_raise(ts, f, THIS_PC) < 0) {
        // The hook replaced the exception; unwind with the new one.
    }
}
exception_unwind: {
    uint32_t idx = (uint32_t)(THIS_PC - code->code);
    const wf_exc_entry *h = wf_code_find_handler(code, idx);
    if (h != NULL) {
        sp = wf_frame_stack_base(f) + h->depth;
        if (h->lasti)
            PUSH(wf_val_from_int(wf_code_offset(idx)));
        PUSH(wf_err_fetch(ts));
        next_pc = code->code + h->target;
        SAVE_FRAME();
        wf_fire_note_jump(f, code->code + idx, next_pc);  // LINE at a handler
        // A callback that raises unwinds from here (CPython:
        // monitor_handled failing goes to exception_unwind).
        if (wf_fire_exception_handled(ts, f, next_pc, PEEK(1)) < 0)
            goto exception_unwind;
        DISPATCH();
    }
    SAVE_FRAME();
    (void)wf_fire_py_unwind(ts, f, THIS_PC);
    uint8_t entry = leave_frame(ts, f);
    if (entry) {
#if WEFT_MONITORING
        if (entry == WF_FRAME_CALLBACK) {
            // A trace function run by the loop raised: the traced
            // instruction raises it (as a hook returning -1 would).
            wf_cbf_unwind(ts);
            f = ts->frame;
            LOAD_FRAME();
            next_pc = (const wf_codeunit *)ts->lcb.pc + 1;
            sp = ts->lcb.sp;
            goto error;
        }
#endif
        return WF_NULL;
    }
    f = ts->frame;
    LOAD_FRAME();
    goto error;
}
}

#undef LOAD_FRAME
#undef SAVE_FRAME
#undef THIS_PC
#undef PUSH
#undef POP
#undef PEEK
#undef POKE
#undef GETLOCAL
#undef SETLOCAL
#undef JUMPBY
#undef ERROR_IF
#undef PROTECT
#undef FIRE
#undef FIRE_CB
#undef CHECK_EVAL_BREAKER
#undef CHECK_EVAL_BREAKER_REDISPATCH
#undef TRACE_OP
#undef LABEL_
#undef DISPATCH
#undef DISPATCH_OPCODE

// ===== Entry points =====

WF_NOINLINE static wf_value
c_stack_overflow(wf_thread *ts, wf_frame *f)
{
    wf_err_format(ts, &wf_exc_RecursionError,
                  "maximum recursion depth exceeded");
    if (f->owner == WF_FRAME_OWNED_BY_THREAD)
        wf_frame_pop(ts, f);
    return WF_NULL;
}

wf_value
wf_eval_frame(wf_thread *ts, wf_frame *f)
{
    if (WF_UNLIKELY(c_stack_exhausted()))
        return c_stack_overflow(ts, f);
    f->is_entry = WF_FRAME_ENTRY;
    return run_frame(ts, f, false);
}

wf_value
wf_eval_resume(wf_thread *ts, wf_frame *f, bool throwing)
{
    if (WF_UNLIKELY(c_stack_exhausted())) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        return WF_NULL;
    }
    f->is_entry = WF_FRAME_ENTRY;
    return run_frame(ts, f, throwing);
}

wf_value
wf_eval_code(wf_thread *ts, wf_code *co, wf_value globals)
{
    wf_frame *f = wf_frame_push(ts, co, WF_NULL, globals,
                                ts->interp->builtins_dict, globals);
    if (f == NULL)
        return WF_NULL;
    return wf_eval_frame(ts, f);
}
