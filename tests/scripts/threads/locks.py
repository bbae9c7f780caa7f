# Lock and RLock: context managers, non-blocking and timed acquire,
# reentrancy, and the errors CPython raises.
import threading

lock = threading.Lock()
print(lock.locked())
with lock:
    print(lock.locked())
    print(lock.acquire(False))
    print(lock.acquire(True, 0.01))
print(lock.locked())
print(lock.acquire())
lock.release()
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    lock.acquire(False, 1)
except ValueError as e:
    print("ValueError:", e)

r = threading.RLock()
with r:
    with r:
        print("nested ok")
print(r.acquire(), r.acquire())
r.release()
r.release()
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError:", e)

# A lock held by one thread blocks another until released.
held = threading.Lock()
held.acquire()
got = []


def taker():
    got.append(held.acquire(True, 5))
    held.release()


t = threading.Thread(target=taker)
t.start()
held.release()
t.join()
print(got)

# An RLock owned by another thread cannot be released here.
r2 = threading.RLock()
ready = threading.Event()
go = threading.Event()


def owner():
    r2.acquire()
    ready.set()
    go.wait()
    r2.release()


t = threading.Thread(target=owner)
t.start()
ready.wait()
try:
    r2.release()
except RuntimeError as e:
    print("RuntimeError:", e)
print(r2.acquire(False))
go.set()
t.join()
print(r2.acquire(False))
r2.release()

# Counting under a lock from several threads is exact.
count = [0]
cl = threading.Lock()


def inc():
    for _ in range(20000):
        with cl:
            count[0] += 1


ts = [threading.Thread(target=inc) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(count[0])
