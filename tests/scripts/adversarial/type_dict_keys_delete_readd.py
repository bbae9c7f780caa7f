# Deleting the key just seen and adding another keeps the size: CPython
# yields the remaining original keys, then raises "keys changed" when the
# iterator reaches an entry it did not expect.
d = {c: 0 for c in "abcd"}
seen = []
try:
    for k in d:
        seen.append(k)
        del d[k]
        d[k.upper()] = 1
except RuntimeError as e:
    print(e)
print(seen, sorted(d))
