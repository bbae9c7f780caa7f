ab‍c = 1
print(ab‍c + 1)
print(len('ab‍c'))
