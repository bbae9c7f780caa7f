# Every traceback entry has its frame (tb_frame), as in CPython, even for
# frames no one asked for: their names, lines and locals after unwinding.
import sys
def a(x):
    y = x + 1
    return b(y)
def b(z):
    w = z * 2
    raise KeyError(w)
try:
    a(1)
except KeyError as e:
    tb = e.__traceback__
    out = []
    while tb is not None:
        f = tb.tb_frame
        out.append((f.f_code.co_name, tb.tb_lineno, f.f_lineno, sorted(k for k in f.f_locals if k != "__builtins__" and not k.startswith("__")) if f.f_code.co_name != "<module>" else "module"))
        tb = tb.tb_next
    for o in out:
        print(o)
    print(out and e.__traceback__.tb_frame.f_back)
