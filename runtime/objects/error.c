// runtime/objects/error.c -- exceptions (wf_err_*, wf_exc_*, wf_traceback_*).
// Owns the built-in exception types (one static wf_type per line of
// exc_types.def), BaseException's attributes and methods, the traceback
// type, the preallocated MemoryError and CPython-format traceback
// printing. The exception in flight lives on its thread (wf_thread.exc),
// so nothing here is shared but the immortal types.
#include "objects/error.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vm/code.h"
#include "gc.h"
#include "threads/thread.h"

// ===== Exception objects =====

static wf_exc *
E(wf_value v)
{
    return (wf_exc *)wf_val_as_obj(v);
}

static wf_value
exc_args(wf_value v)
{
    wf_value a = E(v)->args;
    return a != WF_NULL ? a : wf_empty_tuple;
}

static void
exc_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_exc *e = (wf_exc *)self;
    visit(e->dict, ctx);
    visit(e->args, ctx);
    visit(e->traceback, ctx);
    visit(e->cause, ctx);
    visit(e->context, ctx);
}

static wf_value
exc_str(wf_thread *ts, wf_value v)
{
    wf_value a = exc_args(v);
    size_t n = wf_tuple_len(a);
    if (n == 0)
        return wf_str_new(ts, "", 0);
    if (n == 1)
        return wf_obj_str(ts, wf_tuple_items(a)[0]);
    return wf_obj_str(ts, a);
}

// KeyError shows the key's repr (CPython KeyError_str).
static wf_value
keyerror_str(wf_thread *ts, wf_value v)
{
    wf_value a = exc_args(v);
    if (wf_tuple_len(a) == 1)
        return wf_obj_repr(ts, wf_tuple_items(a)[0]);
    return exc_str(ts, v);
}

// OSError(errno, strerror[, filename]) shows "[Errno N] text" (CPython
// OSError_str); other argument counts as BaseException.
static wf_value
oserror_str(wf_thread *ts, wf_value v)
{
    wf_value a = exc_args(v);
    size_t n = wf_tuple_len(a);
    if (n < 2 || n > 5)
        return exc_str(ts, v);
    const wf_value *it = wf_tuple_items(a);
    if (n >= 3 && it[2] != WF_NONE)
        return wf_str_format(ts, "[Errno %S] %S: %R", it[0], it[1], it[2]);
    return wf_str_format(ts, "[Errno %S] %S", it[0], it[1]);
}

static wf_value
exc_repr(wf_thread *ts, wf_value v)
{
    wf_value a = exc_args(v);
    wf_type *tp = wf_val_type(v);
    if (wf_tuple_len(a) == 1)
        return wf_str_format(ts, "%U(%R)", tp->name_str, wf_tuple_items(a)[0]);
    return wf_str_format(ts, "%U%R", tp->name_str, a);
}

static wf_value
exc_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_exc *e = E(v);
    const char *n = wf_str_cstr(name);
    if (n[0] == '_' || n[0] == 'a' || n[0] == 'v' || n[0] == 'c' ||
        n[0] == 'e' || n[0] == 's') {
        if (strcmp(n, "args") == 0)
            return exc_args(v);
        if (strcmp(n, "__traceback__") == 0)
            return e->traceback != WF_NULL ? e->traceback : WF_NONE;
        if (strcmp(n, "__cause__") == 0)
            return e->cause != WF_NULL ? e->cause : WF_NONE;
        if (strcmp(n, "__context__") == 0)
            return e->context != WF_NULL ? e->context : WF_NONE;
        if (strcmp(n, "__suppress_context__") == 0)
            return wf_val_bool(e->suppress_context);
        if (wf_val_isinstance(v, &wf_exc_OSError) &&
            (strcmp(n, "errno") == 0 || strcmp(n, "strerror") == 0)) {
            wf_value a = exc_args(v);
            size_t na = wf_tuple_len(a);
            if (na < 2 || na > 5)
                return WF_NONE;
            return wf_tuple_items(a)[n[0] == 'e' ? 0 : 1];
        }
        if ((strcmp(n, "value") == 0 &&
             wf_val_isinstance(v, &wf_exc_StopIteration)) ||
            (strcmp(n, "code") == 0 &&
             wf_val_isinstance(v, &wf_exc_SystemExit))) {
            wf_value r = WF_NULL;
            if (e->dict != WF_NULL)
                r = wf_dict_get_str(e->dict, name);
            if (r != WF_NULL)
                return r;
            wf_value a = exc_args(v);
            return wf_tuple_len(a) > 0 ? wf_tuple_items(a)[0] : WF_NONE;
        }
    }
    return wf_obj_generic_getattr(ts, v, name);
}

