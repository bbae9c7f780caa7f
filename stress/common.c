// stress/common.c -- shared helpers of the stress scenarios (wf_stress_*):
// failure reporting, PRNG, clocks, the pauser thread, running a script
// under it and the latency summary (STYLE 10.2).
#define _GNU_SOURCE
#include "common.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <weft.h>

#include "atomic.h"
#include "vm/frame.h"
#include "gc.h"
#include "threads/stw.h"
#include "threads/thread.h"

void
wf_stress_fail(const wf_stress_cfg *cfg, long iter, const char *file,
               int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fprintf(stderr, "stress %s: FAILED at %s:%d (seed %llu, iteration %ld, "
                    "thread %llu): ",
            cfg->name, file, line, (unsigned long long)cfg->seed, iter,
            (unsigned long long)(wf_thread_current()
                                     ? wf_thread_current()->ident
                                     : 0));
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n  invariant: %s\n", cfg->invariant);
    va_end(ap);
    fflush(stderr);
    _exit(1);
}

uint64_t
wf_stress_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

uint64_t
wf_stress_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

// ===== The pauser =====

struct wf_stress_pauser {
    pthread_t thread;
    const wf_stress_cfg *cfg;
    int gc_every;
    uint32_t stop;  // W: the starter (relaxed). R: the pauser (relaxed)
    long pauses;    // W: the pauser. R: the starter after join
};

// Inside a pause: every other thread is SUSPENDED and stays put.
static void
check_world(wf_stress_pauser *p, wf_thread *self, long iter)
{
    enum { MAXT = 256 };
    wf_thread *who[MAXT];
    const void *pc[MAXT];
    int n = 0;
    for (wf_thread *t = self->interp->threads; t != NULL && n < MAXT;
         t = t->next) {
        if (t == self)
            continue;
        uint32_t s = wf_atomic_load_acquire_u32(&t->state);
        STRESS_CHECK(p->cfg, iter, s == WF_THREAD_SUSPENDED,
                     "thread %llu is in state %u inside a pause",
                     (unsigned long long)t->ident, s);
        who[n] = t;
        pc[n] = t->frame != NULL ? (const void *)t->frame->instr : NULL;
        n++;
    }
    uint64_t until = wf_stress_now_ns() + 20000;
    while (wf_stress_now_ns() < until)
        wf_atomic_pause();
    int m = 0;
    for (wf_thread *t = self->interp->threads; t != NULL; t = t->next)
        m += t != self;
    STRESS_CHECK(p->cfg, iter, m == n,
                 "the thread list changed inside a pause (%d -> %d)", n, m);
    for (int i = 0; i < n; i++) {
        uint32_t s = wf_atomic_load_acquire_u32(&who[i]->state);
        STRESS_CHECK(p->cfg, iter, s == WF_THREAD_SUSPENDED,
                     "thread %llu left SUSPENDED (%u) inside a pause",
                     (unsigned long long)who[i]->ident, s);
        const void *now =
            who[i]->frame != NULL ? (const void *)who[i]->frame->instr : NULL;
        STRESS_CHECK(p->cfg, iter, now == pc[i],
                     "thread %llu ran bytecode inside a pause",
                     (unsigned long long)who[i]->ident);
    }
}

static void *
pauser_main(void *arg)
{
    wf_stress_pauser *p = arg;
    wf_thread *ts = wf_thread_new_current(&wf_the_interp);
    if (ts == NULL)
        wf_stress_fail(p->cfg, 0, __FILE__, __LINE__, "no thread state");
    uint64_t rng = p->cfg->seed * 2654435761u + 1;
    long i = 0;
    while (!wf_atomic_load_relaxed_u32_word(&p->stop)) {
        i++;
        if (p->gc_every > 0 && i % p->gc_every == 0) {
            STRESS_CHECK(p->cfg, i, wf_gc_collect(ts) == 0,
                         "collection refused");
        } else {
            STRESS_CHECK(p->cfg, i, wf_stw_begin(ts, WF_STW_TEST) == 0,
                         "pause refused");
            check_world(p, ts, i);
            wf_stw_end(ts);
        }
        p->pauses++;
        // Between pauses the pauser blocks (detached), as a real thread
        // waiting for its next reason to pause would.
        struct timespec d = {0, (long)(wf_stress_rand(&rng) % 300000)};
        wf_thread_detach(ts);
        nanosleep(&d, NULL);
        wf_thread_attach(ts);
    }
    wf_thread_free_current(ts);
    return NULL;
}

