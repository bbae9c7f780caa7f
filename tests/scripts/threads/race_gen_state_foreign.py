# A generator's gi_running and gi_suspended are read by one thread while
# another thread runs it (TSan: the frame state was a plain byte).
import threading

def counter(n):
    for i in range(n):
        yield i

g = counter(20000)
done = threading.Event()
seen = {}

def watcher():
    while not done.is_set():
        seen[(type(g.gi_running).__name__, type(g.gi_suspended).__name__)] = 1

def runner():
    total = 0
    for v in g:
        total += v
    done.set()
    print("total", total)

w = threading.Thread(target=watcher)
r = threading.Thread(target=runner)
w.start()
r.start()
r.join()
w.join()
print(sorted(seen.keys()))
print(g.gi_running, g.gi_suspended)
