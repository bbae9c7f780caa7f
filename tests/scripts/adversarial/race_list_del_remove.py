# del l[i] and l.remove(x) shift the tail left while other threads iterate,
# count and search: no torn or foreign values, and the list ends as built.
# (A lock-free reader may see a neighbour twice or miss one while a shift
# runs, in CPython's free-threaded build too: counts are bounded, not
# exact.)
import threading

class K:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        return isinstance(other, K) and other.n == self.n
    __hash__ = None

base = [K(i) for i in range(40)]
lst = list(base)
done = threading.Event()
bad = []

def mutator():
    for i in range(1500):
        x = K(100 + i % 5)
        lst.insert(i % 40, x)
        lst.remove(x)
        lst.insert(3, K(-1))
        del lst[3]
    done.set()

def reader():
    rounds = 0
    while not done.is_set() or rounds < 20:
        for x in lst:
            if not isinstance(x, K):
                bad.append(x)
        c = lst.count(K(7))
        if c > 2:
            bad.append(("count", c))
        K(39) in lst
        rounds += 1

ts = [threading.Thread(target=mutator)] + \
     [threading.Thread(target=reader) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(lst), lst == base)
print("bad", bad[:3])
