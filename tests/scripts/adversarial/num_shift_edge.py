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


check("1 << 61", lambda: 1 << 61)
check("1 << 62", lambda: 1 << 62)
check("-1 << 62", lambda: -1 << 62)
check("-2 << 61", lambda: -2 << 61)
check("3 << 61", lambda: 3 << 61)
check("1 << 63", lambda: 1 << 63)
check("-1 << 63", lambda: -1 << 63)
check("1 << 1000", lambda: 1 << 1000)
check("0 << 1000", lambda: 0 << 1000)
check("m >> 100", lambda: m >> 100)
check("M >> 61", lambda: M >> 61)
check("m >> 61", lambda: m >> 61)
check("1 << -1", lambda: 1 << -1)
check("1 >> -1", lambda: 1 >> -1)
