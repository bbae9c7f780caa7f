# One thread adds and deletes __len__ on a class while others call len()
# on instances: each call sees the class with or without __len__ (7, or
# CPython's TypeError), never a half state or another error.
# Expected output from CPython 3.14.7's GIL build: 3.14t gives nonzero
# counts here (a race in its slot wrappers) and crashed on class churn.
import threading, time
class C: pass
def ln(self): return 7
objs = [C(), C()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if len(o) != 7: n += 1
            except TypeError as e:
                if str(e) != "object of type 'C' has no len()": n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        C.__len__ = ln
        del C.__len__
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
