# LOAD_GLOBAL's inline cache: every way a cached global can change under
# it (rebinding, deletion, a global shadowing a builtin, the globals
# dict's table being replaced) must show through at once.
import sys

g = sys._getframe().f_globals


# --- rebinding a global: the cache sees the new value -------------------
x = 1


def get_x():
    return x


print("rebind", get_x(), get_x())
x = 2
print("rebind", get_x())
x = "three"
print("rebind", get_x())


def set_x(v):
    global x
    x = v


set_x(4)
print("rebind via global", get_x())
g["x"] = 5
print("rebind via f_globals", get_x())


# --- deleting a global: NameError, then it comes back --------------------
def del_x():
    global x
    del x


del_x()
try:
    get_x()
    print("no error")
except NameError as e:
    print("NameError:", e)
try:
    get_x()
    print("no error")
except NameError as e:
    print("NameError again:", e)
set_x(6)
print("re-added", get_x())
del x
try:
    get_x()
except NameError as e:
    print("NameError after module-level del:", e)
x = 7
print("re-added", get_x())


# --- a global shadows a builtin, then goes away ---------------------------
def use_len(s):
    return len(s)


print("builtin", use_len("abc"), use_len("abcd"))
len = lambda s: 42
print("shadowed", use_len("abc"))
len = lambda s: -1
print("shadowed again", use_len("abc"))
del len
print("builtin again", use_len("abc"))
g["len"] = lambda s: 99
print("shadowed via f_globals", use_len("abc"))
del g["len"]
print("builtin again", use_len("ab"))


# --- the globals table is replaced (many new globals) between lookups -----
y = 10


def get_y_and_len():
    return y + len("xy")


print("before resize", get_y_and_len())
for i in range(500):
    g[f"filler_{i}"] = i
print("after resize", get_y_and_len())
y = 11
print("after resize, rebound", get_y_and_len())
for i in range(0, 500, 2):
    del g[f"filler_{i}"]
for i in range(500, 1000):
    g[f"filler_{i}"] = i
print("after deletes and another resize", get_y_and_len(), filler_999,
      filler_1)
len = lambda s: 100
print("shadowed after resize", get_y_and_len())
del len
print("unshadowed after resize", get_y_and_len())


# --- a missing name stays a NameError (nothing cached for it) ------------
def get_missing():
    return not_defined_anywhere


for attempt in range(3):
    try:
        get_missing()
    except NameError as e:
        print("missing", attempt, e)
not_defined_anywhere = "now defined"
print("missing no more:", get_missing())


# --- the same code object, many functions, one per closure cell ----------
def make(k):
    def inner():
        return k + y
    return inner


fs = [make(k) for k in range(3)]
print("closures", [f() for f in fs])
y = 20
print("closures after rebind", [f() for f in fs])
