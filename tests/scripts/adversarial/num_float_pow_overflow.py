def show(name, f):
    try:
        print(name, f())
    except (OverflowError, ZeroDivisionError, ValueError) as e:
        print(name, type(e).__name__, e.args)


show("2.0 ** 10000", lambda: 2.0 ** 10000)
show("10.0 ** 400", lambda: 10.0 ** 400)
show("(-2.0) ** 10001", lambda: (-2.0) ** 10001)
show("(-1.5) ** 2000", lambda: (-1.5) ** 2000)
show("pow(2.0, 1024)", lambda: pow(2.0, 1024))
show("2 ** 1024.0", lambda: 2 ** 1024.0)
show("1e300 ** 2", lambda: 1e300 ** 2)
show("1.0000001 ** 1e20", lambda: 1.0000001 ** 1e20)
show("2.0 ** 1023", lambda: 2.0 ** 1023)
show("2.0 ** -10000", lambda: 2.0 ** -10000)
show("inf ** 2", lambda: float("inf") ** 2)
show("2.0 ** inf", lambda: 2.0 ** float("inf"))
show("0.5 ** -inf", lambda: 0.5 ** float("-inf"))
show("1e308 * 10", lambda: 1e308 * 10)
show("0.0 ** -1", lambda: 0.0 ** -1)
show("0.0 ** -1.5", lambda: 0.0 ** -1.5)
show("(-0.0) ** -3", lambda: (-0.0) ** -3)
show("0 ** -1.0", lambda: 0 ** -1.0)
x = 2.0 ** 10000
