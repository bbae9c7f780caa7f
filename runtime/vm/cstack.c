// runtime/vm/cstack.c -- the C stack guard's per-thread bounds and its
// RecursionError (wf_cstack_*; cstack.h, ARCHITECTURE "Stack discipline").
#define _GNU_SOURCE  // pthread_getattr_np
#include "vm/cstack.h"

#include <pthread.h>
#include <stddef.h>

#include "objects/error.h"
#include "objects/object.h"

_Thread_local uintptr_t wf_cstack_floor;
_Thread_local uintptr_t wf_cstack_base;

// Margin below the floor: an eighth of the stack, at least 64 KiB and at
// most 512 KiB, times WF_CSTACK_SCALE under a sanitizer.
static size_t
margin_for(size_t size)
{
    size_t margin = size / 8;
    size_t lo = ((size_t)64 << 10) * WF_CSTACK_SCALE;
    size_t hi = ((size_t)512 << 10) * WF_CSTACK_SCALE;
    if (margin < lo)
        margin = lo;
    if (margin > hi)
        margin = hi;
    if (margin > size / 2)  // a tiny stack: keep half of it usable
        margin = size / 2;
    return margin;
}

WF_NOINLINE uintptr_t
wf_cstack_init_slow(uintptr_t here)
{
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
    uintptr_t floor = 0, base = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size > 0) {
            floor = (uintptr_t)addr + margin_for(size);
            base = (uintptr_t)addr + size;
        }
        pthread_attr_destroy(&attr);
    }
    // No usable bounds (or [here] outside them, as on an alternate signal
    // stack): assume 1 MiB below [here], the smallest stack Weft expects.
    if (floor == 0 || floor >= here || base < here) {
        floor = here - ((uintptr_t)1 << 20) + margin_for((size_t)1 << 20);
        base = here;
    }
    wf_cstack_base = base;
    wf_cstack_floor = floor;
    return floor;
}

int
wf_cstack_used_kb(void)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (wf_cstack_floor == 0)
        wf_cstack_init_slow(here);
    return here < wf_cstack_base ? (int)((wf_cstack_base - here) >> 10) : 0;
}

WF_NOINLINE wf_value
wf_cstack_overflow(wf_thread *ts, const char *where)
{
    return wf_err_format(ts, &wf_exc_RecursionError,
                         "Stack overflow (used %d kB)%s", wf_cstack_used_kb(),
                         where);
}
