// runtime/objects/cell.h -- closure cells (wf_cell_*, wf_cell_type).
// A cell holds one variable shared between a function and the closures
// created inside it (MAKE_CELL, LOAD_DEREF, STORE_DEREF, COPY_FREE_VARS).
// Cells are shared between threads like any object: [ref] is one word,
// written and read with plain single-copy-atomic stores and loads.
#ifndef WF_RUNTIME_OBJECTS_CELL_H
#define WF_RUNTIME_OBJECTS_CELL_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "objects/object.h"

typedef struct wf_cell {
    wf_obj ob;
    // Contents, WF_NULL when empty. W: any thread (STORE_DEREF), plain
    // word store. R: any thread, plain word load.
    wf_value ref;
} wf_cell;

// A new cell holding [v] (WF_NULL: empty). Never reaches a safe point.
// Returns the cell, or WF_NULL with MemoryError set.
WF_MUST_CHECK wf_value wf_cell_new(wf_thread *ts, wf_value v);

#endif
