def show(name, f):
    try:
        print(name, f())
    except ZeroDivisionError as e:
        print(name, type(e).__name__, e.args)


show("5.0 / 0.0", lambda: 5.0 / 0.0)
show("5.0 // 0.0", lambda: 5.0 // 0.0)
show("5.0 % 0.0", lambda: 5.0 % 0.0)
show("divmod(5.0, 0.0)", lambda: divmod(5.0, 0.0))
show("5 / 0.0", lambda: 5 / 0.0)
show("5.0 / 0", lambda: 5.0 / 0)
show("-5.0 // -0.0", lambda: -5.0 // -0.0)
show("5 // 0", lambda: 5 // 0)
show("5 % 0", lambda: 5 % 0)
x = 1.0 // 0.0
