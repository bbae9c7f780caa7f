// runtime/objects/str.c -- str (wf_str_*): UTF-8 strings, the intern table,
// wf_str_format, and the str methods of the subset.
// Strings are immutable, so readers need no lock; the cached hash is a
// racy-but-idempotent relaxed atomic. The intern table is process-wide,
// guarded by intern_lock; interned strings are immortal (never on an
// allocation list), so holders need not root them.
#define _GNU_SOURCE  // memmem
#include "objects/object.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "objects/error.h"
#include "gc.h"
#include "mem.h"
#include "threads/thread.h"

// ===== Construction =====

// Interned empty and one-ASCII-character strings (set by
// wf_str_init_types; before that wf_str_new allocates).
// W: init. R: plain.
static wf_value char_cache[128];
static wf_value empty_str;

static void
scan_utf8(wf_str *s)
{
    size_t nchars = 0;
    bool ascii = true;
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (c >= 0x80)
            ascii = false;
        if ((c & 0xC0) != 0x80)
            nchars++;
    }
    s->nchars = nchars;
    s->ob.aux |= ascii ? WF_STR_ASCII : 0;
}

wf_value
wf_str_new(wf_thread *ts, const char *utf8, size_t len)
{
    if (len == 0 && empty_str != WF_NULL)
        return empty_str;
    if (len == 1 && (unsigned char)utf8[0] < 128 &&
        char_cache[(unsigned char)utf8[0]] != WF_NULL)
        return char_cache[(unsigned char)utf8[0]];
    wf_str *s = (wf_str *)wf_gc_alloc(ts, &wf_str_type,
                                      offsetof(wf_str, data) + len + 1);
    if (s == NULL)
        return WF_NULL;
    wf_atomic_store_relaxed_i64(&s->hash, -1);
    s->len = len;
    memcpy(s->data, utf8, len);
    s->data[len] = '\0';
    scan_utf8(s);
    return wf_val_from_obj(s);
}

wf_value
wf_str_from_cstr(wf_thread *ts, const char *s)
{
    return wf_str_new(ts, s, strlen(s));
}

int64_t
wf_str_hash(wf_value v)
{
    wf_str *s = (wf_str *)wf_val_as_obj(v);
    int64_t h = wf_atomic_load_relaxed_i64(&s->hash);
    if (h != -1)
        return h;
    // FNV-1a, 64 bits: stable within (and across) processes.
    uint64_t x = 0xcbf29ce484222325u;
    for (size_t i = 0; i < s->len; i++) {
        x ^= (unsigned char)s->data[i];
        x *= 0x100000001b3u;
    }
    h = (int64_t)x;
    if (h == -1)
        h = -2;
    wf_atomic_store_relaxed_i64(&s->hash, h);
    return h;
}

bool
wf_str_eq(wf_value a, wf_value b)
{
    if (a == b)
        return true;
    const wf_str *x = (const wf_str *)wf_val_as_obj(a);
    const wf_str *y = (const wf_str *)wf_val_as_obj(b);
    if (x->len != y->len)
        return false;
    if ((x->ob.aux & y->ob.aux & WF_STR_INTERNED) != 0)
        return false;
    return memcmp(x->data, y->data, x->len) == 0;
}

// ===== Intern table =====

// Open-addressing set of immortal strings. W/R: under intern_lock.
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static wf_str **intern_tab;
static size_t intern_cap, intern_n;

static uint64_t
hash_bytes(const char *p, size_t n)
{
    uint64_t x = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        x ^= (unsigned char)p[i];
        x *= 0x100000001b3u;
    }
    return (int64_t)x == -1 ? (uint64_t)-2 : x;
}

static bool
intern_grow(void)
{
    size_t ncap = intern_cap ? 2 * intern_cap : 1024;
    wf_str **nt = calloc(ncap, sizeof *nt);
    if (nt == NULL)
        return false;
    for (size_t i = 0; i < intern_cap; i++) {
        wf_str *s = intern_tab[i];
        if (s == NULL)
            continue;
        size_t j = (size_t)wf_atomic_load_relaxed_i64(&s->hash) & (ncap - 1);
        while (nt[j] != NULL)
            j = (j + 1) & (ncap - 1);
        nt[j] = s;
    }
    free(intern_tab);
    intern_tab = nt;
    intern_cap = ncap;
    return true;
}

wf_value
wf_str_intern_n(wf_thread *ts, const char *s, size_t len)
{
    uint64_t h = hash_bytes(s, len);
    wf_value result = WF_NULL;
    pthread_mutex_lock(&intern_lock);
    if (2 * (intern_n + 1) > intern_cap && !intern_grow())
        goto done;
    size_t j = (size_t)h & (intern_cap - 1);
    for (wf_str *e; (e = intern_tab[j]) != NULL; j = (j + 1) & (intern_cap - 1)) {
        if (e->len == len && memcmp(e->data, s, len) == 0) {
            result = wf_val_from_obj(e);
            goto done;
        }
    }
    wf_str *n = calloc(1, offsetof(wf_str, data) + len + 1);
    if (n == NULL)
        goto done;
    n->ob.type = &wf_str_type;
    n->ob.gc_bits = WF_GC_IMMORTAL;
    n->ob.aux = WF_STR_INTERNED;
    n->len = len;
    wf_atomic_store_relaxed_i64(&n->hash, (int64_t)h);
    memcpy(n->data, s, len);
    scan_utf8(n);
    intern_tab[j] = n;
    intern_n++;
    result = wf_val_from_obj(n);
done:
    pthread_mutex_unlock(&intern_lock);
    if (result == WF_NULL && ts != NULL)
        wf_err_no_memory(ts);
    return result;
}

wf_value
wf_str_intern(wf_thread *ts, const char *s)
{
    return wf_str_intern_n(ts, s, strlen(s));
}

void
wf_str_visit_roots(wf_visit_fn visit, void *ctx)
{
    // Interned strings are immortal and hold no values: nothing to visit.
    (void)visit;
    (void)ctx;
}

// ===== Growable byte buffer =====

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool failed;
} sbuf;

static void
sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void
sb_putc(sbuf *b, char c)
{
    sb_put(b, &c, 1);
}

static void
sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

// Finish: a new str (WF_NULL + MemoryError on failure); frees the buffer.
static wf_value
sb_finish(wf_thread *ts, sbuf *b)
{
    wf_value r = b->failed ? wf_err_no_memory(ts)
                           : wf_str_new(ts, b->p ? b->p : "", b->n);
    free(b->p);
    return r;
}

// ===== repr =====

