// runtime/vm/frame.c -- execution frames on the per-thread data stack and the
// Python-visible frame objects (wf_frame_*, wf_frame_type).
// Owns each thread's data-stack region (one reserved mmap, committed by the
// kernel on touch) and the frame-object snapshot taken when a frame exits.
// Upholds the safe-point rule of ARCHITECTURE "Memory": the collector sees
// exactly the values below each frame's saved sp.
#include "vm/frame.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "objects/error.h"
#include "objects/func.h"
#include "gc.h"
#include "objects/gen.h"
#include "vm/frameobj.h"
#include "legacy/legacy.h"
#include "legacy/lineno.h"
#include "threads/stw.h"

// Bytes reserved per thread for frames. The region is MAP_NORESERVE: only
// touched pages cost memory. 64 MiB holds ~500k small frames, far beyond
// any sane recursion limit; past it RecursionError, never a crash.
#define DATA_STACK_BYTES ((size_t)64 << 20)

// ===== Data stack =====

int
wf_frame_thread_init(wf_thread *ts)
{
    if (ts->stack_base != NULL)
        return 0;
    void *p = mmap(NULL, DATA_STACK_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    ts->stack_base = p;
    ts->stack_top = p;
    ts->stack_limit = (wf_value *)((char *)p + DATA_STACK_BYTES);
    return 0;
}

// The data stack of a thread Weft did not start (the main thread, an
// embedder's), mapped at its first frame: MemoryError if that fails.
static int
ensure_data_stack(wf_thread *ts)
{
    if (wf_frame_thread_init(ts) < 0) {
        wf_err_no_memory(ts);
        return -1;
    }
    return 0;
}

void
wf_frame_thread_fini(wf_thread *ts)
{
    if (ts->stack_base != NULL)
        munmap(ts->stack_base, DATA_STACK_BYTES);
    ts->stack_base = ts->stack_top = ts->stack_limit = NULL;
    free(ts->cb_frame);
    ts->cb_frame = NULL;
    ts->cb_frame_words = 0;
}

wf_frame *
wf_frame_push_slow(wf_thread *ts, wf_code *co, wf_value func,
                   wf_value globals, wf_value builtins, wf_value locals)
{
    int32_t limit = wf_thread_recursion_limit(ts);
    if (limit <= 0)
        limit = 1000;
    if (ts->recursion_depth >= limit) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        return NULL;
    }
    if (ts->stack_base == NULL && ensure_data_stack(ts) < 0)
        return NULL;
    size_t words = wf_frame_words(co);
    if ((size_t)(ts->stack_limit - ts->stack_top) < words) {
        wf_err_format(ts, &wf_exc_RecursionError,
                      "maximum recursion depth exceeded");
        return NULL;
    }
    wf_frame *f = (wf_frame *)ts->stack_top;
    ts->stack_top += words;
    ts->recursion_depth++;
    return wf_frame_init_at(f, words, co, func, globals, builtins, locals);
}

// ===== Lines, locals, visiting =====

int32_t
wf_frame_lineno(const wf_frame *f)
{
    const wf_code *co = f->code;
    if (f->instr <= co->code)
        return co->firstlineno;
    int32_t line = wf_code_line(co, wf_frame_lasti_index(f));
    return line == WF_NO_LINE ? co->firstlineno : line;
}

wf_value
wf_frame_locals_snapshot(wf_thread *ts, wf_frame *f)
{
    if (f->locals != WF_NULL)
        return f->locals;
    wf_value d = wf_dict_new(ts);
    if (d == WF_NULL)
        return WF_NULL;
    const wf_code *co = f->code;
    if (wf_frame_state(f) == WF_FRAME_COMPLETED)
        return d;
    wf_value *names = wf_tuple_items(co->localsplusnames);
    for (uint32_t i = 0; i < co->nlocalsplus; i++) {
        wf_value v = f->localsplus[i];
        if (v != WF_NULL && wf_val_is(v, &wf_cell_type) &&
            (co->localspluskinds[i] & (WF_LOCAL_CELL | WF_LOCAL_FREE)))
            v = ((wf_cell *)wf_val_as_obj(v))->ref;
        if (v == WF_NULL)
            continue;
        if (wf_dict_set(ts, d, names[i], v) < 0)
            return WF_NULL;
    }
    return d;
}

