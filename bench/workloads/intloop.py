# bench/workloads/intloop.py -- a tight integer loop with branches.
# Usage: intloop.py [N]; prints "checksum <value>".
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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
print("checksum", run(n))
