def inner(x):
    raise ValueError("boom " + str(x))


def outer():
    inner(1)


print("before")
outer()
print("not reached")
