def f():
    \
