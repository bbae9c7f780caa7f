# Every thread whose start() returned must run its target; a thread that
# cannot be started raises RuntimeError from start() (CPython). Run under
# a 1 GB address-space limit by the ctest script.race_thread_start_ulimit.
import threading
import time

ran = []
lock = threading.Lock()
go = threading.Event()

def body(i):
    with lock:
        ran.append(i)
    go.wait(10)

started = 0
refused = 0
threads = []
for i in range(50):
    t = threading.Thread(target=body, args=(i,))
    try:
        t.start()
    except RuntimeError as e:
        refused += 1
        msg = str(e)
        continue
    started += 1
    threads.append(t)
deadline = time.time() + 10
while True:
    with lock:
        n = len(ran)
    if n >= started or time.time() > deadline:
        break
    time.sleep(0.01)
go.set()
for t in threads:
    t.join()
print("every started thread ran:", len(ran) == started)
print("started + refused:", started + refused)
