// runtime/monitor/instrument.c -- per-code monitoring data and the bytecode
// rewrite (wf_instr_*).
// Swaps opcodes for their INSTRUMENTED_ twins, overlays line starts with
// INSTRUMENTED_LINE and every instruction with INSTRUMENTED_INSTRUCTION,
// and puts the base opcodes back exactly. Upholds ARCHITECTURE invariants
// 2, 3 and 5: opcode bytes change only inside a pause (or before a code is
// published); DISABLE is one atomic AND, its opcode restore is batched to
// the next pause; the per-instruction tools word and the side tables exist
// for every instrumented code (no single-tool special case).
#include "monitor/instrument.h"

#if WEFT_MONITORING

#include <stdlib.h>
#include <string.h>

#include "objects/error.h"
#include "fatal.h"
#include "threads/stw.h"
#include "monitor/monitor.h"

// Codes whose DISABLE left an instruction more instrumented than its lanes
// ask for, waiting for the next pause (a Treiber stack through
// wf_instr_data.pending_next).
// W: wf_instr_disable (CAS push, acq_rel) from any attached thread; the
//    pause (exchange to NULL, or unlink in wf_instr_on_code_freed).
// R: same.
static wf_atomic_ptr pending_head;

// ===== Events of an instruction =====

// The local event each tools lane of a unit holds, by base opcode:
// opcodes.def's lane columns (WF_EV_NONE there: no event), the one place
// that maps opcodes to PEP 669 events.
#define WF_EV_NONE (-1)
static const int8_t lane_events[WF_OP__BASE_COUNT][WF_INSTR_LANE_INSTRUCTION] = {
#define WF_OP(name, ...)
#define WF_OP_EV(name, opnd, pops, pushes, cls, l0, l1, l2) \
    [WF_OP_##name] = {WF_EV_##l0, WF_EV_##l1, WF_EV_##l2},
#include "vm/opcodes.def"
};
#undef WF_EV_NONE

// The local event that [lane] of a unit with base opcode [base] and
// [oparg] holds, or -1. RESUME's PY_START lane reports PY_RESUME when
// its oparg is not 0 (a resumption after a yield).
static int
lane_event(uint8_t base, uint32_t oparg, int lane)
{
    if (base >= WF_OP__BASE_COUNT || lane < 0 ||
        lane >= WF_INSTR_LANE_INSTRUCTION)
        return -1;
    int ev = lane_events[base][lane];
    if (ev == WF_EV_PY_START && oparg != 0)
        return WF_EV_PY_RESUME;
    return ev;
}

static int
lane_of(uint8_t base, uint32_t oparg, int event)
{
    if (event == WF_EV_C_RETURN || event == WF_EV_C_RAISE)
        event = WF_EV_CALL;
    if (event == WF_EV_INSTRUCTION)
        return base == WF_OP_RESUME ? WF_INSTR_NO_LANE
                                    : WF_INSTR_LANE_INSTRUCTION;
    for (int lane = 0; lane < WF_INSTR_LANE_INSTRUCTION; lane++) {
        if (lane_event(base, oparg, lane) == event)
            return lane;
    }
    return WF_INSTR_NO_LANE;
}

// Events that need bytecode: the local ones and RERAISE (it has a twin).
static bool
event_needs_bytecode(int ev)
{
    return wf_ev_is_local(ev) || ev == WF_EV_RERAISE;
}

static uint32_t
unit_oparg(const wf_code *co, uint32_t i)
{
    return wf_cu_arg(wf_atomic_load_relaxed_u32_word(&co->code[i]));
}

static uint8_t
unit_op(const wf_code *co, uint32_t i)
{
    return wf_cu_op(wf_atomic_load_relaxed_u32_word(&co->code[i]));
}

// LINE may overlay unit [i]: a precomputed line start that is not RESUME
// (function entry and resumption fire PY_START/PY_RESUME first, and never
// a LINE of their own, as CPython).
static bool
line_eligible(const wf_code *co, const wf_instr_data *d, uint32_t i)
{
    return co->line_starts != NULL && co->line_starts[i] &&
           d->base[i] != WF_OP_RESUME;
}

static uint8_t
lane_get(uint32_t w, int lane)
{
    return (uint8_t)(w >> (8 * lane));
}

static uint32_t
lane_put(uint32_t w, int lane, uint8_t v)
{
    uint32_t shift = (uint32_t)(8 * lane);
    return (w & ~(0xFFu << shift)) | ((uint32_t)v << shift);
}

int
wf_instr_event_lane(const wf_instr_data *d, const wf_code *co,
                    uint32_t index, int event)
{
    if (index >= d->ncode)
        return WF_INSTR_NO_LANE;
    return lane_of(d->base[index], unit_oparg(co, index), event);
}

// ===== Allocation =====

// False for the opcodes after which control never reaches the next unit.
static bool
falls_through(uint8_t base)
{
    switch (base) {
    case WF_OP_JUMP_FORWARD:
    case WF_OP_JUMP_BACKWARD:
    case WF_OP_JUMP_BACKWARD_NO_INTERRUPT:
    case WF_OP_RETURN_VALUE:
    case WF_OP_RERAISE:
    case WF_OP_RAISE_VARARGS:
        return false;
    default:
        return true;
    }
}

// Fill d->lflags (see WF_INSTR_LINE_*): one pass over the fall-through
// edges, one over the jumps, one over the handler entries. The predecessor
// summary is kept in the mode bits while it is built: bit 0 "some
// predecessor fires", bit 1 "some does not", bit 3 "handler entry".
static void
compute_line_flags(const wf_code *co, wf_instr_data *d)
{
    enum { FIRES = 1, QUIET = 2, HANDLER = 8 };
    uint32_t n = d->ncode;
    uint8_t *acc = d->lflags;
    for (uint32_t b = 1; b < n; b++) {
        if (falls_through(d->base[b - 1]))
            acc[b] |= wf_instr_pred_fires(co, d, b - 1, b) ? FIRES : QUIET;
    }
    for (uint32_t j = 0; j < n; j++) {
        uint32_t t;
        if (wf_op_jump_target(d->base[j], unit_oparg(co, j), j, &t) && t < n)
            acc[t] |= wf_instr_pred_fires(co, d, j, t) ? FIRES : QUIET;
    }
    for (uint32_t k = 0; k < co->nexc; k++) {
        if (co->exctable[k].target < n)
            acc[co->exctable[k].target] |= HANDLER;
    }
    for (uint32_t b = 0; b < n; b++) {
        uint8_t a = acc[b], mode;
        if ((a & HANDLER) || (a & (FIRES | QUIET)) == (FIRES | QUIET))
            mode = WF_INSTR_LINE_DEPENDS;
        else if (a & QUIET)
            mode = WF_INSTR_LINE_NEVER;
        else
            mode = WF_INSTR_LINE_ALWAYS;  // every predecessor fires, or none
        acc[b] = line_eligible(co, d, b) ? mode : WF_INSTR_LINE_NEVER;
    }
    for (uint32_t j = 0; j < n; j++) {
        uint32_t t;
        if (wf_op_twin[d->base[j]] != 0 &&
            wf_op_jump_target(d->base[j], unit_oparg(co, j), j, &t) &&
            t < n && (acc[t] & WF_INSTR_LINE_MODE_MASK) == WF_INSTR_LINE_DEPENDS)
            acc[j] |= WF_INSTR_LINE_FEEDS;
    }
}

static void
data_free(wf_instr_data *d)
{
    if (d == NULL)
        return;
    wf_mem_free(d->lflags);
    wf_mem_free(d->under_instr);
    wf_mem_free(d->under_line);
    wf_mem_free(d->line_tools);
    wf_mem_free(d->tools);
    wf_mem_free(d->base);
    wf_mem_free(d);
}

wf_instr_data *
wf_instr_attach(wf_thread *ts, wf_code *co)
{
    WF_ASSERT_MON_HOLDS(ts);
    wf_instr_data *d = wf_instr_data_of(co);
    if (d != NULL)
        return d;
    size_t n = co->ncode > 0 ? co->ncode : 1;  // calloc(0) may be NULL
    d = wf_mem_calloc(ts, 1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->code = co;
    d->ncode = co->ncode;
    d->base = wf_mem_calloc(ts, n, 1);
    if (d->base == NULL)
        goto fail;
    d->tools = wf_mem_calloc(ts, n, sizeof *d->tools);
    if (d->tools == NULL)
        goto fail;
    d->line_tools = wf_mem_calloc(ts, n, sizeof *d->line_tools);
    if (d->line_tools == NULL)
        goto fail;
    d->under_line = wf_mem_calloc(ts, n, 1);
    if (d->under_line == NULL)
        goto fail;
    d->under_instr = wf_mem_calloc(ts, n, 1);
    if (d->under_instr == NULL)
        goto fail;
    d->lflags = wf_mem_calloc(ts, n, 1);
    if (d->lflags == NULL)
        goto fail;
    for (uint32_t i = 0; i < co->ncode; i++) {
        // Without data nothing can have instrumented this code, so every
        // byte is a base opcode. wf_op_base keeps us safe regardless.
        uint8_t op = unit_op(co, i);
        if (op >= WF_OP__COUNT || wf_op_is_instrumented(op)) {
            wf_err_format(ts, &wf_exc_RuntimeError,
                          "code unit %u has opcode %u before any "
                          "instrumentation", (unsigned)i, (unsigned)op);
            goto fail;
        }
        d->base[i] = op;
        d->under_line[i] = op;
        d->under_instr[i] = op;
    }
    compute_line_flags(co, d);
    d->version.v = 0;  // not yet published
    // Pairs with the acquire load in wf_instr_data_of.
    wf_atomic_store_release_ptr(&co->monitoring, d);
    return d;
fail:
    data_free(d);
    return NULL;
}

// ===== Rewrite =====

bool
wf_instr_active_needs_data(const uint8_t *active)
{
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if (active[e] != 0 && event_needs_bytecode(e))
            return true;
    }
    return false;
}

bool
wf_instr_needs_rewrite(const wf_code *co, const uint8_t *active,
                       bool restart)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL)
        return wf_instr_active_needs_data(active);
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if (!event_needs_bytecode(e))
            continue;
        if (d->active[e] != active[e])
            return true;
        // A restart re-adds what DISABLE removed: any active local event
        // may have lost bits.
        if (restart && active[e] != 0 && wf_ev_is_local(e))
            return true;
    }
    return false;
}

