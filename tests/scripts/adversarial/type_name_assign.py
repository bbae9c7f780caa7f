# Assigning __name__, __qualname__ and __module__ on a class: type checks,
# CPython's messages, and what repr and error messages show afterwards.
class B: pass
def t(f):
    try:
        f()
        print("ok")
    except Exception as e:
        print(type(e).__name__ + ":", e)
t(lambda: setattr(B, "__name__", 5))
t(lambda: setattr(B, "__name__", "a\0b"))
t(lambda: delattr(B, "__name__"))
t(lambda: setattr(B, "__qualname__", 5))
t(lambda: delattr(B, "__qualname__"))
t(lambda: setattr(int, "__name__", "x"))
B.__qualname__ = "Q.B"
B.__module__ = "mod"
print(B, B.__name__, B.__qualname__, B.__module__, repr(B())[:14])
B.__name__ = "Z"
print(B, B.__name__, type(B()).__name__)
t(lambda: B().missing)
t(lambda: len(B()))
t(lambda: setattr(B, "__name__", 5))
B.__module__ = 7
print(B, B.__module__)
