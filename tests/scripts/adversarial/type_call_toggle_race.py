# __call__ added and removed while other threads call instances: 5, or
# CPython's "'C' object is not callable", nothing else.
# Expected output from CPython 3.14.7's GIL build: 3.14t gives nonzero
# counts here (a race in its slot wrappers) and crashed on class churn.
import threading, time
class C: pass
def call(self): return 5
objs = [C(), C()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if o() != 5: n += 1
            except TypeError as e:
                if str(e) != "'C' object is not callable": n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        C.__call__ = call
        del C.__call__
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
