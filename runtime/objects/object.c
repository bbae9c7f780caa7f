// runtime/objects/object.c -- the generic protocols (wf_obj_*): repr/str, hash,
// truth, rich comparison, arithmetic with reflected operands, attributes,
// items, length, containment, iteration, calls, isinstance and format().
// Each dispatches through the type's slots and raises CPython 3.14's
// TypeError wording when a slot is missing. Holds no shared state but the
// per-thread repr-recursion guard.
#include "objects/object.h"

#include <stdlib.h>
#include <string.h>

#include "objects/error.h"
#include "mem.h"
#include "threads/thread.h"
#include "vm/cstack.h"

// ===== repr / str =====

// Objects being repr'd on this thread (CPython's Py_ReprEnter list).
#define REPR_MAX 256
static _Thread_local wf_value repr_stack[REPR_MAX];
static _Thread_local size_t repr_depth;

int
wf_obj_repr_enter(wf_thread *ts, wf_value v)
{
    for (size_t i = 0; i < repr_depth; i++)
        if (repr_stack[i] == v)
            return 1;
    if (repr_depth == REPR_MAX) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded while getting the "
                      "repr of an object");
        return -1;
    }
    repr_stack[repr_depth++] = v;
    return 0;
}

void
wf_obj_repr_leave(wf_thread *ts, wf_value v)
{
    (void)ts;
    if (repr_depth > 0 && repr_stack[repr_depth - 1] == v)
        repr_depth--;
}

static wf_value
default_repr(wf_thread *ts, wf_value v)
{
    wf_type *tp = wf_val_type(v);
    if ((tp->flags & WF_TPF_HEAPTYPE) && tp->module_str != WF_NULL)
        return wf_str_format(ts, "<%U.%U object at %p>", tp->module_str,
                             tp->qualname_str, (void *)wf_val_as_obj(v));
    return wf_str_format(ts, "<%s object at %p>", tp->name,
                         (void *)wf_val_as_obj(v));
}

static wf_value
check_str_result(wf_thread *ts, wf_value r, const char *what)
{
    if (r != WF_NULL && !wf_val_isinstance(r, &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "%s returned non-string (type %T)", what, r);
    return r;
}

wf_value
wf_obj_repr(wf_thread *ts, wf_value v)
{
    // Each slot is loaded once and the loaded pointer called (object.h
    // "struct wf_type": a class's slots change only inside a pause).
    wf_value (*repr)(wf_thread *, wf_value) = wf_val_type(v)->repr;
    if (repr == NULL)
        return default_repr(ts, v);
    if (WF_UNLIKELY(wf_cstack_exhausted()))
        return wf_cstack_overflow(ts, " while getting the repr of an object");
    if (ts->recursion_depth - 50 > wf_thread_recursion_limit(ts))  // no overflow at INT32_MAX
        return wf_err_format(ts, &wf_exc_RecursionError,
                             "maximum recursion depth exceeded while getting "
                             "the repr of an object");
    ts->recursion_depth++;
    wf_value r = repr(ts, v);
    ts->recursion_depth--;
    return check_str_result(ts, r, "__repr__");
}

wf_value
wf_obj_str(wf_thread *ts, wf_value v)
{
    wf_type *tp = wf_val_type(v);
    if (tp == &wf_str_type)
        return v;
    wf_value (*str)(wf_thread *, wf_value) = tp->str;
    if (str == NULL)
        return wf_obj_repr(ts, v);
    if (WF_UNLIKELY(wf_cstack_exhausted()))
        return wf_cstack_overflow(ts, " while getting the str of an object");
    ts->recursion_depth++;
    wf_value r = str(ts, v);
    ts->recursion_depth--;
    return check_str_result(ts, r, "__str__");
}

// ===== hash / truth =====

int64_t
wf_obj_hash_identity(wf_value v)
{
    // Same shape as CPython: the address rotated so alignment zeros do not
    // cluster buckets.
    uint64_t x = (uint64_t)v;
    int64_t h = (int64_t)((x >> 4) | (x << 60));
    return h == -1 ? -2 : h;
}

int
wf_obj_hash_unhashable(wf_thread *ts, wf_value v, int64_t *out)
{
    (void)out;
    wf_err_format(ts, &wf_exc_TypeError, "unhashable type: '%s'",
                  wf_obj_type_name(v));
    return -1;
}

int
wf_obj_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    if (wf_val_is_int(v)) {
        int64_t i = wf_val_as_int(v);
        *out = i == -1 ? -2 : i;
        return 0;
    }
    int (*hash)(wf_thread *, wf_value, int64_t *) = wf_val_type(v)->hash;
    if (hash == NULL) {
        *out = wf_obj_hash_identity(v);
        return 0;
    }
    if (WF_UNLIKELY(wf_cstack_exhausted())) {  // a deeply nested tuple
        wf_cstack_overflow(ts, "");
        return -1;
    }
    return hash(ts, v, out);
}

