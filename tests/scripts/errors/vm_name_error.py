def f():
    return undefined_thing_xyz


f()
