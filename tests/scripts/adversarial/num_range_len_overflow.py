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


check("len(range(-2**62, 2**62-1))", lambda: len(range(m, M)))
check("len(range(m, M, 2))", lambda: len(range(m, M, 2)))
check("len(range(M, m, -1))", lambda: len(range(M, m, -1)))
check("len(range(0, M))", lambda: len(range(0, M)))
check("len(range(m, 0))", lambda: len(range(m, 0)))
check("len(range(m, 1))", lambda: len(range(m, 1)))
check("len(range(m, M, M))", lambda: len(range(m, M, M)))
check("bool(range(m, M))", lambda: bool(range(m, M)))
check("range(m, M)[M]", lambda: range(m, M)[M])
check("range(m, M)[-1]", lambda: range(m, M)[-1])
check("range(m, M, 3)[-1]", lambda: range(m, M, 3)[-1])
check("range(M, m, -7)[-1]", lambda: range(M, m, -7)[-1])
check("M-1 in range(m, M)", lambda: (M - 1) in range(m, M))
check("list(range(M-3, M))", lambda: list(range(M - 3, M)))
check("list(range(m+1, m, -M))", lambda: list(range(m + 1, m, -M)))
