# What a key function sees of the list while it is sorted: an empty list
# (len, repr, iteration, indexing); the sort itself succeeds.
l = [5, 3, 4]
views = []
def key(x):
    views.append((len(l), repr(l), [y for y in l], x in l))
    try:
        l[0]
    except IndexError as e:
        views.append(str(e))
    return -x
l.sort(key=key)
print(l)
print(views[:2])
