# Class attributes assigned many times in a loop (plain names and dunders):
# every assignment takes effect at once.
class C:
    pass
c = C()
total = 0
for i in range(3000):
    C.x = i
    total += c.x
print(total)
reprs = {}
for i in range(300):
    C.__repr__ = (lambda s, i=i: "r%d" % (i % 3))
    reprs[repr(c)] = 1
print(sorted(reprs))
for i in range(300):
    if i % 2:
        C.__len__ = lambda s: 5
    else:
        try:
            del C.__len__
        except AttributeError:
            pass
print(len(c))