static void
repr_into(sbuf *b, const wf_str *s)
{
    bool has_sq = memchr(s->data, '\'', s->len) != NULL;
    bool has_dq = memchr(s->data, '"', s->len) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    sb_putc(b, q);
    for (size_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        char esc[8];
        if (c == (unsigned char)q || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c == '\n') {
            sb_puts(b, "\\n");
        } else if (c == '\r') {
            sb_puts(b, "\\r");
        } else if (c == '\t') {
            sb_puts(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_puts(b, esc);
        } else if (c == 0xC2 && i + 1 < s->len &&
                   (unsigned char)s->data[i + 1] < 0xA0) {
            // U+0080..U+009F: C1 controls are escaped as \x80..\x9f.
            snprintf(esc, sizeof esc, "\\x%02x",
                     (unsigned char)s->data[i + 1]);
            sb_puts(b, esc);
            i++;
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, q);
}

static wf_value
str_repr(wf_thread *ts, wf_value v)
{
    sbuf b = {0};
    repr_into(&b, (const wf_str *)wf_val_as_obj(v));
    return sb_finish(ts, &b);
}

// ===== wf_str_format =====

static bool
append_value(wf_thread *ts, sbuf *b, wf_value v, char conv)
{
    wf_value s;
    if (conv == 'U')
        s = v;
    else if (conv == 'T')
        s = WF_NULL;
    else
        s = conv == 'R' ? wf_obj_repr(ts, v) : wf_obj_str(ts, v);
    if (conv == 'T') {
        sb_puts(b, wf_obj_type_name(v));
        return true;
    }
    if (s == WF_NULL)
        return false;
    sb_put(b, wf_str_cstr(s), wf_str_len(s));
    return true;
}

wf_value
wf_str_vformat(wf_thread *ts, const char *fmt, va_list ap)
{
    sbuf b = {0};
    const char *p = fmt;
    while (*p != '\0') {
        const char *pct = strchr(p, '%');
        if (pct == NULL) {
            sb_puts(&b, p);
            break;
        }
        sb_put(&b, p, (size_t)(pct - p));
        const char *q = pct + 1;
        if (*q == '%') {
            sb_putc(&b, '%');
            p = q + 1;
            continue;
        }
        if (*q == 'R' || *q == 'S' || *q == 'T' || *q == 'U') {
            if (!append_value(ts, &b, va_arg(ap, wf_value), *q)) {
                free(b.p);
                return WF_NULL;
            }
            p = q + 1;
            continue;
        }
        // A printf conversion: flags, width, precision, length, type.
        q += strspn(q, "-+ #0");
        bool star_w = false, star_p = false;
        if (*q == '*') {
            star_w = true;
            q++;
        }
        q += strspn(q, "0123456789");
        if (*q == '.') {
            q++;
            if (*q == '*') {
                star_p = true;
                q++;
            }
            q += strspn(q, "0123456789");
        }
        int lmod = 0;  // 0 int, 1 long, 2 long long, 3 size_t
        if (*q == 'l') {
            lmod = 1;
            q++;
            if (*q == 'l') {
                lmod = 2;
                q++;
            }
        } else if (*q == 'z' || *q == 'j' || *q == 't') {
            lmod = 3;
            q++;
        }
        char conv = *q;
        if (conv == '\0')
            break;
        char spec[32];
        size_t sl = (size_t)(q - pct) + 1;
        if (sl >= sizeof spec)
            sl = sizeof spec - 1;
        memcpy(spec, pct, sl);
        spec[sl] = '\0';
        char out[512];
        int w = star_w ? va_arg(ap, int) : 0;
        int pr = star_p ? va_arg(ap, int) : 0;
#define WF_FMT_(val)                                                       \
    (star_w && star_p ? snprintf(out, sizeof out, spec, w, pr, val)       \
     : star_w         ? snprintf(out, sizeof out, spec, w, val)           \
     : star_p         ? snprintf(out, sizeof out, spec, pr, val)          \
                      : snprintf(out, sizeof out, spec, val))
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
            if (lmod == 0)
                WF_FMT_(va_arg(ap, int));
            else if (lmod == 1)
                WF_FMT_(va_arg(ap, long));
            else if (lmod == 2)
                WF_FMT_(va_arg(ap, long long));
            else
                WF_FMT_(va_arg(ap, size_t));
            break;
        case 'c':
            WF_FMT_(va_arg(ap, int));
            break;
        case 'f': case 'g': case 'e': case 'G': case 'E':
            WF_FMT_(va_arg(ap, double));
            break;
        case 'p':
            WF_FMT_(va_arg(ap, void *));
            break;
        case 's': {
            const char *sv = va_arg(ap, const char *);
            if (!star_w && !star_p && spec[1] == 's') {
                sb_puts(&b, sv ? sv : "(null)");
                out[0] = '\0';
            } else {
                WF_FMT_(sv);
            }
            break;
        }
        default:
            snprintf(out, sizeof out, "%s", spec);
        }
#undef WF_FMT_
        sb_puts(&b, out);
        p = q + 1;
    }
    return sb_finish(ts, &b);
}

wf_value
wf_str_format(wf_thread *ts, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wf_value r = wf_str_vformat(ts, fmt, ap);
    va_end(ap);
    return r;
}

wf_value
wf_str_concat(wf_thread *ts, wf_value a, wf_value b)
{
    size_t la = wf_str_len(a), lb = wf_str_len(b);
    if (la == 0)
        return b;
    if (lb == 0)
        return a;
    wf_str *s = (wf_str *)wf_gc_alloc(ts, &wf_str_type,
                                      offsetof(wf_str, data) + la + lb + 1);
    if (s == NULL)
        return WF_NULL;
    const wf_str *x = (const wf_str *)wf_val_as_obj(a);
    const wf_str *y = (const wf_str *)wf_val_as_obj(b);
    wf_atomic_store_relaxed_i64(&s->hash, -1);
    s->len = la + lb;
    s->nchars = x->nchars + y->nchars;
    s->ob.aux = x->ob.aux & y->ob.aux & WF_STR_ASCII;
    memcpy(s->data, x->data, la);
    memcpy(s->data + la, y->data, lb);
    s->data[la + lb] = '\0';
    return wf_val_from_obj(s);
}

wf_value
wf_str_concat_array(wf_thread *ts, const wf_value *items, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += wf_str_len(items[i]);
    char small[256];
    char *buf = small;
    if (total + 1 > sizeof small) {
        buf = wf_mem_alloc(ts, total + 1);
        if (buf == NULL)
            return WF_NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = wf_str_len(items[i]);
        memcpy(buf + at, wf_str_cstr(items[i]), len);
        at += len;
    }
    buf[at] = '\0';
    wf_value s = wf_str_new(ts, buf, total);
    if (buf != small)
        wf_mem_free(buf);
    return s;
}

// Same as CPython 3.14's ascii(): the repr, then every non-ASCII code
// point written as \xhh, \uhhhh or \Uhhhhhhhh.
wf_value
wf_str_ascii(wf_thread *ts, wf_value v)
{
    wf_value r = wf_obj_repr(ts, v);
    if (r == WF_NULL)
        return WF_NULL;
    const unsigned char *s = (const unsigned char *)wf_str_cstr(r);
    size_t n = wf_str_len(r);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80)
            ascii = false;
    if (ascii)
        return r;
    char *buf = wf_mem_alloc(ts, n * 10 + 1);
    if (buf == NULL)
        return WF_NULL;
    size_t at = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            buf[at++] = (char)c;
            i++;
            continue;
        }
        unsigned cp, len;
        if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
        else { cp = c & 0x07; len = 4; }
        for (unsigned k = 1; k < len && i + k < n; k++)
            cp = (cp << 6) | (s[i + k] & 0x3F);
        i += len;
        if (cp <= 0xFF)
            at += (size_t)snprintf(buf + at, 11, "\\x%02x", cp);
        else if (cp <= 0xFFFF)
            at += (size_t)snprintf(buf + at, 11, "\\u%04x", cp);
        else
            at += (size_t)snprintf(buf + at, 11, "\\U%08x", cp);
    }
    wf_value out = wf_str_new(ts, buf, at);
    wf_mem_free(buf);
    return out;
}

