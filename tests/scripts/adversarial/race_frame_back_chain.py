# Another thread walks the f_back chain of a deep recursion while the
# owner keeps descending and unwinding: every frame it reaches is one of
# the recursion's (or the thread bootstrap's), with a sane line.
import sys
import threading

top = []
done = threading.Event()
bad = []

def down(n):
    if n == 0:
        top.append(sys._getframe())
        return 0
    return down(n - 1) + 1

def worker():
    for i in range(300):
        down(30)
        if len(top) > 16:
            del top[:8]
    done.set()

names = ("down", "worker", "run", "_bootstrap", "_bootstrap_inner")

def walker():
    rounds = 0
    while not done.is_set() or rounds < 10:
        if top:
            f = top[-1]
            depth = 0
            while f is not None:
                if f.f_code.co_name not in names:
                    bad.append(f.f_code.co_name)
                if f.f_lineno <= 0:
                    bad.append(("line", f.f_lineno))
                f = f.f_back
                depth += 1
            if depth < 31:
                bad.append(("depth", depth))
        rounds += 1

ts = [threading.Thread(target=worker), threading.Thread(target=walker)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("bad", bad[:3])