// The opcode bytes unit [i] should have for its current lanes: the inner
// opcode (base or twin), the opcode under INSTRUCTION, and the top byte.
typedef struct unit_layers {
    uint8_t inner, under_instr, top;
} unit_layers;

static unit_layers
layers_for(const wf_code *co, const wf_instr_data *d, uint32_t i,
           uint8_t reraise_tools)
{
    unit_layers L;
    uint8_t base = d->base[i];
    uint32_t w = wf_atomic_load_relaxed_u32(&d->tools[i]);
    uint8_t lt = wf_atomic_load_relaxed_u8(&d->line_tools[i]);
    L.inner = base;
    if (wf_op_twin[base] != 0) {
        bool want = wf_op_event_class[base] == WF_OPEV_RERAISE
                        ? reraise_tools != 0
                        : (w & 0x00FFFFFFu) != 0;
        uint32_t t;
        // A jump into a DEPENDS line start that has LINE tools runs as its
        // twin, which records the jump for that line's event.
        if (!want && (d->lflags[i] & WF_INSTR_LINE_FEEDS) &&
            wf_op_jump_target(base, unit_oparg(co, i), i, &t) &&
            t < d->ncode &&
            wf_atomic_load_relaxed_u8(&d->line_tools[t]) != 0)
            want = true;
        if (want)
            L.inner = wf_op_twin[base];
    }
    L.under_instr = (lt != 0 && line_eligible(co, d, i))
                        ? (uint8_t)WF_OP_INSTRUMENTED_LINE
                        : L.inner;
    L.top = lane_get(w, WF_INSTR_LANE_INSTRUCTION) != 0
                ? (uint8_t)WF_OP_INSTRUMENTED_INSTRUCTION
                : L.under_instr;
    return L;
}

