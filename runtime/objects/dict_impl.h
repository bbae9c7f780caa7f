// runtime/objects/dict_impl.h -- the dict's private layout (wf_dict_*), shared by
// dict.c and the inline global-lookup cache (dict_cache.h) and nobody else.
// Everything else goes through the functions in object.h.
// Upholds ARCHITECTURE "Memory": a replaced table is retired, not freed,
// so a lock-free reader's table stays readable until its next safe point.
#ifndef WF_RUNTIME_OBJECTS_DICT_IMPL_H
#define WF_RUNTIME_OBJECTS_DICT_IMPL_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "objects/object.h"

// One key/value pair. Entries are append-only within a table: a deleted
// entry keeps its index with key and value WF_NULL, and is never reused
// (a key inserted again gets a new entry at the end).
typedef struct wf_dict_entry {
    int64_t hash;    // W: before the slot publishing it. R: plain.
    wf_value key;    // WF_NULL once deleted. W: release. R: acquire.
    wf_value value;  // WF_NULL once deleted. W: release. R: acquire.
} wf_dict_entry;

// The index table and the entries, in one block. Immutable once replaced
// (writers only ever write the dict's current table).
typedef struct wf_dict_table {
    size_t nslots;  // power of two. Immutable.
    size_t cap;     // entries capacity. Immutable.
    // Entries published (deleted included); entries at or past it are
    // uninitialised memory. W: lock (release, after the entry's key and
    // value). R: acquire.
    size_t nentries;
    wf_dict_entry *entries;  // Immutable.
    int64_t slots[];         // IX_EMPTY, IX_DUMMY, or an entry index
} wf_dict_table;

struct wf_dict {
    wf_obj ob;
    wf_lock lock;   // wf_lock word (leaf)
    // Bumped by every structural change (insertion, deletion, clear, which
    // includes every table replacement) to a value no dict has ever had
    // (wf_dict_* hands out globally unique versions), so equal versions
    // mean "the same dict, unchanged". 0 only for a dict that never
    // changed, which is therefore empty. W: under lock (release).
    // R: acquire.
    uint64_t version;
    size_t used;           // live entries. W: under lock. R: relaxed.
    wf_dict_table *table;  // W: under lock (release). R: acquire.
};

#endif
