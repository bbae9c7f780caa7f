def needs(x, y):
    return x + y


print(needs(1, 2))
needs(1)
