// runtime/check.c -- what check.h's assertions need out of line (the
// coverage build's WF_TESTCASE mark). wf_fatal itself is fatal.c.
#include "check.h"

#if defined(WF_COVERAGE) && WF_COVERAGE
// WF_TESTCASE's mark: a store the optimiser must keep.
void
wf_testcase_hit_(int line)
{
    static volatile int last;
    last = line;
}
#endif
