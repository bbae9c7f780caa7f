# Small lists until the address space runs out: MemoryError, caught, and
# the runtime goes on (was: "weft: fatal: out of memory while marking").
def fill(chunks, size):
    try:
        while True:
            chunks.append("x" * size)
    except MemoryError:
        pass
# Big blocks, then smaller ones, fill the limit first, so the small-object
# phase below is short even under GC stress.
chunks = []
fill(chunks, 8000000)
fill(chunks, 80000)
del chunks[-4:]
small = []
caught = False
try:
    while True:
        small.append([1, 2, 3])
except MemoryError:
    caught = True
n = len(small)
small = None
chunks = None
print("caught:", caught, "many:", n > 1000)
after = [[i] for i in range(10000)]
print("after:", len(after), sum(x[0] for x in after))
