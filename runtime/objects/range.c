// runtime/objects/range.c -- range and slice objects (wf_range_*, wf_slice_*).
// Both are immutable once created; ranges compute their length at
// construction and index in O(1).
#include "objects/object.h"

#include <string.h>

#include "objects/error.h"
#include "gc.h"

// ===== range =====

static int64_t
range_len_of(int64_t start, int64_t stop, int64_t step)
{
    if (step > 0 && start < stop)
        return (int64_t)(((uint64_t)stop - (uint64_t)start - 1) /
                         (uint64_t)step) + 1;
    if (step < 0 && start > stop)
        return (int64_t)(((uint64_t)start - (uint64_t)stop - 1) /
                         (0 - (uint64_t)step)) + 1;
    return 0;
}

static wf_value
range_make(wf_thread *ts, int64_t start, int64_t stop, int64_t step)
{
    wf_range *r = (wf_range *)wf_gc_alloc(ts, &wf_range_type,
                                          sizeof(wf_range));
    if (r == NULL)
        return WF_NULL;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->len = range_len_of(start, stop, step);
    return wf_val_from_obj(r);
}

static wf_value
range_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    (void)type;
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "range() takes no keyword arguments");
    if (nargs == 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "range expected at least 1 argument, got 0");
    if (nargs > 3)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "range expected at most 3 arguments, got %zu",
                             nargs);
    int64_t v[3] = {0, 0, 1};
    for (size_t i = 0; i < nargs; i++)
        if (wf_int_as_i64(ts, args[i], &v[i]) < 0)
            return WF_NULL;
    if (nargs == 1) {
        v[1] = v[0];
        v[0] = 0;
    }
    if (v[2] == 0)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "range() arg 3 must not be zero");
    return range_make(ts, v[0], v[1], v[2]);
}

static const wf_range *
R(wf_value v)
{
    return (const wf_range *)wf_val_as_obj(v);
}

static wf_value
range_repr(wf_thread *ts, wf_value v)
{
    const wf_range *r = R(v);
    if (r->step == 1)
        return wf_str_format(ts, "range(%lld, %lld)", (long long)r->start,
                             (long long)r->stop);
    return wf_str_format(ts, "range(%lld, %lld, %lld)", (long long)r->start,
                         (long long)r->stop, (long long)r->step);
}

// A range's length fits int64 (at most 2^63 - 1 for 62-bit bounds) but
// not always a Weft int: len() of such a range raises OverflowError where
// CPython returns the big length (LANGUAGE.md deviation), never a
// wrapped number.
static int64_t
range_len(wf_thread *ts, wf_value v)
{
    int64_t n = R(v)->len;
    if (n > WF_INT_MAX) {
        wf_err_format(ts, &wf_exc_OverflowError,
                      "range length %llu does not fit Weft's 62-bit ints",
                      (unsigned long long)n);
        return -1;
    }
    return n;
}

// [base] + [i] * [k] as a range bound, or OverflowError: a slice of a
// range whose start, stop or step CPython would give as a big int. The
// int64 arithmetic is checked (huge steps overflow it).
static bool
bound_of(wf_thread *ts, int64_t base, int64_t i, int64_t k, int64_t *out)
{
    int64_t p, x;
    if (__builtin_mul_overflow(i, k, &p) || __builtin_add_overflow(base, p, &x) ||
        x < WF_INT_MIN || x > WF_INT_MAX) {
        wf_err_format(ts, &wf_exc_OverflowError,
                      "range slice bound does not fit Weft's 62-bit ints");
        return false;
    }
    *out = x;
    return true;
}

static int
range_truth(wf_thread *ts, wf_value v)
{
    (void)ts;
    return R(v)->len > 0;
}

static wf_value
range_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    const wf_range *r = R(v);
    if (wf_int_check(key)) {
        int64_t i;
        if (wf_int_as_i64(ts, key, &i) < 0)
            return WF_NULL;
        if (i < 0)
            i += r->len;
        if (i < 0 || i >= r->len)
            return wf_err_format(ts, &wf_exc_IndexError,
                                 "range object index out of range");
        // start + i*step lies between start and stop, |i*step| < 2^63:
        // computed unsigned (no signed overflow on the way), exact.
        return wf_int_new(ts, (int64_t)((uint64_t)r->start +
                                        (uint64_t)i * (uint64_t)r->step));
    }
    if (wf_val_is(key, &wf_slice_type)) {
        // CPython's compute_slice: the new bounds are the items at the
        // slice's start and stop indices, the step the product.
        int64_t start, stop, step, len;
        if (wf_slice_indices(ts, key, r->len, &start, &stop, &step, &len) < 0)
            return WF_NULL;
        int64_t nstart, nstop, nstep;
        if (!bound_of(ts, r->start, start, r->step, &nstart) ||
            !bound_of(ts, r->start, stop, r->step, &nstop) ||
            !bound_of(ts, 0, r->step, step, &nstep))
            return WF_NULL;
        return range_make(ts, nstart, nstop, nstep);
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "range indices must be integers or slices, not %s",
                         wf_obj_type_name(key));
}

static int
range_contains(wf_thread *ts, wf_value v, wf_value item)
{
    const wf_range *r = R(v);
    if (!wf_int_check(item)) {
        for (int64_t i = 0; i < r->len; i++) {
            int eq = wf_obj_eq(ts, wf_val_from_int(r->start + i * r->step),
                               item);
            if (eq != 0)
                return eq;
        }
        return 0;
    }
    int64_t x;
    if (wf_int_as_i64(ts, item, &x) < 0)
        return -1;
    if (r->step > 0 ? (x < r->start || x >= r->stop)
                    : (x > r->start || x <= r->stop))
        return 0;
    return (x - r->start) % r->step == 0;
}

