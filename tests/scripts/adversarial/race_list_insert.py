# list.insert(0, x) / pop(0) shift the items while another thread indexes,
# iterates and searches the list without the lock: every value seen must be
# one that was in the list (never a torn or uninitialised one).
import threading

class Box:
    def __init__(self, v):
        self.v = v

shared = [Box(i) for i in range(64)]
stop = False
bad = []

def mutator():
    for i in range(3000):
        shared.insert(0, Box(-1))
        shared.insert(33, Box(-2))
        shared.pop(0)
        del shared[32]
        shared.insert(10, Box(-1))
        shared.remove(shared[10])
    global stop
    stop = True

def reader():
    seen = 0
    while not stop or seen < 100:
        for x in shared:
            if not isinstance(x, Box) or not (-2 <= x.v < 64):
                bad.append(x)
        n = len(shared)
        for i in range(0, n, 7):
            try:
                x = shared[i]
            except IndexError:
                continue
            if not isinstance(x, Box):
                bad.append(x)
        seen += 1

ts = [threading.Thread(target=mutator)] + \
     [threading.Thread(target=reader) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("len", len(shared))
print("values", sorted(b.v for b in shared) == list(range(64)))
print("bad", bad)
