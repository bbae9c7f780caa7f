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


check("-m", lambda: -m)
check("abs(m)", lambda: abs(m))
check("m * -1", lambda: m * -1)
check("M * M", lambda: M * M)
check("3037000500 ** 2", lambda: 3037000500 * 3037000500)
check("M + 1", lambda: M + 1)
check("m - 1", lambda: m - 1)
check("m // -1", lambda: m // -1)
check("m % -1", lambda: m % -1)
check("divmod(m, -1)", lambda: divmod(m, -1))
check("m / -1", lambda: m / -1)
check("~m", lambda: ~m)
check("~M", lambda: ~M)
check("2 ** 62", lambda: 2 ** 62)
check("(-2) ** 62", lambda: (-2) ** 62)
check("(-2) ** 61 * -2", lambda: (-2) ** 61 * -2)
check("pow(2, 62, 1000)", lambda: pow(2, 62, 1000))
check("pow(M, M, M - 2)", lambda: pow(M, M, M - 2))
check("sum([M, 1])", lambda: sum([M, 1]))
check("int('4611686018427387904')", lambda: int("4611686018427387904"))
check("int('-4611686018427387904')", lambda: int("-4611686018427387904"))
check("int('-4611686018427387905')", lambda: int("-4611686018427387905"))
check("int('0x4000000000000000', 16)", lambda: int("0x4000000000000000", 16))
check("str(m)", lambda: str(m))
check("m.bit_length()", lambda: m.bit_length())
