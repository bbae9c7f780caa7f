// tests/fuzz/fuzz_parse.c -- libFuzzer target for the front end (wf_parse_*).
// Parses arbitrary bytes as a module and frees the result; with ASan this
// checks that no input crashes, overflows the stack, reads out of bounds or
// leaks. When parsing succeeds it also dumps the tree (to a null stream), so
// every node the parser builds is visited.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (sink == NULL)
        sink = fopen("/dev/null", "w");
    // Copy into an exact-size buffer so ASan sees any overread.
    char *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    if (size)
        memcpy(buf, data, size);
    wf_ast_arena *arena = NULL;
    wf_syntax_error err;
    wf_ast_mod *m = wf_parse_module(buf, size, &arena, &err);
    if (m != NULL) {
        if (sink != NULL)
            wf_ast_dump_positions(m, sink);
        wf_ast_arena_free(arena);
    } else if (err.msg[0] == '\0' || arena != NULL) {
        abort();    // a failure must say why and leave nothing to free
    }
    free(buf);
    return 0;
}
