# Generators: iteration, send, return values, close, throw, state.
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1


print(list(count(5)))
print(sum(count(101)))


def echo():
    got = []
    while True:
        x = yield len(got)
        if x is None:
            break
        got.append(x)
    return got


g = echo()
print(next(g))
print(g.send("a"))
print(g.send("b"))
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.value)


def closing():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")


g = closing()
print(next(g))
g.close()
print("closed")
g.close()


def catcher():
    while True:
        try:
            yield
        except ValueError as e:
            print("caught", e)


g = catcher()
next(g)
g.throw(ValueError("x1"))
g.throw(ValueError("x2"))


def gen_raises():
    yield 1
    raise KeyError("k")


try:
    for v in gen_raises():
        print("v", v)
except KeyError as e:
    print("KeyError", e)


def fresh():
    yield 1


g = fresh()
try:
    g.send(5)
except TypeError as e:
    print(e)

print(list(x * x for x in range(4)))


def running():
    try:
        next(me)
    except ValueError as e:
        print(e)
    yield 1


me = running()
print(next(me))


def stops():
    raise StopIteration
    yield 1


try:
    next(stops())
except RuntimeError as e:
    print("RuntimeError:", e)


def pairs():
    for i in range(3):
        for j in range(2):
            yield i, j


print(list(pairs()))
gg = fresh()
print(gg.__name__, type(gg).__name__)
print(list(gg), list(gg))
