import sys
out = []
class CM:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        out.append("enter " + self.name)
        return self
    def __exit__(self, *a):
        out.append("exit " + self.name)
        return False

def f():
    with CM("a"):
        out.append(1)
        out.append(2)
    out.append(3)

def g():
    with CM("a") as x, CM("b") as y:
        out.append(1)
        out.append(2)
    out.append(3)

def h():
    for i in range(2):
        with CM(str(i)):
            out.append(i)
            out.append("x")
    out.append("done")

jumps = {}
def make_tracer(code, frm, to, times):
    state = {"n": 0}
    def tracer(frame, event, arg):
        if frame.f_code is not code:
            return tracer
        if event == "line":
            rel = frame.f_lineno - code.co_firstlineno
            if rel == frm and state["n"] < times:
                state["n"] += 1
                try:
                    frame.f_lineno = code.co_firstlineno + to
                except ValueError as e:
                    out.append("ValueError: " + str(e))
        return tracer
    return tracer

for fn, frm, to in ((f, 3, 1), (f, 2, 1), (g, 3, 1), (h, 4, 2), (f, 4, 1)):
    out.clear()
    sys.settrace(make_tracer(fn.__code__, frm, to, 1))
    try:
        fn()
    except Exception as e:
        out.append(type(e).__name__ + ": " + str(e))
    sys.settrace(None)
    print(fn.__name__, frm, to, out)
