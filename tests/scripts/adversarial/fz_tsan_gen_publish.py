# Found by `weft stress --scenario fuzz` under TSan (seed 301): a new
# generator stored into a shared list slot while another thread loads the
# slot and reads the object (TSan: the reader's type load races with the
# allocation's initialisation; the slot store must publish with release).
# The output is exact on any build; TSan must report nothing.
import threading

def gen(k):
    i = 0
    while i < k:
        yield i
        i += 1

GS = [gen(1)]
seen = [0, 0]

def writer():
    for i in range(3000):
        GS[0] = gen(i % 7)

def reader(k):
    n = 0
    for i in range(3000):
        g = GS[0]
        if g.gi_running is False:
            n += 1
    seen[k] = n

ts = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(k,)) for k in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print('reads that saw a generator:', seen[0] + seen[1])
