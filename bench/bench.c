// bench/bench.c -- the `weft bench` harness (wf_bench_*).
// Owns the workload table (from workloads.def), the mode table (tracing
// configurations), child-process timing and the report. Follows STYLE
// 10.4-10.5: validate each workload's checksum before timing it, time
// configurations interleaved in rounds (A B A B ...), report medians and
// ratios taken in the same run, never best-of-N. Uses only include/weft.h.
#define _GNU_SOURCE  // asprintf, pipe2
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

// Facts about the build, compiled in by bench/CMakeLists.txt.
#ifndef WF_BENCH_WORKLOAD_DIR
#  define WF_BENCH_WORKLOAD_DIR "bench/workloads"
#endif
#ifndef WF_BENCH_SOURCE_DIR
#  define WF_BENCH_SOURCE_DIR "."
#endif
#ifndef WF_BENCH_BUILD_TYPE
#  define WF_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef WF_BENCH_DISPATCH
#  define WF_BENCH_DISPATCH "unknown"
#endif
#ifndef WF_BENCH_SANITIZE
#  define WF_BENCH_SANITIZE "unknown"
#endif
#ifndef WF_BENCH_MONITORING
#  define WF_BENCH_MONITORING 1
#endif

#define MAX_WORDS    32  // words in a --weft / --python command
#define MAX_CONFIGS  64  // interpreters x modes timed in one run
#define MAX_RUNS     1000
#define MAX_THREAD_COUNTS 8  // --threads 1,2,...
#define LINE_MAX_LEN 256  // longest stdout line kept (checksum lines)

// ===== Tables =====

typedef struct workload {
    const char *name;
    const char *kind;
    long default_n;
    const char *checksum;  // the value after "checksum " at default_n
} workload;

