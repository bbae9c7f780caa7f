// runtime/api.c -- the public embedding API of include/weft.h (weft_*).
// Owns the one runtime of the process: start-up in the order thread.h
// documents, running __main__ (compile, run, SyntaxError and uncaught
// exception reporting, SystemExit codes as CPython), sys.argv, and the
// pause statistics. Every entry point validates its arguments and returns
// a status (STYLE 7.3).
#include <weft.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "objects/classbuild.h"
#include "vm/code.h"
#include "compiler/compile.h"
#include "objects/error.h"
#include "vm/eval.h"
#include "vm/frame.h"
#include "objects/gen.h"
#include "modules/modules.h"
#include "modules/sysmodule.h"      // wf_sys_update_argv (weft_set_argv)
#include "modules/threadingmod.h"   // wf_threading_wait_all (at exit)
#include "threads/stw.h"
#include "threads/thread.h"

struct weft_runtime {
    wf_thread *ts;  // the main thread's state
};

// The live runtime, if any (one per process). W/R: the creating thread.
static weft_runtime *live_runtime;

// The native modules of modules/modules.def, for wf_import.
static const struct {
    const char *name;
    wf_value (*init)(wf_thread *ts);
} native_modules[] = {
#define WF_MODULE(name, init) {#name, init},
#define WF_MODULE_ROOTS(name, init, visit_roots) {#name, init},
#include "modules/modules.def"
};

static weft_status
start_up(wf_thread *ts)
{
    // 1-2 done by the caller (wf_interp_init, wf_thread_new_current).
    if (wf_types_init(ts) < 0)                 // 3. types, interned names
        return WEFT_ENOMEM;
    if (wf_builtins_init(ts) == WF_NULL)       // 4. builtins, exceptions
        return WEFT_ENOMEM;
    if (wf_code_init_type(ts) < 0 ||           // 5. the VM's own parts
        wf_gen_init_type(ts) < 0 ||
        wf_frame_init_type(ts) < 0 ||
        wf_classbuild_init(ts) < 0)
        return WEFT_ENOMEM;
    // 6. native modules, created on first import. Registration fails only
    // when module.c's table is full or a name is already registered: a
    // runtime made after an earlier one was freed (weft.h: one per process
    // for now), which start-up refused before the registry too (sys).
    for (size_t i = 0; i < sizeof native_modules / sizeof native_modules[0];
         i++)
        if (wf_module_register_builtin(native_modules[i].name,
                                       native_modules[i].init) < 0)
            return WEFT_ENOMEM;
    return WEFT_OK;
}

weft_runtime *
weft_runtime_current(void)
{
    return live_runtime;
}

weft_status
weft_runtime_new(weft_runtime **out)
{
    if (out == NULL)
        return WEFT_EINVAL;
    *out = NULL;
    if (live_runtime != NULL)
        return WEFT_EEXIST;
    weft_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL)
        return WEFT_ENOMEM;
    if (wf_interp_init() < 0) {
        free(rt);
        return WEFT_ENOMEM;
    }
    rt->ts = wf_thread_new_current(&wf_the_interp);
    if (rt->ts == NULL) {
        free(rt);
        return WEFT_ENOMEM;
    }
    weft_status st = start_up(rt->ts);
    if (st != WEFT_OK) {
        // Out of memory is the status itself; printing it may need types
        // that start-up did not get to make.
        if (wf_err_occurred(rt->ts) &&
            !wf_err_matches(rt->ts, &wf_exc_MemoryError))
            wf_err_print(rt->ts);
        wf_thread_free_current(rt->ts);
        free(rt);
        return st;
    }
    // Ctrl-C becomes KeyboardInterrupt in the main thread (thread.h).
    wf_signal_install(rt->ts);
    live_runtime = rt;
    *out = rt;
    return WEFT_OK;
}

void
weft_runtime_free(weft_runtime *rt)
{
    if (rt == NULL)
        return;
    (void)wf_bi_flush_stdout();  // errors were reported by run_source
    wf_signal_uninstall();
    wf_frame_thread_fini(rt->ts);
    wf_thread_free_current(rt->ts);
    if (live_runtime == rt)
        live_runtime = NULL;
    wf_mem_reserve_free();
    free(rt);
}

