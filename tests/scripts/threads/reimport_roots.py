# _thread's static types outlive the module object: with _thread dropped
# from sys.modules and no lock alive, a collection must keep their method
# tables (runtime/modules/modules.def's root visitor for _thread), so a
# re-import and a new lock work. A miss is a use-after-free (ASan build).
import sys
import _thread

del _thread
del sys.modules["_thread"]

junk = []
for i in range(400000):  # allocates well past the first GC threshold
    junk.append([i, str(i)])
    if len(junk) > 1000:
        junk = []
junk = None

import _thread

lk = _thread.allocate_lock()
print(lk.acquire(), lk.locked())
lk.release()
print(lk.locked())
print(_thread.allocate_lock() is not lk)
