// runtime/objects/typeobj.c -- type objects, `object`, None/NotImplemented/
// Ellipsis, classes and their instances, bound methods (wf_type_*,
// wf_class_*, wf_method_*, wf_obj_generic_*).
// A class is a heap wf_type whose slots dispatch to its dunder methods
// when the class or a base class defines them; instances are wf_instance
// (or wf_exc below an exception class). Owns wf_types_init and the static
// roots of the object layer.
#include "objects/object.h"

#include <stddef.h>
#include <string.h>

#include "objects/error.h"
#include "gc.h"
#include "lock.h"
#include "threads/stw.h"
#include "threads/thread.h"

// ===== Interned names =====

// Dunder names used by slot dispatch, interned at wf_types_init (interned
// strings are immortal, so these need no rooting). W: init. R: plain.
enum {
    D_INIT, D_REPR, D_STR, D_HASH, D_BOOL, D_LEN, D_ITER, D_NEXT,
    D_GETITEM, D_SETITEM, D_DELITEM, D_CONTAINS, D_CALL, D_GETATTR,
    D_NEG, D_POS, D_INVERT,
    D_LT, D_LE, D_EQ, D_NE, D_GT, D_GE,   // in wf_cmp_op order
    D_NAME, D_QUALNAME, D_MODULE, D_CLASS, D_DICT, D_DOC, D_BASE, D_BASES,
    D_MRO, D_FUNC, D_SELF,
    D__COUNT
};
static const char *const dunder_cstr[D__COUNT] = {
    "__init__", "__repr__", "__str__", "__hash__", "__bool__", "__len__",
    "__iter__", "__next__", "__getitem__", "__setitem__", "__delitem__",
    "__contains__", "__call__", "__getattr__", "__neg__", "__pos__",
    "__invert__",
    "__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__",
    "__name__", "__qualname__", "__module__", "__class__", "__dict__",
    "__doc__", "__base__", "__bases__", "__mro__", "__func__", "__self__",
};
static wf_value dunder[D__COUNT];

// Binary-operator dunders by wf_binop base op: plain, reflected, in-place.
static const char *const binop_cstr[13] = {
    "add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or", "pow",
    "rshift", "sub", "truediv", "xor",
};
static wf_value binop_name[13], binop_rname[13], binop_iname[13];

// ===== Type relations and lookup =====

bool
wf_type_is_subtype(const wf_type *a, const wf_type *b)
{
    for (; a != NULL; a = a->base)
        if (a == b)
            return true;
    return false;
}

wf_value
wf_type_lookup(const wf_type *tp, wf_value name)
{
    for (; tp != NULL; tp = tp->base) {
        if (tp->dict == WF_NULL)
            continue;
        wf_value v = wf_dict_get_str(tp->dict, name);
        if (v != WF_NULL)
            return v;
    }
    return WF_NULL;
}

// Slot-dispatch helper: [name] found on type([self]) and not inherited
// from a static type's builtin method.
static wf_value
lookup_user(wf_value self, wf_value name)
{
    wf_value f = wf_type_lookup(wf_val_type(self), name);
    if (f != WF_NULL && wf_val_is(f, &wf_builtin_type)) {
        // Methods of static types never shadow the static slot.
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(f);
        if (b->owner != NULL && !(b->owner->flags & WF_TPF_HEAPTYPE))
            return WF_NULL;
    }
    return f;
}

// True if [v] binds to an instance when found on its class: Python
// functions and unbound methods of types. A builtin *function* (no owner)
// stored in a class does not bind, as in CPython.
static bool
is_method_like(wf_value v)
{
    if (!wf_val_is_obj(v) || !(wf_val_type(v)->flags & WF_TPF_METHOD_LIKE))
        return false;
    if (wf_val_is(v, &wf_builtin_type)) {
        const wf_builtin *b = (const wf_builtin *)wf_val_as_obj(v);
        return b->owner != NULL && b->self == WF_NULL;
    }
    return true;
}

static wf_value
call_user(wf_thread *ts, wf_value f, wf_value self, const wf_value *args,
          size_t nargs)
{
    if (!is_method_like(f))
        return wf_obj_call(ts, f, args, nargs, WF_NULL);
    return wf_obj_call_with_self(ts, f, self, args, nargs, WF_NULL);
}

// ===== Generic attribute access =====

static wf_value *
instance_dict_slot(wf_value v)
{
    wf_type *tp = wf_val_type(v);
    if (tp->dictoffset == 0 || !wf_val_is_obj(v))
        return NULL;
    return (wf_value *)((char *)wf_val_as_obj(v) + tp->dictoffset);
}

static wf_value
bind(wf_thread *ts, wf_value attr, wf_value self)
{
    if (!is_method_like(attr))
        return attr;
    if (wf_val_is(attr, &wf_builtin_type)) {
        wf_builtin *b = (wf_builtin *)wf_val_as_obj(attr);
        wf_value r = wf_builtin_new(ts, b->name, b->fn, b->owner);
        if (r == WF_NULL)
            return WF_NULL;
        ((wf_builtin *)wf_val_as_obj(r))->self = self;
        ((wf_builtin *)wf_val_as_obj(r))->module = b->module;
        return r;
    }
    return wf_method_new(ts, attr, self);
}

wf_value
wf_obj_generic_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_type *tp = wf_val_type(v);
    if (name == dunder[D_CLASS])
        return wf_val_from_obj(tp);
    wf_value *slot = instance_dict_slot(v);
    if (slot != NULL && *slot != WF_NULL) {
        wf_value r = wf_dict_get_str(*slot, name);
        if (r != WF_NULL)
            return r;
    }
    wf_value attr = wf_type_lookup(tp, name);
    if (attr != WF_NULL)
        return bind(ts, attr, v);
    if (wf_str_eq(name, dunder[D_CLASS]))
        return wf_val_from_obj(tp);
    if (slot != NULL && wf_str_eq(name, dunder[D_DICT])) {
        if (*slot == WF_NULL) {
            wf_value d = wf_dict_new(ts);
            if (d == WF_NULL)
                return WF_NULL;
            *slot = d;
        }
        return *slot;
    }
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "'%s' object has no attribute '%U'", tp->name, name);
}

