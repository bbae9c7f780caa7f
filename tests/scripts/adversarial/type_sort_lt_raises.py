# A comparison or key function that raises in the middle of a sort: the
# exception propagates and the list keeps all its items.
class K:
    def __init__(self, v): self.v = v
    def __lt__(self, o):
        if self.v == 2 or o.v == 2:
            raise ArithmeticError("no 2")
        return self.v < o.v
    def __repr__(self): return "K%d" % self.v
l = [K(3), K(1), K(2), K(0)]
try:
    l.sort()
except ArithmeticError as e:
    print(e)
print(sorted(k.v for k in l))
l = [3, 1, 2]
def key(x):
    l.append(9)
    if x == 2:
        raise KeyError(x)
    return x
try:
    l.sort(key=key)
except KeyError as e:
    print("KeyError", e)
print(l)
try:
    [1, "a", 2].sort()
except TypeError as e:
    print(e)
