// runtime/vm/opcode.c -- tables derived from opcodes.def (wf_op_*).
// Nothing here is written by hand per opcode except stack effects that
// depend on oparg: every table is an expansion of the one list.
#include "vm/opcode.h"

const char *const wf_op_names[WF_OP__COUNT] = {
#define WF_OP(name, ...) [WF_OP_##name] = #name,
#define WF_OP_EV(name, ...) [WF_OP_##name] = #name,
#include "vm/opcodes.def"
#define WF_OP(name, ...)
#define WF_OP_EV(name, ...) [WF_OP_INSTRUMENTED_##name] = "INSTRUMENTED_" #name,
#include "vm/opcodes.def"
    [WF_OP_INSTRUMENTED_LINE] = "INSTRUMENTED_LINE",
    [WF_OP_INSTRUMENTED_INSTRUCTION] = "INSTRUMENTED_INSTRUCTION",
};

const uint8_t wf_op_operand_kind[WF_OP__COUNT] = {
#define WF_OP(name, opnd, ...) [WF_OP_##name] = WF_OPND_##opnd,
#define WF_OP_EV(name, opnd, ...) [WF_OP_##name] = WF_OPND_##opnd,
#include "vm/opcodes.def"
#define WF_OP(name, ...)
#define WF_OP_EV(name, opnd, ...) [WF_OP_INSTRUMENTED_##name] = WF_OPND_##opnd,
#include "vm/opcodes.def"
};

const uint8_t wf_op_event_class[WF_OP__COUNT] = {
#define WF_OP(name, ...)
#define WF_OP_EV(name, opnd, pops, pushes, ev, ...) [WF_OP_##name] = WF_OPEV_##ev,
#include "vm/opcodes.def"
#define WF_OP(name, ...)
#define WF_OP_EV(name, opnd, pops, pushes, ev, ...) \
    [WF_OP_INSTRUMENTED_##name] = WF_OPEV_##ev,
#include "vm/opcodes.def"
    [WF_OP_INSTRUMENTED_LINE] = WF_OPEV_LINE,
    [WF_OP_INSTRUMENTED_INSTRUCTION] = WF_OPEV_INSTRUCTION,
};

const uint8_t wf_op_twin[WF_OP__BASE_COUNT] = {
#define WF_OP(name, ...)
#define WF_OP_EV(name, ...) [WF_OP_##name] = WF_OP_INSTRUMENTED_##name,
#include "vm/opcodes.def"
};

const uint8_t wf_op_base[WF_OP__COUNT] = {
#define WF_OP(name, ...) [WF_OP_##name] = WF_OP_##name,
#define WF_OP_EV(name, ...) [WF_OP_##name] = WF_OP_##name,
#include "vm/opcodes.def"
#define WF_OP(name, ...)
#define WF_OP_EV(name, ...) [WF_OP_INSTRUMENTED_##name] = WF_OP_##name,
#include "vm/opcodes.def"
    [WF_OP_INSTRUMENTED_LINE] = WF_OP_INSTRUMENTED_LINE,
    [WF_OP_INSTRUMENTED_INSTRUCTION] = WF_OP_INSTRUMENTED_INSTRUCTION,
};

static const int8_t fixed_pops[WF_OP__BASE_COUNT] = {
#define WF_OP(name, opnd, pops, ...) [WF_OP_##name] = (pops),
#define WF_OP_EV(name, opnd, pops, ...) [WF_OP_##name] = (pops),
#include "vm/opcodes.def"
};

static const int8_t fixed_pushes[WF_OP__BASE_COUNT] = {
#define WF_OP(name, opnd, pops, pushes, ...) [WF_OP_##name] = (pushes),
#define WF_OP_EV(name, opnd, pops, pushes, ...) [WF_OP_##name] = (pushes),
#include "vm/opcodes.def"
};

int
wf_op_stack_effect(uint8_t op, uint32_t oparg)
{
    op = wf_op_base[op];
    int n = (int)oparg;
    switch (op) {
    case WF_OP_COPY: return 1;
    case WF_OP_SWAP: return 0;
    case WF_OP_LOAD_GLOBAL: return 1 + (int)(oparg & 1);
    case WF_OP_LOAD_ATTR: return (int)(oparg & 1);
    case WF_OP_BUILD_SLICE: return 1 - n;
    case WF_OP_BUILD_TUPLE:
    case WF_OP_BUILD_LIST:
    case WF_OP_BUILD_SET:
    case WF_OP_BUILD_STRING: return 1 - n;
    case WF_OP_BUILD_MAP: return 1 - 2 * n;
    case WF_OP_UNPACK_SEQUENCE: return n - 1;
    case WF_OP_CALL: return -1 - n;             // callable, self, args -> r
    case WF_OP_CALL_KW: return -2 - n;          // ... plus kwnames
    case WF_OP_CALL_FUNCTION_EX: return -2 - (int)(oparg & 1);
    case WF_OP_RAISE_VARARGS: return -n;
    case WF_OP_RERAISE: return -1 - (oparg ? 1 : 0);
    default: break;
    }
    if (op >= WF_OP__BASE_COUNT)
        return 0;
    return fixed_pushes[op] - fixed_pops[op];
}

bool
wf_op_jump_target(uint8_t op, uint32_t oparg, uint32_t index, uint32_t *target)
{
    switch (wf_op_operand_kind[op]) {
    case WF_OPND_JREL:
        *target = index + 1 + oparg;
        return true;
    case WF_OPND_JBACK:
        *target = index + 1 - oparg;
        return true;
    default:
        return false;
    }
}