// Set unit [i]'s bytes from its lanes. World stopped (or code
// unpublished): the side tables first, then the opcode, one whole-unit
// store that keeps the oparg.
static void
apply_unit(wf_code *co, wf_instr_data *d, uint32_t i, uint8_t reraise_tools)
{
    unit_layers L = layers_for(co, d, i, reraise_tools);
    d->under_line[i] = L.inner;
    d->under_instr[i] = L.under_instr;
    wf_codeunit cu = wf_atomic_load_relaxed_u32_word(&co->code[i]);
    if (wf_cu_op(cu) != L.top)
        wf_atomic_store_relaxed_u32_word(&co->code[i],
                                    wf_cu_make(L.top, wf_cu_arg(cu)));
}

void
wf_instr_rewrite(wf_code *co, const uint8_t *active, bool restart,
                 uint64_t version)
{
    wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL) {
        if (WF_UNLIKELY(wf_instr_active_needs_data(active))) {
            wf_fatal("rewrite of %s without monitoring data",
                     wf_str_cstr(co->name));
        }
        return;
    }
    uint8_t removed[WF_EV_UNGROUPED_COUNT], added[WF_EV_UNGROUPED_COUNT];
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if ((active[e] & (active[e] - 1)) != 0)
            d->multitool = true;
        removed[e] = (uint8_t)(d->active[e] & ~active[e]);
        added[e] = restart ? active[e] : (uint8_t)(active[e] & ~d->active[e]);
    }
    for (uint32_t i = 0; i < d->ncode; i++) {
        uint8_t base = d->base[i];
        uint32_t arg = unit_oparg(co, i);
        uint32_t w = wf_atomic_load_relaxed_u32(&d->tools[i]);
        for (int lane = 0; lane < WF_INSTR_LANE_INSTRUCTION; lane++) {
            int ev = lane_event(base, arg, lane);
            if (ev < 0)
                continue;
            uint8_t b = lane_get(w, lane);
            w = lane_put(w, lane, (uint8_t)((b & ~removed[ev]) | added[ev]));
        }
        if (base != WF_OP_RESUME) {
            int ev = WF_EV_INSTRUCTION;
            uint8_t b = lane_get(w, WF_INSTR_LANE_INSTRUCTION);
            w = lane_put(w, WF_INSTR_LANE_INSTRUCTION,
                         (uint8_t)((b & ~removed[ev]) | added[ev]));
        }
        wf_atomic_store_relaxed_u32(&d->tools[i], w);
        if (line_eligible(co, d, i)) {
            uint8_t lt = wf_atomic_load_relaxed_u8(&d->line_tools[i]);
            lt = (uint8_t)((lt & ~removed[WF_EV_LINE]) | added[WF_EV_LINE]);
            wf_atomic_store_relaxed_u8(&d->line_tools[i], lt);
        }
    }
    // Second pass: a jump's bytes depend on its target's line tools.
    for (uint32_t i = 0; i < d->ncode; i++)
        apply_unit(co, d, i, active[WF_EV_RERAISE]);
    memcpy(d->active, active, sizeof d->active);
    wf_atomic_store_relaxed_u64(&d->version, version);
}

