# A huge str repeat and join under the limit.
for what in ("repeat", "join"):
    try:
        if what == "repeat":
            s = "abcdefgh" * (10 ** 9)
        else:
            s = ",".join(["abcdefgh"] * (10 ** 8))
        print(what, "allocated", len(s))
    except MemoryError:
        print(what, "MemoryError")
print("done")
