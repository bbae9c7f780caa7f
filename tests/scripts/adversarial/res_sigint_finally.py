# finally blocks run on the way out of a KeyboardInterrupt; nested calls
# (the check at function entry and in loops) see it too.
def spin(depth):
    if depth == 0:
        while True:
            pass
    try:
        spin(depth - 1)
    finally:
        if depth % 5 == 0:
            print("finally", depth)
print("ready", flush=True)
spin(20)
