# while/for with break, continue and else; range; nested loops; tuple
# unpacking; comprehensions.
i = 0
while i < 5:
    i += 1
    if i == 2:
        continue
    print("while", i)
else:
    print("while done")

for n in range(10):
    if n == 3:
        break
    print("for", n)
else:
    print("not printed")

for n in range(2):
    pass
else:
    print("for else", n)

pairs = []
for a in range(3):
    for b in range(a):
        pairs.append((a, b))
print(pairs)
for a, b in pairs:
    print(a, "-", b, sep="", end=" ")
print()
print([x * x for x in range(6) if x % 2 == 0])
print({k: k * 2 for k in range(3)})
print(list(range(10, 0, -3)), sum(range(101)))
