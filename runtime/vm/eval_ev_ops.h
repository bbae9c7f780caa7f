// runtime/vm/eval_ev_ops.h -- bodies of the opcodes that can raise a PEP 669
// event (WF_OP_EV in opcodes.def). Included twice by eval.c (STYLE 5.3):
// with WF_INSTR 0 the labels are op_NAME and every `if (WF_INSTR)` block
// is compiled away; with WF_INSTR 1 they are op_INSTRUMENTED_NAME and the
// FIRE() calls reach runtime/monitor/fire.h. Base and twin are the same
// text, so they cannot drift. No labels inside: both copies share eval.c's
// exit_frame / error / exception_unwind paths.

// Exhausted: jump to END_FOR, then POP_ITER. As CPython 3.14, the loop's
// BRANCH_RIGHT is reported by POP_ITER (from this FOR_ITER), and a
// generator that returns reports STOP_ITERATION here, at the `for` line.
TARGET(FOR_ITER) {
    wf_value next;
    int r;
    if (WF_INSTR && wf_val_is(PEEK(1), &wf_gen_type)) {
        r = PROTECT(wf_gen_send(ts, PEEK(1), WF_NONE, &next));
        if (r == 0) {
            PUSH(next);  // the return value, rooted while it is reported
            FIRE(wf_fire_stop_iteration(ts, f, THIS_PC, next));
            sp--;
        }
    } else {
        r = PROTECT(wf_obj_iternext(ts, PEEK(1), &next));
    }
    if (WF_LIKELY(r > 0)) {
        PUSH(next);
        if (WF_INSTR)
            FIRE(wf_fire_branch(ts, f, THIS_PC, THIS_PC, next_pc, false));
        DISPATCH();
    }
    ERROR_IF(r < 0);
    if (WF_INSTR)
        wf_fire_note_jump(f, THIS_PC, next_pc + oparg);
    JUMPBY(oparg);
    DISPATCH();
}

TARGET(POP_ITER) {
    if (WF_INSTR) {
        // The source is the FOR_ITER that jumped to the END_FOR before us,
        // else (break) the instruction before.
        const wf_codeunit *src = THIS_PC - 1;
        if (f->mon_jump_to == THIS_PC - 1 && f->mon_jump_from != NULL)
            src = f->mon_jump_from;
        FIRE(wf_fire_branch(ts, f, THIS_PC, src, next_pc, true));
    }
    sp--;
    DISPATCH();
}

TARGET(JUMP_FORWARD) {
    if (WF_INSTR)
        FIRE(wf_fire_jump(ts, f, THIS_PC, next_pc + oparg));
    JUMPBY(oparg);
    DISPATCH();
}

TARGET(JUMP_BACKWARD) {
    CHECK_EVAL_BREAKER_REDISPATCH(JUMP_BACKWARD);
    if (WF_INSTR)
        FIRE(wf_fire_jump(ts, f, THIS_PC, next_pc - oparg));
    JUMPBY(-(int32_t)oparg);
    DISPATCH();
}

TARGET(POP_JUMP_IF_FALSE) {
    wf_value cond = PEEK(1);
    int t = cond == WF_TRUE ? 1 : cond == WF_FALSE ? 0 : -2;
    if (WF_UNLIKELY(t == -2)) {
        t = PROTECT(wf_obj_truthy(ts, cond));
        ERROR_IF(t < 0);
    }
    sp--;
    const wf_codeunit *dest = t ? next_pc : next_pc + oparg;
    if (WF_INSTR)
        FIRE(wf_fire_branch(ts, f, THIS_PC, THIS_PC, dest, !t));
    next_pc = dest;
    DISPATCH();
}

TARGET(POP_JUMP_IF_TRUE) {
    wf_value cond = PEEK(1);
    int t = cond == WF_TRUE ? 1 : cond == WF_FALSE ? 0 : -2;
    if (WF_UNLIKELY(t == -2)) {
        t = PROTECT(wf_obj_truthy(ts, cond));
        ERROR_IF(t < 0);
    }
    sp--;
    const wf_codeunit *dest = t ? next_pc + oparg : next_pc;
    if (WF_INSTR)
        FIRE(wf_fire_branch(ts, f, THIS_PC, THIS_PC, dest, t != 0));
    next_pc = dest;
    DISPATCH();
}

TARGET(POP_JUMP_IF_NONE) {
    bool taken = PEEK(1) == WF_NONE;
    sp--;
    const wf_codeunit *dest = taken ? next_pc + oparg : next_pc;
    if (WF_INSTR)
        FIRE(wf_fire_branch(ts, f, THIS_PC, THIS_PC, dest, taken));
    next_pc = dest;
    DISPATCH();
}

TARGET(POP_JUMP_IF_NOT_NONE) {
    bool taken = PEEK(1) != WF_NONE;
    sp--;
    const wf_codeunit *dest = taken ? next_pc + oparg : next_pc;
    if (WF_INSTR)
        FIRE(wf_fire_branch(ts, f, THIS_PC, THIS_PC, dest, taken));
    next_pc = dest;
    DISPATCH();
}

