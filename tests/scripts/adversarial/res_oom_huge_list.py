# One allocation far past the limit: MemoryError at once.
try:
    x = [0] * (10 ** 9)
    print("allocated", len(x))
except MemoryError as e:
    print("MemoryError", type(e).__name__, e.args)
print("still running", len([1] * 1000))
