# A trace function that never reads its `frame` argument: the traced
# frames' objects stay private and die with their frames, unless something
# else gets hold of them. Each way of getting hold of one must still see
# the completed frame's line, lasti-derived line and locals.
import sys

calls = [0]


def blind(frame, event, arg):
    calls[0] += 1
    return blind


def shown(v):
    return "<frame>" if type(v) is type(sys._getframe()) else v


def describe(tag, fr):
    names = sorted(fr.f_locals)
    print(tag, fr.f_code.co_name, fr.f_lineno,
          [(k, shown(fr.f_locals[k])) for k in names])


def grabs_itself(x):
    y = x * 2
    me = sys._getframe()
    z = y + 1
    return me


def inner_grabs():
    return sys._getframe()


def outer(a):
    b = a + 10
    fr = inner_grabs()
    c = b + 1
    return fr


def raises(v):
    w = v + 1
    raise ValueError(w)


def gen(n):
    for i in range(n):
        yield i


class Local:
    def __init__(self):
        self.seen = []

    def trace(self, frame, event, arg):
        if event == "return":
            self.seen.append(frame)
        return self.trace


def switch_to_local(frame, event, arg):
    # Reads nothing either; hands the frames to a bound-method tracer,
    # which keeps them.
    return keeper.trace


keeper = Local()


def kept_by_local(q):
    r = q + 3
    return r


sys.settrace(blind)

fr = grabs_itself(4)
describe("getframe", fr)

fr = outer(1)
describe("callee", fr)
describe("f_back", fr.f_back)

try:
    raises(7)
except ValueError as e:
    tb = e.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    describe("traceback", tb.tb_frame)

g = gen(2)
gf = g.gi_frame
print("gen", list(g), gf is None or gf.f_code.co_name)

sys.settrace(None)
sys.settrace(switch_to_local)
kept_by_local(5)
sys.settrace(None)
for f in keeper.seen:
    describe("local", f)

# Many private frame objects die while a few are kept; collections run
# in between (the garbage lists), and the kept ones still answer.
sys.settrace(blind)
kept = []
junk = []
for i in range(30000):
    kept_by_local(i)
    junk.append([i])
    if i % 7000 == 0:
        kept.append(grabs_itself(i))
sys.settrace(None)
for f in kept:
    describe("kept", f)
print("calls", calls[0] > 60000)
