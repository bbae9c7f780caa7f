# The same unbounded C-level recursion (__eq__ into ==) on a thread Weft
# started: its known stack size bounds it; CPython 3.14 raises
# RecursionError in the thread.
import sys
import threading
sys.setrecursionlimit(10**6)
class Node:
    def __init__(self, nxt):
        self.nxt = nxt
    def __eq__(self, other):
        return self.nxt == other.nxt
out = []
def work():
    a = None
    b = None
    for i in range(50000):
        a = Node(a)
        b = Node(b)
    try:
        out.append(a == b)
    except RecursionError as e:
        out.append(type(e).__name__)
t = threading.Thread(target=work)
t.start()
t.join()
print(out)
