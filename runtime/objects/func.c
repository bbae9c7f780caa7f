// runtime/objects/func.c -- Python functions (wf_func_*, wf_func_type).
// Owns argument binding (CPython's rules and TypeError wording, from
// ceval.c's initialize_locals), the function type's attributes and its
// call slot, which pushes a frame and runs it with wf_eval_frame (the eval
// loop's CALL binds the same way without C recursion).
#include "objects/func.h"

#include <string.h>

#include "objects/error.h"
#include "vm/eval.h"

// Interned attribute names. W: wf_func_new's first call (racy but
// idempotent: interning returns the same immortal object). R: plain.
static wf_value str_name_key;

wf_value
wf_func_new(wf_thread *ts, wf_code *co, wf_value globals)
{
    if (str_name_key == WF_NULL) {
        str_name_key = wf_str_intern(ts, "__name__");
        if (str_name_key == WF_NULL)
            return WF_NULL;
    }
    wf_func *fn = (wf_func *)wf_gc_alloc(ts, &wf_func_type, sizeof(wf_func));
    if (fn == NULL)
        return WF_NULL;
    fn->code = co;
    fn->globals = globals;
    fn->builtins = ts->interp->builtins_dict;
    fn->name = co->name;
    fn->qualname = co->qualname != WF_NULL ? co->qualname : co->name;
    fn->defaults = WF_NULL;
    fn->kwdefaults = WF_NULL;
    fn->closure = WF_NULL;
    wf_value mod = wf_dict_get_str(globals, str_name_key);
    fn->module = mod != WF_NULL ? mod : WF_NONE;
    fn->doc = WF_NONE;
    fn->dict = WF_NULL;
    return wf_val_from_obj(fn);
}

// ===== Argument binding =====

// "'a'", "'a' and 'b'", "'a', 'b', and 'c'" of the empty slots among
// [start, end) (CPython's format_missing).
static void
missing_arguments(wf_thread *ts, const wf_func *fn, const wf_frame *f,
                  uint32_t start, uint32_t end, const char *kind)
{
    const wf_code *co = fn->code;
    const wf_value *names = wf_tuple_items(co->localsplusnames);
    uint32_t missing = 0;
    for (uint32_t i = start; i < end; i++)
        if (f->localsplus[i] == WF_NULL)
            missing++;
    char buf[512];
    size_t at = 0;
    uint32_t k = 0;
    buf[0] = '\0';
    for (uint32_t i = start; i < end && at < sizeof buf - 64; i++) {
        if (f->localsplus[i] != WF_NULL)
            continue;
        const char *sep = "";
        if (k > 0) {
            if (missing == 2)
                sep = " and ";
            else if (k == missing - 1)
                sep = ", and ";
            else
                sep = ", ";
        }
        int n = snprintf(buf + at, sizeof buf - at, "%s'%s'", sep,
                         wf_str_cstr(names[i]));
        if (n < 0)
            break;
        at += (size_t)n;
        if (at >= sizeof buf)
            at = sizeof buf - 1;
        k++;
    }
    wf_err_format(ts, &wf_exc_TypeError,
                  "%U() missing %u required %s argument%s: %s", fn->qualname,
                  (unsigned)missing, kind, missing == 1 ? "" : "s", buf);
}

static void
too_many_positional(wf_thread *ts, const wf_func *fn, const wf_frame *f,
                    size_t given)
{
    const wf_code *co = fn->code;
    size_t kwonly_given = 0;
    for (uint32_t i = co->argcount; i < co->argcount + co->kwonlyargcount;
         i++)
        if (f->localsplus[i] != WF_NULL)
            kwonly_given++;
    size_t defcount = fn->defaults != WF_NULL ? wf_tuple_len(fn->defaults)
                                              : 0;
    char sig[64];
    bool plural;
    if (defcount) {
        plural = true;
        snprintf(sig, sizeof sig, "from %zu to %u",
                 (size_t)co->argcount - defcount, (unsigned)co->argcount);
    } else {
        plural = co->argcount != 1;
        snprintf(sig, sizeof sig, "%u", (unsigned)co->argcount);
    }
    char kwsig[96] = "";
    if (kwonly_given)
        snprintf(kwsig, sizeof kwsig,
                 " positional argument%s (and %zu keyword-only argument%s)",
                 given != 1 ? "s" : "", kwonly_given,
                 kwonly_given != 1 ? "s" : "");
    wf_err_format(ts, &wf_exc_TypeError,
                  "%U() takes %s positional argument%s but %zu%s %s given",
                  fn->qualname, sig, plural ? "s" : "", given, kwsig,
                  given == 1 && !kwonly_given ? "was" : "were");
}

