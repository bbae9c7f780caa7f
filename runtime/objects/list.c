// runtime/objects/list.c -- list (wf_list_*).
// Mutations take the list's lock word (leaf rank: no safe point, no user
// code inside). The items array carries its capacity in the word before
// items[0], so a racing reader bounds-checks against the array it loaded,
// never against a stale [n] of another array; a replaced array is retired
// and freed at the next pause (ARCHITECTURE "Memory"). Code that calls out
// (comparisons, key functions) re-reads items by index each time and
// never holds an array pointer across the call.
#include "objects/object.h"

#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "gc.h"
#include "mem.h"
#include "lock.h"
#include "threads/thread.h"

// ===== Item arrays =====

static wf_value *
arr_alloc(wf_thread *ts, size_t cap)
{
    wf_value *p = wf_mem_alloc(ts, (cap + 1) * sizeof(wf_value));
    if (p == NULL)
        return NULL;
    p[0] = (wf_value)cap;
    return p + 1;
}

static size_t
arr_cap(const wf_value *items)
{
    return items != NULL ? (size_t)items[-1] : 0;
}

static void
arr_free(wf_value *items)
{
    if (items != NULL)
        wf_mem_free(items - 1);
}

static void
arr_retire(wf_thread *ts, wf_value *items)
{
    if (items != NULL)
        wf_mem_retire(ts, items - 1);
}

static wf_list *
L(wf_value v)
{
    return (wf_list *)wf_val_as_obj(v);
}

static size_t
list_n(wf_list *l)
{
    return wf_atomic_load_acquire_size_word(&l->n);
}

// Item [i] read without the lock; false if out of range now.
static bool
list_get(wf_list *l, size_t i, wf_value *out)
{
    size_t n = wf_atomic_load_acquire_size_word(&l->n);
    wf_value *items = wf_atomic_load_acquire_ptr_word((void *const *)&l->items);
    if (i >= n || i >= arr_cap(items))
        return false;
    *out = wf_atomic_load_relaxed_u64_word(&items[i]);
    return true;
}

// Replace the array with a fresh one of [cap] holding the first [keep]
// items. Caller holds the lock. Returns 0 or -1 (MemoryError).
static int
regrow_locked(wf_thread *ts, wf_list *l, size_t cap, size_t keep)
{
    wf_value *na = arr_alloc(ts, cap);
    if (na == NULL)
        return -1;
    if (keep > 0)
        memcpy(na, l->items, keep * sizeof(wf_value));
    wf_value *old = l->items;
    wf_atomic_store_release_ptr_word((void **)&l->items, na);
    l->cap = cap;
    arr_retire(ts, old);
    return 0;
}

// Install [items] (n values, array owned by the list from now on).
static void
publish_locked(wf_thread *ts, wf_list *l, wf_value *items, size_t n)
{
    wf_value *old = l->items;
    // Shrink n first so a reader never pairs the new n with the old array
    // beyond its capacity; arr_cap makes either order safe anyway.
    wf_atomic_store_release_size_word(&l->n, 0);
    wf_atomic_store_release_ptr_word((void **)&l->items, items);
    l->cap = arr_cap(items);
    wf_atomic_store_release_size_word(&l->n, n);
    arr_retire(ts, old);
}

// ===== Construction =====

wf_value
wf_list_new(wf_thread *ts, size_t n)
{
    wf_list *l = (wf_list *)wf_gc_alloc(ts, &wf_list_type, sizeof(wf_list));
    if (l == NULL)
        return WF_NULL;
    if (n > 0) {
        l->items = arr_alloc(ts, n);
        if (l->items == NULL)
            return WF_NULL;
        for (size_t i = 0; i < n; i++)
            l->items[i] = WF_NONE;
        l->cap = n;
        l->n = n;
    }
    return wf_val_from_obj(l);
}

