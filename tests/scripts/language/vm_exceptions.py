# try/except/else/finally, raise from, bare raise, user exceptions.
class MyError(Exception):
    pass


class Sub(MyError):
    def __init__(self, code):
        MyError.__init__(self, f"code {code}")
        self.code = code


def f(x):
    try:
        if x == 0:
            raise MyError("zero")
        if x == 1:
            raise Sub(7)
        r = 10 // x
    except Sub as e:
        print("Sub", e.code, e)
        return "sub"
    except MyError as e:
        print("MyError", e)
        return "my"
    except ZeroDivisionError:
        return "never"
    else:
        print("else", r)
        return "ok"
    finally:
        print("finally", x)


print(f(0), f(1), f(5))


def g():
    try:
        try:
            1 / 0
        except ZeroDivisionError as e:
            raise ValueError("wrapped") from e
    except ValueError as e:
        print(repr(e), repr(e.__cause__), e.__suppress_context__)


g()


def h():
    try:
        try:
            [][1]
        except IndexError:
            raise KeyError("ctx")
    except KeyError as e:
        print(repr(e), repr(e.__context__), e.__cause__)


h()


def bare():
    try:
        try:
            raise RuntimeError("again")
        except RuntimeError:
            print("handling")
            raise
    except RuntimeError as e:
        print("reraised", e)


bare()


def fin_return():
    try:
        return 1
    finally:
        print("fin runs")


print(fin_return())


def loop_break():
    for i in range(5):
        try:
            if i == 2:
                break
        finally:
            print("fin", i)
    return i


print(loop_break())


def multi():
    for exc in [KeyError("a"), IndexError("b"), TypeError("c")]:
        try:
            raise exc
        except (KeyError, IndexError) as e:
            print("tuple", type(e).__name__)
        except Exception as e:
            print("generic", type(e).__name__)


multi()

try:
    raise MyError
except MyError as e:
    print("class raised", repr(e))

try:
    try:
        raise ValueError(1)
    finally:
        print("inner finally")
except ValueError as e:
    print("outer", e)

import sys
try:
    raise KeyError("x")
except KeyError:
    print(sys.exc_info()[0].__name__)
print(sys.exc_info())


def nested_handlers():
    try:
        raise TypeError("t")
    except TypeError:
        try:
            raise ValueError("v")
        except ValueError as e:
            print("inner", e, type(e.__context__).__name__)
        print("back in outer", type(sys.exception()).__name__)


nested_handlers()
print(sys.exception())
try:
    raise 5
except TypeError as e:
    print(e)
try:
    try:
        pass
    except 5:
        pass
    print("no error without exception")
except TypeError as e:
    print(e)
try:
    assert 1 == 2, "math"
except AssertionError as e:
    print("assert", e)
e = None
try:
    raise ValueError("deleted")
except ValueError as e:
    pass
try:
    print(e)
except NameError as ne:
    print("NameError", ne)