// Index of parameter [name] among the first [n] slots, or -1.
static int64_t
find_param(const wf_code *co, uint32_t n, wf_value name)
{
    const wf_value *names = wf_tuple_items(co->localsplusnames);
    for (uint32_t i = 0; i < n; i++)
        if (names[i] == name)
            return i;
    for (uint32_t i = 0; i < n; i++)
        if (wf_str_eq(names[i], name))
            return i;
    return -1;
}

int
wf_func_bind(wf_thread *ts, const wf_func *fn, wf_frame *f,
             const wf_value *args, size_t nargs, wf_value kwnames)
{
    const wf_code *co = fn->code;
    uint32_t argcount = co->argcount;
    uint32_t total_params = argcount + co->kwonlyargcount;
    wf_value *locals = f->localsplus;
    uint32_t slot = total_params;
    wf_value kwdict = WF_NULL;

    if (co->flags & WF_CO_VARARGS)
        slot++;
    if (co->flags & WF_CO_VARKEYWORDS) {
        kwdict = wf_dict_new(ts);
        if (kwdict == WF_NULL)
            return -1;
        locals[slot] = kwdict;  // rooted through the frame
    }

    size_t n = nargs < argcount ? nargs : argcount;
    for (size_t i = 0; i < n; i++)
        locals[i] = args[i];
    if (co->flags & WF_CO_VARARGS) {
        wf_value rest = nargs > n ? wf_tuple_from_array(ts, args + n,
                                                        nargs - n)
                                  : wf_empty_tuple;
        if (rest == WF_NULL)
            return -1;
        locals[total_params] = rest;
    }

    if (kwnames != WF_NULL) {
        size_t nkw = wf_tuple_len(kwnames);
        const wf_value *kwvals = args + nargs;
        for (size_t k = 0; k < nkw; k++) {
            wf_value name = wf_tuple_items(kwnames)[k];
            int64_t j = find_param(co, total_params, name);
            if (j < 0) {
                if (kwdict == WF_NULL) {
                    wf_err_format(ts, &wf_exc_TypeError,
                                  "%U() got an unexpected keyword argument "
                                  "'%U'", fn->qualname, name);
                    return -1;
                }
                if (wf_dict_set(ts, kwdict, name, kwvals[k]) < 0)
                    return -1;
                continue;
            }
            if (locals[j] != WF_NULL) {
                wf_err_format(ts, &wf_exc_TypeError,
                              "%U() got multiple values for argument '%U'",
                              fn->qualname, name);
                return -1;
            }
            locals[j] = kwvals[k];
        }
    }

    if (nargs > argcount && !(co->flags & WF_CO_VARARGS)) {
        too_many_positional(ts, fn, f, nargs);
        return -1;
    }

    if (nargs < argcount) {
        size_t defcount = fn->defaults != WF_NULL
                              ? wf_tuple_len(fn->defaults)
                              : 0;
        uint32_t m = argcount - (uint32_t)(defcount < argcount ? defcount
                                                               : argcount);
        for (uint32_t i = (uint32_t)nargs; i < m; i++) {
            if (locals[i] == WF_NULL) {
                missing_arguments(ts, fn, f, 0, m, "positional");
                return -1;
            }
        }
        const wf_value *defs = defcount ? wf_tuple_items(fn->defaults) : NULL;
        for (uint32_t i = (uint32_t)(nargs > m ? nargs : m); i < argcount;
             i++)
            if (locals[i] == WF_NULL)
                locals[i] = defs[i - m];
    }

    if (co->kwonlyargcount > 0) {
        bool missing = false;
        for (uint32_t i = argcount; i < total_params; i++) {
            if (locals[i] != WF_NULL)
                continue;
            wf_value name = wf_tuple_items(co->localsplusnames)[i];
            wf_value v = WF_NULL;
            if (fn->kwdefaults != WF_NULL &&
                wf_dict_get(ts, fn->kwdefaults, name, &v) < 0)
                return -1;
            if (v != WF_NULL)
                locals[i] = v;
            else
                missing = true;
        }
        if (missing) {
            missing_arguments(ts, fn, f, argcount, total_params,
                              "keyword-only");
            return -1;
        }
    }
    return 0;
}

