// cli/main.c -- the `weft` command (wf_cli_*): run, -c, bench, stress.
// Parses the command line, sets sys.argv as CPython does and maps the
// runtime's result to the process exit status (0 ok, 1 uncaught exception,
// 130 uncaught KeyboardInterrupt, 120 stdout unwritable at exit,
// SystemExit's code, 2 for usage errors and unreadable files). SIGPIPE is
// ignored, so writes to a closed pipe raise BrokenPipeError. Uses only
// include/weft.h plus the entry points of bench/ and stress/ (STYLE 3.4).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "stress.h"
#include "weft.h"

static void
print_usage(FILE *f)
{
    fprintf(
        f,
        "usage: weft [--version] [--help] <command> [args]\n"
        "\n"
        "  weft run FILE [ARGS...]   run a Weft-Python script as __main__\n"
        "  weft FILE [ARGS...]       the same, shorter\n"
        "  weft -c CODE [ARGS...]    run CODE (sys.argv[0] is '-c')\n"
        "  weft bench [OPTIONS]      time the workloads (weft bench --help)\n"
        "  weft stress [OPTIONS]     race tracing against threads\n"
        "  weft --version            print the version\n"
        "  weft help, --help, -h     print this help\n"
        "\n"
        "Exit status: 0 success, 1 uncaught exception, SystemExit's code,\n"
        "130 KeyboardInterrupt, 120 stdout unwritable at exit,\n"
        "2 usage error or unreadable script.\n");
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "weft: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'weft --help' for more information.\n");
    va_end(ap);
    return 2;
}

// Report a runtime-level failure (not a Python exception) and return the
// exit status for it.
static int
runtime_error(const char *what, weft_status st)
{
    fprintf(stderr, "weft: %s: %s (%s)\n", what, weft_strerror(st),
            weft_status_name(st));
    return st == WEFT_EIO ? 2 : 1;
}

// Check that [path] can be opened as a script, as CPython does before
// running it; on failure print CPython's message (with the absolute path)
// and return false.
static bool
script_is_readable(const char *path)
{
    int err = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        err = errno;
    else if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    if (fd >= 0)
        close(fd);
    if (err == 0)
        return true;

    char cwd[PATH_MAX];
    const char *dir = "";
    const char *sep = "";
    if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL) {
        dir = cwd;
        sep = strcmp(cwd, "/") == 0 ? "" : "/";
    }
    fprintf(stderr, "weft: can't open file '%s%s%s': [Errno %d] %s\n", dir, sep,
            path, err, strerror(err));
    return false;
}

// Run [path] (when [code] is NULL) or the source [code], with sys.argv set
// to [argv][0..argc). Returns the process exit status.
static int
run_main(const char *path, const char *code, int argc, char **argv)
{
    if (code == NULL && !script_is_readable(path))
        return 2;

    weft_runtime *rt = NULL;
    weft_status st = weft_runtime_new(&rt);
    if (st != WEFT_OK)
        return runtime_error("cannot start the runtime", st);

    int exit_code = 1;
    st = weft_set_argv(rt, argc, (const char *const *)argv);
    if (st != WEFT_OK) {
        exit_code = runtime_error("cannot set sys.argv", st);
    } else {
        if (code != NULL)
            st = weft_run_string(rt, code, "<string>", &exit_code);
        else
            st = weft_run_file(rt, path, &exit_code);
        if (st != WEFT_OK)
            exit_code = runtime_error(code != NULL ? "-c" : path, st);
    }
    // Output the script buffered must reach its destination before exit.
    fflush(stdout);
    weft_runtime_free(rt);
    return exit_code;
}

int
main(int argc, char **argv)
{
    // A write to a closed pipe fails with EPIPE (BrokenPipeError from
    // print) instead of killing the process, as CPython.
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];

    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("weft %s\n", weft_version_string());
        return 0;
    }
    if (strcmp(cmd, "-c") == 0) {
        if (argc < 3)
            return usage_error("-c needs an argument");
        // sys.argv = ['-c', ARGS...], as CPython: the code's slot becomes
        // "-c".
        const char *code = argv[2];
        argv[2] = argv[1];
        return run_main(NULL, code, argc - 2, argv + 2);
    }
    if (strcmp(cmd, "run") == 0) {
        if (argc < 3)
            return usage_error("run needs a script");
        // sys.argv = [FILE, ARGS...]
        return run_main(argv[2], NULL, argc - 2, argv + 2);
    }
    if (strcmp(cmd, "bench") == 0)
        return wf_bench_main(argc - 1, argv + 1);
    if (strcmp(cmd, "stress") == 0)
        return wf_stress_main(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return usage_error("unknown option '%s'", cmd);
    // A bare word that is no file and does not look like a path or a
    // script is more likely a mistyped command than a missing script.
    if (strchr(cmd, '/') == NULL && strchr(cmd, '.') == NULL &&
        access(cmd, F_OK) != 0)
        return usage_error("unknown command '%s'", cmd);
    // `weft FILE ARGS...`: sys.argv = [FILE, ARGS...]
    return run_main(cmd, NULL, argc - 1, argv + 1);
}
