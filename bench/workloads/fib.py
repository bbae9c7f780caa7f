# bench/workloads/fib.py -- recursive calls: fib(n) the naive way.
# Usage: fib.py [N] [THREADS]; prints "checksum <fib(N)>".
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 27
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print("checksum", in_threads(fib, n, k))
