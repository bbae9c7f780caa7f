# LOAD_GLOBAL's inline cache under threads: readers load globals in loops
# while a writer rebinds, deletes and re-adds them, shadows a builtin and
# grows the globals table. Every value a reader sees must be one the
# writer stored (never a stale entry of another name or a freed table), a
# deleted global is a NameError, and once the writer is done (an Event
# orders it) every reader sees the final values.
import sys
import threading

g = sys._getframe().f_globals
ROUNDS = 20000
NREADERS = 4

a = 0          # always bound, rebound to 0..ROUNDS
b = 0          # deleted and re-added
done = threading.Event()
# Each reader sets its event once it is reading, so the writer races them.
ready = [threading.Event() for k in range(NREADERS)]


def fake_len(s):
    return -1


def writer():
    global a, b, len
    for e in ready:
        e.wait()
    for i in range(1, ROUNDS + 1):
        a = i
        if i % 3 == 0:
            del b
        else:
            b = i
        if i % 5 == 0:
            len = fake_len
        elif i % 5 == 2 and i > 5:
            del len
        if i % 50 == 0:
            # New globals grow (and so replace) the globals table.
            g[f"filler_{i}"] = i
    if i % 5 in (0, 1):
        del len
    a = "final a"
    b = "final b"
    done.set()


def reader(k, results):
    bad = 0
    name_errors = 0
    reads = 0
    while reads < 100 or not done.is_set():
        v = a
        if not (type(v) is int and 0 <= v <= ROUNDS) and v != "final a":
            bad += 1
        try:
            w = b
            if not (type(w) is int and 0 <= w <= ROUNDS) and w != "final b":
                bad += 1
        except NameError:
            name_errors += 1
        n = len("abc")
        if n != 3 and n != -1:
            bad += 1
        reads += 1
        if reads == 100:
            ready[k].set()
    # done.set() happened before done.is_set() returned True.
    results[k] = (bad, a, b, len("abc"))


results = [None] * NREADERS
threads = [threading.Thread(target=reader, args=(k, results))
           for k in range(NREADERS)]
for t in threads:
    t.start()
w = threading.Thread(target=writer)
w.start()
w.join()
for t in threads:
    t.join()
for k in range(NREADERS):
    print("reader", k, "bad reads", results[k][0], "final", results[k][1:])
print("fillers", len([k for k in g if k.startswith("filler_")]))
