# UBSan: memcpy from an empty list's NULL items (fatal there).
a = []
b = []
print(a + b, [] + [], a + [1], [1] + a)
a += b
a += []
a.extend([])
a.extend(())
print(a, len(a))
c = [1, 2]
c += []
c.extend(b)
print(c)
print([] * 5, [] * 0, list(()) + list(""))
for i in range(3):
    a = a + []
print(a)