wf_value
wf_list_from_array(wf_thread *ts, const wf_value *items, size_t n)
{
    wf_value r = wf_list_new(ts, n);
    if (r != WF_NULL && n > 0)
        memcpy(L(r)->items, items, n * sizeof(wf_value));
    return r;
}

int
wf_list_append(wf_thread *ts, wf_value list, wf_value v)
{
    wf_list *l = L(list);
    int rc = 0;
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    if (n == arr_cap(l->items) &&
        regrow_locked(ts, l, n < 4 ? 8 : n + n / 2 + 1, n) < 0) {
        rc = -1;
    } else {
        wf_atomic_store_relaxed_u64_word(&l->items[n], v);
        wf_atomic_store_release_size_word(&l->n, n + 1);
    }
    wf_lock_release(&l->lock);
    return rc;
}

// Append [m] values at once.
static int
append_many(wf_thread *ts, wf_list *l, const wf_value *vals, size_t m)
{
    int rc = 0;
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    if (n + m > arr_cap(l->items) &&
        regrow_locked(ts, l, n + m + (n + m) / 8 + 4, n) < 0) {
        rc = -1;
    } else if (m > 0) {
        // m == 0: an empty list's items may be NULL, and memcpy's
        // pointers must not be, even for no bytes ([] + [] under UBSan).
        memcpy(l->items + n, vals, m * sizeof(wf_value));
        wf_atomic_store_release_size_word(&l->n, n + m);
    }
    wf_lock_release(&l->lock);
    return rc;
}

int
wf_list_extend(wf_thread *ts, wf_value list, wf_value iterable)
{
    wf_list *l = L(list);
    if (wf_val_is(iterable, &wf_tuple_type))
        return append_many(ts, l, wf_tuple_items(iterable),
                           wf_tuple_len(iterable));
    if (wf_val_is(iterable, &wf_list_type)) {
        wf_value snap = wf_list_as_tuple(ts, iterable);
        if (snap == WF_NULL)
            return -1;
        return append_many(ts, l, wf_tuple_items(snap), wf_tuple_len(snap));
    }
    size_t mark = wf_root_mark(ts);
    int rc = -1;
    wf_value it = wf_obj_getiter(ts, iterable);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    for (;;) {
        wf_value x;
        int st = wf_obj_iternext(ts, it, &x);
        if (st < 0)
            goto done;
        if (st == 0)
            break;
        if (wf_list_append(ts, list, x) < 0)
            goto done;
    }
    rc = 0;
done:
    wf_root_release(ts, mark);
    return rc;
}

wf_value
wf_list_as_tuple(wf_thread *ts, wf_value list)
{
    wf_list *l = L(list);
    for (;;) {
        size_t n = list_n(l);
        wf_value t = wf_tuple_new(ts, n);
        if (t == WF_NULL)
            return WF_NULL;
        wf_lock_acquire(&l->lock);
        bool same = l->n == n;
        if (same && n > 0)
            memcpy(wf_tuple_items(t), l->items, n * sizeof(wf_value));
        wf_lock_release(&l->lock);
        if (same)
            return t;
    }
}

// ===== Sorting: stable merge sort over an index permutation =====

typedef struct sort_ctx {
    wf_thread *ts;
    const wf_value *keys;
    bool reverse;
    bool failed;
} sort_ctx;

// keys[x] < keys[y] (or > when reversed). Sets failed on error.
static bool
less(sort_ctx *c, size_t x, size_t y)
{
    if (c->failed)
        return false;
    wf_value a = c->keys[c->reverse ? y : x], b = c->keys[c->reverse ? x : y];
    if (wf_val_is_int(a) && wf_val_is_int(b))
        return wf_val_as_int(a) < wf_val_as_int(b);
    if (wf_val_is(a, &wf_str_type) && wf_val_is(b, &wf_str_type)) {
        size_t la = wf_str_len(a), lb = wf_str_len(b);
        int r = memcmp(wf_str_cstr(a), wf_str_cstr(b), la < lb ? la : lb);
        return r < 0 || (r == 0 && la < lb);
    }
    wf_value r = wf_obj_richcompare(c->ts, a, b, WF_CMP_LT);
    int t = r == WF_NULL ? -1 : wf_obj_truthy(c->ts, r);
    if (t < 0) {
        c->failed = true;
        return false;
    }
    return t;
}

