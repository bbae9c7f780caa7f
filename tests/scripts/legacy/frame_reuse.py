# Frame objects of traced calls: most die at once, a few are kept. The
# collector reuses the dead ones' memory; the kept ones must still answer.
import sys

kept = []
count = [0]


def tracer(frame, event, arg):
    if event == "call":
        count[0] += 1
        if count[0] % 5000 == 0:
            kept.append(frame)
    return tracer


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def churn():
    # Garbage so that collections run while frames come and go.
    junk = []
    for i in range(60000):
        junk.append([i, str(i)])
    return len(junk)


sys.settrace(tracer)
total = 0
for round in range(6):
    total += fib(17)
    total += churn()
sys.settrace(None)
print("total", total)
print("calls", count[0])
print("kept", len(kept))
for f in kept:
    print(f.f_code.co_name, f.f_lineno, sorted(f.f_locals.items()))
