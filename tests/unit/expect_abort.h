// tests/unit/expect_abort.h -- run a contract breach in a forked child and
// check that it aborted with the expected words on stderr (test_lock.c,
// test_check.c, test_stw.c). Header-only: each test file includes it once.
#ifndef WF_TESTS_UNIT_EXPECT_ABORT_H
#define WF_TESTS_UNIT_EXPECT_ABORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// Result of one child run: how it ended and what it wrote to stderr.
typedef struct child_result {
    bool aborted;   // killed by SIGABRT
    bool exited_0;  // returned normally with status 0
    char err[8192];
} child_result;

// Run [fn]([arg]) in a forked child with stderr captured. The child exits
// 0 if [fn] returns.
static child_result
run_in_child(void (*fn)(void *), void *arg)
{
    child_result r = {0};
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t k;
    while (n < sizeof r.err - 1 &&
           (k = read(fds[0], r.err + n, sizeof r.err - 1 - n)) > 0)
        n += (size_t)k;
    r.err[n] = '\0';
    close(fds[0]);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return r;
    r.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    r.exited_0 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

#endif
