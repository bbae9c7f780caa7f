# Thread.join and Event.wait argument edges (issue 20): keyword forms,
# negative and tiny timeouts, a thread joined before start, itself.
import threading

def t(name, fn):
    try:
        r = repr(fn())
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print(name, '->', r)

th = threading.Thread(target=lambda: None)
t('join before start', lambda: th.join())
th.start()
t('join(timeout=-5)', lambda: th.join(timeout=-5))
t('join(0.0)', lambda: th.join(0.0))
t('join(timeout=1e-9)', lambda: th.join(timeout=1e-9))
th.join()
t('is_alive after join()', lambda: th.is_alive())
t('join(1, 2)', lambda: th.join(1, 2))
cur = threading.current_thread()
t('join self', lambda: cur.join())
e = threading.Event()
t('wait(timeout=0)', lambda: e.wait(timeout=0))
t('wait(1e-9)', lambda: e.wait(1e-9))
t('wait(True)', lambda: (e.set(), e.wait(True))[1])
t('wait(1, 2)', lambda: e.wait(1, 2))
t('wait(x=1)', lambda: e.wait(x=1))
