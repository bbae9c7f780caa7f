// runtime/objects/classbuild.c -- builtins.__build_class__ (wf_classbuild_*).
// Same protocol as CPython's builtin___build_class__ restricted to the
// subset: no metaclasses, no keywords, at most one base.
#include "objects/classbuild.h"

#include "objects/error.h"
#include "objects/func.h"

static wf_value
build_class(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_NotImplementedError,
                             "class keyword arguments (metaclass=...) are "
                             "not supported by Weft");
    if (nargs < 2)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "__build_class__: not enough arguments");
    wf_value func = args[0], name = args[1];
    if (!wf_val_is(func, &wf_func_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "__build_class__: func must be a function");
    if (!wf_val_isinstance(name, &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "__build_class__: name is not a string");
    if (nargs > 3)
        return wf_err_format(ts, &wf_exc_NotImplementedError,
                             "multiple inheritance is not supported by Weft");
    wf_value base = nargs == 3 ? args[2] : WF_NULL;
    if (base != WF_NULL && !wf_val_isinstance(base, &wf_type_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "bases must be types");

    size_t mark = wf_root_mark(ts);
    wf_value cls = WF_NULL;
    wf_value ns = wf_dict_new(ts);
    if (ns == WF_NULL || wf_root_push(ts, ns) < 0)
        goto done;
    if (wf_func_run_with_locals(ts, func, ns) == WF_NULL)
        goto done;
    wf_value qn_key = wf_str_intern(ts, "__qualname__");
    if (qn_key == WF_NULL)
        goto done;
    wf_value qualname = wf_dict_get_str(ns, qn_key);
    if (qualname == WF_NULL)
        qualname = name;
    cls = wf_class_new(ts, name, qualname, base, ns);
done:
    wf_root_release(ts, mark);
    return cls;
}

int
wf_classbuild_init(wf_thread *ts)
{
    wf_value fn = wf_builtin_new(ts, "__build_class__", build_class, NULL);
    if (fn == WF_NULL)
        return -1;
    wf_value key = wf_str_intern(ts, "__build_class__");
    if (key == WF_NULL)
        return -1;
    return wf_dict_set_str(ts, ts->interp->builtins_dict, key, fn);
}