// ===== Code points =====

static const wf_str *
S(wf_value v)
{
    return (const wf_str *)wf_val_as_obj(v);
}

static bool
is_ascii(const wf_str *s)
{
    return (s->ob.aux & WF_STR_ASCII) != 0;
}

// Byte offset of code point [idx] (0 <= idx <= nchars).
static size_t
byte_offset(const wf_str *s, size_t idx)
{
    if (is_ascii(s))
        return idx;
    size_t b = 0;
    for (size_t c = 0; c < idx && b < s->len; c++) {
        b++;
        while (b < s->len && ((unsigned char)s->data[b] & 0xC0) == 0x80)
            b++;
    }
    return b;
}

// Code-point index of byte offset [b].
static size_t
char_index(const wf_str *s, size_t b)
{
    if (is_ascii(s))
        return b;
    size_t c = 0;
    for (size_t i = 0; i < b; i++)
        if (((unsigned char)s->data[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static size_t
char_len_at(const wf_str *s, size_t b)
{
    size_t e = b + 1;
    while (e < s->len && ((unsigned char)s->data[e] & 0xC0) == 0x80)
        e++;
    return e - b;
}

// ===== Protocols =====

static int64_t
str_len(wf_thread *ts, wf_value v)
{
    (void)ts;
    return (int64_t)S(v)->nchars;
}

static int
str_hash(wf_thread *ts, wf_value v, int64_t *out)
{
    (void)ts;
    *out = wf_str_hash(v);
    return 0;
}

static int
str_truth(wf_thread *ts, wf_value v)
{
    (void)ts;
    return S(v)->len > 0;
}

static wf_value
str_richcompare(wf_thread *ts, wf_value a, wf_value b, wf_cmp_op op)
{
    (void)ts;
    if (!wf_val_isinstance(b, &wf_str_type))
        return WF_NOTIMPL;
    if (op == WF_CMP_EQ || op == WF_CMP_NE) {
        bool eq = wf_str_eq(a, b);
        return wf_val_bool(op == WF_CMP_EQ ? eq : !eq);
    }
    const wf_str *x = S(a), *y = S(b);
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, n);
    if (c == 0)
        c = x->len < y->len ? -1 : x->len > y->len ? 1 : 0;
    switch (op) {
    case WF_CMP_LT: return wf_val_bool(c < 0);
    case WF_CMP_LE: return wf_val_bool(c <= 0);
    case WF_CMP_GT: return wf_val_bool(c > 0);
    case WF_CMP_GE: return wf_val_bool(c >= 0);
    default: return WF_NOTIMPL;
    }
}

static wf_value
str_repeat(wf_thread *ts, wf_value s, int64_t n)
{
    size_t len = wf_str_len(s);
    if (n <= 0 || len == 0)
        return wf_str_new(ts, "", 0);
    if ((uint64_t)n > ((size_t)1 << 40) / len)
        return wf_err_no_memory(ts);
    size_t total = len * (size_t)n;
    char *buf = wf_mem_alloc(ts, total);
    if (buf == NULL)
        return WF_NULL;
    for (int64_t i = 0; i < n; i++)
        memcpy(buf + (size_t)i * len, wf_str_cstr(s), len);
    wf_value r = wf_str_new(ts, buf, total);
    wf_mem_free(buf);
    return r;
}

static wf_value str_percent(wf_thread *ts, wf_value fmt, wf_value args);

static wf_value
str_binop(wf_thread *ts, wf_value a, wf_value b, wf_binop op)
{
    if (op >= WF_BINOP_INPLACE_ADD)
        op = (wf_binop)(op - WF_BINOP_INPLACE_ADD);
    bool sa = wf_val_isinstance(a, &wf_str_type);
    bool sb = wf_val_isinstance(b, &wf_str_type);
    if (op == WF_BINOP_ADD && sa && sb)
        return wf_str_concat(ts, a, b);
    if (op == WF_BINOP_MULTIPLY) {
        int64_t n;
        if (sa && wf_int_check(b) && wf_int_as_i64(ts, b, &n) == 0)
            return str_repeat(ts, a, n);
        if (sb && wf_int_check(a) && wf_int_as_i64(ts, a, &n) == 0)
            return str_repeat(ts, b, n);
    }
    if (op == WF_BINOP_REMAINDER && sa)
        return str_percent(ts, a, b);
    return WF_NOTIMPL;
}

static wf_value
str_getitem(wf_thread *ts, wf_value v, wf_value key)
{
    const wf_str *s = S(v);
    if (wf_int_check(key)) {
        int64_t i;
        if (wf_int_as_i64(ts, key, &i) < 0)
            return WF_NULL;
        if (i < 0)
            i += (int64_t)s->nchars;
        if (i < 0 || i >= (int64_t)s->nchars)
            return wf_err_format(ts, &wf_exc_IndexError,
                                 "string index out of range");
        size_t b = byte_offset(s, (size_t)i);
        return wf_str_new(ts, s->data + b, char_len_at(s, b));
    }
    if (wf_val_is(key, &wf_slice_type)) {
        int64_t start, stop, step, n;
        if (wf_slice_indices(ts, key, (int64_t)s->nchars, &start, &stop,
                             &step, &n) < 0)
            return WF_NULL;
        if (step == 1) {
            size_t b0 = byte_offset(s, (size_t)start);
            size_t b1 = n > 0 ? byte_offset(s, (size_t)stop) : b0;
            return wf_str_new(ts, s->data + b0, b1 - b0);
        }
        sbuf b = {0};
        for (int64_t k = 0, i = start; k < n; k++, i += step) {
            size_t off = byte_offset(s, (size_t)i);
            sb_put(&b, s->data + off, char_len_at(s, off));
        }
        return sb_finish(ts, &b);
    }
    return wf_err_format(ts, &wf_exc_TypeError,
                         "string indices must be integers, not '%s'",
                         wf_obj_type_name(key));
}

static int
str_contains(wf_thread *ts, wf_value v, wf_value item)
{
    if (!wf_val_isinstance(item, &wf_str_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "'in <string>' requires string as left operand, not %s",
                      wf_obj_type_name(item));
        return -1;
    }
    if (wf_str_len(item) == 0)
        return 1;
    return memmem(wf_str_cstr(v), wf_str_len(v), wf_str_cstr(item),
                  wf_str_len(item)) != NULL;
}

static wf_value
str_iter(wf_thread *ts, wf_value v)
{
    return wf_seqiter_new(ts, v);
}

static wf_value
str_new_(wf_thread *ts, wf_type *type, const wf_value *args, size_t nargs,
         wf_value kwnames)
{
    (void)type;
    static const char *const names[] = {"object", "encoding", "errors"};
    wf_value a[3];
    if (wf_arg_parse(ts, "str", args, nargs, kwnames, names, 3, 3, 0, a) < 0)
        return WF_NULL;
    if (a[0] == WF_NULL)
        return wf_str_new(ts, "", 0);
    if (a[1] != WF_NULL || a[2] != WF_NULL)
        return wf_err_format(ts, &wf_exc_TypeError,
                             "decoding str is not supported");
    return wf_obj_str(ts, a[0]);
}

// ===== printf-style formatting: "%s" % x =====

static wf_value
str_percent(wf_thread *ts, wf_value fmt, wf_value args)
{
    const wf_value *items = &args;
    size_t nitems = 1, next = 0;
    if (wf_val_is(args, &wf_tuple_type)) {
        items = wf_tuple_items(args);
        nitems = wf_tuple_len(args);
    }
    sbuf b = {0};
    const char *p = wf_str_cstr(fmt), *end = p + wf_str_len(fmt);
    while (p < end) {
        if (*p != '%') {
            sb_putc(&b, *p++);
            continue;
        }
        p++;
        char flags[8] = {0};
        size_t nf = 0;
        while (p < end && strchr("-+ #0", *p) && nf < 6)
            flags[nf++] = *p++;
        int width = -1, prec = -1;
        if (p < end && *p == '*') {
            p++;
            int64_t w = 0;
            if (next >= nitems || wf_int_as_i64(ts, items[next++], &w) < 0)
                goto bad_args;
            width = (int)w;
        } else if (p < end && isdigit((unsigned char)*p)) {
            width = 0;
            while (p < end && isdigit((unsigned char)*p))
                width = width * 10 + (*p++ - '0');
        }
        if (p < end && *p == '.') {
            p++;
            prec = 0;
            while (p < end && isdigit((unsigned char)*p))
                prec = prec * 10 + (*p++ - '0');
        }
        if (p >= end)
            goto incomplete;
        char conv = *p++;
        if (conv == '%') {
            sb_putc(&b, '%');
            continue;
        }
        if (next >= nitems)
            goto bad_args;
        wf_value v = items[next++];
        char spec[32], out[512];
        if (conv == 's' || conv == 'r' || conv == 'a') {
            wf_value s = conv == 's' ? wf_obj_str(ts, v) : wf_obj_repr(ts, v);
            if (s == WF_NULL)
                goto fail;
            int len = prec >= 0 && (size_t)prec < wf_str_len(s)
                          ? prec
                          : (int)wf_str_len(s);
            int pad = width > len ? width - len : 0;
            bool left = strchr(flags, '-') != NULL;
            for (int i = 0; !left && i < pad; i++)
                sb_putc(&b, ' ');
            sb_put(&b, wf_str_cstr(s), (size_t)len);
            for (int i = 0; left && i < pad; i++)
                sb_putc(&b, ' ');
            continue;
        }
        if (strchr("diouxXeEfFgGc", conv) == NULL) {
            free(b.p);
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "unsupported format character '%c' "
                                 "(0x%x)", conv, (unsigned)conv);
        }
        if (conv == 'c') {
            if (wf_val_isinstance(v, &wf_str_type)) {
                sb_put(&b, wf_str_cstr(v), wf_str_len(v));
                continue;
            }
        }
        double d;
        if (!wf_int_check(v) && !wf_val_is(v, &wf_float_type)) {
            free(b.p);
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "%%%c format: a real number is required, "
                                 "not %s", conv, wf_obj_type_name(v));
        }
        if (wf_float_as_double(ts, v, &d) < 0)
            goto fail;
        if (strchr("diouxXc", conv)) {
            long long ll;
            if (wf_int_check(v)) {
                int64_t i64 = 0;
                if (wf_int_as_i64(ts, v, &i64) < 0)
                    goto fail;
                ll = (long long)i64;
            } else {
                ll = (long long)d;
            }
            char c2 = conv == 'i' || conv == 'u' ? 'd' : conv;
            snprintf(spec, sizeof spec, "%%%s*.*ll%c", flags, c2);
            if (c2 == 'c')
                snprintf(spec, sizeof spec, "%%%s*c", flags);
            if (c2 == 'c')
                snprintf(out, sizeof out, spec, width < 0 ? 0 : width,
                         (int)ll);
            else
                snprintf(out, sizeof out, spec, width < 0 ? 0 : width,
                         prec < 0 ? 1 : prec, ll);
        } else {
            snprintf(spec, sizeof spec, "%%%s*.*%c", flags, conv);
            snprintf(out, sizeof out, spec, width < 0 ? 0 : width,
                     prec < 0 ? 6 : prec, d);
        }
        sb_puts(&b, out);
    }
    if (next < nitems) {
        free(b.p);
        return wf_err_format(ts, &wf_exc_TypeError,
                             "not all arguments converted during string "
                             "formatting");
    }
    return sb_finish(ts, &b);
bad_args:
    free(b.p);
    return wf_err_format(ts, &wf_exc_TypeError,
                         "not enough arguments for format string");
incomplete:
    free(b.p);
    return wf_err_format(ts, &wf_exc_ValueError, "incomplete format");
fail:
    free(b.p);
    return WF_NULL;
}

wf_type wf_str_type = {
    .ob = WF_OBJ_STATIC_INIT(&wf_type_type),
    .name = "str",
    .base = &wf_object_type,
    .flags = WF_TPF_BASETYPE,
    .repr = str_repr,
    .hash = str_hash,
    .richcompare = str_richcompare,
    .truth = str_truth,
    .iter = str_iter,
    .getitem = str_getitem,
    .len = str_len,
    .contains = str_contains,
    .binop = str_binop,
    .new_ = str_new_,
};

// ===== Methods =====

#define SELF (args[0])

static bool
is_ws(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x1c || c == 0x1d ||
           c == 0x1e || c == 0x1f;
}

static int
need_str(wf_thread *ts, wf_value v, const char *what)
{
    if (wf_val_isinstance(v, &wf_str_type))
        return 0;
    wf_err_format(ts, &wf_exc_TypeError, "%s arg must be None or str", what);
    return -1;
}

static wf_value
m_join(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    if (wf_arg_check(ts, "join", nargs, kwnames, 2, 2) < 0)
        return WF_NULL;
    size_t mark = wf_root_mark(ts);
    wf_value r = WF_NULL;
    // Snapshot the items into a list first (the iterable may run code).
    wf_value lst = wf_list_new(ts, 0);
    if (lst == WF_NULL || wf_root_push(ts, lst) < 0)
        goto done;
    if (wf_list_extend(ts, lst, args[1]) < 0)
        goto done;
    sbuf b = {0};
    wf_list *l = (wf_list *)wf_val_as_obj(lst);
    for (size_t i = 0; i < l->n; i++) {
        wf_value it = l->items[i];
        if (!wf_val_isinstance(it, &wf_str_type)) {
            free(b.p);
            wf_err_format(ts, &wf_exc_TypeError,
                          "sequence item %zu: expected str instance, %s "
                          "found", i, wf_obj_type_name(it));
            goto done;
        }
        if (i > 0)
            sb_put(&b, wf_str_cstr(SELF), wf_str_len(SELF));
        sb_put(&b, wf_str_cstr(it), wf_str_len(it));
    }
    r = sb_finish(ts, &b);
done:
    wf_root_release(ts, mark);
    return r;
}

static wf_value
do_split(wf_thread *ts, const wf_value *args, size_t nargs,
         wf_value kwnames, bool right)
{
    static const char *const names[] = {"self", "sep", "maxsplit"};
    wf_value a[3];
    if (wf_arg_parse(ts, right ? "rsplit" : "split", args, nargs, kwnames,
                     names, 3, 3, 1, a) < 0)
        return WF_NULL;
    int64_t maxsplit = -1;
    if (a[2] != WF_NULL && wf_int_as_i64(ts, a[2], &maxsplit) < 0)
        return WF_NULL;
    wf_value sep = a[1] == WF_NONE ? WF_NULL : a[1];
    if (sep != WF_NULL && need_str(ts, sep, "sep") < 0)
        return WF_NULL;
    if (sep != WF_NULL && wf_str_len(sep) == 0)
        return wf_err_format(ts, &wf_exc_ValueError, "empty separator");
    size_t mark = wf_root_mark(ts);
    wf_value out = wf_list_new(ts, 0);
    if (out == WF_NULL || wf_root_push(ts, out) < 0)
        return WF_NULL;
    const char *s = wf_str_cstr(SELF);
    size_t n = wf_str_len(SELF);
    wf_value piece;
    // Pieces are collected left to right; rsplit collects right to left
    // and reverses at the end.
    if (sep == WF_NULL) {
        size_t i = right ? n : 0;
        int64_t count = 0;
        for (;;) {
            if (!right) {
                while (i < n && is_ws((unsigned char)s[i]))
                    i++;
                if (i >= n)
                    break;
                size_t j = i;
                if (maxsplit >= 0 && count >= maxsplit) {
                    j = n;
                    while (j > i && is_ws((unsigned char)s[j - 1]))
                        j--;
                } else {
                    while (j < n && !is_ws((unsigned char)s[j]))
                        j++;
                }
                piece = wf_str_new(ts, s + i, j - i);
                i = j;
            } else {
                while (i > 0 && is_ws((unsigned char)s[i - 1]))
                    i--;
                if (i == 0)
                    break;
                size_t j = i;
                if (maxsplit >= 0 && count >= maxsplit) {
                    j = 0;
                    while (j < i && is_ws((unsigned char)s[j]))
                        j++;
                } else {
                    while (j > 0 && !is_ws((unsigned char)s[j - 1]))
                        j--;
                }
                piece = wf_str_new(ts, s + j, i - j);
                i = j;
            }
            if (piece == WF_NULL || wf_list_append(ts, out, piece) < 0)
                goto fail;
            count++;
        }
    } else {
        const char *sp = wf_str_cstr(sep);
        size_t sl = wf_str_len(sep);
        int64_t count = 0;
        if (!right) {
            size_t i = 0;
            for (;;) {
                const char *hit = NULL;
                if (maxsplit < 0 || count < maxsplit)
                    hit = memmem(s + i, n - i, sp, sl);
                size_t j = hit ? (size_t)(hit - s) : n;
                piece = wf_str_new(ts, s + i, j - i);
                if (piece == WF_NULL || wf_list_append(ts, out, piece) < 0)
                    goto fail;
                if (hit == NULL)
                    break;
                i = j + sl;
                count++;
            }
        } else {
            size_t i = n;
            for (;;) {
                size_t j = (size_t)-1;
                if (maxsplit < 0 || count < maxsplit)
                    for (size_t k = i; k >= sl; k--)
                        if (memcmp(s + k - sl, sp, sl) == 0) {
                            j = k - sl;
                            break;
                        }
                size_t from = j == (size_t)-1 ? 0 : j + sl;
                piece = wf_str_new(ts, s + from, i - from);
                if (piece == WF_NULL || wf_list_append(ts, out, piece) < 0)
                    goto fail;
                if (j == (size_t)-1)
                    break;
                i = j;
                count++;
            }
        }
    }
    if (right) {
        wf_list *l = (wf_list *)wf_val_as_obj(out);
        for (size_t i = 0, j = l->n; i + 1 < j; i++, j--) {
            wf_value t = l->items[i];
            l->items[i] = l->items[j - 1];
            l->items[j - 1] = t;
        }
    }
    wf_root_release(ts, mark);
    return out;
fail:
    wf_root_release(ts, mark);
    return WF_NULL;
}

static wf_value
m_split(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return do_split(ts, args, nargs, kwnames, false);
}

static wf_value
m_rsplit(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return do_split(ts, args, nargs, kwnames, true);
}

static wf_value
m_splitlines(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    if (wf_arg_check(ts, "splitlines", nargs, kwnames, 1, 2) < 0)
        return WF_NULL;
    bool keep = false;
    if (nargs > 1) {
        int t = wf_obj_truthy(ts, args[1]);
        if (t < 0)
            return WF_NULL;
        keep = t;
    }
    size_t mark = wf_root_mark(ts);
    wf_value out = wf_list_new(ts, 0);
    if (out == WF_NULL || wf_root_push(ts, out) < 0)
        return WF_NULL;
    const char *s = wf_str_cstr(SELF);
    size_t n = wf_str_len(SELF), i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n' && s[j] != '\r')
            j++;
        size_t eol = j;
        if (j < n)
            j += (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ? 2 : 1;
        wf_value piece = wf_str_new(ts, s + i, (keep ? j : eol) - i);
        if (piece == WF_NULL || wf_list_append(ts, out, piece) < 0) {
            out = WF_NULL;
            break;
        }
        i = j;
    }
    wf_root_release(ts, mark);
    return out;
}

// strip family: [which] 1 left, 2 right, 3 both.
static wf_value
do_strip(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames,
         int which, const char *name)
{
    if (wf_arg_check(ts, name, nargs, kwnames, 1, 2) < 0)
        return WF_NULL;
    const char *chars = NULL;
    if (nargs > 1 && args[1] != WF_NONE) {
        if (!wf_val_isinstance(args[1], &wf_str_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "%s arg must be None or str", name);
        chars = wf_str_cstr(args[1]);
    }
    const char *s = wf_str_cstr(SELF);
    size_t i = 0, j = wf_str_len(SELF);
    // ASCII-only character sets; a non-ASCII [chars] strips whole
    // sequences only when they appear byte-for-byte.
    if (which & 1)
        while (i < j && (chars ? strchr(chars, s[i]) != NULL && s[i]
                               : is_ws((unsigned char)s[i])))
            i++;
    if (which & 2)
        while (j > i && (chars ? strchr(chars, s[j - 1]) != NULL && s[j - 1]
                               : is_ws((unsigned char)s[j - 1])))
            j--;
    if (i == 0 && j == wf_str_len(SELF))
        return SELF;
    return wf_str_new(ts, s + i, j - i);
}

static wf_value
m_strip(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return do_strip(ts, args, nargs, kwnames, 3, "strip");
}

static wf_value
m_lstrip(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return do_strip(ts, args, nargs, kwnames, 1, "lstrip");
}

static wf_value
m_rstrip(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return do_strip(ts, args, nargs, kwnames, 2, "rstrip");
}

static wf_value
m_replace(wf_thread *ts, const wf_value *args, size_t nargs,
          wf_value kwnames)
{
    static const char *const names[] = {"self", "old", "new", "count"};
    wf_value a[4];
    if (wf_arg_parse(ts, "replace", args, nargs, kwnames, names, 4, 4, 3, a) <
        0)
        return WF_NULL;
    if (!wf_val_isinstance(a[1], &wf_str_type) ||
        !wf_val_isinstance(a[2], &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError,
                             "replace() argument must be str, not %s",
                             wf_obj_type_name(wf_val_isinstance(a[1],
                                                                &wf_str_type)
                                                  ? a[2]
                                                  : a[1]));
    int64_t count = -1;
    if (a[3] != WF_NULL && wf_int_as_i64(ts, a[3], &count) < 0)
        return WF_NULL;
    const char *s = wf_str_cstr(SELF), *old = wf_str_cstr(a[1]);
    size_t n = wf_str_len(SELF), ol = wf_str_len(a[1]);
    sbuf b = {0};
    size_t i = 0;
    int64_t done = 0;
    if (ol == 0) {
        // Insert [new] between every code point (and at both ends).
        const wf_str *so = S(SELF);
        for (;;) {
            if (count >= 0 && done >= count)
                break;
            sb_put(&b, wf_str_cstr(a[2]), wf_str_len(a[2]));
            done++;
            if (i >= n)
                break;
            size_t cl = char_len_at(so, i);
            sb_put(&b, s + i, cl);
            i += cl;
        }
        sb_put(&b, s + i, n - i);
        return sb_finish(ts, &b);
    }
    while (count < 0 || done < count) {
        const char *hit = memmem(s + i, n - i, old, ol);
        if (hit == NULL)
            break;
        sb_put(&b, s + i, (size_t)(hit - (s + i)));
        sb_put(&b, wf_str_cstr(a[2]), wf_str_len(a[2]));
        i = (size_t)(hit - s) + ol;
        done++;
    }
    sb_put(&b, s + i, n - i);
    return sb_finish(ts, &b);
}

// Resolve optional start/end (code points) into byte offsets.
static int
range_args(wf_thread *ts, const wf_str *s, const wf_value *args,
           size_t nargs, size_t first, size_t *b0, size_t *b1)
{
    int64_t n = (int64_t)s->nchars, start = 0, end = n;
    if (nargs > first && args[first] != WF_NONE &&
        wf_int_as_i64(ts, args[first], &start) < 0)
        return -1;
    if (nargs > first + 1 && args[first + 1] != WF_NONE &&
        wf_int_as_i64(ts, args[first + 1], &end) < 0)
        return -1;
    if (start < 0)
        start = start + n < 0 ? 0 : start + n;
    if (end < 0)
        end = end + n < 0 ? 0 : end + n;
    if (start > n)
        start = n + 1;  // empty: nothing can match
    if (end > n)
        end = n;
    if (start > n) {
        *b0 = s->len + 1;
        *b1 = s->len;
        return 0;
    }
    *b0 = byte_offset(s, (size_t)start);
    *b1 = end < start ? *b0 : byte_offset(s, (size_t)end);
    return 0;
}

static wf_value
affix(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames,
      bool suffix)
{
    const char *name = suffix ? "endswith" : "startswith";
    if (wf_arg_check(ts, name, nargs, kwnames, 2, 4) < 0)
        return WF_NULL;
    const wf_str *s = S(SELF);
    size_t b0, b1;
    if (range_args(ts, s, args, nargs, 2, &b0, &b1) < 0)
        return WF_NULL;
    const wf_value *cands = &args[1];
    size_t nc = 1;
    if (wf_val_is(args[1], &wf_tuple_type)) {
        cands = wf_tuple_items(args[1]);
        nc = wf_tuple_len(args[1]);
    }
    for (size_t i = 0; i < nc; i++) {
        if (!wf_val_isinstance(cands[i], &wf_str_type))
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "%s first arg must be str or a tuple of "
                                 "str, not %s", name,
                                 wf_obj_type_name(cands[i]));
        size_t pl = wf_str_len(cands[i]);
        if (b0 > b1 || b1 - b0 < pl)
            continue;
        const char *at = suffix ? s->data + b1 - pl : s->data + b0;
        if (memcmp(at, wf_str_cstr(cands[i]), pl) == 0)
            return WF_TRUE;
    }
    return WF_FALSE;
}

static wf_value
m_startswith(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    return affix(ts, args, nargs, kwnames, false);
}

static wf_value
m_endswith(wf_thread *ts, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    return affix(ts, args, nargs, kwnames, true);
}

// find/rfind/index/rindex/count. Returns the code-point index or -1
// (count: the count) via *out.
static int
search(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames,
       const char *name, bool rev, bool count, int64_t *out)
{
    if (wf_arg_check(ts, name, nargs, kwnames, 2, 4) < 0)
        return -1;
    if (!wf_val_isinstance(args[1], &wf_str_type)) {
        wf_err_format(ts, &wf_exc_TypeError,
                      "must be str, not %s", wf_obj_type_name(args[1]));
        return -1;
    }
    const wf_str *s = S(SELF);
    size_t b0, b1;
    if (range_args(ts, s, args, nargs, 2, &b0, &b1) < 0)
        return -1;
    const char *sub = wf_str_cstr(args[1]);
    size_t sl = wf_str_len(args[1]);
    *out = count ? 0 : -1;
    if (b0 > b1 || b1 - b0 < sl)
        return 0;
    if (count) {
        if (sl == 0) {
            *out = (int64_t)(char_index(s, b1) - char_index(s, b0)) + 1;
            return 0;
        }
        for (size_t i = b0; i + sl <= b1;) {
            const char *hit = memmem(s->data + i, b1 - i, sub, sl);
            if (hit == NULL)
                break;
            (*out)++;
            i = (size_t)(hit - s->data) + sl;
        }
        return 0;
    }
    if (!rev) {
        const char *hit = memmem(s->data + b0, b1 - b0, sub, sl);
        if (hit != NULL)
            *out = (int64_t)char_index(s, (size_t)(hit - s->data));
        return 0;
    }
    for (size_t k = b1 - sl + 1; k-- > b0;) {
        if (memcmp(s->data + k, sub, sl) == 0) {
            *out = (int64_t)char_index(s, k);
            return 0;
        }
    }
    return 0;
}

static wf_value
m_find(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    int64_t r;
    if (search(ts, args, nargs, kwnames, "find", false, false, &r) < 0)
        return WF_NULL;
    return wf_val_from_int(r);
}

static wf_value
m_rfind(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    int64_t r;
    if (search(ts, args, nargs, kwnames, "rfind", true, false, &r) < 0)
        return WF_NULL;
    return wf_val_from_int(r);
}

static wf_value
m_index(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    int64_t r;
    if (search(ts, args, nargs, kwnames, "index", false, false, &r) < 0)
        return WF_NULL;
    if (r < 0)
        return wf_err_format(ts, &wf_exc_ValueError, "substring not found");
    return wf_val_from_int(r);
}

static wf_value
m_rindex(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    int64_t r;
    if (search(ts, args, nargs, kwnames, "rindex", true, false, &r) < 0)
        return WF_NULL;
    if (r < 0)
        return wf_err_format(ts, &wf_exc_ValueError, "substring not found");
    return wf_val_from_int(r);
}

static wf_value
m_count(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    int64_t r;
    if (search(ts, args, nargs, kwnames, "count", false, true, &r) < 0)
        return WF_NULL;
    return wf_val_from_int(r);
}

// Byte-wise ASCII transformation: 'u' upper, 'l' lower, 's' swapcase,
// 'c' capitalize, 't' title.
static wf_value
transform(wf_thread *ts, const wf_value *args, size_t nargs,
          wf_value kwnames, char how, const char *name)
{
    if (wf_arg_check(ts, name, nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    size_t n = wf_str_len(SELF);
    char *buf = wf_mem_alloc(ts, n + 1);
    if (buf == NULL)
        return WF_NULL;
    const char *s = wf_str_cstr(SELF);
    bool prev_alpha = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char o = (char)c;
        if (c < 0x80) {
            switch (how) {
            case 'u': o = (char)toupper(c); break;
            case 'l': o = (char)tolower(c); break;
            case 's': o = (char)(isupper(c) ? tolower(c) : toupper(c)); break;
            case 'c': o = (char)(i == 0 ? toupper(c) : tolower(c)); break;
            case 't':
                o = (char)(prev_alpha ? tolower(c) : toupper(c));
                break;
            }
        }
        prev_alpha = isalpha(c) || c >= 0x80;
        buf[i] = o;
    }
    wf_value r = wf_str_new(ts, buf, n);
    wf_mem_free(buf);
    return r;
}

static wf_value
m_upper(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return transform(ts, args, nargs, kwnames, 'u', "upper");
}

static wf_value
m_lower(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return transform(ts, args, nargs, kwnames, 'l', "lower");
}

static wf_value
m_swapcase(wf_thread *ts, const wf_value *args, size_t nargs,
           wf_value kwnames)
{
    return transform(ts, args, nargs, kwnames, 's', "swapcase");
}

static wf_value
m_capitalize(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    return transform(ts, args, nargs, kwnames, 'c', "capitalize");
}

static wf_value
m_title(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    return transform(ts, args, nargs, kwnames, 't', "title");
}

// Character-class predicates over ASCII; [cls] one of "dasnul".
static wf_value
predicate(wf_thread *ts, const wf_value *args, size_t nargs,
          wf_value kwnames, char cls, const char *name)
{
    if (wf_arg_check(ts, name, nargs, kwnames, 1, 1) < 0)
        return WF_NULL;
    const char *s = wf_str_cstr(SELF);
    size_t n = wf_str_len(SELF);
    if (n == 0)
        return WF_FALSE;
    bool cased = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok;
        switch (cls) {
        case 'd': ok = isdigit(c); break;
        case 'a': ok = isalpha(c) || c >= 0x80; break;
        case 'n': ok = isalnum(c) || c >= 0x80; break;
        case 's': ok = is_ws(c); break;
        case 'u': ok = !islower(c); cased |= isupper(c) != 0; break;
        case 'l': ok = !isupper(c); cased |= islower(c) != 0; break;
        default: ok = false;
        }
        if (!ok)
            return WF_FALSE;
    }
    if ((cls == 'u' || cls == 'l') && !cased)
        return WF_FALSE;
    return WF_TRUE;
}

static wf_value
m_isdigit(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 'd', "isdigit");
}

static wf_value
m_isalpha(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 'a', "isalpha");
}

