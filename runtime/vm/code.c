// runtime/vm/code.c -- code objects (wf_code_*): the code type, co_* attributes,
// co_lines(), handler lookup and the disassembler.
// Owns wf_code_type. A code object is immutable after the compiler fills it
// in, except its instructions and monitoring slot, which runtime/monitor
// rewrites inside pauses (ARCHITECTURE invariant 3; see code.h).
#include "vm/code.h"

#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "objects/dict_cache.h"
#include "objects/error.h"
#include "gc.h"
#include "mem.h"
#include "monitor/instrument.h"

// ===== Type slots =====

static void
code_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_code *co = (wf_code *)self;
    visit(co->consts, ctx);
    visit(co->names, ctx);
    visit(co->localsplusnames, ctx);
    visit(co->name, ctx);
    visit(co->qualname, ctx);
    visit(co->filename, ctx);
    wf_code *quiet = wf_atomic_load_relaxed_ptr(&co->quiet);
    if (quiet != NULL)
        visit(wf_val_from_obj(quiet), ctx);
    if (co->quiet_of != NULL)
        visit(wf_val_from_obj(co->quiet_of), ctx);
}

static void
code_finalize(wf_obj *self)
{
    wf_code *co = (wf_code *)self;
    if (co->quiet_of != NULL) {
        // A quiet twin owns its instructions and cache only; no tool ever
        // knew it.
        wf_mem_free(co->code);
        wf_mem_free(co->gcache);
        co->code = NULL;
        co->gcache = NULL;
        return;
    }
    // First: the monitoring data points into the code (sweep, world
    // stopped; runtime/monitor/instrument.h).
    wf_instr_on_code_freed(co);
    // Arrays come from the compiler (flowgraph.c / compile.c: malloc,
    // which wf_mem_free accepts).
    wf_mem_free(co->code);
    wf_mem_free(co->lines);
    wf_mem_free(co->line_starts);
    wf_mem_free(co->exctable);
    wf_mem_free(co->localspluskinds);
    wf_mem_free(co->gcache);
    co->gcache = NULL;
    co->code = NULL;
    co->lines = NULL;
    co->line_starts = NULL;
    co->exctable = NULL;
    co->localspluskinds = NULL;
}

static wf_value
code_repr(wf_thread *ts, wf_value self)
{
    const wf_code *co = (const wf_code *)wf_val_as_obj(self);
    return wf_str_format(ts, "<code object %U at %p, file \"%U\", line %d>",
                         co->name, (void *)co, co->filename,
                         (int)co->firstlineno);
}

// co_varnames: the localsplus names that are locals (arguments first).
static wf_value
code_varnames(wf_thread *ts, const wf_code *co)
{
    wf_value *items = wf_tuple_items(co->localsplusnames);
    size_t n = 0;
    wf_value *buf = wf_mem_alloc(ts, (co->nlocalsplus + 1) * sizeof *buf);
    if (buf == NULL)
        return WF_NULL;
    for (uint32_t i = 0; i < co->nlocalsplus; i++)
        if (co->localspluskinds[i] & (WF_LOCAL_ARG | WF_LOCAL_FAST))
            buf[n++] = items[i];
    wf_value t = wf_tuple_from_array(ts, buf, n);
    wf_mem_free(buf);
    return t;
}

static wf_value
code_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    const wf_code *co = (const wf_code *)wf_val_as_obj(self);
    const char *n = wf_str_cstr(name);
    if (strncmp(n, "co_", 3) == 0) {
        n += 3;
        if (strcmp(n, "name") == 0)
            return co->name;
        if (strcmp(n, "qualname") == 0)
            return co->qualname;
        if (strcmp(n, "filename") == 0)
            return co->filename;
        if (strcmp(n, "firstlineno") == 0)
            return wf_val_from_int(co->firstlineno);
        if (strcmp(n, "argcount") == 0)
            return wf_val_from_int(co->argcount);
        if (strcmp(n, "kwonlyargcount") == 0)
            return wf_val_from_int(co->kwonlyargcount);
        if (strcmp(n, "posonlyargcount") == 0)
            return wf_val_from_int(0);
        if (strcmp(n, "nlocals") == 0)
            return wf_val_from_int(co->nlocals);
        if (strcmp(n, "stacksize") == 0)
            return wf_val_from_int(co->stacksize);
        if (strcmp(n, "flags") == 0)
            return wf_val_from_int(co->flags & 0xFFFFu);
        if (strcmp(n, "consts") == 0)
            return co->consts;
        if (strcmp(n, "names") == 0)
            return co->names;
        if (strcmp(n, "varnames") == 0)
            return code_varnames(ts, co);
    }
    return wf_obj_generic_getattr(ts, self, name);
}

wf_type wf_code_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "code",
    .basic_size = sizeof(wf_code),
    .traverse = code_traverse,
    .finalize = code_finalize,
    .repr = code_repr,
    .getattr = code_getattr,
};

// ===== The quiet twin =====