int
wf_obj_generic_setattr(wf_thread *ts, wf_value v, wf_value name,
                       wf_value val)
{
    wf_value *slot = instance_dict_slot(v);
    if (slot == NULL) {
        wf_value a = wf_type_lookup(wf_val_type(v), name);
        if (a != WF_NULL)
            wf_err_format(ts, &wf_exc_AttributeError,
                          "'%s' object attribute '%U' is read-only",
                          wf_obj_type_name(v), name);
        else
            wf_err_format(ts, &wf_exc_AttributeError,
                          "'%s' object has no attribute '%U' and no "
                          "__dict__ for setting new attributes",
                          wf_obj_type_name(v), name);
        return -1;
    }
    if (val == WF_NULL) {
        int r = *slot == WF_NULL ? 0 : wf_dict_del(ts, *slot, name);
        if (r == 0)
            wf_err_format(ts, &wf_exc_AttributeError,
                          "'%s' object has no attribute '%U'",
                          wf_obj_type_name(v), name);
        return r > 0 ? 0 : -1;
    }
    if (*slot == WF_NULL) {
        wf_value d = wf_dict_new(ts);
        if (d == WF_NULL)
            return -1;
        // Publish the dict after it is complete (racing readers).
        wf_atomic_store_release_u64_word(slot, d);  // atomic.h "_word"
    }
    return wf_dict_set(ts, *slot, name, val);
}

// ===== type =====

static void
type_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_type *tp = (wf_type *)self;
    visit(tp->name_str, ctx);
    visit(tp->qualname_str, ctx);
    visit(tp->module_str, ctx);
    visit(tp->dict, ctx);
    if (tp->base != NULL)
        visit(wf_val_from_obj(tp->base), ctx);
}

static wf_value
type_repr(wf_thread *ts, wf_value self)
{
    wf_type *tp = (wf_type *)wf_val_as_obj(self);
    if (tp->module_str != WF_NULL)
        return wf_str_format(ts, "<class '%U.%U'>", tp->module_str,
                             tp->qualname_str);
    return wf_str_format(ts, "<class '%s'>", tp->name);
}

static wf_value
type_mro(wf_thread *ts, wf_type *tp)
{
    size_t n = 0;
    for (wf_type *t = tp; t != NULL; t = t->base)
        n++;
    wf_value r = wf_tuple_new(ts, n);
    if (r == WF_NULL)
        return WF_NULL;
    n = 0;
    for (wf_type *t = tp; t != NULL; t = t->base)
        wf_tuple_items(r)[n++] = wf_val_from_obj(t);
    return r;
}

static wf_value
type_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_type *tp = (wf_type *)wf_val_as_obj(self);
    if (wf_str_eq(name, dunder[D_NAME]))
        return tp->name_str;
    if (wf_str_eq(name, dunder[D_QUALNAME]))
        return tp->qualname_str;
    if (wf_str_eq(name, dunder[D_MODULE])) {
        if (tp->flags & WF_TPF_HEAPTYPE) {
            // Classes keep __module__ in their dict (any value), as in
            // CPython; module_str mirrors it when it is a str.
            wf_value m = wf_dict_get_str(tp->dict, dunder[D_MODULE]);
            if (m != WF_NULL)
                return m;
            return wf_err_format(ts, &wf_exc_AttributeError,
                                 "type object '%U' has no attribute '%U'",
                                 tp->qualname_str, name);
        }
        if (tp->module_str != WF_NULL)
            return tp->module_str;
        return wf_str_intern(ts, "builtins");
    }
    if (wf_str_eq(name, dunder[D_BASE]))
        return tp->base ? wf_val_from_obj(tp->base) : WF_NONE;
    if (wf_str_eq(name, dunder[D_BASES])) {
        if (tp->base == NULL)
            return wf_empty_tuple;
        return wf_tuple_pack(ts, 1, wf_val_from_obj(tp->base));
    }
    if (wf_str_eq(name, dunder[D_MRO]))
        return type_mro(ts, tp);
    if (wf_str_eq(name, dunder[D_DICT]))
        return tp->dict;
    if (wf_str_eq(name, dunder[D_CLASS]))
        return wf_val_from_obj(&wf_type_type);
    wf_value v = wf_type_lookup(tp, name);
    if (v != WF_NULL)
        return v;
    if (wf_str_eq(name, dunder[D_DOC]))
        return WF_NONE;
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "type object '%U' has no attribute '%U'",
                         tp->qualname_str, name);
}

static int type_setattr(wf_thread *ts, wf_value self, wf_value name,
                        wf_value v);
static void type_finalize(wf_obj *self);

static wf_value
type_call(wf_thread *ts, wf_value callable, const wf_value *args,
          size_t nargs, wf_value kwnames)
{
    wf_type *tp = (wf_type *)wf_val_as_obj(callable);
    if (tp == &wf_type_type) {
        size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
        if (nargs == 1 && nkw == 0)
            return wf_val_from_obj(wf_val_type(args[0]));
        if (nargs == 3 && nkw == 0) {
            wf_value bases = args[1];
            if (!wf_val_is(bases, &wf_tuple_type) ||
                wf_tuple_len(bases) > 1)
                return wf_err_format(ts, &wf_exc_TypeError,
                                     "type() takes a tuple of at most one "
                                     "base in Weft");
            return wf_class_new(ts, args[0], args[0],
                                wf_tuple_len(bases)
                                    ? wf_tuple_items(bases)[0]
                                    : WF_NULL,
                                args[2]);
        }
        return wf_err_format(ts, &wf_exc_TypeError,
                             "type() takes 1 or 3 arguments");
    }
    if (tp->new_ == NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "cannot create '%s' instances", tp->name);
    return tp->new_(ts, tp, args, nargs, kwnames);
}

wf_type wf_type_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "type",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_type),
    .traverse = type_traverse,
    .finalize = type_finalize,
    .repr = type_repr,
    .getattr = type_getattr,
    .setattr = type_setattr,
    .call = type_call,
};

// ===== object =====

