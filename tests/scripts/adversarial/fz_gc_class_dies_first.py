# Found by `weft stress --scenario fuzz` under ASan (seed 201): a class
# and its instances become garbage in the same collection, the class
# swept (freed) before an instance whose type the sweep then reads
# (heap-use-after-free in gc.c sweep_list). The instances are made on
# other threads, so they sit on another thread's (or the exited threads')
# list; __class__ assignment to a newer class gives the same order on one
# thread.
import threading

def make(r):
    class K:
        pass
    class Newer:
        pass
    out = []
    def w():
        for i in range(50):
            out.append(K())
    ts = [threading.Thread(target=w) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    old = [K() for i in range(20)]
    class Later:
        pass
    for o in old:
        o.__class__ = Later
    return len(out) + len(old)

total = 0
for r in range(150):
    total += make(r)
    garbage = [[i] for i in range(5000)]
print('instances made:', total)
