# SIGINT with other threads running: KeyboardInterrupt goes to the main
# thread only; a daemon worker does not take it.
import threading, time
stop = []
def worker():
    while not stop:
        time.sleep(0.01)
t = threading.Thread(target=worker, daemon=True)
t.start()
print("ready", flush=True)
try:
    while True:
        pass
except KeyboardInterrupt:
    print("main thread got it:", threading.current_thread() is threading.main_thread())
stop.append(1)
t.join()
print("worker joined")
