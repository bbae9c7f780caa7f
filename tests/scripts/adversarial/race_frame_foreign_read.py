# Frame objects handed to another thread while their frames run and return:
# the observer reads f_lineno, f_lasti, f_locals, f_back chains and repr.
# It must see the live frame or its snapshot, never a popped frame's
# memory reused by the next call.
import sys
import threading

frames = []
done = threading.Event()
bad = []

def leaf(k):
    a = k * 2
    frames.append(sys._getframe())
    b = a + 1
    return b

def middle(k):
    m = leaf(k)
    return m + leaf(k + 1)

def worker():
    total = 0
    for k in range(1500):
        total += middle(k)
        if len(frames) > 64:
            del frames[:32]
    done.set()
    return total

first = leaf.__code__.co_firstlineno
last = middle.__code__.co_firstlineno

def observer():
    rounds = 0
    while not done.is_set() or rounds < 20:
        for f in list(frames[-8:]):
            name = f.f_code.co_name
            line = f.f_lineno
            if name != "leaf" or not (first <= line < last):
                bad.append(("line", name, line))
            loc = f.f_locals
            if loc.get("k", 0) < 0:
                bad.append(("locals", loc))
            if "a" in loc and loc["a"] != loc["k"] * 2:
                bad.append(("a", loc))
            if f.f_lasti < -1:
                bad.append(("lasti", f.f_lasti))
            back = f.f_back
            n = 0
            while back is not None and n < 10:
                if back.f_code.co_name not in ("middle", "worker", "run",
                                               "_bootstrap", "_bootstrap_inner"):
                    bad.append(("back", back.f_code.co_name))
                back.f_lineno
                back = back.f_back
                n += 1
            if not repr(f).startswith("<frame at "):
                bad.append(("repr", repr(f)))
        rounds += 1

ts = [threading.Thread(target=worker), threading.Thread(target=observer),
      threading.Thread(target=observer)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("bad", bad[:5])
f = frames[-1]
print(f.f_code.co_name, f.f_lineno - first, sorted(f.f_locals))
