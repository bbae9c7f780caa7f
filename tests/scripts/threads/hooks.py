# threading.settrace/setprofile keep the hook for threads started later;
# gettrace/getprofile return it.
import threading


def tracer(frame, event, arg):
    return None


print(threading.gettrace(), threading.getprofile())
threading.settrace(tracer)
threading.setprofile(tracer)
print(threading.gettrace() is tracer, threading.getprofile() is tracer)
threading.settrace(None)
threading.setprofile(None)
print(threading.gettrace(), threading.getprofile())
