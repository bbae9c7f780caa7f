// runtime/objects/dict.c -- dict and its views (wf_dict_*).
// Insertion-ordered: an index table of slots pointing into an append-only
// entry array, both in one "table" block. Lookups are lock-free: they load
// the table with acquire and read published entries; a key comparison
// that runs Python code (__eq__) may reach a safe point, so the lookup
// restarts if the table was replaced meanwhile. Mutations take the dict's
// lock word (leaf rank) and are validated against a version number
// changed by every structural change (unique across dicts: see
// "Versions"), so a lookup done outside the lock is never applied to a
// changed dict. Replaced tables are retired (freed at the next pause).
// Also the slow path of LOAD_GLOBAL's inline cache (dict_cache.h).
#include "objects/object.h"

#include <string.h>

#include "atomic.h"
#include "objects/dict_cache.h"
#include "objects/dict_impl.h"
#include "objects/error.h"
#include "gc.h"
#include "mem.h"
#include "lock.h"
#include "threads/thread.h"

#define IX_EMPTY (-1)
#define IX_DUMMY (-2)

static wf_dict *
D(wf_value v)
{
    return (wf_dict *)wf_val_as_obj(v);
}

static wf_dict_table *
table_new(wf_thread *ts, size_t nslots)
{
    size_t cap = nslots * 2 / 3;
    wf_dict_table *t = wf_mem_alloc(ts, sizeof(wf_dict_table) +
                                         nslots * sizeof(int64_t) +
                                         cap * sizeof(wf_dict_entry));
    if (t == NULL)
        return NULL;
    t->nslots = nslots;
    t->cap = cap;
    t->nentries = 0;
    t->entries = (wf_dict_entry *)(t->slots + nslots);
    for (size_t i = 0; i < nslots; i++)
        t->slots[i] = IX_EMPTY;
    return t;
}

static wf_dict_table *
load_table(wf_dict *d)
{
    return wf_atomic_load_acquire_ptr_word((void *const *)&d->table);
}

// ===== Versions =====

// Dict versions are unique across every dict of the process, so that the
// global-lookup cache (dict_cache.h) can tell "this globals dict,
// unchanged" from one version word. Each thread takes blocks of
// VERSION_BLOCK numbers from one shared counter, so a structural change
// costs a shared-line write only once per VERSION_BLOCK changes.
// 64 bits never wrap. 0 is never handed out: it is the version of a dict
// that never changed.
#define VERSION_BLOCK 1024u

// Last number handed out in blocks. W/R: relaxed atomic add.
static uint64_t version_source;
// The calling thread's current block: [version_next, version_end).
static _Thread_local uint64_t version_next, version_end;

// A version no dict has had yet. Any thread.
static uint64_t
new_version(void)
{
    if (WF_UNLIKELY(version_next == version_end)) {
        uint64_t top = wf_atomic_add_relaxed_u64_word(&version_source,
                                                 VERSION_BLOCK);
        version_next = top - VERSION_BLOCK + 1;
        version_end = top + 1;
    }
    return version_next++;
}

// Record a structural change of [d]. Caller holds [d]'s lock.
static void
bump_version_locked(wf_dict *d)
{
    // Release: a reader that sees the new version sees the change.
    wf_atomic_store_release_u64_word(&d->version, new_version());
}

wf_value
wf_dict_new(wf_thread *ts)
{
    wf_dict *d = (wf_dict *)wf_gc_alloc(ts, &wf_dict_type, sizeof(wf_dict));
    if (d == NULL)
        return WF_NULL;
    d->table = table_new(ts, 8);
    if (d->table == NULL)
        return WF_NULL;
    return wf_val_from_obj(d);
}

size_t
wf_dict_len(wf_value dv)
{
    return wf_atomic_load_relaxed_size_word(&D(dv)->used);
}

// ===== Lookup =====