// ===== DISABLE and its batched restore =====

// Queue [d] for the batched restore and ask the calling thread's next safe
// point for a restore pause (WF_BRK_INSTR, rate-limited there:
// wf_mon_restore_disabled). The bit is set even when [d] is already
// queued, so every thread that disables keeps asking until the restore
// happens. Runs once per (unit, layer) that loses its last tool: off the
// hot path.
static void
mark_pending(wf_instr_data *d)
{
    if (wf_atomic_exchange_acq_rel_u32(&d->pending, 1) == 0) {
        void *head = wf_atomic_load_acquire_ptr(&pending_head);
        do {
            d->pending_next = head;
        } while (!wf_atomic_cas_acq_rel_ptr(&pending_head, &head, d));
    }
    wf_thread *ts = wf_thread_current();
    if (ts != NULL)
        wf_atomic_or_relaxed_u32(&ts->eval_breaker, WF_BRK_INSTR);
}

bool
wf_instr_has_pending(void)
{
    return wf_atomic_load_acquire_ptr(&pending_head) != NULL;
}

void
wf_instr_disable(wf_code *co, uint32_t index, int tool, int event)
{
    if (!wf_ev_can_disable(event) || tool < 0 || tool >= WF_TOOL_COUNT)
        return;
    wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL || index >= d->ncode)
        return;
    uint8_t bit = (uint8_t)(1u << tool);
    if (event == WF_EV_LINE) {
        uint8_t old = wf_atomic_and_relaxed_u8(&d->line_tools[index],
                                               (uint8_t)~bit);
        if ((old & bit) != 0 && (old & ~bit) == 0)
            mark_pending(d);
        return;
    }
    int lane = lane_of(d->base[index], unit_oparg(co, index), event);
    if (lane == WF_INSTR_NO_LANE)
        return;
    uint32_t mask = (uint32_t)bit << (8 * lane);
    uint32_t old = wf_atomic_and_relaxed_u32(&d->tools[index], ~mask);
    if ((old & mask) == 0)
        return;
    uint32_t now = old & ~mask;
    bool layer_empty = lane == WF_INSTR_LANE_INSTRUCTION
                           ? lane_get(now, WF_INSTR_LANE_INSTRUCTION) == 0
                           : (now & 0x00FFFFFFu) == 0;
    if (layer_empty)
        mark_pending(d);
}

