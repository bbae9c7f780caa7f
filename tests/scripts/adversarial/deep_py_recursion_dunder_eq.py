# Recursion through C: __eq__ compares the next object with ==, so each
# level is a C call into Python. With the limit at 10**6 only the C stack
# guard can stop it: CPython 3.14 raises RecursionError.
import sys
sys.setrecursionlimit(10**6)
class Node:
    def __init__(self, nxt):
        self.nxt = nxt
    def __eq__(self, other):
        return self.nxt == other.nxt
a = None
b = None
for i in range(50000):
    a = Node(a)
    b = Node(b)
try:
    print(a == b)
except RecursionError as e:
    print(type(e).__name__)
print("done")
