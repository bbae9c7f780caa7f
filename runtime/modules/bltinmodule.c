// runtime/modules/bltinmodule.c -- the `builtins` module (wf_bi_*) and the stdout
// buffer behind print.
// print formats every piece first (str() may run Python code) and only
// then takes the stream lock, so a whole call lands atomically and no
// lock is held across a safe point. The buffer is flushed at exit and
// before anything is written to stderr (wf_exc_print calls
// wf_bi_flush_stdout).
#include "objects/object.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "objects/error.h"
#include "objects/gen.h"
#include "modules/modules.h"
#include "threads/thread.h"

// ===== stdout buffer =====

#define OUTBUF_SIZE (64 * 1024)

// W/R: under out_lock.
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char outbuf[OUTBUF_SIZE];
static size_t outlen;
static int out_is_tty = -1;

// Write [n] bytes of [p] to [fd]. Returns 0, or the errno of the write
// that failed with *[done] set to the bytes written before it.
static int
write_all(int fd, const char *p, size_t n, size_t *done)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            *done = off;
            return w < 0 ? errno : EIO;
        }
        off += (size_t)w;
    }
    *done = n;
    return 0;
}

// Write the buffer out. Returns 0, or the errno of the failed write: what
// was not written stays buffered (as CPython's BufferedWriter keeps it),
// so a later flush, the one at exit included, fails the same way.
static int
flush_locked(void)
{
    size_t done;
    int err = write_all(1, outbuf, outlen, &done);
    memmove(outbuf, outbuf + done, outlen - done);
    outlen -= done;
    return err;
}

// Buffer [s]; returns 0 or the errno of a flush that failed (the piece
// is then dropped).
static int
put_locked(const char *s, size_t n)
{
    if (outlen + n > OUTBUF_SIZE) {
        int err = flush_locked();
        if (err != 0)
            return err;
        if (n > OUTBUF_SIZE) {
            size_t done;
            return write_all(1, s, n, &done);
        }
    }
    memcpy(outbuf + outlen, s, n);
    outlen += n;
    return 0;
}

int
wf_bi_flush_stdout(void)
{
    pthread_mutex_lock(&out_lock);
    int err = flush_locked();
    pthread_mutex_unlock(&out_lock);
    return err;
}

void
wf_bi_discard_stdout(void)
{
    pthread_mutex_lock(&out_lock);
    outlen = 0;
    pthread_mutex_unlock(&out_lock);
}

static void
flush_at_exit(void)
{
    (void)wf_bi_flush_stdout();
}

// ===== print =====