void
wf_instr_flush_pending(void)
{
    WF_ASSERT_WORLD_STOPPED();  // pending list, bytecode
    void *head = wf_atomic_load_acquire_ptr(&pending_head);
    while (!wf_atomic_cas_acq_rel_ptr(&pending_head, &head, NULL))
        ;
    wf_instr_data *d = head;
    while (d != NULL) {
        wf_instr_data *next = d->pending_next;
        d->pending_next = NULL;
        wf_atomic_store_release_u32(&d->pending, 0);
        for (uint32_t i = 0; i < d->ncode; i++)
            apply_unit(d->code, d, i, d->active[WF_EV_RERAISE]);
        d = next;
    }
}

// Unlink [d] from the pending list. World stopped.
static void
pending_unlink(wf_instr_data *d)
{
    // World stopped: the head is read and written plainly here.
    void **link = &pending_head.v;
    while (*link != NULL) {
        wf_instr_data *cur = *link;
        if (cur == d) {
            *link = cur->pending_next;
            return;
        }
        link = &cur->pending_next;
    }
}

// ===== Event path =====

uint8_t
wf_instr_tools_at(const wf_code *co, uint32_t index, int event)
{
    if (event < 0 || event >= WF_EV__COUNT || event == WF_EV_BRANCH)
        return 0;
    if (event >= WF_EV_LOCAL_COUNT && event < WF_EV_UNGROUPED_COUNT)
        return wf_mon_global_tools(event);
    const wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL || index >= d->ncode)
        return 0;
    if (event == WF_EV_LINE) {
        return line_eligible(co, d, index)
                   ? wf_atomic_load_relaxed_u8(&d->line_tools[index])
                   : 0;
    }
    int lane = lane_of(d->base[index], unit_oparg(co, index), event);
    if (lane == WF_INSTR_NO_LANE)
        return 0;
    return lane_get(wf_atomic_load_relaxed_u32(&d->tools[index]), lane);
}

uint8_t
wf_instr_original_opcode(const wf_code *co, uint32_t index, bool line)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    if (WF_UNLIKELY(d == NULL || index >= d->ncode)) {
        wf_fatal("%s at unit %u of %s with no monitoring data",
                 line ? "INSTRUMENTED_LINE" : "INSTRUMENTED_INSTRUCTION",
                 (unsigned)index, wf_str_cstr(co->name));
    }
    return line ? d->under_line[index] : d->under_instr[index];
}

