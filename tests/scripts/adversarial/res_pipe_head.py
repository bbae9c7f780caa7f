# Output into a pipe whose reader is gone (head -n 1): BrokenPipeError from
# print, no storm of errors; the failed flush at exit makes the status 120
# (was: killed by SIGPIPE).
for i in range(1000000):
    print(i)