void
wf_frame_visit(wf_frame *f, wf_visit_fn visit, void *ctx)
{
    visit(wf_val_from_obj(f->code), ctx);
    visit(f->func, ctx);
    visit(f->globals, ctx);
    visit(f->builtins, ctx);
    visit(f->locals, ctx);
    visit(f->frameobj, ctx);
    if (wf_frame_state(f) == WF_FRAME_COMPLETED)
        return;
    for (wf_value *p = f->localsplus; p < f->sp; p++)
        visit(*p, ctx);
}

void
wf_frame_visit_thread(wf_thread *ts, wf_visit_fn visit, void *ctx)
{
    // The resident callback frame's function, also between events: its
    // header stays ready for it (legacy/cbframe.h), so it must not die and
    // its address be reused by another function.
    if (ts->cb_frame != NULL)
        visit(ts->cb_frame->func, ctx);
    for (wf_frame *f = ts->frame; f != NULL; f = f->previous) {
        wf_frame_visit(f, visit, ctx);
        if (f->gen != NULL)
            visit(wf_val_from_obj(f->gen), ctx);
    }
}

// ===== Frame objects =====

// The line of completed frame object [fo], as wf_frame_lineno was for its
// frame: from the snapshot lasti.
static int32_t
completed_lineno(const wf_frameobj *fo)
{
    const wf_code *co = (const wf_code *)wf_val_as_obj(fo->code);
    if (fo->lasti < 0)
        return co->firstlineno;
    int32_t line = wf_code_line(co, (uint32_t)fo->lasti / 2);  // wf_code_offset
    return line == WF_NO_LINE ? co->firstlineno : line;
}

// The one pool of dead frame objects: one that dies unexposed with its
// thread-owned frame (nothing else can hold it), and one the collector
// finds dead on a thread's allocation list (frameobj_reclaim), stays where
// it is on that list, flagged WF_GC_KEPT so that the sweeper leaves it,
// and becomes that thread's next frame object: a traced call then neither
// allocates nor leaves garbage for the collector. At most KEPT_MAX are
// kept: about 9 MiB, a little more than one minimum collection cycle
// (GC_MIN_THRESHOLD) of a traced run frees, so a steady traced run reuses
// every frame object (ARCHITECTURE "Collector"); the rest are freed. The
// thread's pool is handed back at its exit (wf_frame_release_kept). Off
// with WF_GC_REUSE (AddressSanitizer).
#define KEPT_MAX 61440u

static bool
keep_dead(wf_thread *ts, wf_frameobj *fo)
{
    if (!WF_GC_REUSE || ts->nkept_frames >= KEPT_MAX)
        return false;
    fo->ob.gc_bits |= WF_GC_KEPT;
    fo->kept_next = ts->kept_frames;
    ts->kept_frames = fo;
    ts->nkept_frames++;
    return true;
}

// The type's reclaim slot (object.h): the sweeper, world stopped, found
// [o] dead on [owner]'s list.
static bool
frameobj_reclaim(wf_obj *o, wf_thread *owner)
{
    return keep_dead(owner, (wf_frameobj *)o);
}

void
wf_frame_release_kept(wf_thread *ts)
{
    for (wf_frameobj *fo = ts->kept_frames; fo != NULL; fo = fo->kept_next)
        fo->ob.gc_bits &= ~WF_GC_KEPT;  // garbage for the next collection
    ts->kept_frames = NULL;
    ts->nkept_frames = 0;
}

static wf_value
frameobj_new(wf_thread *ts, wf_frame *f)
{
    // Every field is written below (snap_inline is read only up to nsnap).
    wf_frameobj *fo = ts->kept_frames;
    if (fo != NULL) {
        ts->kept_frames = fo->kept_next;
        ts->nkept_frames--;
        fo->ob.gc_bits &= ~WF_GC_KEPT;
    } else {
        fo = (wf_frameobj *)wf_gc_alloc_uninit(ts, &wf_frame_type,
                                               sizeof(wf_frameobj));
        if (fo == NULL)
            return WF_NULL;
    }
    // Not yet seen by any other thread: plain stores (.v).
    fo->frame.v = f;
    fo->gen = f->gen != NULL ? wf_val_from_obj(f->gen) : WF_NULL;
    fo->code = wf_val_from_obj(wf_code_public(f->code));
    fo->globals = f->globals;
    fo->back = WF_NULL;
    fo->locals.v = WF_NULL;
    fo->snap = WF_NULL;
    fo->nsnap = 0;
    fo->lasti = -1;
    fo->trace.v = WF_NONE;
    fo->line_now = 0;
    fo->raise_line = 0;
    fo->trace_lines.v = true;
    fo->trace_opcodes.v = false;
    fo->exposed = false;
    return wf_val_from_obj(fo);
}

