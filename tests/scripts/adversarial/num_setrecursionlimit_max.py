import sys
def f(n):
    return n + 1
old = sys.getrecursionlimit()
sys.setrecursionlimit(2 ** 31 - 1)
print(sys.getrecursionlimit())
print(f(1))
print(repr([[1, (2, 3)], {"a": [4]}]))
print([1, [2]] == [1, [2]], (1, (2,)) < (1, (3,)))
def g(k):
    return 0 if k == 0 else g(k - 1) + 1
print(g(200))
try:
    sys.setrecursionlimit(2 ** 31)
except OverflowError as e:
    print("OverflowError", e)
sys.setrecursionlimit(old)
print(sys.getrecursionlimit() == old)
