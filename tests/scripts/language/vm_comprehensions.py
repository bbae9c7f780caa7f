# Comprehensions (inlined), lambda, conditional expressions.
xs = [1, 2, 3, 4, 5]
print([x * x for x in xs])
print([x for x in xs if x % 2])
print([(x, y) for x in range(3) for y in range(x)])
print({x: x * x for x in xs if x > 2})
print([[y for y in range(x)] for x in range(4)])
x = "outer"
print([x for x in range(3)], x)
sq = lambda n: n * n
print(list(map(sq, xs)), sorted(xs, key=lambda v: -v))
print([("even" if v % 2 == 0 else "odd") for v in xs])


def in_func(n):
    k = 10
    return [k + i for i in range(n)]


print(in_func(3))
print(sum(v for v in xs if v > 1))
words = ["apple", "bob", "kiwi"]
print({w: len(w) for w in words})
print([c for w in words for c in w if c in "aeiou"])