static const workload workloads[] = {
#define WF_BENCH(name, kind, default_n, checksum) \
  {#name, kind, default_n, checksum},
#include "workloads.def"
};
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

// A mode is a tracing configuration: Weft-Python source run in the same
// process just before the workload (prepended to a copy of the script, so
// it works unchanged under CPython). NULL prelude: the script runs as is.
// Ratios are reported against "untraced" (STYLE 10.5), which must stay
// first, run in as many threads as the mode.

// What a CPython must have to run a mode's prelude (modes.def), in
// increasing order; the harness probes the CPython once (cpython_probe).
enum { NEED_ANY, NEED_MON, NEED_MON314, NEED_WEFT };

typedef struct mode {
    const char *name;
    const char *what;
    const char *prelude;
    int needs;      // NEED_*: CPython is timed only if its level reaches it
    bool threaded;  // run in options.mode_threads threads
} mode;

static const mode modes[] = {
#define WF_BENCH_MODE(name, cpython, threaded, what, prelude) \
    {#name, what, prelude, NEED_##cpython, threaded},
#include "modes.def"
};
#define N_MODES (sizeof modes / sizeof modes[0])

// ===== Options and configurations =====

typedef struct command {
    char *words[MAX_WORDS + 1];  // argv prefix, pointing into buf
    int nwords;
    char *buf;   // owns the words
    char *text;  // as given, for the report
} command;

// Which interpreter a configuration runs.
enum { CFG_WEFT, CFG_CPYTHON, CFG_COMPARE };

// One timed configuration: an interpreter running the workload under a
// mode with [threads] threads (0: on the main thread, no sys.argv[2]).
typedef struct config {
    const char *label;  // "weft", "cpython" or "compare"
    int kind;           // CFG_*
    const command *cmd;
    const mode *mode;
    int threads;
    double ms[MAX_RUNS];
    int nruns;
} config;

typedef struct options {
    command weft;
    command python;   // nwords == 0: no CPython comparison
    command compare;  // --compare-weft: nwords == 0 when not given
    int runs;
    long n;  // 0: each workload's default_n
    double timeout_s;
    const char *dir;
    const char *json_path;  // NULL: JSON lines go to stdout
    const char *emit_dir;   // --emit: write the scripts there, time nothing
    bool list;
    bool help;
    bool selected[N_WORKLOADS];
    bool any_selected;
    bool mode_selected[N_MODES];
    bool any_mode;
    int mode_threads;  // K for the threaded modes (--mode-threads)
    // Thread scaling (--threads): thread counts to time, ascending.
    int thread_counts[MAX_THREAD_COUNTS];
    int nthread_counts;
} options;

static int
usage(FILE *f)
{
    fprintf(
        f,
        "usage: weft bench [options]\n"
        "Time the workloads of bench/workloads.def under Weft and, with\n"
        "--python, under CPython; validate each checksum first.\n"
        "\n"
        "  --list              list workloads and modes, then exit\n"
        "  --workload NAME     run only NAME (repeatable; NAME,NAME ok)\n"
        "  --mode NAME         tracing mode (repeatable; NAME,NAME ok;\n"
        "                      'all' = every mode; default untraced only).\n"
        "                      Each mode is timed interleaved with\n"
        "                      'untraced' and reported as a ratio to it,\n"
        "                      for Weft and for the --python CPython;\n"
        "                      modes the CPython lacks (sys.monitoring is\n"
        "                      3.12+, BRANCH_LEFT 3.14+, _weft C hooks)\n"
        "                      are skipped for it with a note\n"
        "  --mode-threads K    threads for the *_all modes (default 4)\n"
        "  --runs N            timed runs per configuration (default 5)\n"
        "  --n N               workload size instead of its default\n"
        "  --python CMD        also time CPython, e.g. --python python3.14\n"
        "  --weft CMD          command for Weft (default: this weft, 'run')\n"
        "  --compare-weft CMD  also time another Weft untraced, interleaved,\n"
        "                      e.g. a WEFT_MONITORING=OFF build:\n"
        "                      --compare-weft '/tmp/bm-off/weft run';\n"
        "                      prints weft/compare (the cost of support)\n"
        "  --json FILE         append the JSON lines to FILE, not stdout\n"
        "  --dir DIR           workload scripts directory\n"
        "  --emit DIR          write each selected workload's script per\n"
        "                      selected mode (prelude included) as\n"
        "                      DIR/<workload>.<mode>.py and exit; for\n"
        "                      callgrind (bench/callgrind.sh)\n"
        "  --timeout SECONDS   per child process (default 300)\n"
        "  --threads LIST      thread scaling instead of the mode table:\n"
        "                      each workload in K threads for K in LIST\n"
        "                      (1,2,4 or 'max' = 1..cores), each thread\n"
        "                      doing the full work; prints the speed-up\n"
        "                      K * T(1) / T(K) and pause latency per K\n");
    return f == stderr ? 2 : 0;
}

// Split [text] at blanks into [cmd]. Returns 0, or -1 if it has no word
// or too many.
static int
command_parse(command *cmd, const char *text)
{
    free(cmd->text);
    free(cmd->buf);
    cmd->text = strdup(text);
    cmd->buf = strdup(text);
    cmd->nwords = 0;
    if (cmd->text == NULL || cmd->buf == NULL)
        return -1;
    for (char *save = NULL, *w = strtok_r(cmd->buf, " \t", &save); w != NULL;
         w = strtok_r(NULL, " \t", &save)) {
        if (cmd->nwords == MAX_WORDS)
            return -1;
        cmd->words[cmd->nwords++] = w;
    }
    cmd->words[cmd->nwords] = NULL;
    return cmd->nwords > 0 ? 0 : -1;
}

static int
find_workload(const char *name, size_t len)
{
    for (size_t i = 0; i < N_WORKLOADS; i++)
        if (strlen(workloads[i].name) == len &&
            strncmp(workloads[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static int
find_mode(const char *name, size_t len)
{
    for (size_t i = 0; i < N_MODES; i++)
        if (strlen(modes[i].name) == len &&
            strncmp(modes[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static bool
parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

// Parse "1,2,4" or "max" (1, 2, ... cores) into [o]'s thread counts.
// Returns 0, or -1 if malformed.
static int
parse_thread_counts(const char *val, options *o)
{
    o->nthread_counts = 0;
    if (strcmp(val, "max") == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (cores < 1)
            cores = 1;
        for (long k = 1; k <= cores && o->nthread_counts < MAX_THREAD_COUNTS;
             k = k < 4 ? k + 1 : k * 2)
            o->thread_counts[o->nthread_counts++] = (int)k;
        return 0;
    }
    for (const char *p = val; *p != '\0';) {
        char *end;
        long k = strtol(p, &end, 10);
        if (end == p || k < 1 || k > 1024 ||
            o->nthread_counts == MAX_THREAD_COUNTS ||
            (o->nthread_counts > 0 &&
             k <= o->thread_counts[o->nthread_counts - 1]))
            return -1;
        o->thread_counts[o->nthread_counts++] = (int)k;
        if (*end == ',')
            end++;
        else if (*end != '\0')
            return -1;
        p = end;
    }
    return o->nthread_counts > 0 ? 0 : -1;
}

// Parse [argv] into [o]. Returns 0, or 2 after printing a usage error.
static int
parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = true;
            continue;
        } else if (strcmp(arg, "--list") == 0) {
            o->list = true;
            continue;
        }
        // Every other option takes a value: "--opt VALUE" or "--opt=VALUE".
        char name[32];
        const char *eq = strchr(arg, '=');
        size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        if (strncmp(arg, "--", 2) != 0 || nlen >= sizeof name) {
            fprintf(stderr, "weft bench: unknown argument '%s'\n", arg);
            return usage(stderr);
        }
        memcpy(name, arg, nlen);
        name[nlen] = '\0';
        static const char *const valued[] = {
            "--workload", "--mode",         "--runs", "--n",
            "--timeout",  "--python",       "--weft", "--json",
            "--dir",      "--threads",      "--compare-weft",
            "--mode-threads", "--emit"};
        size_t k = 0;
        while (k < sizeof valued / sizeof valued[0] &&
               strcmp(name, valued[k]) != 0)
            k++;
        if (k == sizeof valued / sizeof valued[0]) {
            fprintf(stderr, "weft bench: unknown option '%s'\n", name);
            return usage(stderr);
        }
        if (eq != NULL)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else {
            fprintf(stderr, "weft bench: %s needs a value\n", name);
            return 2;
        }
        long v;
        if (strcmp(name, "--workload") == 0) {
            for (const char *p = val; *p != '\0';) {
                size_t len = strcspn(p, ",");
                int w = find_workload(p, len);
                if (w < 0) {
                    fprintf(stderr,
                            "weft bench: no workload '%.*s' "
                            "(see weft bench --list)\n",
                            (int)len, p);
                    return 2;
                }
                o->selected[w] = true;
                o->any_selected = true;
                p += len + (p[len] == ',');
            }
        } else if (strcmp(name, "--mode") == 0) {
            for (const char *p = val; *p != '\0';) {
                size_t len = strcspn(p, ",");
                if (len == 3 && strncmp(p, "all", 3) == 0) {
                    for (size_t m = 0; m < N_MODES; m++)
                        o->mode_selected[m] = true;
                } else {
                    int m = find_mode(p, len);
                    if (m < 0) {
                        fprintf(stderr,
                                "weft bench: no mode '%.*s' "
                                "(see weft bench --list)\n",
                                (int)len, p);
                        return 2;
                    }
                    o->mode_selected[m] = true;
                }
                o->any_mode = true;
                p += len + (p[len] == ',');
            }
        } else if (strcmp(name, "--mode-threads") == 0) {
            if (!parse_long(val, 1, 1024, &v)) {
                fprintf(stderr, "weft bench: --mode-threads wants 1..1024\n");
                return 2;
            }
            o->mode_threads = (int)v;
        } else if (strcmp(name, "--runs") == 0) {
            if (!parse_long(val, 1, MAX_RUNS, &v)) {
                fprintf(stderr, "weft bench: --runs wants 1..%d\n", MAX_RUNS);
                return 2;
            }
            o->runs = (int)v;
        } else if (strcmp(name, "--n") == 0) {
            if (!parse_long(val, 1, 1L << 40, &o->n)) {
                fprintf(stderr, "weft bench: --n wants a size >= 1\n");
                return 2;
            }
        } else if (strcmp(name, "--timeout") == 0) {
            if (!parse_long(val, 1, 86400, &v)) {
                fprintf(stderr, "weft bench: --timeout wants seconds\n");
                return 2;
            }
            o->timeout_s = (double)v;
        } else if (strcmp(name, "--python") == 0 ||
                   strcmp(name, "--weft") == 0 ||
                   strcmp(name, "--compare-weft") == 0) {
            command *c = name[2] == 'p'   ? &o->python
                         : name[2] == 'c' ? &o->compare
                                          : &o->weft;
            if (command_parse(c, val) != 0) {
                fprintf(stderr, "weft bench: bad %s command '%s'\n", name, val);
                return 2;
            }
        } else if (strcmp(name, "--threads") == 0) {
            if (parse_thread_counts(val, o) != 0) {
                fprintf(stderr, "weft bench: --threads wants a list such as "
                                "1,2,4 (ascending, at most %d) or 'max'\n",
                        MAX_THREAD_COUNTS);
                return 2;
            }
        } else if (strcmp(name, "--json") == 0) {
            o->json_path = val;
        } else if (strcmp(name, "--emit") == 0) {
            o->emit_dir = val;
        } else {  // --dir
            o->dir = val;
        }
    }
    return 0;
}

// ===== Child processes =====

// Copy [src] into [dst] of [size] bytes, truncating.
static void
copy_trunc(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

typedef struct child_result {
    double ms;   // wall time from fork to reaped exit
    int status;  // waitpid status
    bool timed_out;
    char checksum[LINE_MAX_LEN];  // last "checksum ..." value, or ""
} child_result;

// Note the value of a complete stdout [line] if it is a checksum line.
static void
scan_line(const char *line, child_result *r)
{
    static const char prefix[] = "checksum ";
    if (strncmp(line, prefix, sizeof prefix - 1) == 0)
        copy_trunc(r->checksum, sizeof r->checksum, line + sizeof prefix - 1);
}

// When set, children get WEFT_PAUSE_LOG=<this> (the runtime appends its
// pause records there: runtime/api.c). W/R: the harness thread.
static const char *child_pause_log;

// Run [argv] with stdin from /dev/null and stdout read here (stderr is
// inherited, so a failing child's traceback shows). Kills it after
// [timeout_s]. Returns 0 with [r] filled, or -1 if it could not start.
static int
run_child(char *const argv[], double timeout_s, child_result *r)
{
    int fds[2];
    memset(r, 0, sizeof *r);
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(fds[1], 1);
        if (child_pause_log != NULL)
            setenv("WEFT_PAUSE_LOG", child_pause_log, 1);
        else
            unsetenv("WEFT_PAUSE_LOG");
        execvp(argv[0], argv);
        fprintf(stderr, "weft bench: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(fds[1]);

    char line[LINE_MAX_LEN];
    size_t len = 0;
    double deadline = t0 + timeout_s * 1e3;
    for (;;) {
        double left = deadline - now_ms();
        if (left <= 0) {
            r->timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&p, 1, left > 1e6 ? 1000000 : (int)left + 1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;  // timeout: the deadline check above kills it
        char buf[4096];
        ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;  // EOF: the child closed stdout (normally: exited)
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] == '\n') {
                line[len] = '\0';
                scan_line(line, r);
                len = 0;
            } else if (len + 1 < sizeof line) {
                line[len++] = buf[i];
            }
        }
    }
    if (len > 0) {
        line[len] = '\0';
        scan_line(line, r);
    }
    close(fds[0]);
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
        ;
    r->ms = now_ms() - t0;
    return 0;
}

// Describe how [r] failed into [buf], or return false if it succeeded.
static bool
child_failed(const child_result *r, char *buf, size_t size)
{
    if (r->timed_out)
        snprintf(buf, size, "timed out");
    else if (WIFSIGNALED(r->status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(r->status));
    else if (WEXITSTATUS(r->status) != 0)
        snprintf(buf, size, "exit status %d", WEXITSTATUS(r->status));
    else
        return false;
    return true;
}

// ===== Scripts =====

// The script a configuration runs for workload [w]: the workload file
// itself, or for a mode with a prelude, a temporary copy with the prelude
// prepended. Returns a malloc'd path (*[is_temp] says whether to unlink
// it), or NULL after printing why.
static char *
prepare_script(const options *o, const workload *w, const mode *m,
               bool *is_temp)
{
    char *path = NULL;
    *is_temp = false;
    if (asprintf(&path, "%s/%s.py", o->dir, w->name) < 0)
        return NULL;
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "weft bench: %s: %s\n", path, strerror(errno));
        free(path);
        return NULL;
    }
    if (m->prelude == NULL)
        return path;

    const char *tmpdir = getenv("TMPDIR");
    char *tmp = NULL;
    if (asprintf(&tmp, "%s/weft-bench-%ld-%s-%s.py", tmpdir ? tmpdir : "/tmp",
                 (long)getpid(), w->name, m->name) < 0) {
        free(path);
        return NULL;
    }
    FILE *in = fopen(path, "r");
    FILE *out = fopen(tmp, "w");
    bool ok = in != NULL && out != NULL;
    if (ok) {
        fprintf(out, "%s\n", m->prelude);
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, in)) > 0)
            ok = ok && fwrite(buf, 1, got, out) == got;
        ok = ok && !ferror(in);
    }
    if (in != NULL)
        fclose(in);
    if (out != NULL && fclose(out) != 0)
        ok = false;
    free(path);
    if (!ok) {
        fprintf(stderr, "weft bench: cannot write %s\n", tmp);
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    *is_temp = true;
    return tmp;
}

// --emit: copy each selected workload's script under each selected mode
// to [o]->emit_dir as <workload>.<mode>.py. Returns 0, or 1 after printing
// why.
static int
emit_scripts(const options *o)
{
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        if (o->any_selected && !o->selected[i])
            continue;
        for (size_t m = 0; m < N_MODES; m++) {
            if (!o->mode_selected[m])
                continue;
            bool is_temp;
            char *src = prepare_script(o, &workloads[i], &modes[m], &is_temp);
            char *dst = NULL;
            if (src == NULL ||
                asprintf(&dst, "%s/%s.%s.py", o->emit_dir, workloads[i].name,
                         modes[m].name) < 0) {
                free(src);
                return 1;
            }
            FILE *in = fopen(src, "r");
            FILE *out = fopen(dst, "w");
            bool ok = in != NULL && out != NULL;
            char buf[4096];
            size_t got;
            while (ok && (got = fread(buf, 1, sizeof buf, in)) > 0)
                ok = fwrite(buf, 1, got, out) == got;
            ok = ok && in != NULL && !ferror(in);
            if (in != NULL)
                fclose(in);
            if (out != NULL && fclose(out) != 0)
                ok = false;
            if (!ok)
                fprintf(stderr, "weft bench: cannot write %s: %s\n", dst,
                        strerror(errno));
            else
                printf("%s\n", dst);
            if (is_temp)
                unlink(src);
            free(src);
            free(dst);
            if (!ok)
                return 1;
        }
    }
    return 0;
}

// ===== Report =====

static double
median(const double *v, int n)
{
    double s[MAX_RUNS];
    memcpy(s, v, (size_t)n * sizeof *v);
    for (int i = 1; i < n; i++)  // insertion sort: n is small
        for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void
json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

// Read the first line of [cmd]'s output into [buf] (trimmed), or
// [fallback] if it fails or prints nothing.
static void
first_line_of(const char *cmd, char *buf, size_t size, const char *fallback)
{
    copy_trunc(buf, size, fallback);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return;
    char line[256];
    if (fgets(line, sizeof line, p) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] != '\0')
            copy_trunc(buf, size, line);
    }
    pclose(p);
}

static void
cpu_model(char *buf, size_t size)
{
    copy_trunc(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon != NULL) {
                colon += 1 + (colon[1] == ' ');
                colon[strcspn(colon, "\n")] = '\0';
                copy_trunc(buf, size, colon);
            }
            break;
        }
    }
    fclose(f);
}

