# Deleting dunders from a class: the slot falls back to the base's, and a
# missing one is an AttributeError with CPython's message.
class C:
    def __repr__(self): return "C!"
    def __len__(self): return 2
    def __call__(self): return "called"
    def __contains__(self, x): return True
c = C()
print(repr(c), len(c), c(), 5 in c)
del C.__repr__, C.__len__, C.__call__, C.__contains__
print(repr(c)[:10])
for f in (lambda: len(c), lambda: c(), lambda: 5 in c):
    try:
        f()
    except TypeError as e:
        print(e)
try:
    del C.__repr__
except AttributeError as e:
    print(e)
