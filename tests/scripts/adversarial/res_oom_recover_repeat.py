# Exhaust memory, recover, three times over: the collector and the
# out-of-memory headroom come back each time.
def fill():
    keep = []
    while True:
        keep.append([None] * 100000)

for round in range(3):
    try:
        fill()
    except MemoryError:
        print("round", round, "MemoryError")
    x = [[i, i] for i in range(20000)]
    print("round", round, "after", len(x))
