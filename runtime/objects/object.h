// runtime/objects/object.h -- the object model shared by every runtime module
// (wf_obj_*, wf_type_*). Owns the object header, the type object and its
// slots, the immortal singletons and the generic protocols (attribute,
// call, compare, arithmetic, iteration, hashing). Implementations live in
// object.c (protocols), typeobj.c (type objects, classes), and one file per
// built-in type (str.c, list.c, dict.c, ...).
// Upholds ARCHITECTURE "Memory": no reference counts; every heap object is
// on its allocating thread's list and found by the collector through its
// type's traverse slot.
#ifndef WF_RUNTIME_OBJECTS_OBJECT_H
#define WF_RUNTIME_OBJECTS_OBJECT_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

#include <stdarg.h>
#include <stdio.h>

#include "lock.h"
#include "mem.h"
#include "value.h"

typedef struct wf_thread wf_thread;
typedef struct wf_type wf_type;

// ===== Object header =====

// Header bits (wf_obj.gc_bits).
#define WF_GC_MARK 0x1u      // set by the marker during a collection
#define WF_GC_IMMORTAL 0x2u  // static object: never on a list, never freed
// Dead, but kept where it is on its allocation list for its owner to reuse
// (frame.c "kept frame objects"): the sweeper leaves it alone.
#define WF_GC_KEPT 0x4u

struct wf_obj {
    // W: set once at allocation. R: plain (immutable afterwards).
    wf_type *type;
    // Next object on the owning thread's allocation list.
    // W: the allocating thread; the sweeper inside a pause. R: same.
    wf_obj *gc_next;
    // WF_GC_* bits. W: allocation; the marker inside a pause; for
    // WF_GC_KEPT, the owning thread outside pauses (frame.c). R: same.
    uint32_t gc_bits;
    // Type-specific small field (str flags, ...). Immutable unless the type
    // says otherwise.
    uint32_t aux;
};

// Static initialiser for an immortal object of [tp].
#define WF_OBJ_STATIC_INIT(tp) { (tp), NULL, WF_GC_IMMORTAL, 0 }

// ===== Slots =====

// Callback for the collector: mark [v] reachable.
typedef void (*wf_visit_fn)(wf_value v, void *ctx);

// Call protocol ("vectorcall"): [args] holds [nargs] positional values
// followed by len([kwnames]) keyword values; [kwnames] is a tuple of str or
// WF_NULL. [args] lives in the caller's rooted storage (a frame's value stack
// or the root stack), so the callee need not root it.
// Returns the result, or WF_NULL with an exception set on [ts].
typedef wf_value (*wf_call_fn)(wf_thread *ts, wf_value callable,
                               const wf_value *args, size_t nargs,
                               wf_value kwnames);

// Rich comparison operators (same numbering as CPython's Py_LT..Py_GE).
typedef enum wf_cmp_op {
    WF_CMP_LT = 0,
    WF_CMP_LE = 1,
    WF_CMP_EQ = 2,
    WF_CMP_NE = 3,
    WF_CMP_GT = 4,
    WF_CMP_GE = 5,
} wf_cmp_op;

// Binary operators (same numbering as CPython 3.14's NB_* for BINARY_OP).
typedef enum wf_binop {
    WF_BINOP_ADD = 0,
    WF_BINOP_AND = 1,
    WF_BINOP_FLOOR_DIVIDE = 2,
    WF_BINOP_LSHIFT = 3,
    WF_BINOP_MATRIX_MULTIPLY = 4,
    WF_BINOP_MULTIPLY = 5,
    WF_BINOP_REMAINDER = 6,
    WF_BINOP_OR = 7,
    WF_BINOP_POWER = 8,
    WF_BINOP_RSHIFT = 9,
    WF_BINOP_SUBTRACT = 10,
    WF_BINOP_TRUE_DIVIDE = 11,
    WF_BINOP_XOR = 12,
    WF_BINOP_INPLACE_ADD = 13,  // in-place forms: base op + 13
    WF_BINOP_INPLACE_AND = 14,
    WF_BINOP_INPLACE_FLOOR_DIVIDE = 15,
    WF_BINOP_INPLACE_LSHIFT = 16,
    WF_BINOP_INPLACE_MATRIX_MULTIPLY = 17,
    WF_BINOP_INPLACE_MULTIPLY = 18,
    WF_BINOP_INPLACE_REMAINDER = 19,
    WF_BINOP_INPLACE_OR = 20,
    WF_BINOP_INPLACE_POWER = 21,
    WF_BINOP_INPLACE_RSHIFT = 22,
    WF_BINOP_INPLACE_SUBTRACT = 23,
    WF_BINOP_INPLACE_TRUE_DIVIDE = 24,
    WF_BINOP_INPLACE_XOR = 25,
    WF_BINOP__COUNT
} wf_binop;

typedef enum wf_unaryop {
    WF_UNARY_NEGATIVE,
    WF_UNARY_POSITIVE,
    WF_UNARY_INVERT,
} wf_unaryop;

