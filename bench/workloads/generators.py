# bench/workloads/generators.py -- a pipeline of generators: produce,
# filter, transform, consume with for loops.
# Usage: generators.py [N]; prints "checksum <value>".
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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 500000
print("checksum", run(n))