static void
merge_sort(sort_ctx *c, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    if (n <= 8) {
        // Insertion sort: stable, fewer comparisons on short runs.
        for (size_t i = 1; i < n && !c->failed; i++) {
            size_t v = idx[i], j = i;
            while (j > 0 && less(c, v, idx[j - 1])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(c, idx, tmp, h);
    merge_sort(c, idx + h, tmp, n - h);
    if (c->failed || !less(c, idx[h], idx[h - 1]))
        return;  // already ordered
    memcpy(tmp, idx, h * sizeof *idx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (less(c, idx[j], tmp[i]))
            idx[k++] = idx[j++];
        else
            idx[k++] = tmp[i++];
    }
    while (i < h)
        idx[k++] = tmp[i++];
}

int
wf_list_sort(wf_thread *ts, wf_value list, wf_value key, bool reverse)
{
    size_t mark = wf_root_mark(ts);
    int rc = -1;
    size_t *idx = NULL, *tmp = NULL;
    wf_value *out = NULL;
    // Snapshot the items (rooted), then the keys (rooted).
    wf_value items = wf_list_as_tuple(ts, list);
    if (items == WF_NULL || wf_root_push(ts, items) < 0)
        goto done;
    size_t n = wf_tuple_len(items);
    wf_value keys = items;
    if (key != WF_NULL && key != WF_NONE) {
        keys = wf_tuple_new(ts, n);
        if (keys == WF_NULL || wf_root_push(ts, keys) < 0)
            goto done;
        for (size_t i = 0; i < n; i++) {
            wf_value k = wf_obj_call(ts, key, &wf_tuple_items(items)[i], 1,
                                     WF_NULL);
            if (k == WF_NULL)
                goto done;
            wf_tuple_items(keys)[i] = k;
        }
    }
    idx = wf_mem_alloc(ts, (n + 1) * sizeof *idx);
    tmp = wf_mem_alloc(ts, (n / 2 + 1) * sizeof *tmp);
    out = arr_alloc(ts, n > 0 ? n : 1);
    if (idx == NULL || tmp == NULL || out == NULL)
        goto done;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_ctx c = {ts, wf_tuple_items(keys), reverse, false};
    merge_sort(&c, idx, tmp, n);
    if (c.failed)
        goto done;
    for (size_t i = 0; i < n; i++)
        out[i] = wf_tuple_items(items)[idx[i]];
    wf_list *l = L(list);
    wf_lock_acquire(&l->lock);
    publish_locked(ts, l, out, n);
    wf_lock_release(&l->lock);
    out = NULL;
    rc = 0;
done:
    arr_free(out);
    wf_mem_free(tmp);
    wf_mem_free(idx);
    wf_root_release(ts, mark);
    return rc;
}

// ===== Protocols =====

static void
list_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_list *l = (wf_list *)self;
    for (size_t i = 0; i < l->n; i++)
        visit(l->items[i], ctx);
}

static void
list_finalize(wf_obj *self)
{
    arr_free(((wf_list *)self)->items);
}

static wf_value
list_repr(wf_thread *ts, wf_value v)
{
    if (list_n(L(v)) == 0)
        return wf_str_new(ts, "[]", 2);
    int st = wf_obj_repr_enter(ts, v);
    if (st != 0)
        return st < 0 ? WF_NULL : wf_str_new(ts, "[...]", 5);
    size_t mark = wf_root_mark(ts);
    wf_value parts = wf_list_new(ts, 0), r = WF_NULL;
    if (parts == WF_NULL || wf_root_push(ts, parts) < 0)
        goto done;
    wf_value x;
    for (size_t i = 0; list_get(L(v), i, &x); i++) {
        wf_value s = wf_obj_repr(ts, x);
        if (s == WF_NULL || wf_list_append(ts, parts, s) < 0)
            goto done;
    }
    size_t total = 2;
    wf_list *p = L(parts);
    for (size_t i = 0; i < p->n; i++)
        total += wf_str_len(p->items[i]) + 2;
    char *buf = wf_mem_alloc(ts, total);
    if (buf == NULL)
        goto done;
    size_t o = 0;
    buf[o++] = '[';
    for (size_t i = 0; i < p->n; i++) {
        if (i > 0) {
            buf[o++] = ',';
            buf[o++] = ' ';
        }
        memcpy(buf + o, wf_str_cstr(p->items[i]), wf_str_len(p->items[i]));
        o += wf_str_len(p->items[i]);
    }
    buf[o++] = ']';
    r = wf_str_new(ts, buf, o);
    wf_mem_free(buf);
done:
    wf_root_release(ts, mark);
    wf_obj_repr_leave(ts, v);
    return r;
}

static wf_value
list_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    if (!wf_val_is(b, &wf_list_type))
        return WF_NOTIMPL;
    if ((op == WF_CMP_EQ || op == WF_CMP_NE) &&
        list_n(L(a)) != list_n(L(b)))
        return wf_val_bool(op == WF_CMP_NE);
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value ta = wf_list_as_tuple(ts, a);
    if (ta == WF_NULL || wf_root_push(ts, ta) < 0)
        goto done;
    wf_value tb = wf_list_as_tuple(ts, b);
    if (tb == WF_NULL || wf_root_push(ts, tb) < 0)
        goto done;
    r = wf_seq_richcompare(ts, wf_tuple_items(ta), wf_tuple_len(ta),
                           wf_tuple_items(tb), wf_tuple_len(tb), op);
done:
    wf_root_release(ts, mark);
    return r;
}

static int64_t
list_len(wf_thread *ts, wf_value v)
{
    (void)ts;
    return (int64_t)list_n(L(v));
}

static int
list_index(wf_thread *ts, wf_value key, size_t n, int64_t *out)
{
    int64_t i;
    if (wf_int_as_i64(ts, key, &i) < 0)
        return -1;
    if (i < 0)
        i += (int64_t)n;
    *out = i;
    return 0;
}

static wf_value
list_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    wf_list *l = L(v);
    if (wf_int_check(key)) {
        int64_t i;
        wf_value x;
        if (list_index(ts, key, list_n(l), &i) < 0)
            return WF_NULL;
        if (i < 0 || !list_get(l, (size_t)i, &x))
            return wf_err_format(ts, &wf_exc_IndexError,
                                 "list index out of range");
        return x;
    }
    if (wf_val_is(key, &wf_slice_type)) {
        wf_value snap = wf_list_as_tuple(ts, v);
        if (snap == WF_NULL)
            return WF_NULL;
        int64_t start, stop, step, len;
        if (wf_slice_indices(ts, key, (int64_t)wf_tuple_len(snap), &start,
                             &stop, &step, &len) < 0)
            return WF_NULL;
        wf_value r = wf_list_new(ts, (size_t)len);
        if (r == WF_NULL)
            return WF_NULL;
        for (int64_t k = 0, i = start; k < len; k++, i += step)
            L(r)->items[k] = wf_tuple_items(snap)[i];
        return r;
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "list indices must be integers or slices, not %s",
                         wf_obj_type_name(key));
}

