// runtime/value.h -- the tagged 64-bit value word (wf_val_*).
// A wf_value is either a small int (low bit 1, 63-bit two's complement
// payload, exact in [-2^62, 2^62 - 1]) or a pointer to a wf_obj (8-aligned,
// low 3 bits 0). WF_NULL (0) is "no value": an exception is set, or a slot
// is empty. No reference counts anywhere (ARCHITECTURE "Memory").
#ifndef WF_RUNTIME_VALUE_H
#define WF_RUNTIME_VALUE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef uint64_t wf_value;
typedef struct wf_obj wf_obj;

#define WF_NULL ((wf_value)0)

// Range of the tagged int. Results outside it raise OverflowError.
#define WF_INT_MAX (((int64_t)1 << 62) - 1)
#define WF_INT_MIN (-((int64_t)1 << 62))

static inline bool
wf_val_is_int(wf_value v)
{
    return (v & 1) != 0;
}

static inline bool
wf_val_is_obj(wf_value v)
{
    return v != WF_NULL && (v & 1) == 0;
}

static inline int64_t
wf_val_as_int(wf_value v)
{
    return (int64_t)v >> 1;
}

static inline bool
wf_val_int_fits(int64_t i)
{
    return i >= WF_INT_MIN && i <= WF_INT_MAX;
}

// [i] must satisfy wf_val_int_fits().
static inline wf_value
wf_val_from_int(int64_t i)
{
    return ((uint64_t)i << 1) | 1;
}

static inline wf_obj *
wf_val_as_obj(wf_value v)
{
    return (wf_obj *)(uintptr_t)v;
}

static inline wf_value
wf_val_from_obj(const void *o)
{
    return (wf_value)(uintptr_t)o;
}

#endif
