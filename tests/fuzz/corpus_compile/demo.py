# demo/demo.py -- a tour of the Python subset Weft runs (LANGUAGE.md).
# `./weft.sh` runs it; under CPython 3.14 it prints the same.
import sys


# ----- functions, defaults, keyword arguments, *args, recursion -----
def greet(name, greeting="Hello", *rest):
    extra = len(rest)
    return f"{greeting}, {name}!" + (f" (+{extra} more)" if extra else "")


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(greet("Weft"))
print(greet("threads", greeting="Hi"))
print(greet("you", "Hey", "a", "b"))
print("fib(20) =", fib(20))


# ----- closures -----
def make_accumulator(start):
    total = start

    def add(x):
        nonlocal total
        total += x
        return total

    return add


acc = make_accumulator(100)
acc(1)
acc(2)
print("accumulated:", acc(3))


# ----- classes, inheritance, methods, class attributes -----
class Shape:
    count = 0

    def __init__(self, name):
        self.name = name
        Shape.count += 1

    def area(self):
        return 0

    def describe(self):
        return f"{self.name} with area {self.area()}"


class Rect(Shape):
    def __init__(self, w, h):
        Shape.__init__(self, "rect")
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h


class Square(Rect):
    def __init__(self, side):
        Rect.__init__(self, side, side)
        self.name = "square"


shapes = [Rect(2, 3), Square(4), Shape("point")]
for s in shapes:
    print(s.describe())
print("shapes made:", Shape.count, isinstance(shapes[1], Rect))


# ----- generators -----
def countdown(n):
    while n > 0:
        yield n
        n -= 1


def evens(limit):
    for i in range(limit):
        if i % 2 == 0:
            yield i


print("countdown:", list(countdown(5)))
print("sum of evens below 10:", sum(evens(10)))
gen = countdown(2)
print(next(gen), next(gen), next(gen, "done"))


# ----- exceptions -----
class DemoError(Exception):
    pass


def risky(x):
    if x < 0:
        raise DemoError(f"negative: {x}")
    return 10 // x


for value in [5, 0, -1]:
    try:
        print("risky", value, "->", risky(value))
    except ZeroDivisionError:
        print("caught ZeroDivisionError")
    except DemoError as e:
        print("caught", type(e).__name__ + ":", e)
    finally:
        print("  checked", value)

try:
    try:
        {}["missing"]
    except KeyError as e:
        raise ValueError("lookup failed") from e
except ValueError as e:
    print("chained:", e, "from", repr(e.__cause__))


# ----- comprehensions and dicts -----
squares = [n * n for n in range(8)]
odd_squares = [s for s in squares if s % 2 == 1]
by_parity = {n: ("even" if n % 2 == 0 else "odd") for n in range(5)}
print(squares)
print(odd_squares)
print(by_parity)

stock = {"apples": 3, "pears": 0}
stock["plums"] = 7
del stock["pears"]
for fruit in sorted(stock):
    print(f"{fruit!r}: {stock[fruit]}")
print("in stock:", "apples" in stock, "pears" not in stock, len(stock))

# ----- tuples, unpacking, chained comparisons, builtins -----
a, (b, c) = 1, (2, 3)
print(a, b, c, 0 < a < b < c, max(squares), min(3, 1, 2))
print(list(zip("ab", [1, 2])), list(enumerate(["x", "y"], 1)))
print("argv:", sys.argv[1:])
