// runtime/objects/gen.h -- generators (wf_gen_*, wf_gen_type).
// A generator owns a copy of its function's frame (made by
// RETURN_GENERATOR) and its own handled-exception item, linked on the
// thread's exc_info stack while it runs. Resuming runs the frame through
// wf_eval_resume on the resuming thread; a second resumer gets ValueError
// "generator already executing" (an atomic flag, since generators may be
// shared between threads).
#ifndef WF_RUNTIME_OBJECTS_GEN_H
#define WF_RUNTIME_OBJECTS_GEN_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "vm/frame.h"

typedef struct wf_gen {
    wf_obj ob;
    wf_value name;      // str (__name__). W: creation. R: plain.
    wf_value qualname;  // str (__qualname__). W: creation. R: plain.
    // Handled exception of the generator's frame; linked on the resuming
    // thread's exc_info stack while it runs. W/R: the thread that holds
    // [running].
    wf_exc_info exc_info;
    // 1 while a thread runs the frame. W: atomic exchange (acq_rel) by the
    // resumer, release store on exit. R: acquire.
    wf_atomic_u32 running;
    // The frame, in the same allocation just after this header.
    // W/R: the thread that holds [running]; the collector in a pause.
    wf_frame *frame;
} wf_gen;

// Make a generator of [f], the running frame of a generator function that
// executes RETURN_GENERATOR: copy the frame (its saved instr and sp say
// where to resume) into a new generator object. [f] itself is not touched.
// Never reaches a safe point. Returns the generator, or WF_NULL with
// MemoryError set.
WF_MUST_CHECK wf_value wf_gen_new_from_frame(wf_thread *ts, wf_frame *f);

// Resume [gen] with [v] sent in (None for next()). Returns 1 with *[out]
// the yielded value, 0 with *[out] the return value when the generator
// finished (no exception set), -1 with an exception set.
// Reaches safe points (runs the generator's code).
WF_MUST_CHECK int wf_gen_send(wf_thread *ts, wf_value gen, wf_value v,
                              wf_value *out);

// Give the generator type its methods (api.c, at init). Returns 0 or -1.
WF_MUST_CHECK int wf_gen_init_type(wf_thread *ts);

#endif