int
wf_obj_truthy(wf_thread *ts, wf_value v)
{
    if (v == WF_TRUE)
        return 1;
    if (v == WF_FALSE || v == WF_NONE)
        return 0;
    if (wf_val_is_int(v))
        return wf_val_as_int(v) != 0;
    wf_type *tp = wf_val_type(v);
    int (*truth)(wf_thread *, wf_value) = tp->truth;
    if (truth != NULL)
        return truth(ts, v);
    int64_t (*len)(wf_thread *, wf_value) = tp->len;
    if (len != NULL) {
        int64_t n = len(ts, v);
        return n < 0 ? -1 : n > 0;
    }
    return 1;
}

// ===== rich comparison =====

static const char *const cmp_sym[] = {"<", "<=", "==", "!=", ">", ">="};
static const wf_cmp_op cmp_swapped[] = {WF_CMP_GT, WF_CMP_GE, WF_CMP_EQ,
                                        WF_CMP_NE, WF_CMP_LT, WF_CMP_LE};

wf_value
wf_obj_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    if (wf_val_is_int(a) && wf_val_is_int(b)) {
        int64_t x = wf_val_as_int(a), y = wf_val_as_int(b);
        switch (op) {
        case WF_CMP_LT: return wf_val_bool(x < y);
        case WF_CMP_LE: return wf_val_bool(x <= y);
        case WF_CMP_EQ: return wf_val_bool(x == y);
        case WF_CMP_NE: return wf_val_bool(x != y);
        case WF_CMP_GT: return wf_val_bool(x > y);
        case WF_CMP_GE: return wf_val_bool(x >= y);
        }
    }
    // Containers compare their items through here: the C stack guard stops
    // a comparison of deeply nested lists, tuples or dicts.
    if (WF_UNLIKELY(wf_cstack_exhausted()))
        return wf_cstack_overflow(ts, " in comparison");
    // Each slot is loaded once per use: a comparison runs Python code, so
    // a class may have changed by the next use (and is loaded again).
    typedef wf_value (*cmp_fn)(wf_thread *, wf_value, wf_value, wf_cmp_op);
    wf_type *ta = wf_val_type(a), *tb = wf_val_type(b);
    cmp_fn fb = ta != tb ? tb->richcompare : NULL;
    bool reflected_first = fb != NULL && wf_type_is_subtype(tb, ta);
    if (reflected_first) {
        wf_value r = fb(ts, b, a, cmp_swapped[op]);
        if (r != WF_NOTIMPL)
            return r;
    }
    cmp_fn fa = ta->richcompare;
    if (fa != NULL) {
        wf_value r = fa(ts, a, b, op);
        if (r != WF_NOTIMPL)
            return r;
    }
    fb = reflected_first ? NULL : tb->richcompare;
    if (fb != NULL) {
        wf_value r = fb(ts, b, a, cmp_swapped[op]);
        if (r != WF_NOTIMPL)
            return r;
    }
    if (op == WF_CMP_EQ)
        return wf_val_bool(a == b);
    if (op == WF_CMP_NE)
        return wf_val_bool(a != b);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "'%s' not supported between instances of '%s' and "
                         "'%s'",
                         cmp_sym[op], wf_obj_type_name(a),
                         wf_obj_type_name(b));
}