static int
exc_setattr(wf_thread *ts, wf_value v, wf_value name, wf_value val)
{
    wf_exc *e = E(v);
    const char *n = wf_str_cstr(name);
    bool is_exc_or_none = val == WF_NONE ||
                          (val != WF_NULL &&
                           wf_val_isinstance(val, &wf_exc_BaseException));
    if (strcmp(n, "args") == 0 && val != WF_NULL) {
        wf_value t = wf_obj_call(ts, wf_val_from_obj(&wf_tuple_type), &val,
                                 1, WF_NULL);
        if (t == WF_NULL)
            return -1;
        e->args = t;
        return 0;
    }
    if (strcmp(n, "__traceback__") == 0 && val != WF_NULL) {
        if (val != WF_NONE && !wf_val_is(val, &wf_traceback_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "__traceback__ must be a traceback or None");
            return -1;
        }
        e->traceback = val;
        return 0;
    }
    if (strcmp(n, "__cause__") == 0 && val != WF_NULL) {
        if (!is_exc_or_none) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "exception cause must be None or derive from "
                          "BaseException");
            return -1;
        }
        e->cause = val;
        e->suppress_context = true;
        return 0;
    }
    if (strcmp(n, "__context__") == 0 && val != WF_NULL) {
        if (!is_exc_or_none) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "exception context must be None or derive from "
                          "BaseException");
            return -1;
        }
        e->context = val;
        return 0;
    }
    if (strcmp(n, "__suppress_context__") == 0 && val != WF_NULL) {
        int t = wf_obj_truthy(ts, val);
        if (t < 0)
            return -1;
        e->suppress_context = t;
        return 0;
    }
    return wf_obj_generic_setattr(ts, v, name, val);
}

static wf_value
exc_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
         wf_value kwnames)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "%s() takes no keyword arguments", type->name);
    wf_value t = wf_tuple_from_array(ts, args, nargs);
    if (t == WF_NULL)
        return WF_NULL;
    wf_exc *e = (wf_exc *)wf_gc_alloc(ts, type, type->basic_size);
    if (e == NULL)
        return WF_NULL;
    e->args = t;
    e->traceback = e->cause = e->context = WF_NONE;
    return wf_val_from_obj(e);
}

// Every built-in exception type.
#define wf_exc_object wf_object_type
#define WF_EXC(N, B)                                                        \
    wf_type wf_exc_##N = {                                                  \
        .ob = WF_OBJ_STATIC_INIT(&wf_type_type),                            \
        .name = #N,                                                         \
        .base = &wf_exc_##B,                                                \
        .flags = WF_TPF_EXCEPTION | WF_TPF_BASETYPE,                        \
        .basic_size = sizeof(wf_exc),                                       \
        .dictoffset = offsetof(wf_exc, dict),                               \
        .traverse = exc_traverse,                                           \
        .repr = exc_repr,                                                   \
        .str = exc_str,                                                     \
        .getattr = exc_getattr,                                             \
        .setattr = exc_setattr,                                             \
        .new_ = exc_new_,                                                   \
    };
#include "objects/exc_types.def"
#undef wf_exc_object

static wf_type *const exc_types[] = {
#define WF_EXC(N, B) &wf_exc_##N,
#include "objects/exc_types.def"
};
#define NEXC (sizeof exc_types / sizeof exc_types[0])

// The preallocated MemoryError (raising it never allocates).
static wf_exc memory_error = {
    .ob = WF_OBJ_STATIC_INIT(&wf_exc_MemoryError),
};

wf_value
wf_exc_new(wf_thread *ts, wf_type *type, wf_value args)
{
    if (!(type->flags & WF_TPF_EXCEPTION))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "exceptions must derive from BaseException");
    size_t n = args != WF_NULL ? wf_tuple_len(args) : 0;
    const wf_value *items = args != WF_NULL ? wf_tuple_items(args) : NULL;
    return type->new_(ts, type, items, n, WF_NULL);
}

// ===== BaseException methods =====

static wf_value
m_init(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "BaseException.__init__() takes no keyword "
                             "arguments");
    wf_value t = wf_tuple_from_array(ts, args + 1, nargs - 1);
    if (t == WF_NULL)
        return WF_NULL;
    E(args[0])->args = t;
    return WF_NONE;
}

