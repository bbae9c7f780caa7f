# __lt__ that clears the list being sorted: the list is already empty then,
# so nothing changed (CPython: no error) and the sort completes.
class K:
    def __init__(self, v): self.v = v
    def __lt__(self, o):
        l.clear()
        return self.v < o.v
    def __repr__(self): return "K%d" % self.v
l = [K(3), K(1), K(2)]
l.sort()
print(l)
l = [K(2), K(1)]
def key(k):
    del l[:]
    return k.v
l.sort(key=key)
print(l)
