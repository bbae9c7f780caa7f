# Weft ints are 62-bit until big ints land: a result CPython gives as a
# big int must be OverflowError in Weft, never a wrong (wrapped) number.
# check() prints "big" for either, and the value otherwise, so CPython's
# output is the expected one.
M = 4611686018427387903   # Weft's largest int, 2**62 - 1
m = -M - 1                # Weft's smallest, -2**62


def is_big(r):
    if isinstance(r, bool):
        return False
    if isinstance(r, int):
        return r > M or r < m
    if isinstance(r, range):
        return is_big(r.start) or is_big(r.stop) or is_big(r.step)
    if isinstance(r, tuple):
        return any(is_big(x) for x in r)
    return False


def check(name, f):
    try:
        r = f()
    except OverflowError:
        print(name, "big")
        return
    except Exception as e:
        print(name, type(e).__name__, e)
        return
    print(name, "big" if is_big(r) else r)


check("range(10)[::M]", lambda: range(10)[::M])
check("range(10)[::m]", lambda: range(10)[::m])
check("range(10)[m:M]", lambda: range(10)[m:M])
check("range(10)[M:m:-1]", lambda: range(10)[M:m:-1])
check("range(0, 10, 3)[M:m:-1]", lambda: range(0, 10, 3)[M:m:-1])
check("range(m, M)[::2]", lambda: range(m, M)[::2])
check("range(m, M, M)[::M]", lambda: range(m, M, M)[::M])
check("range(m, M, 2)[1:-1:M]", lambda: range(m, M, 2)[1:-1:M])
check("range(M, m, -1)[::-1]", lambda: range(M, m, -1)[::-1])
check("range(m, M)[::-1]", lambda: range(m, M)[::-1])
check("range(m, M)[M::M]", lambda: range(m, M)[M::M])
check("list(range(10)[m:M:3])", lambda: list(range(0, 10)[m:M:3]))
check("list(range(10)[M:m:m])", lambda: list(range(0, 10)[M:m:m]))
check("range(2**61, M)[::2**61]", lambda: range(2 ** 61, M)[::2 ** 61])
check("range(-5, 5)[::0]", lambda: range(-5, 5)[::0])