static wf_value
m_with_traceback(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    if (wf_arg_check(ts, "with_traceback", nargs, kwnames, 2, 2) < 0)
        return WF_NULL;
    wf_value name = wf_str_intern(ts, "__traceback__");
    if (name == WF_NULL || exc_setattr(ts, args[0], name, args[1]) < 0)
        return WF_NULL;
    return args[0];
}

static wf_value
m_str(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (wf_arg_check(ts, "__str__", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    if (wf_val_isinstance(args[0], &wf_exc_KeyError))
        return keyerror_str(ts, args[0]);
    if (wf_val_isinstance(args[0], &wf_exc_OSError))
        return oserror_str(ts, args[0]);
    return exc_str(ts, args[0]);
}

static wf_value
m_repr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (wf_arg_check(ts, "__repr__", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    return exc_repr(ts, args[0]);
}

int
wf_exc_init_types(wf_thread *ts)
{
    wf_exc_KeyError.str = keyerror_str;
    wf_exc_OSError.str = wf_exc_ConnectionError.str = oserror_str;
    wf_exc_BrokenPipeError.str = oserror_str;
    for (size_t i = 0; i < NEXC; i++) {
        wf_type *tp = exc_types[i];
        if (tp->name_str == WF_NULL) {
            tp->name_str = wf_str_intern(ts, tp->name);
            if (tp->name_str == WF_NULL)
                return -1;
            tp->qualname_str = tp->name_str;
        }
        if (tp->dict == WF_NULL) {
            tp->dict = wf_dict_new(ts);
            if (tp->dict == WF_NULL)
                return -1;
        }
    }
    wf_type *be = &wf_exc_BaseException;
    if (wf_type_add_method(ts, be, "__init__", m_init) < 0 ||
        wf_type_add_method(ts, be, "with_traceback", m_with_traceback) < 0 ||
        wf_type_add_method(ts, be, "__str__", m_str) < 0 ||
        wf_type_add_method(ts, be, "__repr__", m_repr) < 0)
        return -1;
    memory_error.args = wf_empty_tuple;
    memory_error.traceback = memory_error.cause = WF_NONE;
    memory_error.context = WF_NONE;
    return 0;
}

int
wf_exc_init(wf_thread *ts, wf_value builtins_dict)
{
    for (size_t i = 0; i < NEXC; i++)
        if (wf_dict_set_str(ts, builtins_dict, exc_types[i]->name_str,
                            wf_val_from_obj(exc_types[i])) < 0)
            return -1;
    return 0;
}

void
wf_exc_visit_roots(wf_visit_fn visit, void *ctx)
{
    for (size_t i = 0; i < NEXC; i++)
        visit(wf_val_from_obj(exc_types[i]), ctx);
    // Not the preallocated MemoryError: it is live only while something
    // holds it (wf_exc_drop_unreached), else its traceback would keep
    // the frames that filled memory, and their locals, alive.
}

void
wf_exc_drop_unreached(void)
{
    if (memory_error.ob.gc_bits & WF_GC_MARK)
        return;
    memory_error.traceback = memory_error.cause = WF_NONE;
    memory_error.context = WF_NONE;
    memory_error.dict = WF_NULL;
    memory_error.suppress_context = false;
}

// ===== Raising =====

wf_value
wf_err_set_value(wf_thread *ts, wf_value exc)
{
    if (wf_val_is_obj(exc) && wf_val_isinstance(exc, &wf_exc_BaseException)) {
        // Implicit chaining (CPython _PyErr_SetObject): the exception
        // being handled becomes __context__, breaking any cycle.
        wf_value handled = wf_err_handled(ts);
        if (handled != WF_NULL && handled != exc &&
            wf_val_isinstance(handled, &wf_exc_BaseException)) {
            wf_value o = handled;
            for (int guard = 0; guard < 10000; guard++) {
                wf_value c = E(o)->context;
                if (c == WF_NULL || c == WF_NONE)
                    break;
                if (c == exc) {
                    E(o)->context = WF_NONE;
                    break;
                }
                o = c;
            }
            E(exc)->context = handled;
        }
    }
    ts->exc = exc;
    return WF_NULL;
}

wf_value
wf_err_format(wf_thread *ts, wf_type *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wf_value msg = wf_str_vformat(ts, fmt, ap);
    va_end(ap);
    if (msg == WF_NULL)
        return WF_NULL;
    wf_value args = wf_tuple_pack(ts, 1, msg);
    if (args == WF_NULL)
        return WF_NULL;
    wf_value exc = wf_exc_new(ts, type, args);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

wf_value
wf_err_set_none(wf_thread *ts, wf_type *type)
{
    wf_value exc = wf_exc_new(ts, type, wf_empty_tuple);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

wf_value
wf_err_no_memory(wf_thread *ts)
{
    wf_gc_note_oom(ts);  // headroom to handle it; collect at a safe point
    memory_error.traceback = WF_NONE;
    memory_error.cause = memory_error.context = WF_NONE;
    if (memory_error.args == WF_NULL)
        memory_error.args = wf_empty_tuple;
    ts->exc = wf_val_from_obj(&memory_error);
    return WF_NULL;
}

wf_value
wf_err_set_errno(wf_thread *ts, int err)
{
    wf_type *tp = err == EPIPE ? &wf_exc_BrokenPipeError : &wf_exc_OSError;
    wf_value items[2] = {wf_val_from_int(err), WF_NULL};
    items[1] = wf_str_from_cstr(ts, strerror(err));
    if (items[1] == WF_NULL)
        return WF_NULL;
    wf_value exc = tp->new_(ts, tp, items, 2, WF_NULL);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

bool
wf_err_occurred(const wf_thread *ts)
{
    return ts->exc != WF_NULL;
}

bool
wf_err_matches(const wf_thread *ts, const wf_type *type)
{
    return ts->exc != WF_NULL && wf_val_isinstance(ts->exc, type);
}

wf_value
wf_err_fetch(wf_thread *ts)
{
    wf_value e = ts->exc;
    ts->exc = WF_NULL;
    return e;
}

void
wf_err_restore(wf_thread *ts, wf_value exc)
{
    ts->exc = exc;
}

void
wf_err_clear(wf_thread *ts)
{
    ts->exc = WF_NULL;
}

wf_value
wf_err_handled(const wf_thread *ts)
{
    for (wf_exc_info *ei = ts->exc_info; ei != NULL; ei = ei->previous)
        if (ei->exc != WF_NULL && ei->exc != WF_NONE)
            return ei->exc;
    return WF_NULL;
}

// ===== raise, except and with (for the VM) =====

wf_value
wf_exc_new_msg(wf_thread *ts, wf_type *type, const char *msg)
{
    wf_value s = wf_str_from_cstr(ts, msg);
    if (s == WF_NULL)
        return WF_NULL;
    wf_value args = wf_tuple_pack(ts, 1, s);
    if (args == WF_NULL)
        return WF_NULL;
    return wf_exc_new(ts, type, args);
}

static bool
is_exc_class(wf_value v)
{
    return wf_val_isinstance(v, &wf_type_type) &&
           wf_type_is_subtype((wf_type *)wf_val_as_obj(v),
                              &wf_exc_BaseException);
}

// Turn [v] (class or instance) into an exception instance, or WF_NULL with
// TypeError; [cause] says which operand of `raise` it is, for the message.
static wf_value
make_exception(wf_thread *ts, wf_value v, bool cause)
{
    if (is_exc_class(v)) {
        wf_value inst = wf_obj_call(ts, v, NULL, 0, WF_NULL);
        if (inst == WF_NULL)
            return WF_NULL;
        if (!wf_val_isinstance(inst, &wf_exc_BaseException))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "calling %R should have returned an "
                                 "instance of BaseException, not %s",
                                 v, wf_obj_type_name(inst));
        return inst;
    }
    if (wf_val_isinstance(v, &wf_exc_BaseException))
        return v;
    return wf_err_format(ts, &wf_exc_TypeError,
                         cause ? "exception causes must derive from "
                                 "BaseException"
                               : "exceptions must derive from BaseException");
}

wf_value
wf_err_raise(wf_thread *ts, wf_value exc, wf_value cause)
{
    wf_value e = make_exception(ts, exc, false);
    if (e == WF_NULL)
        return WF_NULL;
    if (cause != WF_NULL) {
        wf_value c = WF_NONE;
        if (cause != WF_NONE) {
            if (wf_root_push(ts, e) < 0)
                return WF_NULL;
            c = make_exception(ts, cause, true);
            wf_root_release(ts, wf_root_mark(ts) - 1);
            if (c == WF_NULL)
                return WF_NULL;
        }
        E(e)->cause = c;
        E(e)->suppress_context = true;
    }
    return wf_err_set_value(ts, e);
}

int
wf_exc_check_match(wf_thread *ts, wf_value exc, wf_value type)
{
    bool ok = is_exc_class(type);
    if (!ok && wf_val_is(type, &wf_tuple_type)) {
        ok = true;
        for (size_t i = 0; i < wf_tuple_len(type); i++)
            if (!is_exc_class(wf_tuple_items(type)[i]))
                ok = false;
    }
    if (!ok) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "catching classes that do not inherit from "
                      "BaseException is not allowed");
        return -1;
    }
    return wf_obj_isinstance(ts, exc, type);
}

wf_value
wf_exc_call_exit(wf_thread *ts, wf_value exit_fn, wf_value exit_self,
                 wf_value exc)
{
    wf_value args[4];
    args[0] = exit_self;
    args[1] = wf_val_from_obj(wf_val_type(exc));
    args[2] = exc;
    args[3] = WF_NONE;
    if (wf_val_isinstance(exc, &wf_exc_BaseException))
        args[3] = E(exc)->traceback;
    if (args[3] == WF_NULL)
        args[3] = WF_NONE;
    if (exit_self == WF_NULL)
        return wf_obj_call(ts, exit_fn, args + 1, 3, WF_NULL);
    return wf_obj_call(ts, exit_fn, args, 4, WF_NULL);
}

// ===== Tracebacks =====

static void
tb_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_traceback *tb = (wf_traceback *)self;
    visit(tb->next, ctx);
    visit(tb->frame, ctx);
    visit(tb->code, ctx);
}

static wf_value
tb_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    wf_traceback *tb = (wf_traceback *)wf_val_as_obj(v);
    const char *n = wf_str_cstr(name);
    if (strcmp(n, "tb_next") == 0)
        return tb->next;
    if (strcmp(n, "tb_frame") == 0)
        return tb->frame;
    if (strcmp(n, "tb_lineno") == 0)
        return tb->lineno >= 0 ? wf_val_from_int(tb->lineno) : WF_NONE;
    if (strcmp(n, "tb_lasti") == 0)
        return wf_val_from_int(tb->lasti);
    return wf_obj_generic_getattr(ts, v, name);
}

wf_type wf_traceback_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "traceback",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_traceback),
    .traverse = tb_traverse,
    .getattr = tb_getattr,
};

