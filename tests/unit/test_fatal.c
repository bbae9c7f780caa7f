// tests/unit/test_fatal.c -- wf_fatal (fatal.c): a child process calls it
// and must die of SIGABRT having written the message, its own file:line
// and a backtrace to stderr.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fatal.h"

static void
test_fatal_reports_message_location_and_aborts(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int line = __LINE__ + 5;  // the wf_fatal call below
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        wf_fatal("broken %s number %d", "invariant", 42);
    }
    close(fds[1]);
    char out[8192];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof out - 1 &&
           (n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);

    assert_true(strncmp(out, "weft: fatal: broken invariant number 42\n",
                        40) == 0);
    // Only paths with a "runtime/" component are shortened: this file
    // keeps the build's full path, so match the tail.
    char tail[64];
    snprintf(tail, sizeof tail, "test_fatal.c:%d, thread ", line);
    assert_non_null(strstr(out, tail));
    // At least one backtrace line after the location line.
    const char *loc_end = strchr(strstr(out, tail), '\n');
    assert_non_null(loc_end);
    assert_true(loc_end[1] != '\0');
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fatal_reports_message_location_and_aborts),
    };
    return cmocka_run_group_tests_name("fatal", tests, NULL, NULL);
}
