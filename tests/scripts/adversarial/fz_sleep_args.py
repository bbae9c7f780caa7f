# time.sleep argument edges (issue 20): bool, tiny, zero, keyword, none.
import time

def t(name, fn):
    try:
        r = repr(fn())
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print(name, '->', r)

t('sleep(False)', lambda: time.sleep(False))
t('sleep(0)', lambda: time.sleep(0))
t('sleep(1e-9)', lambda: time.sleep(1e-9))
t('sleep(5e-324)', lambda: time.sleep(5e-324))
t('sleep(-5e-324)', lambda: time.sleep(-5e-324))
t('sleep()', lambda: time.sleep())
t('sleep(1, 2)', lambda: time.sleep(1, 2))
t('sleep(None)', lambda: time.sleep(None))
t('sleep(secs=1)', lambda: time.sleep(secs=1))
t('sleep([])', lambda: time.sleep([]))
