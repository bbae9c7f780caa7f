# Dict tables grow until memory runs out: the failed growth is MemoryError,
# the dict keeps what it had.
d = {}
try:
    i = 0
    while True:
        d[i] = i
        i += 1
except MemoryError:
    n = len(d)
    ok = all(d[k] == k for k in (0, n // 2, n - 1))
    d = None
    print("MemoryError, dict intact:", ok)
print("after", len({i: i for i in range(1000)}))
