# bench/workloads/fib.py -- recursive calls: fib(n) the naive way.
# Usage: fib.py [N]; prints "checksum <fib(N)>".
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 27
print("checksum", fib(n))