typedef struct environment {
    char commit[64];
    char cpu[256];
} environment;

static void
json_env(FILE *f, const environment *env)
{
    fprintf(f, ",\"commit\":");
    json_string(f, env->commit);
    fprintf(f, ",\"build_type\":");
    json_string(f, WF_BENCH_BUILD_TYPE);
    fprintf(f, ",\"dispatch\":");
    json_string(f, WF_BENCH_DISPATCH);
    fprintf(f, ",\"monitoring\":%s,\"sanitize\":",
            WF_BENCH_MONITORING ? "true" : "false");
    json_string(f, WF_BENCH_SANITIZE);
    fprintf(f, ",\"version\":\"%s\",\"cpu\":", WEFT_VERSION_STRING);
    json_string(f, env->cpu);
    fprintf(f, "}\n");
}

static void
json_runs(FILE *f, const char *key, const config *c)
{
    fprintf(f, ",\"%s\":[", key);
    for (int i = 0; i < c->nruns; i++)
        fprintf(f, "%s%.3f", i ? "," : "", c->ms[i]);
    fprintf(f, "]");
}

// One JSON line for mode [weft]->mode: Weft's median and its ratio to
// Weft's untraced run [wbase], and the same for CPython ([cpy], [cbase];
// NULL when not timed: [cpy_skip] then says why, or NULL for "no
// --python").
static void
json_line(FILE *f, const environment *env, const workload *w, long n,
          const config *weft, const config *wbase, const config *cpy,
          const config *cbase, const char *cpy_skip, int runs)
{
    double wm = median(weft->ms, weft->nruns);
    fprintf(f, "{\"bench\":\"weft\",\"workload\":");
    json_string(f, w->name);
    fprintf(f, ",\"kind\":");
    json_string(f, w->kind);
    fprintf(f, ",\"mode\":");
    json_string(f, weft->mode->name);
    fprintf(f, ",\"n\":%ld,\"threads\":%d,\"runs\":%d,\"weft_ms\":%.3f", n,
            weft->threads, runs, wm);
    json_runs(f, "weft_runs_ms", weft);
    if (wbase != NULL)
        fprintf(f, ",\"vs_untraced\":%.4f",
                wm / median(wbase->ms, wbase->nruns));
    if (cpy != NULL) {
        double cm = median(cpy->ms, cpy->nruns);
        fprintf(f, ",\"cpython\":");
        json_string(f, cpy->cmd->text);
        fprintf(f, ",\"cpython_ms\":%.3f,\"ratio\":%.4f", cm, wm / cm);
        json_runs(f, "cpython_runs_ms", cpy);
        if (cbase != NULL)
            fprintf(f, ",\"cpython_vs_untraced\":%.4f",
                    cm / median(cbase->ms, cbase->nruns));
    } else if (cpy_skip != NULL) {
        fprintf(f, ",\"cpython_skipped\":");
        json_string(f, cpy_skip);
    }
    json_env(f, env);
}