weft_status
weft_set_argv(weft_runtime *rt, int argc, const char *const *argv)
{
    if (rt == NULL || argc < 0 || (argc > 0 && argv == NULL))
        return WEFT_EINVAL;
    for (int i = 0; i < argc; i++)
        if (argv[i] == NULL)
            return WEFT_EINVAL;
    wf_thread *ts = rt->ts;
    wf_value list = wf_list_new(ts, 0);
    if (list == WF_NULL || wf_root_push(ts, list) < 0)
        goto nomem;
    size_t mark = wf_root_mark(ts) - 1;
    for (int i = 0; i < (argc > 0 ? argc : 1); i++) {
        wf_value s = wf_str_from_cstr(ts, argc > 0 ? argv[i] : "");
        if (s == WF_NULL || wf_list_append(ts, list, s) < 0) {
            wf_root_release(ts, mark);
            goto nomem;
        }
    }
    ts->interp->argv = list;
    wf_root_release(ts, mark);
    if (wf_sys_update_argv(ts) < 0)
        goto nomem;
    return WEFT_OK;
nomem:
    wf_err_clear(ts);
    return WEFT_ENOMEM;
}

// ===== Reporting =====

static wf_value
attr_or_null(wf_thread *ts, wf_value v, const char *name)
{
    wf_value key = wf_str_intern(ts, name);
    if (key == WF_NULL) {
        wf_err_clear(ts);
        return WF_NULL;
    }
    wf_value r = wf_obj_lookup_attr(ts, v, key);
    if (r == WF_NULL)
        wf_err_clear(ts);
    return r;
}

// CPython's print of a SyntaxError raised by compilation:
//   File "x.py", line 3
//     the source line
//     ^
// SyntaxError: msg
static void
print_syntax_error(wf_thread *ts, wf_value exc)
{
    wf_value filename = attr_or_null(ts, exc, "filename");
    wf_value lineno = attr_or_null(ts, exc, "lineno");
    wf_value offset = attr_or_null(ts, exc, "offset");
    wf_value end_offset = attr_or_null(ts, exc, "end_offset");
    wf_value text = attr_or_null(ts, exc, "text");
    wf_value msg = attr_or_null(ts, exc, "msg");
    if (filename != WF_NULL && wf_val_isinstance(filename, &wf_str_type)) {
        fprintf(stderr, "  File \"%s\"", wf_str_cstr(filename));
        if (lineno != WF_NULL && wf_val_is_int(lineno))
            fprintf(stderr, ", line %lld", (long long)wf_val_as_int(lineno));
        fputc('\n', stderr);
    }
    if (text != WF_NULL && wf_val_isinstance(text, &wf_str_type)) {
        const char *line = wf_str_cstr(text);
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t strip = 0;
        while (strip < len && (line[strip] == ' ' || line[strip] == '\t' ||
                               line[strip] == '\f'))
            strip++;
        fprintf(stderr, "    %.*s\n", (int)(len - strip), line + strip);
        if (offset != WF_NULL && wf_val_is_int(offset)) {
            int64_t col = wf_val_as_int(offset) - 1 - (int64_t)strip;
            if (col < 0)
                goto caret_done;  // offset 0: no caret (CPython's colno < 0)
            if (col > (int64_t)(len - strip))
                col = (int64_t)(len - strip);
            int64_t width = 1;
            if (end_offset != WF_NULL && wf_val_is_int(end_offset) &&
                wf_val_as_int(end_offset) > wf_val_as_int(offset))
                width = wf_val_as_int(end_offset) - wf_val_as_int(offset);
            if (col + width > (int64_t)(len - strip) + 1)
                width = 1;
            fputs("    ", stderr);
            for (int64_t i = 0; i < col; i++)
                fputc(' ', stderr);
            for (int64_t i = 0; i < width; i++)
                fputc('^', stderr);
            fputc('\n', stderr);
        }
    }
caret_done:
    fputs(wf_obj_type_name(exc), stderr);
    if (msg != WF_NULL && wf_val_isinstance(msg, &wf_str_type))
        fprintf(stderr, ": %s", wf_str_cstr(msg));
    fputc('\n', stderr);
}

