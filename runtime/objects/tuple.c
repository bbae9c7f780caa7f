// runtime/objects/tuple.c -- tuple (wf_tuple_*) and the lexicographic comparison
// shared with lists (wf_seq_richcompare).
// Tuples are immutable once published, so readers need no lock. Hash is
// CPython's xxHash-based tuplehash, so equal tuples of equal items hash
// alike across types (1 and 1.0).
#include "objects/object.h"

#include <stdarg.h>
#include <string.h>

#include "objects/error.h"
#include "gc.h"
#include "threads/thread.h"

wf_value wf_empty_tuple = WF_NULL;

// The immortal empty tuple.
static wf_tuple empty_tuple_obj = {WF_OBJ_STATIC_INIT(&wf_tuple_type), 0};

wf_value
wf_tuple_new(wf_thread *ts, size_t n)
{
    if (n == 0)
        return wf_val_from_obj(&empty_tuple_obj);
    if (n > ((size_t)1 << 40))
        return wf_err_no_memory(ts);
    wf_tuple *t = (wf_tuple *)wf_gc_alloc(
        ts, &wf_tuple_type, sizeof(wf_tuple) + n * sizeof(wf_value));
    if (t == NULL)
        return WF_NULL;
    t->n = n;
    for (size_t i = 0; i < n; i++)
        t->items[i] = WF_NONE;
    return wf_val_from_obj(t);
}

wf_value
wf_tuple_from_array(wf_thread *ts, const wf_value *items, size_t n)
{
    wf_value t = wf_tuple_new(ts, n);
    if (t != WF_NULL && n > 0)
        memcpy(wf_tuple_items(t), items, n * sizeof(wf_value));
    return t;
}

wf_value
wf_tuple_pack(wf_thread *ts, size_t n, ...)
{
    wf_value t = wf_tuple_new(ts, n);
    if (t == WF_NULL)
        return WF_NULL;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        wf_tuple_items(t)[i] = va_arg(ap, wf_value);
    va_end(ap);
    return t;
}

// ===== Comparison shared with lists =====

wf_value
wf_seq_richcompare(wf_thread *ts, const wf_value *a, size_t na,
                   const wf_value *b, size_t nb, wf_cmp_op op)
{
    size_t i;
    for (i = 0; i < na && i < nb; i++) {
        int eq = wf_obj_eq(ts, a[i], b[i]);
        if (eq < 0)
            return WF_NULL;
        if (!eq)
            break;
    }
    if (i >= na || i >= nb) {
        switch (op) {
        case WF_CMP_LT: return wf_val_bool(na < nb);
        case WF_CMP_LE: return wf_val_bool(na <= nb);
        case WF_CMP_EQ: return wf_val_bool(na == nb);
        case WF_CMP_NE: return wf_val_bool(na != nb);
        case WF_CMP_GT: return wf_val_bool(na > nb);
        case WF_CMP_GE: return wf_val_bool(na >= nb);
        }
    }
    if (op == WF_CMP_EQ)
        return WF_FALSE;
    if (op == WF_CMP_NE)
        return WF_TRUE;
    return wf_obj_richcompare(ts, a[i], b[i], op);
}

// ===== Protocols =====

static void
tuple_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_tuple *t = (wf_tuple *)self;
    for (size_t i = 0; i < t->n; i++)
        visit(t->items[i], ctx);
}

static wf_value
tuple_repr(wf_thread *ts, wf_value v)
{
    size_t n = wf_tuple_len(v);
    if (n == 0)
        return wf_str_new(ts, "()", 2);
    int st = wf_obj_repr_enter(ts, v);
    if (st != 0)
        return st < 0 ? WF_NULL : wf_str_new(ts, "(...)", 5);
    size_t mark = wf_root_mark(ts);
    wf_value acc = wf_str_new(ts, "(", 1);
    for (size_t i = 0; acc != WF_NULL && i < n; i++) {
        if (wf_root_push(ts, acc) < 0) {
            acc = WF_NULL;
            break;
        }
        wf_value r = wf_obj_repr(ts, wf_tuple_items(v)[i]);
        if (r == WF_NULL) {
            acc = WF_NULL;
            break;
        }
        acc = wf_str_format(ts, i + 1 < n ? "%U%U, " : n == 1 ? "%U%U,)"
                                                             : "%U%U)",
                            acc, r);
    }
    wf_root_release(ts, mark);
    wf_obj_repr_leave(ts, v);
    return acc;
}

static int
tuple_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    // CPython 3.8+ tuplehash (xxHash64 primes).
    const uint64_t p1 = 11400714785074694791ULL, p2 = 14029467366897019727ULL,
                   p5 = 2870177450012600261ULL;
    uint64_t acc = p5;
    size_t n = wf_tuple_len(v);
    for (size_t i = 0; i < n; i++) {
        int64_t h;
        if (wf_obj_hash(ts, wf_tuple_items(v)[i], &h) < 0)
            return -1;
        acc += (uint64_t)h * p2;
        acc = (acc << 31) | (acc >> 33);
        acc *= p1;
    }
    acc += n ^ (p5 ^ 3527539UL);
    if (acc == (uint64_t)-1)
        acc = 1546275796;
    *out = (int64_t)acc;
    return 0;
}

static wf_value
tuple_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    if (!wf_val_is(b, &wf_tuple_type))
        return WF_NOTIMPL;
    return wf_seq_richcompare(ts, wf_tuple_items(a), wf_tuple_len(a),
                              wf_tuple_items(b), wf_tuple_len(b), op);
}

static int64_t
tuple_len(wf_thread *ts, wf_value v)
{
    (void)ts;
    return (int64_t)wf_tuple_len(v);
}

