// runtime/objects/iter.c -- iterator objects (wf_seqiter_*, wf_dictiter_*), the
// iterator builtins enumerate, zip, reversed, map and filter, and
// sequence unpacking (wf_iter_unpack).
// An iterator belongs to whoever advances it; sharing one between threads
// is a race in Python too, so iterators take no locks, but every read of
// the underlying list or dict is the lock-free one of its module.
#include "objects/object.h"

#include "objects/error.h"
#include "gc.h"
#include "threads/thread.h"

static wf_value
self_iter(wf_thread *ts, wf_value v)
{
    (void)ts;
    return v;
}

// ===== Sequence iterator (list, tuple, str, range), forward or reversed =====

typedef struct seqiter {
    wf_obj ob;
    wf_value seq;    // WF_NULL once exhausted
    int64_t index;   // next code point / item; counts down when reversed
    size_t byte;     // str: byte offset of [index] (forward only)
    bool reversed;
} seqiter;

static void
seqiter_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    visit(((seqiter *)self)->seq, ctx);
}

static int
seqiter_next(wf_thread *ts, wf_value v, wf_value *out)
{
    seqiter *it = (seqiter *)wf_val_as_obj(v);
    wf_value seq = it->seq;
    if (seq == WF_NULL || it->index < 0)
        goto exhausted;
    wf_type *tp = wf_val_type(seq);
    if (tp == &wf_list_type) {
        if (!wf_list_get(seq, (size_t)it->index, out))
            goto exhausted;
    } else if (tp == &wf_tuple_type) {
        if ((size_t)it->index >= wf_tuple_len(seq))
            goto exhausted;
        *out = wf_tuple_items(seq)[it->index];
    } else if (tp == &wf_range_type) {
        const wf_range *r = (const wf_range *)wf_val_as_obj(seq);
        if (it->index >= r->len)
            goto exhausted;
        *out = wf_val_from_int(r->start + it->index * r->step);
    } else {
        const wf_str *s = (const wf_str *)wf_val_as_obj(seq);
        if (it->reversed) {
            wf_value k = wf_val_from_int(it->index);
            wf_value c = wf_obj_getitem(ts, seq, k);
            if (c == WF_NULL)
                return -1;
            *out = c;
        } else {
            if (it->byte >= s->len)
                goto exhausted;
            size_t e = it->byte + 1;
            while (e < s->len && ((unsigned char)s->data[e] & 0xC0) == 0x80)
                e++;
            wf_value c = wf_str_new(ts, s->data + it->byte, e - it->byte);
            if (c == WF_NULL)
                return -1;
            it->byte = e;
            *out = c;
        }
    }
    it->index += it->reversed ? -1 : 1;
    return 1;
exhausted:
    it->seq = WF_NULL;
    return 0;
}

wf_type wf_seqiter_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "iterator",
    .base = &wf_object_type,
    .basic_size = sizeof(seqiter),
    .traverse = seqiter_traverse,
    .iter = self_iter,
    .iternext = seqiter_next,
};

wf_value
wf_seqiter_new(wf_thread *ts, wf_value seq)
{
    seqiter *it = (seqiter *)wf_gc_alloc(ts, &wf_seqiter_type,
                                         sizeof(seqiter));
    if (it == NULL)
        return WF_NULL;
    it->seq = seq;
    return wf_val_from_obj(it);
}

// ===== Dict iterator =====

typedef struct dictiter {
    wf_obj ob;
    wf_value dict;
    size_t pos;
    size_t len;  // size at creation: a change raises RuntimeError
    // Entries still expected (CPython's di->len): one more with the size
    // unchanged means keys were replaced during iteration.
    size_t remaining;
    int kind;    // 0 keys, 1 values, 2 items
} dictiter;

static void
dictiter_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    visit(((dictiter *)self)->dict, ctx);
}

