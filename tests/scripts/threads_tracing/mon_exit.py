# Threads start and exit while the main thread turns monitoring on and off
# (each change is a pause): an exiting thread must never block or break a
# monitoring pause, and events are delivered to live threads only.
import sys
import threading

mon = sys.monitoring
E = mon.events
TOOL = 3
mon.use_tool_id(TOOL, 'churn')
counts = [0]
cl = threading.Lock()


def on_line(code, line):
    with cl:
        counts[0] += 1


mon.register_callback(TOOL, E.LINE, on_line)
total = [0]
lk = threading.Lock()


def child(m):
    s = 0
    for i in range(m):
        s += i
    with lk:
        total[0] += s


expected = 0
for wave in range(40):
    ts = []
    for j in range(4):
        m = 20 + (wave * 7 + j) % 50
        expected += m * (m - 1) // 2
        ts.append(threading.Thread(target=child, args=(m,), daemon=(j % 2 == 0)))
    for t in ts:
        t.start()
    mon.set_events(TOOL, E.LINE if wave % 2 == 0 else 0)
    mon.set_events(TOOL, E.LINE + E.CALL if wave % 3 == 0 else 0)
    for t in ts:
        t.join()
mon.set_events(TOOL, 0)
mon.register_callback(TOOL, E.LINE, None)
mon.free_tool_id(TOOL)
print('total ok', total[0] == expected)
print('some lines seen', counts[0] > 0)
