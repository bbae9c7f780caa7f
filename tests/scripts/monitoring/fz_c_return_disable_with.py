# A C_RETURN callback answering DISABLE raises ValueError at the call that
# returned: after a lock's __enter__ the with body never starts, so the
# lock stays held (CPython 3.14 the same; the fuzzer's seed 104 hang came
# from this inside threading's own _newname).
import sys, threading
M = sys.monitoring
E = M.events
lk = threading.Lock()
def cb(code, *a):
    return M.DISABLE
M.use_tool_id(2, 'x')
M.register_callback(2, E.C_RETURN, cb)
M.set_events(2, E.C_RETURN | E.C_RAISE | E.CALL)
try:
    with lk:
        pass
except ValueError as e:
    print(e)
M.set_events(2, 0)
print('locked after the with:', lk.locked())
