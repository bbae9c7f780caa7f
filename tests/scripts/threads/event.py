# Event: set/clear/is_set/wait, with and without timeouts, across threads.
import threading

e = threading.Event()
print(e.is_set(), e.wait(0.01))
order = []
start = threading.Event()


def waiter(i):
    start.wait()
    order.append(i)


ts = [threading.Thread(target=waiter, args=(i,)) for i in range(3)]
for t in ts:
    t.start()
start.set()
for t in ts:
    t.join()
print(sorted(order), start.is_set(), start.wait(), start.wait(0))
start.clear()
print(start.is_set())

# Ping-pong: each side waits for the other.
ping = threading.Event()
pong = threading.Event()
log = []


def player():
    for i in range(5):
        ping.wait()
        ping.clear()
        log.append("pong" + str(i))
        pong.set()


t = threading.Thread(target=player)
t.start()
for i in range(5):
    log.append("ping" + str(i))
    ping.set()
    pong.wait()
    pong.clear()
t.join()
print(log)
