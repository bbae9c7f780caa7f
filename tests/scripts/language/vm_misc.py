# Chained comparisons, unpacking, loops with else, del, globals, misc.
a, b = 1, 2
a, b = b, a
print(a, b)
(x, y), z = (3, 4), 5
print(x, y, z)
first, second, third = "abc"
print(first, second, third)
for i, (p, q) in enumerate([(1, 2), (3, 4)]):
    print(i, p, q)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 >= 2 > 1, 1 == 1 != 2)
print(0 < a < 10 < b)
n = 0
while n < 3:
    n += 1
else:
    print("while else", n)
for k in range(3):
    if k == 5:
        break
else:
    print("for else")
for k in range(3):
    if k == 1:
        break
else:
    print("not printed")
print("broke at", k)
lst = [1, 2, 3, 4]
del lst[1]
print(lst)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
tmp = 5
del tmp
try:
    print(tmp)
except NameError as e:
    print(e)
print(lst[1:], lst[:-1], lst[::2], "hello"[1:3])
lst[0:1] = [9, 9]
print(lst)
print(not 0, not 1, 5 if 0 else 6, 0 or "x", 3 and 4)
print(-7 // 2, -7 % 2, 7 // -2, 7 % -2, 2 ** 10, 7 / 2)
print(1 << 5, 1000 >> 3, 6 & 3, 6 | 3, 6 ^ 3, ~5)
big = 1
for _ in range(60):
    big *= 2
print(big, big - 1, -big)
print(None is None, a is not None, 3 in [1, 2, 3], 4 not in (1, 2))
x = 10
x += 5
x -= 3
x *= 2
x //= 5
print(x)
t = (1,)
print(t, len(t), t * 3, (1, 2) + (3,))
print(type(3).__name__, type("s").__name__, type(None).__name__)
i = 0
while True:
    i += 1
    if i < 5:
        continue
    break
print("i", i)
g = 1


def read_global():
    return g + 1


print(read_global())
if __name__ == "__main__":
    print("main")