// Exit status for an uncaught exception [exc], printing what CPython's
// handle_system_exit / excepthook print.
static int
report_uncaught(wf_thread *ts, wf_value exc)
{
    // A failure here stays buffered: it is reported at exit (flush_at_end)
    // after the traceback, as CPython orders them.
    (void)wf_bi_flush_stdout();
    if (wf_val_isinstance(exc, &wf_exc_SystemExit)) {
        wf_value args = ((wf_exc *)wf_val_as_obj(exc))->args;
        wf_value code = WF_NONE;
        if (args != WF_NULL && wf_val_is(args, &wf_tuple_type)) {
            if (wf_tuple_len(args) == 1)
                code = wf_tuple_items(args)[0];
            else if (wf_tuple_len(args) > 1)
                code = args;
        }
        if (code == WF_NONE)
            return 0;
        if (wf_val_is_int(code))
            return (int)wf_val_as_int(code);
        if (code == WF_TRUE || code == WF_FALSE)
            return code == WF_TRUE;
        wf_value s = wf_obj_str(ts, code);
        if (s != WF_NULL)
            fprintf(stderr, "%s\n", wf_str_cstr(s));
        wf_err_clear(ts);
        fflush(stderr);
        return 1;
    }
    wf_exc_print(ts, exc, stderr);
    fflush(stderr);
    // CPython ends by re-raising SIGINT, which a shell reports as 130.
    return wf_val_isinstance(exc, &wf_exc_KeyboardInterrupt) ? 130 : 1;
}

// The last flush of stdout before exit. A failure (a closed pipe, a full
// disk) is reported as CPython's "Exception ignored while flushing
// sys.stdout" with exit status 120, and the unwritable output dropped.
static int
flush_at_end(int status)
{
    int err = wf_bi_flush_stdout();
    if (err == 0)
        return status;
    wf_bi_discard_stdout();
    fprintf(stderr,
            "Exception ignored while flushing sys.stdout:\n%s: [Errno %d] "
            "%s\n",
            err == EPIPE ? "BrokenPipeError" : "OSError", err, strerror(err));
    fflush(stderr);
    return 120;
}

// CPython's threading._shutdown: wait for every non-daemon thread after
// __main__ finishes and before the process exits. Daemon threads are not
// waited for; the process exits under them without freeing what they use.
static void
wait_for_threads(wf_thread *ts)
{
    wf_threading_wait_all(ts);
}

// For `weft bench` (which times child processes): when WEFT_PAUSE_LOG
// names a file, append one line per recorded pause, "ttsp_ns dur_ns
// nattached nthreads reason", so the harness can take percentiles over
// every run. Nothing happens without the variable.
static void
dump_pause_records(void)
{
    const char *path = getenv("WEFT_PAUSE_LOG");
    if (path == NULL || path[0] == '\0')
        return;
    wf_stw_record *recs = malloc(WF_STW_RECORDS * sizeof *recs);
    if (recs == NULL)
        return;
    size_t n = wf_stw_get_records(recs, WF_STW_RECORDS, NULL);
    FILE *f = fopen(path, "a");
    if (f != NULL) {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%llu %llu %u %u %d\n",
                    (unsigned long long)recs[i].ttsp_ns,
                    (unsigned long long)recs[i].duration_ns,
                    recs[i].nattached, recs[i].nthreads, (int)recs[i].why);
        fclose(f);
    }
    free(recs);
}

static weft_status
run_source(weft_runtime *rt, const char *src, size_t len,
           const char *filename, int *exit_code)
{
    wf_thread *ts = rt->ts;
    wf_interp *interp = ts->interp;
    wf_value fname = wf_str_from_cstr(ts, filename);
    if (fname == WF_NULL)
        goto nomem;

    wf_value codev = wf_comp_module(ts, src, len, filename);
    if (codev == WF_NULL) {
        wf_value exc = wf_err_fetch(ts);
        (void)wf_bi_flush_stdout();
        if (exc != WF_NULL && wf_val_isinstance(exc, &wf_exc_SyntaxError))
            print_syntax_error(ts, exc);
        else if (exc != WF_NULL)
            wf_exc_print(ts, exc, stderr);
        fflush(stderr);
        *exit_code = 1;
        return WEFT_OK;
    }

    // No safe point until the frame holds [code]: nothing here collects.
    wf_value main = wf_module_new(ts, "__main__");
    if (main == WF_NULL)
        goto nomem;
    interp->main_module = main;
    wf_value globals = ((wf_module *)wf_val_as_obj(main))->dict;
    if (wf_module_add(ts, main, "__file__", fname) < 0 ||
        wf_module_add(ts, main, "__builtins__", interp->builtins) < 0)
        goto nomem;
    if (interp->modules != WF_NULL) {
        wf_value key = wf_str_intern(ts, "__main__");
        if (key == WF_NULL || wf_dict_set_str(ts, interp->modules, key,
                                              main) < 0)
            goto nomem;
    }

    wf_value r = wf_eval_code(ts, (wf_code *)wf_val_as_obj(codev), globals);
    int status = 0;
    if (r == WF_NULL) {
        wf_value exc = wf_err_fetch(ts);
        if (exc == WF_NULL) {
            (void)wf_bi_flush_stdout();
            fputs("weft: error return without exception set\n", stderr);
            status = 1;
        } else {
            size_t mark = wf_root_mark(ts);
            if (wf_root_push(ts, exc) < 0)
                wf_err_clear(ts);
            status = report_uncaught(ts, exc);
            wf_root_release(ts, mark);
        }
    }
    wait_for_threads(ts);
    status = flush_at_end(status);
    dump_pause_records();
    *exit_code = status;
    return WEFT_OK;
nomem:
    wf_err_clear(ts);
    return WEFT_ENOMEM;
}

