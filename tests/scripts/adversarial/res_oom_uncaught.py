# An uncaught MemoryError deep in calls: traceback, exit status 1, the
# output before it flushed.
print("start")
def grow(n):
    if n == 0:
        return [None] * (10 ** 10)
    return grow(n - 1)
grow(20)
