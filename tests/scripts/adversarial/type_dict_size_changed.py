# A dict that grows or shrinks during iteration: "dictionary changed size
# during iteration", and the iterator stays broken (CPython).
d = {i: i for i in range(5)}
it = iter(d)
next(it)
d[99] = 0
for _ in range(2):
    try:
        next(it)
    except RuntimeError as e:
        print(e)
d = {i: i for i in range(5)}
try:
    for v in d.values():
        d.pop(4, None)
except RuntimeError as e:
    print("values:", e)
d = {i: i for i in range(5)}
try:
    for k, v in d.items():
        d.clear()
except RuntimeError as e:
    print("items:", e)
d = {1: 1}
for k in d:
    d[k] = 2   # same keys, new value: allowed
print(d)
