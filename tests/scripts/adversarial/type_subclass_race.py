# Dunders replaced on a base class (by equivalent ones) while other
# threads use instances of a subclass two levels down, and a plain class
# attribute is assigned in a loop at the same time: every result fixed.
import threading, time
class A:
    def __repr__(self): return "A"
    def __len__(self): return 3
    def __getitem__(self, k): return k
class B(A): pass
class C(B): pass
def rep(self): return "A"
def ln(self): return 3
def gi(self, k): return k
objs = [C(), C(), B()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if repr(o) != "A" or len(o) != 3 or o[4] != 4: n += 1
                if "%s" % (o,) != "A": n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        A.__repr__ = rep
        A.__len__ = ln
        A.__getitem__ = gi
def plain():
    i = 0
    while not stop.is_set():
        A.counter = i
        B.other = i
        i += 1
ts = [threading.Thread(target=reader) for _ in range(2)]
ts += [threading.Thread(target=writer), threading.Thread(target=plain)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
