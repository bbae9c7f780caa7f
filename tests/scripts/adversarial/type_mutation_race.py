# Class mutation racing with instance use (issue 20): one thread assigns
# ordinary class attributes, one re-assigns dunder methods (equivalent
# ones, so every reader result is fixed), one renames the class, one
# swaps __bases__ between two equivalent bases, while readers call repr,
# ==, hash, len, bool, getattr and a base method on instances of the class
# and of a subclass. A reader must see the old or the new class, never a
# half-updated one: every count printed below must be 0.
import threading, time

def rep1(self): return "R"
def rep2(self): return "R"
def eq1(self, other): return True
def eq2(self, other): return True
def hash1(self): return 42
def hash2(self): return 42
def len1(self): return 7
def len2(self): return 7
def ga1(self, name): return "ga"
def ga2(self, name): return "ga"

class B1:
    __repr__ = rep1
    __eq__ = eq1
    __hash__ = hash1
    __len__ = len1
    __getattr__ = ga1
    def bm(self): return "b"

class B2:
    __repr__ = rep2
    __eq__ = eq2
    __hash__ = hash2
    __len__ = len2
    __getattr__ = ga2
    def bm(self): return "b"

class C(B1):
    x = 0

class S(C):
    pass

objs = [C(), C(), S(), S()]
stop = threading.Event()
lock = threading.Lock()
totals = {"wrong": 0, "errors": 0, "reads": 0}

def reader():
    wrong = errors = reads = 0
    while not stop.is_set():
        for a in objs:
            b = objs[0]
            try:
                if repr(a) != "R": wrong += 1
                if not (a == b): wrong += 1
                if a != b: wrong += 1
                if hash(a) != 42: wrong += 1
                if len(a) != 7: wrong += 1
                if not a: wrong += 1
                if a.missing != "ga": wrong += 1
                if a.x not in (0, 1): wrong += 1
                if a.bm() != "b": wrong += 1
                if type(a).__name__ not in ("C", "D", "S"): wrong += 1
                if {a: 1}.get(b) != 1: wrong += 1
            except Exception as e:
                errors += 1
            reads += 1
    with lock:
        totals["wrong"] += wrong
        totals["errors"] += errors
        totals["reads"] += reads

def set_plain():
    i = 0
    while not stop.is_set():
        C.x = i & 1
        C.y = i
        i += 1

def set_dunders():
    i = 0
    while not stop.is_set():
        t = B1 if i & 1 else B2
        t.__repr__ = (rep1, rep2)[i & 1]
        t.__eq__ = (eq1, eq2)[i & 1]
        t.__hash__ = (hash1, hash2)[i & 1]
        t.__len__ = (len1, len2)[i & 1]
        t.__getattr__ = (ga1, ga2)[i & 1]
        C.__repr__ = (rep1, rep2)[i & 1]
        del C.__repr__
        i += 1

def set_name():
    i = 0
    while not stop.is_set():
        C.__name__ = ("C", "D")[i & 1]
        i += 1

def set_bases():
    i = 0
    while not stop.is_set():
        C.__bases__ = ((B1,), (B2,))[i & 1]
        i += 1

threads = [threading.Thread(target=reader) for _ in range(3)]
threads += [threading.Thread(target=f)
            for f in (set_plain, set_dunders, set_name, set_bases)]
for t in threads:
    t.start()
time.sleep(1.0)
stop.set()
for t in threads:
    t.join()
C.__name__ = "C"
print("wrong results:", totals["wrong"])
print("exceptions:", totals["errors"])
print("reads done:", totals["reads"] > 0)
print(C.__name__, C.__bases__ in ((B1,), (B2,)), S.__mro__[1] is C)
