# One thread traces with f_trace_opcodes set, raising in a loop; another
# clears every thread's trace function and sets it again. Taking the
# monitoring mutex to turn opcode events on is a safe point: the slot could
# be cleared there, and the event was then delivered to a NULL function
# (segfault; weft stress --scenario fuzz, seed 1883932409145937). The
# expected output is the GIL build's: python3.14t 3.14.7 itself segfaulted
# on this program in 3 of 4 runs here.
import sys, threading

def tracer(frame, event, arg):
    frame.f_trace_opcodes = True
    return tracer

stop = threading.Event()

def work():
    n = 0
    sys.settrace(tracer)
    while not stop.is_set():
        try:
            raise ValueError(n)
        except ValueError:
            n += 1
    sys.settrace(None)

def toggler():
    for i in range(3000):
        threading.settrace_all_threads(None)
        threading.settrace_all_threads(tracer)
    threading.settrace_all_threads(None)
    stop.set()

ts = [threading.Thread(target=work) for _ in range(2)]
for t in ts:
    t.start()
tg = threading.Thread(target=toggler)
tg.start()
tg.join()
for t in ts:
    t.join()
print("done", sys.gettrace())
