# sorted() and list.sort() argument errors name sort() as CPython 3.14 does
# (sorted() builds the list, then calls its sort() with the keywords).
for f in (lambda: sorted([], nope=1), lambda: [].sort(nope=1), lambda: sorted([], key=None, reverse=False, x=2), lambda: sorted(), lambda: sorted([], 1)):
    try:
        f()
    except TypeError as e:
        print(e)
for f in (lambda: [].sort(1), lambda: [].sort(1, 2), lambda: [].sort(key=None, reverse=False, x=2), lambda: sorted(iter([3,1,2]), reverse=1), lambda: sorted("bca", key=str.upper)):
    try:
        print(f())
    except TypeError as e:
        print(e)
def g():
    yield 2
    print("consumed")
    yield 1
try:
    sorted(g(), nope=1)
except TypeError as e:
    print(e)
