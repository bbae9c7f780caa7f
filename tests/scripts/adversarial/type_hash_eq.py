# __hash__ and __eq__: a class body defining __eq__ without __hash__ gets
# __hash__ = None (unhashable, also below); assigning __eq__ later keeps the
# hash; __hash__ = None assigned later makes it unhashable.
class L:
    def __lt__(s, o): return True
print(hash(L()) is not None, "__hash__" in L.__dict__)
class M(L):
    def __eq__(s, o): return True
print("__hash__" in M.__dict__, M.__dict__["__hash__"])
class N(M): pass
class O(M):
    def __hash__(s): return 1
class P(O):
    def __eq__(s, o): return False
for cls in (M, N, O, P):
    try:
        print(cls.__name__, hash(cls()))
    except TypeError as e:
        print(cls.__name__, e)
class H2: pass
H2.__eq__ = lambda s, o: True
print(type(hash(H2())).__name__, H2() == 1)
del H2.__eq__
print(H2() == 1)
H2.__hash__ = None
try:
    hash(H2())
except TypeError as e:
    print(e)
H2.__hash__ = lambda s: 99
print(hash(H2()), {H2(): 1}[H2()] if False else "ok")
