# Found by `weft stress --scenario fuzz` (seed 11, round 1): a huge timeout
# must raise OverflowError (CPython: "timestamp out of range"), not block
# for good; a negative one raises ValueError or returns at once. Each call
# runs in a daemon thread so that a call that blocks shows as blocked.
import threading, time

res = {}

def tryit(name, fn):
    try:
        res[name] = repr(fn())
    except Exception as e:
        res[name] = type(e).__name__ + ': ' + str(e)

def ev_huge():
    return threading.Event().wait(1e300)
def lock_huge():
    return threading.Lock().acquire(True, 1e300)
def rlock_huge():
    return threading.RLock().acquire(True, 1e300)
def sleep_huge():
    return time.sleep(1e300)
def join_huge():
    t = threading.Thread(target=time.sleep, args=(0.01,))
    t.start()
    return t.join(1e300)
def ev_neg():
    return threading.Event().wait(-1.5)
def lock_neg():
    return threading.Lock().acquire(True, -1.5)
def sleep_neg():
    return time.sleep(-1.5)
def lock_nonblock_timeout():
    return threading.Lock().acquire(False, 1)

cases = [('Event.wait(1e300)', ev_huge), ('Lock.acquire(True, 1e300)', lock_huge),
         ('RLock.acquire(True, 1e300)', rlock_huge), ('time.sleep(1e300)', sleep_huge),
         ('Thread.join(1e300)', join_huge), ('Event.wait(-1.5)', ev_neg),
         ('Lock.acquire(True, -1.5)', lock_neg), ('time.sleep(-1.5)', sleep_neg),
         ('Lock.acquire(False, 1)', lock_nonblock_timeout)]
for name, fn in cases:
    t = threading.Thread(target=tryit, args=(name, fn), daemon=True)
    t.start()
    t.join(2)
    print(name, '->', res.get(name, 'still blocked after 2 s'))
