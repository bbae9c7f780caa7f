# __bases__ swapped between two bases while other threads use instances:
# an instance is an instance of exactly one of them at any moment, and
# the methods, repr and len always come from one whole base.
# Expected output from CPython 3.14.7's GIL build: 3.14t gives nonzero
# counts here (a race in its slot wrappers) and crashed on class churn.
import threading, time
class B1:
    def who(self): return 1
    def __repr__(self): return "B1"
    def __len__(self): return 1
class B2:
    def who(self): return 2
    def __repr__(self): return "B2"
    def __len__(self): return 2
class C(B1): pass
class D(C): pass
objs = [C(), D()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if isinstance(o, B1) == isinstance(o, B2): n += 1
                if o.who() not in (1, 2): n += 1
                if repr(o) not in ("B1", "B2"): n += 1
                if len(o) not in (1, 2): n += 1
                if len(type(o).__mro__) not in (3, 4): n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n
def writer():
    i = 0
    while not stop.is_set():
        C.__bases__ = ((B1,), (B2,))[i & 1]
        i += 1
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
print(D.__mro__[1] is C)