wf_code *
wf_code_quiet(wf_thread *ts, wf_code *co)
{
#if WEFT_MONITORING
    wf_code *q = wf_atomic_load_acquire_ptr(&co->quiet);
    if (q != NULL)
        return q;
    q = (wf_code *)wf_gc_alloc(ts, &wf_code_type, sizeof(wf_code));
    if (q == NULL)
        return NULL;
    // Everything but the header, then what the twin owns.
    memcpy((char *)q + sizeof(wf_obj), (const char *)co + sizeof(wf_obj),
           sizeof(wf_code) - sizeof(wf_obj));
    wf_atomic_store_relaxed_ptr(&q->monitoring, NULL);
    wf_atomic_store_relaxed_ptr(&q->quiet, NULL);
    q->quiet_of = co;
    q->gcache = NULL;
    q->code = wf_mem_alloc(ts, (size_t)co->ncode * sizeof(wf_codeunit) + 1);
    if (q->code == NULL) {
        q->ncode = 0;
        return NULL;
    }
    // The opargs never change; the opcodes come from the uninstrumented
    // copy the monitoring data keeps (or are uninstrumented already).
    const wf_instr_data *d = wf_instr_data_of(co);
    for (uint32_t i = 0; i < co->ncode; i++) {
        wf_codeunit cu = co->code[i];
        uint8_t op = d != NULL && i < d->ncode ? d->base[i] : wf_cu_op(cu);
        q->code[i] = wf_cu_make(op, wf_cu_arg(cu));
    }
    size_t nnames = wf_tuple_len(co->names);
    if (nnames > 0) {
        q->gcache = wf_mem_calloc(ts, nnames, sizeof(wf_dict_gcache));
        if (q->gcache == NULL)
            return NULL;
    }
    void *expected = NULL;
    if (!wf_atomic_cas_acq_rel_ptr(&co->quiet, &expected, q))
        return (wf_code *)expected;  // another thread's won; ours is garbage
    return q;
#else
    (void)ts;
    return co;
#endif
}

// ===== Publishing =====

int
wf_code_publish(wf_thread *ts, wf_code *co)
{
    size_t nnames = wf_tuple_len(co->names);
    if (co->gcache == NULL && nnames > 0) {
        // Zeroed: a valid, empty cache (dict_cache.h).
        co->gcache = wf_mem_calloc(ts, nnames, sizeof(wf_dict_gcache));
        if (co->gcache == NULL)
            return -1;
    }
    if (wf_instr_on_code_created(ts, co) < 0)
        return -1;
    size_t n = wf_tuple_len(co->consts);
    for (size_t i = 0; i < n; i++) {
        wf_value c = wf_tuple_items(co->consts)[i];
        if (wf_val_is(c, &wf_code_type) &&
            wf_code_publish(ts, (wf_code *)wf_val_as_obj(c)) < 0)
            return -1;
    }
    return 0;
}

// ===== co_lines =====

wf_value
wf_code_co_lines(wf_thread *ts, const wf_code *co)
{
    wf_value list = wf_list_new(ts, 0);
    if (list == WF_NULL)
        return WF_NULL;
    uint32_t i = 0;
    while (i < co->ncode) {
        int32_t line = co->lines[i];
        uint32_t j = i + 1;
        while (j < co->ncode && co->lines[j] == line)
            j++;
        wf_value l = line == WF_NO_LINE ? WF_NONE : wf_val_from_int(line);
        wf_value t = wf_tuple_pack(ts, 3, wf_val_from_int(wf_code_offset(i)),
                                   wf_val_from_int(wf_code_offset(j)), l);
        if (t == WF_NULL || wf_list_append(ts, list, t) < 0)
            return WF_NULL;
        i = j;
    }
    return list;
}

// code.co_lines(): CPython returns an iterator; a list iterates the same.
static wf_value
code_co_lines_m(wf_thread *ts, const wf_value *args, size_t nargs,
                wf_value kwnames)
{
    if (wf_arg_check(ts, "co_lines", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    if (!wf_val_is(args[0], &wf_code_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "descriptor 'co_lines' requires a 'code' object");
    wf_value l = wf_code_co_lines(ts, (const wf_code *)wf_val_as_obj(args[0]));
    if (l == WF_NULL)
        return WF_NULL;
    return wf_obj_getiter(ts, l);
}

int
wf_code_init_type(wf_thread *ts)
{
    return wf_type_add_method(ts, &wf_code_type, "co_lines", code_co_lines_m);
}

// ===== Exception table =====

const wf_exc_entry *
wf_code_find_handler(const wf_code *co, uint32_t index)
{
    uint32_t lo = 0, hi = co->nexc;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const wf_exc_entry *e = &co->exctable[mid];
        if (index < e->start)
            hi = mid;
        else if (index >= e->end)
            lo = mid + 1;
        else
            return e;
    }
    return NULL;
}

// ===== Disassembly =====

void
wf_code_dump(const wf_code *co, FILE *out)
{
    fprintf(out, "code %s (line %d, stack %u, %u locals+)\n",
            co->qualname ? wf_str_cstr(co->qualname) : "?",
            (int)co->firstlineno, (unsigned)co->stacksize,
            (unsigned)co->nlocalsplus);
    for (uint32_t i = 0; i < co->ncode; i++) {
        uint8_t op = wf_cu_op(co->code[i]);
        uint32_t arg = wf_cu_arg(co->code[i]);
        char line[16] = "-";
        if (co->lines[i] != WF_NO_LINE)
            snprintf(line, sizeof line, "%d", (int)co->lines[i]);
        fprintf(out, "%c%4s %4u %-28s %u",
                co->line_starts[i] == 1   ? '>'
                : co->line_starts[i] == 2 ? '*'
                                          : ' ',
                line, (unsigned)i, wf_op_names[op], (unsigned)arg);
        uint32_t target;
        if (wf_op_jump_target(op, arg, i, &target))
            fprintf(out, " (to %u)", (unsigned)target);
        fputc('\n', out);
    }
    for (uint32_t k = 0; k < co->nexc; k++) {
        const wf_exc_entry *e = &co->exctable[k];
        fprintf(out, "  exc [%u, %u) -> %u depth %u%s\n", (unsigned)e->start,
                (unsigned)e->end, (unsigned)e->target, (unsigned)e->depth,
                e->lasti ? " lasti" : "");
    }
}
