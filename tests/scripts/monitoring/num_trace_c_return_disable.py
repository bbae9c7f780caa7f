# DISABLE from a C_RETURN or C_RAISE callback: not a local event of its
# own (it shares CALL's), so CPython refuses it: ValueError, callback gone.
import sys
mon = sys.monitoring
E = mon.events
T = 3
mon.use_tool_id(T, "t")
log = []
def on_cret(code, off, callable, arg0):
    log.append("C_RETURN " + callable.__name__)
    return mon.DISABLE
def on_craise(code, off, callable, arg0):
    log.append("C_RAISE " + callable.__name__)
    return mon.DISABLE
mon.register_callback(T, E.C_RETURN, on_cret)
mon.register_callback(T, E.C_RAISE, on_craise)
def f():
    for i in range(2):
        try:
            len([1])
        except ValueError as e:
            log.append("ValueError " + str(e))
        try:
            int("x")
        except ValueError as e:
            log.append("ValueError " + str(e)[:40])
mon.set_local_events(T, f.__code__, E.CALL | E.C_RETURN | E.C_RAISE)
for attempt in range(3):
    try:
        f()
        log.append("f done")
    except ValueError as e:
        log.append("raised " + str(e))
mon.set_local_events(T, f.__code__, 0)
mon.free_tool_id(T)
print("\n".join(log))
