// runtime/monitor/events.h -- PEP 669 event numbering and tool ids
// (WF_EV_*, WF_EVMASK_*, WF_TOOL_*, wf_ev_*).
// One X-macro list gives the event enum, the names and the masks, with the
// exact bit values of CPython 3.14's sys.monitoring.events (its
// Include/cpython/monitoring.h): events 0-10 are local (need bytecode
// instrumentation and may be set per code object), 11-15 are the other,
// ungrouped events (global only), 16-17 (C_RETURN, C_RAISE) ride on CALL,
// and 18 (BRANCH) is the deprecated alias of BRANCH_LEFT | BRANCH_RIGHT.
// Header only; kept even with WEFT_MONITORING=OFF so `events.*` exists.
#ifndef WF_RUNTIME_MONITOR_EVENTS_H
#define WF_RUNTIME_MONITOR_EVENTS_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

// X(name, bit): every event, in bit order. Same values as CPython 3.14.
#define WF_EVENT_LIST(X)        \
    X(PY_START, 0)              \
    X(PY_RESUME, 1)             \
    X(PY_RETURN, 2)             \
    X(PY_YIELD, 3)              \
    X(CALL, 4)                  \
    X(LINE, 5)                  \
    X(INSTRUCTION, 6)           \
    X(JUMP, 7)                  \
    X(BRANCH_LEFT, 8)           \
    X(BRANCH_RIGHT, 9)          \
    X(STOP_ITERATION, 10)       \
    X(RAISE, 11)                \
    X(EXCEPTION_HANDLED, 12)    \
    X(PY_UNWIND, 13)            \
    X(PY_THROW, 14)             \
    X(RERAISE, 15)              \
    X(C_RETURN, 16)             \
    X(C_RAISE, 17)              \
    X(BRANCH, 18)

// An event number (bit index in an event set).
typedef enum wf_event {
#define WF_EV_ENUM_(name, bit) WF_EV_##name = (bit),
    WF_EVENT_LIST(WF_EV_ENUM_)
#undef WF_EV_ENUM_
    WF_EV__COUNT = 19,
} wf_event;

// Events below this number are local: settable per code object, raised by
// instrumented instructions, and the only ones a callback may DISABLE.
#define WF_EV_LOCAL_COUNT 11
// Events below this number are stored in event sets; C_RETURN/C_RAISE are
// implied by CALL and BRANCH is expanded to BRANCH_LEFT | BRANCH_RIGHT
// (CPython's _PY_MONITORING_UNGROUPED_EVENTS).
#define WF_EV_UNGROUPED_COUNT 16

_Static_assert(WF_EV_BRANCH + 1 == WF_EV__COUNT, "event list out of sync");

// An event set: bit [ev] set for each event.
typedef uint32_t wf_evset;

#define WF_EVMASK(ev) ((wf_evset)1u << (ev))
#define WF_EVMASK_ALL ((wf_evset)((1u << WF_EV__COUNT) - 1u))
#define WF_EVMASK_LOCAL ((wf_evset)((1u << WF_EV_LOCAL_COUNT) - 1u))
#define WF_EVMASK_UNGROUPED ((wf_evset)((1u << WF_EV_UNGROUPED_COUNT) - 1u))
// C_RETURN and C_RAISE can only be set together with CALL.
#define WF_EVMASK_C_RETURN_EVENTS \
    (WF_EVMASK(WF_EV_C_RETURN) | WF_EVMASK(WF_EV_C_RAISE))
#define WF_EVMASK_C_CALL_EVENTS \
    (WF_EVMASK_C_RETURN_EVENTS | WF_EVMASK(WF_EV_CALL))
#define WF_EVMASK_BRANCH_BOTH \
    (WF_EVMASK(WF_EV_BRANCH_LEFT) | WF_EVMASK(WF_EV_BRANCH_RIGHT))

// Tool ids (PEP 669): 0-5 for users, 6 and 7 for sys.setprofile and
// sys.settrace (their bridges are clients like any other).
#define WF_TOOL_DEBUGGER 0
#define WF_TOOL_COVERAGE 1
#define WF_TOOL_PROFILER 2
#define WF_TOOL_OPTIMIZER 5
#define WF_TOOL_SYS_PROFILE 6
#define WF_TOOL_SYS_TRACE 7
#define WF_TOOL_COUNT 8
#define WF_TOOL_USER_COUNT 6  // ids a Python caller may use

// PEP 669 spelling of [ev] ("BRANCH_LEFT"), or "?" if out of range.
static inline const char *
wf_ev_name(int ev)
{
    switch (ev) {
#define WF_EV_NAME_(name, bit) \
    case (bit):                \
        return #name;
        WF_EVENT_LIST(WF_EV_NAME_)
#undef WF_EV_NAME_
    default:
        return "?";
    }
}

// True for the local events (0-10): instrumented per instruction, settable
// with set_local_events, disableable by returning DISABLE.
static inline bool
wf_ev_is_local(int ev)
{
    return ev >= 0 && ev < WF_EV_LOCAL_COUNT;
}

// True if a callback of [ev] may return DISABLE. Same as CPython 3.14:
// only local events; for the others the callback is removed and
// ValueError("Cannot disable %s events. Callback removed.") is raised.
static inline bool
wf_ev_can_disable(int ev)
{
    return wf_ev_is_local(ev);
}

#endif