int
wf_obj_eq(wf_thread *ts, wf_value a, wf_value b)
{
    if (a == b)
        return 1;
    if (wf_val_is_int(a) && wf_val_is_int(b))
        return 0;
    if (wf_val_is(a, &wf_str_type) && wf_val_is(b, &wf_str_type))
        return wf_str_eq(a, b);
    wf_value r = wf_obj_richcompare(ts, a, b, WF_CMP_EQ);
    if (r == WF_NULL)
        return -1;
    return wf_obj_truthy(ts, r);
}

// ===== arithmetic =====

static const char *const binop_sym[] = {
    "+", "&", "//", "<<", "@", "*", "%", "|", "**", ">>", "-", "/", "^",
    "+=", "&=", "//=", "<<=", "@=", "*=", "%=", "|=", "**=", ">>=", "-=",
    "/=", "^=",
};

static bool
is_sequence(wf_value v)
{
    wf_type *tp = wf_val_type(v);
    return tp == &wf_str_type || tp == &wf_list_type || tp == &wf_tuple_type;
}

static wf_value
binop_error(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    wf_binop base = op >= WF_BINOP_INPLACE_ADD
                        ? (wf_binop)(op - WF_BINOP_INPLACE_ADD)
                        : op;
    if (base == WF_BINOP_ADD && is_sequence(a) && !wf_val_is(b,
                                                  wf_val_type(a)))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "can only concatenate %s (not \"%s\") to %s",
                             wf_val_type(a)->name, wf_obj_type_name(b),
                             wf_val_type(a)->name);
    if (base == WF_BINOP_MULTIPLY) {
        if (is_sequence(a) && !wf_int_check(b))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "can't multiply sequence by non-int of "
                                 "type '%s'", wf_obj_type_name(b));
        if (is_sequence(b) && !wf_int_check(a))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "can't multiply sequence by non-int of "
                                 "type '%s'", wf_obj_type_name(a));
    }
    if (base == WF_BINOP_POWER)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "unsupported operand type(s) for %s: '%s' and "
                             "'%s'",
                             op == base ? "** or pow()" : "**=",
                             wf_obj_type_name(a), wf_obj_type_name(b));
    return wf_err_format(ts, &wf_exc_TypeError,
                         "unsupported operand type(s) for %s: '%s' and '%s'",
                         binop_sym[op], wf_obj_type_name(a),
                         wf_obj_type_name(b));
}

wf_value
wf_obj_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    // Slots loaded once per use, as in wf_obj_richcompare.
    typedef wf_value (*binop_fn)(wf_thread *, wf_value, wf_value, wf_binop);
    wf_type *ta = wf_val_type(a), *tb = wf_val_type(b);
    binop_fn fa = ta->binop, fb;
    if (op >= WF_BINOP_INPLACE_ADD && fa != NULL) {
        // In-place first (list +=, __iadd__), then the plain operator.
        wf_value r = fa(ts, a, b, op);
        if (r != WF_NOTIMPL)
            return r;
        wf_binop base = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
        fb = tb != ta ? tb->binop : NULL;
        if (fb != NULL) {
            r = fb(ts, a, b, base);
            if (r != WF_NOTIMPL)
                return r;
        }
        return binop_error(ts, a, b, op);
    }
    wf_value r;
    fb = ta != tb ? tb->binop : NULL;
    bool reflected_first = fb != NULL && fb != fa &&
                           wf_type_is_subtype(tb, ta);
    if (reflected_first) {
        r = fb(ts, a, b, op);
        if (r != WF_NOTIMPL)
            return r;
        fa = ta->binop;
    }
    if (fa != NULL) {
        r = fa(ts, a, b, op);
        if (r != WF_NOTIMPL)
            return r;
        if (!reflected_first) {
            fa = ta->binop;
            fb = ta != tb ? tb->binop : NULL;
        }
    }
    if (!reflected_first && fb != NULL && fb != fa) {
        r = fb(ts, a, b, op);
        if (r != WF_NOTIMPL)
            return r;
    }
    return binop_error(ts, a, b, op);
}