// Slice assignment / deletion ([v] WF_NULL deletes).
static int
list_setslice(wf_thread *ts, wf_value list, wf_value slice, wf_value v)
{
    size_t mark = wf_root_mark(ts);
    int rc = -1;
    wf_value src = wf_empty_tuple;
    if (v != WF_NULL) {
        src = wf_val_is(v, &wf_tuple_type) ? v : WF_NULL;
        if (src == WF_NULL) {
            wf_value tmp = wf_list_new(ts, 0);
            if (tmp == WF_NULL || wf_root_push(ts, tmp) < 0)
                goto done;
            if (wf_list_extend(ts, tmp, v) < 0) {
                if (wf_err_matches(ts, &wf_exc_TypeError) &&
                    wf_val_type(v)->iter == NULL) {
                    wf_err_clear(ts);
                    wf_err_format(ts, &wf_exc_TypeError,
                                  "must assign iterable to extended slice");
                }
                goto done;
            }
            src = wf_list_as_tuple(ts, tmp);
            if (src == WF_NULL || wf_root_push(ts, src) < 0)
                goto done;
        }
    }
    size_t m = wf_tuple_len(src);
    wf_list *l = L(list);
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    int64_t start, stop, step, len;
    // Index resolution cannot call user code for int/None bounds; slices
    // with other bounds raise TypeError before any mutation.
    if (wf_slice_indices(ts, slice, (int64_t)n, &start, &stop, &step,
                         &len) < 0) {
        wf_lock_release(&l->lock);
        goto done;
    }
    if (step != 1 && v != WF_NULL && (size_t)len != m) {
        wf_lock_release(&l->lock);
        wf_err_format(ts, &wf_exc_ValueError,
                      "attempt to assign sequence of size %zu to extended "
                      "slice of size %lld", m, (long long)len);
        goto done;
    }
    if (step != 1 && v != WF_NULL) {
        for (int64_t k = 0, i = start; k < len; k++, i += step)
            wf_atomic_store_relaxed_u64_word(&l->items[i],
                                        wf_tuple_items(src)[k]);
        wf_lock_release(&l->lock);
        rc = 0;
        goto done;
    }
    // General case: build the new array.
    size_t newn = n - (size_t)len + m;
    wf_value *na = arr_alloc(ts, newn > 0 ? newn : 1);
    if (na == NULL) {
        wf_lock_release(&l->lock);
        goto done;
    }
    size_t o = 0;
    if (step == 1) {
        if (stop < start)
            stop = start;
        memcpy(na, l->items, (size_t)start * sizeof(wf_value));
        o = (size_t)start;
        memcpy(na + o, wf_tuple_items(src), m * sizeof(wf_value));
        o += m;
        memcpy(na + o, l->items + stop, (n - (size_t)stop) * sizeof(wf_value));
        o += n - (size_t)stop;
    } else {
        // Extended-slice deletion: keep indices not on the slice.
        for (size_t i = 0; i < n; i++) {
            bool hit = false;
            int64_t d = (int64_t)i - start;
            if (len > 0 && d % step == 0 && d / step >= 0 && d / step < len)
                hit = true;
            if (!hit)
                na[o++] = l->items[i];
        }
    }
    publish_locked(ts, l, na, o);
    wf_lock_release(&l->lock);
    rc = 0;
done:
    wf_root_release(ts, mark);
    return rc;
}

