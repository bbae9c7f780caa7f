# A generator shared between threads: each next() builds a new object in
# the generator and the consumer publishes it into a shared list that the
# other threads read without a lock.
import threading

class Item:
    def __init__(self, n):
        self.n = n
        self.sq = n * n

def produce():
    for n in range(6000):
        yield Item(n)

gen = produce()
out = []
latest = [Item(0)]
bad = []
busy = [0]

def consume():
    while True:
        try:
            it = next(gen)
        except StopIteration:
            return
        except ValueError:
            busy[0] += 1  # "generator already executing": try again
            continue
        out.append(it)
        # Read the item another thread published last, then publish ours.
        other = latest[0]
        if other.sq != other.n * other.n:
            bad.append(other.n)
        latest[0] = it

ts = [threading.Thread(target=consume) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(out), sorted(i.n for i in out) == list(range(6000)))
print("bad", bad)
