# Closures, cells, nonlocal, global.
def counter():
    n = 0

    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc


c = counter()
print(c(), c(), c(10))
d = counter()
print(d(), c())


def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]


print([a(10) for a in make_adders()])


def late():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]


print(late())

total = 0


def add_global(x):
    global total
    total += x


add_global(5)
add_global(6)
print(total)


def nested():
    a = 1

    def mid():
        b = 2

        def inner():
            return a + b
        return inner
    return mid()()


print(nested())


def shadow():
    x = "outer"

    def f():
        x = "inner"
        return x
    return f(), x


print(shadow())


def unbound_free():
    def f():
        return v
    try:
        f()
    except NameError as e:
        print(type(e).__name__, e)
    v = 1


unbound_free()
