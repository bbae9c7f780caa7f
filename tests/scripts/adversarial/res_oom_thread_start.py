# Starting threads until the address space runs out: start() raises, and
# every thread whose start() returned runs (was: start() returned, but the
# thread's data stack could not be mapped, so it never ran its target).
# CPython raises RuntimeError ("can't start new thread"); Weft may raise
# MemoryError from the same call: both are an exception of start().
# A started thread marks itself in a list sized in advance, with no
# allocation: the address space is full once start() fails, so a thread
# that allocates may meet MemoryError (reported on stderr; not what this
# case is about).
import threading
ran = [False] * 400
gate = threading.Event()
def work(i):
    ran[i] = True
    gate.wait()
started = []
error = None
for i in range(400):
    t = threading.Thread(target=work, args=(i,))
    try:
        t.start()
    except (RuntimeError, MemoryError) as e:
        error = e
        break
    started.append(t)
gate.set()
for t in started:
    t.join()
print("start() failed:", error is not None)
print("every started thread ran:", all(ran[:len(started)]))