// Type flags (wf_type.flags).
#define WF_TPF_HEAPTYPE 0x1u      // a class created by a `class` statement
#define WF_TPF_BASETYPE 0x2u      // may be subclassed
#define WF_TPF_METHOD_LIKE 0x4u   // found on a type, binds to the instance
                                  // (Python functions, builtin methods)
#define WF_TPF_EXCEPTION 0x8u     // BaseException or a subclass

// A type object. Static for built-in types (immortal, registered with the
// collector as roots), heap-allocated for classes. Every slot may be NULL:
// the generic protocol then raises the CPython-style TypeError, or for a
// heap type, looks up the dunder method in the class.
// Static types: every field W: at static init or wf_types_init, before a
// second thread exists. R: plain.
// Classes (WF_TPF_HEAPTYPE) change after publication, by assignment to a
// class attribute (typeobj.c type_setattr), under one rule:
//   - [dict]'s contents: W: under the dict's lock, any thread (dict.c).
//     R: lock-free (dict.c).
//   - the slots below, [name], [name_str], [qualname_str], [module_str]
//     and [base]: W: at class creation before publication, else only by
//     the holder of a pause (WF_STW_TYPE: a dunder that a slot
//     dispatches on, __name__, __qualname__, __module__ or __bases__
//     assigned or deleted), which re-derives the slots of the class and
//     of every subclass before any other thread runs again. R: plain. A
//     reader therefore sees the whole old set or the whole new set, never
//     a mix, provided it loads a slot once and calls what it loaded with
//     no safe point in between (object.c's protocol functions do; a slot
//     loaded before running Python code must be loaded again after it).
//     Assigning any other name touches only [dict] and never pauses.
//   - [flags], sizes, [traverse], [finalize], [reclaim], [new_]:
//     immutable after creation. R: plain.
struct wf_type {
    wf_obj ob;
    const char *name;        // C name, e.g. "int"; for classes, the str below
    wf_value name_str;       // __name__ as a str (WF_NULL until wf_types_init)
    wf_value qualname_str;   // __qualname__ (classes); else same as name_str
    wf_value module_str;     // __module__ (classes: "__main__"), or WF_NULL
    wf_type *base;           // single inheritance; NULL only for object
    wf_value dict;           // attribute dict (wf_dict): methods, class attrs
    uint32_t flags;          // WF_TPF_*
    size_t basic_size;       // instance size in bytes (fixed part)
    size_t dictoffset;       // offset of an instance's wf_value dict, or 0

    // Memory management.
    void (*traverse)(wf_obj *self, wf_visit_fn visit, void *ctx);
    void (*finalize)(wf_obj *self);  // free non-object memory; runs in sweep
    // Instead of finalize and free: keep dead [self], found on [owner]'s
    // allocation list, for [owner]'s reuse. Returns true if kept: it stays
    // on that list, flagged WF_GC_KEPT, and nothing of it is read until
    // its type reuses it (frame objects: vm/frame.c, the one pool of dead
    // frame objects). Runs in sweep, world stopped; never under
    // AddressSanitizer (WF_GC_REUSE). NULL: never kept.
    bool (*reclaim)(wf_obj *self, wf_thread *owner);

    // Protocols. wf_value results: WF_NULL means an exception is set.
    wf_value (*repr)(wf_thread *ts, wf_value self);
    wf_value (*str)(wf_thread *ts, wf_value self);
    // Stores the hash in *out; returns 0 or -1 with an exception set.
    int (*hash)(wf_thread *ts, wf_value self, int64_t *out);
    // Returns a value, WF_NULL on error, or the NotImplemented singleton.
    wf_value (*richcompare)(wf_thread *ts, wf_value a, wf_value b,
                            wf_cmp_op op);
    // Returns 1 true, 0 false, -1 error.
    int (*truth)(wf_thread *ts, wf_value self);
    wf_value (*getattr)(wf_thread *ts, wf_value self, wf_value name);
    // [v] WF_NULL deletes.
    int (*setattr)(wf_thread *ts, wf_value self, wf_value name, wf_value v);
    wf_call_fn call;
    wf_value (*iter)(wf_thread *ts, wf_value self);
    // Returns 1 with *out set, 0 exhausted (no exception set), -1 error.
    int (*iternext)(wf_thread *ts, wf_value self, wf_value *out);
    wf_value (*getitem)(wf_thread *ts, wf_value self, wf_value key);
    // [v] WF_NULL deletes.
    int (*setitem)(wf_thread *ts, wf_value self, wf_value key, wf_value v);
    // Returns the length >= 0, or -1 with an exception set.
    int64_t (*len)(wf_thread *ts, wf_value self);
    // Returns 1, 0, or -1 with an exception set.
    int (*contains)(wf_thread *ts, wf_value self, wf_value item);
    // Binary arithmetic: returns NotImplemented if it cannot handle the
    // operand types (CPython's binary-op protocol with reflected operands).
    wf_value (*binop)(wf_thread *ts, wf_value a, wf_value b, wf_binop op);
    wf_value (*unaryop)(wf_thread *ts, wf_value v, wf_unaryop op);
    // Called when the type itself is called: create (and initialise) an
    // instance. [type] is the type object being called (may be a subclass).
    wf_value (*new_)(wf_thread *ts, wf_type *type, const wf_value *args,
                     size_t nargs, wf_value kwnames);