wf_value
wf_frame_get_object_hidden(wf_thread *ts, wf_frame *f)
{
    if (f->frameobj == WF_NULL)
        f->frameobj = frameobj_new(ts, f);
    return f->frameobj;
}

wf_value
wf_frame_get_object(wf_thread *ts, wf_frame *f)
{
    wf_value v = wf_frame_get_object_hidden(ts, f);
    if (v == WF_NULL)
        return WF_NULL;
    wf_frameobj_expose((wf_frameobj *)wf_val_as_obj(v));
    // A trace function's frame (legacy callback frame) holds the traced
    // frame's object as its first argument: whoever can see this frame can
    // reach that object through f_locals.
    if (f->is_entry == WF_FRAME_CALLBACK && f->code->nlocalsplus > 0 &&
        wf_val_is(f->localsplus[0], &wf_frame_type))
        wf_frameobj_expose((wf_frameobj *)wf_val_as_obj(f->localsplus[0]));
    return v;
}

// wf_frame_detach_object for an exposed [fo]: the snapshot. Out of line,
// so that the unexposed case saves no registers.
WF_NOINLINE static void
detach_exposed(wf_thread *ts, wf_frame *f, wf_frameobj *fo)
{
    // The line is derived from lasti when asked (completed_lineno).
    fo->lasti = f->instr > f->code->code
                    ? wf_code_offset(wf_frame_lasti_index(f))
                    : -1;
    // As CPython (frame take_ownership): the caller's frame object becomes
    // f_back, so the chain stays walkable after both frames are gone.
    if (f->previous != NULL) {
        // Out of memory leaves no f_back, and must not clear the exception
        // in flight (the frame may be popped while one propagates).
        wf_value saved = wf_err_fetch(ts);
        fo->back = wf_frame_get_object(ts, f->previous);
        if (fo->back == WF_NULL)
            wf_err_clear(ts);
        wf_err_restore(ts, saved);
    }
    if (f->locals != WF_NULL) {
        fo->locals.v = f->locals;  // before the release of [frame] below
    } else {
        // A flat copy now, the dict only if f_locals is asked for
        // (frameobj_snap_locals).
        const wf_code *co = f->code;
        uint32_t n = co->nlocalsplus;
        wf_value *items = fo->snap_inline;
        bool ok = true;
        if (n > WF_FRAMEOBJ_SNAP_INLINE) {
            wf_value saved = wf_err_fetch(ts);  // exception in flight survives
            wf_value t = wf_tuple_new(ts, n);
            if (t == WF_NULL) {
                wf_err_clear(ts);
                ok = false;
            } else {
                fo->snap = t;
                items = wf_tuple_items(t);
            }
            wf_err_restore(ts, saved);
        }
        if (ok) {
            bool done = wf_frame_state(f) == WF_FRAME_COMPLETED;  // locals gone
            for (uint32_t i = 0; i < n; i++) {
                wf_value v = done ? WF_NULL : f->localsplus[i];
                if (v != WF_NULL &&
                    (co->localspluskinds[i] & (WF_LOCAL_CELL | WF_LOCAL_FREE)) &&
                    wf_val_is(v, &wf_cell_type))
                    v = ((wf_cell *)wf_val_as_obj(v))->ref;
                items[i] = v;
            }
            fo->nsnap = n;
        }
    }
    fo->gen = WF_NULL;
    // Release: a thread that loads NULL with acquire (wf_frameobj_frame)
    // sees the whole snapshot above.
    wf_atomic_store_release_ptr(&fo->frame, NULL);
}