wf_frame *
wf_func_push_frame(wf_thread *ts, wf_value callable, const wf_value *args,
                   size_t nargs, wf_value kwnames)
{
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callable);
    wf_frame *f = wf_frame_push(ts, fn->code, callable, fn->globals,
                                fn->builtins, WF_NULL);
    if (f == NULL)
        return NULL;
    if (wf_func_bind(ts, fn, f, args, nargs, kwnames) < 0) {
        wf_frame_pop(ts, f);
        return NULL;
    }
    return f;
}

wf_value
wf_func_run_with_locals(wf_thread *ts, wf_value callable, wf_value ns)
{
    const wf_func *fn = (const wf_func *)wf_val_as_obj(callable);
    wf_frame *f = wf_frame_push(ts, fn->code, callable, fn->globals,
                                fn->builtins, ns);
    if (f == NULL)
        return WF_NULL;
    if (wf_func_bind(ts, fn, f, NULL, 0, WF_NULL) < 0) {
        wf_frame_pop(ts, f);
        return WF_NULL;
    }
    return wf_eval_frame(ts, f);
}

// ===== f(*args, **kwargs) =====

int
wf_func_prepare_call_ex(wf_thread *ts, wf_value *base, bool has_kw)
{
    wf_value args = base[2];
    if (!wf_val_is(args, &wf_tuple_type)) {
        if (wf_val_isinstance(args, &wf_list_type)) {
            args = wf_list_as_tuple(ts, args);
        } else {
            wf_value l = wf_list_new(ts, 0);
            if (l == WF_NULL)
                return -1;
            base[2] = l;  // rooted on the stack while it fills
            if (wf_list_extend(ts, l, args) < 0) {
                if (wf_err_matches(ts, &wf_exc_TypeError) &&
                    wf_val_type(args)->iter == NULL) {
                    wf_err_clear(ts);
                    wf_err_format(ts, &wf_exc_TypeError,
                                  "Value after * must be an iterable, not "
                                  "%s", wf_obj_type_name(args));
                }
                return -1;
            }
            args = wf_list_as_tuple(ts, l);
        }
        if (args == WF_NULL)
            return -1;
        base[2] = args;
    }
    if (base[1] != WF_NULL) {
        size_t n = wf_tuple_len(args);
        wf_value t = wf_tuple_new(ts, n + 1);
        if (t == WF_NULL)
            return -1;
        wf_tuple_items(t)[0] = base[1];
        memcpy(wf_tuple_items(t) + 1, wf_tuple_items(args),
               n * sizeof(wf_value));
        base[2] = t;
        base[1] = WF_NULL;
    }
    if (has_kw && !wf_val_isinstance(base[3], &wf_dict_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "argument after ** must be a mapping, not %s",
                      wf_obj_type_name(base[3]));
        return -1;
    }
    return 0;
}

// ===== The type =====

static wf_value
func_call(wf_thread *ts, wf_value callable, const wf_value *args,
          size_t nargs, wf_value kwnames)
{
    wf_frame *f = wf_func_push_frame(ts, callable, args, nargs, kwnames);
    if (f == NULL)
        return WF_NULL;
    return wf_eval_frame(ts, f);
}

static void
func_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_func *fn = (wf_func *)self;
    visit(wf_val_from_obj(fn->code), ctx);
    visit(fn->globals, ctx);
    visit(fn->builtins, ctx);
    visit(fn->name, ctx);
    visit(fn->qualname, ctx);
    visit(fn->defaults, ctx);
    visit(fn->kwdefaults, ctx);
    visit(fn->closure, ctx);
    visit(fn->module, ctx);
    visit(fn->doc, ctx);
    visit(fn->dict, ctx);
}

static wf_value
func_repr(wf_thread *ts, wf_value self)
{
    const wf_func *fn = (const wf_func *)wf_val_as_obj(self);
    return wf_str_format(ts, "<function %U at %p>", fn->qualname,
                         (void *)fn);
}

static bool
name_is(wf_value name, const char *s)
{
    return strcmp(wf_str_cstr(name), s) == 0;
}

static wf_value
or_none(wf_value v)
{
    return v == WF_NULL ? WF_NONE : v;
}

