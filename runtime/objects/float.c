// runtime/objects/float.c -- float (wf_float_*).
// Boxed IEEE doubles. repr is the shortest string that round-trips, laid
// out as Python's repr (fixed notation for exponents in [-4, 16), else
// "1e+16" style). Mixed arithmetic and comparison with int and bool.
#include "objects/object.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "objects/error.h"
#include "gc.h"

wf_value
wf_float_new(wf_thread *ts, double v)
{
    wf_float *f = (wf_float *)wf_gc_alloc(ts, &wf_float_type,
                                          sizeof(wf_float));
    if (f == NULL)
        return WF_NULL;
    f->v = v;
    return wf_val_from_obj(f);
}

// [v] as a double if it is a float, int or bool.
static bool
as_double(wf_value v, double *out)
{
    if (wf_val_is_int(v)) {
        *out = (double)wf_val_as_int(v);
        return true;
    }
    if (v == WF_TRUE || v == WF_FALSE) {
        *out = v == WF_TRUE ? 1.0 : 0.0;
        return true;
    }
    if (wf_val_is(v, &wf_float_type)) {
        *out = wf_float_val(v);
        return true;
    }
    return false;
}

int
wf_float_as_double(wf_thread *ts, wf_value v, double *out)
{
    if (as_double(v, out))
        return 0;
    wf_err_format(ts, &wf_exc_TypeError, "must be real number, not %s",
                  wf_obj_type_name(v));
    return -1;
}

// ===== repr =====

void
wf_float_repr_buf(double d, char *buf, size_t size)
{
    if (isnan(d)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, size, d < 0 ? "-inf" : "inf");
        return;
    }
    // Shortest %.*e that round-trips gives the digits and the exponent.
    char tmp[40];
    int prec;
    for (prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", prec, d);
    // tmp: [-]D[.DDDD]e[+-]XX
    char digits[24];
    size_t nd = 0;
    const char *p = tmp;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    size_t o = 0;
    char out[64];
    if (neg)
        out[o++] = '-';
    if (exp >= -5 + 1 && exp < 16) {
        if (exp < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = -1; i > exp; i--)
                out[o++] = '0';
            memcpy(out + o, digits, nd);
            o += nd;
        } else {
            for (int i = 0; i <= exp; i++)
                out[o++] = (size_t)i < nd ? digits[i] : '0';
            out[o++] = '.';
            if ((size_t)exp + 1 < nd) {
                memcpy(out + o, digits + exp + 1, nd - (size_t)exp - 1);
                o += nd - (size_t)exp - 1;
            } else {
                out[o++] = '0';
            }
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        snprintf(out + o, sizeof out - o, "e%c%02d", exp < 0 ? '-' : '+',
                 exp < 0 ? -exp : exp);
    }
    snprintf(buf, size, "%s", out);
}

static wf_value
float_repr(wf_thread *ts, wf_value v)
{
    char buf[64];
    wf_float_repr_buf(wf_float_val(v), buf, sizeof buf);
    return wf_str_from_cstr(ts, buf);
}

// ===== Arithmetic =====

// OverflowError(34, 'Numerical result out of range'): CPython's
// OverflowError from errno ERANGE, args and all. Returns WF_NULL.
static wf_value
range_error(wf_thread *ts)
{
    wf_value msg = wf_str_intern(ts, "Numerical result out of range");
    if (msg == WF_NULL)
        return WF_NULL;
    wf_value args = wf_tuple_pack(ts, 2, wf_val_from_int(ERANGE), msg);
    if (args == WF_NULL)
        return WF_NULL;
    wf_value exc = wf_exc_new(ts, &wf_exc_OverflowError, args);
    if (exc == WF_NULL)
        return WF_NULL;
    return wf_err_set_value(ts, exc);
}

static wf_value
float_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    double x, y;
    if (!as_double(a, &x) || !as_double(b, &y))
        return WF_NOTIMPL;
    if (op >= WF_BINOP_INPLACE_ADD)
        op = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
    switch (op) {
    case WF_BINOP_ADD:
        return wf_float_new(ts, x + y);
    case WF_BINOP_SUBTRACT:
        return wf_float_new(ts, x - y);
    case WF_BINOP_MULTIPLY:
        return wf_float_new(ts, x * y);
    case WF_BINOP_TRUE_DIVIDE:
        if (y == 0.0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
        return wf_float_new(ts, x / y);
    case WF_BINOP_FLOOR_DIVIDE:
    case WF_BINOP_REMAINDER: {
        if (y == 0.0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
        // CPython's float_divmod.
        double mod = fmod(x, y);
        double div = (x - mod) / y;
        if (mod != 0.0) {
            if ((y < 0) != (mod < 0)) {
                mod += y;
                div -= 1.0;
            }
        } else {
            mod = copysign(0.0, y);
        }
        double floordiv;
        if (div != 0.0) {
            floordiv = floor(div);
            if (div - floordiv > 0.5)
                floordiv += 1.0;
        } else {
            floordiv = copysign(0.0, x / y);
        }
        return wf_float_new(ts, op == WF_BINOP_REMAINDER ? mod : floordiv);
    }
    case WF_BINOP_POWER:
        if (x == 0.0 && y < 0.0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "zero to a negative power");
        if (x < 0.0 && y != floor(y))
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "complex results are not supported in "
                                 "Weft");
        double r = pow(x, y);
        if (isinf(r) && isfinite(x) && isfinite(y))
            return range_error(ts);  // CPython: errno ERANGE, not inf
        return wf_float_new(ts, r);
    default:
        return WF_NOTIMPL;
    }
}