static wf_value
m_isalnum(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 'n', "isalnum");
}

static wf_value
m_isspace(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 's', "isspace");
}

static wf_value
m_isupper(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 'u', "isupper");
}

static wf_value
m_islower(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return predicate(ts, args, nargs, kw, 'l', "islower");
}

// ljust / rjust / center / zfill.
static wf_value
justify(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames,
        char how, const char *name)
{
    if (wf_arg_check(ts, name, nargs, kwnames, 2, how == 'z' ? 2 : 3) < 0)
        return WF_NULL;
    int64_t width;
    if (wf_int_as_i64(ts, args[1], &width) < 0)
        return WF_NULL;
    const char *fill = " ";
    size_t fl = 1;
    if (nargs > 2) {
        if (!wf_val_isinstance(args[2], &wf_str_type) ||
            S(args[2])->nchars != 1)
            return wf_err_format(ts, &wf_exc_TypeError,
                                 "The fill character must be exactly one "
                                 "character long");
        fill = wf_str_cstr(args[2]);
        fl = wf_str_len(args[2]);
    }
    const wf_str *s = S(SELF);
    if (width <= (int64_t)s->nchars)
        return SELF;
    size_t pad = (size_t)width - s->nchars, left;
    if (how == 'l')
        left = 0;
    else if (how == 'r' || how == 'z')
        left = pad;
    else
        left = pad / 2 + (pad & (size_t)width & 1);
    sbuf b = {0};
    size_t start = 0;
    if (how == 'z') {
        fill = "0";
        if (s->len > 0 && (s->data[0] == '-' || s->data[0] == '+')) {
            sb_putc(&b, s->data[0]);
            start = 1;
        }
    }
    for (size_t i = 0; i < left; i++)
        sb_put(&b, fill, fl);
    sb_put(&b, s->data + start, s->len - start);
    for (size_t i = left; i < pad; i++)
        sb_put(&b, fill, fl);
    return sb_finish(ts, &b);
}