// The JSON line of --compare-weft: untraced Weft against the other build.
static void
json_compare(FILE *f, const environment *env, const workload *w, long n,
             const config *weft, const config *cmp, int runs)
{
    double wm = median(weft->ms, weft->nruns);
    double cm = median(cmp->ms, cmp->nruns);
    fprintf(f, "{\"bench\":\"weft-compare\",\"workload\":");
    json_string(f, w->name);
    fprintf(f, ",\"mode\":");
    json_string(f, weft->mode->name);
    fprintf(f, ",\"n\":%ld,\"threads\":%d,\"runs\":%d,\"weft_ms\":%.3f",
            n, weft->threads, runs, wm);
    json_runs(f, "weft_runs_ms", weft);
    fprintf(f, ",\"compare\":");
    json_string(f, cmp->cmd->text);
    fprintf(f, ",\"compare_ms\":%.3f,\"weft_vs_compare\":%.4f", cm, wm / cm);
    json_runs(f, "compare_runs_ms", cmp);
    json_env(f, env);
}

// ===== Running a workload =====

// Fill [argv] with [cmd]'s words, [script], [nbuf] and, for a threaded
// configuration, its thread count in [kbuf].
static void
build_argv(char **argv, const config *c, char *script, char *nbuf,
           char *kbuf, size_t kbuf_size)
{
    const command *cmd = c->cmd;
    memcpy(argv, cmd->words, (size_t)cmd->nwords * sizeof argv[0]);
    int i = cmd->nwords;
    argv[i++] = script;
    argv[i++] = nbuf;
    if (c->threads > 0) {
        snprintf(kbuf, kbuf_size, "%d", c->threads);
        argv[i++] = kbuf;
    }
    argv[i] = NULL;
}

