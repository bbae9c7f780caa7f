# New objects stored into list slots (l[i] = obj, append after pop,
# reverse, extended-slice assignment) by one thread, read through the
# lock-free paths by others: a reader must see each object fully built.
import threading

class Point:
    def __init__(self, x):
        self.x = x
        self.y = -x
        self.tag = "pt"

slots = [Point(0) for _ in range(8)]
done = threading.Event()
bad = []

def writer():
    for i in range(1, 4000):
        slots[i % 8] = Point(i)
        slots.pop()
        slots.append(Point(i))
        if i % 50 == 0:
            slots.reverse()
            slots[::2] = [Point(i), Point(i), Point(i), Point(i)]
    done.set()

def reader():
    rounds = 0
    while not done.is_set() or rounds < 50:
        for i in range(8):
            try:
                p = slots[i]
            except IndexError:
                continue
            if p.x + p.y != 0 or p.tag != "pt":
                bad.append((p.x, p.y, p.tag))
        for p in slots:
            if p.x + p.y != 0:
                bad.append((p.x, p.y))
        rounds += 1

ts = [threading.Thread(target=writer)] + \
     [threading.Thread(target=reader) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(slots), all(p.x + p.y == 0 for p in slots))
print("bad", bad)
