// runtime/vm/code.h -- code objects (wf_code_*): instructions, line table,
// exception table, names, constants, and the slot for monitoring data.
// Created by the compiler (compile.c), run by the eval loop, rewritten by
// runtime/monitor inside pauses (ARCHITECTURE "Bytecode and the opcode
// table"). Instruction offsets seen by Python (co_lines, f_lasti,
// monitoring offsets) are 2 * unit index, as in CPython.
#ifndef WF_RUNTIME_VM_CODE_H
#define WF_RUNTIME_VM_CODE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include "objects/object.h"
#include "vm/opcode.h"

// LOAD_GLOBAL's cache of one name: runtime/objects/dict_cache.h.
typedef struct wf_dict_gcache wf_dict_gcache;

// co_flags (CPython values where they exist).
#define WF_CO_OPTIMIZED 0x0001u
#define WF_CO_NEWLOCALS 0x0002u
#define WF_CO_VARARGS 0x0004u
#define WF_CO_VARKEYWORDS 0x0008u
#define WF_CO_NESTED 0x0010u
#define WF_CO_GENERATOR 0x0020u
#define WF_CO_MODULE 0x10000u   // Weft: module body (locals are globals)
#define WF_CO_CLASS 0x20000u    // Weft: class body (locals are a dict)
// Weft: exactly three positional parameters, no others, not a generator,
// and the code starts with RESUME: a trace function the legacy bridge may
// run as a callback frame, started past that RESUME (legacy/cbframe.h).
#define WF_CO_PLAIN3 0x40000u
// Weft: no instruction reads local 0 (the first parameter) and it is not
// a cell: a trace function that cannot see its `frame` argument (the
// frame object then stays unexposed, vm/frameobj.h).
#define WF_CO_ARG0_UNREAD 0x80000u

// Kinds of localsplus slots (bit set).
#define WF_LOCAL_ARG 0x1u    // a parameter
#define WF_LOCAL_FAST 0x2u   // a plain local
#define WF_LOCAL_CELL 0x4u   // made a cell by MAKE_CELL (may also be ARG)
#define WF_LOCAL_FREE 0x8u   // copied from the closure by COPY_FREE_VARS

// One exception-table entry: an exception raised by an instruction in
// [start, end) (unit indices) pops the value stack to [depth], pushes the
// raising offset as an int if [lasti], pushes the exception and continues
// at [target]. Entries do not overlap and are sorted by start.
typedef struct wf_exc_entry {
    uint32_t start, end, target;
    uint16_t depth;
    uint16_t lasti;
} wf_exc_entry;

// Line of an instruction with no source line (CPython's None).
#define WF_NO_LINE (-1)

typedef struct wf_code {
    wf_obj ob;
    // Instructions. Rewritten in place by the monitor: W: monitoring mutex
    // + world stopped, or DISABLE's atomic opcode-byte store. R: the eval
    // loop, plain (byte stores are single-copy atomic).
    wf_codeunit *code;
    uint32_t ncode;
    // Per-unit source line (WF_NO_LINE for none) and whether the unit
    // starts a new line for LINE events (precomputed, ARCHITECTURE "Line
    // data is precomputed"). Immutable.
    int32_t *lines;
    uint8_t *line_starts;
    wf_exc_entry *exctable;
    uint32_t nexc;

    wf_value consts;            // tuple
    wf_value names;             // tuple of str: globals, attributes
    wf_value localsplusnames;   // tuple of str: locals, cells, frees
    uint8_t *localspluskinds;   // WF_LOCAL_* per slot
    uint32_t nlocalsplus;
    uint32_t nlocals;           // slots that are locals (args first)
    uint32_t ncellvars;         // slots made cells that are not args
    uint32_t nfreevars;         // the last nfreevars slots
    uint32_t argcount;          // positional parameters
    uint32_t kwonlyargcount;
    uint32_t flags;             // WF_CO_*
    uint32_t stacksize;         // max value-stack depth

    wf_value name;              // str
    wf_value qualname;          // str
    wf_value filename;          // str
    int32_t firstlineno;

    // Monitoring data (runtime/monitor), NULL until a tool instruments this
    // code. W: monitoring mutex + world stopped (release). R: acquire.
    wf_atomic_ptr monitoring;

    // LOAD_GLOBAL's inline cache, one per name (runtime/objects/dict_cache.h),
    // allocated by wf_code_publish (NULL for a code with no names).
    // The pointer: immutable once published. The words: see
    // wf_dict_gcache (relaxed atomics, each validated on use).
    wf_dict_gcache *gcache;

    // The quiet twin (wf_code_quiet): this code's bytecode with no
    // instrumentation, which the legacy bridge runs its callback frames on.
    // W: once, CAS from NULL (any thread). R: acquire; relaxed by the
    // collector in a pause.
    wf_atomic_ptr quiet;  // struct wf_code *
    // In a quiet twin: the code it is a copy of (what Python sees), else
    // NULL. Immutable.
    struct wf_code *quiet_of;
} wf_code;

// The code Python sees for [co]: itself, or the original of a quiet twin.
static inline wf_code *
wf_code_public(wf_code *co)
{
    return co->quiet_of != NULL ? co->quiet_of : co;
}

// [co]'s quiet twin, made on first use: a code object sharing everything
// of [co] but its instructions, which are [co]'s without any monitoring
// overlay or twin, and its LOAD_GLOBAL cache; never instrumented (no tool
// knows it). A frame that fires no event (a trace function run while the
// re-entrancy guard is up) may run on it instead of [co]: it pays no
// instrumented opcodes. Frame objects and tracebacks show [co]
// (wf_code_public). Without monitoring compiled in, [co] itself. Returns
// it, or NULL with MemoryError set. Caller: attached.
WF_MUST_CHECK wf_code *wf_code_quiet(wf_thread *ts, wf_code *co);

// Offset seen by Python for unit [index].
static inline int32_t
wf_code_offset(uint32_t index)
{
    return (int32_t)(2 * index);
}

// Line of the unit at [index] (WF_NO_LINE if none).
static inline int32_t
wf_code_line(const wf_code *co, uint32_t index)
{
    return index < co->ncode ? co->lines[index] : WF_NO_LINE;
}

// The exception-table entry covering unit [index], or NULL.
const wf_exc_entry *wf_code_find_handler(const wf_code *co, uint32_t index);

// co_lines(): a list of (start, end, line-or-None) tuples merging runs of
// equal lines, as CPython 3.14.
WF_MUST_CHECK wf_value wf_code_co_lines(wf_thread *ts, const wf_code *co);

// Register the code type's methods (co_lines) in its dict. Called once by
// the runtime's type initialisation, after wf_types_init. Returns 0 or -1.
// Caller: attached, during runtime start-up.
WF_MUST_CHECK int wf_code_init_type(wf_thread *ts);

// Publish a finished code object and every code in its constants (the
// compiler's last step): allocate each one's LOAD_GLOBAL cache and
// register it with the monitor, which instruments it for the events
// already set (ARCHITECTURE "Monitoring": code created after a change is
// instrumented on creation), before any other thread can see it. Caller:
// attached, [co] rooted (it may wait for the monitoring mutex detached, a
// safe point). Returns 0, or -1 with MemoryError set (drop the code then).
WF_MUST_CHECK int wf_code_publish(wf_thread *ts, wf_code *co);

// Dump the disassembly to [out] (for debugging and tests).
void wf_code_dump(const wf_code *co, FILE *out);

#endif