// Comparison that never runs Python code: 1 equal, 0 not, -2 unknown.
static int
fast_eq(wf_value a, wf_value b)
{
    if (a == b)
        return 1;
    bool sa = wf_val_is(a, &wf_str_type), sb = wf_val_is(b, &wf_str_type);
    if (sa && sb)
        return wf_str_eq(a, b);
    if (sa || sb)
        return 0;
    if (wf_val_is_int(a) && wf_val_is_int(b))
        return 0;
    return -2;
}

// Find [key] ([hash]): 1 with *t_out/*ix_out (the table and entry index
// where it lives), 0 missing, -1 error. Lock-free.
static int
lookup(wf_thread *ts, wf_dict *d, wf_value key, int64_t hash,
       wf_dict_table **t_out, int64_t *ix_out)
{
restart:;
    wf_dict_table *t = load_table(d);
    size_t mask = t->nslots - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        int64_t ix = wf_atomic_load_acquire_i64_word(&t->slots[i]);
        if (ix == IX_EMPTY)
            return 0;
        if (ix >= 0) {
            wf_dict_entry *e = &t->entries[ix];
            wf_value k = wf_atomic_load_acquire_u64_word(&e->key);
            if (k != WF_NULL && (k == key || e->hash == hash)) {
                int eq = fast_eq(k, key);
                if (eq == -2) {
                    eq = wf_obj_eq(ts, k, key);
                    if (eq < 0)
                        return -1;
                    if (load_table(d) != t)
                        goto restart;  // replaced while __eq__ ran
                }
                if (eq) {
                    *t_out = t;
                    *ix_out = ix;
                    return 1;
                }
            }
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

// Slot index holding entry [ix] of [t] (for deletion), under the lock.
static size_t
slot_of(wf_dict_table *t, int64_t hash, int64_t ix)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    while (t->slots[i] != ix) {
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

int
wf_dict_get(wf_thread *ts, wf_value dv, wf_value key, wf_value *out)
{
    int64_t h;
    if (wf_obj_hash(ts, key, &h) < 0)
        return -1;
    wf_dict *d = D(dv);
    for (;;) {
        wf_dict_table *t;
        int64_t ix;
        int r = lookup(ts, d, key, h, &t, &ix);
        if (r <= 0)
            return r;
        wf_value v = wf_atomic_load_acquire_u64_word(&t->entries[ix].value);
        if (v != WF_NULL) {
            *out = v;
            return 1;
        }
        // Deleted under us: look again (it may have been re-inserted).
    }
}

// The hash of str [key]: its cached hash, computed on first use.
static inline int64_t
str_hash(wf_value key)
{
    // Relaxed: a racing first computation stores the same value.
    int64_t h = wf_atomic_load_relaxed_i64(
        &((wf_str *)wf_val_as_obj(key))->hash);
    return WF_LIKELY(h != -1) ? h : wf_str_hash(key);
}

// Lock-free lookup of str [key] in [t]: its entry index, or -1. Runs no
// Python code (identity first, then hash and bytes).
static inline int64_t
find_str(const wf_dict_table *t, wf_value key)
{
    int64_t hash = str_hash(key);
    size_t mask = t->nslots - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        int64_t ix = wf_atomic_load_acquire_i64_word(&t->slots[i]);
        if (ix == IX_EMPTY)
            return -1;
        if (ix >= 0) {
            const wf_dict_entry *e = &t->entries[ix];
            wf_value k = wf_atomic_load_acquire_u64_word(&e->key);
            if (k == key || (k != WF_NULL && e->hash == hash &&
                             wf_val_is(k, &wf_str_type) && wf_str_eq(k, key)))
                return ix;
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

wf_value
wf_dict_get_str(wf_value dv, wf_value key)
{
    const wf_dict_table *t = load_table(D(dv));
    int64_t ix = find_str(t, key);
    return ix < 0 ? WF_NULL
                  : wf_atomic_load_acquire_u64_word(&t->entries[ix].value);
}

wf_value
wf_dict_lookup_str_entry(wf_value dv, wf_value key, uint64_t *ix_out,
                         uint64_t *version_out)
{
    wf_dict *d = D(dv);
    // Before the table: pairs with bump_version_locked's release, which
    // follows the change, so a key inserted before this version was
    // written is found below.
    *version_out = wf_atomic_load_acquire_u64_word(&d->version);
    const wf_dict_table *t = load_table(d);
    int64_t ix = find_str(t, key);
    *ix_out = (uint64_t)ix;  // UINT64_MAX when absent
    return ix < 0 ? WF_NULL
                  : wf_atomic_load_acquire_u64_word(&t->entries[ix].value);
}

wf_value
wf_dict_gcache_fill(wf_value globals, wf_value builtins, wf_dict_gcache *c,
                    wf_value name)
{
    uint64_t ix, version;
    wf_value v = wf_dict_lookup_str_entry(globals, name, &ix, &version);
    if (v != WF_NULL) {
        wf_atomic_store_relaxed_u64(&c->gix, ix);
        return v;
    }
    // Found but deleted under us: absent now, but not as of [version], so
    // answer from builtins without recording the miss.
    bool record = ix == UINT64_MAX;
    uint64_t bversion;
    v = wf_dict_lookup_str_entry(builtins, name, &ix, &bversion);
    if (v == WF_NULL)
        return WF_NULL;
    if (record) {
        wf_atomic_store_relaxed_u64(&c->gix, UINT64_MAX);
        wf_atomic_store_relaxed_u64(&c->bix, ix);
        wf_atomic_store_relaxed_u64(&c->gmiss, version);
    }
    return v;
}

// ===== Mutation (under the lock) =====

// Make room for one more entry: rebuild into a table sized for the live
// entries. Returns 0 or -1.
static int
ensure_room_locked(wf_thread *ts, wf_dict *d)
{
    wf_dict_table *t = d->table;
    if (t->nentries < t->cap)
        return 0;
    size_t need = (d->used + 1) * 3;
    size_t nslots = 8;
    while (nslots * 2 / 3 < need / 2 + 1 || nslots * 2 / 3 <= d->used + 1)
        nslots *= 2;
    wf_dict_table *nt = table_new(ts, nslots);
    if (nt == NULL)
        return -1;
    size_t mask = nslots - 1;
    for (size_t j = 0; j < t->nentries; j++) {
        wf_dict_entry *e = &t->entries[j];
        if (e->key == WF_NULL || e->value == WF_NULL)
            continue;
        size_t ix = nt->nentries++;
        nt->entries[ix] = *e;
        size_t i = (size_t)e->hash & mask;
        uint64_t perturb = (uint64_t)e->hash;
        while (nt->slots[i] != IX_EMPTY) {
            perturb >>= 5;
            i = (i * 5 + perturb + 1) & mask;
        }
        nt->slots[i] = (int64_t)ix;
    }
    wf_atomic_store_release_ptr_word((void **)&d->table, nt);
    wf_mem_retire(ts, t);
    return 0;
}

// Append a new entry (key known absent). Caller holds the lock.
static int
insert_locked(wf_thread *ts, wf_dict *d, wf_value key, int64_t hash,
              wf_value v)
{
    if (ensure_room_locked(ts, d) < 0)
        return -1;
    wf_dict_table *t = d->table;
    size_t ix = t->nentries;
    wf_dict_entry *e = &t->entries[ix];
    e->hash = hash;
    wf_atomic_store_relaxed_u64_word(&e->value, v);
    wf_atomic_store_release_u64_word(&e->key, key);
    size_t mask = t->nslots - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    while (t->slots[i] >= 0) {
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
    wf_atomic_store_release_size_word(&t->nentries, ix + 1);
    // Publishing the slot makes the entry visible (pairs with the
    // acquire load in lookup).
    wf_atomic_store_release_i64_word(&t->slots[i], (int64_t)ix);
    wf_atomic_store_relaxed_size_word(&d->used, d->used + 1);
    bump_version_locked(d);
    return 0;
}

// Lookup under the lock for str keys (no Python code can run).
static int64_t
find_str_locked(wf_dict_table *t, wf_value key, int64_t hash)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
        int64_t ix = t->slots[i];
        if (ix == IX_EMPTY)
            return -1;
        if (ix >= 0) {
            wf_dict_entry *e = &t->entries[ix];
            if (e->key == key ||
                (e->key != WF_NULL && e->hash == hash &&
                 wf_val_is(e->key, &wf_str_type) && wf_str_eq(e->key, key)))
                return ix;
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

int
wf_dict_set_str(wf_thread *ts, wf_value dv, wf_value key, wf_value v)
{
    wf_dict *d = D(dv);
    int64_t hash = wf_str_hash(key);
    int rc = 0;
    wf_lock_acquire(&d->lock);
    int64_t ix = find_str_locked(d->table, key, hash);
    if (ix >= 0)
        wf_atomic_store_release_u64_word(&d->table->entries[ix].value, v);
    else
        rc = insert_locked(ts, d, key, hash, v);
    wf_lock_release(&d->lock);
    return rc;
}

int
wf_dict_set(wf_thread *ts, wf_value dv, wf_value key, wf_value v)
{
    if (wf_val_is(key, &wf_str_type))
        return wf_dict_set_str(ts, dv, key, v);
    int64_t h;
    if (wf_obj_hash(ts, key, &h) < 0)
        return -1;
    wf_dict *d = D(dv);
    for (;;) {
        uint64_t ver = wf_atomic_load_acquire_u64_word(&d->version);
        wf_dict_table *t;
        int64_t ix;
        int r = lookup(ts, d, key, h, &t, &ix);
        if (r < 0)
            return -1;
        wf_lock_acquire(&d->lock);
        if (d->version != ver) {
            wf_lock_release(&d->lock);
            continue;
        }
        int rc = 0;
        if (r == 1)
            wf_atomic_store_release_u64_word(&t->entries[ix].value, v);
        else
            rc = insert_locked(ts, d, key, h, v);
        wf_lock_release(&d->lock);
        return rc;
    }
}

// Delete entry [ix] of the current table. Caller holds the lock.
static void
delete_locked(wf_dict *d, int64_t ix)
{
    wf_dict_table *t = d->table;
    wf_dict_entry *e = &t->entries[ix];
    size_t slot = slot_of(t, e->hash, ix);
    wf_atomic_store_release_i64_word(&t->slots[slot], IX_DUMMY);
    wf_atomic_store_release_u64_word(&e->value, WF_NULL);
    wf_atomic_store_release_u64_word(&e->key, WF_NULL);
    wf_atomic_store_relaxed_size_word(&d->used, d->used - 1);
    bump_version_locked(d);
}

// Remove [key]; 1 with *old (if not NULL) set, 0 missing, -1 error.
static int
dict_pop(wf_thread *ts, wf_value dv, wf_value key, wf_value *old)
{
    int64_t h;
    if (wf_obj_hash(ts, key, &h) < 0)
        return -1;
    wf_dict *d = D(dv);
    for (;;) {
        uint64_t ver = wf_atomic_load_acquire_u64_word(&d->version);
        wf_dict_table *t;
        int64_t ix;
        int r = lookup(ts, d, key, h, &t, &ix);
        if (r <= 0)
            return r;
        wf_lock_acquire(&d->lock);
        if (d->version != ver || d->table != t) {
            wf_lock_release(&d->lock);
            continue;
        }
        if (old != NULL)
            *old = t->entries[ix].value;
        delete_locked(d, ix);
        wf_lock_release(&d->lock);
        return 1;
    }
}

int
wf_dict_del(wf_thread *ts, wf_value d, wf_value key)
{
    return dict_pop(ts, d, key, NULL);
}

bool
wf_dict_next(wf_value dv, size_t *pos, wf_value *key, wf_value *val)
{
    wf_dict_table *t = load_table(D(dv));
    size_t n = wf_atomic_load_acquire_size_word(&t->nentries);
    while (*pos < n) {
        wf_dict_entry *e = &t->entries[(*pos)++];
        wf_value k = wf_atomic_load_acquire_u64_word(&e->key);
        wf_value v = wf_atomic_load_acquire_u64_word(&e->value);
        if (k != WF_NULL && v != WF_NULL) {
            *key = k;
            *val = v;
            return true;
        }
    }
    return false;
}

int
wf_dict_merge(wf_thread *ts, wf_value d, wf_value mapping)
{
    if (!wf_val_isinstance(mapping, &wf_dict_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "'%s' object is not a mapping",
                      wf_obj_type_name(mapping));
        return -1;
    }
    size_t pos = 0;
    wf_value k, v;
    while (wf_dict_next(mapping, &pos, &k, &v)) {
        if (wf_dict_set(ts, d, k, v) < 0)
            return -1;
    }
    return 0;
}

// Raise KeyError(key).
static void
key_error(wf_thread *ts, wf_value key)
{
    wf_value args = wf_tuple_pack(ts, 1, key);
    if (args == WF_NULL)
        return;
    wf_value e = wf_exc_new(ts, &wf_exc_KeyError, args);
    if (e != WF_NULL)
        wf_err_set_value(ts, e);
}

// ===== Protocols =====

static void
dict_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_dict_table *t = ((wf_dict *)self)->table;
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nentries; i++) {
        visit(t->entries[i].key, ctx);
        visit(t->entries[i].value, ctx);
    }
}

static void
dict_finalize(wf_obj *self)
{
    wf_mem_free(((wf_dict *)self)->table);
}

static wf_value
dict_repr(wf_thread *ts, wf_value v)
{
    if (wf_dict_len(v) == 0)
        return wf_str_new(ts, "{}", 2);
    int st = wf_obj_repr_enter(ts, v);
    if (st != 0)
        return st < 0 ? WF_NULL : wf_str_new(ts, "{...}", 5);
    size_t mark = wf_root_mark(ts);
    wf_value acc = wf_str_new(ts, "{", 1), r = WF_NULL;
    size_t pos = 0;
    wf_value k, val;
    bool first = true;
    while (acc != WF_NULL && wf_dict_next(v, &pos, &k, &val)) {
        if (wf_root_push(ts, acc) < 0 || wf_root_push(ts, val) < 0)
            goto done;
        wf_value kr = wf_obj_repr(ts, k);
        if (kr == WF_NULL || wf_root_push(ts, kr) < 0)
            goto done;
        wf_value vr = wf_obj_repr(ts, val);
        if (vr == WF_NULL)
            goto done;
        acc = wf_str_format(ts, first ? "%U%U: %U" : "%U, %U: %U", acc, kr,
                            vr);
        first = false;
    }
    if (acc != WF_NULL)
        r = wf_str_format(ts, "%U}", acc);
done:
    wf_root_release(ts, mark);
    wf_obj_repr_leave(ts, v);
    return r;
}

static wf_value
dict_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    if (!wf_val_is(b, &wf_dict_type) || (op != WF_CMP_EQ && op != WF_CMP_NE))
        return WF_NOTIMPL;
    bool eq = wf_dict_len(a) == wf_dict_len(b);
    size_t pos = 0;
    wf_value k, v;
    size_t mark = wf_root_mark(ts);
    while (eq && wf_dict_next(a, &pos, &k, &v)) {
        wf_value w;
        if (wf_root_push(ts, k) < 0 || wf_root_push(ts, v) < 0)
            goto fail;
        int r = wf_dict_get(ts, b, k, &w);
        if (r < 0)
            goto fail;
        if (r == 0) {
            eq = false;
            break;
        }
        int e = wf_obj_eq(ts, v, w);
        if (e < 0)
            goto fail;
        eq = e;
    }
    wf_root_release(ts, mark);
    return wf_val_bool(op == WF_CMP_EQ ? eq : !eq);
fail:
    wf_root_release(ts, mark);
    return WF_NULL;
}

static int64_t
dict_len(wf_thread *ts, wf_value v)
{
    (void)ts;
    return (int64_t)wf_dict_len(v);
}

static wf_value
dict_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    wf_value out;
    int r = wf_dict_get(ts, v, key, &out);
    if (r == 1)
        return out;
    if (r == 0)
        key_error(ts, key);
    return WF_NULL;
}

static int
dict_setitem(wf_thread *ts, wf_value v, wf_value key, wf_value x)
{
    if (x != WF_NULL)
        return wf_dict_set(ts, v, key, x);
    int r = wf_dict_del(ts, v, key);
    if (r == 0)
        key_error(ts, key);
    return r > 0 ? 0 : -1;
}

static int
dict_contains(wf_thread *ts, wf_value v, wf_value key)
{
    wf_value out;
    return wf_dict_get(ts, v, key, &out);
}

static wf_value
dict_iter(wf_thread *ts, wf_value v)
{
    return wf_dictiter_new(ts, v, 0);
}

// Add [src]'s pairs to [dst]: a dict, or an iterable of 2-sequences.
static int
dict_update(wf_thread *ts, wf_value dst, wf_value src)
{
    size_t mark = wf_root_mark(ts);
    int rc = -1;
    if (wf_val_is(src, &wf_dict_type)) {
        size_t pos = 0;
        wf_value k, v;
        while (wf_dict_next(src, &pos, &k, &v))
            if (wf_dict_set(ts, dst, k, v) < 0)
                goto done;
        rc = 0;
        goto done;
    }
    wf_value it = wf_obj_getiter(ts, src);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    for (size_t idx = 0;; idx++) {
        wf_value item;
        int st = wf_obj_iternext(ts, it, &item);
        if (st < 0)
            goto done;
        if (st == 0)
            break;
        wf_value pair = item;
        if (!wf_val_is(pair, &wf_tuple_type)) {
            if (wf_val_type(pair)->iter == NULL) {
                wf_err_format(ts, &wf_exc_TypeError,
                              "cannot convert dictionary update sequence "
                              "element #%zu to a sequence", idx);
                goto done;
            }
            wf_value l = wf_list_new(ts, 0);
            if (l == WF_NULL || wf_root_push(ts, l) < 0 ||
                wf_list_extend(ts, l, pair) < 0)
                goto done;
            pair = wf_list_as_tuple(ts, l);
            if (pair == WF_NULL)
                goto done;
        }
        if (wf_tuple_len(pair) != 2) {
            wf_err_format(ts, &wf_exc_ValueError,
                          "dictionary update sequence element #%zu has "
                          "length %zu; 2 is required", idx,
                          wf_tuple_len(pair));
            goto done;
        }
        if (wf_root_push(ts, pair) < 0 ||
            wf_dict_set(ts, dst, wf_tuple_items(pair)[0],
                        wf_tuple_items(pair)[1]) < 0)
            goto done;
    }
    rc = 0;
done:
    wf_root_release(ts, mark);
    return rc;
}

// update(src, **kw) shared by dict() and dict.update.
static int
update_args(wf_thread *ts, wf_value d, const wf_value *args, size_t npos,
            wf_value kwnames, const char *fname)
{
    if (npos > 1) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "%s expected at most 1 argument, got %zu", fname, npos);
        return -1;
    }
    if (npos == 1 && dict_update(ts, d, args[0]) < 0)
        return -1;
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    for (size_t i = 0; i < nkw; i++)
        if (wf_dict_set(ts, d, wf_tuple_items(kwnames)[i], args[npos + i]) <
            0)
            return -1;
    return 0;
}

static wf_value
dict_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
          wf_value kwnames)
{
    (void)type;
    size_t mark = wf_root_mark(ts);
    wf_value d = wf_dict_new(ts);
    if (d != WF_NULL && (wf_root_push(ts, d) < 0 ||
                         update_args(ts, d, args, nargs, kwnames, "dict") < 0))
        d = WF_NULL;
    wf_root_release(ts, mark);
    return d;
}