static wf_value
object_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    (void)args;
    if (nargs > 0 || kwnames != WF_NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "object() takes no arguments");
    wf_obj *o = wf_gc_alloc(ts, type, sizeof(wf_obj));
    return o ? wf_val_from_obj(o) : WF_NULL;
}

// object.__init__(self): accepts no further arguments.
static wf_value
object_init(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (nargs > 1 || (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "object.__init__() takes exactly one argument "
                             "(the instance to initialize)");
    (void)args;
    return WF_NONE;
}

static wf_value
object_repr_m(wf_thread *ts, const wf_value *args, size_t nargs,
              wf_value kwnames)
{
    if (wf_arg_check(ts, "__repr__", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    wf_type *tp = wf_val_type(args[0]);
    if ((tp->flags & WF_TPF_HEAPTYPE) && tp->module_str != WF_NULL)
        return wf_str_format(ts, "<%U.%U object at %p>", tp->module_str,
                             tp->qualname_str, (void *)wf_val_as_obj(args[0]));
    return wf_str_format(ts, "<%s object at %p>", tp->name,
                         (void *)wf_val_as_obj(args[0]));
}

wf_type wf_object_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "object",
    .flags = WF_TPF_BASETYPE,
    .basic_size = sizeof(wf_obj),
    .new_ = object_new,
};

// ===== None, NotImplemented, Ellipsis =====

static wf_value
none_repr(wf_thread *ts, wf_value self)
{
    (void)self;
    return wf_str_intern(ts, "None");
}

static wf_value
notimpl_repr(wf_thread *ts, wf_value self)
{
    (void)self;
    return wf_str_intern(ts, "NotImplemented");
}

static wf_value
ellipsis_repr(wf_thread *ts, wf_value self)
{
    (void)self;
    return wf_str_intern(ts, "Ellipsis");
}

static int
none_truth(wf_thread *ts, wf_value self)
{
    (void)ts;
    (void)self;
    return 0;
}

wf_type wf_none_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "NoneType",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_obj),
    .repr = none_repr,
    .truth = none_truth,
};
wf_type wf_notimpl_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "NotImplementedType",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_obj),
    .repr = notimpl_repr,
};
wf_type wf_ellipsis_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "ellipsis",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_obj),
    .repr = ellipsis_repr,
};

wf_obj wf_none_obj = WF_OBJ_STATIC_INIT(&wf_none_type);
wf_obj wf_notimpl_obj = WF_OBJ_STATIC_INIT(&wf_notimpl_type);
wf_obj wf_ellipsis_obj = WF_OBJ_STATIC_INIT(&wf_ellipsis_type);

// ===== Bound methods =====

static void
method_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_method *m = (wf_method *)self;
    visit(m->func, ctx);
    visit(m->self, ctx);
}

static wf_value
method_call(wf_thread *ts, wf_value callable, const wf_value *args,
            size_t nargs, wf_value kwnames)
{
    wf_method *m = (wf_method *)wf_val_as_obj(callable);
    return wf_obj_call_with_self(ts, m->func, m->self, args, nargs, kwnames);
}

static wf_value
method_repr(wf_thread *ts, wf_value self)
{
    wf_method *m = (wf_method *)wf_val_as_obj(self);
    wf_value qn = wf_obj_lookup_attr(ts, m->func, dunder[D_QUALNAME]);
    if (qn == WF_NULL && wf_err_occurred(ts))
        return WF_NULL;
    if (qn == WF_NULL || !wf_val_isinstance(qn, &wf_str_type))
        qn = wf_str_intern(ts, "?");
    if (qn == WF_NULL)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, qn) < 0)
        return WF_NULL;
    wf_value r = wf_str_format(ts, "<bound method %U of %R>", qn, m->self);
    wf_root_release(ts, mark);
    return r;
}

static wf_value
method_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_method *m = (wf_method *)wf_val_as_obj(self);
    if (wf_str_eq(name, dunder[D_FUNC]))
        return m->func;
    if (wf_str_eq(name, dunder[D_SELF]))
        return m->self;
    if (wf_str_eq(name, dunder[D_CLASS]))
        return wf_val_from_obj(&wf_method_type);
    return wf_obj_getattr(ts, m->func, name);
}

static wf_value
method_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    if ((op != WF_CMP_EQ && op != WF_CMP_NE) || !wf_val_is(b, &wf_method_type))
        return WF_NOTIMPL;
    wf_method *x = (wf_method *)wf_val_as_obj(a);
    wf_method *y = (wf_method *)wf_val_as_obj(b);
    bool eq = x->func == y->func && x->self == y->self;
    return wf_val_bool(op == WF_CMP_EQ ? eq : !eq);
}

static int
method_hash(wf_thread *ts, wf_value self, int64_t *out)
{
    (void)ts;
    wf_method *m = (wf_method *)wf_val_as_obj(self);
    *out = wf_obj_hash_identity(m->func) ^ wf_obj_hash_identity(m->self);
    if (*out == -1)
        *out = -2;
    return 0;
}

wf_type wf_method_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "method",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_method),
    .traverse = method_traverse,
    .repr = method_repr,
    .hash = method_hash,
    .richcompare = method_richcompare,
    .getattr = method_getattr,
    .call = method_call,
};

wf_value
wf_method_new(wf_thread *ts, wf_value func, wf_value self)
{
    wf_method *m = (wf_method *)wf_gc_alloc(ts, &wf_method_type,
                                            sizeof(wf_method));
    if (m == NULL)
        return WF_NULL;
    m->func = func;
    m->self = self;
    return wf_val_from_obj(m);
}

// ===== Class slot dispatch =====
// Each slot below is installed on a class whose chain defines the dunder
// in Python; it looks the dunder up again at call time, so assigning
// C.__repr__ later takes effect.

static wf_value
cls_repr(wf_thread *ts, wf_value self)
{
    return wf_obj_call_dunder(ts, self, dunder[D_REPR], NULL, 0);
}

static wf_value
cls_str(wf_thread *ts, wf_value self)
{
    return wf_obj_call_dunder(ts, self, dunder[D_STR], NULL, 0);
}