wf_value
wf_obj_unaryop(wf_thread *ts, wf_value v, wf_unaryop op)
{
    wf_value (*unaryop)(wf_thread *, wf_value, wf_unaryop) =
        wf_val_type(v)->unaryop;
    if (unaryop != NULL) {
        wf_value r = unaryop(ts, v, op);
        if (r != WF_NOTIMPL)
            return r;
    }
    static const char *const sym[] = {"-", "+", "~"};
    return wf_err_format(ts, &wf_exc_TypeError,
                         "bad operand type for unary %s: '%s'", sym[op],
                         wf_obj_type_name(v));
}

// ===== attributes =====

wf_value
wf_obj_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_value (*getattr)(wf_thread *, wf_value, wf_value) =
        wf_val_type(v)->getattr;
    if (getattr != NULL)
        return getattr(ts, v, name);
    return wf_obj_generic_getattr(ts, v, name);
}

wf_value
wf_obj_lookup_attr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_value r = wf_obj_getattr(ts, v, name);
    if (r == WF_NULL && wf_err_matches(ts, &wf_exc_AttributeError))
        wf_err_clear(ts);
    return r;
}

int
wf_obj_setattr(wf_thread *ts, wf_value v, wf_value name, wf_value val)
{
    int (*setattr)(wf_thread *, wf_value, wf_value, wf_value) =
        wf_val_type(v)->setattr;
    if (setattr != NULL)
        return setattr(ts, v, name, val);
    return wf_obj_generic_setattr(ts, v, name, val);
}

int
wf_obj_get_method(wf_thread *ts, wf_value v, wf_value name, wf_value *meth)
{
    wf_type *tp = wf_val_type(v);
    wf_value (*getattr)(wf_thread *, wf_value, wf_value) = tp->getattr;
    if (getattr == NULL || getattr == wf_obj_generic_getattr) {
        wf_value attr = wf_type_lookup(tp, name);
        if (attr != WF_NULL && (wf_val_type(attr)->flags &
                                WF_TPF_METHOD_LIKE)) {
            // Builtin functions (no owner) and bound builtins do not
            // take the receiver.
            bool unbound = true;
            if (wf_val_is(attr, &wf_builtin_type)) {
                const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(attr);
                unbound = b->owner != NULL && b->self == WF_NULL;
            }
            bool shadowed = false;
            if (tp->dictoffset != 0) {
                wf_value d = *(wf_value *)((char *)wf_val_as_obj(v) +
                                           tp->dictoffset);
                shadowed = d != WF_NULL &&
                           wf_dict_get_str(d, name) != WF_NULL;
            }
            if (unbound && !shadowed) {
                *meth = attr;
                return 1;
            }
        }
    }
    *meth = wf_obj_getattr(ts, v, name);
    return *meth == WF_NULL ? -1 : 0;
}

// ===== items, length, containment =====

wf_value
wf_obj_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    wf_type *tp = wf_val_type(v);
    wf_value (*getitem)(wf_thread *, wf_value, wf_value) = tp->getitem;
    if (getitem != NULL)
        return getitem(ts, v, key);
    if (tp == &wf_type_type)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "type '%s' is not subscriptable",
                             ((wf_type *)wf_val_as_obj(v))->name);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "'%s' object is not subscriptable",
                         wf_obj_type_name(v));
}

