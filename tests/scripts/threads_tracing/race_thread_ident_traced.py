# The ident a new thread sees for itself must be published before the
# thread runs, not by start() after the OS thread already runs: here a
# profile function holds the starting thread inside Thread.start(), just
# after the C call that started the OS thread returned (up to 2 s), while
# the new thread reads current_thread().ident.
import sys
import threading

ev = threading.Event()
seen = []

def body():
    seen.append((threading.current_thread().ident, threading.get_ident()))
    ev.set()

def profiler(frame, event, arg):
    if (event == "c_return" and getattr(arg, "__name__", "") in
            ("_start", "_start_joinable_thread")):
        ev.wait(2)

t = threading.Thread(target=body)
sys.setprofile(profiler)
t.start()
sys.setprofile(None)
t.join()
a, b = seen[0]
print("ident published first:", a == b, a is not None)
print("same as handle:", t.ident == b)
