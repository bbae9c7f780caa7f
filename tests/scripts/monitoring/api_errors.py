# sys.monitoring argument checking: every error path of the API, with
# CPython 3.14's exception types and messages.
import sys
mon = sys.monitoring
E = mon.events

def attempt(label, fn, *args):
    try:
        r = fn(*args)
        print(label, 'ok', repr(r))
    except Exception as e:
        print(label, e.__class__.__name__, str(e))

def f():
    return 1

attempt('use_tool_id -1', mon.use_tool_id, -1, 'x')
attempt('use_tool_id 6', mon.use_tool_id, 6, 'x')
attempt('use_tool_id str id', mon.use_tool_id, 'a', 'x')
attempt('use_tool_id name', mon.use_tool_id, 2, 5)
attempt('use_tool_id', mon.use_tool_id, 2, 'tool two')
attempt('use_tool_id again', mon.use_tool_id, 2, 'again')
attempt('get_tool 2', mon.get_tool, 2)
attempt('get_tool 3', mon.get_tool, 3)
attempt('get_tool 9', mon.get_tool, 9)
attempt('set_events not in use', mon.set_events, 3, E.LINE)
attempt('set_events bad tool', mon.set_events, 7, E.LINE)
attempt('set_events negative', mon.set_events, 2, -1)
attempt('set_events too big', mon.set_events, 2, 1 << 20)
attempt('set_events C_RETURN alone', mon.set_events, 2, E.C_RETURN)
attempt('set_events C_RAISE+CALL', mon.set_events, 2, E.C_RAISE + E.CALL)
attempt('set_events CALL+C_*', mon.set_events, 2, E.CALL + E.C_RETURN + E.C_RAISE)
attempt('get_events', mon.get_events, 2)
attempt('set_events BRANCH', mon.set_events, 2, E.BRANCH)
attempt('get_events branch', mon.get_events, 2)
attempt('set_events 0', mon.set_events, 2, 0)
attempt('register two events', mon.register_callback, 2, E.LINE + E.CALL, f)
attempt('register no event', mon.register_callback, 2, 0, f)
attempt('register bad tool', mon.register_callback, 6, E.LINE, f)
attempt('register', mon.register_callback, 2, E.LINE, f)
print('register again returns the old callback', mon.register_callback(2, E.LINE, None) is f)
attempt('register none', mon.register_callback, 2, E.LINE, None)
CODE = sys._getframe().f_code
attempt('get_local_events not code', mon.get_local_events, 2, 'x')
attempt('set_local_events not code', mon.set_local_events, 2, 'x', E.LINE)
attempt('set_local_events global event', mon.set_local_events, 2, CODE, E.RAISE)
attempt('set_local_events C_RETURN', mon.set_local_events, 2, CODE, E.C_RETURN)
attempt('set_local_events not in use', mon.set_local_events, 4, CODE, E.LINE)
attempt('set_local_events bad tool', mon.set_local_events, 8, CODE, E.LINE)
attempt('get_local_events', mon.get_local_events, 2, CODE)
attempt('use_tool_id args', mon.use_tool_id, 1)
attempt('clear_tool_id', mon.clear_tool_id, 2)
attempt('clear_tool_id unused', mon.clear_tool_id, 4)
attempt('get_tool after clear', mon.get_tool, 2)
attempt('free_tool_id', mon.free_tool_id, 2)
attempt('free_tool_id unused', mon.free_tool_id, 2)
attempt('free_tool_id bad', mon.free_tool_id, 6)
attempt('get_tool after free', mon.get_tool, 2)
print('ids', mon.DEBUGGER_ID, mon.COVERAGE_ID, mon.PROFILER_ID, mon.OPTIMIZER_ID)
print('events', E.NO_EVENTS, E.PY_START, E.BRANCH, E.C_RAISE, E.RERAISE)
print('done')