wf_stress_pauser *
wf_stress_pauser_start(const wf_stress_cfg *cfg, int gc_every)
{
    wf_stress_pauser *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->cfg = cfg;
    p->gc_every = gc_every;
    if (pthread_create(&p->thread, NULL, pauser_main, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

long
wf_stress_pauser_stop(wf_stress_pauser *p)
{
    wf_atomic_store_relaxed_u32_word(&p->stop, 1);
    pthread_join(p->thread, NULL);
    long n = p->pauses;
    free(p);
    return n;
}

// ===== The controller =====

// Set by the builtin `_stress_go()` (any thread); read by the controller.
static uint32_t controller_go;

static wf_value
bi_stress_go(wf_thread *ts, const wf_value *args, size_t nargs,
             wf_value kwnames)
{
    (void)ts;
    (void)args;
    (void)nargs;
    (void)kwnames;
    wf_atomic_store_release_u32_word(&controller_go, 1);
    return WF_NONE;
}

typedef struct controller {
    pthread_t thread;
    const wf_stress_cfg *cfg;
    const wf_stress_hooks *hooks;
    uint32_t stop;  // W: the starter (relaxed). R: the controller (relaxed)
    long steps;     // W: the controller. R: the starter after join
} controller;

// Sleep [ns] detached: a blocked thread costs a pause nothing.
static void
nap(wf_thread *ts, long ns)
{
    struct timespec d = {0, ns};
    wf_thread_detach(ts);
    nanosleep(&d, NULL);
    wf_thread_attach(ts);
}

static void *
controller_main(void *arg)
{
    controller *c = arg;
    wf_thread *ts = wf_thread_new_current(&wf_the_interp);
    if (ts == NULL)
        wf_stress_fail(c->cfg, 0, __FILE__, __LINE__, "no thread state");
    uint64_t rng = c->cfg->seed * 0x9E3779B97F4A7C15ULL + 7;
    if (rng == 0)
        rng = 1;
    while (!wf_atomic_load_acquire_u32_word(&controller_go) &&
           !wf_atomic_load_relaxed_u32_word(&c->stop))
        nap(ts, 1000000);
    bool started = false;
    while (!wf_atomic_load_relaxed_u32_word(&c->stop)) {
        started = true;
        c->steps++;
        c->hooks->step(c->cfg, ts, &rng, c->steps);
        nap(ts, (long)(wf_stress_rand(&rng) % 200000));
    }
    if (started && c->hooks->finish != NULL)
        c->hooks->finish(c->cfg, ts);
    wf_thread_free_current(ts);
    return NULL;
}

void
wf_stress_add_builtin(const wf_stress_cfg *cfg, wf_thread *ts,
                      const char *name, wf_cfunc fn)
{
    wf_value b = wf_builtin_new(ts, name, fn, NULL);
    STRESS_CHECK(cfg, 0, b != WF_NULL, "builtin %s", name);
    size_t mark = wf_root_mark(ts);
    STRESS_CHECK(cfg, 0, wf_root_push(ts, b) >= 0, "root");
    wf_value key = wf_str_intern(ts, name);
    STRESS_CHECK(cfg, 0, key != WF_NULL, "intern %s", name);
    STRESS_CHECK(cfg, 0,
                 wf_dict_set_str(ts, ts->interp->builtins_dict, key, b) == 0,
                 "cannot add builtin %s", name);
    wf_root_release(ts, mark);
}

// ===== Running a script =====

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double
pct_us(const uint64_t *s, size_t n, unsigned p)
{
    if (n == 0)
        return 0;
    size_t i = (n * p + 99) / 100;
    i = i > 0 ? i - 1 : 0;
    return (double)s[i < n ? i : n - 1] / 1e3;
}

int
wf_stress_run_script(const wf_stress_cfg *cfg, const char *src, int gc_every)
{
    return wf_stress_run_script_hooks(cfg, src, gc_every, NULL);
}

int
wf_stress_run_script_hooks(const wf_stress_cfg *cfg, const char *src,
                           int gc_every, const wf_stress_hooks *hooks)
{
    weft_runtime *rt;
    STRESS_CHECK(cfg, 0, weft_runtime_new(&rt) == WEFT_OK, "runtime_new");
    char secs[32], iters[32], nthr[16], seed[32];
    snprintf(secs, sizeof secs, "%g", cfg->seconds);
    snprintf(iters, sizeof iters, "%ld", cfg->iterations);
    snprintf(nthr, sizeof nthr, "%d", cfg->threads);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)cfg->seed);
    const char *argv[] = {"<stress>", secs, iters, nthr, seed};
    STRESS_CHECK(cfg, 0, weft_set_argv(rt, 5, argv) == WEFT_OK, "set_argv");
    wf_thread *me = wf_thread_current();
    wf_stress_add_builtin(cfg, me, "_stress_go", bi_stress_go);
    if (hooks != NULL && hooks->setup != NULL)
        hooks->setup(cfg, me);

    controller *ctl = NULL;
    if (hooks != NULL && hooks->step != NULL) {
        ctl = calloc(1, sizeof *ctl);
        STRESS_CHECK(cfg, 0, ctl != NULL, "out of memory");
        ctl->cfg = cfg;
        ctl->hooks = hooks;
        STRESS_CHECK(cfg, 0,
                     pthread_create(&ctl->thread, NULL, controller_main,
                                    ctl) == 0,
                     "cannot start the controller");
    }
    wf_stress_pauser *p = wf_stress_pauser_start(cfg, gc_every);
    STRESS_CHECK(cfg, 0, p != NULL, "cannot start the pauser");
    int code = -1;
    weft_status st = weft_run_string(rt, src, "<stress>", &code);
    // This thread is still attached (the runtime's main thread): wait for
    // the pauser and the controller detached, or their next pause would
    // wait for us forever.
    wf_thread_detach(me);
    long npauser = wf_stress_pauser_stop(p);
    long nsteps = 0;
    if (ctl != NULL) {
        wf_atomic_store_relaxed_u32_word(&ctl->stop, 1);
        pthread_join(ctl->thread, NULL);
        nsteps = ctl->steps;
        free(ctl);
    }
    wf_thread_attach(me);
    STRESS_CHECK(cfg, 0, st == WEFT_OK && code == 0,
                 "the workload failed (status %d, exit code %d): see its "
                 "output above",
                 (int)st, code);
    if (hooks != NULL && hooks->report != NULL)
        hooks->report(cfg, me);
    // Latencies of the most recent pauses (the runtime keeps a ring).
    static wf_stw_record recs[WF_STW_RECORDS];
    uint64_t total = 0;
    size_t n = wf_stw_get_records(recs, WF_STW_RECORDS, &total);
    static uint64_t ttsp[WF_STW_RECORDS], dur[WF_STW_RECORDS];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        ttsp[m] = recs[i].ttsp_ns;
        dur[m] = recs[i].duration_ns;
        m++;
    }
    qsort(ttsp, m, sizeof *ttsp, cmp_u64);
    qsort(dur, m, sizeof *dur, cmp_u64);
    printf("stress %s: seed %llu, %d threads, %llu pauses (%ld by the "
           "pauser, %ld controller steps); last %zu: ttsp us p50 %.1f p99 "
           "%.1f max %.1f, pause us p50 %.1f p99 %.1f max %.1f: ok\n",
           cfg->name, (unsigned long long)cfg->seed, cfg->threads,
           (unsigned long long)total, npauser, nsteps, m, pct_us(ttsp, m, 50),
           pct_us(ttsp, m, 99), m ? ttsp[m - 1] / 1e3 : 0.0,
           pct_us(dur, m, 50), pct_us(dur, m, 99), m ? dur[m - 1] / 1e3 : 0.0);
    fflush(stdout);
    weft_runtime_free(rt);
    return 0;
}
