# Calls: positional, defaults, keywords, *args, **kwargs, keyword-only.
def f(a, b=2, c=3):
    return a * 100 + b * 10 + c


print(f(1), f(1, 5), f(1, c=9), f(a=4, b=0, c=0))


def g(*args):
    return len(args), args


print(g(), g(1), g(1, 2, 3))


def h(a, *rest, **kw):
    return a, rest, sorted(kw.items())


print(h(1, 2, 3, x=4, y=5))


def k(a, *, key=10, other):
    return a + key + other


print(k(1, other=100), k(1, key=1, other=1))

args = [1, 2]
print(f(*args), f(*args, 7), g(*[4, 5], *(6,)))
opts = {"b": 8, "c": 9}
print(f(0, **opts))


def outer():
    def inner(x, y=1):
        return x - y
    return inner


print(outer()(10), outer()(10, y=4))


class A:
    def m(self, x, y=0):
        return x + y


print(A().m(1), A().m(1, y=2), A.m(A(), 5))
for bad in [lambda: f(), lambda: f(1, 2, 3, 4), lambda: f(1, z=2),
            lambda: f(1, a=2), lambda: k(1), lambda: A().m(),
            lambda: g(x=1), lambda: (lambda: 0)(1)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)


def two(x, y):
    return x, y


try:
    two()
except TypeError as e:
    print(e)


def three(x, y, z):
    return 0


try:
    three()
except TypeError as e:
    print(e)
