// runtime/config.h -- build-time switches of the core, in one place.
// Build-system options (CMake) set the WEFT_* macros; source-level debug
// flags are listed here with what each trades.
#ifndef WF_RUNTIME_CONFIG_H
#define WF_RUNTIME_CONFIG_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

// WEFT_MONITORING (CMake WEFT_MONITORING=ON|OFF, default ON): compile PEP 669
// instrumentation support in. OFF exists only so the benchmark can measure
// the cost of merely supporting monitoring.
#ifndef WEFT_MONITORING
#  define WEFT_MONITORING 1
#endif

// WF_USE_COMPUTED_GOTO (CMake WEFT_DISPATCH=goto|switch): computed-goto
// dispatch under GCC/Clang, a switch otherwise.
#ifndef WF_USE_COMPUTED_GOTO
#  if defined(__GNUC__)
#    define WF_USE_COMPUTED_GOTO 1
#  else
#    define WF_USE_COMPUTED_GOTO 0
#  endif
#endif

// WF_DEBUG_GC_EVERY_SAFEPOINT: collect at every safe point that checks the
// eval breaker. Finds missing roots fast; makes everything very slow.
#ifndef WF_DEBUG_GC_EVERY_SAFEPOINT
#  define WF_DEBUG_GC_EVERY_SAFEPOINT 0
#endif

// WEFT_GC_STRESS=N (environment variable, every build; Wren's
// WREN_DEBUG_GC_STRESS): ask for a collection every N object allocations,
// run at the allocating thread's next safe point, so a value held across
// a safe point without a root is found quickly. Read once, at the first
// allocation report (gc.c); unset or 0 is off. The check sits on the
// collector's slow path (once per WF_GC_ALLOC_CHUNK bytes), so it costs
// nothing on the allocation fast path; with it on, every allocation takes
// the slow path. Unit tests call wf_gc_set_stress. `./weft.sh test`
// runs the script tests once under WEFT_GC_STRESS (ctest label gcstress).

// WF_DEBUG_TRACE_OPS: print every executed instruction to stderr. Debug only.
#ifndef WF_DEBUG_TRACE_OPS
#  define WF_DEBUG_TRACE_OPS 0
#endif

#if defined(__GNUC__)
#  define WF_MUST_CHECK __attribute__((warn_unused_result))
#  define WF_NOINLINE __attribute__((noinline))
#  define WF_LIKELY(x) __builtin_expect(!!(x), 1)
#  define WF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define WF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#  define WF_NORETURN __attribute__((noreturn))
#  define WF_COLD __attribute__((cold))
#else
#  define WF_MUST_CHECK
#  define WF_NOINLINE
#  define WF_LIKELY(x) (x)
#  define WF_UNLIKELY(x) (x)
#  define WF_PRINTF(a, b)
#  define WF_NORETURN
#  define WF_COLD
#endif

// WF_CHECKS: 1 in builds that check contracts (WF_ASSERT, lock ranks,
// WF_ASSERT_WORLD_STOPPED; runtime/check.h): the testing core
// (WF_TESTING) and builds without NDEBUG (CMake's Debug: the sanitizer
// builds). 0 in release builds (RelWithDebInfo, the default), which carry
// none of it.
#ifndef WF_CHECKS
#  if defined(WF_TESTING) || !defined(NDEBUG)
#    define WF_CHECKS 1
#  else
#    define WF_CHECKS 0
#  endif
#endif

#endif