wf_type wf_dict_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "dict",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .basic_size = sizeof(wf_dict),
    .traverse = dict_traverse,
    .finalize = dict_finalize,
    .repr = dict_repr,
    .hash = wf_obj_hash_unhashable,
    .richcompare = dict_richcompare,
    .iter = dict_iter,
    .getitem = dict_getitem,
    .setitem = dict_setitem,
    .len = dict_len,
    .contains = dict_contains,
    .new_ = dict_new_,
};

// ===== Views =====

typedef struct dict_view {
    wf_obj ob;
    wf_value dict;
} dict_view;

static void
view_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    visit(((dict_view *)self)->dict, ctx);
}

static int
view_kind(wf_value v)
{
    wf_type *tp = wf_val_type(v);
    return tp == &wf_dict_keys_type ? 0 : tp == &wf_dict_values_type ? 1 : 2;
}

static wf_value
view_new(wf_thread *ts, wf_value d, int kind)
{
    static wf_type *const types[] = {&wf_dict_keys_type, &wf_dict_values_type,
                                     &wf_dict_items_type};
    dict_view *v = (dict_view *)wf_gc_alloc(ts, types[kind],
                                            sizeof(dict_view));
    if (v == NULL)
        return WF_NULL;
    v->dict = d;
    return wf_val_from_obj(v);
}

