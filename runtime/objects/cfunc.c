// runtime/objects/cfunc.c -- built-in function and method objects (wf_builtin_*,
// wf_type_add_method) and argument checking for C functions (wf_arg_*).
// A wf_builtin is immutable once published. Methods of static types live
// in the type's dict unbound; attribute access binds a copy to the
// receiver, and wf_obj_get_method lets the VM call the unbound one with
// the receiver as args[0] instead.
#include "objects/object.h"

#include <string.h>

#include "objects/error.h"
#include "gc.h"
#include "mem.h"
#include "threads/thread.h"

static void
builtin_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_builtin *b = (wf_builtin *)self;
    visit(b->self, ctx);
    visit(b->module, ctx);
    if (b->owner != NULL)
        visit(wf_val_from_obj(b->owner), ctx);
}

static wf_value
builtin_call(wf_thread *ts, wf_value callable, const wf_value *args,
             size_t nargs, wf_value kwnames)
{
    wf_builtin *b = (wf_builtin *)wf_val_as_obj(callable);
    if (b->owner != NULL) {
        if (nargs == 0)
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "unbound method %s.%s() needs an argument",
                                 b->owner->name, b->name);
        if (!wf_val_isinstance(args[0], b->owner))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "descriptor '%s' for '%s' objects doesn't "
                                 "apply to a '%s' object",
                                 b->name, b->owner->name,
                                 wf_obj_type_name(args[0]));
    }
    return b->fn(ts, args, nargs, kwnames);
}

// Bound builtin: prepend the receiver and call the function directly.
static wf_value
bound_call(wf_thread *ts, wf_builtin *b, const wf_value *args, size_t nargs,
           wf_value kwnames)
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
    buf[0] = b->self;
    if (nargs + nkw > 0)
        memcpy(buf + 1, args, (nargs + nkw) * sizeof *buf);
    wf_value r = b->fn(ts, buf, nargs + 1, kwnames);
    if (buf != small)
        wf_mem_free(buf);
    return r;
}

static wf_value
builtin_call_slot(wf_thread *ts, wf_value callable, const wf_value *args,
                  size_t nargs, wf_value kwnames)
{
    wf_builtin *b = (wf_builtin *)wf_val_as_obj(callable);
    if (b->self != WF_NULL)
        return bound_call(ts, b, args, nargs, kwnames);
    return builtin_call(ts, callable, args, nargs, kwnames);
}

static wf_value
builtin_repr(wf_thread *ts, wf_value v)
{
    wf_builtin *b = (wf_builtin *)wf_val_as_obj(v);
    if (b->self != WF_NULL)
        return wf_str_format(ts, "<built-in method %s of %s object at %p>",
                             b->name, wf_obj_type_name(b->self),
                             (void *)wf_val_as_obj(b->self));
    if (b->owner != NULL)
        return wf_str_format(ts, "<method '%s' of '%s' objects>", b->name,
                             b->owner->name);
    return wf_str_format(ts, "<built-in function %s>", b->name);
}

static wf_value
builtin_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_builtin *b = (wf_builtin *)wf_val_as_obj(v);
    const char *n = wf_str_cstr(name);
    if (strcmp(n, "__name__") == 0)
        return wf_str_intern(ts, b->name);
    if (strcmp(n, "__qualname__") == 0) {
        if (b->owner != NULL)
            return wf_str_format(ts, "%s.%s", b->owner->name, b->name);
        return wf_str_intern(ts, b->name);
    }
    if (strcmp(n, "__self__") == 0)
        return b->self != WF_NULL ? b->self
               : b->module != WF_NULL ? b->module : WF_NONE;
    if (strcmp(n, "__module__") == 0)
        return b->module != WF_NULL ? b->module : WF_NONE;
    return wf_obj_generic_getattr(ts, v, name);
}

static wf_value
builtin_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    if ((op != WF_CMP_EQ && op != WF_CMP_NE) ||
        !wf_val_is(b, &wf_builtin_type))
        return WF_NOTIMPL;
    wf_builtin *x = (wf_builtin *)wf_val_as_obj(a);
    wf_builtin *y = (wf_builtin *)wf_val_as_obj(b);
    bool eq = x->fn == y->fn && x->self == y->self;
    return wf_val_bool(op == WF_CMP_EQ ? eq : !eq);
}

static int
builtin_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    (void)ts;
    wf_builtin *b = (wf_builtin *)wf_val_as_obj(v);
    *out = (int64_t)((uintptr_t)b->fn >> 4) ^
           (b->self != WF_NULL ? wf_obj_hash_identity(b->self) : 0);
    if (*out == -1)
        *out = -2;
    return 0;
}

