# Much output to /dev/full: print raises OSError [Errno 28].
for i in range(1000000):
    print(i)
