import sys
from sys import monitoring as mon

class Box(object):
    size = 3
    def __init__(self, items=None, *args, key=None, **kw):
        self.items = [] if items is None else list(items)
    def total(self):
        return sum(x * 2 for x in self.items if x > 0)

def gen(n):
    i = 0
    while i < n:
        got = yield i
        i += 1
    else:
        yield from range(2)

def f(a, b=1, *c, d, e=2, **g):
    global G
    x, y = a[1:2], a[::-1]
    z = {k: v for k, v in g.items()}
    w = [i for i in range(10) if i % 2 if i > 3]
    del z[0], w
    try:
        assert x, f"bad {x!r:>{b}} {y=} {{}}"
    except (ValueError, TypeError) as exc:
        raise RuntimeError("x") from exc
    except KeyError:
        pass
    else:
        pass
    finally:
        print(b'\x00\n', r'\d', '''tri
ple''', 0x1F, 0o7, 0b1, 1_000, 1.5e-3, .5, sep="", end="\n")
    with open(a) as fh, open(b) as (p, q):
        pass
    l = lambda q, *r, **s: q if r else not s
    return -x ** 2 // 3 % 4 @ 5 | 6 ^ 7 & 8 << 1 >> 2, a is not b, a not in c, 1 < 2 <= 3

if __name__ == "__main__":
    for i, j in enumerate("ab"):
        if i: continue
        elif j: break
    print(f(*sys.argv, d=1, **{}))
