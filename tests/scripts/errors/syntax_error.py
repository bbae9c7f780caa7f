# A syntax error: nothing runs, the exit status is 1.
print("not printed")
x = = 1
