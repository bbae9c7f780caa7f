# One list holding very many small objects, with memory nearly full: the
# collector's mark stack has to grow while there is no memory left.
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
wide = []
try:
    while True:
        wide.append((1, 2))
except MemoryError:
    pass
n = len(wide)
del chunks[-8:]
# Collections run here with the whole heap still live.
extra = [[i] for i in range(5000)]
print("wide", n > 1000, "extra", len(extra))