static wf_value
m_ljust(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return justify(ts, args, nargs, kw, 'l', "ljust");
}

static wf_value
m_rjust(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return justify(ts, args, nargs, kw, 'r', "rjust");
}

static wf_value
m_center(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return justify(ts, args, nargs, kw, 'c', "center");
}

static wf_value
m_zfill(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return justify(ts, args, nargs, kw, 'z', "zfill");
}

static wf_value
do_partition(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames, bool rev)
{
    if (wf_arg_check(ts, rev ? "rpartition" : "partition", nargs, kwnames, 2,
                     2) < 0)
        return WF_NULL;
    if (!wf_val_isinstance(args[1], &wf_str_type))
        return wf_err_format(ts, &wf_exc_TypeError, "must be str, not %s",
                             wf_obj_type_name(args[1]));
    size_t sl = wf_str_len(args[1]);
    if (sl == 0)
        return wf_err_format(ts, &wf_exc_ValueError, "empty separator");
    const char *s = wf_str_cstr(SELF), *sep = wf_str_cstr(args[1]);
    size_t n = wf_str_len(SELF);
    const char *hit = NULL;
    if (!rev) {
        hit = memmem(s, n, sep, sl);
    } else {
        for (size_t k = n >= sl ? n - sl + 1 : 0; k-- > 0;)
            if (memcmp(s + k, sep, sl) == 0) {
                hit = s + k;
                break;
            }
    }
    wf_value empty = wf_str_new(ts, "", 0);
    if (empty == WF_NULL)
        return WF_NULL;
    if (hit == NULL)
        return rev ? wf_tuple_pack(ts, 3, empty, empty, SELF)
                   : wf_tuple_pack(ts, 3, SELF, empty, empty);
    wf_value a = wf_str_new(ts, s, (size_t)(hit - s));
    if (a == WF_NULL)
        return WF_NULL;
    wf_value c = wf_str_new(ts, hit + sl, n - (size_t)(hit - s) - sl);
    if (c == WF_NULL)
        return WF_NULL;
    return wf_tuple_pack(ts, 3, a, args[1], c);
}