static wf_value
view_iter(wf_thread *ts, wf_value v)
{
    return wf_dictiter_new(ts, ((dict_view *)wf_val_as_obj(v))->dict,
                           view_kind(v));
}

static int64_t
view_len(wf_thread *ts, wf_value v)
{
    (void)ts;
    return (int64_t)wf_dict_len(((dict_view *)wf_val_as_obj(v))->dict);
}

static int
view_contains(wf_thread *ts, wf_value v, wf_value item)
{
    wf_value d = ((dict_view *)wf_val_as_obj(v))->dict;
    int kind = view_kind(v);
    if (kind == 0)
        return dict_contains(ts, d, item);
    if (kind == 2) {
        if (!wf_val_is(item, &wf_tuple_type) || wf_tuple_len(item) != 2)
            return 0;
        wf_value out;
        int r = wf_dict_get(ts, d, wf_tuple_items(item)[0], &out);
        if (r <= 0)
            return r;
        return wf_obj_eq(ts, out, wf_tuple_items(item)[1]);
    }
    size_t pos = 0;
    wf_value k, val;
    while (wf_dict_next(d, &pos, &k, &val)) {
        int e = wf_obj_eq(ts, val, item);
        if (e != 0)
            return e;
    }
    return 0;
}

static wf_value
view_repr(wf_thread *ts, wf_value v)
{
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value l = wf_list_new(ts, 0);
    if (l == WF_NULL || wf_root_push(ts, l) < 0 || wf_list_extend(ts, l, v) < 0)
        goto done;
    r = wf_str_format(ts, "%s(%R)", wf_obj_type_name(v), l);
done:
    wf_root_release(ts, mark);
    return r;
}