    // Classes only (typeobj.c "class registry"): 1 + this class's index in
    // the registry of live classes, 0 if not registered. W: under the
    // registry lock (class creation; the sweeper's finalize, world
    // stopped). R: same.
    size_t reg_slot;
    // True once some class has had this type as its base: a change to
    // this type's dunders then re-derives subclasses too. W: relaxed,
    // class creation and __bases__ assignment (in the pause). R: relaxed,
    // the pause holder.
    wf_atomic_bool subclassed;
};

// ===== Immortal singletons and core types =====

extern wf_type wf_type_type;       // type
extern wf_type wf_object_type;     // object
extern wf_type wf_none_type;       // NoneType
extern wf_type wf_bool_type;       // bool
extern wf_type wf_int_type;        // int (tagged small ints only)
extern wf_type wf_float_type;      // float
extern wf_type wf_str_type;        // str
extern wf_type wf_tuple_type;      // tuple
extern wf_type wf_list_type;       // list
extern wf_type wf_dict_type;       // dict
extern wf_type wf_range_type;      // range
extern wf_type wf_slice_type;      // slice
extern wf_type wf_builtin_type;    // builtin_function_or_method
extern wf_type wf_method_type;     // bound method (Python function + self)
extern wf_type wf_module_type;     // module
extern wf_type wf_notimpl_type;    // NotImplementedType
extern wf_type wf_ellipsis_type;   // ellipsis
extern wf_type wf_traceback_type;  // traceback
// Defined by the VM (func.c, code.c, frame.c, gen.c, cell.c):
extern wf_type wf_func_type;
extern wf_type wf_code_type;
extern wf_type wf_frame_type;
extern wf_type wf_gen_type;
extern wf_type wf_cell_type;

extern wf_obj wf_none_obj, wf_true_obj, wf_false_obj, wf_notimpl_obj,
    wf_ellipsis_obj;
#define WF_NONE (wf_val_from_obj(&wf_none_obj))
#define WF_TRUE (wf_val_from_obj(&wf_true_obj))
#define WF_FALSE (wf_val_from_obj(&wf_false_obj))
#define WF_NOTIMPL (wf_val_from_obj(&wf_notimpl_obj))
#define WF_ELLIPSIS (wf_val_from_obj(&wf_ellipsis_obj))

static inline wf_value
wf_val_bool(bool b)
{
    return b ? WF_TRUE : WF_FALSE;
}

// The type of any value (tagged ints are int).
static inline wf_type *
wf_val_type(wf_value v)
{
    return wf_val_is_int(v) ? &wf_int_type : wf_val_as_obj(v)->type;
}

// True if [v] is an object whose type is exactly [tp].
static inline bool
wf_val_is(wf_value v, const wf_type *tp)
{
    return wf_val_is_obj(v) && wf_val_as_obj(v)->type == tp;
}

// isinstance by the single-inheritance chain.
bool wf_type_is_subtype(const wf_type *a, const wf_type *b);

static inline bool
wf_val_isinstance(wf_value v, const wf_type *tp)
{
    return wf_type_is_subtype(wf_val_type(v), tp);
}

// ===== Built-in object layouts =====

// Strings are UTF-8, immutable, hashed lazily, identifiers interned.
#define WF_STR_ASCII 0x1u     // aux bit: every byte < 0x80
#define WF_STR_INTERNED 0x2u  // aux bit: the canonical interned copy
typedef struct wf_str {
    wf_obj ob;
    // Cached hash, -1 until computed. W/R: relaxed atomic (racy recompute
    // gives the same value).
    wf_atomic_i64 hash;
    size_t len;     // bytes, excluding the trailing NUL
    size_t nchars;  // code points
    char data[];    // NUL-terminated
} wf_str;

typedef struct wf_float {
    wf_obj ob;
    double v;
} wf_float;

typedef struct wf_tuple {
    wf_obj ob;
    size_t n;
    wf_value items[];
} wf_tuple;

// Lists and dicts: mutations take [lock]; a grown array replaces the old
// one, which is retired (freed at the next pause) so racing readers never
// touch freed memory.
typedef struct wf_list {
    wf_obj ob;
    wf_lock lock;      // wf_lock_* spin lock word (leaf rank)
    // [n], [items] and items[i] are plain words with atomic accesses
    // (atomic.h "_word": the holder and hundreds of owner-only paths read
    // them plainly; lock-free readers such as wf_list_get use _word ops).
    size_t n;          // W: under lock (release). R: acquire.
    size_t cap;        // W: under lock.
    wf_value *items;   // W: under lock (release). R: acquire.
                       // items[i]: W: under lock, release (list.c slot_put).
                       // R: acquire (wf_list_get).
} wf_list;

typedef struct wf_dict wf_dict;  // layout private to dict.c

typedef struct wf_range {
    wf_obj ob;
    int64_t start, stop, step, len;
} wf_range;

