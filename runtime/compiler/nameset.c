// runtime/compiler/nameset.c -- a set of borrowed names with O(1) lookup (wf_nameset_*).
// See nameset.h. Linear probing over a power-of-two table kept at most
// half full.
#include "compiler/nameset.h"

#include <stdlib.h>
#include <string.h>

uint32_t
wf_nameset_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 16777619u;
    return h;
}

// The slot holding [name], or the empty slot where it would go.
static wf_nameset_slot *
probe(const wf_nameset *s, const char *name, uint32_t h)
{
    uint32_t mask = s->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        wf_nameset_slot *sl = &s->slots[i];
        if (sl->idx1 == 0)
            return sl;
        if (sl->hash == h && strcmp(s->items[sl->idx1 - 1], name) == 0)
            return sl;
    }
}

static void
place(wf_nameset_slot *slots, uint32_t nslots, wf_nameset_slot v)
{
    uint32_t mask = nslots - 1;
    uint32_t i = v.hash & mask;
    while (slots[i].idx1 != 0)
        i = (i + 1) & mask;
    slots[i] = v;
}

static bool
grow(wf_nameset *s)
{
    uint32_t nslots = s->nslots ? s->nslots * 2 : 16;
    if (nslots < s->nslots)
        return false;
    wf_nameset_slot *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return false;
    for (uint32_t i = 0; i < s->nslots; i++)
        if (s->slots[i].idx1 != 0)
            place(slots, nslots, s->slots[i]);
    free(s->slots);
    s->slots = slots;
    s->nslots = nslots;
    return true;
}

int32_t
wf_nameset_find(const wf_nameset *s, const char *name)
{
    if (s->n == 0)
        return -1;
    wf_nameset_slot *sl = probe(s, name, wf_nameset_hash(name));
    return sl->idx1 ? (int32_t)(sl->idx1 - 1) : -1;
}

bool
wf_nameset_add(wf_nameset *s, const char *name, uint32_t *idx)
{
    uint32_t h = wf_nameset_hash(name);
    if (s->n > 0) {
        wf_nameset_slot *sl = probe(s, name, h);
        if (sl->idx1 != 0) {
            if (idx != NULL)
                *idx = sl->idx1 - 1;
            return true;
        }
    }
    if (s->n >= INT32_MAX - 1)
        return false;
    if ((s->n + 1) * 2 > s->nslots && !grow(s))
        return false;
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 8;
        const char **ni = realloc(s->items, cap * sizeof *ni);
        if (ni == NULL)
            return false;
        s->items = ni;
        s->cap = cap;
    }
    s->items[s->n] = name;
    place(s->slots, s->nslots, (wf_nameset_slot){h, s->n + 1});
    if (idx != NULL)
        *idx = s->n;
    s->n++;
    return true;
}

void
wf_nameset_fini(wf_nameset *s)
{
    free(s->items);
    free(s->slots);
    s->items = NULL;
    s->slots = NULL;
    s->n = s->cap = s->nslots = 0;
}
