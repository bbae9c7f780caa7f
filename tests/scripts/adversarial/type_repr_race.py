# repr() of instances while another thread assigns a plain class attribute
# in a loop (issue 20: the assignment re-derived the class's slots and a
# reader could call a repr slot that was briefly NULL: SIGSEGV). Also
# str() and iteration slots. Every count must be 0.
import threading, time

class C:
    def __repr__(self): return "C!"
    def __str__(self): return "c"
    def __iter__(self): return iter((1, 2))
    def __call__(self): return 5

objs = [C() for _ in range(4)]
stop = threading.Event()
lock = threading.Lock()
bad = [0]

def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if repr(o) != "C!" or str(o) != "c": n += 1
                if list(o) != [1, 2] or o() != 5: n += 1
                if "%r" % (o,) != "C!": n += 1
            except Exception:
                n += 1
    with lock:
        bad[0] += n

def writer():
    i = 0
    while not stop.is_set():
        C.counter = i
        i += 1

ts = [threading.Thread(target=reader) for _ in range(3)]
ts.append(threading.Thread(target=writer))
for t in ts:
    t.start()
time.sleep(1.0)
stop.set()
for t in ts:
    t.join()
print("bad:", bad[0])
print(repr(objs[0]), C.counter > 0)
