# Python recursion with sys.setrecursionlimit(10**6): CPython 3.14 raises
# RecursionError (Python frames do not use the C stack); Weft must raise
# it too, on release, ASan and TSan builds, never overflow the C stack.
import sys
sys.setrecursionlimit(10**6)
def f(n):
    return f(n + 1)
try:
    f(0)
    print("no error")
except RecursionError as e:
    print(type(e).__name__)
print("done")