int
wf_obj_setitem(wf_thread *ts, wf_value v, wf_value key, wf_value val)
{
    int (*setitem)(wf_thread *, wf_value, wf_value, wf_value) =
        wf_val_type(v)->setitem;
    if (setitem != NULL)
        return setitem(ts, v, key, val);
    wf_err_format(ts, &wf_exc_TypeError,
                  "'%s' object does not support item assignment",
                  wf_obj_type_name(v));
    return -1;
}

int
wf_obj_delitem(wf_thread *ts, wf_value v, wf_value key)
{
    int (*setitem)(wf_thread *, wf_value, wf_value, wf_value) =
        wf_val_type(v)->setitem;
    if (setitem != NULL)
        return setitem(ts, v, key, WF_NULL);
    wf_err_format(ts, &wf_exc_TypeError,
                  "'%s' object doesn't support item deletion",
                  wf_obj_type_name(v));
    return -1;
}

int64_t
wf_obj_len(wf_thread *ts, wf_value v)
{
    int64_t (*len)(wf_thread *, wf_value) = wf_val_type(v)->len;
    if (len != NULL)
        return len(ts, v);
    wf_err_format(ts, &wf_exc_TypeError, "object of type '%s' has no len()",
                  wf_obj_type_name(v));
    return -1;
}

int
wf_obj_contains(wf_thread *ts, wf_value container, wf_value item)
{
    wf_type *tp = wf_val_type(container);
    int (*contains)(wf_thread *, wf_value, wf_value) = tp->contains;
    if (contains != NULL)
        return contains(ts, container, item);
    if (tp->iter == NULL) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "argument of type '%s' is not a container or iterable",
                      wf_obj_type_name(container));
        return -1;
    }
    size_t mark = wf_root_mark(ts);
    int found = -1;
    wf_value it = wf_obj_getiter(ts, container);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    for (;;) {
        wf_value x;
        int st = wf_obj_iternext(ts, it, &x);
        if (st <= 0) {
            found = st;
            break;
        }
        int eq = wf_obj_eq(ts, x, item);
        if (eq != 0) {
            found = eq;
            break;
        }
    }
done:
    wf_root_release(ts, mark);
    return found;
}

// ===== iteration =====

wf_value
wf_obj_getiter(wf_thread *ts, wf_value v)
{
    wf_type *tp = wf_val_type(v);
    wf_value (*iter)(wf_thread *, wf_value) = tp->iter;
    if (iter != NULL) {
        wf_value it = iter(ts, v);
        if (it != WF_NULL && wf_val_type(it)->iternext == NULL)
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "iter() returned non-iterator of type '%s'",
                                 wf_obj_type_name(it));
        return it;
    }
    if (tp == &wf_type_type)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'type' object is not iterable");
    return wf_err_format(ts, &wf_exc_TypeError, "'%s' object is not iterable",
                         wf_obj_type_name(v));
}

int
wf_obj_iternext(wf_thread *ts, wf_value it, wf_value *out)
{
    int (*iternext)(wf_thread *, wf_value, wf_value *) =
        wf_val_type(it)->iternext;
    if (iternext == NULL) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "'%s' object is not an iterator", wf_obj_type_name(it));
        return -1;
    }
    return iternext(ts, it, out);
}

// ===== calls =====

wf_value
wf_obj_call(wf_thread *ts, wf_value callable, const wf_value *args,
            size_t nargs, wf_value kwnames)
{
    wf_call_fn call = wf_val_type(callable)->call;
    if (call == NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'%s' object is not callable",
                             wf_obj_type_name(callable));
    if (ts->recursion_depth - 50 > wf_thread_recursion_limit(ts))  // no overflow at INT32_MAX
        return wf_err_format(ts, &wf_exc_RecursionError,
                             "maximum recursion depth exceeded");
    return call(ts, callable, args, nargs, kwnames);
}