wf_value
wf_traceback_new(wf_thread *ts, wf_value next, wf_value frame, wf_value code,
                 int32_t lineno, int32_t lasti)
{
    wf_traceback *tb = (wf_traceback *)wf_gc_alloc(ts, &wf_traceback_type,
                                                   sizeof(wf_traceback));
    if (tb == NULL)
        return WF_NULL;
    tb->next = next != WF_NULL ? next : WF_NONE;
    tb->frame = frame != WF_NULL ? frame : WF_NONE;
    tb->code = code != WF_NULL ? code : WF_NONE;
    tb->lineno = lineno;
    tb->lasti = lasti;
    return wf_val_from_obj(tb);
}

int
wf_err_add_traceback(wf_thread *ts, wf_value frame, wf_value code,
                     int32_t lineno, int32_t lasti)
{
    wf_value exc = ts->exc;
    if (exc == WF_NULL || !wf_val_isinstance(exc, &wf_exc_BaseException))
        return 0;
    wf_value tb = wf_traceback_new(ts, E(exc)->traceback, frame, code,
                                   lineno, lasti);
    if (tb == WF_NULL)
        return -1;
    E(exc)->traceback = tb;
    return 0;
}

// ===== Printing (CPython's default excepthook format) =====

// Print line [lineno] of [path], stripped, indented 4 spaces; nothing if
// unreadable.
static void
print_source_line(FILE *out, const char *path, int32_t lineno)
{
    if (lineno <= 0)
        return;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char buf[4096];
    int32_t cur = 0;
    while (fgets(buf, sizeof buf, f) != NULL) {
        size_t len = strlen(buf);
        bool whole = len > 0 && buf[len - 1] == '\n';
        if (cur + 1 == lineno) {
            char *s = buf;
            while (*s == ' ' || *s == '\t' || *s == '\f')
                s++;
            size_t n = strlen(s);
            while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
                             s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
            if (n > 0)
                fprintf(out, "    %.*s\n", (int)n, s);
            break;
        }
        if (whole)
            cur++;
    }
    fclose(f);
}

