# One thread writes f_trace, f_trace_lines and f_trace_opcodes of frames
# that another thread is running under settrace, while the owner's line
# callback reads them. The traced work must still compute the same result
# and every trace function seen must be one of those installed.
import sys
import threading

lines = [0]
other = [0]
frames = []
done = threading.Event()

def local_tracer(frame, event, arg):
    if event == "line":
        lines[0] += 1
    return local_tracer

def other_tracer(frame, event, arg):
    other[0] += 1
    return other_tracer

def global_tracer(frame, event, arg):
    if event == "call":
        frames.append(frame)
    return local_tracer

def work(k):
    s = 0
    for i in range(20):
        s += i * k
    return s

def traced():
    sys.settrace(global_tracer)
    total = 0
    for k in range(400):
        total += work(k)
        if len(frames) > 32:
            del frames[:16]
    sys.settrace(None)
    done.set()
    return total

result = []

def runner():
    result.append(traced())

def meddler():
    flip = False
    seen_bad = []
    while not done.is_set():
        for f in list(frames[-4:]):
            t = f.f_trace
            if t not in (None, local_tracer, other_tracer):
                seen_bad.append(t)
            f.f_trace = other_tracer if flip else local_tracer
            f.f_trace_lines = flip
            f.f_trace_opcodes = False
            f.f_trace_lines = True
            flip = not flip
    result.append(seen_bad)

ts = [threading.Thread(target=runner), threading.Thread(target=meddler)]
for t in ts:
    t.start()
for t in ts:
    t.join()
expected = sum(sum(i * k for i in range(20)) for k in range(400))
print(result[0] == expected, result[1])
print(lines[0] > 0)
