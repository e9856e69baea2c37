"""Probe: a cross-core cache-line transfer, estimated from Python (two processes, shared memory).

    python3 cacheline.py [--hops 20000] [--reps 40]

Two processes pinned to two CPUs share one integer in an anonymous mmap. A writes an odd value
and spins until it reads the next even one; B spins until it reads the odd value and writes the
next even one. Each hop moves the line from the writer's cache to the reader's: per hop one
transfer (the reader's miss) plus the Python of one spin-loop pass, a compare and a store.
"local" runs the same loop body in one process with nobody to wait for (every read hits): the
interpreter's share of a hop. transfer = hop - local, a rough figure: the spinning reader
notices the new value only at its next read, so half a loop pass of delay hides in the hop too
(local is reported so the reader can judge; on a VM the two vCPUs may share a core's caches).

Records: {"probe": "cacheline", "name": "pingpong" | "local", "hops": N, "seconds": [...]}
"""
from __future__ import print_function

import os
import sys

from _common import skip_unless_python3, arg, clock, emit, pin, python_id, two_cpus


def main():
    if skip_unless_python3('cacheline'):
        return 0
    pair = two_cpus()
    if pair is None:
        emit('cacheline', 'skip', python=python_id(), skip='one CPU only: no cross-core transfer')
        return 0
    import ctypes
    import mmap
    hops = arg('hops', 20000)
    reps = arg('reps', 40)
    mm = mmap.mmap(-1, 4096)
    v = ctypes.c_long.from_buffer(mm, 0)
    pid = os.fork()
    if pid == 0:
        pin([pair[1]])
        x = 0
        while x >= 0:
            while v.value == x:  # wait for the odd value A writes
                pass
            x = v.value
            if x < 0:
                break
            v.value = x + 1
            x = x + 1
        os._exit(0)
    pin([pair[0]])
    secs = []
    x = 0
    for _ in range(reps):
        t0 = clock()
        for _ in range(hops // 2):
            v.value = x + 1
            while v.value == x + 1:
                pass
            x = v.value
        secs.append(clock() - t0)
    v.value = -1
    os.waitpid(pid, 0)
    emit('cacheline', 'pingpong', python=python_id(), cpus=list(pair), hops=hops, seconds=secs)

    # The same loop body alone: a store, one read that finds the value changed, a load, a store.
    local = []
    w = ctypes.c_long.from_buffer(mm, 128)
    for _ in range(reps):
        t0 = clock()
        y = 0
        for _ in range(hops // 2):
            w.value = y + 1
            while w.value == y:  # false at once: the loop's test without a wait
                pass
            y = w.value
            w.value = y + 1
            y = y + 1
        local.append(clock() - t0)
    emit('cacheline', 'local', python=python_id(), cpu=pair[0], hops=hops, seconds=local)
    return 0


if __name__ == '__main__':
    sys.exit(main())
