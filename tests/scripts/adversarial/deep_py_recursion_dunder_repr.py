# Recursion through C: __repr__ calls repr() of the next node. With the
# limit at 10**6 the C stack guard must stop it: CPython 3.14 raises
# RecursionError.
import sys
sys.setrecursionlimit(10**6)
class Node:
    def __init__(self, nxt):
        self.nxt = nxt
    def __repr__(self):
        return "N(" + repr(self.nxt) + ")"
a = None
for i in range(50000):
    a = Node(a)
try:
    print(len(repr(a)))
except RecursionError as e:
    print(type(e).__name__)
print("done")