wf_value
wf_obj_call_with_self(wf_thread *ts, wf_value func, wf_value self,
                      const wf_value *args, size_t nargs, wf_value kwnames)
{
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    size_t total = nargs + nkw + 1;
    wf_value small[8];
    wf_value *buf = small;
    if (total > 8) {
        buf = wf_mem_alloc(ts, total * sizeof *buf);
        if (buf == NULL)
            return WF_NULL;
    }
    buf[0] = self;
    if (nargs + nkw > 0)
        memcpy(buf + 1, args, (nargs + nkw) * sizeof *buf);
    wf_value r = wf_obj_call(ts, func, buf, nargs + 1, kwnames);
    if (buf != small)
        wf_mem_free(buf);
    return r;
}

wf_value
wf_obj_call_dunder(wf_thread *ts, wf_value self, wf_value name,
                   const wf_value *args, size_t nargs)
{
    wf_value f = wf_type_lookup(wf_val_type(self), name);
    if (f == WF_NULL)
        return wf_err_format(ts, &wf_exc_AttributeError,
                             "'%s' object has no attribute '%U'",
                             wf_obj_type_name(self), name);
    bool binds = (wf_val_type(f)->flags & WF_TPF_METHOD_LIKE) != 0;
    if (binds && wf_val_is(f, &wf_builtin_type)) {
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(f);
        binds = b->owner != NULL && b->self == WF_NULL;
    }
    if (!binds)
        return wf_obj_call(ts, f, args, nargs, WF_NULL);
    return wf_obj_call_with_self(ts, f, self, args, nargs, WF_NULL);
}

