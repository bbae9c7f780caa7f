# pop() then extend()/+= refills the slots past the new length while a
# reader that loaded the old, larger length reads them: the refill must be
# stored like any published slot.
import threading
import time

class V:
    def __init__(self, n):
        self.n = n
        self.twice = 2 * n

data = [V(i) for i in range(16)]
done = threading.Event()
bad = []

def writer():
    for i in range(3000):
        data.pop()
        data.pop()
        data.extend((V(i), V(i + 1)))
        data.pop()
        data.extend([V(i)])
    done.set()

def reader():
    rounds = 0
    deadline = time.time() + 30  # the writer failing must not hang us
    while (not done.is_set() or rounds < 50) and time.time() < deadline:
        for v in data:
            if v.twice != 2 * v.n:
                bad.append(v.n)
        rounds += 1

ts = [threading.Thread(target=writer)] + \
     [threading.Thread(target=reader) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(data), all(v.twice == 2 * v.n for v in data))
print("bad", bad)