static wf_value
bi_print(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"sep", "end", "file", "flush"};
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    wf_value kw[4];
    if (wf_arg_parse(ts, "print", args + nargs, 0, kwnames, names, 4, 0, 0,
                     kw) < 0)
        return WF_NULL;
    (void)nkw;
    const char *sep = " ", *end = "\n";
    size_t seplen = 1, endlen = 1;
    if (kw[0] != WF_NULL && kw[0] != WF_NONE) {
        if (!wf_val_isinstance(kw[0], &wf_str_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "sep must be None or a string, not %s",
                                 wf_obj_type_name(kw[0]));
        sep = wf_str_cstr(kw[0]);
        seplen = wf_str_len(kw[0]);
    }
    if (kw[1] != WF_NULL && kw[1] != WF_NONE) {
        if (!wf_val_isinstance(kw[1], &wf_str_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "end must be None or a string, not %s",
                                 wf_obj_type_name(kw[1]));
        end = wf_str_cstr(kw[1]);
        endlen = wf_str_len(kw[1]);
    }
    bool flush = false;
    if (kw[3] != WF_NULL) {
        int t = wf_obj_truthy(ts, kw[3]);
        if (t < 0)
            return WF_NULL;
        flush = t;
    }
    // Convert every argument first, keeping the strings rooted.
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    size_t base = ts->nroots;
    for (size_t i = 0; i < nargs; i++) {
        wf_value s = wf_obj_str(ts, args[i]);
        if (s == WF_NULL || wf_root_push(ts, s) < 0)
            goto done;
    }
    // The write may block (a full pipe) and the lock may be contended:
    // wait detached, so no pause waits for us (ARCHITECTURE "Threads and
    // the pause"). Detached, we only read the bytes of the str objects
    // rooted above (immutable, and the collector does not move objects).
    wf_thread_detach(ts);
    pthread_mutex_lock(&out_lock);
    int err = 0;
    for (size_t i = 0; i < nargs && err == 0; i++) {
        if (i > 0)
            err = put_locked(sep, seplen);
        wf_value s = ts->roots[base + i];
        if (err == 0)
            err = put_locked(wf_str_cstr(s), wf_str_len(s));
    }
    if (err == 0)
        err = put_locked(end, endlen);
    if (out_is_tty < 0)
        out_is_tty = isatty(1);
    if (err == 0 &&
        (flush || (out_is_tty && memchr(end, '\n', endlen) != NULL)))
        err = flush_locked();
    pthread_mutex_unlock(&out_lock);
    wf_thread_attach(ts);
    // A failed write (EPIPE with SIGPIPE ignored, ENOSPC, ...) is
    // OSError, as CPython's print.
    if (err != 0)
        wf_err_set_errno(ts, err);
    else
        r = WF_NONE;
done:
    wf_root_release(ts, mark);
    return r;
}

// ===== Simple functions =====

static wf_value
bi_len(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "len", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    int64_t n = wf_obj_len(ts, args[0]);
    return n < 0 ? WF_NULL : wf_val_from_int(n);
}

static wf_value
bi_repr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "repr", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return wf_obj_repr(ts, args[0]);
}

static wf_value
bi_iter(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "iter", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return wf_obj_getiter(ts, args[0]);
}

static wf_value
bi_next(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "next", nargs, kw, 1, 2) < 0)
        return WF_NULL;
    if (wf_val_type(args[0])->iternext == NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "'%s' object is not an iterator",
                             wf_obj_type_name(args[0]));
    wf_value out;
    if (wf_val_is(args[0], &wf_gen_type)) {
        // A generator's return value rides on the StopIteration, as in
        // CPython (its tp_iternext drops it).
        int st = wf_gen_send(ts, args[0], WF_NONE, &out);
        if (st != 0)
            return st > 0 ? out : WF_NULL;
        if (nargs > 1)
            return args[1];
        if (out == WF_NONE)
            return wf_err_set_none(ts, &wf_exc_StopIteration);
        wf_value targs = wf_tuple_pack(ts, 1, out);
        wf_value exc = targs == WF_NULL
                           ? WF_NULL
                           : wf_exc_new(ts, &wf_exc_StopIteration, targs);
        return exc == WF_NULL ? WF_NULL : wf_err_set_value(ts, exc);
    }
    int st = wf_obj_iternext(ts, args[0], &out);
    if (st > 0)
        return out;
    if (st < 0)
        return WF_NULL;
    if (nargs > 1)
        return args[1];
    return wf_err_set_none(ts, &wf_exc_StopIteration);
}

static wf_value
bi_isinstance(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "isinstance", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    int r = wf_obj_isinstance(ts, args[0], args[1]);
    return r < 0 ? WF_NULL : wf_val_bool(r);
}

static int
subclass_of(wf_thread *ts, wf_type *c, wf_value cls)
{
    if (wf_val_isinstance(cls, &wf_type_type))
        return wf_type_is_subtype(c, (wf_type *)wf_val_as_obj(cls));
    if (wf_val_is(cls, &wf_tuple_type)) {
        for (size_t i = 0; i < wf_tuple_len(cls); i++) {
            int r = subclass_of(ts, c, wf_tuple_items(cls)[i]);
            if (r != 0)
                return r;
        }
        return 0;
    }
    wf_err_format(ts, &wf_exc_TypeError,
                  "issubclass() arg 2 must be a class, a tuple of classes, "
                  "or a union");
    return -1;
}

