// runtime/compiler/flowgraph.h -- the compiler's control-flow graph (wf_cfg_*):
// basic blocks of instructions with source lines, the CPython 3.14
// flowgraph passes that decide where line events land (line propagation,
// duplication of exit blocks without a line, jump threading, inlining of
// small exit blocks, NOP removal, cold-block placement), exception-table
// labelling, stack depth, and the final layout into code units.
// Pure C: no runtime objects, no locks, no safe points.
#ifndef WF_RUNTIME_COMPILER_FLOWGRAPH_H
#define WF_RUNTIME_COMPILER_FLOWGRAPH_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "vm/code.h"

// Pseudo instructions (only inside the CFG; never in a code object).
enum {
    WF_PSEUDO_JUMP = 256,          // -> JUMP_FORWARD / JUMP_BACKWARD
    WF_PSEUDO_JUMP_NO_INTERRUPT,   // -> JUMP_FORWARD / JUMP_BACKWARD_NO_INTERRUPT
    WF_PSEUDO_SETUP_FINALLY,       // handler: pushes exc
    WF_PSEUDO_SETUP_CLEANUP,       // handler: pushes lasti, exc
    WF_PSEUDO_SETUP_WITH,          // handler: pops the __enter__ result, pushes lasti, exc
    WF_PSEUDO_POP_BLOCK,           // ends the innermost SETUP_* region
};

typedef struct wf_cfg_instr {
    uint16_t op;      // wf_opcode or WF_PSEUDO_*
    uint32_t arg;
    int32_t line;     // WF_NO_LINE when artificial
    int32_t target;   // block of a jump / SETUP_*, else -1
    int32_t handler;  // exception handler block (set by labelling), -1
} wf_cfg_instr;

typedef struct wf_cfg_block {
    wf_cfg_instr *instrs;
    uint32_t n, cap;
    int32_t next;          // layout successor, -1 at the end
    int32_t predecessors;
    int32_t startdepth;    // -1 until computed
    uint32_t offset;       // first code unit, at assembly
    int32_t *xstack;       // handler stack at entry (labelling only)
    uint32_t nxstack;
    bool visited, except_handler, preserve_lasti, cold, warm, xset;
} wf_cfg_block;

typedef struct wf_cfg {
    wf_cfg_block *blocks;
    uint32_t nblocks, cap;
    int32_t cur;   // block receiving instructions (always the layout tail)
    bool oom;      // an allocation failed; every later call is a no-op
} wf_cfg;

// What assembly inserts before the body (CPython's prefix instructions).
typedef struct wf_cfg_prefix {
    uint32_t nfree;            // COPY_FREE_VARS [nfree] if > 0
    const uint32_t *cells;     // MAKE_CELL for each slot, in order
    uint32_t ncells;
    bool generator;            // RETURN_GENERATOR, POP_TOP
    int32_t firstlineno;
} wf_cfg_prefix;

typedef struct wf_cfg_result {
    wf_codeunit *code;
    int32_t *lines;
    uint8_t *line_starts;
    uint32_t ncode;
    wf_exc_entry *exctable;
    uint32_t nexc;
    uint32_t stacksize;
} wf_cfg_result;

// Start an empty graph whose entry block (0) is current. Returns 0 or -1.
int wf_cfg_init(wf_cfg *g);
void wf_cfg_fini(wf_cfg *g);
// A new, unplaced block; -1 when out of memory.
int32_t wf_cfg_new_block(wf_cfg *g);
// Place block [b] at the end of the layout and make it current.
void wf_cfg_use_block(wf_cfg *g, int32_t b);
// Append an instruction to the current block (starting a new block after
// a jump or scope exit). [target] is a block for jumps and SETUP_*, else -1.
void wf_cfg_emit(wf_cfg *g, uint16_t op, uint32_t arg, int32_t target,
                 int32_t line);
// Insert an instruction at the very start of the entry block.
void wf_cfg_insert_first(wf_cfg *g, uint16_t op, uint32_t arg, int32_t line);
// True if [op] (real or pseudo) ends a block.
bool wf_cfg_is_terminator(uint16_t op);

// Optimise, lay out and encode [g] (which it consumes). Returns 0 with
// [out] filled (malloc'd arrays the caller frees or hands to a wf_code),
// -1 when out of memory, or -2 when the code does not fit the code unit
// format: an oparg (jump offset, index, count) over WF_OPARG_MAX, or an
// exception handler's stack depth over 65535. Weft has no EXTENDED_ARG;
// the caller raises OverflowError (LANGUAGE.md, deviations).
int wf_cfg_assemble(wf_cfg *g, const wf_cfg_prefix *prefix,
                    wf_cfg_result *out);
void wf_cfg_result_free(wf_cfg_result *r);

#endif
