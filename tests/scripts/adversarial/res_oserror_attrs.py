# OSError's errno/strerror/str, and the BrokenPipeError hierarchy.
e = OSError(28, "No space left on device")
print(e.errno, e.strerror, str(e), repr(e.args))
print(OSError("plain").errno, OSError("plain").strerror, str(OSError("plain")))
print(str(OSError()), OSError().errno)
print(issubclass(BrokenPipeError, ConnectionError),
      issubclass(ConnectionError, OSError),
      BrokenPipeError.__mro__[1].__name__)
try:
    raise BrokenPipeError(32, "Broken pipe")
except OSError as x:
    print(type(x).__name__, x.errno, x)
