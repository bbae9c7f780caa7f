// runtime/objects/int.c -- int and bool (wf_int_*, wf_bool_*).
// Ints are tagged 63-bit words exact in [WF_INT_MIN, WF_INT_MAX]; results
// outside raise OverflowError (LANGUAGE.md deviation). bool is a subclass
// of int whose two instances are the immortal True/False objects, so every
// int operation accepts them as 1 and 0. Python's floor-division and
// modulo sign rules; int ** negative int and int / int give floats.
#include "objects/object.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "objects/error.h"

// ===== Helpers =====

bool
wf_int_check(wf_value v)
{
    return wf_val_is_int(v) || v == WF_TRUE || v == WF_FALSE;
}

// [v] as int64 if it is an int or bool.
static bool
as_int(wf_value v, int64_t *out)
{
    if (wf_val_is_int(v)) {
        *out = wf_val_as_int(v);
        return true;
    }
    if (v == WF_TRUE || v == WF_FALSE) {
        *out = v == WF_TRUE;
        return true;
    }
    return false;
}

int
wf_int_as_i64(wf_thread *ts, wf_value v, int64_t *out)
{
    if (as_int(v, out))
        return 0;
    wf_err_format(ts, &wf_exc_TypeError,
                  "'%s' object cannot be interpreted as an integer",
                  wf_obj_type_name(v));
    return -1;
}

static wf_value
overflow(wf_thread *ts)
{
    return wf_err_format(ts, &wf_exc_OverflowError,
                         "integer overflow: Weft ints are limited to 62 "
                         "bits");
}

wf_value
wf_int_new(wf_thread *ts, int64_t i)
{
    if (!wf_val_int_fits(i))
        return overflow(ts);
    return wf_val_from_int(i);
}

// ===== Arithmetic =====

static wf_value
int_pow(wf_thread *ts, int64_t x, int64_t y)
{
    if (y < 0) {
        if (x == 0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "0.0 cannot be raised to a negative power");
        return wf_float_new(ts, pow((double)x, (double)y));
    }
    int64_t result = 1, base = x;
    while (y > 0) {
        if (y & 1) {
            if (__builtin_mul_overflow(result, base, &result) ||
                !wf_val_int_fits(result))
                return overflow(ts);
        }
        y >>= 1;
        if (y > 0 && (__builtin_mul_overflow(base, base, &base) ||
                      !wf_val_int_fits(base)))
            return overflow(ts);
    }
    return wf_val_from_int(result);
}

// Floor division and modulo with Python's sign rules. [y] != 0.
static void
floor_divmod(int64_t x, int64_t y, int64_t *q, int64_t *r)
{
    int64_t qq = x / y, rr = x % y;
    if (rr != 0 && ((rr < 0) != (y < 0))) {
        qq--;
        rr += y;
    }
    *q = qq;
    *r = rr;
}

static wf_value
int_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    int64_t x, y, r;
    if (!as_int(a, &x) || !as_int(b, &y))
        return WF_NOTIMPL;
    if (op >= WF_BINOP_INPLACE_ADD)
        op = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
    bool both_bool = !wf_val_is_int(a) && !wf_val_is_int(b);
    switch (op) {
    case WF_BINOP_ADD:
        if (__builtin_add_overflow(x, y, &r))
            return overflow(ts);
        return wf_int_new(ts, r);
    case WF_BINOP_SUBTRACT:
        if (__builtin_sub_overflow(x, y, &r))
            return overflow(ts);
        return wf_int_new(ts, r);
    case WF_BINOP_MULTIPLY:
        if (__builtin_mul_overflow(x, y, &r))
            return overflow(ts);
        return wf_int_new(ts, r);
    case WF_BINOP_FLOOR_DIVIDE: {
        if (y == 0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
        int64_t q, m;
        floor_divmod(x, y, &q, &m);
        return wf_int_new(ts, q);
    }
    case WF_BINOP_REMAINDER: {
        if (y == 0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
        int64_t q, m;
        floor_divmod(x, y, &q, &m);
        return wf_val_from_int(m);
    }
    case WF_BINOP_TRUE_DIVIDE:
        if (y == 0)
            return wf_err_format(ts, &wf_exc_ZeroDivisionError,
                                 "division by zero");
        return wf_float_new(ts, (double)x / (double)y);
    case WF_BINOP_POWER:
        return int_pow(ts, x, y);
    case WF_BINOP_LSHIFT:
        if (y < 0)
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "negative shift count");
        if (x == 0)
            return wf_val_from_int(0);
        if (y >= 63)  // -1 << 62 is WF_INT_MIN: 62 may still fit
            return overflow(ts);
        r = (int64_t)((uint64_t)x << y);
        if ((r >> y) != x || !wf_val_int_fits(r))
            return overflow(ts);
        return wf_val_from_int(r);
    case WF_BINOP_RSHIFT:
        if (y < 0)
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "negative shift count");
        if (y >= 63)
            return wf_val_from_int(x < 0 ? -1 : 0);
        return wf_val_from_int(x >> y);
    case WF_BINOP_AND:
        return both_bool ? wf_val_bool(x & y) : wf_val_from_int(x & y);
    case WF_BINOP_OR:
        return both_bool ? wf_val_bool(x | y) : wf_val_from_int(x | y);
    case WF_BINOP_XOR:
        return both_bool ? wf_val_bool(x ^ y) : wf_val_from_int(x ^ y);
    default:
        return WF_NOTIMPL;
    }
}