static int
list_setitem(wf_thread *ts, wf_value v, wf_value key, wf_value x)
{
    wf_list *l = L(v);
    if (wf_val_is(key, &wf_slice_type))
        return list_setslice(ts, v, key, x);
    if (!wf_int_check(key)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "list indices must be integers or slices, not %s",
                      wf_obj_type_name(key));
        return -1;
    }
    int64_t i;
    if (wf_int_as_i64(ts, key, &i) < 0)
        return -1;
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    if (i < 0)
        i += (int64_t)n;
    if (i < 0 || i >= (int64_t)n) {
        wf_lock_release(&l->lock);
        wf_err_format(ts, &wf_exc_IndexError,
                      "list assignment index out of range");
        return -1;
    }
    if (x != WF_NULL) {
        wf_atomic_store_relaxed_u64_word(&l->items[i], x);
        wf_lock_release(&l->lock);
        return 0;
    }
    // Delete: shift in place (readers may see a duplicated neighbour for
    // an instant, never freed memory).
    memmove(l->items + i, l->items + i + 1,
            (n - (size_t)i - 1) * sizeof(wf_value));
    wf_atomic_store_release_size_word(&l->n, n - 1);
    wf_lock_release(&l->lock);
    return 0;
}

static int
list_contains(wf_thread *ts, wf_value v, wf_value item)
{
    wf_value x;
    for (size_t i = 0; list_get(L(v), i, &x); i++) {
        int eq = wf_obj_eq(ts, x, item);
        if (eq != 0)
            return eq;
    }
    return 0;
}