// Validate then time workload [w] under [configs] (untraced first). Fills
// each config's ms[]. Returns 0, or -1 after printing why the workload
// failed.
static int
bench_workload(const options *o, const workload *w, long n, config *configs,
               int nconfigs)
{
    char *scripts[MAX_CONFIGS] = {0};
    bool temps[MAX_CONFIGS] = {0};
    char nbuf[32], kbuf[16];
    int rc = -1;
    snprintf(nbuf, sizeof nbuf, "%ld", n);

    for (int c = 0; c < nconfigs; c++) {
        configs[c].nruns = 0;
        // One script per mode: configurations of the same mode share it.
        for (int d = 0; d < c && scripts[c] == NULL; d++)
            if (configs[d].mode == configs[c].mode)
                scripts[c] = strdup(scripts[d]);
        if (scripts[c] == NULL)
            scripts[c] = prepare_script(o, w, configs[c].mode, &temps[c]);
        if (scripts[c] == NULL)
            goto done;
    }

    // Validate (this is also each configuration's warm-up run): every
    // configuration prints the same checksum, and at default_n the one
    // recorded in workloads.def.
    const char *expected = n == w->default_n ? w->checksum : NULL;
    char first[LINE_MAX_LEN] = "";
    for (int c = 0; c < nconfigs; c++) {
        const command *cmd = configs[c].cmd;
        char *argv[MAX_WORDS + 4];
        build_argv(argv, &configs[c], scripts[c], nbuf, kbuf, sizeof kbuf);
        child_result r;
        char why[64];
        if (run_child(argv, o->timeout_s, &r) != 0) {
            fprintf(stderr, "weft bench: %s: cannot start %s\n", w->name,
                    cmd->text);
            goto done;
        }
        if (child_failed(&r, why, sizeof why)) {
            fprintf(stderr, "weft bench: %s: %s (%s, mode %s): %s\n", w->name,
                    configs[c].label, cmd->text, configs[c].mode->name, why);
            goto done;
        }
        if (r.checksum[0] == '\0') {
            fprintf(stderr, "weft bench: %s: %s printed no checksum line\n",
                    w->name, configs[c].label);
            goto done;
        }
        if (c == 0)
            copy_trunc(first, sizeof first, r.checksum);
        const char *want = expected ? expected : first;
        if (strcmp(r.checksum, want) != 0) {
            fprintf(stderr,
                    "weft bench: %s: %s (mode %s) printed checksum "
                    "%s, expected %s\n",
                    w->name, configs[c].label, configs[c].mode->name,
                    r.checksum, want);
            goto done;
        }
    }

    // Time: rounds of every configuration in turn (A B A B ...), so drift
    // in the machine's state hits all of them alike.
    for (int round = 0; round < o->runs; round++) {
        for (int c = 0; c < nconfigs; c++) {
            char *argv[MAX_WORDS + 4];
            build_argv(argv, &configs[c], scripts[c], nbuf, kbuf,
                       sizeof kbuf);
            child_result r;
            char why[64];
            if (run_child(argv, o->timeout_s, &r) != 0 ||
                child_failed(&r, why, sizeof why)) {
                fprintf(stderr, "weft bench: %s: %s (mode %s) failed in "
                                "round %d\n",
                        w->name, configs[c].label, configs[c].mode->name,
                        round + 1);
                goto done;
            }
            configs[c].ms[configs[c].nruns++] = r.ms;
        }
    }
    rc = 0;
done:
    for (int c = 0; c < nconfigs; c++) {
        if (scripts[c] != NULL && temps[c])
            unlink(scripts[c]);
        free(scripts[c]);
    }
    return rc;
}

// The configuration of [kind] for [m] in [threads] threads, or NULL.
static const config *
find_config(const config *configs, int nconfigs, int kind, const mode *m,
            int threads)
{
    for (int c = 0; c < nconfigs; c++)
        if (configs[c].kind == kind && configs[c].mode == m &&
            configs[c].threads == threads)
            return &configs[c];
    return NULL;
}

// What the --python CPython can run, as a NEED_* level below NEED_WEFT:
// NEED_MON314 with sys.monitoring's BRANCH_LEFT (3.14+), NEED_MON with
// sys.monitoring (3.12+), else NEED_ANY. Asked once, by running it.
static int
cpython_probe(const options *o)
{
    static char code[] =
        "import sys\n"
        "m = getattr(sys, 'monitoring', None)\n"
        "print('checksum', 0 if m is None else "
        "2 if hasattr(m.events, 'BRANCH_LEFT') else 1)\n";
    static char dash_c[] = "-c";
    char *argv[MAX_WORDS + 3];
    memcpy(argv, o->python.words, (size_t)o->python.nwords * sizeof argv[0]);
    argv[o->python.nwords] = dash_c;
    argv[o->python.nwords + 1] = code;
    argv[o->python.nwords + 2] = NULL;
    child_result r;
    char why[64];
    if (run_child(argv, o->timeout_s, &r) != 0 ||
        child_failed(&r, why, sizeof why))
        return NEED_ANY;  // the workloads' validation will say what fails
    if (strcmp(r.checksum, "2") == 0)
        return NEED_MON314;
    return strcmp(r.checksum, "1") == 0 ? NEED_MON : NEED_ANY;
}

static void
list_tables(void)
{
    printf("workloads (bench/workloads.def):\n");
    printf("  %-12s %-12s %10s\n", "name", "kind", "default_n");
    for (size_t i = 0; i < N_WORKLOADS; i++)
        printf("  %-12s %-12s %10ld\n", workloads[i].name, workloads[i].kind,
               workloads[i].default_n);
    printf("modes (bench/modes.def; --mode all runs every one):\n");
    static const char *const needs[] = {"", " [CPython 3.12+]",
                                        " [CPython 3.14+]", " [Weft only]"};
    for (size_t i = 0; i < N_MODES; i++)
        printf("  %-18s %s%s\n", modes[i].name, modes[i].what,
               needs[modes[i].needs]);
}

// ===== Thread scaling (--threads) =====

