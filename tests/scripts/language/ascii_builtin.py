# ascii() and f'{x!a}': one implementation (objects/str.c wf_str_ascii).
# repr with every non-ASCII code point escaped: \xhh up to U+00FF, \uhhhh
# in the BMP, \Uhhhhhhhh beyond; ASCII text is unchanged.
print(ascii("plain ascii"))
print(ascii("é"))
print(ascii("café ÿ"))
print(ascii("\u0100 \u20ac \uffff"))
print(ascii("\U0001f600 and \U0010ffff"))
print(ascii("mixed é€😀 end"))
print(ascii("it's"))
print(ascii('say "hi"'))
print(ascii("both ' and \" é"))
print(ascii("tab\tnew\nline"))
print(ascii(""))
print(ascii(["é", "a", "€"]))
print(ascii({"clé": "valeur", "k": "😀"}))
print(ascii(("ü", "x")))
print(ascii([("é", {"€": ["😀"]})]))
print(ascii(42), ascii(None), ascii(True))
print(ascii("é") == repr("é"))
print(len(ascii("é")), len(repr("é")))
x = "naïve"
print(f"{x!a}")
print(f"[{x!a:>14}]")
print(f"{['é']!a} {x!r} {x!s}")
print(ascii(x) == f"{x!a}")
for s in ["é", "€", "😀", "abc", "'\""]:
    print(ascii(s) == f"{s!a}", ascii(s))