static wf_value
list_iter(wf_thread *ts, wf_value v)
{
    return wf_seqiter_new(ts, v);
}

static wf_value
list_repeat(wf_thread *ts, wf_value list, int64_t k)
{
    wf_value snap = wf_list_as_tuple(ts, list);
    if (snap == WF_NULL)
        return WF_NULL;
    size_t n = wf_tuple_len(snap);
    if (k <= 0 || n == 0)
        return wf_list_new(ts, 0);
    if ((uint64_t)k > ((size_t)1 << 36) / n)
        return wf_err_no_memory(ts);
    wf_value r = wf_list_new(ts, n * (size_t)k);
    if (r == WF_NULL)
        return WF_NULL;
    for (int64_t i = 0; i < k; i++)
        memcpy(L(r)->items + (size_t)i * n, wf_tuple_items(snap),
               n * sizeof(wf_value));
    return r;
}

static wf_value
list_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    if (op == WF_BINOP_INPLACE_ADD && wf_val_is(a, &wf_list_type))
        return wf_list_extend(ts, a, b) < 0 ? WF_NULL : a;
    if (op == WF_BINOP_INPLACE_MULTIPLY && wf_val_is(a, &wf_list_type) &&
        wf_int_check(b)) {
        int64_t k;
        if (wf_int_as_i64(ts, b, &k) < 0)
            return WF_NULL;
        wf_value r = list_repeat(ts, a, k);
        if (r == WF_NULL)
            return WF_NULL;
        wf_list *l = L(a);
        wf_value *na = arr_alloc(ts, L(r)->n > 0 ? L(r)->n : 1);
        if (na == NULL)
            return WF_NULL;
        memcpy(na, L(r)->items, L(r)->n * sizeof(wf_value));
        wf_lock_acquire(&l->lock);
        publish_locked(ts, l, na, L(r)->n);
        wf_lock_release(&l->lock);
        return a;
    }
    if (op >= WF_BINOP_INPLACE_ADD)
        op = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
    if (op == WF_BINOP_ADD && wf_val_is(a, &wf_list_type) &&
        wf_val_is(b, &wf_list_type)) {
        size_t mark = wf_root_mark(ts);
        wf_value r = wf_list_new(ts, 0);
        if (r == WF_NULL || wf_root_push(ts, r) < 0 ||
            wf_list_extend(ts, r, a) < 0 || wf_list_extend(ts, r, b) < 0)
            r = WF_NULL;
        wf_root_release(ts, mark);
        return r;
    }
    if (op == WF_BINOP_MULTIPLY) {
        wf_value l = wf_val_is(a, &wf_list_type) ? a : b;
        wf_value c = l == a ? b : a;
        int64_t k;
        if (!wf_int_check(c) || wf_int_as_i64(ts, c, &k) < 0)
            return WF_NOTIMPL;
        return list_repeat(ts, l, k);
    }
    return WF_NOTIMPL;
}

static wf_value
list_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
          wf_value kwnames)
{
    (void)type;
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "list() takes no keyword arguments");
    if (nargs > 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "list expected at most 1 argument, got %zu",
                             nargs);
    size_t mark = wf_root_mark(ts);
    wf_value r = wf_list_new(ts, 0);
    if (r != WF_NULL && nargs == 1 &&
        (wf_root_push(ts, r) < 0 || wf_list_extend(ts, r, args[0]) < 0))
        r = WF_NULL;
    wf_root_release(ts, mark);
    return r;
}