// Pause records read back from a WEFT_PAUSE_LOG file.
typedef struct pause_log {
    uint64_t *ttsp, *dur;
    size_t n, cap;
} pause_log;

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Append the records of [path] (lines "ttsp_ns dur_ns ...") to [pl] and
// truncate the file. Only pauses that had to stop at least one running
// thread count: those measure time-to-safepoint.
static void
pause_log_collect(const char *path, pause_log *pl)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    unsigned long long t, d;
    unsigned att, nth;
    int why;
    while (fscanf(f, "%llu %llu %u %u %d", &t, &d, &att, &nth, &why) == 5) {
        if (att == 0)
            continue;
        if (pl->n == pl->cap) {
            size_t cap = pl->cap ? 2 * pl->cap : 1024;
            uint64_t *a = realloc(pl->ttsp, cap * sizeof *a);
            uint64_t *b = a ? realloc(pl->dur, cap * sizeof *b) : NULL;
            if (a != NULL)
                pl->ttsp = a;
            if (b == NULL)
                break;
            pl->dur = b;
            pl->cap = cap;
        }
        pl->ttsp[pl->n] = t;
        pl->dur[pl->n] = d;
        pl->n++;
    }
    fclose(f);
    truncate(path, 0);
}

static uint64_t
pct(const uint64_t *sorted, size_t n, unsigned p)
{
    if (n == 0)
        return 0;
    size_t i = (n * p + 99) / 100;
    return sorted[i > 0 ? (i - 1 < n ? i - 1 : n - 1) : 0];
}

// One workload's scaling run: every (interpreter, K) configuration is
// validated, then timed in interleaved rounds. Returns 0 or -1.
static int
scale_workload(const options *o, const workload *w, FILE *json,
               const environment *env)
{
    int nk = o->nthread_counts;
    bool cpy = o->python.nwords > 0;
    int ncfg = nk * (cpy ? 2 : 1);
    config *cfg = calloc((size_t)ncfg, sizeof *cfg);
    pause_log *logs = calloc((size_t)nk, sizeof *logs);
    char *script = NULL, *logpath = NULL;
    int rc = -1;
    long n = o->n > 0 ? o->n : w->default_n;
    if (cfg == NULL || logs == NULL ||
        asprintf(&script, "%s/%s.py", o->dir, w->name) < 0 ||
        asprintf(&logpath, "%s/weft-bench-%ld-pauses.log",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                 (long)getpid()) < 0)
        goto done;
    for (int k = 0; k < nk; k++) {
        cfg[k * (cpy ? 2 : 1)] = (config){
            .label = "weft", .cmd = &o->weft, .threads = o->thread_counts[k]};
        if (cpy)
            cfg[k * 2 + 1] = (config){.label = "cpython", .cmd = &o->python,
                                      .threads = o->thread_counts[k]};
    }
    const char *expected = n == w->default_n ? w->checksum : NULL;
    char first[LINE_MAX_LEN] = "";
    for (int round = -1; round < o->runs; round++) {  // -1: validation
        for (int c = 0; c < ncfg; c++) {
            char nbuf[32], kbuf[16];
            snprintf(nbuf, sizeof nbuf, "%ld", n);
            snprintf(kbuf, sizeof kbuf, "%d", cfg[c].threads);
            const command *cmd = cfg[c].cmd;
            char *argv[MAX_WORDS + 4];
            memcpy(argv, cmd->words, (size_t)cmd->nwords * sizeof argv[0]);
            argv[cmd->nwords] = script;
            argv[cmd->nwords + 1] = nbuf;
            argv[cmd->nwords + 2] = kbuf;
            argv[cmd->nwords + 3] = NULL;
            bool is_weft = cmd == &o->weft;
            child_pause_log = is_weft && round >= 0 ? logpath : NULL;
            child_result r;
            char why[64];
            int started = run_child(argv, o->timeout_s, &r);
            child_pause_log = NULL;
            if (started != 0 || child_failed(&r, why, sizeof why)) {
                fprintf(stderr, "weft bench: %s: %s with %d threads: %s\n",
                        w->name, cfg[c].label, cfg[c].threads,
                        started != 0 ? "cannot start" : why);
                goto done;
            }
            if (round < 0) {
                if (c == 0)
                    copy_trunc(first, sizeof first, r.checksum);
                const char *want = expected ? expected : first;
                if (strcmp(r.checksum, want) != 0) {
                    fprintf(stderr,
                            "weft bench: %s: %s with %d threads printed "
                            "checksum '%s', expected %s\n",
                            w->name, cfg[c].label, cfg[c].threads,
                            r.checksum, want);
                    goto done;
                }
                continue;
            }
            cfg[c].ms[cfg[c].nruns++] = r.ms;
            if (is_weft)
                pause_log_collect(logpath, &logs[c / (cpy ? 2 : 1)]);
        }
    }
    int per = cpy ? 2 : 1;
    double w1 = median(cfg[0].ms, cfg[0].nruns);
    double c1 = cpy ? median(cfg[1].ms, cfg[1].nruns) : 0;
    int k0 = cfg[0].threads;
    for (int k = 0; k < nk; k++) {
        const config *wc = &cfg[k * per];
        double wm = median(wc->ms, wc->nruns);
        double speedup = (double)wc->threads / k0 * w1 / wm;
        pause_log *pl = &logs[k];
        qsort(pl->ttsp, pl->n, sizeof(uint64_t), cmp_u64);
        qsort(pl->dur, pl->n, sizeof(uint64_t), cmp_u64);
        char cms[32] = "-", csp[32] = "-";
        double cm = 0, cspeed = 0;
        if (cpy) {
            cm = median(cfg[k * per + 1].ms, cfg[k * per + 1].nruns);
            cspeed = (double)wc->threads / k0 * c1 / cm;
            snprintf(cms, sizeof cms, "%.1f", cm);
            snprintf(csp, sizeof csp, "%.2f", cspeed);
        }
        printf("%-12s %7d %10.1f %8.2f %7zu %8.1f %8.1f %8.1f %8.1f %10s "
               "%8s\n",
               w->name, wc->threads, wm, speedup, pl->n,
               pct(pl->ttsp, pl->n, 50) / 1e3, pct(pl->ttsp, pl->n, 99) / 1e3,
               pl->n ? pl->ttsp[pl->n - 1] / 1e3 : 0.0,
               pct(pl->dur, pl->n, 99) / 1e3, cms, csp);
        fprintf(json, "{\"bench\":\"weft-scaling\",\"workload\":");
        json_string(json, w->name);
        fprintf(json,
                ",\"n\":%ld,\"threads\":%d,\"runs\":%d,\"weft_ms\":%.3f,"
                "\"speedup\":%.4f,\"pauses\":%zu,\"ttsp_us_p50\":%.2f,"
                "\"ttsp_us_p99\":%.2f,\"ttsp_us_max\":%.2f,"
                "\"pause_us_p50\":%.2f,\"pause_us_p99\":%.2f",
                n, wc->threads, o->runs, wm, speedup, pl->n,
                pct(pl->ttsp, pl->n, 50) / 1e3, pct(pl->ttsp, pl->n, 99) / 1e3,
                pl->n ? pl->ttsp[pl->n - 1] / 1e3 : 0.0,
                pct(pl->dur, pl->n, 50) / 1e3, pct(pl->dur, pl->n, 99) / 1e3);
        if (cpy) {
            fprintf(json, ",\"cpython\":");
            json_string(json, o->python.text);
            fprintf(json, ",\"cpython_ms\":%.3f,\"cpython_speedup\":%.4f", cm,
                    cspeed);
        }
        fprintf(json, ",\"commit\":");
        json_string(json, env->commit);
        fprintf(json, ",\"build_type\":");
        json_string(json, WF_BENCH_BUILD_TYPE);
        fprintf(json, ",\"cpu\":");
        json_string(json, env->cpu);
        fprintf(json, "}\n");
    }
    rc = 0;
done:
    if (logpath != NULL)
        unlink(logpath);
    for (int k = 0; logs != NULL && k < nk; k++) {
        free(logs[k].ttsp);
        free(logs[k].dur);
    }
    free(logs);
    free(cfg);
    free(script);
    free(logpath);
    return rc;
}

