# Ordering two lists while __eq__ of the items shrinks one of them: the
# final comparison uses the current lengths (CPython), no IndexError.
class S:
    def __init__(self, v): self.v = v
    def __eq__(self, o):
        if self.v == 1:
            del q[1:]
        return isinstance(o, S) and self.v == o.v
    def __lt__(self, o): return self.v < o.v
p = [S(1), S(2), S(3)]
q = [S(1), S(5), S(3)]
print(p < q, p > q, p <= q, len(q))
