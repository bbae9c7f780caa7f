// runtime/objects/gen.c -- generators (wf_gen_*, wf_gen_type).
// Owns the generator object (its copy of the frame and its handled-
// exception item), resumption (send, throw, close, __next__), the
// "already executing" guard (an atomic flag: generators can be shared by
// threads) and the conversion of the frame's return into StopIteration.
// Same behaviour as CPython 3.14's genobject.c for everything in the subset;
// one deviation: an unfinished generator that becomes garbage is not
// closed (no finalizers run user code: ARCHITECTURE "Memory").
#include "objects/gen.h"

#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "vm/eval.h"
#include "objects/func.h"

static wf_gen *
as_gen(wf_value v)
{
    return (wf_gen *)wf_val_as_obj(v);
}

wf_value
wf_gen_new_from_frame(wf_thread *ts, wf_frame *f)
{
    size_t bytes = sizeof(wf_gen) + (size_t)f->nwords * sizeof(wf_value);
    wf_gen *g = (wf_gen *)wf_gc_alloc(ts, &wf_gen_type, bytes);
    if (g == NULL)
        return WF_NULL;
    wf_frame *gf = (wf_frame *)(void *)(g + 1);
    size_t used = (size_t)((char *)f->sp - (char *)f);
    memcpy(gf, f, used);
    gf->sp = (wf_value *)((char *)gf + ((char *)f->sp - (char *)f));
    gf->previous = NULL;
    gf->frameobj = WF_NULL;
    gf->gen = g;
    gf->owner = WF_FRAME_OWNED_BY_GENERATOR;
    wf_frame_set_state(gf, WF_FRAME_CREATED);
    gf->is_entry = WF_FRAME_ENTRY;
    g->frame = gf;
    g->exc_info.exc = WF_NONE;
    g->exc_info.previous = NULL;
    wf_atomic_store_relaxed_u32(&g->running, 0);
    if (f->func != WF_NULL) {
        const wf_func *fn = (const wf_func *)wf_val_as_obj(f->func);
        g->name = fn->name;
        g->qualname = fn->qualname;
    } else {
        g->name = f->code->name;
        g->qualname = f->code->qualname;
    }
    return wf_val_from_obj(g);
}

// Resume [g]. [throwing]: the exception set on [ts] is raised inside.
// Returns 1 yielded / 0 returned (*out the value) / -1 error.
static int
gen_send_ex(wf_thread *ts, wf_gen *g, wf_value v, bool throwing,
            wf_value *out)
{
    uint32_t expected = 0;
    if (!wf_atomic_cas_acq_rel_u32(&g->running, &expected, 1)) {
        wf_err_format(ts, &wf_exc_ValueError, "generator already executing");
        return -1;
    }
    wf_frame *f = g->frame;
    int result = -1;
    if (wf_frame_state(f) == WF_FRAME_COMPLETED) {
        if (!throwing) {
            *out = WF_NONE;
            result = 0;
        }
        goto done;
    }
    if (wf_frame_state(f) == WF_FRAME_CREATED && !throwing && v != WF_NONE) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "can't send non-None value to a just-started "
                      "generator");
        goto done;
    }
    int32_t limit = wf_thread_recursion_limit(ts);
    if (limit <= 0)
        limit = 1000;
    if (ts->recursion_depth >= limit) {
        if (throwing)
            wf_err_clear(ts);
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        goto done;
    }
    if (!throwing)
        *f->sp++ = v;
    ts->recursion_depth++;
    g->exc_info.previous = ts->exc_info;
    ts->exc_info = &g->exc_info;
    wf_value r = wf_eval_resume(ts, f, throwing);
    ts->exc_info = g->exc_info.previous;
    g->exc_info.previous = NULL;
    ts->recursion_depth--;
    if (r == WF_NULL) {
        wf_frame_set_state(f, WF_FRAME_COMPLETED);
        if (wf_err_matches(ts, &wf_exc_StopIteration)) {
            // PEP 479, in case the body had no STOPITERATION_ERROR handler.
            wf_value exc = wf_err_fetch(ts);
            wf_err_format(ts, &wf_exc_RuntimeError,
                          "generator raised StopIteration");
            wf_value err = ts->exc;
            if (err != WF_NULL &&
                wf_val_isinstance(err, &wf_exc_BaseException)) {
                wf_exc *e = (wf_exc *)wf_val_as_obj(err);
                e->cause = exc;
                e->context = exc;
                e->suppress_context = true;
            }
        }
        goto done;
    }
    *out = r;
    result = wf_frame_state(f) == WF_FRAME_SUSPENDED ? 1 : 0;
