# def with defaults, keyword arguments, *args, recursion, closures,
# nonlocal, global, lambda.
def add(a, b=10):
    return a + b


def total(*args):
    s = 0
    for x in args:
        s += x
    return s


def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


def make_counter():
    count = 0

    def bump(step=1):
        nonlocal count
        count += step
        return count

    return bump


calls = 0


def tick():
    global calls
    calls += 1


print(add(1), add(1, 2), add(b=3, a=4))
print(total(), total(1, 2, 3), total(*[4, 5]))
print(fact(10))
c = make_counter()
c()
c(5)
print(c(), c(10))
tick()
tick()
print(calls)
square = lambda v: v * v
print(square(9), (lambda: "no args")())
print(add.__name__, square.__name__)
