# __eq__ added and removed while other threads compare and hash instances:
# == is True (with __eq__) or identity, hash never fails (assigning __eq__
# later does not make a class unhashable).
import threading, time
class C: pass
def eq(self, o): return True
a, b = C(), C()
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        try:
            r = a == b
            if r is not True and r is not False: n += 1
            if not (a == a): n += 1
            hash(a)
            if {a: 1}[a] != 1: n += 1
        except Exception:
            n += 1
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        C.__eq__ = eq
        del C.__eq__
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
