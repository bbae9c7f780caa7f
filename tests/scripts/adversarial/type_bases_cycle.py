# __bases__ assignment that would make a cycle is refused, directly or
# through a subclass further down.
class X: pass
class Y(X): pass
class Z(Y): pass
for cls, new in ((X, Y), (X, Z), (Y, Y), (Y, Z)):
    try:
        cls.__bases__ = (new,)
    except TypeError as e:
        print(cls.__name__, new.__name__, e)
print([c.__name__ for c in Z.__mro__])
print(issubclass(Z, X), issubclass(X, Z))
