# threading misuse raises what CPython raises.
import threading

t = threading.Thread(target=print)
try:
    t.join()
except RuntimeError as e:
    print("RuntimeError:", e)
t.start()
t.join()
try:
    t.start()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    threading.current_thread().join()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    threading.Thread(group=1)
except AssertionError as e:
    print("AssertionError:", e)
try:
    threading.Lock().release()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    threading.RLock().release()
except RuntimeError as e:
    print("RuntimeError:", e)
