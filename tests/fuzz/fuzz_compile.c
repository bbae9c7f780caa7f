// tests/fuzz/fuzz_compile.c -- libFuzzer target for the compiler
// (wf_comp_module over wf_parse_*).
// Compiles arbitrary bytes as a module inside a real runtime. Every input
// must either give a code object or raise SyntaxError (or one of its
// subclasses, or MemoryError); anything else, a crash, an ASan report or a
// UBSan report is a finding. Compiled code is left to the collector, which
// runs every few hundred inputs.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <weft.h>

#include "compiler/compile.h"
#include "objects/error.h"
#include "gc.h"
#include "threads/thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static weft_runtime *rt;
    static unsigned long runs;
    if (rt == NULL && weft_runtime_new(&rt) != WEFT_OK)
        abort();
    wf_thread *ts = wf_thread_current();
    wf_value co = wf_comp_module(ts, (const char *)data, size, "<fuzz>");
    if (co == WF_NULL) {
        if (!wf_err_matches(ts, &wf_exc_SyntaxError) &&
            !wf_err_matches(ts, &wf_exc_MemoryError))
            abort();  // a compile failure must be a SyntaxError
        wf_err_clear(ts);
    } else if (!wf_val_is(co, &wf_code_type)) {
        abort();
    }
    if (++runs % 256 == 0 && wf_gc_collect(ts) < 0)
        abort();
    return 0;
}
