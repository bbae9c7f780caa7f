# An uncaught exception: what ran before is printed, the traceback goes to
# stderr, and the exit status is 1.
def divide(a, b):
    return a / b


print("before")
print(divide(1, 0))
print("not reached")
