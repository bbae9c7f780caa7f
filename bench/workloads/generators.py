# bench/workloads/generators.py -- a pipeline of generators: produce,
# filter, transform, consume with for loops.
# Usage: generators.py [N] [THREADS]; prints "checksum <value>".
import sys


def numbers(n):
    i = 0
    while i < n:
        yield i
        i += 1


def odd_only(source):
    for x in source:
        if x % 2 == 1:
            yield x


def squares_mod(source, m):
    for x in source:
        yield x * x % m


def run(n):
    total = 0
    count = 0
    for v in squares_mod(odd_only(numbers(n)), 10007):
        total = total + v
        count += 1
    return total * 1000 + count % 1000


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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 500000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print("checksum", in_threads(run, n, k))
