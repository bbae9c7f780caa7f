# Parallel-safe containers: two threads appending 100 000 times each to one
# list end with exactly 200 000 items; concurrent dict inserts lose
# nothing; a generator resumed inside itself raises ValueError.
import threading

shared = []
table = {}


def appender(k):
    for i in range(100000):
        shared.append(i)
        table[(k, i % 5000)] = i


ts = [threading.Thread(target=appender, args=(k,)) for k in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(shared), sum(shared), len(table))


def gen():
    yield 1
    yield next(g)


g = gen()
print(next(g))
try:
    next(g)
except ValueError as e:
    print("ValueError:", e)

# A generator shared by threads yields each value once.
def counter():
    i = 0
    while True:
        yield i
        i += 1


c = counter()
outs = [[], []]


def take(out):
    for _ in range(5000):
        try:
            out.append(next(c))
        except ValueError:
            pass


ts = [threading.Thread(target=take, args=(o,)) for o in outs]
for t in ts:
    t.start()
for t in ts:
    t.join()
got = sorted(outs[0] + outs[1])
print(got == list(range(len(got))))
