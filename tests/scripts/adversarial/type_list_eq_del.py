# list == list where __eq__ empties the list being compared: no crash,
# CPython's result.
class E2:
    def __eq__(self, o):
        del a2[:]
        return True
a2 = [E2(), E2(), E2()]
print(a2 == [1, 2, 3], a2)
class E3:
    def __eq__(self, o):
        a3.pop()
        return True
a3 = [E3(), E3(), E3(), E3()]
print(a3 == [0, 0, 0, 0], len(a3))
