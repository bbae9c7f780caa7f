# threading.Thread basics: target/args/kwargs, names, join, is_alive,
# ident, daemon, current_thread, main_thread, active_count.
import threading

results = {}


def work(key, a, b=0):
    results[key] = (a + b, threading.current_thread().name)


t1 = threading.Thread(target=work, args=("x", 1), kwargs={"b": 2})
t2 = threading.Thread(target=work, args=("y", 10), name="worker")
t3 = threading.Thread(target=work, args=("z", 5), daemon=True)
print(t1.name, "|", t2.name, "|", t3.name)
print(t1.is_alive(), t1.ident is None, t1.daemon, t3.daemon)
for t in (t1, t2, t3):
    t.start()
for t in (t1, t2, t3):
    t.join()
print(t1.is_alive(), type(t1.ident) is int)
print(results["x"], results["y"], results["z"])
print(threading.current_thread().name, threading.main_thread().name)
print(threading.current_thread() is threading.main_thread())
print(threading.active_count())
print(type(threading.get_ident()) is int)
print(threading.get_ident() == threading.main_thread().ident)


class Counter(threading.Thread):
    def __init__(self, n):
        threading.Thread.__init__(self)
        self.n = n
        self.total = 0

    def run(self):
        for i in range(self.n):
            self.total += i


c = Counter(100)
c.start()
c.join()
print(c.total, c.name.startswith("Thread-"))
t = threading.Thread(target=len, args=([1, 2],))
t.start()
t.join(timeout=5)
print(t.is_alive())
print(t.name)
