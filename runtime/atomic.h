// runtime/atomic.h -- the only place that talks to the hardware about
// memory ordering (wf_atomic_*; STYLE 2.6, 8.1, 8.2).
// Every operation names its ordering; there is no order-free load. Built on
// the __atomic builtins so TSan sees every access.
//
// A shared field is declared with one of the one-member wf_atomic_* types
// below, and the operations take only those types: a plain read or write of
// such a field does not compile, and a plain field cannot be handed to an
// atomic operation without being declared atomic. Code that owns the field
// exclusively (an object under construction, the pause holder, a lock
// holder re-reading its own write) may still spell `.v`, which is visible
// in review.
//
// The "_word" operations (wf_atomic_load_acquire_u64_word ...) work on a
// plain word. They exist for layouts where one word is written atomically
// but read plainly on hot paths that the type system cannot tell apart:
//   - array elements shared with plain readers: a list's items array, a
//     dict table's slots and entries (read under the object's lock or by
//     the lock-free readers in dict.c/list.c), a code object's code units
//     (read plainly by the eval loop, rewritten by the monitor);
//   - the lock-protected words of list and dict objects (wf_list.n/.items,
//     wf_dict.table/.used/.version): their lock holders and hundreds of
//     single-threaded paths read them plainly; only the lock-free readers
//     and the publishing stores go through _word;
//   - an instance's __dict__ slot (typeobj.c), a wf_value at a per-type
//     offset inside the object, published once with a release store;
//   - the stress harness's flag arrays (stress/).
// New shared fields use the typed wrappers; add a _word caller only for a
// reason of the same kind, and name it where the field is declared.
#ifndef WF_RUNTIME_ATOMIC_H
#define WF_RUNTIME_ATOMIC_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// One-member wrappers: a plain read of one of these does not compile.
typedef struct wf_atomic_bool { bool v; } wf_atomic_bool;
typedef struct wf_atomic_u8 { uint8_t v; } wf_atomic_u8;
typedef struct wf_atomic_u32 { uint32_t v; } wf_atomic_u32;
typedef struct wf_atomic_i32 { int32_t v; } wf_atomic_i32;
typedef struct wf_atomic_u64 { uint64_t v; } wf_atomic_u64;
typedef struct wf_atomic_i64 { int64_t v; } wf_atomic_i64;
typedef struct wf_atomic_size { size_t v; } wf_atomic_size;
typedef struct wf_atomic_ptr { void *v; } wf_atomic_ptr;

// Static initialiser of any wrapper: `static wf_atomic_u32 x = WF_ATOMIC_INIT(0);`
#define WF_ATOMIC_INIT(x) { (x) }

// How an operation reaches its word: through the wrapper's member, or the
// plain word itself (_word).
#define WF_ATOMIC_AT_TYPED_(p) (&(p)->v)
#define WF_ATOMIC_AT_WORD_(p) (p)

// WF_ATOMIC_BASIC_(name, P, T, AT): loads, stores, exchange and CAS on the
// [T] word reached by AT(p) from a [P *p]. CAS: on failure *expected gets
// the current value.
#define WF_ATOMIC_BASIC_(n, P, T, AT)                                       \
    static inline T wf_atomic_load_relaxed_##n(const P *p)                  \
    { return __atomic_load_n(AT(p), __ATOMIC_RELAXED); }                    \
    static inline T wf_atomic_load_acquire_##n(const P *p)                  \
    { return __atomic_load_n(AT(p), __ATOMIC_ACQUIRE); }                    \
    static inline T wf_atomic_load_seq_cst_##n(const P *p)                  \
    { return __atomic_load_n(AT(p), __ATOMIC_SEQ_CST); }                    \
    static inline void wf_atomic_store_relaxed_##n(P *p, T v)               \
    { __atomic_store_n(AT(p), v, __ATOMIC_RELAXED); }                       \
    static inline void wf_atomic_store_release_##n(P *p, T v)               \
    { __atomic_store_n(AT(p), v, __ATOMIC_RELEASE); }                       \
    static inline void wf_atomic_store_seq_cst_##n(P *p, T v)               \
    { __atomic_store_n(AT(p), v, __ATOMIC_SEQ_CST); }                       \
    static inline T wf_atomic_exchange_acq_rel_##n(P *p, T v)               \
    { return __atomic_exchange_n(AT(p), v, __ATOMIC_ACQ_REL); }             \
    static inline bool wf_atomic_cas_acquire_##n(P *p, T *expected, T v)    \
    {                                                                       \
        return __atomic_compare_exchange_n(AT(p), expected, v, false,       \
                                           __ATOMIC_ACQUIRE,                \
                                           __ATOMIC_RELAXED);               \
    }                                                                       \
    static inline bool wf_atomic_cas_acq_rel_##n(P *p, T *expected, T v)    \
    {                                                                       \
        return __atomic_compare_exchange_n(AT(p), expected, v, false,       \
                                           __ATOMIC_ACQ_REL,                \
                                           __ATOMIC_ACQUIRE);               \
    }                                                                       \
    static inline bool wf_atomic_cas_seq_cst_##n(P *p, T *expected, T v)    \
    {                                                                       \
        return __atomic_compare_exchange_n(AT(p), expected, v, false,       \
                                           __ATOMIC_SEQ_CST,                \
                                           __ATOMIC_ACQUIRE);               \
    }