static int
dictiter_next(wf_thread *ts, wf_value v, wf_value *out)
{
    dictiter *it = (dictiter *)wf_val_as_obj(v);
    if (it->dict == WF_NULL)
        return 0;
    if (wf_dict_len(it->dict) != it->len) {
        it->len = (size_t)-1;  // stays broken, as in CPython
        wf_err_format(ts, &wf_exc_RuntimeError,
                      "dictionary changed size during iteration");
        return -1;
    }
    wf_value k, val;
    if (!wf_dict_next(it->dict, &it->pos, &k, &val)) {
        it->dict = WF_NULL;
        return 0;
    }
    if (it->remaining == 0) {
        it->dict = WF_NULL;  // exhausted from now on, as in CPython
        wf_err_format(ts, &wf_exc_RuntimeError,
                      "dictionary keys changed during iteration");
        return -1;
    }
    it->remaining--;
    if (it->kind == 0) {
        *out = k;
    } else if (it->kind == 1) {
        *out = val;
    } else {
        *out = wf_tuple_pack(ts, 2, k, val);
        if (*out == WF_NULL)
            return -1;
    }
    return 1;
}

wf_type wf_dictiter_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "dict_iterator",
    .base = &wf_object_type,
    .basic_size = sizeof(dictiter),
    .traverse = dictiter_traverse,
    .iter = self_iter,
    .iternext = dictiter_next,
};

wf_value
wf_dictiter_new(wf_thread *ts, wf_value d, int kind)
{
    dictiter *it = (dictiter *)wf_gc_alloc(ts, &wf_dictiter_type,
                                           sizeof(dictiter));
    if (it == NULL)
        return WF_NULL;
    it->dict = d;
    it->kind = kind;
    it->len = it->remaining = wf_dict_len(d);
    return wf_val_from_obj(it);
}

// ===== enumerate, zip, map, filter: one layout =====

typedef struct multi_iter {
    wf_obj ob;
    wf_value func;   // map/filter function (WF_NONE for filter(None, ..))
    wf_value iters;  // tuple of iterators; WF_NULL once exhausted
    int64_t count;   // enumerate's counter
} multi_iter;

static void
multi_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    multi_iter *m = (multi_iter *)self;
    visit(m->func, ctx);
    visit(m->iters, ctx);
}

// Allocate a multi_iter of [tp] over iter(x) for each of [srcs].
static wf_value
multi_new(wf_thread *ts, wf_type *tp, wf_value func, const wf_value *srcs,
          size_t n)
{
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value iters = wf_tuple_new(ts, n);
    if (iters == WF_NULL || wf_root_push(ts, iters) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        wf_value it = wf_obj_getiter(ts, srcs[i]);
        if (it == WF_NULL)
            goto done;
        wf_tuple_items(iters)[i] = it;
    }
    multi_iter *m = (multi_iter *)wf_gc_alloc(ts, tp, sizeof(multi_iter));
    if (m == NULL)
        goto done;
    m->func = func;
    m->iters = iters;
    r = wf_val_from_obj(m);
done:
    wf_root_release(ts, mark);
    return r;
}

static wf_value
enumerate_new(wf_thread *ts, wf_type *type, const wf_value *args,
              size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"iterable", "start"};
    wf_value a[2];
    if (wf_arg_parse(ts, "enumerate", args, nargs, kwnames, names, 2, 2, 1,
                     a) < 0)
        return WF_NULL;
    int64_t start = 0;
    if (a[1] != WF_NULL && wf_int_as_i64(ts, a[1], &start) < 0)
        return WF_NULL;
    wf_value r = multi_new(ts, type, WF_NONE, &a[0], 1);
    if (r != WF_NULL)
        ((multi_iter *)wf_val_as_obj(r))->count = start;
    return r;
}

static int
enumerate_next(wf_thread *ts, wf_value v, wf_value *out)
{
    multi_iter *m = (multi_iter *)wf_val_as_obj(v);
    if (m->iters == WF_NULL)
        return 0;
    wf_value x;
    int st = wf_obj_iternext(ts, wf_tuple_items(m->iters)[0], &x);
    if (st <= 0) {
        if (st == 0)
            m->iters = WF_NULL;
        return st;
    }
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, x) < 0)
        return -1;
    wf_value idx = wf_int_new(ts, m->count);
    *out = idx == WF_NULL ? WF_NULL : wf_tuple_pack(ts, 2, idx, x);
    wf_root_release(ts, mark);
    if (*out == WF_NULL)
        return -1;
    m->count++;
    return 1;
}

static wf_value
zip_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
        wf_value kwnames)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "zip() takes no keyword arguments in Weft");
    return multi_new(ts, type, WF_NONE, args, nargs);
}

