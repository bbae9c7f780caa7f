ab​c = 1
print(abc)
