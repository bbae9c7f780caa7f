# bench/workloads/listdict.py -- building and reading lists and dicts:
# append, indexing, int and str keys, membership, comprehensions.
# Usage: listdict.py [N]; prints "checksum <value>".
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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
print("checksum", run(n))
