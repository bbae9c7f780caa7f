// runtime/objects/dict_cache.h -- the inline cache of LOAD_GLOBAL (wf_dict_gcache_*),
// and BUILD_MAP's dict construction (wf_dict_from_pairs), inline here
// because a call out of the eval loop at BUILD_MAP cost gcc's register
// allocation of the whole loop (ARCHITECTURE "Eval loop and frames").
// One wf_dict_gcache per name of a code object (wf_code.gcache), filled on
// a miss by wf_dict_gcache_fill (dict.c) and checked inline by the eval
// loop. Thread-safe without locks and without a pause: every word is
// validated on its own against the dict the frame uses now (ARCHITECTURE
// "Global lookups"), so a torn mix of words written by two threads, or
// words filled for another globals dict, can only miss, never lie.
#ifndef WF_RUNTIME_OBJECTS_DICT_CACHE_H
#define WF_RUNTIME_OBJECTS_DICT_CACHE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdint.h>

#include "atomic.h"
#include "objects/dict_impl.h"
#include "objects/object.h"
#include "threads/thread.h"

// The cache of one name. All zero when allocated (a valid state: see the
// checks below). Shared by every thread running the code (STYLE 8.1:
// atomic types, so a plain read does not compile).
// W: wf_dict_gcache_fill, relaxed stores, from any attached thread.
// R: relaxed loads (wf_dict_gcache_get); a value is trusted only after it
//    is checked against the dict's current table or version.
typedef struct wf_dict_gcache {
    // Index of the name's entry in the globals dict's table when it was
    // found there; UINT64_MAX after a builtins fill (fails at once).
    wf_atomic_u64 gix;
    // The globals dict's version, read before a lookup that found the
    // name absent there.
    wf_atomic_u64 gmiss;
    // Index of the name's entry in the builtins dict's table.
    wf_atomic_u64 bix;
} wf_dict_gcache;

// The value of entry [ix] of [d]'s current table if that entry's key is
// [key] (identity), else WF_NULL. Never reads past the published entries.
// Any thread, lock-free; no safe point.
static inline wf_value
wf_dict_entry_value_if_(wf_dict *d, uint64_t ix, wf_value key)
{
    // Pairs with the release store of the table in dict.c.
    const wf_dict_table *t =
        wf_atomic_load_acquire_ptr_word((void *const *)&d->table);
    // Pairs with the release store of nentries after the entry's key and
    // value (insert_locked): entries below it are initialised.
    if (ix >= wf_atomic_load_acquire_size_word(&t->nentries))
        return WF_NULL;
    wf_dict_entry *e = &t->entries[ix];
    if (wf_atomic_load_acquire_u64_word(&e->key) != key)
        return WF_NULL;
    return wf_atomic_load_acquire_u64_word(&e->value);  // WF_NULL if deleted
}

// LOAD_GLOBAL's fast path: the value of [name] (an interned str) in
// [globals], else in [builtins], if [c] proves it; WF_NULL means "not
// proven" (call wf_dict_gcache_fill), not "absent". Raises nothing.
// Any attached thread, lock-free; no safe point.
// Why it is right:
//  - gix: an entry of the globals dict's *current* table whose key is
//    [name] is [name]'s live entry there (keys are unique among live
//    entries; a deleted entry's key is WF_NULL and never set again; a
//    re-inserted key gets a new entry). The index alone says nothing
//    about which dict or table it came from, so nothing can be stale.
//  - gmiss: versions are unique across all dicts and change on every
//    insertion, so equality means "this globals dict has not gained a key
//    since it was seen without [name]"; then the builtins entry is checked
//    like gix. 0 == 0 is the empty, never-changed dict: also without [name].
static inline wf_value
wf_dict_gcache_get(wf_value globals, wf_value builtins, const wf_dict_gcache *c,
                   wf_value name)
{
    wf_dict *g = (wf_dict *)wf_val_as_obj(globals);
    wf_value v =
        wf_dict_entry_value_if_(g, wf_atomic_load_relaxed_u64(&c->gix), name);
    if (WF_LIKELY(v != WF_NULL))
        return v;
    if (wf_atomic_load_acquire_u64_word(&g->version) !=
        wf_atomic_load_relaxed_u64(&c->gmiss))
        return WF_NULL;
    return wf_dict_entry_value_if_((wf_dict *)wf_val_as_obj(builtins),
                                   wf_atomic_load_relaxed_u64(&c->bix), name);
}

// LOAD_GLOBAL's slow path: look [name] (an interned str) up in [globals],
// then [builtins], and record where it was found in [c]. Returns the
// value, or WF_NULL if neither has it (no exception set: the caller raises
// NameError). Any attached thread, lock-free; runs no Python code and
// reaches no safe point.
WF_NOINLINE wf_value wf_dict_gcache_fill(wf_value globals, wf_value builtins,
                                         wf_dict_gcache *c, wf_value name);

// The value of str [key] in [d] (no Python code runs: str keys compare by
// identity, then by bytes), or WF_NULL if absent. *[ix] gets the index of
// its entry in the table the lookup used, *[version] the dict's version
// read (acquire) before the lookup. Any thread, lock-free; no safe point.
wf_value wf_dict_lookup_str_entry(wf_value d, wf_value key, uint64_t *ix,
                                  uint64_t *version);

// A new dict from the [n] key/value pairs of [items] (k0 v0 k1 v1 ...,
// BUILD_MAP), later keys winning. [items] must stay rooted (the value
// stack); the dict is rooted on [ts]'s root stack while it fills. Hashing
// and comparing keys may run Python code and reach a safe point. Returns
// the dict, or WF_NULL with an exception set.
WF_MUST_CHECK static inline wf_value
wf_dict_from_pairs(wf_thread *ts, const wf_value *items, size_t n)
{
    wf_value d = wf_dict_new(ts);
    if (d == WF_NULL || wf_root_push(ts, d) < 0)
        return WF_NULL;
    size_t mark = wf_root_mark(ts) - 1;
    for (size_t i = 0; i < n; i++) {
        if (wf_dict_set(ts, d, items[2 * i], items[2 * i + 1]) < 0) {
            wf_root_release(ts, mark);
            return WF_NULL;
        }
    }
    wf_root_release(ts, mark);
    return d;
}

#endif
