# bench/workloads/exceptions.py -- raise and catch in a loop: a user
# exception class, a builtin exception, try/except/else/finally.
# Usage: exceptions.py [N]; prints "checksum <value>".
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


n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
print("checksum", run(n))
