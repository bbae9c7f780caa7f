import sys


def down(n):
    return down(n + 1)


try:
    down(0)
except RecursionError as e:
    print("caught", type(e).__name__)


class Loop:
    def __init__(self, depth):
        self.child = Loop(depth + 1)


try:
    Loop(0)
except RecursionError:
    print("caught in __init__")


class R:
    def __repr__(self):
        return repr(self)


try:
    repr(R())
except RecursionError:
    print("caught in __repr__")


def deep(n):
    if n == 0:
        return 0
    return deep(n - 1) + 1


print(deep(800))
sys.setrecursionlimit(5000)
print(sys.getrecursionlimit(), deep(4000))
print("still alive")
