# print(..., flush=True) to /dev/full raises at once; the exception has
# CPython's errno, strerror, args and str.
try:
    print("x", flush=True)
    msg = "no error"
except OSError as e:
    msg = "%s %r %r %r %s" % (type(e).__name__, e.errno, e.strerror,
                              e.args, e)
raise SystemExit(msg)