#define WF_VIEW_TYPE_(cname, pyname)                                        \
    wf_type cname = {                                                       \
        .ob = WF_OBJ_STATIC_INIT(&wf_type_type),                            \
        .name = pyname,                                                     \
        .base = &wf_object_type,                                            \
        .basic_size = sizeof(dict_view),                                    \
        .traverse = view_traverse,                                          \
        .repr = view_repr,                                                  \
        .iter = view_iter,                                                  \
        .len = view_len,                                                    \
        .contains = view_contains,                                          \
    };
WF_VIEW_TYPE_(wf_dict_keys_type, "dict_keys")
WF_VIEW_TYPE_(wf_dict_values_type, "dict_values")
WF_VIEW_TYPE_(wf_dict_items_type, "dict_items")
#undef WF_VIEW_TYPE_

// ===== Methods =====

#define SELF (args[0])

static wf_value
m_get(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "get", nargs, kw, 2, 3) < 0)
        return WF_NULL;
    wf_value out;
    int r = wf_dict_get(ts, SELF, args[1], &out);
    if (r < 0)
        return WF_NULL;
    return r ? out : nargs > 2 ? args[2] : WF_NONE;
}

static wf_value
m_keys(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "keys", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return view_new(ts, SELF, 0);
}

static wf_value
m_values(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "values", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return view_new(ts, SELF, 1);
}

