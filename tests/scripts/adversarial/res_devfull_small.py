# A little output to /dev/full: the flush at exit fails with ENOSPC,
# reported as CPython does, exit status 120 (was: 0, output lost).
print("hello")
print("world")
