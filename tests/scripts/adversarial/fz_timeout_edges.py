# Every timeout argument of time.sleep, lock/RLock.acquire, Event.wait and
# Thread.join is converted by CPython's PyTime_t rules (issue 20: huge
# and infinite timeouts blocked or were clamped; NaN and -inf differed).
import threading, time
def t(name, fn):
    try: r = repr(fn())
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(name, '->', r)
nan = float('nan')
for v in [9.3e9, 10**10, nan, float('inf'), -float('inf'), -1, -1.0, 0, 9223372036, -9223372037, "x", True]:
    t('Lock.acquire(%r)' % (v,), lambda: threading.Lock().acquire(True, v))
for v in [9.3e9, 10**10, nan, float('inf'), -float('inf'), -0.0, "x", -1e-12, 1e-12, 0]:
    t('sleep(%r)' % (v,), lambda: time.sleep(v))
for v in [nan, float('inf'), -float('inf'), -1.5, 10**10, "x", 0, 0.001]:
    t('Event.wait(%r)' % (v,), lambda: threading.Event().wait(v))
e = threading.Event(); e.set()
t('set.wait(1e300)', lambda: e.wait(1e300))
t('set.wait(x)', lambda: e.wait("x"))
l = threading.Lock(); l.acquire()
for v in [-5, -0.5, 0, 0.01, -1.0000000001]:
    t('held.acquire(True,%r)' % v, lambda: l.acquire(True, v))
for v in [nan, 10**10, -1]:
    th = threading.Thread(target=lambda: None); th.start()
    t('join(%r)' % (v,), lambda: th.join(v))
r = threading.RLock()
t('RLock.acquire(F,1)', lambda: r.acquire(False, 1))
t('RLock.acquire(T,inf)', lambda: r.acquire(True, float('inf')))
t('RLock.acquire(timeout=0.01)', lambda: r.acquire(timeout=0.01))
