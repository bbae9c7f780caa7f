# Generators under a Python trace and profile function, run as callback
# frames for call (resume), line and return (yield and the final return):
# the events, their lines and values, send() and early return.
import sys
log = []
def tr(frame, event, arg):
    if frame.f_code.co_name == "gen":
        log.append((frame.f_code.co_name, event, frame.f_lineno - frame.f_code.co_firstlineno, arg if event == "return" else None))
    return tr
def gen(n):
    for i in range(n):
        x = yield i
        if x:
            return x
sys.settrace(tr)
print(list(gen(3)))
g = gen(5)
next(g); next(g)
try:
    g.send(7)
except StopIteration as e:
    print("stop", e.value)
sys.settrace(None)
for l in log:
    print(l)
def prof(frame, event, arg):
    if frame.f_code.co_name == "gen":
        log2.append((event, arg))
log2 = []
sys.setprofile(prof)
print(list(gen(2)))
sys.setprofile(None)
print(log2)
