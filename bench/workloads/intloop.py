# bench/workloads/intloop.py -- a tight integer loop with branches.
# Usage: intloop.py [N] [THREADS]; prints "checksum <value>".
import sys


def run(n):
    total = 0
    i = 0
    while i < n:
        if i % 3 == 0:
            total = total + i
        elif i % 5 == 1:
            total = total - i // 2
        else:
            total = (total * 7 + i) % 1000000007
        i += 1
    return total


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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print("checksum", in_threads(run, n, k))
