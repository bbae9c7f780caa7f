import sys
mon = sys.monitoring
E = mon.events
log = []
def mk(T, disable):
    def on_call(code, off, callable, arg0):
        log.append((T, "CALL", getattr(callable, "__name__", "?")))
        return mon.DISABLE if disable else None
    def on_cret(code, off, callable, arg0):
        log.append((T, "C_RETURN", getattr(callable, "__name__", "?")))
    def on_craise(code, off, callable, arg0):
        log.append((T, "C_RAISE", getattr(callable, "__name__", "?")))
    mon.use_tool_id(T, "t%d" % T)
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
mk(2, True)
mk(3, False)
for mode in ("local-both", "global-both", "global-one"):
    if mode == "local-both":
        mon.set_local_events(2, f.__code__, E.CALL | E.C_RETURN | E.C_RAISE)
        mon.set_local_events(3, f.__code__, E.CALL | E.C_RETURN | E.C_RAISE)
    elif mode == "global-both":
        mon.set_events(2, E.CALL | E.C_RETURN | E.C_RAISE)
        mon.set_events(3, E.CALL | E.C_RETURN | E.C_RAISE)
    else:
        mon.set_events(2, E.CALL | E.C_RETURN | E.C_RAISE)
    for i in range(2):
        f([1, 2])
        log.append(("--",))
    mon.set_local_events(2, f.__code__, 0)
    mon.set_local_events(3, f.__code__, 0)
    mon.set_events(2, 0)
    mon.set_events(3, 0)
    mon.restart_events()
    log.append(("==", mode))
for e in log:
    print(*e)
