# Classes: attributes, methods, inheritance, overriding, dunders.
class Animal:
    kind = "animal"
    count = 0

    def __init__(self, name):
        self.name = name
        Animal.count += 1

    def speak(self):
        return self.name + " makes a sound"

    def describe(self):
        return f"{self.name} is an {self.kind}: {self.speak()}"

    def __repr__(self):
        return f"Animal({self.name!r})"


class Dog(Animal):
    kind = "dog"

    def speak(self):
        return self.name + " barks"


class Puppy(Dog):
    def __init__(self, name, age):
        Dog.__init__(self, name)
        self.age = age

    def speak(self):
        return Dog.speak(self) + " softly"


a = Animal("generic")
d = Dog("rex")
p = Puppy("bit", 1)
print(a.speak())
print(d.describe())
print(p.describe(), p.age)
print(Animal.count, a.kind, d.kind, Puppy.kind)
print(isinstance(p, Animal), isinstance(a, Dog), issubclass(Puppy, Dog))
print(repr(a), [d])
print(type(p).__name__, Puppy.__name__, Puppy.__qualname__)
m = d.speak
print(m())
d.name = "max"
print(m())


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __eq__(self, other):
        return self.x == other.x and self.y == other.y

    def __len__(self):
        return 2

    def __str__(self):
        return f"<{self.x}, {self.y}>"


v = Vec(1, 2) + Vec(3, 4)
print(v, len(v), v == Vec(4, 6), v == Vec(0, 0))


class Counter:
    def __init__(self):
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.n >= 3:
            raise StopIteration
        self.n += 1
        return self.n


print(list(Counter()))


def make():
    class Local:
        def who(self):
            return "local"
    return Local


L = make()
print(L().who(), L.__qualname__)


class WithClassAttr:
    items = [x * 2 for x in range(3)]
    total = len(items)


print(WithClassAttr.items, WithClassAttr.total)
try:
    a.missing
except AttributeError as e:
    print(e)
