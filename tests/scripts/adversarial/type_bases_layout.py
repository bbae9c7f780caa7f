# __bases__ assignment between incompatible layouts (plain classes,
# exception classes, object) gives CPython's messages; compatible ones go
# through.
class A: pass
class F: pass
class B(A): pass
class E(Exception): pass
class E2(ValueError): pass
class EE(E): pass
def t(cls, new):
    try:
        cls.__bases__ = (new,)
        print(cls.__name__, "->", new.__name__, "ok")
    except TypeError as e:
        print(cls.__name__, "->", new.__name__, e)
t(B, E)
t(E, A)
t(A, F)
t(A, object)
t(B, Exception)
t(EE, E2)
t(E, KeyError)
t(EE, Exception)
t(B, F)
print(B.__mro__)
print(E.__mro__)
try:
    raise E("x")
except KeyError as e:
    print("caught as KeyError:", e)