typedef struct wf_slice {
    wf_obj ob;
    wf_value start, stop, step;  // WF_NONE when omitted
} wf_slice;

// A built-in function or method. For methods ([owner] != NULL), args[0] is
// self; a bound one ([self] != WF_NULL) gets [self] prepended by the call.
typedef wf_value (*wf_cfunc)(wf_thread *ts, const wf_value *args,
                             size_t nargs, wf_value kwnames);
typedef struct wf_builtin {
    wf_obj ob;
    const char *name;
    wf_cfunc fn;
    wf_type *owner;   // type the method belongs to, or NULL for functions
    wf_value self;    // bound receiver, or WF_NULL
    wf_value module;  // __module__ name str, or WF_NULL
} wf_builtin;

// Python function bound to an instance.
typedef struct wf_method {
    wf_obj ob;
    wf_value func;
    wf_value self;
} wf_method;

typedef struct wf_module {
    wf_obj ob;
    wf_value name;  // str
    wf_value dict;  // wf_dict: the module's globals
} wf_module;

// Instances of classes (and the dict part of every instance layout).
typedef struct wf_instance {
    wf_obj ob;
    wf_value dict;  // wf_dict, created lazily; WF_NULL until first store
} wf_instance;

// Exceptions: BaseException and all subclasses, built-in or user. Starts
// with the instance layout so user attributes work the same way.
typedef struct wf_exc {
    wf_obj ob;
    wf_value dict;
    wf_value args;       // tuple
    wf_value traceback;  // wf_traceback chain or WF_NONE
    wf_value cause;      // __cause__ or WF_NONE
    wf_value context;    // __context__ or WF_NONE
    bool suppress_context;
} wf_exc;

// One traceback entry: where an exception passed. [next] goes towards the
// frame that raised (CPython's tb_next order).
typedef struct wf_traceback {
    wf_obj ob;
    wf_value next;   // wf_traceback or WF_NONE
    wf_value frame;  // wf_frame object, or WF_NONE
    wf_value code;   // wf_code of the frame
    int32_t lineno;  // line at the time, -1 if none
    int32_t lasti;   // instruction offset
} wf_traceback;

// ===== Allocation (gc.c) =====

// Allocate a zeroed object of [size] bytes and type [tp], linked on [ts]'s
// allocation list. Never collects (collections happen only at safe points),
// so the caller need not root values around it.
// Returns NULL with MemoryError set.
WF_MUST_CHECK wf_obj *wf_gc_alloc(wf_thread *ts, wf_type *tp, size_t size);
// As wf_gc_alloc, but only the header is initialised: the caller writes
// every other field before the object can be reached (no safe point in
// between). For objects made on hot paths (frame objects of traced
// frames), where zeroing costs more than the allocation.
WF_MUST_CHECK wf_obj *wf_gc_alloc_uninit(wf_thread *ts, wf_type *tp,
                                         size_t size);

// Non-object memory (wf_mem_*) is declared in mem.h, included above.

// ===== Generic protocols (object.c) =====
// All return WF_NULL / -1 with an exception set on error, CPython messages.

WF_MUST_CHECK wf_value wf_obj_repr(wf_thread *ts, wf_value v);
WF_MUST_CHECK wf_value wf_obj_str(wf_thread *ts, wf_value v);
WF_MUST_CHECK int wf_obj_hash(wf_thread *ts, wf_value v, int64_t *out);
// 1 true, 0 false, -1 error.
WF_MUST_CHECK int wf_obj_truthy(wf_thread *ts, wf_value v);
WF_MUST_CHECK wf_value wf_obj_richcompare(wf_thread *ts, wf_value a,
                                          wf_value b, wf_cmp_op op);
// a == b as a truth value (identity short-cut first): 1, 0, -1.
WF_MUST_CHECK int wf_obj_eq(wf_thread *ts, wf_value a, wf_value b);
WF_MUST_CHECK wf_value wf_obj_binop(wf_thread *ts, wf_value a, wf_value b,
                                    wf_binop op);
WF_MUST_CHECK wf_value wf_obj_unaryop(wf_thread *ts, wf_value v,
                                      wf_unaryop op);
// [name] is a str (interned for speed).
WF_MUST_CHECK wf_value wf_obj_getattr(wf_thread *ts, wf_value v,
                                      wf_value name);
// Like getattr, but AttributeError is not raised: returns WF_NULL with no
// exception set when the attribute is missing.
WF_MUST_CHECK wf_value wf_obj_lookup_attr(wf_thread *ts, wf_value v,
                                          wf_value name);
// [val] WF_NULL deletes.
WF_MUST_CHECK int wf_obj_setattr(wf_thread *ts, wf_value v, wf_value name,
                                 wf_value val);
// Method-call lookup for LOAD_ATTR's method form. Returns 1 with *[meth] an
// unbound function/method to call with [v] as first argument, 0 with
// *[meth] the plain attribute value, -1 on error.
WF_MUST_CHECK int wf_obj_get_method(wf_thread *ts, wf_value v,
                                    wf_value name, wf_value *meth);