wf_type wf_list_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "list",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .basic_size = sizeof(wf_list),
    .traverse = list_traverse,
    .finalize = list_finalize,
    .repr = list_repr,
    .hash = wf_obj_hash_unhashable,
    .richcompare = list_richcompare,
    .iter = list_iter,
    .getitem = list_getitem,
    .setitem = list_setitem,
    .len = list_len,
    .contains = list_contains,
    .binop = list_binop,
    .new_ = list_new_,
};

// ===== Methods =====

#define SELF (args[0])

static wf_value
m_append(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "append", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    return wf_list_append(ts, SELF, args[1]) < 0 ? WF_NULL : WF_NONE;
}

static wf_value
m_extend(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "extend", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    return wf_list_extend(ts, SELF, args[1]) < 0 ? WF_NULL : WF_NONE;
}

static wf_value
m_pop(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "pop", nargs, kw, 1, 2) < 0)
        return WF_NULL;
    int64_t i = -1;
    if (nargs > 1 && wf_int_as_i64(ts, args[1], &i) < 0)
        return WF_NULL;
    wf_list *l = L(SELF);
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    if (n == 0) {
        wf_lock_release(&l->lock);
        return wf_err_format(ts, &wf_exc_IndexError, "pop from empty list");
    }
    if (i < 0)
        i += (int64_t)n;
    if (i < 0 || i >= (int64_t)n) {
        wf_lock_release(&l->lock);
        return wf_err_format(ts, &wf_exc_IndexError,
                             "pop index out of range");
    }
    wf_value x = l->items[i];
    memmove(l->items + i, l->items + i + 1,
            (n - (size_t)i - 1) * sizeof(wf_value));
    wf_atomic_store_release_size_word(&l->n, n - 1);
    wf_lock_release(&l->lock);
    return x;
}

static wf_value
m_insert(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "insert", nargs, kw, 3, 3) < 0)
        return WF_NULL;
    int64_t i;
    if (wf_int_as_i64(ts, args[1], &i) < 0)
        return WF_NULL;
    wf_list *l = L(SELF);
    wf_lock_acquire(&l->lock);
    size_t n = l->n;
    if (i < 0)
        i = i + (int64_t)n < 0 ? 0 : i + (int64_t)n;
    if (i > (int64_t)n)
        i = (int64_t)n;
    if (n == arr_cap(l->items) &&
        regrow_locked(ts, l, n < 4 ? 8 : n + n / 2 + 1, n) < 0) {
        wf_lock_release(&l->lock);
        return WF_NULL;
    }
    memmove(l->items + i + 1, l->items + i,
            (n - (size_t)i) * sizeof(wf_value));
    l->items[i] = args[2];
    wf_atomic_store_release_size_word(&l->n, n + 1);
    wf_lock_release(&l->lock);
    return WF_NONE;
}

// Index of the first item equal to [x] in [start, stop), or -1.
static int
find_item(wf_thread *ts, wf_value list, wf_value x, int64_t start,
          int64_t stop, int64_t *out)
{
    wf_value y;
    *out = -1;
    for (int64_t i = start; i < stop && list_get(L(list), (size_t)i, &y);
         i++) {
        int eq = wf_obj_eq(ts, y, x);
        if (eq < 0)
            return -1;
        if (eq) {
            *out = i;
            return 0;
        }
    }
    return 0;
}

