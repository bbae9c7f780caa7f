// runtime/vm/cstack.h -- the C stack guard (wf_cstack_*): how close the
// running thread is to the end of its C stack. Every recursive C path
// (eval entry, parser, symbol table, code generator, the generic repr /
// compare / hash protocols) asks wf_cstack_exhausted() before it recurses
// and raises instead of overflowing (ARCHITECTURE "Stack discipline").
#ifndef WF_RUNTIME_VM_CSTACK_H
#define WF_RUNTIME_VM_CSTACK_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "value.h"

typedef struct wf_thread wf_thread;

// Lowest C stack address this thread may reach before a guarded path
// gives up (0: not computed yet), and the stack's high end. Set once per
// thread by wf_cstack_init_slow. W/R: the owning thread only.
extern _Thread_local uintptr_t wf_cstack_floor;
extern _Thread_local uintptr_t wf_cstack_base;

// Bytes kept free below the floor for the code that raises and unwinds.
// Sanitizers make frames several times larger (ASan's redzones, TSan's
// shadow bookkeeping): their margin is scaled up (WF_CSTACK_SCALE).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define WF_CSTACK_SCALE 4
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define WF_CSTACK_SCALE 4
#  endif
#endif
#ifndef WF_CSTACK_SCALE
#  define WF_CSTACK_SCALE 1
#endif

// Compute this thread's floor from its pthread stack bounds (any thread:
// one Weft started, with its known size, or one it did not, such as an
// embedder's, through pthread_getattr_np). [here] is the current stack
// pointer. Returns the floor.
uintptr_t wf_cstack_init_slow(uintptr_t here);

// True if the current thread is below its floor: a guarded recursive path
// must stop. Cost: one thread-local load and a compare.
static inline bool
wf_cstack_exhausted(void)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    uintptr_t floor = wf_cstack_floor;
    if (WF_UNLIKELY(floor == 0))
        floor = wf_cstack_init_slow(here);
    return here < floor;
}

// Kilobytes of C stack the current thread uses now (for messages).
int wf_cstack_used_kb(void);

// Raise RecursionError("Stack overflow (used N kB)[where]") on [ts], as
// CPython 3.14 words it ([where]: "" or " in comparison", " while getting
// the repr of an object", " during compilation"). Returns WF_NULL.
wf_value wf_cstack_overflow(wf_thread *ts, const char *where);

#endif // WF_RUNTIME_VM_CSTACK_H
