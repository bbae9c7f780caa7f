# A dict whose keys are replaced during iteration (same size): CPython's
# RuntimeError "dictionary keys changed during iteration", for keys(),
# values(), items() and the dict itself; the iterator is exhausted after.
def run(make_iter, label):
    d = {1: 1, 2: 2}
    seen = []
    it = make_iter(d)
    try:
        for k in it:
            seen.append(k)
            key = max(d)
            del d[key]
            d[key + 10] = 1
    except RuntimeError as e:
        print(label, type(e).__name__, e, seen)
    print(label, "after:", list(it))
run(lambda d: d, "dict")
run(lambda d: iter(d.keys()), "keys")
run(lambda d: iter(d.values()), "values")
run(lambda d: iter(d.items()), "items")
