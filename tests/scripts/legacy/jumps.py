# Writing f_lineno from a trace function: forward and backward jumps in one
# block, and the jumps CPython refuses (with its messages).
import sys

RESULTS = []


def attempt(frame, rel):
    global RESULTS
    try:
        frame.f_lineno = frame.f_code.co_firstlineno + rel
        RESULTS += ['ok ' + str(rel)]
    except ValueError as e:
        RESULTS += ['ValueError ' + str(rel) + ': ' + str(e)]


PLAN = {}


def jumper(frame, event, arg):
    global PLAN
    code = frame.f_code
    if code.co_name not in PLAN:
        return None
    if event == 'line':
        rel = frame.f_lineno - code.co_firstlineno
        todo = PLAN[code.co_name]
        if rel in todo and todo[rel]:
            targets = todo[rel]
            todo[rel] = []
            for t in targets:
                attempt(frame, t)
    return jumper


def run(func, plan):
    global PLAN, RESULTS
    PLAN = {func.__name__: plan}
    RESULTS = []
    sys.settrace(jumper)
    r = func()
    sys.settrace(None)
    print(func.__name__, r, RESULTS)


def forward():
    out = []
    out += [1]
    out += [2]
    out += [3]
    return out


def backward():
    out = []
    out += [1]
    out += [2]
    return out


def into_loop():
    out = []
    for i in range(2):
        out += [i]
    out += ['end']
    return out


def into_except():
    out = []
    try:
        out += [1]
    except ValueError:
        out += [2]
    out += [3]
    return out


def out_of_loop():
    out = []
    for i in range(3):
        out += [i]
        out += ['x']
    out += ['end']
    return out


run(forward, {2: [4]})
run(backward, {3: [2]})
run(into_loop, {1: [3], 4: [3]})
run(into_except, {1: [5]})
run(out_of_loop, {4: [5]})
run(forward, {1: [-5, 99]})


def not_tracing():
    try:
        sys._getframe().f_lineno = 1
    except ValueError as e:
        return str(e)


print('outside:', not_tracing())
print('done')
