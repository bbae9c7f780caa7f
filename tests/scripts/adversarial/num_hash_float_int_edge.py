for v in (m, m + 1, M - 1023, 2 ** 61, -2 ** 61, 0, -1, 1):
    print(v, hash(v) == hash(float(v)) if float(v) == v else "inexact")
print(float(m) == m, float(m) < M)
print({m: "int"}.get(float(m)))
print({float(m): "float"}.get(m))
