# Process exit with daemon threads still running: busy ones that allocate
# (and so request collections), one blocked, one in a tight loop. The
# process must exit cleanly (status 0, no crash) without waiting for them.
import threading
import time

forever = threading.Event()
ready = [0]
lk = threading.Lock()


def alloc_forever(k):
    with lk:
        ready[0] += 1
    junk = []
    i = 0
    while True:
        junk.append(str(i) * k)
        if len(junk) > 500:
            junk = []
        d = {'a': i, 'b': [i, i]}
        i += 1


def spin_forever():
    with lk:
        ready[0] += 1
    x = 0
    while True:
        x = (x + 1) % 1000


def blocked():
    with lk:
        ready[0] += 1
    forever.wait()


for k in (1, 2, 3):
    threading.Thread(target=alloc_forever, args=(k,), daemon=True).start()
threading.Thread(target=spin_forever, daemon=True).start()
threading.Thread(target=blocked, daemon=True).start()
while True:
    with lk:
        if ready[0] == 5:
            break
    time.sleep(0.001)
time.sleep(0.05)
print("main done")