static wf_value
int_unaryop(wf_thread *ts, wf_value v, wf_unaryop op)
{
    int64_t x;
    if (!as_int(v, &x))
        return WF_NOTIMPL;
    switch (op) {
    case WF_UNARY_NEGATIVE:
        return wf_int_new(ts, -x);
    case WF_UNARY_POSITIVE:
        return wf_val_from_int(x);
    case WF_UNARY_INVERT:
        return wf_val_from_int(~x);
    }
    return WF_NOTIMPL;
}

static wf_value
int_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    int64_t x, y;
    if (!as_int(a, &x) || !as_int(b, &y))
        return WF_NOTIMPL;
    switch (op) {
    case WF_CMP_LT: return wf_val_bool(x < y);
    case WF_CMP_LE: return wf_val_bool(x <= y);
    case WF_CMP_EQ: return wf_val_bool(x == y);
    case WF_CMP_NE: return wf_val_bool(x != y);
    case WF_CMP_GT: return wf_val_bool(x > y);
    case WF_CMP_GE: return wf_val_bool(x >= y);
    }
    return WF_NOTIMPL;
}

static int
int_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    (void)ts;
    int64_t x = 0;
    as_int(v, &x);
    *out = x == -1 ? -2 : x;
    return 0;
}

static int
int_truth(wf_thread *ts, wf_value v)
{
    (void)ts;
    int64_t x = 0;
    as_int(v, &x);
    return x != 0;
}

static wf_value
int_repr(wf_thread *ts, wf_value v)
{
    int64_t x = 0;
    as_int(v, &x);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)x);
    return wf_str_new(ts, buf, (size_t)n);
}

// ===== int(x), int(str, base) =====

static int
digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

static wf_value
int_from_str(wf_thread *ts, wf_value s, int64_t base)
{
    const char *p = wf_str_cstr(s), *end = p + wf_str_len(s);
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (end - p >= 2 && p[0] == '0') {
        char c = (char)tolower((unsigned char)p[1]);
        int pb = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (pb != 0 && (base == 0 || base == pb)) {
            base = pb;
            p += 2;
            if (p < end && *p == '_')
                p++;
        }
    }
    if (base == 0) {
        base = 10;
        // Python forbids leading zeros in base 0 ("010"), except "0".
        const char *q = p;
        while (q < end && (*q == '0' || *q == '_'))
            q++;
        if (p < end && *p == '0' && q != end)
            goto invalid;
    }
    if (p == end)
        goto invalid;
    uint64_t acc = 0;
    bool prev_us = true;
    for (; p < end; p++) {
        if (*p == '_') {
            if (prev_us)
                goto invalid;
            prev_us = true;
            continue;
        }
        int d = digit_value(*p);
        if (d >= base)
            goto invalid;
        prev_us = false;
        acc = acc * (uint64_t)base + (uint64_t)d;
        if (acc > (uint64_t)WF_INT_MAX + 1)
            return overflow(ts);
    }
    if (prev_us)
        goto invalid;
    if (!neg && acc > (uint64_t)WF_INT_MAX)
        return overflow(ts);
    return wf_val_from_int(neg ? -(int64_t)acc : (int64_t)acc);
invalid:
    return wf_err_format(ts, &wf_exc_ValueError,
                         "invalid literal for int() with base %lld: %R",
                         (long long)(base == 0 ? 10 : base), s);
}

