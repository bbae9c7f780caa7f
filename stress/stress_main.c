// stress/stress_main.c -- `weft stress` (wf_stress_main): option parsing,
// the scenario table (from scenarios.def) and the runner, which forks one
// child process per scenario and watches it (STYLE 10.3): a child that
// outlives its bound is killed and reported as a deadlock, after it has
// dumped each thread's state from its own in-process watchdog.
#define _GNU_SOURCE
#include "stress.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "common.h"
#include "threads/thread.h"

typedef struct scenario {
    const char *name;
    int threads;
    bool tracing;  // needs monitoring compiled in
    const char *invariant;
    int (*run)(const wf_stress_cfg *);
} scenario;

static const scenario scenarios[] = {
#define WF_STRESS(name, threads, tracing, invariant) \
    {#name, threads, tracing, invariant, wf_stress_##name##_run},
#include "scenarios.def"
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

static int
usage(FILE *f)
{
    fprintf(f,
            "usage: weft stress [options]\n"
            "Run stress scenarios, each in its own child process under a\n"
            "watchdog; exit status 1 if any invariant is violated.\n"
            "\n"
            "  --list              list the scenarios and their invariants\n"
            "  --scenario NAME     run only NAME (repeatable; NAME,NAME ok)\n"
            "  --seconds N         run each scenario for N seconds "
            "(default 5)\n"
            "  --iterations N      run N iterations instead of a time\n"
            "  --threads N         Python threads per scenario\n"
            "  --seed S            seed (default: from the clock; printed)\n");
    return f == stderr ? 2 : 0;
}

static int
find_scenario(const char *name, size_t len)
{
    for (size_t i = 0; i < N_SCENARIOS; i++)
        if (strlen(scenarios[i].name) == len &&
            strncmp(scenarios[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

// ===== In-child watchdog =====

static double watchdog_s;

// Dump every thread's state and exit: a deadlock becomes a report.
static void *
watchdog_main(void *arg)
{
    const wf_stress_cfg *cfg = arg;
    struct timespec d = {(time_t)watchdog_s, 0};
    while (nanosleep(&d, &d) != 0 && errno == EINTR)
        ;
    fflush(stdout);
    fprintf(stderr,
            "stress %s: FAILED: no progress within %.0f s (seed %llu): "
            "deadlock?\n  invariant: %s\n  threads (racy snapshot):\n",
            cfg->name, watchdog_s, (unsigned long long)cfg->seed,
            cfg->invariant);
    // Racy on purpose: the world is stuck. Reads are atomic where the
    // fields are shared; the list itself may be changing (rarely).
    for (wf_thread *t = wf_atomic_load_relaxed_ptr_word(
             (void *const *)&wf_the_interp.threads);
         t != NULL; t = wf_atomic_load_relaxed_ptr_word((void *const *)&t->next))
        fprintf(stderr, "    thread %llu: state %u breaker 0x%x\n",
                (unsigned long long)t->ident,
                wf_atomic_load_relaxed_u32(&t->state),
                wf_atomic_load_relaxed_u32(&t->eval_breaker));
    fflush(stderr);
    _exit(3);
    return NULL;
}

// ===== Runner =====

static int
run_one(const scenario *sc, const wf_stress_cfg *base)
{
    wf_stress_cfg cfg = *base;
    cfg.name = sc->name;
    cfg.invariant = sc->invariant;
    if (cfg.threads <= 0)
        cfg.threads = sc->threads;
    double bound = cfg.seconds > 0 ? cfg.seconds * 3 + 30 : 300;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("weft stress: fork");
        return 1;
    }
    if (pid == 0) {
        watchdog_s = bound;
        pthread_t wd;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
        pthread_create(&wd, &a, watchdog_main, &cfg);
        pthread_attr_destroy(&a);
        int rc = sc->run(&cfg);
        fflush(NULL);
        _exit(rc == 0 ? 0 : 1);
    }
    // Parent: wait, with a harder bound than the child's own watchdog.
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            perror("weft stress: waitpid");
            return 1;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - t0.tv_sec) > bound + 15) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "stress %s: FAILED: killed after %.0f s "
                            "(seed %llu)\n",
                    sc->name, bound + 15, (unsigned long long)cfg.seed);
            return 1;
        }
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "stress %s: FAILED: killed by signal %d (seed "
                        "%llu)\n  invariant: %s\n",
                sc->name, WTERMSIG(status), (unsigned long long)cfg.seed,
                sc->invariant);
        return 1;
    }
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "stress %s: FAILED (exit status %d, seed %llu)\n",
                sc->name, WEXITSTATUS(status), (unsigned long long)cfg.seed);
        return 1;
    }
    return 0;
}

static bool
parse_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int
wf_stress_main(int argc, char **argv)
{
    wf_stress_cfg base = {.seconds = 5, .iterations = 0, .threads = 0};
    bool selected[N_SCENARIOS] = {false};
    bool any = false, seeded = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return usage(stdout);
        if (strcmp(a, "--list") == 0) {
            for (size_t k = 0; k < N_SCENARIOS; k++)
                printf("%-16s %2d threads  %s\n", scenarios[k].name,
                       scenarios[k].threads, scenarios[k].invariant);
            return 0;
        }
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        double v;
        if (val == NULL || strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "weft stress: bad argument '%s'\n", a);
            return usage(stderr);
        }
        i++;
        if (strcmp(a, "--scenario") == 0) {
            for (const char *p = val; *p != '\0';) {
                size_t len = strcspn(p, ",");
                int k = find_scenario(p, len);
                if (k < 0) {
                    fprintf(stderr, "weft stress: no scenario '%.*s' (see "
                                    "weft stress --list)\n",
                            (int)len, p);
                    return 2;
                }
                selected[k] = any = true;
                p += len + (p[len] == ',');
            }
        } else if (strcmp(a, "--seconds") == 0 && parse_num(val, 0.1, 1e6, &v)) {
            base.seconds = v;
            base.iterations = 0;
        } else if (strcmp(a, "--iterations") == 0 &&
                   parse_num(val, 1, 1e12, &v)) {
            base.iterations = (long)v;
            base.seconds = 0;
        } else if (strcmp(a, "--threads") == 0 && parse_num(val, 1, 256, &v)) {
            base.threads = (int)v;
        } else if (strcmp(a, "--seed") == 0 && parse_num(val, 1, 1e18, &v)) {
            base.seed = strtoull(val, NULL, 10);
            seeded = true;
        } else {
            fprintf(stderr, "weft stress: bad option '%s %s'\n", a, val);
            return usage(stderr);
        }
    }
    if (!seeded) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        base.seed = ((uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20)) | 1;
    }
    printf("weft stress: seed %llu, %s %g per scenario\n",
           (unsigned long long)base.seed,
           base.seconds > 0 ? "seconds" : "iterations",
           base.seconds > 0 ? base.seconds : (double)base.iterations);
    fflush(stdout);
    int failed = 0;
    for (size_t k = 0; k < N_SCENARIOS; k++) {
        if (any && !selected[k])
            continue;
        if (scenarios[k].tracing && !WEFT_MONITORING) {
            printf("stress %s: skipped: monitoring is compiled out "
                   "(WEFT_MONITORING=OFF)\n", scenarios[k].name);
            continue;
        }
        failed += run_one(&scenarios[k], &base);
    }
    printf("weft stress: %d scenario(s) failed\n", failed);
    return failed ? 1 : 0;
}
