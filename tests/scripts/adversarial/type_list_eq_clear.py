# list == list whose items' __eq__ clears the other list: the comparison
# re-reads lengths (CPython: False, no crash).
class E:
    def __eq__(self, o):
        b.clear()
        return True
a = [E(), E(), E()]
b = [E(), E(), E()]
print(a == b, a != b, len(b))
b = [E(), E(), E()]
print(a != b)