static wf_value
tuple_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    size_t n = wf_tuple_len(v);
    if (wf_int_check(key)) {
        int64_t i;
        if (wf_int_as_i64(ts, key, &i) < 0)
            return WF_NULL;
        if (i < 0)
            i += (int64_t)n;
        if (i < 0 || i >= (int64_t)n)
            return wf_err_format(ts, &wf_exc_IndexError,
                                 "tuple index out of range");
        return wf_tuple_items(v)[i];
    }
    if (wf_val_is(key, &wf_slice_type)) {
        int64_t start, stop, step, len;
        if (wf_slice_indices(ts, key, (int64_t)n, &start, &stop, &step,
                             &len) < 0)
            return WF_NULL;
        if (step == 1 && len == (int64_t)n)
            return v;
        wf_value r = wf_tuple_new(ts, (size_t)len);
        if (r == WF_NULL)
            return WF_NULL;
        for (int64_t k = 0, i = start; k < len; k++, i += step)
            wf_tuple_items(r)[k] = wf_tuple_items(v)[i];
        return r;
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "tuple indices must be integers or slices, not %s",
                         wf_obj_type_name(key));
}

static int
tuple_contains(wf_thread *ts, wf_value v, wf_value item)
{
    for (size_t i = 0; i < wf_tuple_len(v); i++) {
        int eq = wf_obj_eq(ts, wf_tuple_items(v)[i], item);
        if (eq != 0)
            return eq;
    }
    return 0;
}

static wf_value
tuple_iter(wf_thread *ts, wf_value v)
{
    return wf_seqiter_new(ts, v);
}

static wf_value
tuple_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    if (op >= WF_BINOP_INPLACE_ADD)
        op = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
    if (op == WF_BINOP_ADD && wf_val_is(a, &wf_tuple_type) &&
        wf_val_is(b, &wf_tuple_type)) {
        size_t na = wf_tuple_len(a), nb = wf_tuple_len(b);
        wf_value r = wf_tuple_new(ts, na + nb);
        if (r == WF_NULL)
            return WF_NULL;
        memcpy(wf_tuple_items(r), wf_tuple_items(a), na * sizeof(wf_value));
        memcpy(wf_tuple_items(r) + na, wf_tuple_items(b),
               nb * sizeof(wf_value));
        return r;
    }
    if (op == WF_BINOP_MULTIPLY) {
        wf_value t = wf_val_is(a, &wf_tuple_type) ? a : b;
        wf_value c = t == a ? b : a;
        int64_t k;
        if (!wf_int_check(c) || wf_int_as_i64(ts, c, &k) < 0)
            return WF_NOTIMPL;
        size_t n = wf_tuple_len(t);
        if (k <= 0 || n == 0)
            return wf_val_from_obj(&empty_tuple_obj);
        if ((uint64_t)k > ((size_t)1 << 36) / n)
            return wf_err_no_memory(ts);
        wf_value r = wf_tuple_new(ts, n * (size_t)k);
        if (r == WF_NULL)
            return WF_NULL;
        for (int64_t i = 0; i < k; i++)
            memcpy(wf_tuple_items(r) + (size_t)i * n, wf_tuple_items(t),
                   n * sizeof(wf_value));
        return r;
    }
    return WF_NOTIMPL;
}

static wf_value
tuple_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    (void)type;
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "tuple() takes no keyword arguments");
    if (nargs > 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "tuple expected at most 1 argument, got %zu",
                             nargs);
    if (nargs == 0)
        return wf_val_from_obj(&empty_tuple_obj);
    if (wf_val_is(args[0], &wf_tuple_type))
        return args[0];
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value l = wf_list_new(ts, 0);
    if (l == WF_NULL || wf_root_push(ts, l) < 0)
        goto done;
    if (wf_list_extend(ts, l, args[0]) < 0)
        goto done;
    r = wf_list_as_tuple(ts, l);
done:
    wf_root_release(ts, mark);
    return r;
}

wf_type wf_tuple_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "tuple",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .basic_size = sizeof(wf_tuple),
    .traverse = tuple_traverse,
    .repr = tuple_repr,
    .hash = tuple_hash,
    .richcompare = tuple_richcompare,
    .iter = tuple_iter,
    .getitem = tuple_getitem,
    .len = tuple_len,
    .contains = tuple_contains,
    .binop = tuple_binop,
    .new_ = tuple_new_,
};

// ===== Methods =====

static wf_value
m_index(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (wf_arg_check(ts, "index", nargs, kwnames, 2, 2) < 0)
        return WF_NULL;
    for (size_t i = 0; i < wf_tuple_len(args[0]); i++) {
        int eq = wf_obj_eq(ts, wf_tuple_items(args[0])[i], args[1]);
        if (eq < 0)
            return WF_NULL;
        if (eq)
            return wf_val_from_int((int64_t)i);
    }
    return wf_err_format(ts, &wf_exc_ValueError,
                         "tuple.index(x): x not in tuple");
}

static wf_value
m_count(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (wf_arg_check(ts, "count", nargs, kwnames, 2, 2) < 0)
        return WF_NULL;
    int64_t c = 0;
    for (size_t i = 0; i < wf_tuple_len(args[0]); i++) {
        int eq = wf_obj_eq(ts, wf_tuple_items(args[0])[i], args[1]);
        if (eq < 0)
            return WF_NULL;
        c += eq;
    }
    return wf_val_from_int(c);
}

int
wf_tuple_init_types(wf_thread *ts)
{
    wf_empty_tuple = wf_val_from_obj(&empty_tuple_obj);
    if (wf_type_add_method(ts, &wf_tuple_type, "index", m_index) < 0 ||
        wf_type_add_method(ts, &wf_tuple_type, "count", m_count) < 0)
        return -1;
    return 0;
}
