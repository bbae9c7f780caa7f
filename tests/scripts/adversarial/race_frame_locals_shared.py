# Several threads read f_locals of the same frames as they complete: the
# first reader builds the locals from the snapshot, the others must see
# the same names and values, never a half-built dict.
import sys
import threading

frames = []
done = threading.Event()
bad = []

def make(k):
    a = k
    b = [k, k]
    c = str(k)
    d = (a, c)
    e = a + 1
    frames.append(sys._getframe())
    return e

def producer():
    for k in range(2000):
        make(k)
        if len(frames) > 32:
            del frames[:16]
    done.set()

def consumer():
    rounds = 0
    while not done.is_set() or rounds < 20:
        for f in list(frames[-6:]):
            loc = f.f_locals
            k = loc.get("k")
            if k is None:
                continue
            if "e" in loc and (loc["e"] != k + 1 or loc["c"] != str(k)
                               or loc["b"] != [k, k] or loc["d"] != (k, str(k))):
                bad.append(k)
        rounds += 1

ts = [threading.Thread(target=producer)] + \
     [threading.Thread(target=consumer) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
f = frames[-1]
print("bad", bad[:3])
print(sorted(f.f_locals), f.f_locals["e"])