// Look [name] up along [tp]'s base chain, no binding. WF_NULL if missing,
// never an exception.
wf_value wf_type_lookup(const wf_type *tp, wf_value name);
WF_MUST_CHECK wf_value wf_obj_getitem(wf_thread *ts, wf_value v,
                                      wf_value key);
WF_MUST_CHECK int wf_obj_setitem(wf_thread *ts, wf_value v, wf_value key,
                                 wf_value val);
WF_MUST_CHECK int wf_obj_delitem(wf_thread *ts, wf_value v, wf_value key);
WF_MUST_CHECK int64_t wf_obj_len(wf_thread *ts, wf_value v);
// `item in container`: 1, 0, -1.
WF_MUST_CHECK int wf_obj_contains(wf_thread *ts, wf_value container,
                                  wf_value item);
WF_MUST_CHECK wf_value wf_obj_getiter(wf_thread *ts, wf_value v);
// 1 with *out, 0 exhausted (StopIteration raised by a __next__ is
// swallowed; no exception set), -1 error.
WF_MUST_CHECK int wf_obj_iternext(wf_thread *ts, wf_value it, wf_value *out);
WF_MUST_CHECK wf_value wf_obj_call(wf_thread *ts, wf_value callable,
                                   const wf_value *args, size_t nargs,
                                   wf_value kwnames);
// Call with a tuple of positional args and an optional dict of keywords
// (CALL_FUNCTION_EX). [kwargs] may be WF_NULL.
WF_MUST_CHECK wf_value wf_obj_call_ex(wf_thread *ts, wf_value callable,
                                      wf_value args_tuple, wf_value kwargs);
// isinstance(v, cls) where [cls] is a type or a tuple of types: 1, 0, -1.
WF_MUST_CHECK int wf_obj_isinstance(wf_thread *ts, wf_value v, wf_value cls);
// format(v, spec) as used by f-strings; [spec] a str or WF_NULL.
WF_MUST_CHECK wf_value wf_obj_format(wf_thread *ts, wf_value v,
                                     wf_value spec);
// A short type name for messages ("int", "MyClass").
const char *wf_obj_type_name(wf_value v);

// ===== Constructors and helpers of built-in types =====

// str (str.c)
WF_MUST_CHECK wf_value wf_str_new(wf_thread *ts, const char *utf8,
                                  size_t len);
WF_MUST_CHECK wf_value wf_str_from_cstr(wf_thread *ts, const char *s);
// Interned identifier: the same object for equal contents, immortal for the
// process. Thread-safe.
WF_MUST_CHECK wf_value wf_str_intern(wf_thread *ts, const char *s);
WF_MUST_CHECK wf_value wf_str_intern_n(wf_thread *ts, const char *s,
                                       size_t len);
// printf-like, plus %R (repr of a wf_value), %S (str of a wf_value), %T
// (type name of a wf_value), %U (a wf_value that is a str).
WF_MUST_CHECK wf_value wf_str_format(wf_thread *ts, const char *fmt, ...);
WF_MUST_CHECK wf_value wf_str_vformat(wf_thread *ts, const char *fmt,
                                      va_list ap);
WF_MUST_CHECK wf_value wf_str_concat(wf_thread *ts, wf_value a, wf_value b);
// One str from the [n] strs of [items] in order (BUILD_STRING). [items]
// must stay rooted (the value stack). Allocates; never reaches a safe point.
// Returns the str, or WF_NULL with MemoryError set.
WF_MUST_CHECK wf_value wf_str_concat_array(wf_thread *ts,
                                           const wf_value *items, size_t n);
// ascii(v) (builtin ascii() and f-strings' !a): repr(v) with every
// non-ASCII code point escaped as \xhh, \uhhhh or \Uhhhhhhhh. Runs
// __repr__, so may reach a safe point. Returns the str, or WF_NULL with an
// exception set.
WF_MUST_CHECK wf_value wf_str_ascii(wf_thread *ts, wf_value v);
bool wf_str_eq(wf_value a, wf_value b);  // both str
int64_t wf_str_hash(wf_value s);         // never fails
static inline const char *
wf_str_cstr(wf_value s)
{
    return ((const wf_str *)wf_val_as_obj(s))->data;
}
static inline size_t
wf_str_len(wf_value s)
{
    return ((const wf_str *)wf_val_as_obj(s))->len;
}

// float (float.c)
WF_MUST_CHECK wf_value wf_float_new(wf_thread *ts, double v);
static inline double
wf_float_val(wf_value v)
{
    return ((const wf_float *)wf_val_as_obj(v))->v;
}

// int (int.c): tagged ints with overflow checks. OverflowError on results
// outside [WF_INT_MIN, WF_INT_MAX].
WF_MUST_CHECK wf_value wf_int_new(wf_thread *ts, int64_t i);
// BINARY_OP's tagged-int fast paths other than + and - (which the opcode
// keeps inline) on the small ints [a] and [b], as Python: floor division
// and remainder round towards minus infinity. Each returns true with
// *[out] set, or false (nothing raised) when the result needs the general
// path (overflow, division by zero). Always inlined: they are the loop's
// fast path, each called from its own case of BINARY_OP's switch.
static inline __attribute__((always_inline)) bool
wf_int_mul_small(wf_value a, wf_value b, wf_value *out)
{
    int64_t r;
    if (__builtin_mul_overflow(wf_val_as_int(a), (int64_t)b - 1, &r))
        return false;
    *out = (wf_value)r | 1;
    return true;
}

