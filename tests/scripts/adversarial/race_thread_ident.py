# Inside a new thread, threading.current_thread().ident is
# threading.get_ident() from the first instruction on: the ident is
# published before the thread runs.
import threading

mismatch = []
lock = threading.Lock()

def body():
    me = threading.current_thread()
    a = me.ident
    b = threading.get_ident()
    if a != b:
        with lock:
            mismatch.append((a, b))

for round in range(10):
    ts = [threading.Thread(target=body) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for t in ts:
        if t.ident is None:
            mismatch.append("none")
print("mismatches", mismatch)