uint8_t
wf_instr_inner_opcode(const wf_code *co, uint32_t index)
{
    uint8_t op = unit_op(co, index);
    const wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL || index >= d->ncode)
        return op;
    if (op == WF_OP_INSTRUMENTED_INSTRUCTION)
        op = d->under_instr[index];
    if (op == WF_OP_INSTRUMENTED_LINE)
        op = d->under_line[index];
    return op;
}

bool
wf_instr_line_fires(const wf_code *co, uint32_t index, uint32_t prev)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    return d != NULL && wf_instr_line_fires_in(co, d, index, prev);
}

// ===== Validation =====

static const char *
op_name(uint8_t op)
{
    return op < WF_OP__COUNT ? wf_op_names[op] : "<bad>";
}

void
wf_instr_dump(const wf_code *co, FILE *out)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    fprintf(out, "instrumentation of %s (%u units)\n",
            co->name != WF_NULL ? wf_str_cstr(co->name) : "?",
            (unsigned)co->ncode);
    if (d == NULL) {
        fprintf(out, "  no monitoring data\n");
        for (uint32_t i = 0; i < co->ncode; i++)
            fprintf(out, "  %4u %s\n", (unsigned)i, op_name(unit_op(co, i)));
        return;
    }
    fprintf(out, "  version %llu, pending %u\n  active:",
            (unsigned long long)wf_atomic_load_relaxed_u64(&d->version),
            (unsigned)wf_atomic_load_relaxed_u32(&d->pending));
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if (d->active[e])
            fprintf(out, " %s=0x%02x", wf_ev_name(e), d->active[e]);
    }
    fprintf(out, "\n  local:");
    for (int e = 0; e < WF_EV_LOCAL_COUNT; e++) {
        if (d->local[e])
            fprintf(out, " %s=0x%02x", wf_ev_name(e), d->local[e]);
    }
    fprintf(out, "\n");
    for (uint32_t i = 0; i < d->ncode; i++) {
        uint32_t w = wf_atomic_load_relaxed_u32(&d->tools[i]);
        fprintf(out,
                "  %4u line %4d%s %-32s base %-22s under_line %-22s "
                "under_instr %-26s lanes %02x/%02x/%02x instr %02x "
                "line_tools %02x\n",
                (unsigned)i, (int)co->lines[i],
                line_eligible(co, d, i) ? "*" : " ", op_name(unit_op(co, i)),
                op_name(d->base[i]), op_name(d->under_line[i]),
                op_name(d->under_instr[i]), lane_get(w, 0), lane_get(w, 1),
                lane_get(w, 2), lane_get(w, WF_INSTR_LANE_INSTRUCTION),
                wf_atomic_load_relaxed_u8(&d->line_tools[i]));
    }
}

static void WF_NOINLINE
check_failed(const wf_code *co, uint32_t i, const char *what)
{
    fprintf(stderr, "weft: instrumentation check failed at unit %u: %s\n",
            (unsigned)i, what);
    wf_instr_dump(co, stderr);
    abort();
}