static void
print_tb(FILE *out, wf_value tbv)
{
    if (!wf_val_is(tbv, &wf_traceback_type))
        return;
    fputs("Traceback (most recent call last):\n", out);
    const char *last_file = NULL, *last_name = NULL;
    int32_t last_line = -2;
    int count = 0;
    for (; wf_val_is(tbv, &wf_traceback_type);
         tbv = ((wf_traceback *)wf_val_as_obj(tbv))->next) {
        wf_traceback *tb = (wf_traceback *)wf_val_as_obj(tbv);
        const char *file = "<unknown>", *name = "<unknown>";
        if (wf_val_is(tb->code, &wf_code_type)) {
            const wf_code *co = (const wf_code *)wf_val_as_obj(tb->code);
            if (co->filename != WF_NULL)
                file = wf_str_cstr(co->filename);
            if (co->name != WF_NULL)
                name = wf_str_cstr(co->name);
        }
        bool same = last_file != NULL && strcmp(file, last_file) == 0 &&
                    strcmp(name, last_name) == 0 && tb->lineno == last_line;
        if (!same) {
            if (count > 3)
                fprintf(out, "  [Previous line repeated %d more time%s]\n",
                        count - 3, count - 3 > 1 ? "s" : "");
            count = 0;
        }
        last_file = file;
        last_name = name;
        last_line = tb->lineno;
        count++;
        if (count > 3)
            continue;
        if (tb->lineno >= 0)
            fprintf(out, "  File \"%s\", line %d, in %s\n", file,
                    (int)tb->lineno, name);
        else
            fprintf(out, "  File \"%s\", in %s\n", file, name);
        print_source_line(out, file, tb->lineno);
    }
    if (count > 3)
        fprintf(out, "  [Previous line repeated %d more time%s]\n", count - 3,
                count - 3 > 1 ? "s" : "");
}