static wf_value
m_items(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "items", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return view_new(ts, SELF, 2);
}

static wf_value
m_pop(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "pop", nargs, kw, 2, 3) < 0)
        return WF_NULL;
    wf_value old;
    int r = dict_pop(ts, SELF, args[1], &old);
    if (r < 0)
        return WF_NULL;
    if (r)
        return old;
    if (nargs > 2)
        return args[2];
    key_error(ts, args[1]);
    return WF_NULL;
}

static wf_value
m_popitem(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "popitem", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_dict *d = D(SELF);
    wf_value pair = wf_tuple_new(ts, 2);
    if (pair == WF_NULL)
        return WF_NULL;
    wf_lock_acquire(&d->lock);
    wf_dict_table *t = d->table;
    for (size_t j = t->nentries; j-- > 0;) {
        wf_dict_entry *e = &t->entries[j];
        if (e->key != WF_NULL && e->value != WF_NULL) {
            wf_tuple_items(pair)[0] = e->key;
            wf_tuple_items(pair)[1] = e->value;
            delete_locked(d, (int64_t)j);
            wf_lock_release(&d->lock);
            return pair;
        }
    }
    wf_lock_release(&d->lock);
    return wf_err_format(ts, &wf_exc_KeyError,
                         "popitem(): dictionary is empty");
}