static wf_value
m_partition(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return do_partition(ts, args, nargs, kw, false);
}

static wf_value
m_rpartition(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kw)
{
    return do_partition(ts, args, nargs, kw, true);
}

static wf_value
m_format(wf_thread *ts, const wf_value *args, size_t nargs, wf_value kwnames)
{
    // str.format: positional {} / {N} / {name} fields with optional
    // !r/!s and :spec.
    size_t nkw = kwnames != WF_NULL ? wf_tuple_len(kwnames) : 0;
    const char *s = wf_str_cstr(SELF), *end = s + wf_str_len(SELF);
    sbuf b = {0};
    size_t autoidx = 0;
    while (s < end) {
        if (*s == '{' && s + 1 < end && s[1] == '{') {
            sb_putc(&b, '{');
            s += 2;
            continue;
        }
        if (*s == '}' && s + 1 < end && s[1] == '}') {
            sb_putc(&b, '}');
            s += 2;
            continue;
        }
        if (*s != '{') {
            sb_putc(&b, *s++);
            continue;
        }
        const char *close = memchr(s, '}', (size_t)(end - s));
        if (close == NULL) {
            free(b.p);
            return wf_err_format(ts, &wf_exc_ValueError,
                                 "Single '{' encountered in format string");
        }
        const char *f = s + 1;
        const char *fe = f;
        while (fe < close && *fe != '!' && *fe != ':')
            fe++;
        wf_value v = WF_NULL;
        if (fe == f) {
            if (autoidx + 1 >= nargs)
                goto range_err;
            v = args[1 + autoidx++];
        } else if (isdigit((unsigned char)*f)) {
            size_t idx = (size_t)strtoul(f, NULL, 10);
            if (idx + 1 >= nargs)
                goto range_err;
            v = args[1 + idx];
        } else {
            for (size_t k = 0; k < nkw; k++) {
                wf_value kn = wf_tuple_items(kwnames)[k];
                if (wf_str_len(kn) == (size_t)(fe - f) &&
                    memcmp(wf_str_cstr(kn), f, (size_t)(fe - f)) == 0)
                    v = args[nargs + k];
            }
            if (v == WF_NULL) {
                wf_value key = wf_str_new(ts, f, (size_t)(fe - f));
                free(b.p);
                if (key == WF_NULL)
                    return WF_NULL;
                wf_value e = wf_tuple_pack(ts, 1, key);
                if (e == WF_NULL)
                    return WF_NULL;
                e = wf_exc_new(ts, &wf_exc_KeyError, e);
                return e == WF_NULL ? WF_NULL : wf_err_set_value(ts, e);
            }
        }
        char conv = 0;
        if (fe < close && *fe == '!') {
            conv = fe[1];
            fe += 2;
        }
        wf_value spec = WF_NULL;
        if (fe < close && *fe == ':') {
            spec = wf_str_new(ts, fe + 1, (size_t)(close - fe - 1));
            if (spec == WF_NULL)
                goto fail;
        }
        if (conv == 'r' || conv == 's') {
            v = conv == 'r' ? wf_obj_repr(ts, v) : wf_obj_str(ts, v);
            if (v == WF_NULL)
                goto fail;
        }
        wf_value piece = wf_obj_format(ts, v, spec);
        if (piece == WF_NULL)
            goto fail;
        sb_put(&b, wf_str_cstr(piece), wf_str_len(piece));
        s = close + 1;
    }
    return sb_finish(ts, &b);
range_err:
    free(b.p);
    return wf_err_format(ts, &wf_exc_IndexError,
                         "Replacement index %zu out of range for positional "
                         "args tuple", autoidx);
fail:
    free(b.p);
    return WF_NULL;
}

