# Assigning __bases__: CPython's TypeErrors for every bad value, and the
# class unchanged after each refusal.
class A: pass
class B(A): pass
class F: pass
def t(f):
    try:
        f()
        print("ok")
    except Exception as e:
        print(type(e).__name__ + ":", e)
t(lambda: setattr(B, "__bases__", 5))
t(lambda: setattr(B, "__bases__", [A]))
t(lambda: setattr(B, "__bases__", ()))
t(lambda: setattr(B, "__bases__", (5,)))
t(lambda: setattr(B, "__bases__", (A, 5)))
t(lambda: delattr(B, "__bases__"))
t(lambda: setattr(B, "__bases__", (bool,)))
t(lambda: setattr(int, "__bases__", (A,)))
t(lambda: setattr(B, "__bases__", (object,)))
t(lambda: setattr(B, "__bases__", (int,)))
t(lambda: setattr(B, "__bases__", (list,)))
print(B.__bases__, B.__base__, B.__mro__)
