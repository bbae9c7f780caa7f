# gi_running and gi_suspended through a generator's life, read from inside
# and outside it, and a generator resumed while it runs (issue 20: the
# frame state is shared with other threads and is now atomic).
def g():
    print('inside: running', me.gi_running, 'suspended', me.gi_suspended)
    try:
        next(me)
    except ValueError as e:
        print('ValueError:', e)
    x = yield 1
    print('sent', x)
    yield 2

me = g()
print('created: running', me.gi_running, 'suspended', me.gi_suspended)
print(next(me))
print('after yield: running', me.gi_running, 'suspended', me.gi_suspended)
print(me.send('v'))
me.close()
print('closed: running', me.gi_running, 'suspended', me.gi_suspended)
try:
    me.send(None)
except StopIteration:
    print('StopIteration after close')
h = g()
try:
    h.send(5)
except TypeError as e:
    print('TypeError:', e)