static int
cls_hash(wf_thread *ts, wf_value self, int64_t *out)
{
    wf_value f = wf_type_lookup(wf_val_type(self), dunder[D_HASH]);
    if (f == WF_NULL || f == WF_NONE)
        return wf_obj_hash_unhashable(ts, self, out);
    wf_value r = call_user(ts, f, self, NULL, 0);
    if (r == WF_NULL)
        return -1;
    if (!wf_int_check(r)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "__hash__ method should return an integer");
        return -1;
    }
    return wf_obj_hash(ts, r, out);
}

static wf_value
cls_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    wf_value f = lookup_user(a, dunder[D_LT + op]);
    if (f != WF_NULL)
        return call_user(ts, f, a, &b, 1);
    if (op == WF_CMP_NE) {
        f = lookup_user(a, dunder[D_EQ]);
        if (f == WF_NULL)
            return WF_NOTIMPL;
        wf_value r = call_user(ts, f, a, &b, 1);
        if (r == WF_NULL || r == WF_NOTIMPL)
            return r;
        int t = wf_obj_truthy(ts, r);
        return t < 0 ? WF_NULL : wf_val_bool(!t);
    }
    return WF_NOTIMPL;
}

static int
cls_truth(wf_thread *ts, wf_value self)
{
    wf_value r = wf_obj_call_dunder(ts, self, dunder[D_BOOL], NULL, 0);
    if (r == WF_NULL)
        return -1;
    if (r != WF_TRUE && r != WF_FALSE) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "__bool__ should return bool, returned %s",
                      wf_obj_type_name(r));
        return -1;
    }
    return r == WF_TRUE;
}

static int64_t
cls_len(wf_thread *ts, wf_value self)
{
    wf_value r = wf_obj_call_dunder(ts, self, dunder[D_LEN], NULL, 0);
    if (r == WF_NULL)
        return -1;
    if (!wf_int_check(r)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "'%s' object cannot be interpreted as an integer",
                      wf_obj_type_name(r));
        return -1;
    }
    int64_t n;
    if (wf_int_as_i64(ts, r, &n) < 0)
        return -1;
    if (n < 0) {
        wf_err_format(ts, &wf_exc_ValueError, "__len__() should return >= 0");
        return -1;
    }
    return n;
}

static wf_value
cls_iter(wf_thread *ts, wf_value self)
{
    return wf_obj_call_dunder(ts, self, dunder[D_ITER], NULL, 0);
}

static int
cls_iternext(wf_thread *ts, wf_value self, wf_value *out)
{
    wf_value r = wf_obj_call_dunder(ts, self, dunder[D_NEXT], NULL, 0);
    if (r != WF_NULL) {
        *out = r;
        return 1;
    }
    if (wf_err_matches(ts, &wf_exc_StopIteration)) {
        wf_err_clear(ts);
        return 0;
    }
    return -1;
}

static wf_value
cls_getitem(wf_thread *ts, wf_value self, wf_value key)
{
    return wf_obj_call_dunder(ts, self, dunder[D_GETITEM], &key, 1);
}

static int
cls_setitem(wf_thread *ts, wf_value self, wf_value key, wf_value v)
{
    wf_value r;
    if (v == WF_NULL) {
        r = wf_obj_call_dunder(ts, self, dunder[D_DELITEM], &key, 1);
    } else {
        wf_value a[2] = {key, v};
        r = wf_obj_call_dunder(ts, self, dunder[D_SETITEM], a, 2);
    }
    return r == WF_NULL ? -1 : 0;
}

static int
cls_contains(wf_thread *ts, wf_value self, wf_value item)
{
    wf_value r = wf_obj_call_dunder(ts, self, dunder[D_CONTAINS], &item, 1);
    return r == WF_NULL ? -1 : wf_obj_truthy(ts, r);
}

static wf_value
cls_call(wf_thread *ts, wf_value callable, const wf_value *args,
         size_t nargs, wf_value kwnames)
{
    wf_value f = wf_type_lookup(wf_val_type(callable), dunder[D_CALL]);
    if (f == WF_NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'%s' object is not callable",
                             wf_obj_type_name(callable));
    if (!is_method_like(f))
        return wf_obj_call(ts, f, args, nargs, kwnames);
    return wf_obj_call_with_self(ts, f, callable, args, nargs, kwnames);
}

// getattr slot of the nearest static ancestor (generic, or exceptions').
static wf_value
static_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_type *tp = wf_val_type(self);
    while (tp != NULL && (tp->flags & WF_TPF_HEAPTYPE))
        tp = tp->base;
    if (tp != NULL && tp->getattr != NULL)
        return tp->getattr(ts, self, name);
    return wf_obj_generic_getattr(ts, self, name);
}

static wf_value
cls_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_value r = static_getattr(ts, self, name);
    if (r != WF_NULL || !wf_err_matches(ts, &wf_exc_AttributeError))
        return r;
    wf_err_clear(ts);
    return wf_obj_call_dunder(ts, self, dunder[D_GETATTR], &name, 1);
}

static wf_value
cls_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    bool inplace = op >= WF_BINOP_INPLACE_ADD;
    int base = inplace ? op - WF_BINOP_INPLACE_ADD : op;
    bool a_cls = wf_val_type(a)->binop == cls_binop;
    bool b_cls = wf_val_type(b)->binop == cls_binop;
    if (a_cls && inplace) {
        wf_value f = lookup_user(a, binop_iname[base]);
        if (f != WF_NULL) {
            wf_value r = call_user(ts, f, a, &b, 1);
            if (r != WF_NOTIMPL)
                return r;
        }
        // No __iadd__: fall back to __add__ / __radd__ below.
    }
    if (a_cls) {
        wf_value f = lookup_user(a, binop_name[base]);
        if (f != WF_NULL) {
            wf_value r = call_user(ts, f, a, &b, 1);
            if (r != WF_NOTIMPL)
                return r;
        }
    }
    if (b_cls && (!a_cls || wf_val_type(a) != wf_val_type(b))) {
        wf_value f = lookup_user(b, binop_rname[base]);
        if (f != WF_NULL)
            return call_user(ts, f, b, &a, 1);
    }
    return WF_NOTIMPL;
}