static wf_value
bi_issubclass(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "issubclass", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    if (!wf_val_isinstance(args[0], &wf_type_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "issubclass() arg 1 must be a class");
    int r = subclass_of(ts, (wf_type *)wf_val_as_obj(args[0]), args[1]);
    return r < 0 ? WF_NULL : wf_val_bool(r);
}

static wf_value
bi_sorted(wf_thread *ts, const wf_value *args, size_t nargs,
          wf_value kwnames)
{
    // As CPython: a new list from the iterable, then its sort() with the
    // keyword arguments (so their errors name sort(), after iterating).
    // Keyword values follow the positional ones in [args].
    static const char *const names[] = {"key", "reverse"};
    if (nargs != 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "sorted expected 1 argument, got %zu", nargs);
    wf_value a[2];
    int rev = 0;
    size_t mark = wf_root_mark(ts);
    wf_value l = wf_list_new(ts, 0);
    if (l == WF_NULL || wf_root_push(ts, l) < 0 ||
        wf_list_extend(ts, l, args[0]) < 0)
        goto fail;
    if (wf_arg_parse(ts, "sort", args + 1, 0, kwnames, names, 2, 0, 0, a) < 0 ||
        (a[1] != WF_NULL && (rev = wf_obj_truthy(ts, a[1])) < 0) ||
        wf_list_sort(ts, l, a[0], rev) < 0)
        goto fail;
    wf_root_release(ts, mark);
    return l;
fail:
    wf_root_release(ts, mark);
    return WF_NULL;
}

// min(...) / max(...): [op] WF_CMP_LT for min, WF_CMP_GT for max.
static wf_value
minmax(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames,
       wf_cmp_op op)
{
    const char *fname = op == WF_CMP_LT ? "min" : "max";
    static const char *const names[] = {"key", "default"};
    wf_value kw[2];
    if (wf_arg_parse(ts, fname, args + nargs, 0, kwnames, names, 2, 0, 0,
                     kw) < 0)
        return WF_NULL;
    if (nargs == 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "%s expected at least 1 argument, got 0", fname);
    if (nargs > 1 && kw[1] != WF_NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "Cannot specify a default for %s() with "
                             "multiple positional arguments", fname);
    wf_value key = kw[0] == WF_NONE ? WF_NULL : kw[0];
    size_t mark = wf_root_mark(ts);
    wf_value result = WF_NULL;
    wf_value src = nargs == 1 ? args[0]
                              : wf_tuple_from_array(ts, args, nargs);
    if (src == WF_NULL || wf_root_push(ts, src) < 0)
        goto done;
    wf_value it = wf_obj_getiter(ts, src);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    int64_t slot = -1;
    wf_value best = WF_NULL, bestkey = WF_NULL;
    for (;;) {
        wf_value x;
        int st = wf_obj_iternext(ts, it, &x);
        if (st < 0)
            goto done;
        if (st == 0)
            break;
        int64_t xs = wf_root_push(ts, x);
        if (xs < 0)
            goto done;
        wf_value k = x;
        if (key != WF_NULL) {
            k = wf_obj_call(ts, key, &x, 1, WF_NULL);
            if (k == WF_NULL || wf_root_push(ts, k) < 0)
                goto done;
        }
        if (best == WF_NULL) {
            best = x;
            bestkey = k;
            slot = xs;
            continue;
        }
        wf_value c = wf_obj_richcompare(ts, k, bestkey, op);
        int t = c == WF_NULL ? -1 : wf_obj_truthy(ts, c);
        if (t < 0)
            goto done;
        if (t) {
            best = x;
            bestkey = k;
        }
        // Keep only best and bestkey rooted.
        ts->roots[slot] = best;
        ts->roots[slot + 1] = bestkey;
        ts->nroots = (size_t)slot + 2;
    }
    if (best == WF_NULL) {
        if (kw[1] != WF_NULL)
            result = kw[1];
        else
            wf_err_format(ts, &wf_exc_ValueError,
                          "%s() iterable argument is empty", fname);
        goto done;
    }
    result = best;
done:
    wf_root_release(ts, mark);
    return result;
}

static wf_value
bi_min(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return minmax(ts, args, nargs, kw, WF_CMP_LT);
}

static wf_value
bi_max(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return minmax(ts, args, nargs, kw, WF_CMP_GT);
}

static wf_value
bi_sum(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"iterable", "start"};
    wf_value a[2];
    if (wf_arg_parse(ts, "sum", args, nargs, kwnames, names, 2, 2, 1, a) < 0)
        return WF_NULL;
    wf_value acc = a[1] != WF_NULL ? a[1] : wf_val_from_int(0);
    if (wf_val_isinstance(acc, &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "sum() can't sum strings [use ''.join(seq) "
                             "instead]");
    size_t mark = wf_root_mark(ts);
    wf_value result = WF_NULL;
    wf_value it = wf_obj_getiter(ts, a[0]);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    int64_t slot = wf_root_push(ts, acc);
    if (slot < 0)
        goto done;
    for (;;) {
        wf_value x;
        int st = wf_obj_iternext(ts, it, &x);
        if (st < 0)
            goto done;
        if (st == 0)
            break;
        if (wf_val_is_int(acc) && wf_val_is_int(x)) {
            int64_t r;
            if (!__builtin_add_overflow(wf_val_as_int(acc), wf_val_as_int(x),
                                        &r) &&
                wf_val_int_fits(r)) {
                acc = wf_val_from_int(r);
                continue;
            }
        }
        acc = wf_obj_binop(ts, acc, x, WF_BINOP_ADD);
        if (acc == WF_NULL)
            goto done;
        ts->roots[slot] = acc;
    }
    result = acc;
done:
    wf_root_release(ts, mark);
    return result;
}

static wf_value
bi_abs(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "abs", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    wf_value v = args[0];
    if (wf_int_check(v)) {
        int64_t i;
        if (wf_int_as_i64(ts, v, &i) < 0)
            return WF_NULL;
        return wf_int_new(ts, i < 0 ? -i : i);
    }
    if (wf_val_is(v, &wf_float_type))
        return wf_float_new(ts, fabs(wf_float_val(v)));
    wf_value name = wf_str_intern(ts, "__abs__");
    if (name == WF_NULL)
        return WF_NULL;
    if (wf_type_lookup(wf_val_type(v), name) != WF_NULL)
        return wf_obj_call_dunder(ts, v, name, NULL, 0);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "bad operand type for abs(): '%s'",
                         wf_obj_type_name(v));
}