static wf_value
func_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_func *fn = (wf_func *)wf_val_as_obj(self);
    const char *s = wf_str_cstr(name);
    if (s[0] == '_' && s[1] == '_') {
        if (name_is(name, "__name__"))
            return fn->name;
        if (name_is(name, "__qualname__"))
            return fn->qualname;
        if (name_is(name, "__code__"))
            return wf_val_from_obj(fn->code);
        if (name_is(name, "__defaults__"))
            return or_none(fn->defaults);
        if (name_is(name, "__kwdefaults__"))
            return or_none(fn->kwdefaults);
        if (name_is(name, "__globals__"))
            return fn->globals;
        if (name_is(name, "__builtins__"))
            return fn->builtins;
        if (name_is(name, "__closure__"))
            return or_none(fn->closure);
        if (name_is(name, "__module__"))
            return fn->module;
        if (name_is(name, "__doc__"))
            return fn->doc;
        if (name_is(name, "__dict__")) {
            if (fn->dict == WF_NULL)
                fn->dict = wf_dict_new(ts);
            return fn->dict;
        }
    }
    if (fn->dict != WF_NULL) {
        wf_value v = wf_dict_get_str(fn->dict, name);
        if (v != WF_NULL)
            return v;
    }
    wf_value v = wf_type_lookup(&wf_func_type, name);
    if (v != WF_NULL) {
        if (wf_val_type(v)->flags & WF_TPF_METHOD_LIKE)
            return wf_method_new(ts, v, self);
        return v;
    }
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "'function' object has no attribute '%U'", name);
}

static int
func_setattr(wf_thread *ts, wf_value self, wf_value name, wf_value v)
{
    wf_func *fn = (wf_func *)wf_val_as_obj(self);
    if (name_is(name, "__name__") || name_is(name, "__qualname__")) {
        if (v == WF_NULL || !wf_val_isinstance(v, &wf_str_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "%s must be set to a string object",
                          wf_str_cstr(name));
            return -1;
        }
        if (name_is(name, "__name__"))
            fn->name = v;
        else
            fn->qualname = v;
        return 0;
    }
    if (name_is(name, "__defaults__")) {
        if (v == WF_NULL || v == WF_NONE) {
            fn->defaults = WF_NULL;
            return 0;
        }
        if (!wf_val_is(v, &wf_tuple_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "__defaults__ must be set to a tuple object");
            return -1;
        }
        fn->defaults = v;
        return 0;
    }
    if (name_is(name, "__kwdefaults__")) {
        if (v == WF_NULL || v == WF_NONE) {
            fn->kwdefaults = WF_NULL;
            return 0;
        }
        if (!wf_val_isinstance(v, &wf_dict_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "__kwdefaults__ must be set to a dict object");
            return -1;
        }
        fn->kwdefaults = v;
        return 0;
    }
    if (name_is(name, "__doc__")) {
        fn->doc = or_none(v);
        return 0;
    }
    if (name_is(name, "__module__")) {
        fn->module = or_none(v);
        return 0;
    }
    if (name_is(name, "__code__") || name_is(name, "__globals__") ||
        name_is(name, "__closure__") || name_is(name, "__builtins__")) {
        wf_err_format(ts, &wf_exc_AttributeError, "readonly attribute");
        return -1;
    }
    if (fn->dict == WF_NULL) {
        if (v == WF_NULL) {
            wf_err_format(ts, &wf_exc_AttributeError,
                          "'function' object has no attribute '%U'", name);
            return -1;
        }
        fn->dict = wf_dict_new(ts);
        if (fn->dict == WF_NULL)
            return -1;
    }
    if (v == WF_NULL) {
        int r = wf_dict_del(ts, fn->dict, name);
        if (r == 0)
            wf_err_format(ts, &wf_exc_AttributeError,
                          "'function' object has no attribute '%U'", name);
        return r > 0 ? 0 : -1;
    }
    return wf_dict_set_str(ts, fn->dict, name, v);
}

static int
func_hash(wf_thread *ts, wf_value self, int64_t *out)
{
    (void)ts;
    *out = wf_obj_hash_identity(self);
    return 0;
}

wf_type wf_func_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "function",
    .base = &wf_object_type,
    .flags = WF_TPF_METHOD_LIKE,
    .basic_size = sizeof(wf_func),
    .traverse = func_traverse,
    .repr = func_repr,
    .hash = func_hash,
    .getattr = func_getattr,
    .setattr = func_setattr,
    .call = func_call,
};
