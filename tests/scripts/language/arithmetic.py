# int and float arithmetic, floor division and modulo signs, precedence,
# comparisons (chained), bool arithmetic.
a = 17
b = 5
print(a + b, a - b, a * b, a // b, a % b, a ** 2)
print(-a // b, -a % b, a // -b, a % -b)
print(a / b, 7 / 2, 1 / 4)
print(2 + 3 * 4, (2 + 3) * 4, 2 ** 3 ** 2, -2 ** 2)
print(1 < 2 < 3, 3 < 2 < 1, 1 == 1.0, 2 != 3)
print(True + True, 10 * False, abs(-7), 2.5 * 2)
x = 10
x += 5
x -= 3
x *= 2
x //= 5
print(x)
print(1 + 2 == 3 and not 4 > 5 or False)
