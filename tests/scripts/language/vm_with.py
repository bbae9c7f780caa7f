# with statements: enter/exit order, exceptions, suppression.
class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None, ev)
        return self.suppress


with CM("a") as a:
    print("body", a.name)

with CM("x") as x, CM("y") as y:
    print("two", x.name, y.name)

try:
    with CM("b"):
        raise ValueError("boom")
except ValueError as e:
    print("propagated", e)

with CM("c", True):
    raise KeyError("hidden")
print("after suppress")


def ret():
    with CM("r"):
        return "value"


print(ret())
for i in range(3):
    with CM(i):
        if i == 1:
            continue
        print("loop", i)
