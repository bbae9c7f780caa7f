# A small bdb-style debugger written in Weft Python: it steps through one
# function with a global trace function that hands each frame a local one
# through f_trace, records the lines it stops at, reads locals at a
# breakpoint, steps over calls it is not interested in, and stops tracing
# from inside a callback.
import sys


class Stepper:
    def __init__(self, target, breakline):
        self.target = target
        self.breakline = breakline
        self.stops = []
        self.seen_at_break = []
        self.returned = []
        self.calls = 0

    def rel(self, frame):
        return frame.f_lineno - frame.f_code.co_firstlineno

    def dispatch_call(self, frame, event, arg):
        # The global function: only 'call' events reach it.
        if frame.f_code.co_name != self.target:
            return None
        self.calls += 1
        caller = frame.f_back
        self.stops += ['call from ' + caller.f_code.co_name]
        frame.f_trace_lines = True
        frame.f_trace = self.dispatch_local
        return self.dispatch_local

    def dispatch_local(self, frame, event, arg):
        if event == 'line':
            line = self.rel(frame)
            self.stops += ['line ' + str(line)]
            if line == self.breakline:
                names = sorted(frame.f_locals)
                self.seen_at_break += [' '.join(names)]
        elif event == 'return':
            self.returned += [arg]
            self.stops += ['return ' + repr(arg)]
        elif event == 'exception':
            self.stops += ['exception ' + arg[0].__name__]
        return self.dispatch_local

    def run(self, func, *args):
        sys.settrace(self.dispatch_call)
        try:
            r = func(*args)
        finally:
            sys.settrace(None)
        return r


def helper(v):
    w = v * 2
    return w


def compute(n):
    total = 0
    for i in range(n):
        if i % 2 == 0:
            total += helper(i)
        else:
            total -= 1
    return total


def fails(x):
    y = x + 1
    if y > 2:
        raise ValueError('too big')
    return y


s = Stepper('compute', 4)
r = s.run(compute, 3)
print('result', r)
for line in s.stops:
    print(line)
print('at break:', s.seen_at_break)
print('returned', s.returned, 'calls', s.calls)

s2 = Stepper('fails', 3)
try:
    s2.run(fails, 5)
except ValueError as e:
    print('caught', e)
for line in s2.stops:
    print(line)
print('gettrace after run', sys.gettrace())


# The pdb idiom: trace the running frame from its next line on.
LOG = []


def local(frame, event, arg):
    global LOG
    LOG += [event + ' ' + str(frame.f_lineno - frame.f_code.co_firstlineno)]
    return local


def glob(frame, event, arg):
    return None


def here():
    a = 1
    sys.settrace(glob)
    sys._getframe().f_trace = local
    b = a + 1
    c = b + 1
    sys.settrace(None)
    return c


print('here', here())
for line in LOG:
    print(line)


# Stop tracing from inside a callback: the debugger 'continues'.
STEPS = []


def stop_after_two(frame, event, arg):
    global STEPS
    if frame.f_code.co_name != 'three_lines':
        return None
    STEPS += [event]
    if len(STEPS) == 3:
        sys.settrace(None)
    return stop_after_two


def three_lines():
    x = 1
    x = 2
    x = 3
    return x


sys.settrace(stop_after_two)
print('three', three_lines())
sys.settrace(None)
print('steps', STEPS)
print('done')