static wf_value
bi_hash(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "hash", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    int64_t h;
    if (wf_obj_hash(ts, args[0], &h) < 0)
        return WF_NULL;
    // Fold into the tagged range (CPython hashes fit 61 bits too).
    if (!wf_val_int_fits(h))
        h = (int64_t)((uint64_t)h >> 2);
    return wf_val_from_int(h);
}

static wf_value
bi_id(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "id", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return wf_val_from_int((int64_t)(args[0] >> 1));
}

static int
attr_name(wf_thread *ts, wf_value v)
{
    if (wf_val_isinstance(v, &wf_str_type))
        return 0;
    wf_err_format(ts, &wf_exc_TypeError,
                  "attribute name must be string, not '%s'",
                  wf_obj_type_name(v));
    return -1;
}

static wf_value
bi_getattr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "getattr", nargs, kw, 2, 3) < 0 ||
        attr_name(ts, args[1]) < 0)
        return WF_NULL;
    if (nargs == 2)
        return wf_obj_getattr(ts, args[0], args[1]);
    wf_value r = wf_obj_lookup_attr(ts, args[0], args[1]);
    if (r == WF_NULL && !wf_err_occurred(ts))
        return args[2];
    return r;
}

static wf_value
bi_setattr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "setattr", nargs, kw, 3, 3) < 0 ||
        attr_name(ts, args[1]) < 0)
        return WF_NULL;
    return wf_obj_setattr(ts, args[0], args[1], args[2]) < 0 ? WF_NULL
                                                             : WF_NONE;
}

static wf_value
bi_delattr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "delattr", nargs, kw, 2, 2) < 0 ||
        attr_name(ts, args[1]) < 0)
        return WF_NULL;
    return wf_obj_setattr(ts, args[0], args[1], WF_NULL) < 0 ? WF_NULL
                                                             : WF_NONE;
}