wf_value
wf_frame_traceback_object(wf_thread *ts, wf_frame *f)
{
    if (f->frameobj == WF_NULL) {
        // Made now (CPython's tracebacks always have tb_frame), keeping the
        // exception in flight: out of memory leaves the entry without one.
        wf_value exc = wf_err_fetch(ts);
        wf_value v = wf_frame_get_object(ts, f);
        if (v == WF_NULL)
            wf_err_clear(ts);
        wf_err_restore(ts, exc);
        return v == WF_NULL ? WF_NONE : v;
    }
    wf_frameobj_expose(wf_frameobj_of(f));  // the traceback holds it
    return f->frameobj;
}

void
wf_frame_detach_object(wf_thread *ts, wf_frame *f)
{
    if (f->frameobj == WF_NULL)
        return;
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(f->frameobj);
    if (wf_atomic_load_relaxed_ptr(&fo->frame) != f)  // we are its writer
        return;
    if (fo->exposed) {
        detach_exposed(ts, f, fo);
        return;
    }
    // Nothing but [f] holds it: it dies with the frame, unread.
    wf_atomic_store_relaxed_ptr(&fo->frame, NULL);
    fo->gen = WF_NULL;
    if (f->owner == WF_FRAME_OWNED_BY_THREAD) {
        f->frameobj = WF_NULL;
        keep_dead(ts, fo);
    }
}

static void
frameobj_traverse(wf_obj *self, wf_visit_fn visit, void *ctx)
{
    wf_frameobj *fo = (wf_frameobj *)self;
    visit(fo->gen, ctx);
    visit(fo->code, ctx);
    visit(fo->globals, ctx);
    visit(fo->back, ctx);
    visit(fo->locals.v, ctx);  // world stopped: plain
    visit(fo->snap, ctx);
    if (fo->snap == WF_NULL)
        for (uint32_t i = 0; i < fo->nsnap && i < WF_FRAMEOBJ_SNAP_INLINE; i++)
            visit(fo->snap_inline[i], ctx);
    visit(fo->trace.v, ctx);
}

// f_locals of a completed frame: the dict of its snapshot, built once. Any
// thread (the caller loaded [frame] as NULL with acquire): the snapshot is
// immutable, and the first dict published (CAS) is everyone's.
static wf_value
frameobj_snap_locals(wf_thread *ts, wf_frameobj *fo)
{
    wf_value have = wf_atomic_load_acquire_u64(&fo->locals);
    if (have != WF_NULL)
        return have;
    if (fo->nsnap == 0 && fo->snap == WF_NULL &&
        ((const wf_code *)wf_val_as_obj(fo->code))->nlocalsplus != 0)
        return WF_NONE;  // no snapshot (out of memory at frame exit)
    wf_value d = wf_dict_new(ts);
    if (d == WF_NULL)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, d) < 0)
        return WF_NULL;
    const wf_code *co = (const wf_code *)wf_val_as_obj(fo->code);
    const wf_value *names = wf_tuple_items(co->localsplusnames);
    const wf_value *items = fo->snap != WF_NULL ? wf_tuple_items(fo->snap)
                                                : fo->snap_inline;
    for (uint32_t i = 0; i < fo->nsnap; i++) {
        if (items[i] != WF_NULL && wf_dict_set(ts, d, names[i], items[i]) < 0) {
            wf_root_release(ts, mark);
            return WF_NULL;
        }
    }
    wf_root_release(ts, mark);
    // The snapshot stays (another thread may be reading it now); the
    // dict of whoever publishes first answers from now on.
    wf_value expected = WF_NULL;
    if (!wf_atomic_cas_acq_rel_u64(&fo->locals, &expected, d))
        return expected;
    return d;
}

// ===== Frames read from other threads =====

// True if [f], the live frame of a frame object, is [ts]'s own to read:
// it lies on [ts]'s data stack, or is on [ts]'s frame chain (a generator
// or callback frame [ts] runs now). Only [ts] pushes frames on its data
// stack, so a frame there is never another thread's.
static bool
frame_is_mine(const wf_thread *ts, const wf_frame *f)
{
    const wf_value *p = (const wf_value *)(const void *)f;
    if (p >= ts->stack_base && p < ts->stack_limit)
        return true;
    for (const wf_frame *g = ts->frame; g != NULL; g = g->previous)
        if (g == f)
            return true;
    return false;
}