// [path] made absolute against the working directory (leading "./"
// dropped), or NULL if that fails. Caller frees.
static char *
absolute_path(const char *path)
{
    if (path[0] == '/')
        return strdup(path);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return NULL;
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    size_t n = strlen(cwd) + strlen(path) + 2;
    char *out = malloc(n);
    if (out != NULL)
        snprintf(out, n, "%s%s%s", cwd,
                 strcmp(cwd, "/") == 0 ? "" : "/", path);
    return out;
}

weft_status
weft_run_file(weft_runtime *rt, const char *path, int *exit_code)
{
    if (rt == NULL || path == NULL || exit_code == NULL)
        return WEFT_EINVAL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return WEFT_EIO;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(fp);
        return WEFT_ENOMEM;
    }
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                fclose(fp);
                return WEFT_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, fp);
        len += n;
        if (n == 0)
            break;
    }
    bool failed = ferror(fp) != 0;
    fclose(fp);
    if (failed) {
        free(buf);
        return WEFT_EIO;
    }
    buf[len] = '\0';
    // As CPython 3.9+: __main__'s __file__ and co_filename are absolute.
    char *abs = absolute_path(path);
    weft_status st = run_source(rt, buf, len, abs != NULL ? abs : path,
                                exit_code);
    free(abs);
    free(buf);
    return st;
}

weft_status
weft_run_string(weft_runtime *rt, const char *src, const char *filename,
                int *exit_code)
{
    if (rt == NULL || src == NULL || filename == NULL || exit_code == NULL)
        return WEFT_EINVAL;
    return run_source(rt, src, strlen(src), filename, exit_code);
}

const char *
weft_version_string(void)
{
    return WEFT_VERSION_STRING;
}

// ===== Statistics =====

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t
percentile(const uint64_t *sorted, size_t n, unsigned pct)
{
    if (n == 0)
        return 0;
    size_t i = (n * pct + 99) / 100;
    if (i > 0)
        i--;
    if (i >= n)
        i = n - 1;
    return sorted[i];
}

weft_status
weft_stats_pauses(weft_runtime *rt, weft_pause_stats *out)
{
    if (rt == NULL || out == NULL)
        return WEFT_EINVAL;
    memset(out, 0, sizeof *out);
    wf_stw_record *recs = malloc(WF_STW_RECORDS * sizeof *recs);
    uint64_t *ttsp = malloc(WF_STW_RECORDS * sizeof *ttsp);
    uint64_t *dur = malloc(WF_STW_RECORDS * sizeof *dur);
    if (recs == NULL || ttsp == NULL || dur == NULL) {
        free(recs);
        free(ttsp);
        free(dur);
        return WEFT_ENOMEM;
    }
    uint64_t total = 0;
    size_t n = wf_stw_get_records(recs, WF_STW_RECORDS, &total);
    for (size_t i = 0; i < n; i++) {
        ttsp[i] = recs[i].ttsp_ns;
        dur[i] = recs[i].duration_ns;
    }
    qsort(ttsp, n, sizeof *ttsp, cmp_u64);
    qsort(dur, n, sizeof *dur, cmp_u64);
    out->count = total;
    out->ttsp_ns_p50 = percentile(ttsp, n, 50);
    out->ttsp_ns_p99 = percentile(ttsp, n, 99);
    out->ttsp_ns_max = n ? ttsp[n - 1] : 0;
    out->dur_ns_p50 = percentile(dur, n, 50);
    out->dur_ns_p99 = percentile(dur, n, 99);
    out->dur_ns_max = n ? dur[n - 1] : 0;
    free(recs);
    free(ttsp);
    free(dur);
    return WEFT_OK;
}
