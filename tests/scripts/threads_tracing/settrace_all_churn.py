# threading.settrace_all_threads / setprofile_all_threads flipped while
# threads start and exit: each flip is one pause over the thread list, which
# must not see a half-linked or freed thread; results stay exact.
import sys
import threading

seen = [0]
sl = threading.Lock()


def tracer(frame, event, arg):
    if event == 'call':
        with sl:
            seen[0] += 1
    return None


def profiler(frame, event, arg):
    return None


total = [0]
lk = threading.Lock()


def child(m):
    s = 0
    for i in range(m):
        s += i
    with lk:
        total[0] += s


expected = 0
for wave in range(40):
    ts = []
    for j in range(4):
        m = 20 + (wave * 5 + j) % 60
        expected += m * (m - 1) // 2
        ts.append(threading.Thread(target=child, args=(m,), daemon=(j % 2 == 1)))
    for t in ts:
        t.start()
        if wave % 2 == 0:
            threading.settrace_all_threads(tracer)
        else:
            threading.settrace_all_threads(None)
        threading.setprofile_all_threads(profiler if j % 2 else None)
    for t in ts:
        t.join()
threading.settrace_all_threads(None)
threading.setprofile_all_threads(None)
print('total ok', total[0] == expected)
print('gettrace None', sys.gettrace() is None, sys.getprofile() is None)