// WF_ATOMIC_ARITH_(name, P, T, AT): read-modify-writes of integer words.
// add/sub return the NEW value; or/and return the OLD value.
#define WF_ATOMIC_ARITH_(n, P, T, AT)                                       \
    static inline T wf_atomic_add_relaxed_##n(P *p, T v)                    \
    { return __atomic_add_fetch(AT(p), v, __ATOMIC_RELAXED); }              \
    static inline T wf_atomic_add_acq_rel_##n(P *p, T v)                    \
    { return __atomic_add_fetch(AT(p), v, __ATOMIC_ACQ_REL); }              \
    static inline T wf_atomic_sub_acq_rel_##n(P *p, T v)                    \
    { return __atomic_sub_fetch(AT(p), v, __ATOMIC_ACQ_REL); }              \
    static inline T wf_atomic_or_relaxed_##n(P *p, T v)                     \
    { return __atomic_fetch_or(AT(p), v, __ATOMIC_RELAXED); }               \
    static inline T wf_atomic_or_release_##n(P *p, T v)                     \
    { return __atomic_fetch_or(AT(p), v, __ATOMIC_RELEASE); }               \
    static inline T wf_atomic_or_seq_cst_##n(P *p, T v)                     \
    { return __atomic_fetch_or(AT(p), v, __ATOMIC_SEQ_CST); }               \
    static inline T wf_atomic_and_relaxed_##n(P *p, T v)                    \
    { return __atomic_fetch_and(AT(p), v, __ATOMIC_RELAXED); }              \
    static inline T wf_atomic_and_release_##n(P *p, T v)                    \
    { return __atomic_fetch_and(AT(p), v, __ATOMIC_RELEASE); }

#define WF_ATOMIC_INT_(n, P, T, AT)                                         \
    WF_ATOMIC_BASIC_(n, P, T, AT)                                           \
    WF_ATOMIC_ARITH_(n, P, T, AT)

// ===== Typed operations (the normal case) =====

WF_ATOMIC_BASIC_(bool, wf_atomic_bool, bool, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(u8, wf_atomic_u8, uint8_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(u32, wf_atomic_u32, uint32_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(i32, wf_atomic_i32, int32_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(u64, wf_atomic_u64, uint64_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(i64, wf_atomic_i64, int64_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_INT_(size, wf_atomic_size, size_t, WF_ATOMIC_AT_TYPED_)
WF_ATOMIC_BASIC_(ptr, wf_atomic_ptr, void *, WF_ATOMIC_AT_TYPED_)

// ===== Plain-word operations (the documented exceptions above) =====

WF_ATOMIC_INT_(u8_word, uint8_t, uint8_t, WF_ATOMIC_AT_WORD_)
WF_ATOMIC_INT_(u32_word, uint32_t, uint32_t, WF_ATOMIC_AT_WORD_)
WF_ATOMIC_INT_(u64_word, uint64_t, uint64_t, WF_ATOMIC_AT_WORD_)
WF_ATOMIC_INT_(i64_word, int64_t, int64_t, WF_ATOMIC_AT_WORD_)
WF_ATOMIC_INT_(size_word, size_t, size_t, WF_ATOMIC_AT_WORD_)
typedef void *wf_atomic_word_ptr_;  // so `const P *` reads void *const *
WF_ATOMIC_BASIC_(ptr_word, wf_atomic_word_ptr_, void *, WF_ATOMIC_AT_WORD_)

#undef WF_ATOMIC_INT_
#undef WF_ATOMIC_ARITH_
#undef WF_ATOMIC_BASIC_
#undef WF_ATOMIC_AT_WORD_
#undef WF_ATOMIC_AT_TYPED_

// Fences by intent (STYLE 8.3): every caller names the access it pairs
// with in a comment.
static inline void
wf_atomic_fence_acquire(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void
wf_atomic_fence_release(void)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void
wf_atomic_fence_seq_cst(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// Spin-wait hint for busy loops.
static inline void
wf_atomic_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