int
wf_str_init_types(wf_thread *ts)
{
    static const struct {
        const char *name;
        wf_cfunc fn;
    } methods[] = {
        {"join", m_join}, {"split", m_split}, {"rsplit", m_rsplit},
        {"splitlines", m_splitlines}, {"strip", m_strip},
        {"lstrip", m_lstrip}, {"rstrip", m_rstrip}, {"replace", m_replace},
        {"startswith", m_startswith}, {"endswith", m_endswith},
        {"find", m_find}, {"rfind", m_rfind}, {"index", m_index},
        {"rindex", m_rindex}, {"count", m_count}, {"upper", m_upper},
        {"lower", m_lower}, {"swapcase", m_swapcase},
        {"capitalize", m_capitalize}, {"title", m_title},
        {"isdigit", m_isdigit}, {"isalpha", m_isalpha},
        {"isalnum", m_isalnum}, {"isspace", m_isspace},
        {"isupper", m_isupper}, {"islower", m_islower},
        {"isdecimal", m_isdigit}, {"isnumeric", m_isdigit},
        {"ljust", m_ljust}, {"rjust", m_rjust}, {"center", m_center},
        {"zfill", m_zfill}, {"partition", m_partition},
        {"rpartition", m_rpartition}, {"format", m_format},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (wf_type_add_method(ts, &wf_str_type, methods[i].name,
                               methods[i].fn) < 0)
            return -1;
    empty_str = wf_str_intern_n(ts, "", 0);
    if (empty_str == WF_NULL)
        return -1;
    for (int c = 0; c < 128; c++) {
        char ch = (char)c;
        wf_value v = wf_str_intern_n(ts, &ch, 1);
        if (v == WF_NULL)
            return -1;
        char_cache[c] = v;
    }
    return 0;
}