static wf_value
cls_unaryop(wf_thread *ts, wf_value v, wf_unaryop op)
{
    static const int names[] = {D_NEG, D_POS, D_INVERT};
    wf_value f = lookup_user(v, dunder[names[op]]);
    if (f == WF_NULL)
        return WF_NOTIMPL;
    return call_user(ts, f, v, NULL, 0);
}

// True if [name] is defined in Python somewhere along [tp]'s chain (not a
// builtin method of a static type).
static bool
defines(const wf_type *tp, wf_value name)
{
    for (; tp != NULL && (tp->flags & WF_TPF_HEAPTYPE); tp = tp->base)
        if (tp->dict != WF_NULL && wf_dict_get_str(tp->dict, name) != WF_NULL)
            return true;
    return false;
}

// Recompute [tp]'s slots from its dunders: start from the nearest static
// ancestor's slots, then install the dispatchers. Caller: class creation
// (before the class is published) or the holder of a WF_STW_TYPE pause
// (object.h "struct wf_type": the slot rule), so no reader sees the
// defaults between the two steps.
static void
fix_slots(wf_type *tp)
{
    wf_type *st = tp->base;
    while (st != NULL && (st->flags & WF_TPF_HEAPTYPE))
        st = st->base;
    tp->repr = st->repr;
    tp->str = st->str;
    tp->hash = st->hash;
    tp->richcompare = st->richcompare;
    tp->truth = st->truth;
    tp->getattr = st->getattr;
    tp->setattr = st->setattr;
    tp->call = st->call;
    tp->iter = st->iter;
    tp->iternext = st->iternext;
    tp->getitem = st->getitem;
    tp->setitem = st->setitem;
    tp->len = st->len;
    tp->contains = st->contains;
    tp->binop = st->binop;
    tp->unaryop = st->unaryop;
    if (defines(tp, dunder[D_REPR]))
        tp->repr = cls_repr;
    if (defines(tp, dunder[D_STR]))
        tp->str = cls_str;
    bool cmp = false;
    for (int i = D_LT; i <= D_GE; i++)
        cmp |= defines(tp, dunder[i]);
    if (cmp)
        tp->richcompare = cls_richcompare;
    // A class defining __eq__ without __hash__ got __hash__ = None in its
    // dict at creation (wf_class_new, as CPython); cls_hash treats None as
    // unhashable. Assigning __eq__ later leaves the hash alone (CPython).
    if (defines(tp, dunder[D_HASH]))
        tp->hash = cls_hash;
    if (defines(tp, dunder[D_BOOL]))
        tp->truth = cls_truth;
    if (defines(tp, dunder[D_LEN]))
        tp->len = cls_len;
    if (defines(tp, dunder[D_ITER]))
        tp->iter = cls_iter;
    if (defines(tp, dunder[D_NEXT]))
        tp->iternext = cls_iternext;
    if (defines(tp, dunder[D_GETITEM]))
        tp->getitem = cls_getitem;
    if (defines(tp, dunder[D_SETITEM]) || defines(tp, dunder[D_DELITEM]))
        tp->setitem = cls_setitem;
    if (defines(tp, dunder[D_CONTAINS]))
        tp->contains = cls_contains;
    if (defines(tp, dunder[D_CALL]))
        tp->call = cls_call;
    if (defines(tp, dunder[D_GETATTR]))
        tp->getattr = cls_getattr;
    if (defines(tp, dunder[D_NEG]) || defines(tp, dunder[D_POS]) ||
        defines(tp, dunder[D_INVERT]))
        tp->unaryop = cls_unaryop;
    for (int i = 0; i < 13; i++)
        if (defines(tp, binop_name[i]) || defines(tp, binop_rname[i]) ||
            defines(tp, binop_iname[i]))
            tp->binop = cls_binop;
}

// ===== The class registry =====
// Every class that may still be alive, so that a change to a class's
// dunders or bases re-derives the slots of its subclasses too. CPython
// keeps weak per-type subclass lists; Weft has no weak references, so one
// weak table: the collector does not trace it, and wf_type_type's
// finalize (type_finalize) drops a dead class from it in the sweep.
// W: under reg_lock (class creation, any thread; the sweeper, world
// stopped). R: under reg_lock, or by the holder of a WF_STW_TYPE pause.
static wf_lock reg_lock;
static wf_type **reg_items;
static size_t reg_n, reg_cap;

// Add class [tp] (not yet published). Returns 0, or -1 with MemoryError.
static int
reg_add(wf_thread *ts, wf_type *tp)
{
    wf_lock_acquire(&reg_lock);
    if (reg_n == reg_cap) {
        size_t ncap = reg_cap ? reg_cap * 2 : 64;
        wf_type **n = wf_mem_realloc(ts, reg_items, ncap * sizeof *n);
        if (n == NULL) {
            wf_lock_release(&reg_lock);
            return -1;
        }
        reg_items = n;
        reg_cap = ncap;
    }
    reg_items[reg_n++] = tp;
    tp->reg_slot = reg_n;
    wf_lock_release(&reg_lock);
    return 0;
}

// wf_type_type's finalize: a class died (sweep, world stopped).
static void
type_finalize(wf_obj *self)
{
    wf_type *tp = (wf_type *)self;
    wf_lock_acquire(&reg_lock);
    if (tp->reg_slot != 0) {
        size_t i = tp->reg_slot - 1;
        wf_type *last = reg_items[--reg_n];
        reg_items[i] = last;
        last->reg_slot = i + 1;
        tp->reg_slot = 0;
    }
    wf_lock_release(&reg_lock);
}

// Re-derive the slots of [tp] and of every class below it. Caller: the
// holder of a WF_STW_TYPE pause (or class creation, for [tp] alone, which
// has no subclass yet).
static void
refresh_slots(wf_type *tp)
{
    WF_ASSERT_WORLD_STOPPED();
    fix_slots(tp);
    if (!wf_atomic_load_relaxed_bool(&tp->subclassed))
        return;
    wf_lock_acquire(&reg_lock);
    for (size_t i = 0; i < reg_n; i++) {
        wf_type *t = reg_items[i];
        if (t != tp && wf_type_is_subtype(t, tp))
            fix_slots(t);
    }
    wf_lock_release(&reg_lock);
}