wf_value
wf_obj_call_ex(wf_thread *ts, wf_value callable, wf_value args_tuple,
               wf_value kwargs)
{
    if (!wf_val_isinstance(args_tuple, &wf_tuple_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "argument after * must be an iterable, not %T",
                             args_tuple);
    size_t npos = wf_tuple_len(args_tuple);
    size_t nkw = kwargs != WF_NULL ? wf_dict_len(kwargs) : 0;
    if (nkw == 0)
        return wf_obj_call(ts, callable, wf_tuple_items(args_tuple), npos,
                           WF_NULL);
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value *buf = wf_mem_alloc(ts, (npos + nkw) * sizeof *buf);
    if (buf == NULL)
        return WF_NULL;
    wf_value names = wf_tuple_new(ts, nkw);
    if (names == WF_NULL || wf_root_push(ts, names) < 0)
        goto done;
    memcpy(buf, wf_tuple_items(args_tuple), npos * sizeof *buf);
    size_t pos = 0, i = 0;
    wf_value k, v;
    while (i < nkw && wf_dict_next(kwargs, &pos, &k, &v)) {
        if (!wf_val_isinstance(k, &wf_str_type)) {
            wf_err_format(ts, &wf_exc_TypeError, "keywords must be strings");
            goto done;
        }
        wf_tuple_items(names)[i] = k;
        buf[npos + i] = v;
        i++;
    }
    r = wf_obj_call(ts, callable, buf, npos, names);
done:
    wf_root_release(ts, mark);
    wf_mem_free(buf);
    return r;
}

int
wf_obj_isinstance(wf_thread *ts, wf_value v, wf_value cls)
{
    if (wf_val_is(cls, &wf_type_type))
        return wf_val_isinstance(v, (wf_type *)wf_val_as_obj(cls));
    if (wf_val_isinstance(cls, &wf_type_type))
        return wf_val_isinstance(v, (wf_type *)wf_val_as_obj(cls));
    if (wf_val_is(cls, &wf_tuple_type)) {
        for (size_t i = 0; i < wf_tuple_len(cls); i++) {
            int r = wf_obj_isinstance(ts, v, wf_tuple_items(cls)[i]);
            if (r != 0)
                return r;
        }
        return 0;
    }
    wf_err_format(ts, &wf_exc_TypeError,
                  "isinstance() arg 2 must be a type, a tuple of types, or "
                  "a union");
    return -1;
}

const char *
wf_obj_type_name(wf_value v)
{
    return wf_val_type(v)->name;
}

// ===== format() =====

typedef struct fmt_spec {
    char fill, align, sign, type;
    bool zero, comma, alt;
    int width, prec;
} fmt_spec;

static int
parse_spec(wf_thread *ts, const char *s, fmt_spec *f)
{
    memset(f, 0, sizeof *f);
    f->fill = ' ';
    f->prec = -1;
    if (s[0] != '\0' && strchr("<>^=", s[1]) != NULL && s[1] != '\0') {
        f->fill = s[0];
        f->align = s[1];
        s += 2;
    } else if (s[0] != '\0' && strchr("<>^=", s[0]) != NULL) {
        f->align = *s++;
    }
    if (*s == '+' || *s == '-' || *s == ' ')
        f->sign = *s++;
    if (*s == '#') {
        f->alt = true;
        s++;
    }
    if (*s == '0') {
        f->zero = true;
        s++;
    }
    while (*s >= '0' && *s <= '9')
        f->width = f->width * 10 + (*s++ - '0');
    if (*s == ',' || *s == '_') {
        f->comma = true;
        s++;
    }
    if (*s == '.') {
        s++;
        f->prec = 0;
        while (*s >= '0' && *s <= '9')
            f->prec = f->prec * 10 + (*s++ - '0');
    }
    if (*s != '\0')
        f->type = *s++;
    if (*s != '\0') {
        wf_err_format(ts, &wf_exc_ValueError, "Invalid format specifier");
        return -1;
    }
    return 0;
}

// Pad [body] (with its sign already) to the spec's width.
static wf_value
pad(wf_thread *ts, const fmt_spec *f, const char *body, size_t len,
    char default_align, size_t nchars)
{
    size_t width = f->width > 0 ? (size_t)f->width : 0;
    if (nchars >= width)
        return wf_str_new(ts, body, len);
    size_t padn = width - nchars;
    char align = f->align ? f->align : default_align;
    char fill = f->fill;
    if (f->zero && !f->align) {
        align = '=';
        fill = '0';
    }
    char *buf = wf_mem_alloc(ts, len + padn + 1);
    if (buf == NULL)
        return WF_NULL;
    size_t left = align == '>' ? padn : align == '^' ? padn / 2 : 0;
    size_t o = 0;
    if (align == '=') {
        if (len > 0 && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
            buf[o++] = body[0];
            body++;
            len--;
        }
        left = padn;
    }
    memset(buf + o, fill, left);
    o += left;
    memcpy(buf + o, body, len);
    o += len;
    memset(buf + o, fill, padn - left);
    o += padn - left;
    wf_value r = wf_str_new(ts, buf, o);
    wf_mem_free(buf);
    return r;
}

// Insert thousands separators into the digit run of [num].
static void
add_commas(const char *num, char *out)
{
    const char *p = num;
    size_t o = 0;
    if (*p == '-' || *p == '+' || *p == ' ')
        out[o++] = *p++;
    size_t digits = strspn(p, "0123456789");
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = p[i];
    }
    strcpy(out + o, p + digits);
}

