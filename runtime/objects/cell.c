// runtime/objects/cell.c -- closure cells (wf_cell_*, wf_cell_type).
// Owns the cell type; the eval loop reads and writes [ref] directly.
#include "objects/cell.h"

#include <string.h>

#include "objects/error.h"

wf_value
wf_cell_new(wf_thread *ts, wf_value v)
{
    wf_cell *c = (wf_cell *)wf_gc_alloc(ts, &wf_cell_type, sizeof(wf_cell));
    if (c == NULL)
        return WF_NULL;
    c->ref = v;
    return wf_val_from_obj(c);
}

static void
cell_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    visit(((wf_cell *)self)->ref, ctx);
}

static wf_value
cell_repr(wf_thread *ts, wf_value self)
{
    wf_cell *c = (wf_cell *)wf_val_as_obj(self);
    if (c->ref == WF_NULL)
        return wf_str_format(ts, "<cell at %p: empty>", (void *)c);
    return wf_str_format(ts, "<cell at %p: %s object at %p>", (void *)c,
                         wf_obj_type_name(c->ref),
                         (void *)wf_val_as_obj(c->ref));
}

static wf_value
cell_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_cell *c = (wf_cell *)wf_val_as_obj(self);
    if (strcmp(wf_str_cstr(name), "cell_contents") == 0) {
        if (c->ref == WF_NULL)
            return wf_err_format(ts, &wf_exc_ValueError, "Cell is empty");
        return c->ref;
    }
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "'cell' object has no attribute '%U'", name);
}

wf_type wf_cell_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "cell",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_cell),
    .traverse = cell_traverse,
    .repr = cell_repr,
    .getattr = cell_getattr,
};
