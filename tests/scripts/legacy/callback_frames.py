# Trace functions of every shape the eval loop runs as callback frames
# (and some it leaves to the call from C), with events, jumps, raises,
# frames and exceptions in flight around them.
import sys

log = []


def short(frame):
    return frame.f_code.co_name


def work(n):
    total = 0
    for i in range(n):
        total += i
    return total


def gen(n):
    for i in range(n):
        yield i * 2


def make_tracer(tag):
    # A closure: its frame has a free variable.
    def tracer(frame, event, arg):
        if short(frame) in ("work", "gen", "raiser", "inner"):
            log.append((tag, short(frame), event, frame.f_lineno,
                        arg if event == "return" else None))
        return tracer
    return tracer


sys.settrace(make_tracer("closure"))
work(2)
print(list(gen(2)))
sys.settrace(None)
for entry in log:
    print(entry)
log.clear()


# A tracer that raises on a chosen event: tracing stops, the exception
# comes out of the traced code at that point.
def raising_on(kind):
    def tracer(frame, event, arg):
        if short(frame) == "work" and event == kind:
            raise RuntimeError("tracer failed on " + event)
        return tracer
    return tracer


for kind in ("call", "line", "return"):
    sys.settrace(raising_on(kind))
    try:
        work(3)
    except RuntimeError as e:
        print("caught:", e, "| trace now", sys.gettrace())
    sys.settrace(None)


# The exception being handled is intact around the callbacks.
def inner():
    return 5


def counting(frame, event, arg):
    return counting


sys.settrace(counting)
try:
    raise KeyError("kept")
except KeyError as e:
    v = inner()
    print("handled:", repr(e), sys.exc_info()[0].__name__, v)
sys.settrace(None)


# The tracer sees the traced frame as its caller.
def peeking(frame, event, arg):
    if event == "call" and short(frame) == "inner":
        print("caller of tracer is", sys._getframe(1).f_code.co_name,
              sys._getframe(1) is frame)
    return peeking


sys.settrace(peeking)
inner()
sys.settrace(None)


# settrace from inside the tracer: replacing and removing it.
def second(frame, event, arg):
    if short(frame) == "work":
        log.append(("second", event, frame.f_lineno))
    return second


def first(frame, event, arg):
    if short(frame) == "work" and event == "line":
        sys.settrace(second)
        frame.f_trace = second
    return first


sys.settrace(first)
work(2)
sys.settrace(None)
for entry in log:
    print(entry)
log.clear()


def stopper(frame, event, arg):
    if short(frame) == "work" and event == "line":
        sys.settrace(None)
        frame.f_trace = None
        log.append(("stopped at", frame.f_lineno))
        return None
    return stopper


sys.settrace(stopper)
print("work", work(4))
sys.settrace(None)
print(log)
log.clear()


# Shapes left to the call from C: a bound method, defaults, *args.
class Tracer:
    def __init__(self):
        self.events = 0

    def __call__(self, frame, event, arg):
        self.events += 1
        return self

    def method(self, frame, event, arg):
        self.events += 1
        return self.method


def with_default(frame, event, arg, extra=1):
    log.append(event)
    return with_default


def star(*args):
    log.append(args[1])
    return star


t = Tracer()
sys.settrace(t.method)
work(2)
sys.settrace(t)
work(2)
sys.settrace(with_default)
work(1)
sys.settrace(star)
work(1)
sys.settrace(None)
print("object tracer events", t.events)
print(log)
log.clear()


# A jump from a line event, then the traced frame runs on from there.
def jumpy():
    x = 0
    x = 1
    x = 2
    return x


def jumper(frame, event, arg):
    if short(frame) == "jumpy" and event == "line":
        if frame.f_lineno == frame.f_code.co_firstlineno + 2:
            frame.f_lineno = frame.f_code.co_firstlineno + 4
    return jumper


sys.settrace(jumper)
print("jumpy returned", jumpy())
sys.settrace(None)


# Deep recursion under a tracer still reports RecursionError cleanly.
def deep(n):
    return deep(n + 1)


sys.settrace(counting)
try:
    deep(0)
except RecursionError:
    print("RecursionError under tracing")
sys.settrace(None)
print("trace after", sys.gettrace())
