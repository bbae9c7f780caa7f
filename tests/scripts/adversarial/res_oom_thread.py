# Memory runs out in a thread: MemoryError in that thread, which catches
# it; the main thread is unaffected.
import threading
result = []
def worker():
    keep = []
    try:
        while True:
            keep.append([None] * 100000)
    except MemoryError:
        keep = None
        result.append("MemoryError in thread")
t = threading.Thread(target=worker)
t.start()
t.join()
print(result)
print("main ok", len([[i] for i in range(1000)]))
