# A generator run by one thread while another reads gi_frame's f_lineno,
# f_lasti and f_locals: the reader sees the suspended or running frame in
# one piece, then the completed state.
import threading

def counter(n):
    total = 0
    for i in range(n):
        total += i
        yield total
    return total

gens = []
done = threading.Event()
bad = []

def runner():
    for k in range(300):
        g = counter(20)
        gens.append(g)
        for _ in g:
            pass
        if len(gens) > 8:
            del gens[:4]
    done.set()

first = counter.__code__.co_firstlineno

def reader():
    rounds = 0
    while not done.is_set() or rounds < 20:
        for g in list(gens[-3:]):
            f = g.gi_frame
            if f is None:
                continue
            line = f.f_lineno
            if not (first <= line <= first + 6):
                bad.append(("line", line))
            loc = f.f_locals
            if "total" in loc and "i" in loc and loc["total"] < loc["i"]:
                bad.append(("locals", dict(loc)))
            f.f_lasti
        rounds += 1

ts = [threading.Thread(target=runner), threading.Thread(target=reader)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("bad", bad[:3])
print(all(g.gi_frame is None for g in gens))
