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


check("int(2.0**62)", lambda: int(2.0 ** 62))
check("int(-2.0**62)", lambda: int(-2.0 ** 62))
check("int(2.0**61)", lambda: int(2.0 ** 61))
check("int(largest below 2**62)", lambda: int(4611686018427387392.0))
check("int(-2.0**62 - 1024)", lambda: int(-4611686018427388928.0))
check("int(2.0**63)", lambda: int(2.0 ** 63))
check("int(1e19)", lambda: int(1e19))
check("int(-1e300)", lambda: int(-1e300))
check("int(inf)", lambda: int(float("inf")))
check("int(-inf)", lambda: int(float("-inf")))
check("int(nan)", lambda: int(float("nan")))
check("int(2.0**62 - 0.5)", lambda: int(4611686018427387903.5))