static wf_value
m_index(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "index", nargs, kw, 2, 4) < 0)
        return WF_NULL;
    int64_t n = (int64_t)list_n(L(SELF)), start = 0, stop = n, r;
    if (nargs > 2 && wf_int_as_i64(ts, args[2], &start) < 0)
        return WF_NULL;
    if (nargs > 3 && wf_int_as_i64(ts, args[3], &stop) < 0)
        return WF_NULL;
    if (start < 0)
        start = start + n < 0 ? 0 : start + n;
    if (stop < 0)
        stop = stop + n < 0 ? 0 : stop + n;
    if (find_item(ts, SELF, args[1], start, stop, &r) < 0)
        return WF_NULL;
    if (r < 0) {
        size_t mark = wf_root_mark(ts);
        wf_value e = wf_str_format(ts, "%R is not in list", args[1]);
        wf_root_release(ts, mark);
        if (e == WF_NULL)
            return WF_NULL;
        return wf_err_format(ts, &wf_exc_ValueError, "%U", e);
    }
    return wf_val_from_int(r);
}

static wf_value
m_count(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "count", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    int64_t c = 0;
    wf_value y;
    for (size_t i = 0; list_get(L(SELF), i, &y); i++) {
        int eq = wf_obj_eq(ts, y, args[1]);
        if (eq < 0)
            return WF_NULL;
        c += eq;
    }
    return wf_val_from_int(c);
}

static wf_value
m_remove(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "remove", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    for (;;) {
        int64_t r;
        if (find_item(ts, SELF, args[1], 0, INT64_MAX, &r) < 0)
            return WF_NULL;
        if (r < 0)
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "list.remove(x): x not in list");
        wf_list *l = L(SELF);
        wf_lock_acquire(&l->lock);
        size_t n = l->n;
        // The list may have shrunk while __eq__ ran: search again then.
        if ((size_t)r < n) {
            memmove(l->items + r, l->items + r + 1,
                    (n - (size_t)r - 1) * sizeof(wf_value));
            wf_atomic_store_release_size_word(&l->n, n - 1);
            wf_lock_release(&l->lock);
            return WF_NONE;
        }
        wf_lock_release(&l->lock);
    }
}

static wf_value
m_reverse(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "reverse", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_list *l = L(SELF);
    wf_lock_acquire(&l->lock);
    for (size_t i = 0, j = l->n; i + 1 < j; i++, j--) {
        wf_value t = l->items[i];
        wf_atomic_store_relaxed_u64_word(&l->items[i], l->items[j - 1]);
        wf_atomic_store_relaxed_u64_word(&l->items[j - 1], t);
    }
    wf_lock_release(&l->lock);
    return WF_NONE;
}

static wf_value
m_copy(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "copy", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_value snap = wf_list_as_tuple(ts, SELF);
    if (snap == WF_NULL)
        return WF_NULL;
    return wf_list_from_array(ts, wf_tuple_items(snap), wf_tuple_len(snap));
}

static wf_value
m_clear(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "clear", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_list *l = L(SELF);
    wf_value *na = arr_alloc(ts, 4);
    if (na == NULL)
        return WF_NULL;
    wf_lock_acquire(&l->lock);
    publish_locked(ts, l, na, 0);
    wf_lock_release(&l->lock);
    return WF_NONE;
}

static wf_value
m_sort(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"self", "key", "reverse"};
    wf_value a[3];
    if (wf_arg_parse(ts, "sort", args, nargs, kwnames, names, 3, 1, 1, a) < 0)
        return WF_NULL;
    int rev = 0;
    if (a[2] != WF_NULL && (rev = wf_obj_truthy(ts, a[2])) < 0)
        return WF_NULL;
    return wf_list_sort(ts, SELF, a[1], rev) < 0 ? WF_NULL : WF_NONE;
}

int
wf_list_init_types(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } methods[] = {
        {"append", m_append}, {"extend", m_extend}, {"pop", m_pop},
        {"insert", m_insert}, {"remove", m_remove}, {"index", m_index},
        {"count", m_count}, {"sort", m_sort}, {"reverse", m_reverse},
        {"copy", m_copy}, {"clear", m_clear},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (wf_type_add_method(ts, &wf_list_type, methods[i].name,
                               methods[i].fn) < 0)
            return -1;
    return 0;
}
