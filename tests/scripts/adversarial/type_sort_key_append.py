# A key function that appends to the list being sorted: ValueError "list
# modified during sort"; the list holds the sorted items afterwards and
# the appended ones are gone (CPython). The key sees an empty list.
l = [3, 1, 2]
lens = []
def key(x):
    lens.append(len(l))
    l.append(x)
    return x
try:
    l.sort(key=key)
except ValueError as e:
    print(type(e).__name__, e)
print(l, lens)
l = [3, 1, 2]
try:
    l.sort(key=lambda x: l.insert(0, x) or x, reverse=True)
except ValueError as e:
    print(e)
print(l)
