# SIGINT during time.sleep: the sleep ends with KeyboardInterrupt.
import time
print("buffered before the signal")
print("ready", flush=True)
time.sleep(60)
print("not reached")
