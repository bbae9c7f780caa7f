# Starting threads until the address space runs out: start() raises, and
# every thread whose start() returned runs (was: start() returned, but the
# thread's data stack could not be mapped, so it never ran its target).
# CPython raises RuntimeError ("can't start new thread"); Weft may raise
# MemoryError from the same call: both are an exception of start().
import threading
ran = []
gate = threading.Event()
def work(i):
    gate.wait()
    ran.append(i)
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
print("every started thread ran:", sorted(ran) == list(range(len(started))))
