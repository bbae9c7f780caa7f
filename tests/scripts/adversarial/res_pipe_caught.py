# BrokenPipeError is an OSError (errno 32) and a ConnectionError, and can
# be caught; the output still buffered fails again at exit (status 120).
try:
    for i in range(1000000):
        print(i)
except BrokenPipeError as e:
    raise SystemExit("caught %s errno=%s strerror=%s isOSError=%s isConnectionError=%s"
                     % (type(e).__name__, e.errno, e.strerror,
                        isinstance(e, OSError), isinstance(e, ConnectionError)))