done:
    wf_atomic_store_release_u32(&g->running, 0);
    return result;
}

int
wf_gen_send(wf_thread *ts, wf_value gen, wf_value v, wf_value *out)
{
    return gen_send_ex(ts, as_gen(gen), v, false, out);
}

// Raise StopIteration carrying [value] (none for None).
static wf_value
stop_iteration(wf_thread *ts, wf_value value)
{
    if (value == WF_NONE)
        return wf_err_set_none(ts, &wf_exc_StopIteration);
    wf_value args = wf_tuple_pack(ts, 1, value);
    if (args == WF_NULL)
        return WF_NULL;
    wf_value exc = wf_exc_new(ts, &wf_exc_StopIteration, args);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

// ===== Slots and methods =====

static wf_value
gen_iter(wf_thread *ts, wf_value self)
{
    (void)ts;
    return self;
}

static int
gen_iternext(wf_thread *ts, wf_value self, wf_value *out)
{
    int r = gen_send_ex(ts, as_gen(self), WF_NONE, false, out);
    if (r == 0)
        *out = WF_NULL;
    return r;
}

static int
check_self(wf_thread *ts, const char *meth, const wf_value *args,
           size_t nargs)
{
    if (nargs < 1 || !wf_val_is(args[0], &wf_gen_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "descriptor '%s' requires a 'generator' object", meth);
        return -1;
    }
    return 0;
}

static wf_value
finish(wf_thread *ts, int r, wf_value v)
{
    if (r < 0)
        return WF_NULL;
    if (r == 0)
        return stop_iteration(ts, v);
    return v;
}

static wf_value
gen_m_next(wf_thread *ts, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    if (check_self(ts, "__next__", args, nargs) < 0 ||
        wf_arg_check(ts, "__next__", nargs - 1, kwnames, 0, 0) < 0)
        return WF_NULL;
    wf_value v;
    int r = gen_send_ex(ts, as_gen(args[0]), WF_NONE, false, &v);
    return finish(ts, r, v);
}

static wf_value
gen_m_iter(wf_thread *ts, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    if (check_self(ts, "__iter__", args, nargs) < 0 ||
        wf_arg_check(ts, "__iter__", nargs - 1, kwnames, 0, 0) < 0)
        return WF_NULL;
    return args[0];
}

static wf_value
gen_m_send(wf_thread *ts, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    if (check_self(ts, "send", args, nargs) < 0 ||
        wf_arg_check(ts, "send", nargs - 1, kwnames, 1, 1) < 0)
        return WF_NULL;
    wf_value v;
    int r = gen_send_ex(ts, as_gen(args[0]), args[1], false, &v);
    return finish(ts, r, v);
}

// Set the exception to throw from throw()'s arguments, as CPython's
// _gen_throw: a class (instantiated with [val]) or an instance.
static int
set_thrown(wf_thread *ts, wf_value typ, wf_value val)
{
    if (wf_val_isinstance(typ, &wf_type_type) &&
        wf_type_is_subtype((wf_type *)wf_val_as_obj(typ),
                           &wf_exc_BaseException)) {
        wf_value inst;
        if (val != WF_NULL && val != WF_NONE &&
            wf_val_isinstance(val, (wf_type *)wf_val_as_obj(typ))) {
            inst = val;
        } else if (val != WF_NULL && val != WF_NONE) {
            inst = wf_obj_call(ts, typ, &val, 1, WF_NULL);
        } else {
            inst = wf_obj_call(ts, typ, NULL, 0, WF_NULL);
        }
        if (inst == WF_NULL)
            return -1;
        wf_err_restore(ts, inst);
        return 0;
    }
    if (wf_val_isinstance(typ, &wf_exc_BaseException)) {
        if (val != WF_NULL && val != WF_NONE) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "instance exception may not have a separate "
                          "value");
            return -1;
        }
        wf_err_restore(ts, typ);
        return 0;
    }
    wf_err_format(ts, &wf_exc_TypeError,
                  "exceptions must be classes or instances deriving from "
                  "BaseException, not %s",
                  wf_obj_type_name(typ));
    return -1;
}