// What foreign_read answers.
typedef enum fread_what {
    FREAD_LINENO,    // f_lineno (an int)
    FREAD_LASTI,     // f_lasti (an int)
    FREAD_BACK,      // f_back (a frame object or None)
    FREAD_LOCALS,    // f_locals (a dict)
    FREAD_BUILTINS,  // f_builtins
    FREAD_CODE,      // the code the frame runs (*code_out), for
                     // f_trace_opcodes
} fread_what;

// Read [what] of [self]'s frame for [ts], which does not own it: in a
// pause, where the frame is at its owner's last safe point or call and
// cannot be popped. Returns the value, WF_NULL with an exception set, or
// WF_NULL with nothing set if the frame completed meanwhile (the caller
// then reads the snapshot). f_locals copies the locals into a tuple
// allocated before the pause, and builds the dict after it; f_back may
// allocate the caller's frame object inside the pause (an allocation
// never collects). Caller: attached, no lock held.
static wf_value
foreign_read(wf_thread *ts, wf_value self, fread_what what,
             wf_code **code_out)
{
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(self);
    const wf_code *pub = (const wf_code *)wf_val_as_obj(fo->code);
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL, buf = WF_NULL;
    if (wf_root_push(ts, self) < 0)
        return WF_NULL;
    if (what == FREAD_LOCALS) {
        buf = wf_tuple_new(ts, pub->nlocalsplus);
        if (buf == WF_NULL || wf_root_push(ts, buf) < 0)
            goto done;
    }
    if (wf_stw_begin(ts, WF_STW_LEGACY) < 0)
        goto done;
    wf_frame *f = wf_atomic_load_relaxed_ptr(&fo->frame);  // world stopped
    bool from_buf = false;
    if (f != NULL) {
        switch (what) {
        case FREAD_LINENO:
            r = wf_val_from_int(fo->line_now != 0 ? fo->line_now
                                                  : wf_frame_lineno(f));
            break;
        case FREAD_LASTI:
            r = wf_val_from_int(f->instr > f->code->code
                                    ? wf_code_offset(wf_frame_lasti_index(f))
                                    : -1);
            break;
        case FREAD_BUILTINS:
            r = f->builtins;
            break;
        case FREAD_CODE:
            *code_out = f->code;
            r = WF_NONE;
            break;
        case FREAD_BACK:
            r = f->previous == NULL ? WF_NONE
                                    : wf_frame_get_object(ts, f->previous);
            break;
        case FREAD_LOCALS:
            if (f->locals != WF_NULL) {
                r = f->locals;
                break;
            }
            from_buf = true;
            if (wf_frame_state(f) == WF_FRAME_COMPLETED)
                break;
            for (uint32_t i = 0; i < pub->nlocalsplus; i++) {
                wf_value v = f->localsplus[i];
                if (v != WF_NULL && wf_val_is(v, &wf_cell_type) &&
                    (f->code->localspluskinds[i] &
                     (WF_LOCAL_CELL | WF_LOCAL_FREE)))
                    v = ((wf_cell *)wf_val_as_obj(v))->ref;
                wf_tuple_items(buf)[i] = v;
            }
            break;
        }
    }
    wf_stw_end(ts);
    if (from_buf) {
        wf_value d = wf_dict_new(ts);
        if (d == WF_NULL || wf_root_push(ts, d) < 0)
            goto done;
        const wf_value *names = wf_tuple_items(pub->localsplusnames);
        for (uint32_t i = 0; i < pub->nlocalsplus; i++) {
            wf_value v = wf_tuple_items(buf)[i];
            if (v != WF_NULL && wf_dict_set(ts, d, names[i], v) < 0)
                goto done;
        }
        r = d;
    }
done:
    wf_root_release(ts, mark);
    return r;
}

static bool
name_is(wf_value name, const char *s)
{
    return strcmp(wf_str_cstr(name), s) == 0;
}

