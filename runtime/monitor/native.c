// runtime/monitor/native.c -- native monitoring callbacks (wf_native_*):
// the object type, its construction, its DISABLE answer and the call a
// Python caller makes of it. The fire layer calls the functions inside
// directly (fire.c); this file only serves everyone else.
#include "monitor/native.h"

#if WEFT_MONITORING

#include "objects/error.h"
#include "monitor/instrument.h"
#include "monitor/monitor.h"

// A Python-level call of the object, e.g. of what register_callback
// returned: (code, offset or line, ...) as the monitor would pass them.
// The callback's frame is the caller's; DISABLE is returned, not applied.
static wf_value
native_call(wf_thread *ts, wf_value self, const wf_value *args, size_t nargs,
            wf_value kwnames)
{
    (void)kwnames;
    const wf_native *n = wf_native_of(self);
    if (nargs < 2 || !wf_val_is(args[0], &wf_code_type) ||
        !wf_val_is_int(args[1]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "%s() expects (code, offset, ...) as the "
                             "monitor passes them",
                             n->name);
    if (ts->frame == NULL)
        return wf_err_format(ts, &wf_exc_SystemError,
                             "%s() called without a frame", n->name);
    int rc = n->fn(ts, ts->frame, NULL, n, args, nargs);
    if (rc < 0)
        return WF_NULL;
    return rc == WF_NATIVE_DISABLE_VALUE ? WF_MON_DISABLE : WF_NONE;
}

static wf_value
native_repr(wf_thread *ts, wf_value self)
{
    const wf_native *n = wf_native_of(self);
    return wf_str_format(ts, "<native monitoring callback %s>", n->name);
}

wf_type wf_native_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "native_monitoring_callback",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_native),
    .repr = native_repr,
    .call = native_call,
};

wf_value
wf_native_new(wf_thread *ts, int tool, int event, const char *name,
              wf_native_fn fn, wf_native_express_fn express, void *data,
              void (*client_fn)(void))
{
    wf_native *n =
        (wf_native *)wf_gc_alloc(ts, &wf_native_type, sizeof(wf_native));
    if (n == NULL)
        return WF_NULL;
    n->fn = fn;
    n->express = express;
    n->data = data;
    n->client_fn = client_fn;
    n->name = name;
    n->tool = (int8_t)tool;
    n->event = (int8_t)event;
    return wf_val_from_obj(n);
}

int
wf_native_disable(wf_thread *ts, wf_frame *f, const wf_codeunit *pc,
                  const wf_native *self)
{
    if (pc == NULL)
        return WF_NATIVE_DISABLE_VALUE;
    if (wf_ev_can_disable(self->event)) {
        wf_instr_disable(f->code, (uint32_t)(pc - f->code->code), self->tool,
                         self->event);
        return WF_NATIVE_DONE;
    }
    // Same as CPython 3.14: the callback is removed so that the error
    // cannot repeat forever; the event stays set.
    (void)wf_mon_callback_swap(self->tool, self->event, WF_NULL);
    wf_err_format(ts, &wf_exc_ValueError,
                  "Cannot disable %s events. Callback removed.",
                  wf_ev_name(self->event));
    return WF_NATIVE_ERROR;
}

#endif  // WEFT_MONITORING