// `weft bench --threads LIST`: thread scaling of the selected workloads.
// Returns the exit status.
static int
bench_scaling(const options *o)
{
    char *json_mem = NULL;
    size_t json_len = 0;
    FILE *json = o->json_path != NULL ? fopen(o->json_path, "a")
                                      : open_memstream(&json_mem, &json_len);
    if (json == NULL) {
        fprintf(stderr, "weft bench: %s: %s\n",
                o->json_path ? o->json_path : "memory", strerror(errno));
        return 2;
    }
    environment env;
    first_line_of("git -C '" WF_BENCH_SOURCE_DIR "' rev-parse --short HEAD"
                  " 2>/dev/null",
                  env.commit, sizeof env.commit, "unknown");
    cpu_model(env.cpu, sizeof env.cpu);
    printf("weft bench: thread scaling, %d timed runs per configuration, "
           "interleaved; each of K threads does the full work\n"
           "speedup = (K / %d) * T(%d) / T(K), median wall times; pauses: "
           "those that stopped a running thread, microseconds "
           "(ttsp = time-to-safepoint, dur = length)\n",
           o->runs, o->thread_counts[0], o->thread_counts[0]);
    printf("weft: %s   cpython: %s   build: %s, commit %s, cores %ld\n",
           o->weft.text, o->python.nwords > 0 ? o->python.text : "-",
           WF_BENCH_BUILD_TYPE, env.commit, sysconf(_SC_NPROCESSORS_ONLN));
    printf("%-12s %7s %10s %8s %7s %8s %8s %8s %8s %10s %8s\n", "workload",
           "threads", "weft ms", "speedup", "pauses", "ttsp p50", "ttsp p99",
           "ttsp max", "dur p99", "cpython ms", "cpy spdup");
    fflush(stdout);
    int failed = 0;
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        if (o->any_selected && !o->selected[i])
            continue;
        if (scale_workload(o, &workloads[i], json, &env) != 0) {
            printf("%-12s %7s %10s\n", workloads[i].name, "-", "FAILED");
            failed++;
        }
        fflush(stdout);
    }
    fclose(json);
    if (json_mem != NULL) {
        fputs(json_mem, stdout);
        free(json_mem);
    }
    return failed ? 1 : 0;
}

