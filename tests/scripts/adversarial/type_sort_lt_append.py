# __lt__ that appends to the list being sorted: ValueError "list modified
# during sort", list left sorted and without the appended items.
class K:
    def __init__(self, v): self.v = v
    def __lt__(self, o):
        l.append(K(0))
        return self.v < o.v
    def __repr__(self): return "K%d" % self.v
l = [K(3), K(1), K(2), K(5), K(4)]
try:
    l.sort()
except ValueError as e:
    print(e)
print(l)
