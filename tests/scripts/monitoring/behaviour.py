# sys.monitoring behaviours beyond the conformance suite: re-entrancy,
# DISABLE of a non-local event, local events of one code object,
# generators (PY_YIELD / PY_RESUME), JUMP, clear_tool_id.
import sys
mon = sys.monitoring
E = mon.events
LOG = []

def rel(code, offset):
    for start, end, line in code.co_lines():
        if start <= offset and offset < end and line is not None:
            return str(line - code.co_firstlineno)
    return 'None'

def note(s):
    global LOG
    LOG += [s]

def helper():
    return 'h'

def on_start(code, offset):
    if code.co_name != '<module>':
        note('PY_START ' + code.co_name + ' ' + helper())

def square(x):
    return x * x

def twice(x):
    return square(x) + square(x)

mon.use_tool_id(1, 'one')
mon.register_callback(1, E.PY_START, on_start)
mon.set_events(1, E.PY_START)
r = twice(3)
mon.set_events(1, 0)
note('result ' + str(r))

# DISABLE from C_RETURN: ValueError in the monitored code, callback removed.
def on_c_return(code, offset, func, arg0):
    note('C_RETURN ' + func.__name__)
    return mon.DISABLE

def calls_len():
    return len('abc')

mon.register_callback(1, E.C_RETURN, on_c_return)
mon.set_events(1, E.CALL)
try:
    calls_len()
except ValueError as e:
    note('ValueError ' + str(e))
note('second ' + str(calls_len()))
note('removed ' + str(mon.register_callback(1, E.C_RETURN, None) is None))
mon.set_events(1, 0)

# Local events: only the chosen code object reports.
def on_line(code, line):
    note('LINE ' + code.co_name + ' ' + str(line - code.co_firstlineno))

def chosen():
    a = 1
    return other(a)

def other(a):
    b = a + 1
    return b

mon.register_callback(1, E.LINE, on_line)
CODE = chosen.__code__
mon.set_local_events(1, CODE, E.LINE)
note('local ' + str(mon.get_local_events(1, CODE)) + ' global ' + str(mon.get_events(1)))
r = chosen()
mon.set_local_events(1, CODE, 0)
note('result ' + str(r))
r = chosen()

# Generators: PY_YIELD and PY_RESUME with their values.
def on_yield(code, offset, value):
    note('PY_YIELD ' + code.co_name + ' ' + rel(code, offset) + ' ' + repr(value))

def on_resume(code, offset):
    note('PY_RESUME ' + code.co_name + ' ' + rel(code, offset))

def gen():
    yield 1
    yield 2

mon.register_callback(1, E.PY_YIELD, on_yield)
mon.register_callback(1, E.PY_RESUME, on_resume)
mon.set_events(1, E.PY_YIELD + E.PY_RESUME)
g = gen()
note('next ' + str(next(g)))
note('next ' + str(next(g)))
mon.set_events(1, 0)

# JUMP: the backward jump of a while loop, from the body to the test.
def on_jump(code, src, dst):
    if code.co_name == 'loop':
        note('JUMP ' + rel(code, src) + ' ' + rel(code, dst))

def loop(n):
    i = 0
    while i < n:
        i += 1
    return i

mon.register_callback(1, E.JUMP, on_jump)
mon.set_events(1, E.JUMP)
loop(3)

# clear_tool_id: callbacks and events go, the id stays in use.
mon.clear_tool_id(1)
loop(2)
note('after clear ' + str(mon.get_events(1)) + ' ' + str(mon.get_tool(1)))
mon.free_tool_id(1)
for s in LOG:
    print(s)
print('done')
