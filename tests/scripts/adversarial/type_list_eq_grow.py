# __eq__ that appends to one list during == and <: the comparison follows
# the lists as they are now (CPython), never a stale copy.
class G:
    def __init__(self, v): self.v = v
    def __eq__(self, o):
        if len(x) < 6:
            x.append(G(self.v))
        return isinstance(o, G) and self.v == o.v
    def __lt__(self, o): return self.v < o.v
    def __repr__(self): return "G%d" % self.v
x = [G(1), G(2)]
y = [G(1), G(2), G(3)]
print(x < y, len(x))
x = [G(1), G(2)]
y = [G(1), G(2)]
print(x == y, len(x))
