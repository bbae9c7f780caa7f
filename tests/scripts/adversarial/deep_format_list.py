# format(a) on lists nested 10^5 deep: CPython 3.14 raises RecursionError
# ("... while getting the repr of an object"); the message carries the stack use, so only its
# type and wording are checked.
N = 100000
def nest():
    x = []
    for i in range(N):
        x = [x]
    return x
a = nest()
b = nest()
try:
    format(a)
    print("no error")
except RecursionError as e:
    print(type(e).__name__, str(e).endswith('while getting the repr of an object'))
print("after", len(a))
