# Python trace functions run as callback frames on several threads at
# once: each thread has its own resident callback frame, the trace
# functions share their quiet twin, and frame objects nobody can see are
# kept per thread while collections run. Counts and kept frames must come
# out exact, and threads that exit hand their kept frame objects back.
import sys
import threading

counts = {}
cl = threading.Lock()


def blind(frame, event, arg):
    return blind


kept = []


def seeing(frame, event, arg):
    if event == "return" and frame.f_code.co_name == "leaf":
        with cl:
            if len(kept) < 50:
                kept.append(frame)
    return seeing


def leaf(x):
    y = x + 1
    return y


def fib(n):
    if n < 2:
        return leaf(n) - 1
    return fib(n - 1) + fib(n - 2)


def worker(i, rounds):
    sys.settrace(blind if i % 2 == 0 else seeing)
    junk = []
    total = 0
    for r in range(rounds):
        total += fib(12)
        junk.append([r] * 20)  # garbage: collections run meanwhile
    sys.settrace(None)
    with cl:
        counts[i] = total


for wave in range(3):
    threads = [threading.Thread(target=worker, args=(i, 8 + wave))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("wave", wave, sorted(counts.items()))
    counts.clear()

print("kept", len(kept), all(f.f_code is leaf.__code__ for f in kept))
lines = {}
pairs = {}
for f in kept:
    lines[f.f_lineno] = True
    pairs[(f.f_locals["x"], f.f_locals["y"])] = True
print("kept lines", sorted(lines))
print("kept locals", sorted(pairs))
