# The process waits for non-daemon threads at exit, not for daemon ones.
import threading
import time

forever = threading.Event()


def daemon_body():
    forever.wait()


def late():
    time.sleep(0.05)
    print("worker done")


threading.Thread(target=daemon_body, daemon=True).start()
threading.Thread(target=late).start()
print("main done")