// [div]: a // b, else a % b.
static inline __attribute__((always_inline)) bool
wf_int_divmod_small(wf_value a, wf_value b, bool div, wf_value *out)
{
    int64_t x = wf_val_as_int(a), y = wf_val_as_int(b);
    if (y == 0 || (y == -1 && x == WF_INT_MIN))
        return false;  // ZeroDivisionError / OverflowError
    int64_t q = x / y, m = x % y;
    if (m != 0 && ((m < 0) != (y < 0))) {  // floor, as Python
        q--;
        m += y;
    }
    *out = wf_val_from_int(div ? q : m);
    return true;
}

// a & b, a | b or a ^ b for [op] one of those (or its in-place form).
// Never fails.
static inline __attribute__((always_inline)) wf_value
wf_int_bitop_small(size_t op, wf_value a, wf_value b)
{
    if (op == WF_BINOP_AND || op == WF_BINOP_INPLACE_AND)
        return a & b;
    if (op == WF_BINOP_OR || op == WF_BINOP_INPLACE_OR)
        return a | b;
    return (a ^ b) | 1;
}

// tuple (tuple.c)
WF_MUST_CHECK wf_value wf_tuple_new(wf_thread *ts, size_t n);  // items NONE
WF_MUST_CHECK wf_value wf_tuple_from_array(wf_thread *ts,
                                           const wf_value *items, size_t n);
WF_MUST_CHECK wf_value wf_tuple_pack(wf_thread *ts, size_t n, ...);
extern wf_value wf_empty_tuple;  // set by wf_types_init
static inline size_t
wf_tuple_len(wf_value t)
{
    return ((const wf_tuple *)wf_val_as_obj(t))->n;
}
static inline wf_value *
wf_tuple_items(wf_value t)
{
    return ((wf_tuple *)wf_val_as_obj(t))->items;
}

// list (list.c)
WF_MUST_CHECK wf_value wf_list_new(wf_thread *ts, size_t n);  // n NONEs
WF_MUST_CHECK wf_value wf_list_from_array(wf_thread *ts,
                                          const wf_value *items, size_t n);
WF_MUST_CHECK int wf_list_append(wf_thread *ts, wf_value list, wf_value v);
WF_MUST_CHECK int wf_list_extend(wf_thread *ts, wf_value list,
                                 wf_value iterable);
// A tuple with the list's current items.
WF_MUST_CHECK wf_value wf_list_as_tuple(wf_thread *ts, wf_value list);
// Sort in place with an optional key callable (WF_NULL) and reverse flag.
WF_MUST_CHECK int wf_list_sort(wf_thread *ts, wf_value list, wf_value key,
                               bool reverse);
// Item [i] of [list] read without its lock (any attached thread): false if
// [i] is out of range at this instant. An items array stores its capacity
// in the word before items[0], so the bound check never trusts a [n] that
// belongs to another array (list.c). Never holds the array across a call.
static inline bool
wf_list_get(wf_value list, size_t i, wf_value *out)
{
    wf_list *l = (wf_list *)wf_val_as_obj(list);
    size_t n = wf_atomic_load_acquire_size_word(&l->n);
    wf_value *items = wf_atomic_load_acquire_ptr_word((void *const *)&l->items);
    if (i >= n || items == NULL || i >= (size_t)items[-1])
        return false;
    // Acquire: pairs with list.c's release store into the slot, so the
    // object it names is seen fully built.
    *out = wf_atomic_load_acquire_u64_word(&items[i]);
    return true;
}

// dict (dict.c): insertion-ordered.
WF_MUST_CHECK wf_value wf_dict_new(wf_thread *ts);
// 1 found (*out set), 0 missing, -1 error (unhashable key, __eq__ raised).
WF_MUST_CHECK int wf_dict_get(wf_thread *ts, wf_value d, wf_value key,
                              wf_value *out);
WF_MUST_CHECK int wf_dict_set(wf_thread *ts, wf_value d, wf_value key,
                              wf_value v);
// 1 deleted, 0 missing (no exception), -1 error.
WF_MUST_CHECK int wf_dict_del(wf_thread *ts, wf_value d, wf_value key);
// Fast paths for str keys (identifiers): never raise. get returns WF_NULL
// if missing.
wf_value wf_dict_get_str(wf_value d, wf_value key);
WF_MUST_CHECK int wf_dict_set_str(wf_thread *ts, wf_value d, wf_value key,
                                  wf_value v);
