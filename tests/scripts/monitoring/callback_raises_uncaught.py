# A PY_START callback that raises: the exception surfaces in the monitored
# call and, uncaught, ends the script with a traceback (exit status 1).
import sys
mon = sys.monitoring

def on_start(code, offset):
    if code.co_name == 'victim':
        raise KeyError('from callback')

def victim():
    print('victim body ran')

mon.use_tool_id(0, 'dbg')
mon.register_callback(0, mon.events.PY_START, on_start)
mon.set_events(0, mon.events.PY_START)
print('before')
victim()
print('not reached')