void
wf_instr_check_code(const wf_code *co)
{
    const wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL) {
        for (uint32_t i = 0; i < co->ncode; i++) {
            uint8_t op = unit_op(co, i);
            if (op >= WF_OP__COUNT || wf_op_is_instrumented(op))
                check_failed(co, i, "instrumented opcode without data");
        }
        return;
    }
    if (d->ncode != co->ncode || d->code != co)
        check_failed(co, 0, "data belongs to another code");
    uint8_t want[WF_EV_UNGROUPED_COUNT];
    wf_mon_active_for_locked(co, want);
    for (int e = 0; e < WF_EV_UNGROUPED_COUNT; e++) {
        if (event_needs_bytecode(e) && d->active[e] != want[e])
            check_failed(co, 0, "applied tools differ from global | local");
    }
    bool pending = wf_atomic_load_relaxed_u32(&d->pending) != 0;
    for (uint32_t i = 0; i < d->ncode; i++) {
        uint8_t base = d->base[i];
        uint8_t op = unit_op(co, i);
        uint32_t arg = unit_oparg(co, i);
        uint32_t w = wf_atomic_load_relaxed_u32(&d->tools[i]);
        uint8_t lt = wf_atomic_load_relaxed_u8(&d->line_tools[i]);
        if (base >= WF_OP__BASE_COUNT)
            check_failed(co, i, "base opcode is instrumented");
        if (op >= WF_OP__COUNT)
            check_failed(co, i, "opcode out of range");
        for (int lane = 0; lane < WF_INSTR_LANE_INSTRUCTION; lane++) {
            int ev = lane_event(base, arg, lane);
            uint8_t b = lane_get(w, lane);
            if (ev < 0 ? b != 0 : (b & ~d->active[ev]) != 0)
                check_failed(co, i, "lane holds a tool not active for it");
        }
        uint8_t it = lane_get(w, WF_INSTR_LANE_INSTRUCTION);
        if (base == WF_OP_RESUME ? it != 0
                                 : (it & ~d->active[WF_EV_INSTRUCTION]) != 0)
            check_failed(co, i, "INSTRUCTION tools not active");
        if (line_eligible(co, d, i) ? (lt & ~d->active[WF_EV_LINE]) != 0
                                    : lt != 0)
            check_failed(co, i, "line tools off a line start or inactive");
        unit_layers L = layers_for(co, d, i, d->active[WF_EV_RERAISE]);
        uint8_t twin = wf_op_twin[base];
        if (d->under_line[i] != base &&
            (twin == 0 || d->under_line[i] != twin))
            check_failed(co, i, "under_line is neither base nor twin");
        if (d->under_instr[i] != d->under_line[i] &&
            !(d->under_instr[i] == WF_OP_INSTRUMENTED_LINE &&
              line_eligible(co, d, i)))
            check_failed(co, i, "under_instr is not a valid layer");
        if (op != d->under_instr[i] && op != WF_OP_INSTRUMENTED_INSTRUCTION)
            check_failed(co, i, "opcode is not a valid layer");
        if (!pending) {
            if (op != L.top || d->under_line[i] != L.inner ||
                d->under_instr[i] != L.under_instr)
                check_failed(co, i, "opcode differs from what lanes ask");
        } else {
            // A DISABLE restore is pending: bytes may be more instrumented
            // than the lanes ask, never less.
            if (L.inner != base && d->under_line[i] != L.inner)
                check_failed(co, i, "missing twin");
            if (L.under_instr == WF_OP_INSTRUMENTED_LINE &&
                d->under_instr[i] != WF_OP_INSTRUMENTED_LINE)
                check_failed(co, i, "missing LINE overlay");
            if (L.top == WF_OP_INSTRUMENTED_INSTRUCTION &&
                op != WF_OP_INSTRUMENTED_INSTRUCTION)
                check_failed(co, i, "missing INSTRUCTION overlay");
        }
    }
}

// ===== Hooks =====

int
wf_instr_on_code_created(wf_thread *ts, wf_code *co)
{
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, wf_val_from_obj(co)) < 0)
        return -1;
    wf_mon_lock(ts);
    int rc = wf_mon_registry_add_locked(ts, co);
    if (rc == 0) {
        uint8_t active[WF_EV_UNGROUPED_COUNT];
        wf_mon_active_for_locked(co, active);
        if (wf_instr_active_needs_data(active)) {
            if (wf_instr_attach(ts, co) == NULL) {
                wf_mon_registry_remove(co);
                rc = -1;
            } else {
                // Not yet visible to any other thread: no pause needed.
                wf_instr_rewrite(co, active, false, wf_mon_version());
            }
        }
    }
    wf_mon_unlock(ts);
    wf_root_release(ts, mark);
    return rc;
}

void
wf_instr_on_code_freed(wf_code *co)
{
    wf_mon_registry_remove(co);
    wf_instr_data *d = wf_instr_data_of(co);
    if (d == NULL)
        return;
    if (wf_atomic_load_relaxed_u32(&d->pending) != 0)
        pending_unlink(d);
    wf_atomic_store_relaxed_ptr(&co->monitoring, NULL);
    data_free(d);
}

#endif  // WEFT_MONITORING
