// runtime/objects/module.c -- module objects and the built-in module registry
// (wf_module_*, wf_import).
// Modules are found by name in interp->modules; the first import of a
// registered built-in module runs its init function under import_lock, so
// two threads importing at once get one module object. Init functions
// allocate but never reach a safe point, so holding the lock is safe
// against pauses.
#include "objects/object.h"

#include <pthread.h>
#include <string.h>

#include "objects/error.h"
#include "gc.h"
#include "threads/thread.h"

#define MAX_BUILTIN_MODULES 32

// Registry of built-in modules. W: start-up (single-threaded) under
// import_lock. R: under import_lock.
static struct {
    const char *name;
    wf_value (*init)(wf_thread *);
} registry[MAX_BUILTIN_MODULES];
static size_t nregistry;
static pthread_mutex_t import_lock = PTHREAD_MUTEX_INITIALIZER;

static void
module_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_module *m = (wf_module *)self;
    visit(m->name, ctx);
    visit(m->dict, ctx);
}

static wf_value
module_repr(wf_thread *ts, wf_value v)
{
    wf_module *m = (wf_module *)wf_val_as_obj(v);
    wf_value file = wf_dict_get_str(m->dict, wf_str_intern(ts, "__file__"));
    if (file != WF_NULL)
        return wf_str_format(ts, "<module %R from %R>", m->name, file);
    return wf_str_format(ts, "<module %R (built-in)>", m->name);
}

static wf_value
module_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_module *m = (wf_module *)wf_val_as_obj(v);
    wf_value r = wf_dict_get_str(m->dict, name);
    if (r != WF_NULL)
        return r;
    if (strcmp(wf_str_cstr(name), "__dict__") == 0)
        return m->dict;
    r = wf_type_lookup(&wf_module_type, name);
    if (r != WF_NULL)
        return wf_obj_generic_getattr(ts, v, name);
    if (strcmp(wf_str_cstr(name), "__class__") == 0)
        return wf_val_from_obj(&wf_module_type);
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "module '%U' has no attribute '%U'", m->name, name);
}

static int
module_setattr(wf_thread *ts, wf_value v, wf_value name, wf_value val)
{
    wf_module *m = (wf_module *)wf_val_as_obj(v);
    if (val != WF_NULL)
        return wf_dict_set(ts, m->dict, name, val);
    int r = wf_dict_del(ts, m->dict, name);
    if (r == 0)
        wf_err_format(ts, &wf_exc_AttributeError,
                      "module '%U' has no attribute '%U'", m->name, name);
    return r > 0 ? 0 : -1;
}

wf_type wf_module_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "module",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_module),
    .traverse = module_traverse,
    .repr = module_repr,
    .getattr = module_getattr,
    .setattr = module_setattr,
};

wf_value
wf_module_new(wf_thread *ts, const char *name)
{
    wf_value n = wf_str_intern(ts, name);
    if (n == WF_NULL)
        return WF_NULL;
    wf_value d = wf_dict_new(ts);
    if (d == WF_NULL)
        return WF_NULL;
    wf_module *m = (wf_module *)wf_gc_alloc(ts, &wf_module_type,
                                            sizeof(wf_module));
    if (m == NULL)
        return WF_NULL;
    m->name = n;
    m->dict = d;
    wf_value key = wf_str_intern(ts, "__name__");
    if (key == WF_NULL || wf_dict_set_str(ts, d, key, n) < 0)
        return WF_NULL;
    key = wf_str_intern(ts, "__doc__");
    if (key == WF_NULL || wf_dict_set_str(ts, d, key, WF_NONE) < 0)
        return WF_NULL;
    return wf_val_from_obj(m);
}

int
wf_module_add(wf_thread *ts, wf_value mod, const char *name, wf_value v)
{
    wf_value key = wf_str_intern(ts, name);
    if (key == WF_NULL)
        return -1;
    return wf_dict_set_str(ts, ((wf_module *)wf_val_as_obj(mod))->dict, key,
                           v);
}

int
wf_module_add_func(wf_thread *ts, wf_value mod, const char *name,
                   wf_cfunc fn)
{
    wf_value b = wf_builtin_new(ts, name, fn, NULL);
    if (b == WF_NULL)
        return -1;
    ((wf_builtin *)wf_val_as_obj(b))->module =
        ((wf_module *)wf_val_as_obj(mod))->name;
    return wf_module_add(ts, mod, name, b);
}

int
wf_module_register_builtin(const char *name, wf_value (*init)(wf_thread *))
{
    int rc = -1;
    pthread_mutex_lock(&import_lock);
    for (size_t i = 0; i < nregistry; i++)
        if (strcmp(registry[i].name, name) == 0)
            goto done;
    if (nregistry == MAX_BUILTIN_MODULES)
        goto done;
    registry[nregistry].name = name;
    registry[nregistry].init = init;
    nregistry++;
    rc = 0;
done:
    pthread_mutex_unlock(&import_lock);
    return rc;
}

wf_value
wf_import(wf_thread *ts, wf_value name)
{
    wf_interp *interp = ts->interp;
    if (!wf_val_isinstance(name, &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "module name must be str, not %s",
                             wf_obj_type_name(name));
    wf_value m;
    int r = wf_dict_get(ts, interp->modules, name, &m);
    if (r != 0)
        return r < 0 ? WF_NULL : m;
    wf_value result = WF_NULL;
    wf_thread_lock_mutex(ts, &import_lock);  // waits detached (threads)
    // Re-check under the lock: another thread may have finished first.
    m = wf_dict_get_str(interp->modules, name);
    if (m != WF_NULL) {
        result = m;
        goto done;
    }
    for (size_t i = 0; i < nregistry; i++) {
        if (strcmp(registry[i].name, wf_str_cstr(name)) != 0)
            continue;
        m = registry[i].init(ts);
        if (m != WF_NULL && wf_dict_set(ts, interp->modules, name, m) == 0)
            result = m;
        goto done;
    }
    wf_err_format(ts, &wf_exc_ModuleNotFoundError, "No module named %R",
                  name);
done:
    pthread_mutex_unlock(&import_lock);
    return result;
}

wf_value
wf_module_import_from(wf_thread *ts, wf_value module, wf_value name)
{
    wf_value v = wf_obj_lookup_attr(ts, module, name);
    if (v != WF_NULL || wf_err_occurred(ts))
        return v;
    if (wf_val_is(module, &wf_module_type))
        return wf_err_format(ts, &wf_exc_ImportError,
                             "cannot import name '%U' from '%U' (unknown "
                             "location)",
                             name, ((wf_module *)wf_val_as_obj(module))->name);
    return wf_err_format(ts, &wf_exc_ImportError, "cannot import name '%U'",
                         name);
}
