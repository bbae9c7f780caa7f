# KeyboardInterrupt can be caught; the script goes on and exits 0.
import time
print("ready", flush=True)
try:
    time.sleep(60)
except KeyboardInterrupt as e:
    print("caught", type(e).__name__, isinstance(e, Exception),
          isinstance(e, BaseException))
total = 0
for i in range(100000):
    total += i
print("after", total)
