# SIGINT during a busy loop: KeyboardInterrupt in the main thread, the
# buffered output flushed, exit status 130 (was: killed, output lost).
print("buffered before the signal")
print("ready", flush=True)
n = 0
while True:
    n += 1