static wf_value
frameobj_getattr(wf_thread *ts, wf_value self, wf_value name)
{
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(self);
    if (name_is(name, "f_code"))
        return fo->code;
    if (name_is(name, "f_globals"))
        return fo->globals;
    if (name_is(name, "f_trace"))
        return wf_frameobj_trace(fo);
    if (name_is(name, "f_trace_lines"))
        return wf_val_bool(wf_frameobj_trace_lines(fo));
    if (name_is(name, "f_trace_opcodes"))
        return wf_val_bool(wf_frameobj_trace_opcodes(fo));
    wf_frame *f = wf_frameobj_frame(fo);
    if (f != NULL && !frame_is_mine(ts, f)) {
        // Another thread's live frame: read in a pause (foreign_read).
        fread_what w;
        if (name_is(name, "f_lineno"))
            w = FREAD_LINENO;
        else if (name_is(name, "f_lasti"))
            w = FREAD_LASTI;
        else if (name_is(name, "f_back"))
            w = FREAD_BACK;
        else if (name_is(name, "f_locals"))
            w = FREAD_LOCALS;
        else if (name_is(name, "f_builtins"))
            w = FREAD_BUILTINS;
        else
            goto other;
        wf_value r = foreign_read(ts, self, w, NULL);
        if (r != WF_NULL || wf_err_occurred(ts))
            return r;
        f = wf_frameobj_frame(fo);  // completed meanwhile: its snapshot
        if (!WF_ALWAYS(f == NULL))
            return wf_err_format(ts, &wf_exc_RuntimeError, "frame changed");
    }
    if (name_is(name, "f_builtins"))
        return f != NULL ? f->builtins : ts->interp->builtins_dict;
    if (name_is(name, "f_lineno")) {
        // CPython's PyFrame_GetLineNumber: the line of the `line` event
        // being delivered, else the last instruction's.
        if (fo->line_now != 0)
            return wf_val_from_int(fo->line_now);
        return wf_val_from_int(f != NULL ? wf_frame_lineno(f)
                                         : completed_lineno(fo));
    }
    if (name_is(name, "f_lasti")) {
        if (f == NULL)
            return wf_val_from_int(fo->lasti);
        return wf_val_from_int(f->instr > f->code->code
                                   ? wf_code_offset(wf_frame_lasti_index(f))
                                   : -1);
    }
    if (name_is(name, "f_back")) {
        if (f == NULL)
            return fo->back != WF_NULL ? fo->back : WF_NONE;
        if (f->previous == NULL)
            return WF_NONE;
        return wf_frame_get_object(ts, f->previous);
    }
    if (name_is(name, "f_locals")) {
        if (f == NULL)
            return frameobj_snap_locals(ts, fo);
        return wf_frame_locals_snapshot(ts, f);
    }
other:;
    wf_value v = wf_type_lookup(&wf_frame_type, name);
    if (v != WF_NULL) {
        if (wf_val_type(v)->flags & WF_TPF_METHOD_LIKE)
            return wf_method_new(ts, v, self);
        return v;
    }
    return wf_err_format(ts, &wf_exc_AttributeError,
                         "'frame' object has no attribute '%U'", name);
}

// Opcode events for the code [self]'s live frame runs turned [on] (off),
// if it is still live: the code read by its owner directly, by any other
// thread in a pause (foreign_read). The code is rooted across the switch,
// which pauses the world itself.
static int
set_opcode_trace_live(wf_thread *ts, wf_value self, bool on)
{
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(self);
    wf_frame *f = wf_frameobj_frame(fo);
    if (f == NULL)
        return 0;
    if (frame_is_mine(ts, f))
        return wf_ltrace_set_opcode_trace(ts, f->code, on);
    wf_code *co = NULL;
    if (foreign_read(ts, self, FREAD_CODE, &co) == WF_NULL)
        return wf_err_occurred(ts) ? -1 : 0;
    size_t mark = wf_root_mark(ts);
    if (wf_root_push(ts, wf_val_from_obj(co)) < 0)
        return -1;
    int rc = wf_ltrace_set_opcode_trace(ts, co, on);
    wf_root_release(ts, mark);
    return rc;
}

