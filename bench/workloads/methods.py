# bench/workloads/methods.py -- method calls and attribute access on
# instances, including an overriding subclass method.
# Usage: methods.py [N]; prints "checksum <value>".
import sys


class Counter:
    def __init__(self, step):
        self.value = 0
        self.step = step

    def bump(self):
        self.value = self.value + self.step
        return self.value

    def scaled(self, k):
        return self.value * k


class ModCounter(Counter):
    def bump(self):
        self.value = (self.value + self.step) % 1009
        return self.value


def run(n):
    a = Counter(3)
    b = ModCounter(7)
    total = 0
    for i in range(n):
        total = total + a.bump() % 11 + b.bump() + b.scaled(2)
    return total + a.scaled(1)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
print("checksum", run(n))
