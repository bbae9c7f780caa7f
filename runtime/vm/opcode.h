// runtime/vm/opcode.h -- tables derived from opcodes.def (wf_op_*).
// Everything about an opcode comes from the one list (STYLE 5.1, 5.2):
// the enum, names, operand kinds, stack effects, event class, and the
// instrumented twins, which occupy the top of the opcode space.
#ifndef WF_RUNTIME_VM_OPCODE_H
#define WF_RUNTIME_VM_OPCODE_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

// Operand kinds (second column of opcodes.def).
typedef enum wf_op_operand {
    WF_OPND_NONE,   // oparg unused (0)
    WF_OPND_IMM,    // small immediate
    WF_OPND_CONST,  // index into co_consts
    WF_OPND_LOCAL,  // index into localsplus
    WF_OPND_NAME,   // index into co_names (possibly shifted, see opcode)
    WF_OPND_JREL,   // forward jump distance in code units
    WF_OPND_JBACK,  // backward jump distance in code units
    WF_OPND_ARGC,   // argument count
    WF_OPND_BINOP,  // a wf_binop
    WF_OPND_CMP,    // a wf_cmp_op
} wf_op_operand;

// PEP 669 event class of an opcode (last column of WF_OP_EV). The monitor
// maps a class to the concrete events (e.g. START -> PY_START/PY_RESUME).
typedef enum wf_op_event {
    WF_OPEV_NONE,
    WF_OPEV_START,
    WF_OPEV_PY_RETURN,
    WF_OPEV_PY_YIELD,
    WF_OPEV_CALL,
    WF_OPEV_JUMP,
    WF_OPEV_BRANCH,
    WF_OPEV_RERAISE,
    WF_OPEV_LINE,         // INSTRUMENTED_LINE only
    WF_OPEV_INSTRUCTION,  // INSTRUMENTED_INSTRUCTION only
} wf_op_event;

typedef enum wf_opcode {
#define WF_OP(name, ...) WF_OP_##name,
#define WF_OP_EV(name, ...) WF_OP_##name,
#include "vm/opcodes.def"
    WF_OP__BASE_COUNT,
    WF_OP__TWIN_ANCHOR = WF_OP__BASE_COUNT - 1,
#define WF_OP(name, ...)
#define WF_OP_EV(name, ...) WF_OP_INSTRUMENTED_##name,
#include "vm/opcodes.def"
    WF_OP_INSTRUMENTED_LINE,         // overlays any opcode; original in side table
    WF_OP_INSTRUMENTED_INSTRUCTION,  // likewise, for INSTRUCTION events
    WF_OP__COUNT
} wf_opcode;

_Static_assert(WF_OP__COUNT <= 256, "an opcode must fit in one byte");

// ===== Oparg meanings =====
// Opcodes whose oparg names one of a few behaviours. The compiler emits
// these names and the eval loop (and monitoring, for RESUME) reads them, so
// the numbers are written once (CPython keeps its own in
// pycore_intrinsics.h and ceval.h; these match CPython 3.14's where it has
// the same operation). opcodes.def's comment column lists them too.

// CALL_INTRINSIC_1 (v -- r): which one-argument intrinsic.
typedef enum wf_op_intrinsic {
    WF_INTRINSIC_UNARY_POSITIVE = 1,       // +v
    WF_INTRINSIC_LIST_TO_TUPLE = 2,        // tuple(v) of a list (star-args, *displays)
    WF_INTRINSIC_STOPITERATION_ERROR = 3,  // PEP 479: a StopIteration leaving a
                                           // generator becomes RuntimeError
} wf_op_intrinsic;

// LOAD_SPECIAL (owner -- meth self): which special method is looked up on
// the type of owner (TypeError if it is missing).
typedef enum wf_op_special {
    WF_SPECIAL_ENTER = 0,  // __enter__
    WF_SPECIAL_EXIT = 1,   // __exit__
} wf_op_special;

// SET_FUNCTION_ATTRIBUTE (attr func -- func): which attribute attr sets.
// Bits, as CPython's MAKE_FUNCTION flags: the compiler ORs together the
// ones it pushed values for.
typedef enum wf_op_func_attr {
    WF_FUNC_DEFAULTS = 1,    // __defaults__: a tuple
    WF_FUNC_KWDEFAULTS = 2,  // __kwdefaults__: a dict
    WF_FUNC_CLOSURE = 8,     // __closure__: a tuple of cells
} wf_op_func_attr;

// LOAD_COMMON_CONSTANT ( -- c): which constant is pushed.
typedef enum wf_op_common_const {
    WF_COMMON_ASSERTION_ERROR = 0,       // AssertionError (the `assert` statement)
    WF_COMMON_NOT_IMPLEMENTED_ERROR = 1, // NotImplementedError
} wf_op_common_const;

// CONVERT_VALUE (v -- s): an f-string's conversion.
typedef enum wf_op_conversion {
    WF_CONV_STR = 1,    // !s: str(v)
    WF_CONV_REPR = 2,   // !r: repr(v)
    WF_CONV_ASCII = 3,  // !a: ascii(v)
} wf_op_conversion;

// RESUME: where the frame (re)starts; monitoring fires PY_START for
// WF_RESUME_START and PY_RESUME for anything else.
typedef enum wf_op_resume {
    WF_RESUME_START = 0,        // function, module or class body start
    WF_RESUME_AFTER_YIELD = 1,  // after a yield
} wf_op_resume;

// A code unit: opcode in the low 8 bits, oparg in the high 24.
typedef uint32_t wf_codeunit;
#define WF_OPARG_MAX 0xFFFFFFu

static inline uint8_t
wf_cu_op(wf_codeunit cu)
{
    return (uint8_t)(cu & 0xFFu);
}

static inline uint32_t
wf_cu_arg(wf_codeunit cu)
{
    return cu >> 8;
}

static inline wf_codeunit
wf_cu_make(uint8_t op, uint32_t arg)
{
    return (wf_codeunit)op | ((wf_codeunit)arg << 8);
}

static inline bool
wf_op_is_instrumented(uint8_t op)
{
    return op >= WF_OP__BASE_COUNT;
}

extern const char *const wf_op_names[WF_OP__COUNT];
extern const uint8_t wf_op_operand_kind[WF_OP__COUNT];  // wf_op_operand
extern const uint8_t wf_op_event_class[WF_OP__COUNT];   // wf_op_event
extern const uint8_t wf_op_twin[WF_OP__BASE_COUNT];     // 0: no twin
extern const uint8_t wf_op_base[WF_OP__COUNT];          // twin -> base; identity on base

// Net stack effect of [op] with [oparg] (for a jump, the fall-through
// path; FOR_ITER: +1). Exact for every base opcode.
int wf_op_stack_effect(uint8_t op, uint32_t oparg);

// True if [op] is a jump; *[target] gets the destination unit index for an
// instruction at [index].
bool wf_op_jump_target(uint8_t op, uint32_t oparg, uint32_t index,
                       uint32_t *target);

#endif
