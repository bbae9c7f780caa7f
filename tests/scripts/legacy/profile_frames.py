# setprofile with a plain Python function: run as a callback frame for
# call and return (results ignored), falling back to the C path for
# builtins' c_* events. Checked against CPython: counts, frames kept by
# the profile function, raising on call and on return, switching off from
# inside, generators, and profiling together with tracing.
import sys

counts = {}


def counting(frame, event, arg):
    counts[event] = counts.get(event, 0) + 1
    return "ignored"


def blind(frame, event, arg):
    pass


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


sys.setprofile(blind)
r = fib(15)
sys.setprofile(None)
print("blind", r)

sys.setprofile(counting)
r = fib(10)
len("abc")
sys.setprofile(None)
print("counting", r, sorted(counts.items()))

kept = []


def keeping(frame, event, arg):
    if event == "return" and frame.f_code.co_name == "leaf":
        kept.append((frame, arg))


def leaf(a):
    b = a * 3
    return b + 1


sys.setprofile(keeping)
for i in range(3):
    leaf(i)
sys.setprofile(None)
for fr, val in kept:
    print("kept", fr.f_code.co_name, fr.f_lineno, fr.f_locals["a"],
          fr.f_locals["b"], val)


def raise_on(when):
    def prof(frame, event, arg):
        if event == when and frame.f_code.co_name == "leaf":
            raise ValueError("profile " + when)
    return prof


for when in ("call", "return"):
    sys.setprofile(raise_on(when))
    try:
        leaf(1)
    except ValueError as e:
        print("raised", e, sys.getprofile())
    sys.setprofile(None)

seen = []


def once(frame, event, arg):
    seen.append(event + " " + frame.f_code.co_name)
    if len(seen) == 2:
        sys.setprofile(None)


sys.setprofile(once)
leaf(2)
leaf(3)
print("once", seen, sys.getprofile())


def gen(n):
    for i in range(n):
        yield i


events = []


def gen_prof(frame, event, arg):
    if frame.f_code.co_name == "gen":
        events.append(event + " " + repr(arg))


sys.setprofile(gen_prof)
total = sum(gen(3))
sys.setprofile(None)
print("gen", total, events)

both = []


def tr(frame, event, arg):
    if frame.f_code.co_name == "leaf":
        both.append("t " + event)
    return tr


def pr(frame, event, arg):
    if frame.f_code.co_name == "leaf":
        both.append("p " + event)


sys.settrace(tr)
sys.setprofile(pr)
leaf(4)
sys.setprofile(None)
sys.settrace(None)
print("both", both)


def deep(n):
    return deep(n + 1)


sys.setprofile(blind)
try:
    deep(0)
except RecursionError:
    print("recursion error")
sys.setprofile(None)
print("after", fib(12))