static wf_value
int_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
        wf_value kwnames)
{
    (void)type;
    static const char *const names[] = {"x", "base"};
    wf_value a[2];
    if (wf_arg_parse(ts, "int", args, nargs, kwnames, names, 2, 2, 0, a) < 0)
        return WF_NULL;
    if (a[0] == WF_NULL) {
        if (a[1] != WF_NULL)
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "int() missing string argument");
        return wf_val_from_int(0);
    }
    wf_value x = a[0];
    if (a[1] != WF_NULL) {
        int64_t base;
        if (wf_int_as_i64(ts, a[1], &base) < 0)
            return WF_NULL;
        if (base != 0 && (base < 2 || base > 36))
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "int() base must be >= 2 and <= 36, or 0");
        if (!wf_val_isinstance(x, &wf_str_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "int() can't convert non-string with "
                                 "explicit base");
        return int_from_str(ts, x, base);
    }
    int64_t i;
    if (as_int(x, &i))
        return wf_val_from_int(i);
    if (wf_val_is(x, &wf_float_type)) {
        double d = wf_float_val(x);
        if (isnan(d))
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "cannot convert float NaN to integer");
        if (isinf(d))
            return wf_err_format(ts, &wf_exc_OverflowError,
                                 "cannot convert float infinity to integer");
        d = trunc(d);
        // WF_INT_MAX (2^62 - 1) rounds to 2^62 as a double: compare with
        // the exact powers, or 2.0**62 would pass and wrap negative.
        if (d < (double)WF_INT_MIN || d >= -(double)WF_INT_MIN)
            return overflow(ts);
        return wf_val_from_int((int64_t)d);
    }
    if (wf_val_isinstance(x, &wf_str_type))
        return int_from_str(ts, x, 10);
    wf_value name = wf_str_intern(ts, "__int__");
    if (name != WF_NULL && wf_type_lookup(wf_val_type(x), name) != WF_NULL)
        return wf_obj_call_dunder(ts, x, name, NULL, 0);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "int() argument must be a string, a bytes-like "
                         "object or a real number, not '%s'",
                         wf_obj_type_name(x));
}

wf_type wf_int_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "int",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .repr = int_repr,
    .hash = int_hash,
    .richcompare = int_richcompare,
    .truth = int_truth,
    .binop = int_binop,
    .unaryop = int_unaryop,
    .new_ = int_new,
};

// ===== bool =====

static wf_value
bool_repr(wf_thread *ts, wf_value v)
{
    return wf_str_intern(ts, v == WF_TRUE ? "True" : "False");
}

static wf_value
bool_new(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
         wf_value kwnames)
{
    (void)type;
    if (kwnames != WF_NULL && wf_tuple_len(kwnames) > 0)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "bool() takes no keyword arguments");
    if (nargs > 1)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "bool expected at most 1 argument, got %zu",
                             nargs);
    if (nargs == 0)
        return WF_FALSE;
    int t = wf_obj_truthy(ts, args[0]);
    return t < 0 ? WF_NULL : wf_val_bool(t);
}

wf_type wf_bool_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "bool",
    .base = &wf_int_type,
    .repr = bool_repr,
    .hash = int_hash,
    .richcompare = int_richcompare,
    .truth = int_truth,
    .binop = int_binop,
    .unaryop = int_unaryop,
    .new_ = bool_new,
};

wf_obj wf_true_obj = WF_OBJ_STATIC_INIT(&wf_bool_type);
wf_obj wf_false_obj = WF_OBJ_STATIC_INIT(&wf_bool_type);

// ===== Methods =====

static wf_value
int_bit_length(wf_thread *ts, const wf_value *args, size_t nargs,
               wf_value kwnames)
{
    if (wf_arg_check(ts, "bit_length", nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    int64_t x = 0;
    as_int(args[0], &x);
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    int n = 0;
    while (u != 0) {
        n++;
        u >>= 1;
    }
    return wf_val_from_int(n);
}

int
wf_int_init_types(wf_thread *ts)
{
    return wf_type_add_method(ts, &wf_int_type, "bit_length",
                              int_bit_length);
}
