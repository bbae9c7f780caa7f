// runtime/mem.c -- non-object memory (wf_mem_*).
// jemalloc is linked and replaces malloc, so these are thin wrappers that
// turn failure into MemoryError. Retired arrays (a list's or dict's old
// storage that racing readers may still hold) wait on their thread's list
// until the next pause (ARCHITECTURE "Memory").
#include "objects/object.h"

#include <stdlib.h>

#include "objects/error.h"
#include "threads/thread.h"

static void *
fail(wf_thread *ts)
{
    if (ts != NULL)
        wf_err_no_memory(ts);
    return NULL;
}

void *
wf_mem_alloc(wf_thread *ts, size_t size)
{
    void *p = malloc(size ? size : 1);
    return p != NULL ? p : fail(ts);
}

void *
wf_mem_calloc(wf_thread *ts, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p != NULL ? p : fail(ts);
}

void *
wf_mem_realloc(wf_thread *ts, void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    return q != NULL ? q : fail(ts);
}

void
wf_mem_free(void *p)
{
    free(p);
}

void
wf_mem_retire(wf_thread *ts, void *p)
{
    if (p == NULL)
        return;
    if (ts->nretired == ts->retired_cap) {
        size_t cap = ts->retired_cap ? 2 * ts->retired_cap : 64;
        void **r = realloc(ts->retired, cap * sizeof *r);
        // Out of memory: leaking [p] is safe, freeing it early is not.
        if (r == NULL)
            return;
        ts->retired = r;
        ts->retired_cap = cap;
    }
    ts->retired[ts->nretired++] = p;
}

void
wf_mem_free_retired(wf_thread *ts)
{
    for (size_t i = 0; i < ts->nretired; i++)
        free(ts->retired[i]);
    ts->nretired = 0;
}