static wf_value
m_setdefault(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "setdefault", nargs, kw, 2, 3) < 0)
        return WF_NULL;
    wf_value out, dflt = nargs > 2 ? args[2] : WF_NONE;
    int r = wf_dict_get(ts, SELF, args[1], &out);
    if (r < 0)
        return WF_NULL;
    if (r)
        return out;
    return wf_dict_set(ts, SELF, args[1], dflt) < 0 ? WF_NULL : dflt;
}

static wf_value
m_update(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (nargs < 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "update() needs a dict");
    return update_args(ts, SELF, args + 1, nargs - 1, kw, "update") < 0
               ? WF_NULL
               : WF_NONE;
}

static wf_value
m_copy(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "copy", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    wf_value d = wf_dict_new(ts);
    if (d != WF_NULL &&
        (wf_root_push(ts, d) < 0 || dict_update(ts, d, SELF) < 0))
        d = WF_NULL;
    wf_root_release(ts, mark);
    return d;
}

static wf_value
m_clear(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "clear", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_dict_table *nt = table_new(ts, 8);
    if (nt == NULL)
        return WF_NULL;
    wf_dict *d = D(SELF);
    wf_lock_acquire(&d->lock);
    wf_dict_table *old = d->table;
    wf_atomic_store_release_ptr_word((void **)&d->table, nt);
    wf_atomic_store_relaxed_size_word(&d->used, 0);
    bump_version_locked(d);
    wf_mem_retire(ts, old);
    wf_lock_release(&d->lock);
    return WF_NONE;
}

int
wf_dict_init_types(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } methods[] = {
        {"get", m_get}, {"keys", m_keys}, {"values", m_values},
        {"items", m_items}, {"pop", m_pop}, {"popitem", m_popitem},
        {"setdefault", m_setdefault}, {"update", m_update},
        {"copy", m_copy}, {"clear", m_clear},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (wf_type_add_method(ts, &wf_dict_type, methods[i].name,
                               methods[i].fn) < 0)
            return -1;
    return 0;
}
