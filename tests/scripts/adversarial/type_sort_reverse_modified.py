# reverse=True with a key that modifies the list: same ValueError; the
# list ends sorted in reverse (stable for equal keys).
l = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]
def key(t):
    l.extend([None])
    return t[0]
try:
    l.sort(key=key, reverse=True)
except ValueError as e:
    print(e)
print(l)
