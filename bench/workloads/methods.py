# bench/workloads/methods.py -- method calls and attribute access on
# instances, including an overriding subclass method.
# Usage: methods.py [N] [THREADS]; prints "checksum <value>".
import sys


class Counter:
    def __init__(self, step):
        self.value = 0
        self.step = step

    def bump(self):
        self.value = self.value + self.step
        return self.value

    def scaled(self, k):
        return self.value * k


class ModCounter(Counter):
    def bump(self):
        self.value = (self.value + self.step) % 1009
        return self.value


def run(n):
    a = Counter(3)
    b = ModCounter(7)
    total = 0
    for i in range(n):
        total = total + a.bump() % 11 + b.bump() + b.scaled(2)
    return total + a.scaled(1)


def in_threads(work, n, k):
    # Thread scaling (weft bench --threads): K threads each do the full
    # work on the same function objects and globals; all must agree.
    # K = 0 (no second argument): run on the main thread.
    if k < 1:
        return work(n)
    import threading
    results = [None] * k

    def one(i):
        results[i] = work(n)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        if r != results[0]:
            raise AssertionError("threads disagree")
    return results[0]


n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print("checksum", in_threads(run, n, k))