static wf_value
range_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    if (!wf_val_is(b, &wf_range_type) || (op != WF_CMP_EQ && op != WF_CMP_NE))
        return WF_NOTIMPL;
    const wf_range *x = R(a), *y = R(b);
    bool eq = x->len == y->len &&
              (x->len == 0 || (x->start == y->start &&
                               (x->len == 1 || x->step == y->step)));
    return wf_val_bool(op == WF_CMP_EQ ? eq : !eq);
}

static wf_value
range_iter(wf_thread *ts, wf_value v)
{
    return wf_seqiter_new(ts, v);
}

static wf_value
range_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    const char *s = wf_str_cstr(name);
    if (strcmp(s, "start") == 0)
        return wf_val_from_int(R(v)->start);
    if (strcmp(s, "stop") == 0)
        return wf_val_from_int(R(v)->stop);
    if (strcmp(s, "step") == 0)
        return wf_val_from_int(R(v)->step);
    return wf_obj_generic_getattr(ts, v, name);
}

wf_type wf_range_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "range",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_range),
    .repr = range_repr,
    .richcompare = range_richcompare,
    .truth = range_truth,
    .getattr = range_getattr,
    .iter = range_iter,
    .getitem = range_getitem,
    .len = range_len,
    .contains = range_contains,
    .new_ = range_new_,
};

// ===== slice =====

static void
slice_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_slice *s = (wf_slice *)self;
    visit(s->start, ctx);
    visit(s->stop, ctx);
    visit(s->step, ctx);
}

wf_value
wf_slice_new(wf_thread *ts, wf_value start, wf_value stop, wf_value step)
{
    wf_slice *s = (wf_slice *)wf_gc_alloc(ts, &wf_slice_type,
                                          sizeof(wf_slice));
    if (s == NULL)
        return WF_NULL;
    s->start = start != WF_NULL ? start : WF_NONE;
    s->stop = stop != WF_NULL ? stop : WF_NONE;
    s->step = step != WF_NULL ? step : WF_NONE;
    return wf_val_from_obj(s);
}

static wf_value
slice_repr(wf_thread *ts, wf_value v)
{
    const wf_slice *s = (const wf_slice *)wf_val_as_obj(v);
    return wf_str_format(ts, "slice(%R, %R, %R)", s->start, s->stop,
                         s->step);
}

static wf_value
slice_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    (void)type;
    if (wf_arg_check(ts, "slice", nargs, kwnames, 1, 3) < 0)
        return WF_NULL;
    if (nargs == 1)
        return wf_slice_new(ts, WF_NONE, args[0], WF_NONE);
    return wf_slice_new(ts, args[0], args[1], nargs > 2 ? args[2] : WF_NONE);
}

static wf_value
slice_getattr(wf_thread *ts, wf_value v, wf_value name)
{
    const wf_slice *s = (const wf_slice *)wf_val_as_obj(v);
    const char *n = wf_str_cstr(name);
    if (strcmp(n, "start") == 0)
        return s->start;
    if (strcmp(n, "stop") == 0)
        return s->stop;
    if (strcmp(n, "step") == 0)
        return s->step;
    return wf_obj_generic_getattr(ts, v, name);
}

wf_type wf_slice_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "slice",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_slice),
    .traverse = slice_traverse,
    .repr = slice_repr,
    .hash = wf_obj_hash_unhashable,
    .getattr = slice_getattr,
    .new_ = slice_new_,
};

static int
slice_bound(wf_thread *ts, wf_value v, int64_t *out)
{
    if (wf_int_check(v))
        return wf_int_as_i64(ts, v, out);
    wf_err_format(ts, &wf_exc_TypeError,
                  "slice indices must be integers or None or have an "
                  "__index__ method");
    return -1;
}

int
wf_slice_indices(wf_thread *ts, wf_value slice, int64_t len, int64_t *start,
                 int64_t *stop, int64_t *step, int64_t *slicelen)
{
    const wf_slice *s = (const wf_slice *)wf_val_as_obj(slice);
    int64_t st = 1, a, b;
    if (s->step != WF_NONE && slice_bound(ts, s->step, &st) < 0)
        return -1;
    if (st == 0) {
        wf_err_format(ts, &wf_exc_ValueError, "slice step cannot be zero");
        return -1;
    }
    int64_t lo = st < 0 ? -1 : 0, hi = st < 0 ? len - 1 : len;
    if (s->start == WF_NONE) {
        a = st < 0 ? hi : lo;
    } else {
        if (slice_bound(ts, s->start, &a) < 0)
            return -1;
        if (a < 0)
            a = a + len < lo ? lo : a + len;
        else if (a > hi)
            a = hi;
    }
    if (s->stop == WF_NONE) {
        b = st < 0 ? lo : hi;
    } else {
        if (slice_bound(ts, s->stop, &b) < 0)
            return -1;
        if (b < 0)
            b = b + len < lo ? lo : b + len;
        else if (b > hi)
            b = hi;
    }
    *start = a;
    *stop = b;
    *step = st;
    if (st > 0)
        *slicelen = a < b ? (b - a - 1) / st + 1 : 0;
    else
        *slicelen = b < a ? (a - b - 1) / (-st) + 1 : 0;
    return 0;
}

int
wf_range_init_types(wf_thread *ts)
{
    (void)ts;
    return 0;
}