// ===== Assigning class attributes =====

// True if a slot dispatches on [name] (fix_slots), so assigning it must
// re-derive slots. Fast for names not shaped like a dunder.
static bool
is_slot_name(wf_value name)
{
    size_t n = wf_str_len(name);
    const char *c = wf_str_cstr(name);
    if (n < 5 || c[0] != '_' || c[1] != '_' || c[n - 1] != '_' ||
        c[n - 2] != '_')
        return false;
    for (int i = D_REPR; i <= D_GE; i++)
        if (name == dunder[i] || wf_str_eq(name, dunder[i]))
            return true;
    for (int i = 0; i < 13; i++)
        if (wf_str_eq(name, binop_name[i]) || wf_str_eq(name, binop_rname[i]) ||
            wf_str_eq(name, binop_iname[i]))
            return true;
    return false;
}

// The base that decides [tp]'s instance layout (CPython's "solid base"):
// for a class, the topmost class of its run of classes; for a built-in
// exception type, BaseException (they all share wf_exc); else [tp].
static const wf_type *
solid_base(const wf_type *tp)
{
    if (tp->flags & WF_TPF_HEAPTYPE) {
        while (tp->base != NULL && (tp->base->flags & WF_TPF_HEAPTYPE))
            tp = tp->base;
        return tp;
    }
    if (tp->flags & WF_TPF_EXCEPTION)
        return &wf_exc_BaseException;
    return tp;
}

// True for the bases whose instances CPython frees without the cycle
// collector (its "deallocator differs" check).
static bool
plain_free(const wf_type *tp)
{
    return tp == &wf_object_type || tp == &wf_int_type ||
           tp == &wf_str_type || tp == &wf_float_type;
}

// Check C.__bases__ = [v] against [tp]'s current state; *[out] gets the
// new base. Returns 0, or -1 with CPython's exception set. Caller: the
// pause holder (so bases cannot change under the cycle check).
static int
check_new_bases(wf_thread *ts, wf_type *tp, wf_value v, wf_type **out)
{
    if (v == WF_NULL) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "cannot delete '__bases__' attribute of immutable "
                      "type '%s'", tp->name);
        return -1;
    }
    if (!wf_val_is(v, &wf_tuple_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "can only assign tuple to %s.__bases__, not %s",
                      tp->name, wf_obj_type_name(v));
        return -1;
    }
    if (wf_tuple_len(v) == 0) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "can only assign non-empty tuple to %s.__bases__, "
                      "not ()", tp->name);
        return -1;
    }
    for (size_t i = 0; i < wf_tuple_len(v); i++) {
        wf_value b = wf_tuple_items(v)[i];
        if (!wf_val_isinstance(b, &wf_type_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "%s.__bases__ must be tuple of classes, not '%s'",
                          tp->name, wf_obj_type_name(b));
            return -1;
        }
        if (wf_type_is_subtype((wf_type *)wf_val_as_obj(b), tp)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "a __bases__ item causes an inheritance cycle");
            return -1;
        }
    }
    if (wf_tuple_len(v) > 1) {
        wf_err_format(ts, &wf_exc_NotImplementedError,
                      "multiple inheritance is not supported by Weft");
        return -1;
    }
    wf_type *nb = (wf_type *)wf_val_as_obj(wf_tuple_items(v)[0]);
    wf_type *ob = tp->base;
    if (!(nb->flags & WF_TPF_BASETYPE)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "type '%s' is not an acceptable base type", nb->name);
        return -1;
    }
    if (nb != ob) {
        // CPython's compatible_for_assignment, on Weft's two layouts
        // (wf_instance, wf_exc) and the built-in bases. CPython frees
        // object, int, str and float without the cycle collector.
        if (plain_free(nb) != plain_free(ob)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "__bases__ assignment: '%s' deallocator differs "
                          "from '%s'", nb->name, ob->name);
            return -1;
        }
        const wf_type *sn = solid_base(nb), *so = solid_base(ob);
        bool same = sn == so || ((sn->flags & WF_TPF_HEAPTYPE) &&
                                 (so->flags & WF_TPF_HEAPTYPE) &&
                                 sn->base == so->base);
        if (!same) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "__bases__ assignment: '%s' object layout "
                          "differs from '%s'", nb->name, ob->name);
            return -1;
        }
    }
    *out = nb;
    return 0;
}

// What an assignment changes besides the dict.
typedef enum type_change {
    TC_DICT,      // a slot dunder, or __module__: the dict, then slots
    TC_NAME,      // __name__
    TC_QUALNAME,  // __qualname__
    TC_BASES,     // __bases__
} type_change;

// Apply one change to class [tp] inside a WF_STW_TYPE pause and re-derive
// the slots of [tp] and its subclasses before the world runs again.
// Pauses are serialised, so two such assignments never interleave.
// Returns 0, or -1 with an exception set.
static int
change_in_pause(wf_thread *ts, wf_value self, wf_value name, wf_value v,
                type_change what)
{
    wf_type *tp = (wf_type *)wf_val_as_obj(self);
    size_t mark = wf_root_mark(ts);
    // wf_stw_begin may park this thread for another pause (which may
    // collect): everything held here must be rooted.
    if (wf_root_push(ts, self) < 0 || wf_root_push(ts, name) < 0 ||
        (v != WF_NULL && wf_root_push(ts, v) < 0))
        return -1;
    int rc = -1;
    if (wf_stw_begin(ts, WF_STW_TYPE) < 0)
        goto done;
    switch (what) {
    case TC_DICT:
        if (v == WF_NULL) {
            int r = wf_dict_del(ts, tp->dict, name);
            if (r == 0)
                wf_err_format(ts, &wf_exc_AttributeError,
                              "type object '%U' has no attribute '%U'",
                              tp->qualname_str, name);
            if (r <= 0)
                break;
        } else if (wf_dict_set(ts, tp->dict, name, v) < 0) {
            break;
        }
        if (wf_str_eq(name, dunder[D_MODULE]))
            tp->module_str = v != WF_NULL && wf_val_isinstance(
                                                 v, &wf_str_type)
                                 ? v
                                 : WF_NULL;
        refresh_slots(tp);
        rc = 0;
        break;
    case TC_NAME:
        tp->name = wf_str_cstr(v);
        tp->name_str = v;
        rc = 0;
        break;
    case TC_QUALNAME:
        tp->qualname_str = v;
        rc = 0;
        break;
    case TC_BASES: {
        wf_type *nb;
        if (check_new_bases(ts, tp, v, &nb) < 0)
            break;
        tp->base = nb;
        wf_atomic_store_relaxed_bool(&nb->subclassed, true);
        refresh_slots(tp);
        rc = 0;
        break;
    }
    }
    wf_stw_end(ts);
done:
    wf_root_release(ts, mark);
    return rc;
}

