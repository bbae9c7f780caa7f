# An uncaught exception in a thread prints "Exception in thread NAME:" and
# a traceback to stderr; the process goes on and exits 0.
import threading


def boom():
    raise ValueError("boom")


t = threading.Thread(target=boom)
t.start()
t.join()
print("still running", t.is_alive())


def quiet():
    raise SystemExit(3)


t = threading.Thread(target=quiet)
t.start()
t.join()
print("SystemExit in a thread is silent")
