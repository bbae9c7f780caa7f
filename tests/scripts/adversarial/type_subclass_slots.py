# A dunder assigned to (or deleted from) a base class after subclasses
# exist reaches every subclass, however deep.
class A: pass
class B(A): pass
class C(B): pass
c = C()
print(repr(c)[:11])
A.__repr__ = lambda self: "A-repr"
print(repr(c), repr(B()))
B.__repr__ = lambda self: "B-repr"
print(repr(c), repr(A()))
del B.__repr__
print(repr(c))
A.__len__ = lambda self: 4
print(len(c), bool(c))
A.__bool__ = lambda self: False
print(bool(c))
del A.__len__, A.__bool__
try:
    len(c)
except TypeError as e:
    print(e)
print(bool(c))
A.__getitem__ = lambda self, k: k * 10
print(c[4])
A.__lt__ = lambda self, o: True
print(c < C(), sorted([c, C()]) is not None)
A.__mul__ = lambda self, o: "mul"
A.__rmul__ = lambda self, o: "rmul"
print(c * 2, 2 * c)
try:
    del A.__nonexistent__
except AttributeError as e:
    print(e)
