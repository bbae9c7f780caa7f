// runtime/vm/eval_ops.h -- bodies of the opcodes that never raise a PEP 669
// event (WF_OP in opcodes.def). Included once, inside wf_eval's dispatch,
// by eval.c; uses eval.c's vocabulary (STYLE 6.1) and its hot locals.
// Operands stay on the value stack until the call that consumes them has
// returned, so the collector sees them (STYLE 6.2).

// ----- stack and constants -----

TARGET(NOP) {
    DISPATCH();
}

TARGET(POP_TOP) {
    sp--;
    DISPATCH();
}

TARGET(PUSH_NULL) {
    PUSH(WF_NULL);
    DISPATCH();
}

TARGET(COPY) {
    wf_value v = PEEK(oparg);
    PUSH(v);
    DISPATCH();
}

TARGET(SWAP) {
    wf_value top = PEEK(1);
    POKE(1, PEEK(oparg));
    POKE(oparg, top);
    DISPATCH();
}

TARGET(LOAD_CONST) {
    PUSH(consts[oparg]);
    DISPATCH();
}

TARGET(LOAD_COMMON_CONSTANT) {
    PUSH(wf_val_from_obj(oparg == WF_COMMON_ASSERTION_ERROR
                             ? &wf_exc_AssertionError
                             : &wf_exc_NotImplementedError));
    DISPATCH();
}

// ----- locals, cells, globals, names -----

TARGET(LOAD_FAST) {
    wf_value v = GETLOCAL(oparg);
    if (WF_UNLIKELY(v == WF_NULL)) {
        unbound_local(ts, code, oparg);
        goto error;
    }
    PUSH(v);
    DISPATCH();
}

TARGET(LOAD_FAST_AND_CLEAR) {
    PUSH(GETLOCAL(oparg));
    SETLOCAL(oparg, WF_NULL);
    DISPATCH();
}

TARGET(STORE_FAST) {
    SETLOCAL(oparg, POP());
    DISPATCH();
}

TARGET(DELETE_FAST) {
    if (WF_UNLIKELY(GETLOCAL(oparg) == WF_NULL)) {
        unbound_local(ts, code, oparg);
        goto error;
    }
    SETLOCAL(oparg, WF_NULL);
    DISPATCH();
}

TARGET(MAKE_CELL) {
    wf_value cell = PROTECT(wf_cell_new(ts, GETLOCAL(oparg)));
    ERROR_IF(cell == WF_NULL);
    SETLOCAL(oparg, cell);
    DISPATCH();
}

TARGET(COPY_FREE_VARS) {
    const wf_func *fn = (const wf_func *)wf_val_as_obj(f->func);
    const wf_value *cells = wf_tuple_items(fn->closure);
    uint32_t first = code->nlocalsplus - oparg;
    for (uint32_t i = 0; i < oparg; i++)
        localsplus[first + i] = cells[i];
    DISPATCH();
}

TARGET(LOAD_DEREF) {
    wf_value v = ((wf_cell *)wf_val_as_obj(GETLOCAL(oparg)))->ref;
    if (WF_UNLIKELY(v == WF_NULL)) {
        unbound_deref(ts, code, oparg);
        goto error;
    }
    PUSH(v);
    DISPATCH();
}

TARGET(STORE_DEREF) {
    ((wf_cell *)wf_val_as_obj(GETLOCAL(oparg)))->ref = POP();
    DISPATCH();
}

TARGET(DELETE_DEREF) {
    wf_cell *cell = (wf_cell *)wf_val_as_obj(GETLOCAL(oparg));
    if (WF_UNLIKELY(cell->ref == WF_NULL)) {
        unbound_deref(ts, code, oparg);
        goto error;
    }
    cell->ref = WF_NULL;
    DISPATCH();
}

