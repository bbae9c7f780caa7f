# bench/workloads/listdict.py -- building and reading lists and dicts:
# append, indexing, int and str keys, membership, comprehensions.
# Usage: listdict.py [N] [THREADS]; prints "checksum <value>".
import sys


def run(n):
    items = []
    for i in range(n):
        items.append(i * 3 % 1000)
    by_key = {}
    names = {}
    for i in range(n):
        k = items[i]
        if k in by_key:
            by_key[k] = by_key[k] + 1
        else:
            by_key[k] = 1
        names["k" + str(i % 5000)] = i
    evens = [x for x in items if x % 2 == 0]
    total = len(evens) + len(by_key) + len(names)
    for k in by_key:
        total = total + k * by_key[k]
    return total + names["k42"]


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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print("checksum", in_threads(run, n, k))
