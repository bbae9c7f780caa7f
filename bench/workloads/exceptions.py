# bench/workloads/exceptions.py -- raise and catch in a loop: a user
# exception class, a builtin exception, try/except/else/finally.
# Usage: exceptions.py [N] [THREADS]; prints "checksum <value>".
import sys


class Odd(Exception):
    def __init__(self, value):
        self.value = value


def check(i):
    if i % 2 == 1:
        raise Odd(i)
    if i % 7 == 0:
        raise ValueError("seven")
    return i


def run(n):
    caught = 0
    total = 0
    finals = 0
    for i in range(n):
        try:
            total = total + check(i)
        except Odd as e:
            caught += 1
            total = total + e.value % 5
        except ValueError:
            total = total - 1
        else:
            total = total + 2
        finally:
            finals += 1
    return total * 10 + caught + finals


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
