// tests/compile/atomic_misuse.c -- code that must NOT compile (STYLE 8.1).
// ctest compiles it once per case (tests/CMakeLists.txt "Negative
// compiles"): CASE_OK is the control that must compile, so a failure of
// the other cases is the type system's doing, not a broken command line.
#include <stdint.h>

#include "atomic.h"

struct shared {
    wf_atomic_u32 flags;  // declared atomic
    uint32_t plain;       // declared plain
};

uint32_t
misuse(struct shared *s)
{
#if defined(CASE_OK)
    wf_atomic_store_relaxed_u32(&s->flags, 1);
    s->plain = 2;
    return wf_atomic_load_acquire_u32(&s->flags) + s->plain;
#elif defined(CASE_PLAIN_READ)
    return s->flags;  // a plain read of an atomic field
#elif defined(CASE_PLAIN_WRITE)
    s->flags = 1;  // a plain write of an atomic field
    return 0;
#elif defined(CASE_PLAIN_OR)
    return s->flags & 1u;  // plain read-modify of an atomic field
#elif defined(CASE_ATOMIC_OP_ON_PLAIN)
    return wf_atomic_load_acquire_u32(&s->plain);  // plain field, atomic op
#elif defined(CASE_WRONG_WIDTH)
    return (uint32_t)wf_atomic_load_relaxed_u64(&s->flags);
#else
#  error "define one CASE_*"
#endif
}
