# __getattr__ added and removed while other threads read a missing
# attribute: the result is "ga" or CPython's AttributeError, nothing else.
import threading, time
class C: pass
def ga(self, name): return "ga"
objs = [C(), C()]
stop = threading.Event()
lock = threading.Lock()
bad = [0]
def reader():
    n = 0
    while not stop.is_set():
        for o in objs:
            try:
                if o.missing != "ga": n += 1
            except AttributeError as e:
                if str(e) != "'C' object has no attribute 'missing'": n += 1
            except Exception:
                n += 1
            if getattr(o, "missing", "dflt") not in ("ga", "dflt"): n += 1
    with lock:
        bad[0] += n
def writer():
    while not stop.is_set():
        C.__getattr__ = ga
        del C.__getattr__
ts = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=writer)]
for t in ts: t.start()
time.sleep(0.5)
stop.set()
for t in ts: t.join()
print("bad:", bad[0])