static wf_value
bi_hasattr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "hasattr", nargs, kw, 2, 2) < 0 ||
        attr_name(ts, args[1]) < 0)
        return WF_NULL;
    wf_value r = wf_obj_lookup_attr(ts, args[0], args[1]);
    if (r == WF_NULL && wf_err_occurred(ts))
        return WF_NULL;
    return wf_val_bool(r != WF_NULL);
}

static wf_value
bi_callable(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "callable", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return wf_val_bool(wf_val_type(args[0])->call != NULL);
}

static wf_value
bi_chr(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "chr", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    int64_t c;
    if (wf_int_as_i64(ts, args[0], &c) < 0)
        return WF_NULL;
    if (c < 0 || c > 0x10FFFF)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "chr() arg not in range(0x110000)");
    char buf[4];
    size_t n;
    if (c < 0x80) {
        buf[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        buf[0] = (char)(0xC0 | (c >> 6));
        buf[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        buf[0] = (char)(0xE0 | (c >> 12));
        buf[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        buf[0] = (char)(0xF0 | (c >> 18));
        buf[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        buf[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return wf_str_new(ts, buf, n);
}

static wf_value
bi_ord(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "ord", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    if (!wf_val_isinstance(args[0], &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "ord() expected string of length 1, but %s "
                             "found", wf_obj_type_name(args[0]));
    const wf_str *s = (const wf_str *)wf_val_as_obj(args[0]);
    if (s->nchars != 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "ord() expected a character, but string of "
                             "length %zu found", s->nchars);
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t c;
    if (p[0] < 0x80)
        c = p[0];
    else if (p[0] < 0xE0)
        c = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    else if (p[0] < 0xF0)
        c = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    else
        c = ((int64_t)(p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) |
            ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return wf_val_from_int(c);
}

static wf_value
bi_round(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"number", "ndigits"};
    wf_value a[2];
    if (wf_arg_parse(ts, "round", args, nargs, kwnames, names, 2, 2, 1, a) <
        0)
        return WF_NULL;
    wf_value x = a[0];
    bool has_nd = a[1] != WF_NULL && a[1] != WF_NONE;
    int64_t nd = 0;
    if (has_nd && wf_int_as_i64(ts, a[1], &nd) < 0)
        return WF_NULL;
    if (wf_int_check(x)) {
        int64_t i;
        if (wf_int_as_i64(ts, x, &i) < 0)
            return WF_NULL;
        if (!has_nd || nd >= 0)
            return wf_val_from_int(i);
        // Round to a power of ten, half to even.
        if (nd < -18)
            return wf_val_from_int(0);
        int64_t p = 1;
        for (int64_t k = 0; k < -nd; k++)
            p *= 10;
        int64_t q = i / p, r = i % p;
        if (r < 0) {
            q--;
            r += p;
        }
        if (2 * r > p || (2 * r == p && (q & 1)))
            q++;
        return wf_int_new(ts, q * p);
    }
    if (wf_val_is(x, &wf_float_type)) {
        double d = wf_float_val(x);
        if (!has_nd) {
            if (isnan(d))
                return wf_err_format(ts, &wf_exc_ValueError,
                                     "cannot convert float NaN to integer");
            if (isinf(d))
                return wf_err_format(ts, &wf_exc_OverflowError,
                                     "cannot convert float infinity to "
                                     "integer");
            double r = nearbyint(d);
            if (r < (double)WF_INT_MIN || r >= -(double)WF_INT_MIN)  // 2^62
                return wf_err_format(ts, &wf_exc_OverflowError,
                                     "integer overflow: Weft ints are "
                                     "limited to 62 bits");
            return wf_val_from_int((int64_t)r);
        }
        if (!isfinite(d) || nd > 300)
            return x;
        if (nd < -308)
            return wf_float_new(ts, 0.0 * d);
        char buf[400];
        if (nd >= 0) {
            snprintf(buf, sizeof buf, "%.*f", (int)nd, d);
            return wf_float_new(ts, strtod(buf, NULL));
        }
        double p = pow(10.0, (double)-nd);
        return wf_float_new(ts, nearbyint(d / p) * p);
    }
    wf_value name = wf_str_intern(ts, "__round__");
    if (name != WF_NULL && wf_type_lookup(wf_val_type(x), name) != WF_NULL)
        return wf_obj_call_dunder(ts, x, name, &a[1], a[1] != WF_NULL);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "type %s doesn't define __round__ method",
                         wf_obj_type_name(x));
}

static wf_value
bi_divmod(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "divmod", nargs, kw, 2, 2) < 0)
        return WF_NULL;
    wf_value a = args[0], b = args[1];
    if (wf_val_is(a, &wf_float_type) || wf_val_is(b, &wf_float_type)) {
        double y;
        if ((wf_int_check(b) || wf_val_is(b, &wf_float_type)) &&
            wf_float_as_double(ts, b, &y) == 0 && y == 0.0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
    }
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value q = wf_obj_binop(ts, a, b, WF_BINOP_FLOOR_DIVIDE);
    if (q == WF_NULL) {
        if (wf_err_matches(ts, &wf_exc_TypeError)) {
            wf_err_clear(ts);
            wf_err_format(ts, &wf_exc_TypeError,
                          "unsupported operand type(s) for divmod(): '%s' "
                          "and '%s'", wf_obj_type_name(a),
                          wf_obj_type_name(b));
        }
        goto done;
    }
    if (wf_root_push(ts, q) < 0)
        goto done;
    wf_value m = wf_obj_binop(ts, a, b, WF_BINOP_REMAINDER);
    if (m == WF_NULL)
        goto done;
    r = wf_tuple_pack(ts, 2, q, m);
done:
    wf_root_release(ts, mark);
    return r;
}

static wf_value
bi_pow(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    static const char *const names[] = {"base", "exp", "mod"};
    wf_value a[3];
    if (wf_arg_parse(ts, "pow", args, nargs, kwnames, names, 3, 3, 2, a) < 0)
        return WF_NULL;
    if (a[2] == WF_NULL || a[2] == WF_NONE)
        return wf_obj_binop(ts, a[0], a[1], WF_BINOP_POWER);
    int64_t b, e, m;
    if (!wf_int_check(a[0]) || !wf_int_check(a[1]) || !wf_int_check(a[2]))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "pow() 3rd argument not allowed unless all "
                             "arguments are integers");
    if (wf_int_as_i64(ts, a[0], &b) < 0 || wf_int_as_i64(ts, a[1], &e) < 0 ||
        wf_int_as_i64(ts, a[2], &m) < 0)
        return WF_NULL;
    if (m == 0)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "pow() 3rd argument cannot be 0");
    if (e < 0)
        return wf_err_format(ts, &wf_exc_ValueError,
                             "pow() negative exponent with a modulus is not "
                             "supported in Weft");
    __int128 r = 1, base = b % m;
    if (base < 0)
        base += m < 0 ? -m : m;
    while (e > 0) {
        if (e & 1)
            r = (r * base) % m;
        base = (base * base) % m;
        e >>= 1;
    }
    int64_t res = (int64_t)(r % m);
    if (res != 0 && ((res < 0) != (m < 0)))
        res += m;
    return wf_val_from_int(res);
}

// all() / any(): [want] is the truth value that stops the scan.
static wf_value
all_any(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw,
        bool want, const char *fname)
{
    if (wf_arg_check(ts, fname, nargs, kw, 1, 1) < 0)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    wf_value it = wf_obj_getiter(ts, args[0]);
    if (it == WF_NULL || wf_root_push(ts, it) < 0)
        goto done;
    for (;;) {
        wf_value x;
        int st = wf_obj_iternext(ts, it, &x);
        if (st < 0)
            goto done;
        if (st == 0)
            break;
        int t = wf_obj_truthy(ts, x);
        if (t < 0)
            goto done;
        if ((bool)t == want) {
            r = wf_val_bool(want);
            goto done;
        }
    }
    r = wf_val_bool(!want);
done:
    wf_root_release(ts, mark);
    return r;
}

static wf_value
bi_all(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return all_any(ts, args, nargs, kw, false, "all");
}

static wf_value
bi_any(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return all_any(ts, args, nargs, kw, true, "any");
}

static wf_value
bi_format(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "format", nargs, kw, 1, 2) < 0)
        return WF_NULL;
    if (nargs > 1 && !wf_val_isinstance(args[1], &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "format() argument 2 must be str, not %s",
                             wf_obj_type_name(args[1]));
    return wf_obj_format(ts, args[0], nargs > 1 ? args[1] : WF_NULL);
}

static wf_value
bi_ascii(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    if (wf_arg_check(ts, "ascii", nargs, kw, 1, 1) < 0)
        return WF_NULL;
    return wf_str_ascii(ts, args[0]);  // the one f'{x!a}' uses
}

// ===== Module =====

// modules.def init of `builtins`: the module wf_builtins_init made.
wf_value
wf_bi_module_init(wf_thread *ts)
{
    return ts->interp->builtins;
}

wf_value
wf_builtins_init(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } funcs[] = {
        {"print", bi_print}, {"len", bi_len}, {"repr", bi_repr},
        {"iter", bi_iter}, {"next", bi_next}, {"isinstance", bi_isinstance},
        {"issubclass", bi_issubclass}, {"sorted", bi_sorted},
        {"min", bi_min}, {"max", bi_max}, {"sum", bi_sum}, {"abs", bi_abs},
        {"hash", bi_hash}, {"id", bi_id}, {"getattr", bi_getattr},
        {"setattr", bi_setattr}, {"delattr", bi_delattr},
        {"hasattr", bi_hasattr}, {"callable", bi_callable},
        {"chr", bi_chr}, {"ord", bi_ord}, {"round", bi_round},
        {"divmod", bi_divmod}, {"pow", bi_pow}, {"all", bi_all},
        {"any", bi_any}, {"format", bi_format}, {"ascii", bi_ascii},
    };
    static wf_type *const types[] = {
        &wf_int_type, &wf_float_type, &wf_bool_type, &wf_str_type,
        &wf_list_type, &wf_tuple_type, &wf_dict_type, &wf_range_type,
        &wf_object_type, &wf_type_type, &wf_enumerate_type, &wf_zip_type,
        &wf_reversed_type, &wf_map_type, &wf_filter_type, &wf_slice_type,
    };
    wf_interp *interp = ts->interp;
    wf_value m = wf_module_new(ts, "builtins");
    if (m == WF_NULL)
        return WF_NULL;
    interp->builtins = m;
    interp->builtins_dict = ((wf_module *)wf_val_as_obj(m))->dict;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (wf_module_add_func(ts, m, funcs[i].name, funcs[i].fn) < 0)
            return WF_NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (wf_module_add(ts, m, types[i]->name,
                          wf_val_from_obj(types[i])) < 0)
            return WF_NULL;
    if (wf_module_add(ts, m, "None", WF_NONE) < 0 ||
        wf_module_add(ts, m, "True", WF_TRUE) < 0 ||
        wf_module_add(ts, m, "False", WF_FALSE) < 0 ||
        wf_module_add(ts, m, "NotImplemented", WF_NOTIMPL) < 0 ||
        wf_module_add(ts, m, "Ellipsis", WF_ELLIPSIS) < 0)
        return WF_NULL;
    if (wf_exc_init(ts, interp->builtins_dict) < 0)
        return WF_NULL;
    if (interp->modules == WF_NULL) {
        interp->modules = wf_dict_new(ts);
        if (interp->modules == WF_NULL)
            return WF_NULL;
    }
    wf_value name = wf_str_intern(ts, "builtins");
    if (name == WF_NULL || wf_dict_set(ts, interp->modules, name, m) < 0)
        return WF_NULL;
    static bool atexit_done;
    if (!atexit_done) {
        atexit(flush_at_exit);
        atexit_done = true;
    }
    return m;
}