wf_value
wf_obj_format(wf_thread *ts, wf_value v, wf_value spec)
{
    const char *s = spec != WF_NULL ? wf_str_cstr(spec) : "";
    wf_type *tp = wf_val_type(v);
    if (tp->flags & WF_TPF_HEAPTYPE) {
        wf_value fmt_name = wf_str_intern(ts, "__format__");
        if (fmt_name == WF_NULL)
            return WF_NULL;
        if (wf_type_lookup(tp, fmt_name) != WF_NULL) {
            wf_value a = spec != WF_NULL ? spec : wf_str_new(ts, "", 0);
            if (a == WF_NULL)
                return WF_NULL;
            return wf_obj_call_dunder(ts, v, fmt_name, &a, 1);
        }
    }
    if (*s == '\0')
        return wf_obj_str(ts, v);
    fmt_spec f;
    if (parse_spec(ts, s, &f) < 0)
        return WF_NULL;
    char num[400], body[600];
    if (wf_int_check(v) && (f.type == 0 || strchr("dxXobc", f.type))) {
        int64_t i;
        if (wf_int_as_i64(ts, v, &i) < 0)
            return WF_NULL;
        const char *sgn = i < 0 ? "-" : f.sign == '+' ? "+"
                                        : f.sign == ' ' ? " " : "";
        uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        switch (f.type) {
        case 'x':
            snprintf(num, sizeof num, "%s%s%llx", sgn, f.alt ? "0x" : "",
                     (unsigned long long)u);
            break;
        case 'X':
            snprintf(num, sizeof num, "%s%s%llX", sgn, f.alt ? "0X" : "",
                     (unsigned long long)u);
            break;
        case 'o':
            snprintf(num, sizeof num, "%s%s%llo", sgn, f.alt ? "0o" : "",
                     (unsigned long long)u);
            break;
        case 'b': {
            char bits[80];
            int n = 0;
            do {
                bits[n++] = (char)('0' + (u & 1));
                u >>= 1;
            } while (u != 0);
            size_t o = (size_t)snprintf(num, sizeof num, "%s%s", sgn,
                                        f.alt ? "0b" : "");
            while (n > 0)
                num[o++] = bits[--n];
            num[o] = '\0';
            break;
        }
        case 'c':
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "format code 'c' not supported");
        default:
            snprintf(num, sizeof num, "%s%llu", sgn, (unsigned long long)u);
        }
        if (f.comma)
            add_commas(num, body);
        else
            strcpy(body, num);
        return pad(ts, &f, body, strlen(body), '>', strlen(body));
    }
    if (wf_int_check(v) || wf_val_is(v, &wf_float_type)) {
        double d;
        if (wf_float_as_double(ts, v, &d) < 0)
            return WF_NULL;
        char t = f.type;
        int prec = f.prec < 0 ? 6 : f.prec;
        const char *sgn = f.sign == '+' ? "+" : f.sign == ' ' ? " " : "";
        if (t == 0 && f.prec < 0) {
            wf_float_repr_buf(d, num + 1, sizeof num - 1);
            num[0] = sgn[0];
            memmove(num, num + (sgn[0] == 0 || num[1] == '-'),
                    strlen(num + 1) + 2);
        } else if (t == '%') {
            snprintf(num, sizeof num, "%s%.*f%%", sgn, prec, d * 100.0);
        } else if (t == 0 || t == 'g' || t == 'G') {
            snprintf(num, sizeof num, t == 'G' ? "%s%.*G" : "%s%.*g", sgn,
                     prec == 0 ? 1 : prec, d);
        } else if (t == 'f' || t == 'F' || t == 'e' || t == 'E') {
            char f2[8] = {'%', 's', '%', '.', '*', t, 0};
            snprintf(num, sizeof num, f2, sgn, prec, d);
        } else {
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "Unknown format code '%c' for object of "
                                 "type '%s'", t, wf_obj_type_name(v));
        }
        if (f.comma)
            add_commas(num, body);
        else
            strcpy(body, num);
        return pad(ts, &f, body, strlen(body), '>', strlen(body));
    }
    if (wf_val_is(v, &wf_str_type)) {
        if (f.type != 0 && f.type != 's')
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "Unknown format code '%c' for object of "
                                 "type 'str'", f.type);
        const wf_str *so = (const wf_str *)wf_val_as_obj(v);
        size_t len = so->len, nchars = so->nchars;
        if (f.prec >= 0 && (size_t)f.prec < nchars) {
            // Cut at the prec-th code point.
            size_t b = 0, c = 0;
            while (b < len && c < (size_t)f.prec) {
                b++;
                while (b < len && ((unsigned char)so->data[b] & 0xC0) == 0x80)
                    b++;
                c++;
            }
            len = b;
            nchars = (size_t)f.prec;
        }
        return pad(ts, &f, so->data, len, '<', nchars);
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "unsupported format string passed to %s.__format__",
                         wf_obj_type_name(v));
}
