# Found by `weft stress --scenario fuzz` under UBSan (seed 202): extending
# a list that never had items by nothing passed a null pointer to memcpy
# (list.c append_many; UBSan "null pointer passed as argument 1").
L = []
L.extend(L)
L.extend([])
L.extend(range(0))
L.extend(())
M = []
M += []
M[0:0] = []
N = [] + []
N.extend(N)
print(L, M, N, len(L) + len(M) + len(N))
