# Classes created and dropped in a loop (so the collector frees them)
# while another thread assigns dunders on a long-lived base they derive
# from: subclasses keep working, dead classes are never touched.
# Expected output from CPython 3.14.7's GIL build: 3.14t gives nonzero
# counts here (a race in its slot wrappers) and crashed on class churn.
import threading, time
class Base:
    def __repr__(self): return "base"
def rep(self): return "base"
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def churn():
    n = 0
    while not stop.is_set():
        for i in range(20):
            K = type("K%d" % i, (Base,), {"v": i})
            k = K()
            if repr(k) != "base" or k.v != i: n += 1
        junk = [[j] for j in range(200)]
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        Base.__repr__ = rep
ts = [threading.Thread(target=churn) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
