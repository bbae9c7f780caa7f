# Lock and RLock acquire() argument edges: keyword forms, odd blocking
# values, a None timeout, too many arguments (issue 20: every wrong call
# gets CPython's exception and message).
import threading

def t(name, fn):
    try:
        r = repr(fn())
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print(name, '->', r)

for kind in (threading.Lock, threading.RLock):
    t('acquire(timeout=None)', lambda: kind().acquire(timeout=None))
    t('acquire(blocking="")', lambda: kind().acquire(blocking=""))
    t('acquire(blocking=[], timeout=1)', lambda: kind().acquire(blocking=[], timeout=1))
    t('acquire(1, 2, 3)', lambda: kind().acquire(1, 2, 3))
    t('acquire(nope=1)', lambda: kind().acquire(nope=1))
    t('acquire(True, timeout=0.0)', lambda: kind().acquire(True, timeout=0.0))
    t('acquire(False, -1)', lambda: kind().acquire(False, -1))
    t('acquire(timeout=-1.0)', lambda: kind().acquire(timeout=-1.0))
    t('acquire(timeout=-1.5)', lambda: kind().acquire(timeout=-1.5))
    held = kind()
    held.acquire()
    t('held: acquire(timeout=0.01)', lambda: held.acquire(timeout=0.01))
