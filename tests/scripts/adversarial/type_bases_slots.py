# After C.__bases__ changes, C and its subclasses take their slots from the
# new base chain (repr, len, ==, hash, iteration, calls, operators).
class P:
    def __repr__(self): return "P"
    def __len__(self): return 3
    def __eq__(self, o): return True
    def __hash__(self): return 11
    def __iter__(self): return iter("ab")
    def __call__(self, x): return x * 2
    def __add__(self, o): return "added"
    def __neg__(self): return "neg"
class Q: pass
class R(Q): pass
class S(R): pass
s = S()
print(repr(s)[:10], s == S())
try:
    len(s)
except TypeError as e:
    print(e)
R.__bases__ = (P,)
print(repr(s), len(s), s == S(), list(s), s(21), s + 1, -s)
print(type(hash(s)).__name__)
R.__bases__ = (Q,)
print(repr(s)[:10], s == S())
try:
    s(1)
except TypeError as e:
    print(e)
try:
    s + 1
except TypeError as e:
    print(e)