// Iterate: start with *pos = 0; returns false when done.
bool wf_dict_next(wf_value d, size_t *pos, wf_value *key, wf_value *val);
size_t wf_dict_len(wf_value d);
// d.update(mapping) for `{**mapping}` (DICT_UPDATE): [mapping] must be a
// dict, else TypeError "'T' object is not a mapping". May reach a safe
// point (key hashing). Returns 0, or -1 with an exception set.
WF_MUST_CHECK int wf_dict_merge(wf_thread *ts, wf_value d, wf_value mapping);

// range, slice (range.c)
WF_MUST_CHECK wf_value wf_slice_new(wf_thread *ts, wf_value start,
                                    wf_value stop, wf_value step);

// builtin functions (builtin.c)
WF_MUST_CHECK wf_value wf_builtin_new(wf_thread *ts, const char *name,
                                      wf_cfunc fn, wf_type *owner);
// Add a builtin method [name] to static type [tp]'s dict (at init).
WF_MUST_CHECK int wf_type_add_method(wf_thread *ts, wf_type *tp,
                                     const char *name, wf_cfunc fn);
WF_MUST_CHECK wf_value wf_method_new(wf_thread *ts, wf_value func,
                                     wf_value self);

// Argument checking helpers for builtins: raise TypeError in CPython's
// wording ("len() takes exactly one argument (2 given)", "f() takes no
// keyword arguments").
WF_MUST_CHECK int wf_arg_check(wf_thread *ts, const char *fname,
                               size_t nargs, wf_value kwnames, size_t min,
                               size_t max);

// modules (module.c)
WF_MUST_CHECK wf_value wf_module_new(wf_thread *ts, const char *name);
// Import a built-in module by name (sys, time, threading, builtins), caching
// it in the interpreter's module table. ModuleNotFoundError (ImportError) if
// unknown.
WF_MUST_CHECK wf_value wf_import(wf_thread *ts, wf_value name);
// `from module import name` (IMPORT_FROM): the attribute [name] of
// [module], else ImportError "cannot import name ...". Attribute lookup
// may run Python code and reach a safe point. Returns the value, or
// WF_NULL with an exception set.
WF_MUST_CHECK wf_value wf_module_import_from(wf_thread *ts, wf_value module,
                                             wf_value name);

// classes (typeobj.c): called by the VM for `class` statements with the
// evaluated namespace dict. [base] is a class or WF_NULL (object).
WF_MUST_CHECK wf_value wf_class_new(wf_thread *ts, wf_value name,
                                    wf_value qualname, wf_value base,
                                    wf_value ns);

// ===== Helpers shared by the object layer (and usable by the VM) =====

// Attribute access for instances: the instance dict first, then the class
// chain; functions and builtin methods found on the class bind to [v].
// Used by every type without a getattr slot. WF_NULL + AttributeError.
WF_MUST_CHECK wf_value wf_obj_generic_getattr(wf_thread *ts, wf_value v,
                                              wf_value name);
// Store into the instance dict (created lazily); AttributeError for types
// without one. [val] WF_NULL deletes. Returns 0 or -1.
WF_MUST_CHECK int wf_obj_generic_setattr(wf_thread *ts, wf_value v,
                                         wf_value name, wf_value val);
// Call [func] (a function or an unbound builtin method) with [self]
// prepended to the [nargs] positional [args] (keywords in [kwnames] follow
// them, as in wf_call_fn). [self] and [args] must be rooted by the caller.
WF_MUST_CHECK wf_value wf_obj_call_with_self(wf_thread *ts, wf_value func,
                                             wf_value self,
                                             const wf_value *args,
                                             size_t nargs, wf_value kwnames);
// Look [name] (interned str) up on type([self]) and call it with [self]
// prepended. Returns WF_NULL with AttributeError if missing.
WF_MUST_CHECK wf_value wf_obj_call_dunder(wf_thread *ts, wf_value self,
                                          wf_value name, const wf_value *args,
                                          size_t nargs);
// Guard for repr of containers that may contain themselves (CPython's
// Py_ReprEnter): returns 1 if [v] is already being repr'd on this thread
// (print "[...]"), 0 if entered (call wf_obj_repr_leave), -1 on error
// (RecursionError when too deep).
WF_MUST_CHECK int wf_obj_repr_enter(wf_thread *ts, wf_value v);
void wf_obj_repr_leave(wf_thread *ts, wf_value v);
// Hash slot for unhashable types: raises "unhashable type: 'list'".
WF_MUST_CHECK int wf_obj_hash_unhashable(wf_thread *ts, wf_value v,
                                         int64_t *out);
// Identity hash (object.__hash__).
int64_t wf_obj_hash_identity(wf_value v);

// Keyword-aware argument parsing (builtin.c). The callee has [nparams]
// parameters named [names]; the first [npos] may be given positionally,
// all may be given by keyword, the first [min] are required. Fills
// out[0..nparams) with the values, WF_NULL for missing ones. Raises
// TypeError in CPython's wording for [fname]. Returns 0 or -1.
WF_MUST_CHECK int wf_arg_parse(wf_thread *ts, const char *fname,
                               const wf_value *args, size_t nargs,
                               wf_value kwnames, const char *const *names,
                               size_t nparams, size_t npos, size_t min,
                               wf_value *out);

