// runtime/compiler/nameset.h -- a set of borrowed names with O(1) lookup (wf_nameset_*).
// The compiler's and symbol table's name lists (a unit's names and
// localsplus, the symbol table's local, global and free sets): names in
// insertion order in items[], found through an open-addressing table of
// (hash, index) so that adding or finding a name costs O(1) on average
// and a unit with n names compiles in O(n), not O(n^2) (issue 20).
// The strings are borrowed (the AST arena or static storage) and compared
// by content. Touches only the set: thread-agnostic, no safe point.
#ifndef WF_RUNTIME_COMPILER_NAMESET_H
#define WF_RUNTIME_COMPILER_NAMESET_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

typedef struct wf_nameset_slot {
    uint32_t hash;
    uint32_t idx1;     // index into items + 1; 0: empty
} wf_nameset_slot;

typedef struct wf_nameset {
    const char **items;     // insertion order
    uint32_t n, cap;
    wf_nameset_slot *slots; // power-of-two table, at most half full
    uint32_t nslots;
} wf_nameset;

// The hash of [name] (FNV-1a over its bytes).
uint32_t wf_nameset_hash(const char *name);

// The index of [name] in [s]->items, or -1.
int32_t wf_nameset_find(const wf_nameset *s, const char *name);

// Add [name] unless present; *idx (may be NULL) gets its index. Returns
// true, or false when out of memory ([s] unchanged).
WF_MUST_CHECK bool wf_nameset_add(wf_nameset *s, const char *name,
                                  uint32_t *idx);

// Release what [s] owns and zero it (not the names).
void wf_nameset_fini(wf_nameset *s);

#endif
