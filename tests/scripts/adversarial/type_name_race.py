# A class renamed in a loop while other threads format it, its instances
# and error messages naming it: always one of the two names.
import threading, time
class C: pass
objs = [C(), C()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if type(o).__name__ not in ("C", "D"): n += 1
                if repr(C) != "<class '__main__.C'>": n += 1
                try:
                    len(o)
                    n += 1
                except TypeError as e:
                    if str(e) not in ("object of type 'C' has no len()",
                                      "object of type 'D' has no len()"):
                        n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n
def writer():
    i = 0
    while not stop.is_set():
        C.__name__ = ("C", "D")[i & 1]
        i += 1
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
C.__name__ = "C"
print("bad:", bad[0], C.__name__)
C.__name__ = "D"
print(type(objs[0]).__name__, C.__qualname__)