// Advance every iterator: 1 with a tuple of values in *out, 0, -1.
static int
advance_all(wf_thread *ts, multi_iter *m, wf_value *out)
{
    if (m->iters == WF_NULL)
        return 0;
    size_t n = wf_tuple_len(m->iters);
    if (n == 0) {
        m->iters = WF_NULL;
        return 0;
    }
    size_t mark = wf_root_mark(ts);
    wf_value t = wf_tuple_new(ts, n);
    int rc = -1;
    if (t == WF_NULL || wf_root_push(ts, t) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        wf_value x;
        int st = wf_obj_iternext(ts, wf_tuple_items(m->iters)[i], &x);
        if (st <= 0) {
            if (st == 0)
                m->iters = WF_NULL;
            rc = st;
            goto done;
        }
        wf_tuple_items(t)[i] = x;
    }
    *out = t;
    rc = 1;
done:
    wf_root_release(ts, mark);
    return rc;
}

static int
zip_next(wf_thread *ts, wf_value v, wf_value *out)
{
    return advance_all(ts, (multi_iter *)wf_val_as_obj(v), out);
}

static wf_value
map_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
        wf_value kwnames)
{
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "map() takes no keyword arguments");
    if (nargs < 2)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "map() must have at least two arguments.");
    return multi_new(ts, type, args[0], args + 1, nargs - 1);
}

static int
map_next(wf_thread *ts, wf_value v, wf_value *out)
{
    multi_iter *m = (multi_iter *)wf_val_as_obj(v);
    wf_value t;
    int st = advance_all(ts, m, &t);
    if (st <= 0)
        return st;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, t) < 0)
        return -1;
    *out = wf_obj_call(ts, m->func, wf_tuple_items(t), wf_tuple_len(t),
                       WF_NULL);
    wf_root_release(ts, mark);
    return *out == WF_NULL ? -1 : 1;
}

static wf_value
filter_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    if (wf_arg_check(ts, "filter", nargs, kwnames, 2, 2) < 0)
        return WF_NULL;
    return multi_new(ts, type, args[0], args + 1, 1);
}

static int
filter_next(wf_thread *ts, wf_value v, wf_value *out)
{
    multi_iter *m = (multi_iter *)wf_val_as_obj(v);
    for (;;) {
        if (m->iters == WF_NULL)
            return 0;
        wf_value x;
        int st = wf_obj_iternext(ts, wf_tuple_items(m->iters)[0], &x);
        if (st <= 0) {
            if (st == 0)
                m->iters = WF_NULL;
            return st;
        }
        size_t mark = wf_root_mark(ts);
        if (wf_root_push(ts, x) < 0)
            return -1;
        wf_value test = x;
        if (m->func != WF_NONE)
            test = wf_obj_call(ts, m->func, &x, 1, WF_NULL);
        int t = test == WF_NULL ? -1 : wf_obj_truthy(ts, test);
        wf_root_release(ts, mark);
        if (t < 0)
            return -1;
        if (t) {
            *out = x;
            return 1;
        }
    }
}

#define WF_MULTI_TYPE_(cname, pyname, newfn, nextfn)                        \
    wf_type cname = {                                                       \
        .ob = WF_OBJ_STATIC_INIT(&wf_type_type),                            \
        .name = pyname,                                                     \
        .base = &wf_object_type,                                            \
        .basic_size = sizeof(multi_iter),                                   \
        .traverse = multi_traverse,                                         \
        .iter = self_iter,                                                  \
        .iternext = nextfn,                                                 \
        .new_ = newfn,                                                      \
    };
WF_MULTI_TYPE_(wf_enumerate_type, "enumerate", enumerate_new, enumerate_next)
WF_MULTI_TYPE_(wf_zip_type, "zip", zip_new, zip_next)
WF_MULTI_TYPE_(wf_map_type, "map", map_new, map_next)
WF_MULTI_TYPE_(wf_filter_type, "filter", filter_new, filter_next)
#undef WF_MULTI_TYPE_

// ===== reversed =====

