# sys.setrecursionlimit while other threads call deeply: each thread reads
# its copy of the limit without a lock (relaxed atomics, no data race).
import sys, threading
def f(n):
    if n == 0:
        return 0
    return f(n - 1) + 1
def w():
    for i in range(200):
        f(50)
ts = [threading.Thread(target=w) for i in range(2)]
for t in ts: t.start()
for i in range(200):
    sys.setrecursionlimit(1000 + i)
for t in ts: t.join()
print(threading.enumerate() is not None)