// int (int.c): [v] as a C integer if it is an int or bool; else TypeError
// "'float' object cannot be interpreted as an integer". Returns 0 or -1.
WF_MUST_CHECK int wf_int_as_i64(wf_thread *ts, wf_value v, int64_t *out);
// True for int and bool values.
bool wf_int_check(wf_value v);
// float (float.c): [v] (float, int or bool) as a double, else TypeError
// "must be real number, not str". Returns 0 or -1.
WF_MUST_CHECK int wf_float_as_double(wf_thread *ts, wf_value v, double *out);
// Shortest repr that round-trips, as Python's repr(float), into [buf]
// (at least 32 bytes).
void wf_float_repr_buf(double d, char *buf, size_t size);

// slices (range.c): resolve [slice] against a sequence of length [len]
// (CPython's PySlice_GetIndicesEx). Returns 0 or -1 (bad index types, zero
// step: "slice step cannot be zero").
WF_MUST_CHECK int wf_slice_indices(wf_thread *ts, wf_value slice,
                                   int64_t len, int64_t *start,
                                   int64_t *stop, int64_t *step,
                                   int64_t *slicelen);
// Lexicographic comparison of two item arrays (tuple.c; lists and tuples).
WF_MUST_CHECK wf_value wf_seq_richcompare(wf_thread *ts, const wf_value *a,
                                          size_t na, const wf_value *b,
                                          size_t nb, wf_cmp_op op);

// iterators (iter.c). A sequence iterator over a list, tuple, str or range
// (by index; a list's growth during iteration is seen, as in CPython).
WF_MUST_CHECK wf_value wf_seqiter_new(wf_thread *ts, wf_value seq);
// An iterator over dict [d]'s keys (0), values (1) or (key, value) items
// (2). RuntimeError if the dict changes size during iteration.
WF_MUST_CHECK wf_value wf_dictiter_new(wf_thread *ts, wf_value d, int kind);
// UNPACK_SEQUENCE's general case (iter.c): [base][0] holds a sequence or
// iterable; on success it and the [n]-1 slots above hold its [n] items,
// the first at [base][n-1] (on top of the value stack). The slots must be
// rooted (the value stack). A list is snapshotted first, so a racing
// resize cannot tear the result. Iterating may run Python code and reach a
// safe point. Returns 0, or -1 with ValueError (too many / not enough
// values), TypeError (not iterable) or the iterator's exception set.
WF_MUST_CHECK int wf_iter_unpack(wf_thread *ts, wf_value *base, size_t n);
extern wf_type wf_seqiter_type, wf_dictiter_type, wf_enumerate_type,
    wf_zip_type, wf_reversed_type, wf_map_type, wf_filter_type;
extern wf_type wf_dict_keys_type, wf_dict_values_type, wf_dict_items_type;

// builtins module (bltinmodule.c). Create the builtins module, store it in
// interp->builtins / builtins_dict and interp->modules, and add every
// builtin function, type and exception name (wf_exc_init). Returns the
// module or WF_NULL. (Its import entry is in modules/modules.def.)
WF_MUST_CHECK wf_value wf_builtins_init(wf_thread *ts);
// Flush the stdout buffer. Called before anything is written to stderr
// and at exit. Returns 0, or the errno of a failed write (the rest stays
// buffered). wf_bi_discard_stdout drops what is buffered (after a failed
// flush at exit was reported). Thread-safe.
int wf_bi_flush_stdout(void);
void wf_bi_discard_stdout(void);

// Register a built-in module for wf_import (module.c): [init] creates the
// module on first import. Call during start-up, before threads run.
// Returns 0, or -1 if the registry is full or [name] is registered twice.
WF_MUST_CHECK int wf_module_register_builtin(const char *name,
                                             wf_value (*init)(wf_thread *));
// Set attribute [name] of module [mod] to [v] (for module init functions).
WF_MUST_CHECK int wf_module_add(wf_thread *ts, wf_value mod,
                                const char *name, wf_value v);
// Add builtin function [name] to module [mod].
WF_MUST_CHECK int wf_module_add_func(wf_thread *ts, wf_value mod,
                                     const char *name, wf_cfunc fn);

// Per-file parts of wf_types_init: create the method tables of the types
// each file owns. Called only by wf_types_init, in this order.
WF_MUST_CHECK int wf_int_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_float_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_str_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_tuple_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_list_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_dict_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_range_init_types(wf_thread *ts);
WF_MUST_CHECK int wf_iter_init_types(wf_thread *ts);
// Roots owned by str.c (cached one-character strings); for
// wf_types_visit_roots.
void wf_str_visit_roots(wf_visit_fn visit, void *ctx);

// ===== Initialisation =====

// Create the type dicts, interned names and singletons' strings. Called once
// by the runtime before any code runs. Returns 0 or -1.
WF_MUST_CHECK int wf_types_init(wf_thread *ts);
// Visit every static root the object layer owns (static types' dicts and
// names, the interned-string table, wf_empty_tuple, builtin module dicts).
void wf_types_visit_roots(wf_visit_fn visit, void *ctx);

#endif