static wf_value
reversed_new(wf_thread *ts, wf_type *type, const wf_value *args,
             size_t nargs, wf_value kwnames)
{
    (void)type;
    if (wf_arg_check(ts, "reversed", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    wf_value seq = args[0];
    wf_type *tp = wf_val_type(seq);
    if (tp == &wf_list_type || tp == &wf_tuple_type || tp == &wf_str_type ||
        tp == &wf_range_type) {
        int64_t n = wf_obj_len(ts, seq);
        if (n < 0)
            return WF_NULL;
        seqiter *it = (seqiter *)wf_gc_alloc(ts, &wf_reversed_type,
                                             sizeof(seqiter));
        if (it == NULL)
            return WF_NULL;
        it->seq = seq;
        it->index = n - 1;
        it->reversed = true;
        return wf_val_from_obj(it);
    }
    wf_value name = wf_str_intern(ts, "__reversed__");
    if (name == WF_NULL)
        return WF_NULL;
    if (wf_type_lookup(tp, name) != WF_NULL)
        return wf_obj_call_dunder(ts, seq, name, NULL, 0);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "'%s' object is not reversible",
                         wf_obj_type_name(seq));
}

static int
reversed_next(wf_thread *ts, wf_value v, wf_value *out)
{
    seqiter *it = (seqiter *)wf_val_as_obj(v);
    if (it->seq != WF_NULL && wf_val_is(it->seq, &wf_list_type) &&
        it->index >= 0 && !wf_list_get(it->seq, (size_t)it->index, out)) {
        // The list shrank below the cursor: CPython ends the iteration.
        it->seq = WF_NULL;
        return 0;
    }
    return seqiter_next(ts, v, out);
}

wf_type wf_reversed_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "reversed",
    .base = &wf_object_type,
    .basic_size = sizeof(seqiter),
    .traverse = seqiter_traverse,
    .iter = self_iter,
    .iternext = reversed_next,
    .new_ = reversed_new,
};

int
wf_iter_init_types(wf_thread *ts)
{
    (void)ts;
    return 0;
}

// ===== Unpacking =====

int
wf_iter_unpack(wf_thread *ts, wf_value *base, size_t n)
{
    wf_value seq = base[0];
    if (wf_val_is(seq, &wf_tuple_type) || wf_val_is(seq, &wf_list_type)) {
        // A list is copied first: another thread may resize it, and the
        // copy is what the length check and the reads must agree on.
        if (wf_val_is(seq, &wf_list_type)) {
            seq = wf_list_as_tuple(ts, seq);
            if (seq == WF_NULL)
                return -1;
            base[0] = seq;  // rooted on the value stack
        }
        size_t len = wf_tuple_len(seq);
        if (len < n) {
            wf_err_format(ts, &wf_exc_ValueError,
                          "not enough values to unpack (expected %zu, got "
                          "%zu)", n, len);
            return -1;
        }
        if (len > n) {
            wf_err_format(ts, &wf_exc_ValueError,
                          "too many values to unpack (expected %zu, got %zu)",
                          n, len);
            return -1;
        }
        const wf_value *items = wf_tuple_items(seq);
        for (size_t i = 0; i < n; i++)
            base[i] = items[n - 1 - i];
        return 0;
    }
    size_t mark = wf_root_mark(ts);
    wf_value it = wf_obj_getiter(ts, seq);
    if (it == WF_NULL) {
        if (wf_err_matches(ts, &wf_exc_TypeError) &&
            wf_val_type(seq)->iter == NULL) {
            wf_err_clear(ts);
            wf_err_format(ts, &wf_exc_TypeError,
                          "cannot unpack non-iterable %s object",
                          wf_obj_type_name(seq));
        }
        return -1;
    }
    wf_value got = wf_list_new(ts, 0);
    if (got == WF_NULL || wf_root_push(ts, it) < 0 ||
        wf_root_push(ts, got) < 0)
        goto fail;
    for (size_t i = 0; i <= n; i++) {
        wf_value v;
        int r = wf_obj_iternext(ts, it, &v);
        if (r < 0)
            goto fail;
        if (r == 0) {
            if (i < n) {
                wf_err_format(ts, &wf_exc_ValueError,
                              "not enough values to unpack (expected %zu, "
                              "got %zu)", n, i);
                goto fail;
            }
            break;
        }
        if (i == n) {
            wf_err_format(ts, &wf_exc_ValueError,
                          "too many values to unpack (expected %zu)", n);
            goto fail;
        }
        if (wf_list_append(ts, got, v) < 0)
            goto fail;
    }
    {
        const wf_list *l = (const wf_list *)wf_val_as_obj(got);
        for (size_t i = 0; i < n; i++)
            base[i] = l->items[n - 1 - i];
    }
    wf_root_release(ts, mark);
    return 0;
fail:
    wf_root_release(ts, mark);
    return -1;
}