static wf_value
gen_m_throw(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (check_self(ts, "throw", args, nargs) < 0 ||
        wf_arg_check(ts, "throw", nargs - 1, kwnames, 1, 3) < 0)
        return WF_NULL;
    if (set_thrown(ts, args[1], nargs > 2 ? args[2] : WF_NULL) < 0)
        return WF_NULL;
    wf_value v;
    int r = gen_send_ex(ts, as_gen(args[0]), WF_NONE, true, &v);
    return finish(ts, r, v);
}

static wf_value
gen_m_close(wf_thread *ts, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    if (check_self(ts, "close", args, nargs) < 0 ||
        wf_arg_check(ts, "close", nargs - 1, kwnames, 0, 0) < 0)
        return WF_NULL;
    wf_gen *g = as_gen(args[0]);
    wf_frame *f = g->frame;
    if (wf_frame_state(f) == WF_FRAME_CREATED || wf_frame_state(f) == WF_FRAME_COMPLETED) {
        if (wf_atomic_load_acquire_u32(&g->running))
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "generator already executing");
        if (wf_frame_state(f) == WF_FRAME_CREATED)
            wf_frame_detach_object(ts, f);
        wf_frame_set_state(f, WF_FRAME_COMPLETED);
        return WF_NONE;
    }
    (void)wf_err_set_none(ts, &wf_exc_GeneratorExit);
    if (!wf_err_occurred(ts))
        return WF_NULL;
    wf_value v;
    int r = gen_send_ex(ts, g, WF_NONE, true, &v);
    if (r == 1)
        return wf_err_format(ts, &wf_exc_RuntimeError,
                             "generator ignored GeneratorExit");
    if (r == 0)
        return v;
    if (wf_err_matches(ts, &wf_exc_GeneratorExit) ||
        wf_err_matches(ts, &wf_exc_StopIteration)) {
        wf_err_clear(ts);
        return WF_NONE;
    }
    return WF_NULL;
}

static void
gen_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_gen *g = (wf_gen *)self;
    visit(g->name, ctx);
    visit(g->qualname, ctx);
    visit(g->exc_info.exc, ctx);
    wf_frame_visit(g->frame, visit, ctx);
}

static wf_value
gen_repr(wf_thread *ts, wf_value self)
{
    wf_gen *g = as_gen(self);
    return wf_str_format(ts, "<generator object %U at %p>", g->qualname,
                         (void *)g);
}

static bool
name_is(wf_value name, const char *s)
{
    return strcmp(wf_str_cstr(name), s) == 0;
}

static wf_value
gen_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_gen *g = as_gen(self);
    wf_frame *f = g->frame;
    if (name_is(name, "gi_frame"))
        return wf_frame_gen_object(ts, f);  // another thread may run it
    if (name_is(name, "gi_code"))
        return wf_val_from_obj(f->code);
    if (name_is(name, "gi_running"))
        return wf_val_bool(wf_frame_state(f) == WF_FRAME_EXECUTING);
    if (name_is(name, "gi_suspended"))
        return wf_val_bool(wf_frame_state(f) == WF_FRAME_SUSPENDED);
    if (name_is(name, "gi_yieldfrom"))
        return WF_NONE;
    if (name_is(name, "__name__"))
        return g->name;
    if (name_is(name, "__qualname__"))
        return g->qualname;
    return wf_obj_generic_getattr(ts, self, name);
}

static int
gen_hash(wf_thread *ts, wf_value self, int64_t *out)
{
    (void)ts;
    *out = wf_obj_hash_identity(self);
    return 0;
}

wf_type wf_gen_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "generator",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_gen),
    .traverse = gen_traverse,
    .repr = gen_repr,
    .hash = gen_hash,
    .getattr = gen_getattr,
    .iter = gen_iter,
    .iternext = gen_iternext,
};

int
wf_gen_init_type(wf_thread *ts)
{
    if (wf_type_add_method(ts, &wf_gen_type, "__next__", gen_m_next) < 0 ||
        wf_type_add_method(ts, &wf_gen_type, "__iter__", gen_m_iter) < 0 ||
        wf_type_add_method(ts, &wf_gen_type, "send", gen_m_send) < 0 ||
        wf_type_add_method(ts, &wf_gen_type, "throw", gen_m_throw) < 0 ||
        wf_type_add_method(ts, &wf_gen_type, "close", gen_m_close) < 0)
        return -1;
    return 0;
}