static void
print_exc_line(wf_thread *ts, FILE *out, wf_value exc)
{
    wf_type *tp = wf_val_type(exc);
    const char *mod = tp->module_str != WF_NULL ? wf_str_cstr(tp->module_str)
                                                : "builtins";
    const char *qn = tp->qualname_str != WF_NULL
                         ? wf_str_cstr(tp->qualname_str)
                         : tp->name;
    if (strcmp(mod, "builtins") != 0 && strcmp(mod, "__main__") != 0)
        fprintf(out, "%s.", mod);
    fputs(qn, out);
    wf_value saved = wf_err_fetch(ts);
    wf_value s = wf_obj_str(ts, exc);
    if (s == WF_NULL) {
        wf_err_clear(ts);
        fputs(": <exception str() failed>\n", out);
    } else if (wf_str_len(s) > 0) {
        fprintf(out, ": %s\n", wf_str_cstr(s));
    } else {
        fputc('\n', out);
    }
    wf_err_restore(ts, saved);
}

static void
print_chain(wf_thread *ts, FILE *out, wf_value exc, wf_value *seen,
            size_t nseen)
{
    if (!wf_val_isinstance(exc, &wf_exc_BaseException)) {
        fprintf(out, "TypeError: print_exception(): Exception expected for "
                     "value, %s found\n", wf_obj_type_name(exc));
        return;
    }
    seen[nseen++] = exc;
    wf_exc *e = E(exc);
    wf_value next = WF_NULL;
    const char *msg = NULL;
    if (e->cause != WF_NULL && e->cause != WF_NONE) {
        next = e->cause;
        msg = "\nThe above exception was the direct cause of the following "
              "exception:\n\n";
    } else if (e->context != WF_NULL && e->context != WF_NONE &&
               !e->suppress_context) {
        next = e->context;
        msg = "\nDuring handling of the above exception, another exception "
              "occurred:\n\n";
    }
    if (next != WF_NULL && nseen < 64) {
        bool dup = false;
        for (size_t i = 0; i < nseen; i++)
            dup |= seen[i] == next;
        if (!dup) {
            print_chain(ts, out, next, seen, nseen);
            fputs(msg, out);
        }
    }
    print_tb(out, e->traceback);
    print_exc_line(ts, out, exc);
}

void
wf_exc_print(wf_thread *ts, wf_value exc, FILE *out)
{
    (void)wf_bi_flush_stdout();
    wf_value seen[64];
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, exc) < 0)
        wf_err_clear(ts);
    print_chain(ts, out, exc, seen, 0);
    wf_root_release(ts, mark);
    fflush(out);
}

void
wf_err_print(wf_thread *ts)
{
    wf_value exc = wf_err_fetch(ts);
    if (exc == WF_NULL)
        return;
    wf_exc_print(ts, exc, stderr);
}
