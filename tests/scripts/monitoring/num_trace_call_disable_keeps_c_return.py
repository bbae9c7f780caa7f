import sys
mon = sys.monitoring
E = mon.events
T = 2
mon.use_tool_id(T, "t")
log = []
def on_call(code, off, callable, arg0):
    log.append(("CALL", getattr(callable, "__name__", "?")))
    return mon.DISABLE
def on_cret(code, off, callable, arg0):
    log.append(("C_RETURN", getattr(callable, "__name__", "?")))
def on_craise(code, off, callable, arg0):
    log.append(("C_RAISE", getattr(callable, "__name__", "?")))
mon.register_callback(T, E.CALL, on_call)
mon.register_callback(T, E.C_RETURN, on_cret)
mon.register_callback(T, E.C_RAISE, on_craise)
def f(x):
    n = len(x)
    try:
        int("zz")
    except ValueError:
        pass
    return n
mon.set_local_events(T, f.__code__, E.CALL | E.C_RETURN | E.C_RAISE)
for i in range(3):
    f([1, 2])
    log.append(("--",))
mon.set_local_events(T, f.__code__, 0)
mon.free_tool_id(T)
for e in log:
    print(*e)