// type.__setattr__: classes only. Names no slot depends on go straight to
// the dict (no pause); the rest through change_in_pause.
static int
type_setattr(wf_thread *ts, wf_value self, wf_value name, wf_value v)
{
    wf_type *tp = (wf_type *)wf_val_as_obj(self);
    if (!(tp->flags & WF_TPF_HEAPTYPE)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "cannot set '%U' attribute of immutable type '%s'",
                      name, tp->name);
        return -1;
    }
    bool is_name = wf_str_eq(name, dunder[D_NAME]);
    if (is_name || wf_str_eq(name, dunder[D_QUALNAME])) {
        if (v == WF_NULL) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "cannot delete '%U' attribute of immutable type "
                          "'%s'", name, tp->name);
            return -1;
        }
        if (!wf_val_isinstance(v, &wf_str_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "can only assign string to %s.%U, not '%s'",
                          tp->name, name, wf_obj_type_name(v));
            return -1;
        }
        if (is_name && strlen(wf_str_cstr(v)) != wf_str_len(v)) {
            wf_err_format(ts, &wf_exc_ValueError,
                          "type name must not contain null characters");
            return -1;
        }
        return change_in_pause(ts, self, name, v,
                               is_name ? TC_NAME : TC_QUALNAME);
    }
    if (wf_str_eq(name, dunder[D_BASES]))
        return change_in_pause(ts, self, name, v, TC_BASES);
    if (is_slot_name(name) || wf_str_eq(name, dunder[D_MODULE]))
        return change_in_pause(ts, self, name, v, TC_DICT);
    if (v == WF_NULL) {
        int r = wf_dict_del(ts, tp->dict, name);
        if (r == 0)
            wf_err_format(ts, &wf_exc_AttributeError,
                          "type object '%U' has no attribute '%U'",
                          tp->qualname_str, name);
        return r > 0 ? 0 : -1;
    }
    return wf_dict_set(ts, tp->dict, name, v);
}

// ===== Classes: creation and instances =====

static void
instance_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    visit(((wf_instance *)self)->dict, ctx);
}

// Calling a class: allocate, then __init__ along the chain.
static wf_value
cls_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
        wf_value kwnames)
{
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    wf_obj *o = wf_gc_alloc(ts, type, type->basic_size);
    if (o == NULL)
        return WF_NULL;
    wf_value self = wf_val_from_obj(o);
    size_t mark = wf_root_mark(ts);
    wf_value result = WF_NULL;
    if (wf_root_push(ts, self) < 0)
        return WF_NULL;
    if (type->flags & WF_TPF_EXCEPTION) {
        wf_exc *e = (wf_exc *)o;
        e->traceback = e->cause = e->context = WF_NONE;
        e->args = wf_tuple_from_array(ts, args, nargs);
        if (e->args == WF_NULL)
            goto done;
    }
    wf_value init = wf_type_lookup(type, dunder[D_INIT]);
    if (init == WF_NULL ||
        init == wf_dict_get_str(wf_object_type.dict, dunder[D_INIT]) ||
        init == wf_dict_get_str(wf_exc_BaseException.dict, dunder[D_INIT])) {
        // object.__init__ / BaseException.__init__: nothing more to do.
        if (!(type->flags & WF_TPF_EXCEPTION) && (nargs > 0 || nkw > 0)) {
            wf_err_format(ts, &wf_exc_TypeError, "%U() takes no arguments",
                          type->qualname_str);
            goto done;
        }
        if ((type->flags & WF_TPF_EXCEPTION) && nkw > 0) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "%U() takes no keyword arguments",
                          type->qualname_str);
            goto done;
        }
        result = self;
        goto done;
    }
    wf_value r = is_method_like(init)
                     ? wf_obj_call_with_self(ts, init, self, args, nargs,
                                             kwnames)
                     : wf_obj_call(ts, init, args, nargs, kwnames);
    if (r == WF_NULL)
        goto done;
    if (r != WF_NONE) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "__init__() should return None, not '%s'",
                      wf_obj_type_name(r));
        goto done;
    }
    result = self;
done:
    wf_root_release(ts, mark);
    return result;
}