int
wf_bench_main(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    o.runs = 5;
    o.timeout_s = 300;
    o.mode_threads = 4;
    o.dir = WF_BENCH_WORKLOAD_DIR;
    int rc = parse_options(argc, argv, &o);
    if (rc == 0 && o.weft.nwords == 0 &&
        command_parse(&o.weft, "/proc/self/exe run") != 0)
        rc = 1;
    if (rc != 0 || o.list || o.help) {
        if (rc == 0 && o.help)
            usage(stdout);
        else if (rc == 0)
            list_tables();
        goto out;
    }
    if (!o.any_mode)
        o.mode_selected[0] = true;  // untraced
    if (o.nthread_counts > 0) {
        rc = bench_scaling(&o);
        goto out;
    }
    if (o.emit_dir != NULL) {
        rc = emit_scripts(&o);
        goto out;
    }

    // JSON lines go to --json FILE (appended), or are collected and printed
    // after the table.
    char *json_mem = NULL;
    size_t json_len = 0;
    FILE *json = o.json_path != NULL ? fopen(o.json_path, "a")
                                     : open_memstream(&json_mem, &json_len);
    if (json == NULL) {
        fprintf(stderr, "weft bench: %s: %s\n",
                o.json_path ? o.json_path : "memory", strerror(errno));
        rc = 2;
        goto out;
    }

    environment env;
    first_line_of("git -C '" WF_BENCH_SOURCE_DIR "' rev-parse --short HEAD"
                  " 2>/dev/null",
                  env.commit, sizeof env.commit, "unknown");
    cpu_model(env.cpu, sizeof env.cpu);

    // What the CPython can run: probed once.
    int cpy_level = o.python.nwords > 0 ? cpython_probe(&o) : -1;

    // Configurations, in timing order: untraced first (in every thread
    // count a selected mode uses), then per mode weft, cpython; the
    // --compare-weft build beside each untraced run.
    static config configs[MAX_CONFIGS];
    int nconfigs = 0;
    bool any_threaded = false, any_main = false;
    for (size_t m = 0; m < N_MODES; m++) {
        if (!o.mode_selected[m])
            continue;
        any_threaded |= modes[m].threaded;
        any_main |= !modes[m].threaded;
    }
    for (int pass = 0; pass < 2; pass++) {
        if (!(pass == 0 ? any_main : any_threaded))
            continue;
        int thr = pass == 0 ? 0 : o.mode_threads;
        for (size_t m = 0; m < N_MODES; m++) {
            // untraced (m == 0) is always timed: every ratio needs it.
            if ((m > 0 && !o.mode_selected[m]) ||
                (m > 0 && modes[m].threaded != (pass == 1)))
                continue;
            if (nconfigs + 3 > MAX_CONFIGS) {
                fprintf(stderr, "weft bench: too many configurations\n");
                fclose(json);
                free(json_mem);
                rc = 2;
                goto out;
            }
            configs[nconfigs++] =
                (config){.label = "weft", .kind = CFG_WEFT, .cmd = &o.weft,
                         .mode = &modes[m], .threads = thr};
            if (cpy_level >= modes[m].needs)
                configs[nconfigs++] = (config){.label = "cpython",
                                               .kind = CFG_CPYTHON,
                                               .cmd = &o.python,
                                               .mode = &modes[m],
                                               .threads = thr};
            if (m == 0 && o.compare.nwords > 0)
                configs[nconfigs++] = (config){.label = "compare",
                                               .kind = CFG_COMPARE,
                                               .cmd = &o.compare,
                                               .mode = &modes[m],
                                               .threads = thr};
        }
    }

    printf("weft bench: %d timed runs per configuration, interleaved; "
           "median wall ms (child process)\n",
           o.runs);
    printf("weft: %s   cpython: %s   build: %s, dispatch %s, commit %s\n",
           o.weft.text, o.python.nwords > 0 ? o.python.text : "-",
           WF_BENCH_BUILD_TYPE, WF_BENCH_DISPATCH, env.commit);
    if (o.compare.nwords > 0)
        printf("compare: %s (untraced; row 'vs compare': its ms, and "
               "weft/compare in the x column)\n",
               o.compare.text);
    static const char *const level_names[] = {
        "", "no sys.monitoring (3.12+)", "no BRANCH_LEFT/RIGHT (3.14+)",
        "Weft-only C hook"};
    if (cpy_level >= 0 && cpy_level < NEED_WEFT)
        printf("cpython: modes needing what it lacks are skipped "
               "('skip': %s)\n",
               level_names[cpy_level + 1]);
    printf("x = median / median of untraced in the same run (same "
           "interpreter, same thread count)\n");
    printf("%-12s %-18s %3s %10s %10s %8s %11s %8s %9s\n", "workload",
           "mode", "thr", "n", "weft ms", "weft x", "cpython ms", "cpy x",
           "weft/cpy");
    fflush(stdout);

    int failed = 0;
    for (size_t i = 0; i < N_WORKLOADS; i++) {
        if (o.any_selected && !o.selected[i])
            continue;
        const workload *w = &workloads[i];
        long n = o.n > 0 ? o.n : w->default_n;
        if (bench_workload(&o, w, n, configs, nconfigs) != 0) {
            printf("%-12s %-18s %3s %10ld %10s\n", w->name, "-", "-", n,
                   "FAILED");
            failed++;
            continue;
        }
        for (int c = 0; c < nconfigs; c++) {
            const config *wc = &configs[c];
            if (wc->kind != CFG_WEFT)
                continue;
            const config *wb =
                find_config(configs, nconfigs, CFG_WEFT, &modes[0],
                            wc->threads);
            const config *cc = find_config(configs, nconfigs, CFG_CPYTHON,
                                           wc->mode, wc->threads);
            const config *cb = find_config(configs, nconfigs, CFG_CPYTHON,
                                           &modes[0], wc->threads);
            double wm = median(wc->ms, wc->nruns);
            double wbm = median(wb->ms, wb->nruns);
            char thr[16] = "-", cms[32] = "-", cx[32] = "-", ratio[32] = "-";
            if (wc->threads > 0)
                snprintf(thr, sizeof thr, "%d", wc->threads);
            const char *skip = NULL;
            if (cc != NULL) {
                double cm = median(cc->ms, cc->nruns);
                snprintf(cms, sizeof cms, "%.1f", cm);
                snprintf(cx, sizeof cx, "%.3f",
                         cm / median(cb->ms, cb->nruns));
                snprintf(ratio, sizeof ratio, "%.2f", wm / cm);
            } else if (cpy_level >= 0) {
                skip = level_names[cpy_level + 1];
                if (wc->mode->needs == NEED_WEFT)
                    skip = level_names[NEED_WEFT];
                snprintf(cms, sizeof cms, "skip");
            }
            printf("%-12s %-18s %3s %10ld %10.1f %8.3f %11s %8s %9s\n",
                   w->name, wc->mode->name, thr, n, wm, wm / wbm, cms, cx,
                   ratio);
            json_line(json, &env, w, n, wc, wc == wb ? NULL : wb, cc,
                      cc == cb ? NULL : cb, skip, o.runs);
            const config *cmp = find_config(configs, nconfigs, CFG_COMPARE,
                                            wc->mode, wc->threads);
            if (cmp != NULL) {
                double cmpm = median(cmp->ms, cmp->nruns);
                printf("%-12s %-18s %3s %10ld %10.1f %8.3f\n", w->name,
                       "vs compare", thr, n, cmpm, wm / cmpm);
                json_compare(json, &env, w, n, wc, cmp, o.runs);
            }
        }
        fflush(stdout);
        fflush(json);
    }
    fclose(json);
    if (json_mem != NULL) {
        fputs(json_mem, stdout);
        free(json_mem);
    }
    rc = failed ? 1 : 0;
    if (failed)
        fprintf(stderr, "weft bench: %d workload(s) failed\n", failed);
out:
    free(o.weft.text);
    free(o.weft.buf);
    free(o.python.text);
    free(o.python.buf);
    free(o.compare.text);
    free(o.compare.buf);
    return rc;
}
