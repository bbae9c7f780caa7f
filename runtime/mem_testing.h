// runtime/mem_testing.h -- counts the runtime's direct libc allocations in
// WF_TESTING builds (mem.h "Fault injector"). runtime/CMakeLists.txt
// force-includes it (-include) into every weft_core_testing source, so a
// malloc, calloc, realloc, strdup or free written anywhere in runtime/
// goes through wf_mem_test_* and can be failed by the injector like a
// wf_mem_* call. weft_core and the tests' own code are untouched. It is
// not included by hand.
#ifndef WF_RUNTIME_MEM_TESTING_H
#define WF_RUNTIME_MEM_TESTING_H
#ifndef WF_INTERNAL
#  error "runtime header: build inside weft_core or define WF_INTERNAL (tests)"
#endif

// No header is included here: this file comes before a source's own
// feature macros (_GNU_SOURCE) and first lines, so it must not pull in
// <features.h>. When a system header later declares malloc and friends,
// the macros below turn those declarations into compatible redeclarations
// of the wf_mem_test_* functions (mem.h).
#if defined(WF_TESTING) && !defined(WF_MEM_TESTING_OFF)
void *wf_mem_test_malloc(__SIZE_TYPE__ size);
void *wf_mem_test_calloc(__SIZE_TYPE__ n, __SIZE_TYPE__ size);
void *wf_mem_test_realloc(void *p, __SIZE_TYPE__ size);
char *wf_mem_test_strdup(const char *s);
void wf_mem_test_free(void *p);
// Arguments unparenthesised (against STYLE 3.5): the macros also rename
// the parameter lists of the system headers' declarations.
#  define malloc(n) wf_mem_test_malloc(n)
#  define calloc(n, s) wf_mem_test_calloc(n, s)
#  define realloc(p, n) wf_mem_test_realloc(p, n)
#  define strdup(s) wf_mem_test_strdup(s)
#  define free(p) wf_mem_test_free(p)
#endif

#endif
