// runtime/atomic.h -- the only place that talks to the hardware about
// memory ordering (wf_atomic_*; STYLE 2.6, 8.2).
// Every operation names its ordering; there is no order-free load. Built on
// the __atomic builtins so TSan sees every access. Operations exist both on
// the one-member wf_atomic_* types (new shared fields, STYLE 8.1) and on
// plain words of the lead's layouts (wf_thread.eval_breaker, wf_list.n ...).
#ifndef WF_RUNTIME_ATOMIC_H
#define WF_RUNTIME_ATOMIC_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// One-member wrappers: a plain read of one of these does not compile.
typedef struct wf_atomic_u8 { uint8_t v; } wf_atomic_u8;
typedef struct wf_atomic_u32 { uint32_t v; } wf_atomic_u32;
typedef struct wf_atomic_u64 { uint64_t v; } wf_atomic_u64;
typedef struct wf_atomic_size { size_t v; } wf_atomic_size;
typedef struct wf_atomic_ptr { void *v; } wf_atomic_ptr;

// WF_ATOMIC_DEFINE_(suffix, type): loads, stores, exchange, CAS and
// fetch-ops on a plain [type] word. Expanded once per width below.
#define WF_ATOMIC_DEFINE_(sfx, T)                                           \
    static inline T wf_atomic_load_relaxed_##sfx(const T *p)                \
    { return __atomic_load_n(p, __ATOMIC_RELAXED); }                        \
    static inline T wf_atomic_load_acquire_##sfx(const T *p)                \
    { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }                        \
    static inline T wf_atomic_load_seq_cst_##sfx(const T *p)                \
    { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }                        \
    static inline void wf_atomic_store_relaxed_##sfx(T *p, T v)             \
    { __atomic_store_n(p, v, __ATOMIC_RELAXED); }                           \
    static inline void wf_atomic_store_release_##sfx(T *p, T v)             \
    { __atomic_store_n(p, v, __ATOMIC_RELEASE); }                           \
    static inline void wf_atomic_store_seq_cst_##sfx(T *p, T v)             \
    { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }                           \
    static inline T wf_atomic_exchange_acq_rel_##sfx(T *p, T v)             \
    { return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); }                 \
    static inline bool wf_atomic_cas_acquire_##sfx(T *p, T *expected, T v)  \
    {                                                                       \
        return __atomic_compare_exchange_n(p, expected, v, false,           \
                                           __ATOMIC_ACQUIRE,                \
                                           __ATOMIC_RELAXED);               \
    }                                                                       \
    static inline bool wf_atomic_cas_acq_rel_##sfx(T *p, T *expected, T v)  \
    {                                                                       \
        return __atomic_compare_exchange_n(p, expected, v, false,           \
                                           __ATOMIC_ACQ_REL,                \
                                           __ATOMIC_ACQUIRE);               \
    }                                                                       \
    static inline T wf_atomic_add_relaxed_##sfx(T *p, T v)                  \
    { return __atomic_add_fetch(p, v, __ATOMIC_RELAXED); }                  \
    static inline T wf_atomic_add_acq_rel_##sfx(T *p, T v)                  \
    { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }                  \
    static inline T wf_atomic_sub_acq_rel_##sfx(T *p, T v)                  \
    { return __atomic_sub_fetch(p, v, __ATOMIC_ACQ_REL); }                  \
    static inline T wf_atomic_or_relaxed_##sfx(T *p, T v)                   \
    { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }                   \
    static inline T wf_atomic_or_release_##sfx(T *p, T v)                   \
    { return __atomic_fetch_or(p, v, __ATOMIC_RELEASE); }                   \
    static inline T wf_atomic_and_relaxed_##sfx(T *p, T v)                  \
    { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }                  \
    static inline T wf_atomic_and_release_##sfx(T *p, T v)                  \
    { return __atomic_fetch_and(p, v, __ATOMIC_RELEASE); }

WF_ATOMIC_DEFINE_(u8, uint8_t)
WF_ATOMIC_DEFINE_(u32, uint32_t)
WF_ATOMIC_DEFINE_(u64, uint64_t)
WF_ATOMIC_DEFINE_(i64, int64_t)
WF_ATOMIC_DEFINE_(size, size_t)
#undef WF_ATOMIC_DEFINE_

// Pointers (no arithmetic fetch-ops).
static inline void *
wf_atomic_load_relaxed_ptr(void *const *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void *
wf_atomic_load_acquire_ptr(void *const *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void
wf_atomic_store_relaxed_ptr(void **p, void *v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void
wf_atomic_store_release_ptr(void **p, void *v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline bool
wf_atomic_cas_acq_rel_ptr(void **p, void **expected, void *v)
{
    return __atomic_compare_exchange_n(p, expected, v, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

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
