# Found by `weft stress --scenario fuzz` (seed 7, round 2): inside a new
# thread, threading.current_thread().ident must already equal
# threading.get_ident() (CPython publishes it before the thread runs its
# target; Weft's starting thread set it after the new one already ran).
import threading

bad = []

def w():
    a = threading.current_thread().ident
    b = threading.get_ident()
    if a != b:
        bad.append((a, b))

for r in range(20):
    ts = [threading.Thread(target=w) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
print('threads whose ident was not get_ident():', len(bad))