static wf_value
float_unaryop(wf_thread *ts, wf_value v, wf_unaryop op)
{
    switch (op) {
    case WF_UNARY_NEGATIVE:
        return wf_float_new(ts, -wf_float_val(v));
    case WF_UNARY_POSITIVE:
        return v;
    case WF_UNARY_INVERT:
        return WF_NOTIMPL;
    }
    return WF_NOTIMPL;
}

// Compare a double with an int64 exactly (CPython's float_richcompare
// idea: doubles beyond 2^53 are integers, compare them as integers).
static int
cmp_double_int(double x, int64_t i)
{
    double di = (double)i;
    if (x < di)
        return -1;
    if (x > di)
        return 1;
    // x == (double)i: they may still differ in low bits of i.
    if (fabs(x) < 9007199254740992.0)
        return 0;
    int64_t xi = (int64_t)x;
    return xi < i ? -1 : xi > i ? 1 : 0;
}

static wf_value
float_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    double x, y;
    if (!as_double(a, &x) || !as_double(b, &y))
        return WF_NOTIMPL;
    int c;
    if (isnan(x) || isnan(y)) {
        return wf_val_bool(op == WF_CMP_NE);
    } else if (wf_val_is(a, &wf_float_type) && !wf_val_is(b, &wf_float_type)) {
        c = isinf(x) ? (x > 0 ? 1 : -1)
                     : cmp_double_int(x, wf_val_is_int(b) ? wf_val_as_int(b)
                                                          : b == WF_TRUE);
    } else {
        c = x < y ? -1 : x > y ? 1 : 0;
    }
    switch (op) {
    case WF_CMP_LT: return wf_val_bool(c < 0);
    case WF_CMP_LE: return wf_val_bool(c <= 0);
    case WF_CMP_EQ: return wf_val_bool(c == 0);
    case WF_CMP_NE: return wf_val_bool(c != 0);
    case WF_CMP_GT: return wf_val_bool(c > 0);
    case WF_CMP_GE: return wf_val_bool(c >= 0);
    }
    return WF_NOTIMPL;
}

// Same hash as an equal int for integral values (1.0 and 1 are one dict
// key); other values hash their bits.
static int
float_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    (void)ts;
    double d = wf_float_val(v);
    if (isinf(d)) {
        *out = d > 0 ? 314159 : -314159;
        return 0;
    }
    if (isnan(d)) {
        *out = wf_obj_hash_identity(v);
        return 0;
    }
    // Every float equal to a Weft int hashes as that int: the whole
    // range [-2^62, 2^62), WF_INT_MIN included.
    if (d == floor(d) && d >= (double)WF_INT_MIN && d < -(double)WF_INT_MIN) {
        int64_t i = (int64_t)d;
        *out = i == -1 ? -2 : i;
        return 0;
    }
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int64_t h = (int64_t)(bits ^ (bits >> 29));
    *out = h == -1 ? -2 : h;
    return 0;
}

static int
float_truth(wf_thread *ts, wf_value v)
{
    (void)ts;
    return wf_float_val(v) != 0.0;
}

static wf_value
float_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    (void)type;
    if (wf_arg_check(ts, "float", nargs, kwnames, 0, 1) < 0)
        return WF_NULL;
    if (nargs == 0)
        return wf_float_new(ts, 0.0);
    wf_value x = args[0];
    if (wf_val_is(x, &wf_float_type))
        return x;
    double d;
    if (as_double(x, &d))
        return wf_float_new(ts, d);
    if (wf_val_isinstance(x, &wf_str_type)) {
        const char *s = wf_str_cstr(x);
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        char *end;
        // strtod accepts hex and "infinity"/"nan" like Python does; reject
        // the hex forms Python's float() does not take.
        const char *t = s + (*s == '+' || *s == '-');
        if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
            goto bad;
        d = strtod(s, &end);
        if (end == s)
            goto bad;
        while (*end == ' ' || *end == '\t' || *end == '\n')
            end++;
        if (*end != '\0')
            goto bad;
        return wf_float_new(ts, d);
bad:
        return wf_err_format(ts, &wf_exc_ValueError,
                             "could not convert string to float: %R", x);
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "float() argument must be a string or a real "
                         "number, not '%s'", wf_obj_type_name(x));
}

wf_type wf_float_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "float",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .basic_size = sizeof(wf_float),
    .repr = float_repr,
    .hash = float_hash,
    .richcompare = float_richcompare,
    .truth = float_truth,
    .binop = float_binop,
    .unaryop = float_unaryop,
    .new_ = float_new_,
};

// ===== Methods =====

static wf_value
float_is_integer(wf_thread *ts, const wf_value *args, size_t nargs,
                 wf_value kwnames)
{
    if (wf_arg_check(ts, "is_integer", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    double d = wf_float_val(args[0]);
    return wf_val_bool(isfinite(d) && d == floor(d));
}

int
wf_float_init_types(wf_thread *ts)
{
    return wf_type_add_method(ts, &wf_float_type, "is_integer",
                              float_is_integer);
}
