# A linked structure 10^6 deep (nested lists), made garbage and collected:
# the collector marks with an explicit stack, never recursion. Run under
# WEFT_GC_STRESS too (CI).
N = 1000000
x = []
for i in range(N):
    x = [x]
depth = 0
y = x
while y:
    y = y[0]
    depth += 1
print(depth)
x = None
y = None
z = [[i] for i in range(1000)]
print(len(z), z[999])
