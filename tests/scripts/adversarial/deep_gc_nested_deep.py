# A linked structure 2*10^5 deep (nested lists; 10^6 is too slow for the CI's GC-stress run), made garbage and collected:
# the collector marks with an explicit stack, never recursion. Run under
# WEFT_GC_STRESS too (CI).
N = 200000
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