wf_type wf_builtin_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "builtin_function_or_method",
    .base = &wf_object_type,
    .flags = WF_TPF_METHOD_LIKE,
    .basic_size = sizeof(wf_builtin),
    .traverse = builtin_traverse,
    .repr = builtin_repr,
    .hash = builtin_hash,
    .richcompare = builtin_richcompare,
    .getattr = builtin_getattr,
    .call = builtin_call_slot,
};

wf_value
wf_builtin_new(wf_thread *ts, const char *name, wf_cfunc fn, wf_type *owner)
{
    wf_builtin *b = (wf_builtin *)wf_gc_alloc(ts, &wf_builtin_type,
                                              sizeof(wf_builtin));
    if (b == NULL)
        return WF_NULL;
    b->name = name;
    b->fn = fn;
    b->owner = owner;
    b->self = WF_NULL;
    b->module = WF_NULL;
    return wf_val_from_obj(b);
}

int
wf_type_add_method(wf_thread *ts, wf_type *tp, const char *name, wf_cfunc fn)
{
    wf_value key = wf_str_intern(ts, name);
    if (key == WF_NULL)
        return -1;
    wf_value b = wf_builtin_new(ts, name, fn, tp);
    if (b == WF_NULL)
        return -1;
    return wf_dict_set_str(ts, tp->dict, key, b);
}

// ===== Argument checking =====

int
wf_arg_check(wf_thread *ts, const char *fname, size_t nargs,
             wf_value kwnames, size_t min, size_t max)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes no keyword arguments", fname);
        return -1;
    }
    if (nargs >= min && nargs <= max)
        return 0;
    if (min == max && min == 0)
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes no arguments (%zu given)", fname, nargs);
    else if (min == max && min == 1)
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes exactly one argument (%zu given)", fname,
                      nargs);
    else if (min == max)
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s expected %zu arguments, got %zu", fname, min,
                      nargs);
    else if (nargs < min)
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s expected at least %zu argument%s, got %zu", fname,
                      min, min == 1 ? "" : "s", nargs);
    else
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s expected at most %zu argument%s, got %zu", fname,
                      max, max == 1 ? "" : "s", nargs);
    return -1;
}

int
wf_arg_parse(wf_thread *ts, const char *fname, const wf_value *args,
             size_t nargs, wf_value kwnames, const char *const *names,
             size_t nparams, size_t npos, size_t min, wf_value *out)
{
    for (size_t i = 0; i < nparams; i++)
        out[i] = WF_NULL;
    // A method that parses its receiver as "self": CPython's messages
    // count the arguments after it.
    size_t self_ = nparams > 0 && strcmp(names[0], "self") == 0 ? 1 : 0;
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    // CPython's PyArg_ParseTupleAndKeywords: too many positionals where
    // keyword-only parameters follow, then too many in all.
    if (nargs > npos && npos == self_) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes no positional arguments", fname);
        return -1;
    }
    if (nargs > npos && npos < nparams) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes at most %zu positional argument%s (%zu "
                      "given)", fname, npos - self_,
                      npos - self_ == 1 ? "" : "s", nargs - self_);
        return -1;
    }
    if (nargs + nkw > nparams) {
        // Keyword-only parameters alone: "keyword argument(s)".
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s() takes at most %zu %sargument%s (%zu given)",
                      fname, nparams - self_,
                      npos == self_ ? "keyword " : "",
                      nparams - self_ == 1 ? "" : "s", nargs + nkw - self_);
        return -1;
    }
    for (size_t i = 0; i < nargs; i++)
        out[i] = args[i];
    for (size_t k = 0; k < nkw; k++) {
        wf_value kn = wf_tuple_items(kwnames)[k];
        size_t i;
        for (i = self_; i < nparams; i++)
            if (strcmp(wf_str_cstr(kn), names[i]) == 0)
                break;
        if (i == nparams) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "%s() got an unexpected keyword argument '%U'",
                          fname, kn);
            return -1;
        }
        if (out[i] != WF_NULL) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "argument for %s() given by name ('%s') and "
                          "position (%zu)", fname, names[i], i + 1 - self_);
            return -1;
        }
        out[i] = args[nargs + k];
    }
    for (size_t i = 0; i < min; i++) {
        if (out[i] == WF_NULL) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "%s() missing required argument '%s' (pos %zu)",
                          fname, names[i], i + 1 - self_);
            return -1;
        }
    }
    return 0;
}