// CALL and CALL_KW: (callable self_or_null a1..an [kwnames] -- r), where
// [k] is 1 if a tuple of keyword names is on top (CALL_KW: oparg counts
// the keyword values too, kwnames names the last ones), else 0. A Python
// function gets a frame on the data stack and runs in this same C
// invocation (no C recursion). A macro, not a helper: it dispatches, and
// [k] must stay a constant in each copy.
#define CALL_BODY(k, kwnames)                                              \
    do {                                                                   \
        wf_value *args = sp - (k) - oparg;                                 \
        wf_value callable = PEEK(oparg + 2 + (k));                         \
        size_t total = (k) ? oparg - wf_tuple_len(kwnames) : oparg;        \
        if (PEEK(oparg + 1 + (k)) != WF_NULL) {                            \
            args--;                                                        \
            total++;                                                       \
        } else if (wf_val_is(callable, &wf_method_type)) {                 \
            const wf_method *m = (const wf_method *)wf_val_as_obj(callable); \
            callable = m->func;                                            \
            POKE(oparg + 2 + (k), callable);                               \
            POKE(oparg + 1 + (k), m->self);                                \
            args--;                                                        \
            total++;                                                       \
        }                                                                  \
        if (WF_INSTR)                                                      \
            FIRE(wf_fire_call(ts, f, THIS_PC, callable,                    \
                              total ? args[0] : WF_NULL));                 \
        if (wf_val_is(callable, &wf_func_type)) {                          \
            wf_frame *nf = push_call_frame(ts, callable, args, total,      \
                                           (kwnames));                     \
            ERROR_IF(nf == NULL);                                          \
            f->instr = next_pc;                                            \
            f->sp = sp - oparg - 2 - (k);                                  \
            nf->previous = f;                                              \
            wf_frame_set_state(nf, WF_FRAME_EXECUTING);                                \
            ts->frame = nf;                                                \
            f = nf;                                                        \
            LOAD_FRAME();                                                  \
            DISPATCH();                                                    \
        }                                                                  \
        wf_value res = PROTECT(call_object(ts, callable, args, total,      \
                                           (kwnames)));                    \
        if (WF_INSTR)                                                      \
            FIRE(fire_c_result(ts, f, THIS_PC, callable,                   \
                               total ? args[0] : WF_NULL, res));           \
        ERROR_IF(res == WF_NULL);                                          \
        sp -= oparg + 2 + (k);                                             \
        PUSH(res);                                                         \
        DISPATCH();                                                        \
    } while (0)

TARGET(CALL) {
    CALL_BODY(0, WF_NULL);
}

TARGET(CALL_KW) {
    wf_value kwnames = PEEK(1);
    CALL_BODY(1, kwnames);
}

#undef CALL_BODY

// (callable self_or_null args [kwargs] -- r)
TARGET(CALL_FUNCTION_EX) {
    uint32_t nkw = oparg & 1;
    int r = PROTECT(wf_func_prepare_call_ex(ts, sp - 3 - nkw, nkw != 0));
    ERROR_IF(r < 0);
    wf_value callable = PEEK(3 + nkw);
    wf_value argt = PEEK(1 + nkw);
    if (WF_INSTR)
        FIRE(wf_fire_call(ts, f, THIS_PC, callable,
                          wf_tuple_len(argt) ? wf_tuple_items(argt)[0]
                                             : WF_NULL));
    wf_value res = PROTECT(wf_obj_call_ex(ts, callable, argt,
                                          nkw ? PEEK(1) : WF_NULL));
    if (WF_INSTR && !wf_val_is(callable, &wf_func_type))
        FIRE(fire_c_result(ts, f, THIS_PC, callable,
                           wf_tuple_len(argt) ? wf_tuple_items(argt)[0]
                                              : WF_NULL,
                           res));
    ERROR_IF(res == WF_NULL);
    sp -= 3 + nkw;
    PUSH(res);
    DISPATCH();
}

TARGET(RESUME) {
    CHECK_EVAL_BREAKER_REDISPATCH(RESUME);
    if (WF_INSTR)
        FIRE_CB(wf_fire_start(ts, f, THIS_PC, oparg));
    DISPATCH();
}

TARGET(RETURN_VALUE) {
    if (WF_INSTR)
        FIRE_CB(wf_fire_py_return(ts, f, THIS_PC, PEEK(1)));
    retval = POP();
    goto exit_frame;
}

// Generator frames only (they are always entry frames: resumed from C).
TARGET(YIELD_VALUE) {
    if (WF_INSTR)
        FIRE_CB(wf_fire_py_yield(ts, f, THIS_PC, PEEK(1)));
    retval = POP();
    f->instr = next_pc;
    f->sp = sp;
    wf_frame_set_state(f, WF_FRAME_SUSPENDED);
    ts->frame = f->previous;
    f->previous = NULL;
    return retval;
}

// ([lasti] exc -- ): re-raise without a new traceback entry. The saved
// lasti is not needed: handlers are looked up at this instruction and the
// traceback entry of this frame already exists.
TARGET(RERAISE) {
    wf_value exc = PEEK(1);
    sp -= 1 + (oparg ? 1 : 0);
    wf_err_restore(ts, exc);
    if (WF_INSTR) {
        // A callback that raises replaces the exception (CPython).
        SAVE_FRAME();
        (void)wf_fire_reraise(ts, f, THIS_PC);
    }
    goto exception_unwind;
}
