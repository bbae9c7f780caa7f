# A plain trace function runs on an uninstrumented twin of its code. What
# Python sees of its frames must not change: f_code is the function's own
# code, lines and tracebacks are the function's, and its loops, calls and
# exceptions behave the same.
import sys

seen = []


def helper(x):
    return x * 2


def tracer(frame, event, arg):
    me = sys._getframe()
    if event == "call" and frame.f_code.co_name == "work":
        seen.append(("code is own", me.f_code is tracer.__code__))
        seen.append(("name", me.f_code.co_name))
        seen.append(("line", me.f_lineno - tracer.__code__.co_firstlineno))
        seen.append(("back is traced", me.f_back is frame))
        total = 0
        for i in range(3):
            total += helper(i)
        seen.append(("loop", total))
        try:
            {}["missing"]
        except KeyError as e:
            tb = e.__traceback__
            seen.append(("tb code is own", tb.tb_frame.f_code is tracer.__code__))
            seen.append(("tb line", tb.tb_lineno - tracer.__code__.co_firstlineno))
    return tracer


def work(n):
    s = 0
    for i in range(n):
        s += i
    return s


def bad(frame, event, arg):
    if event == "line":
        raise RuntimeError("from the trace function")
    return bad


sys.settrace(tracer)
r = work(4)
sys.settrace(None)
print("work", r)
for item in seen:
    print(*item)

sys.settrace(bad)
try:
    work(2)
except RuntimeError as e:
    tb = e.__traceback__
    lines = []
    while tb is not None:
        lines.append(tb.tb_lineno)
        tb = tb.tb_next
    print("raised", e, lines[1:])
print("trace after raise", sys.gettrace())