wf_value
wf_frame_gen_object(wf_thread *ts, wf_frame *f)
{
    if (frame_is_mine(ts, f))
        return wf_frame_state(f) == WF_FRAME_COMPLETED ? WF_NONE
                                              : wf_frame_get_object(ts, f);
    // Suspended (any thread may resume it) or running on another thread:
    // its state and frame object are read in a pause (foreign_read).
    if (wf_stw_begin(ts, WF_STW_LEGACY) < 0)
        return WF_NULL;
    wf_value r = wf_frame_state(f) == WF_FRAME_COMPLETED ? WF_NONE
                                                : wf_frame_get_object(ts, f);
    wf_stw_end(ts);
    return r;
}

static int
frameobj_setattr(wf_thread *ts, wf_value self, wf_value name, wf_value v)
{
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(self);
    if (name_is(name, "f_trace")) {
        // Same as CPython 3.14 (frame_settrace): setting a trace function
        // on a frame that asked for opcodes turns them on for its code.
        // Any thread may set it; the owner's next event sees it.
        wf_value t = v == WF_NULL ? WF_NONE : v;
        if (t == wf_frameobj_trace(fo))
            return 0;
        wf_frameobj_set_trace(fo, t);
        if (t != WF_NONE && wf_frameobj_trace_opcodes(fo))
            return set_opcode_trace_live(ts, self, true);
        return 0;
    }
    if (name_is(name, "f_trace_lines") || name_is(name, "f_trace_opcodes")) {
        if (v == WF_NULL) {
            wf_err_format(ts, &wf_exc_AttributeError,
                          "cannot delete attribute");
            return -1;
        }
        if (!wf_val_is(v, &wf_bool_type)) {
            wf_err_format(ts, &wf_exc_TypeError,
                          "attribute value type must be bool");
            return -1;
        }
        if (name_is(name, "f_trace_lines")) {
            wf_atomic_store_relaxed_bool(&fo->trace_lines, v == WF_TRUE);
            return 0;
        }
        // Same as CPython 3.14 (frame_settrace_opcodes): on only once the
        // frame has f_trace (or at its next trace event); off at once.
        bool on = v == WF_TRUE;
        wf_atomic_store_relaxed_bool(&fo->trace_opcodes, on);
        if (on && wf_frameobj_trace(fo) == WF_NONE)
            return 0;
        return set_opcode_trace_live(ts, self, on);
    }
    if (name_is(name, "f_lineno"))
        return wf_lineno_set(ts, fo, v);
    if (wf_type_lookup(&wf_frame_type, name) != WF_NULL ||
        name_is(name, "f_code") || name_is(name, "f_back") ||
        name_is(name, "f_globals") || name_is(name, "f_locals") ||
        name_is(name, "f_lasti") || name_is(name, "f_builtins")) {
        wf_err_format(ts, &wf_exc_AttributeError,
                      "readonly attribute");
        return -1;
    }
    wf_err_format(ts, &wf_exc_AttributeError,
                  "'frame' object has no attribute '%U'", name);
    return -1;
}

static wf_value
frameobj_repr(wf_thread *ts, wf_value self)
{
    wf_frameobj *fo = (wf_frameobj *)wf_val_as_obj(self);
    wf_code *co = (wf_code *)wf_val_as_obj(fo->code);
    wf_frame *f = wf_frameobj_frame(fo);
    int32_t line;
    if (f != NULL && frame_is_mine(ts, f)) {
        line = wf_frame_lineno(f);
    } else if (f != NULL) {
        wf_value l = foreign_read(ts, self, FREAD_LINENO, NULL);
        if (l == WF_NULL && wf_err_occurred(ts))
            return WF_NULL;
        line = l != WF_NULL ? (int32_t)wf_val_as_int(l) : completed_lineno(fo);
    } else {
        line = completed_lineno(fo);
    }
    return wf_str_format(ts, "<frame at %p, file %R, line %d, code %U>",
                         (void *)fo, co->filename, (int)line, co->name);
}

wf_type wf_frame_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "frame",
    .base = &wf_object_type,
    .basic_size = sizeof(wf_frameobj),
    .reclaim = frameobj_reclaim,  // one made per traced call (frameobj_new)
    .traverse = frameobj_traverse,
    .repr = frameobj_repr,
    .getattr = frameobj_getattr,
    .setattr = frameobj_setattr,
};

int
wf_frame_init_type(wf_thread *ts)
{
    (void)ts;
    return 0;
}
