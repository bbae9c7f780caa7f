# New objects published through dict values (d[k] = obj for new and
# existing keys, instance attributes, globals) by one thread and read
# without a lock by others: each must be seen fully built.
import threading

class Rec:
    def __init__(self, n):
        self.n = n
        self.neg = -n

class Holder:
    pass

d = {}
h = Holder()
h.rec = Rec(0)
g_rec = Rec(0)
done = threading.Event()
bad = []

def writer():
    global g_rec
    for i in range(1, 3000):
        d[i % 16] = Rec(i)
        d["k" + str(i % 64)] = Rec(i)
        if i % 7 == 0:
            d.pop("k" + str((i * 3) % 64), None)
        h.rec = Rec(i)
        g_rec = Rec(i)
    done.set()

def reader():
    rounds = 0
    while not done.is_set() or rounds < 50:
        for k in range(16):
            r = d.get(k)
            if r is not None and r.n + r.neg != 0:
                bad.append(r.n)
        for k, r in d.copy().items():
            if r.n + r.neg != 0:
                bad.append(k)
        r = h.rec
        if r.n + r.neg != 0:
            bad.append("attr")
        r = g_rec
        if r.n + r.neg != 0:
            bad.append("global")
        rounds += 1

ts = [threading.Thread(target=writer)] + \
     [threading.Thread(target=reader) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(d), all(r.n + r.neg == 0 for r in d.values()))
print("bad", bad)
