# setprofile: call/return for Python functions, c_call/c_return for
# builtins, c_exception, returns by exception, and a profile function that
# raises switches itself off.
import sys

LOG = []


def prof(frame, event, arg):
    global LOG
    code = frame.f_code
    if code.co_name == '<module>':
        return None
    s = event + ' ' + code.co_name + ' ' + str(frame.f_lineno - code.co_firstlineno)
    if event == 'return':
        s = s + ' ' + repr(arg)
    if event == 'c_call' or event == 'c_return' or event == 'c_exception':
        s = s + ' ' + arg.__name__
    LOG += [s]
    return 'ignored'


def inner(x):
    return len(x)


def outer():
    n = inner([1, 2, 3])
    try:
        len(5)
    except TypeError:
        n += 1
    return n


def boom():
    raise KeyError('k')


def catcher():
    try:
        boom()
    except KeyError:
        return 'caught'


sys.setprofile(prof)
r1 = outer()
r2 = catcher()
sys.setprofile(None)
for s in LOG:
    print(s)
print('result', r1, r2)


class Stop(Exception):
    pass


COUNT = [0]


def bad(frame, event, arg):
    COUNT[0] += 1
    if COUNT[0] == 2:
        raise Stop('profiler failed')


def victim():
    a = inner('ab')
    return a


sys.setprofile(bad)
try:
    victim()
except Stop as e:
    print('raised', e)
print('getprofile is None', sys.getprofile() is None, COUNT[0])
print('done')