TARGET(LOAD_GLOBAL) {
    // Inline cache first (runtime/objects/dict_cache.h); no safe point either way.
    wf_value name = names[oparg >> 1];
    wf_dict_gcache *gc = &code->gcache[oparg >> 1];
    wf_value v = wf_dict_gcache_get(f->globals, f->builtins, gc, name);
    if (WF_UNLIKELY(v == WF_NULL)) {
        v = wf_dict_gcache_fill(f->globals, f->builtins, gc, name);
        if (WF_UNLIKELY(v == WF_NULL)) {
            name_error(ts, name);
            goto error;
        }
    }
    PUSH(v);
    if (oparg & 1)
        PUSH(WF_NULL);
    DISPATCH();
}

TARGET(STORE_GLOBAL) {
    int r = PROTECT(wf_dict_set_str(ts, f->globals, names[oparg], PEEK(1)));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(DELETE_GLOBAL) {
    int r = PROTECT(wf_dict_del(ts, f->globals, names[oparg]));
    ERROR_IF(r < 0);
    if (r == 0) {
        name_error(ts, names[oparg]);
        goto error;
    }
    DISPATCH();
}

TARGET(LOAD_NAME) {
    wf_value v = PROTECT(load_name(ts, f, names[oparg]));
    ERROR_IF(v == WF_NULL);
    PUSH(v);
    DISPATCH();
}

TARGET(STORE_NAME) {
    ERROR_IF(f->locals == WF_NULL && no_locals(ts, names[oparg]));
    int r = PROTECT(
        wf_dict_set_str(ts, f->locals, names[oparg], PEEK(1)));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(DELETE_NAME) {
    ERROR_IF(f->locals == WF_NULL && no_locals(ts, names[oparg]));
    int r = PROTECT(wf_dict_del(ts, f->locals, names[oparg]));
    ERROR_IF(r < 0);
    if (r == 0) {
        name_error(ts, names[oparg]);
        goto error;
    }
    DISPATCH();
}

// ----- attributes and items -----

TARGET(LOAD_ATTR) {
    wf_value owner = PEEK(1);
    wf_value name = names[oparg >> 1];
    if (oparg & 1) {
        wf_value meth;
        int r = PROTECT(wf_obj_get_method(ts, owner, name, &meth));
        ERROR_IF(r < 0);
        if (r == 1) {
            POKE(1, meth);
            PUSH(owner);
        } else {
            POKE(1, meth);
            PUSH(WF_NULL);
        }
    } else {
        wf_value v = PROTECT(wf_obj_getattr(ts, owner, name));
        ERROR_IF(v == WF_NULL);
        POKE(1, v);
    }
    DISPATCH();
}

TARGET(STORE_ATTR) {
    int r = PROTECT(wf_obj_setattr(ts, PEEK(1), names[oparg], PEEK(2)));
    ERROR_IF(r < 0);
    sp -= 2;
    DISPATCH();
}

TARGET(DELETE_ATTR) {
    int r = PROTECT(wf_obj_setattr(ts, PEEK(1), names[oparg], WF_NULL));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(LOAD_SPECIAL) {
    wf_value owner = PEEK(1);
    wf_value meth = PROTECT(load_special(ts, owner, oparg));
    ERROR_IF(meth == WF_NULL);
    POKE(1, meth);
    if (wf_val_type(meth)->flags & WF_TPF_METHOD_LIKE)
        PUSH(owner);
    else
        PUSH(WF_NULL);
    DISPATCH();
}

TARGET(BINARY_SUBSCR) {
    wf_value container = PEEK(2), key = PEEK(1);
    if (wf_val_is_int(key)) {
        int64_t i = wf_val_as_int(key);
        if (wf_val_is(container, &wf_list_type)) {
            // wf_list_get bounds-checks against the array it loaded, so a
            // racing grow or shrink never makes this read out of bounds.
            wf_value item;
            if (i < 0)
                i += (int64_t)wf_atomic_load_relaxed_size_word(
                    &((wf_list *)wf_val_as_obj(container))->n);
            if (i >= 0 && wf_list_get(container, (size_t)i, &item)) {
                sp--;
                POKE(1, item);
                DISPATCH();
            }
        } else if (wf_val_is(container, &wf_tuple_type)) {
            int64_t n = (int64_t)wf_tuple_len(container);
            if (i < 0)
                i += n;
            if (i >= 0 && i < n) {
                sp--;
                POKE(1, wf_tuple_items(container)[i]);
                DISPATCH();
            }
        }
    }
    wf_value v = PROTECT(wf_obj_getitem(ts, container, key));
    ERROR_IF(v == WF_NULL);
    sp--;
    POKE(1, v);
    DISPATCH();
}

TARGET(STORE_SUBSCR) {
    int r = PROTECT(wf_obj_setitem(ts, PEEK(2), PEEK(1), PEEK(3)));
    ERROR_IF(r < 0);
    sp -= 3;
    DISPATCH();
}

TARGET(DELETE_SUBSCR) {
    int r = PROTECT(wf_obj_delitem(ts, PEEK(2), PEEK(1)));
    ERROR_IF(r < 0);
    sp -= 2;
    DISPATCH();
}

TARGET(BINARY_SLICE) {
    wf_value slice = PROTECT(wf_slice_new(ts, PEEK(2), PEEK(1), WF_NONE));
    ERROR_IF(slice == WF_NULL);
    POKE(1, slice);
    wf_value v = PROTECT(wf_obj_getitem(ts, PEEK(3), slice));
    ERROR_IF(v == WF_NULL);
    sp -= 2;
    POKE(1, v);
    DISPATCH();
}

TARGET(STORE_SLICE) {
    wf_value slice = PROTECT(wf_slice_new(ts, PEEK(2), PEEK(1), WF_NONE));
    ERROR_IF(slice == WF_NULL);
    POKE(1, slice);
    int r = PROTECT(wf_obj_setitem(ts, PEEK(3), slice, PEEK(4)));
    ERROR_IF(r < 0);
    sp -= 4;
    DISPATCH();
}

TARGET(BUILD_SLICE) {
    wf_value step = oparg == 3 ? PEEK(1) : WF_NONE;
    uint32_t n = oparg == 3 ? 3 : 2;
    wf_value slice = PROTECT(wf_slice_new(ts, PEEK(n), PEEK(n - 1), step));
    ERROR_IF(slice == WF_NULL);
    sp -= n - 1;
    POKE(1, slice);
    DISPATCH();
}

// ----- operators -----

// Small ints: + and - inline, the rest through int's inline helpers
// (object.h), each case with its own dispatch.
TARGET(BINARY_OP) {
    wf_value a = PEEK(2), b = PEEK(1);
    if (WF_LIKELY(wf_val_is_int(a & b))) {
        int64_t r;
        wf_value v;
        switch (oparg) {
        case WF_BINOP_ADD:
        case WF_BINOP_INPLACE_ADD:
            if (__builtin_add_overflow((int64_t)a, (int64_t)b - 1, &r))
                break;
            sp--;
            POKE(1, (wf_value)r);
            DISPATCH();
        case WF_BINOP_SUBTRACT:
        case WF_BINOP_INPLACE_SUBTRACT:
            if (__builtin_sub_overflow((int64_t)a, (int64_t)b - 1, &r))
                break;
            sp--;
            POKE(1, (wf_value)r);
            DISPATCH();
        case WF_BINOP_MULTIPLY:
        case WF_BINOP_INPLACE_MULTIPLY:
            if (!wf_int_mul_small(a, b, &v))
                break;
            sp--;
            POKE(1, v);
            DISPATCH();
        case WF_BINOP_FLOOR_DIVIDE:
        case WF_BINOP_INPLACE_FLOOR_DIVIDE:
            if (!wf_int_divmod_small(a, b, true, &v))
                break;
            sp--;
            POKE(1, v);
            DISPATCH();
        case WF_BINOP_REMAINDER:
        case WF_BINOP_INPLACE_REMAINDER:
            if (!wf_int_divmod_small(a, b, false, &v))
                break;
            sp--;
            POKE(1, v);
            DISPATCH();
        case WF_BINOP_AND: case WF_BINOP_INPLACE_AND:
        case WF_BINOP_OR: case WF_BINOP_INPLACE_OR:
        case WF_BINOP_XOR: case WF_BINOP_INPLACE_XOR:
            sp--;
            POKE(1, wf_int_bitop_small(oparg, a, b));
            DISPATCH();
        default:
            break;
        }
    } else if (wf_val_is(a, &wf_str_type) && wf_val_is(b, &wf_str_type) &&
               (oparg == WF_BINOP_ADD || oparg == WF_BINOP_INPLACE_ADD)) {
        wf_value s = PROTECT(wf_str_concat(ts, a, b));
        ERROR_IF(s == WF_NULL);
        sp--;
        POKE(1, s);
        DISPATCH();
    }
    wf_value res = PROTECT(wf_obj_binop(ts, a, b, (wf_binop)oparg));
    ERROR_IF(res == WF_NULL);
    sp--;
    POKE(1, res);
    DISPATCH();
}

TARGET(UNARY_NEGATIVE) {
    wf_value v = PEEK(1);
    if (wf_val_is_int(v) && wf_val_as_int(v) != WF_INT_MIN) {
        POKE(1, wf_val_from_int(-wf_val_as_int(v)));
        DISPATCH();
    }
    wf_value r = PROTECT(wf_obj_unaryop(ts, v, WF_UNARY_NEGATIVE));
    ERROR_IF(r == WF_NULL);
    POKE(1, r);
    DISPATCH();
}

TARGET(UNARY_NOT) {
    wf_value v = PEEK(1);
    if (v == WF_TRUE || v == WF_FALSE) {
        POKE(1, v == WF_TRUE ? WF_FALSE : WF_TRUE);
        DISPATCH();
    }
    int t = PROTECT(wf_obj_truthy(ts, v));
    ERROR_IF(t < 0);
    POKE(1, wf_val_bool(!t));
    DISPATCH();
}

TARGET(UNARY_INVERT) {
    wf_value v = PEEK(1);
    if (wf_val_is_int(v)) {
        POKE(1, wf_val_from_int(~wf_val_as_int(v)));
        DISPATCH();
    }
    wf_value r = PROTECT(wf_obj_unaryop(ts, v, WF_UNARY_INVERT));
    ERROR_IF(r == WF_NULL);
    POKE(1, r);
    DISPATCH();
}

TARGET(CALL_INTRINSIC_1) {
    wf_value r = PROTECT(call_intrinsic_1(ts, oparg, PEEK(1)));
    ERROR_IF(r == WF_NULL);
    POKE(1, r);
    DISPATCH();
}

TARGET(COMPARE_OP) {
    wf_value a = PEEK(2), b = PEEK(1);
    if (WF_LIKELY(wf_val_is_int(a & b))) {
        int64_t x = (int64_t)a, y = (int64_t)b;  // tagging keeps order
        bool r;
        switch (oparg) {
        case WF_CMP_LT: r = x < y; break;
        case WF_CMP_LE: r = x <= y; break;
        case WF_CMP_EQ: r = x == y; break;
        case WF_CMP_NE: r = x != y; break;
        case WF_CMP_GT: r = x > y; break;
        default: r = x >= y; break;
        }
        sp--;
        POKE(1, wf_val_bool(r));
        DISPATCH();
    }
    wf_value res = PROTECT(wf_obj_richcompare(ts, a, b, (wf_cmp_op)oparg));
    ERROR_IF(res == WF_NULL);
    sp--;
    POKE(1, res);
    DISPATCH();
}

TARGET(IS_OP) {
    bool same = PEEK(2) == PEEK(1);
    sp--;
    POKE(1, wf_val_bool(same != (oparg != 0)));
    DISPATCH();
}

TARGET(CONTAINS_OP) {
    int r = PROTECT(wf_obj_contains(ts, PEEK(1), PEEK(2)));
    ERROR_IF(r < 0);
    sp--;
    POKE(1, wf_val_bool((r != 0) != (oparg != 0)));
    DISPATCH();
}

// ----- building -----

TARGET(BUILD_TUPLE) {
    wf_value t = PROTECT(wf_tuple_from_array(ts, sp - oparg, oparg));
    ERROR_IF(t == WF_NULL);
    sp -= oparg;
    PUSH(t);
    DISPATCH();
}

TARGET(BUILD_LIST) {
    wf_value l = PROTECT(wf_list_from_array(ts, sp - oparg, oparg));
    ERROR_IF(l == WF_NULL);
    sp -= oparg;
    PUSH(l);
    DISPATCH();
}

TARGET(BUILD_MAP) {
    wf_value d = PROTECT(wf_dict_from_pairs(ts, sp - 2 * oparg, oparg));
    ERROR_IF(d == WF_NULL);
    sp -= 2 * oparg;
    PUSH(d);
    DISPATCH();
}

TARGET(BUILD_SET) {
    wf_value s = PROTECT(build_set(ts, f, sp - oparg, oparg));
    ERROR_IF(s == WF_NULL);
    sp -= oparg;
    PUSH(s);
    DISPATCH();
}

TARGET(LIST_APPEND) {
    int r = PROTECT(wf_list_append(ts, PEEK(oparg + 1), PEEK(1)));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(LIST_EXTEND) {
    wf_value it = PEEK(1);
    int r = PROTECT(wf_list_extend(ts, PEEK(oparg + 1), it));
    if (WF_UNLIKELY(r < 0)) {
        list_extend_error(ts, it);
        goto error;
    }
    sp--;
    DISPATCH();
}

TARGET(SET_ADD) {
    int r = PROTECT(call_method_1(ts, PEEK(oparg + 1), "add", PEEK(1)));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(MAP_ADD) {
    int r = PROTECT(wf_dict_set(ts, PEEK(oparg + 2), PEEK(2), PEEK(1)));
    ERROR_IF(r < 0);
    sp -= 2;
    DISPATCH();
}

TARGET(DICT_UPDATE) {
    int r = PROTECT(wf_dict_merge(ts, PEEK(oparg + 1), PEEK(1)));
    ERROR_IF(r < 0);
    sp--;
    DISPATCH();
}

TARGET(BUILD_STRING) {
    wf_value s = PROTECT(wf_str_concat_array(ts, sp - oparg, oparg));
    ERROR_IF(s == WF_NULL);
    sp -= oparg;
    PUSH(s);
    DISPATCH();
}

TARGET(FORMAT_SIMPLE) {
    wf_value v = PEEK(1);
    if (!wf_val_is(v, &wf_str_type)) {
        wf_value s = PROTECT(wf_obj_format(ts, v, WF_NULL));
        ERROR_IF(s == WF_NULL);
        POKE(1, s);
    }
    DISPATCH();
}

TARGET(FORMAT_WITH_SPEC) {
    wf_value s = PROTECT(wf_obj_format(ts, PEEK(2), PEEK(1)));
    ERROR_IF(s == WF_NULL);
    sp--;
    POKE(1, s);
    DISPATCH();
}

TARGET(CONVERT_VALUE) {
    wf_value s = PROTECT(convert_value(ts, PEEK(1), oparg));
    ERROR_IF(s == WF_NULL);
    POKE(1, s);
    DISPATCH();
}

TARGET(UNPACK_SEQUENCE) {
    wf_value seq = PEEK(1);
    if (wf_val_is(seq, &wf_tuple_type) && wf_tuple_len(seq) == oparg) {
        const wf_value *items = wf_tuple_items(seq);
        sp--;
        for (uint32_t i = oparg; i > 0; i--)
            PUSH(items[i - 1]);
        DISPATCH();
    }
    int r = PROTECT(wf_iter_unpack(ts, sp - 1, oparg));
    ERROR_IF(r < 0);
    sp += (int)oparg - 1;
    DISPATCH();
}

// ----- iteration -----

TARGET(GET_ITER) {
    wf_value it = PROTECT(wf_obj_getiter(ts, PEEK(1)));
    ERROR_IF(it == WF_NULL);
    POKE(1, it);
    DISPATCH();
}

TARGET(END_FOR) {
    DISPATCH();
}

TARGET(JUMP_BACKWARD_NO_INTERRUPT) {
    JUMPBY(-(int32_t)oparg);
    DISPATCH();
}

// ----- functions and classes -----

TARGET(MAKE_FUNCTION) {
    wf_value fn = PROTECT(
        wf_func_new(ts, (wf_code *)wf_val_as_obj(PEEK(1)), f->globals));
    ERROR_IF(fn == WF_NULL);
    POKE(1, fn);
    DISPATCH();
}

TARGET(SET_FUNCTION_ATTRIBUTE) {
    wf_func *fn = (wf_func *)wf_val_as_obj(PEEK(1));
    wf_value attr = PEEK(2);
    switch (oparg) {
    case WF_FUNC_DEFAULTS: fn->defaults = attr; break;
    case WF_FUNC_KWDEFAULTS: fn->kwdefaults = attr; break;
    case WF_FUNC_CLOSURE: fn->closure = attr; break;
    default: break;  // annotations: not kept
    }
    sp--;
    POKE(1, wf_val_from_obj(fn));
    DISPATCH();
}

TARGET(RETURN_GENERATOR) {
    f->instr = next_pc;
    f->sp = sp;
    retval = wf_gen_new_from_frame(ts, f);
    ERROR_IF(retval == WF_NULL);
    goto exit_frame;
}

TARGET(LOAD_BUILD_CLASS) {
    wf_value bc = load_build_class(ts, f);
    ERROR_IF(bc == WF_NULL);
    PUSH(bc);
    DISPATCH();
}

TARGET(IMPORT_NAME) {
    wf_value m = PROTECT(wf_import(ts, names[oparg]));
    ERROR_IF(m == WF_NULL);
    sp--;
    POKE(1, m);
    DISPATCH();
}

TARGET(IMPORT_FROM) {
    wf_value v = PROTECT(wf_module_import_from(ts, PEEK(1), names[oparg]));
    ERROR_IF(v == WF_NULL);
    PUSH(v);
    DISPATCH();
}

// ----- exceptions -----

TARGET(RAISE_VARARGS) {
    if (oparg == 0) {
        // Bare raise: re-raise the handled exception with its traceback
        // as is (CPython: goto exception_unwind, no new entry).
        wf_value exc = wf_err_handled(ts);
        if (exc == WF_NULL) {
            wf_err_format(ts, &wf_exc_RuntimeError,
                          "No active exception to reraise");
            goto error;
        }
        wf_err_restore(ts, exc);
        // RERAISE, as CPython's RAISE_VARARGS (a global-only event: no twin
        // needed; this is the exception path).
        SAVE_FRAME();
        (void)wf_fire_reraise(ts, f, THIS_PC);
        goto exception_unwind;
    }
    wf_value cause = oparg == 2 ? PEEK(1) : WF_NULL;
    wf_value exc = oparg == 2 ? PEEK(2) : PEEK(1);
    (void)PROTECT(wf_err_raise(ts, exc, cause));
    goto error;
}

TARGET(PUSH_EXC_INFO) {
    wf_value exc = PEEK(1);
    wf_value prev = ts->exc_info->exc;
    ts->exc_info->exc = exc;
    POKE(1, prev == WF_NULL ? WF_NONE : prev);
    PUSH(exc);
    DISPATCH();
}

TARGET(POP_EXCEPT) {
    ts->exc_info->exc = POP();
    DISPATCH();
}

TARGET(CHECK_EXC_MATCH) {
    int r = PROTECT(wf_exc_check_match(ts, PEEK(2), PEEK(1)));
    ERROR_IF(r < 0);
    POKE(1, wf_val_bool(r));
    DISPATCH();
}

// (exit self lasti prev exc -- exit self lasti prev exc res)
TARGET(WITH_EXCEPT_START) {
    wf_value res = PROTECT(wf_exc_call_exit(ts, PEEK(5), PEEK(4), PEEK(1)));
    ERROR_IF(res == WF_NULL);
    PUSH(res);
    DISPATCH();
}