wf_value
wf_class_new(wf_thread *ts, wf_value name, wf_value qualname, wf_value base,
             wf_value ns)
{
    wf_type *bt = &wf_object_type;
    if (base != WF_NULL && base != WF_NONE) {
        if (!wf_val_isinstance(base, &wf_type_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "bases must be types");
        bt = (wf_type *)wf_val_as_obj(base);
    }
    if (!(bt->flags & WF_TPF_HEAPTYPE) && bt != &wf_object_type &&
        !(bt->flags & WF_TPF_EXCEPTION)) {
        if (!(bt->flags & WF_TPF_BASETYPE))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "type '%s' is not an acceptable base type",
                                 bt->name);
        return wf_err_format(ts, &wf_exc_TypeError,
                             "Weft does not support subclassing built-in "
                             "type '%s'", bt->name);
    }
    if (!wf_val_isinstance(name, &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "type.__new__() argument 1 must be str, not %s",
                             wf_obj_type_name(name));
    if (!wf_val_isinstance(ns, &wf_dict_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "type.__new__() argument 3 must be dict, not %s",
                             wf_obj_type_name(ns));
    size_t mark = wf_root_mark(ts);
    wf_value result = WF_NULL;
    wf_value dict = wf_dict_new(ts);
    if (dict == WF_NULL || wf_root_push(ts, dict) < 0)
        goto done;
    size_t pos = 0;
    wf_value k, v;
    while (wf_dict_next(ns, &pos, &k, &v))
        if (wf_dict_set(ts, dict, k, v) < 0)
            goto done;
    // CPython: a class that defines __eq__ but not __hash__ gets
    // __hash__ = None.
    if (wf_dict_get_str(dict, dunder[D_EQ]) != WF_NULL &&
        wf_dict_get_str(dict, dunder[D_HASH]) == WF_NULL &&
        wf_dict_set(ts, dict, dunder[D_HASH], WF_NONE) < 0)
        goto done;
    wf_value module = wf_dict_get_str(dict, dunder[D_MODULE]);
    if (module == WF_NULL) {
        module = wf_str_intern(ts, "__main__");
        if (module == WF_NULL ||
            wf_dict_set(ts, dict, dunder[D_MODULE], module) < 0)
            goto done;
    }
    if (!wf_val_isinstance(module, &wf_str_type))
        module = WF_NULL;  // repr shows the qualname alone (CPython)
    wf_type *tp = (wf_type *)wf_gc_alloc(ts, &wf_type_type, sizeof(wf_type));
    if (tp == NULL)
        goto done;
    tp->name = wf_str_cstr(name);
    tp->name_str = name;
    tp->qualname_str =
        wf_val_isinstance(qualname, &wf_str_type) ? qualname : name;
    tp->module_str = module;
    tp->base = bt;
    tp->dict = dict;
    tp->flags = WF_TPF_HEAPTYPE | WF_TPF_BASETYPE |
                (bt->flags & WF_TPF_EXCEPTION);
    if (bt->flags & WF_TPF_EXCEPTION) {
        tp->basic_size = sizeof(wf_exc);
        tp->dictoffset = offsetof(wf_exc, dict);
        tp->traverse = bt->traverse;
    } else {
        tp->basic_size = sizeof(wf_instance);
        tp->dictoffset = offsetof(wf_instance, dict);
        tp->traverse = instance_traverse;
    }
    tp->new_ = cls_new;
    fix_slots(tp);  // not yet published: no pause needed
    if (reg_add(ts, tp) < 0)
        goto done;
    wf_atomic_store_relaxed_bool(&bt->subclassed, true);
    result = wf_val_from_obj(tp);
done:
    wf_root_release(ts, mark);
    return result;
}

// ===== Initialisation and roots =====

// Every static type the object layer readies (the VM's types included:
// they get their name string and dict here too).
static wf_type *const static_types[] = {
    &wf_type_type, &wf_object_type, &wf_none_type, &wf_bool_type,
    &wf_int_type, &wf_float_type, &wf_str_type, &wf_tuple_type,
    &wf_list_type, &wf_dict_type, &wf_range_type, &wf_slice_type,
    &wf_builtin_type, &wf_method_type, &wf_module_type, &wf_notimpl_type,
    &wf_ellipsis_type, &wf_traceback_type, &wf_func_type, &wf_code_type,
    &wf_frame_type, &wf_gen_type, &wf_cell_type, &wf_seqiter_type,
    &wf_dictiter_type, &wf_enumerate_type, &wf_zip_type, &wf_reversed_type,
    &wf_map_type, &wf_filter_type, &wf_dict_keys_type, &wf_dict_values_type,
    &wf_dict_items_type,
};
#define NSTATIC (sizeof static_types / sizeof static_types[0])

static int
ready_type(wf_thread *ts, wf_type *tp)
{
    if (tp->name_str == WF_NULL) {
        tp->name_str = wf_str_intern(ts, tp->name);
        if (tp->name_str == WF_NULL)
            return -1;
    }
    if (tp->qualname_str == WF_NULL)
        tp->qualname_str = tp->name_str;
    if (tp->dict == WF_NULL) {
        tp->dict = wf_dict_new(ts);
        if (tp->dict == WF_NULL)
            return -1;
    }
    if (tp->base == NULL && tp != &wf_object_type)
        tp->base = &wf_object_type;
    return 0;
}

int
wf_types_init(wf_thread *ts)
{
    for (int i = 0; i < D__COUNT; i++) {
        dunder[i] = wf_str_intern(ts, dunder_cstr[i]);
        if (dunder[i] == WF_NULL)
            return -1;
    }
    for (int i = 0; i < 13; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "__%s__", binop_cstr[i]);
        binop_name[i] = wf_str_intern(ts, buf);
        snprintf(buf, sizeof buf, "__r%s__", binop_cstr[i]);
        binop_rname[i] = wf_str_intern(ts, buf);
        snprintf(buf, sizeof buf, "__i%s__", binop_cstr[i]);
        binop_iname[i] = wf_str_intern(ts, buf);
        if (!binop_name[i] || !binop_rname[i] || !binop_iname[i])
            return -1;
    }
    for (size_t i = 0; i < NSTATIC; i++)
        if (ready_type(ts, static_types[i]) < 0)
            return -1;
    wf_object_type.base = NULL;
    if (wf_type_add_method(ts, &wf_object_type, "__init__", object_init) < 0 ||
        wf_type_add_method(ts, &wf_object_type, "__repr__", object_repr_m) <
            0)
        return -1;
    if (wf_exc_init_types(ts) < 0 || wf_int_init_types(ts) < 0 ||
        wf_float_init_types(ts) < 0 || wf_str_init_types(ts) < 0 ||
        wf_tuple_init_types(ts) < 0 || wf_list_init_types(ts) < 0 ||
        wf_dict_init_types(ts) < 0 || wf_range_init_types(ts) < 0 ||
        wf_iter_init_types(ts) < 0)
        return -1;
    if (ts->interp->modules == WF_NULL) {
        ts->interp->modules = wf_dict_new(ts);
        if (ts->interp->modules == WF_NULL)
            return -1;
    }
    return 0;
}

void
wf_types_visit_roots(wf_visit_fn visit, void *ctx)
{
    for (size_t i = 0; i < NSTATIC; i++)
        visit(wf_val_from_obj(static_types[i]), ctx);
    wf_exc_visit_roots(visit, ctx);
    wf_str_visit_roots(visit, ctx);
}
