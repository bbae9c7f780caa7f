# f-strings and string building.
name = "weft"
n = 42
pi = 3.5
items = [1, "a"]
print(f"hello {name}!")
print(f"{n} {n + 1} {n * 2}")
print(f"{name!r} {items} {items!r} {pi}")
print(f"{{literal}} {n}")
print(f"nested {f'{n}'}")
print(f"{'x' if n > 3 else 'y'}")
print(f"{n:5}|{n:<5}|{name:>6}|{pi:.2f}")
s = ""
for i in range(5):
    s += str(i)
print(s, "a" + "b" * 3)
print(f"{None} {True} {[]} {()}")
